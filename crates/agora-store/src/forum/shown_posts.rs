//! A topic's posts with what each shows its viewer beside it, in the one query of a topic's
//! page: its reaction counts (one text column, a count a line: emoji, total, the viewer's own
//! `1` or `0`, tab-separated), whether the viewer bookmarked it and whether the viewer ignores
//! its author. On PostgreSQL every query is a round trip; these were three more.

use std::sync::LazyLock;

use agora_core::forum::Post;
use agora_core::reactions::ReactionCount;
use agora_core::reactions::shown::PostShown;

use crate::db::Backend;
use crate::rows::{POST_COLUMNS, PostRow};

#[derive(sqlx::FromRow)]
pub(super) struct Row {
    #[sqlx(flatten)]
    post: PostRow,
    reactions: Option<String>,
    bookmarked: bool,
    author_ignored: bool,
}

impl Row {
    pub(super) fn into_parts(self) -> (Post, PostShown) {
        let counts = self
            .reactions
            .as_deref()
            .unwrap_or_default()
            .lines()
            .filter_map(|line| {
                let mut cells = line.split('\t');
                let emoji = cells.next()?.to_owned();
                let count = cells.next()?.parse().ok()?;
                let mine = cells.next()? == "1";
                Some(ReactionCount { emoji, count, mine })
            })
            .collect();
        let shown = PostShown {
            counts,
            bookmarked: self.bookmarked,
            author_ignored: self.author_ignored,
        };
        (Post::from(self.post), shown)
    }
}

/// `$1` the topic, `$2` the first number, `$3` how many, `$4` the viewer (NULL for a guest).
pub(super) fn sql(backend: Backend) -> &'static str {
    static SQLITE: LazyLock<String> = LazyLock::new(|| {
        query(
            "group_concat(c.emoji || char(9) || c.total || char(9) || (EXISTS ({mine})), char(10))",
        )
    });
    static POSTGRES: LazyLock<String> = LazyLock::new(|| {
        query(
            "string_agg(c.emoji || chr(9) || CAST(c.total AS TEXT) || chr(9) || \
             CASE WHEN EXISTS ({mine}) THEN '1' ELSE '0' END, chr(10))",
        )
    });
    match backend {
        Backend::Sqlite => SQLITE.as_str(),
        Backend::Postgres => POSTGRES.as_str(),
    }
}

fn query(aggregate: &str) -> String {
    let mine = "SELECT 1 FROM reactions r WHERE r.item_kind = c.item_kind \
                AND r.item_id = c.item_id AND r.emoji = c.emoji AND r.member_id = $4";
    let aggregate = aggregate.replace("{mine}", mine);
    format!(
        "SELECT {POST_COLUMNS}, \
         (SELECT {aggregate} FROM reaction_counts c \
          WHERE c.item_kind = 'post' AND c.item_id = p.id AND c.total > 0) AS reactions, \
         EXISTS (SELECT 1 FROM bookmarks b WHERE b.member_id = $4 AND b.item_kind = 'post' \
          AND b.item_id = p.id) AS bookmarked, \
         EXISTS (SELECT 1 FROM member_blocks x WHERE x.member_id = $4 \
          AND x.other_id = p.author_id AND x.kind = 'ignore') AS author_ignored \
         FROM posts p JOIN members a ON a.id = p.author_id \
         WHERE p.topic_id = $1 AND p.number >= $2 ORDER BY p.number LIMIT $3"
    )
}
