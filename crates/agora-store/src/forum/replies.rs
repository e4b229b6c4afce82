//! A reply: its number, the topic's and group's counters and activity, its event.

use agora_core::events::Event;
use agora_core::forum::NewPost;
use agora_core::{PostId, StoreError};

use crate::db::{Backend, Handle, Int};
use crate::forum_items::hold_in;
use crate::mentions::remember;
use crate::search::index_post;

#[derive(sqlx::FromRow)]
struct Bumped {
    post_count: i64,
    group_id: i64,
}

/// Inserts a reply, inside the caller's transaction.
pub(super) async fn insert(tx: &mut Handle, p: &NewPost) -> Result<PostId, StoreError> {
    // Taking the next number and bumping the counters in one statement also locks the
    // topic row, so concurrent replies on PostgreSQL cannot take the same number.
    // On PostgreSQL the group's activity time is written by the same statement (a
    // round trip less: the reply's event takes one more).
    let bump = "UPDATE topics SET post_count = post_count + 1, reply_count = reply_count + 1, \
         last_activity_at = $2, first_reply_at = CASE WHEN first_reply_at IS NULL \
         AND author_id <> $3 AND $4 THEN $2 ELSE first_reply_at END \
         WHERE id = $1 RETURNING post_count, group_id";
    let postgres = tx.backend() == Backend::Postgres;
    let sql = if postgres {
        format!(
            "WITH t AS ({bump}), g AS (UPDATE groups SET last_activity_at = $2 \
             WHERE id = (SELECT group_id FROM t)) SELECT post_count, group_id FROM t"
        )
    } else {
        bump.to_owned()
    };
    let bumped = tx
        .one::<Bumped>(
            sql,
            &[
                p.topic_id.0.into(),
                p.at.0.into(),
                p.author.0.into(),
                p.hold.is_none().into(),
            ],
        )
        .await?;
    let id = tx
        .one::<Int>(
            "INSERT INTO posts (topic_id, group_id, number, author_id, body_markdown, body_html, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            &[
                p.topic_id.0.into(),
                bumped.group_id.into(),
                bumped.post_count.into(),
                p.author.0.into(),
                (&p.body_markdown).into(),
                (&p.body_html).into(),
                p.at.0.into(),
            ],
        )
        .await?
        .0;
    index_post(tx, id, "", &p.body_text).await?;
    if !postgres {
        tx.execute(
            "UPDATE groups SET last_activity_at = $2 WHERE id = $1",
            &[bumped.group_id.into(), p.at.0.into()],
        )
        .await?;
    }
    match &p.hold {
        Some(hold) => hold_in(tx, PostId(id), p.author, hold, p.at, false).await?,
        None => {
            let published = Event::ItemPublished {
                topic: p.topic_id.0,
                post: id,
                group: bumped.group_id,
                author: p.author.0,
            };
            crate::events::record(tx, p.at, &[published]).await?;
        }
    }
    let published = p.hold.is_none();
    remember(tx, PostId(id), p.author, &p.mentions, p.at, published).await?;
    Ok(PostId(id))
}
