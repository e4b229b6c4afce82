//! `TopStore`: the `Top` lists, a group's and the site-wide one, ranked by each topic's score
//! over a period ([`score`]: its replies and the reactions on its posts).

use async_trait::async_trait;

use agora_core::audience::AudienceScope;
use agora_core::forum::sorts::TopStore;
use agora_core::forum::{LatestFilter, Topic, TopicFilter, TopicInGroup};
use agora_core::paging::Cursor;
use agora_core::time::Timestamp;
use agora_core::{GroupId, StoreError};

use crate::SqlStore;
use crate::forum::{SiteOrder, group_list_args, site_topics, topic_narrowing};
use crate::rows::{TOPIC_COLUMNS, TopicRow};

/// The most posts a period's score reads, and the most reactions: the newest. A period with
/// more (a year of a busy site) is ranked by the replies and reactions among them, so that one
/// page costs at most twice this many index entries whatever the period; the day, the week and
/// the month of most communities, and the year of many, hold fewer.
const SCORED_POSTS: u32 = 20_000;

/// What ranks topics in a `Top` list: the rows to draw topics from (`t` is the topic), their
/// score, and the topic's id among them. **The score is the topic's replies and the reactions
/// on its posts in the period**: those written and given since the time bound to `$since`
/// (published replies; a held reply counts once approved; reactions on posts still shown),
/// or, for all time (`since` is `None`), its reply count plus its reaction count (indexed as
/// that sum, `topics_top` and `topics_group_top`). `group`, if given, is the placeholder of
/// the one group whose posts are read.
fn score(since: Option<usize>, group: Option<usize>) -> Ranking {
    let Some(since) = since else {
        return Ranking {
            source: "topics t".to_owned(),
            key: "(t.reply_count + t.reaction_count)",
            id: "t.id",
        };
    };
    let in_group = group.map_or(String::new(), |g| format!(" AND p.group_id = ${g}"));
    let source = format!(
        "(SELECT r.topic_id, SUM(r.points) AS score FROM (\
           SELECT w.topic_id, w.points FROM (SELECT p.topic_id, \
             CASE WHEN p.number > 1 THEN 1 ELSE 0 END AS points FROM posts p \
             WHERE p.created_at >= ${since} AND p.deleted = FALSE{in_group} \
             ORDER BY p.created_at DESC LIMIT {SCORED_POSTS}) w \
           UNION ALL \
           SELECT p.topic_id, 1 AS points FROM (SELECT x.item_id FROM reactions x \
             WHERE x.item_kind = 'post' AND x.created_at >= ${since} \
             ORDER BY x.created_at DESC LIMIT {SCORED_POSTS}) g \
           JOIN posts p ON p.id = g.item_id WHERE p.deleted = FALSE{in_group}) r \
         GROUP BY r.topic_id ORDER BY score DESC, r.topic_id DESC) s \
         JOIN topics t ON t.id = s.topic_id"
    );
    // Ranked in order, and the page ordered by the ranking's own columns: PostgreSQL looks the
    // ranked topics up one by one until the page is full, rather than reading every topic to
    // join them (which its estimate of the ranked rows, with no statistics, made look cheaper:
    // 60–140 ms instead of 2–15 on the seed).
    Ranking {
        source,
        key: "s.score",
        id: "s.topic_id",
    }
}

/// A ranking as SQL (see [`score`]).
struct Ranking {
    source: String,
    key: &'static str,
    id: &'static str,
}

#[derive(sqlx::FromRow)]
struct Ranked {
    #[sqlx(flatten)]
    topic: TopicRow,
    sort_key: i64,
}

#[async_trait]
impl TopStore for SqlStore {
    async fn top_topics(
        &self,
        group: GroupId,
        since: Option<Timestamp>,
        after: Option<Cursor>,
        limit: u32,
        with_deleted: bool,
        filter: &TopicFilter,
    ) -> Result<Vec<(Topic, i64)>, StoreError> {
        let mut db = self.pools.read().await?;
        let mut args = group_list_args(group, with_deleted, after, limit);
        if let Some(since) = since {
            args.push(since.0.into());
        }
        let Ranking { source, key, id } = score(since.map(|_| 6), Some(1));
        let narrow = topic_narrowing(filter, &mut args);
        let sql = format!(
            "SELECT {TOPIC_COLUMNS}, {key} AS sort_key FROM {source} \
             JOIN members a ON a.id = t.author_id \
             WHERE t.group_id = $1 AND (t.deleted = FALSE OR $2) \
             AND ({key}, {id}) < ($3, $4){narrow} \
             ORDER BY {key} DESC, {id} DESC LIMIT $5"
        );
        let rows = db.all::<Ranked>(sql, &args).await?;
        Ok(rows
            .into_iter()
            .map(|r| (Topic::from(r.topic), r.sort_key))
            .collect())
    }

    async fn top_latest(
        &self,
        scope: &AudienceScope,
        since: Option<Timestamp>,
        filter: &LatestFilter,
        limit: u32,
    ) -> Result<Vec<(TopicInGroup, i64)>, StoreError> {
        let mut db = self.pools.read().await?;
        // The scope filters the topics; the score reads every group's posts of the period
        // (a topic's score comes from its own posts, in its own group).
        let ranking = score(since.map(|_| 6), None);
        let order = SiteOrder {
            source: &ranking.source,
            key: ranking.key,
            id: ranking.id,
            narrow: "",
            since,
        };
        site_topics(&mut db, scope, filter, limit, order).await
    }
}
