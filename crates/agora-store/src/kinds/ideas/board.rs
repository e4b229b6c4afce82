//! A group's board of ideas: its list in each order, and the ideas it shipped.

use agora_core::forum::Topic;
use agora_core::kinds::ideas::{IdeaSort, IdeaSummary, StatusChange};
use agora_core::paging::Cursor;
use agora_core::time::Timestamp;
use agora_core::{GroupId, StoreError};

use super::ChangeRow;
use crate::db::Handle;
use crate::rows::{TOPIC_COLUMNS, TopicRow};

#[derive(sqlx::FromRow)]
struct SummaryRow {
    #[sqlx(flatten)]
    topic: TopicRow,
    votes: i64,
    recent_votes: i64,
}

#[derive(sqlx::FromRow)]
struct ShippedRow {
    #[sqlx(flatten)]
    topic: TopicRow,
    #[sqlx(flatten)]
    change: ChangeRow,
}

/// One page of a group's ideas in `sort` order (merged ones left out).
pub(super) async fn list(
    db: &mut Handle,
    group: GroupId,
    sort: IdeaSort,
    trending_since: Timestamp,
    after: Option<Cursor>,
    limit: u32,
) -> Result<Vec<IdeaSummary>, StoreError> {
    let key = match sort {
        IdeaSort::Votes => "x.votes",
        IdeaSort::Trending => "x.recent_votes",
        IdeaSort::Newest => "x.created_at",
    };
    let (k, id) = after.map_or((i64::MAX, i64::MAX), |c| (c.key, c.id));
    let sql = format!(
        "SELECT * FROM (SELECT {TOPIC_COLUMNS}, COALESCE(i.votes, 0) AS votes, \
         (SELECT COUNT(*) FROM idea_votes v WHERE v.topic_id = t.id AND v.voted_at >= $2) AS recent_votes \
         FROM topics t JOIN members a ON a.id = t.author_id LEFT JOIN ideas i ON i.topic_id = t.id \
         WHERE t.group_id = $1 AND t.kind = 'idea' AND t.deleted = FALSE AND t.status <> 'merged') x \
         WHERE ({key}, x.id) < ($3, $4) ORDER BY {key} DESC, x.id DESC LIMIT $5"
    );
    let rows = db
        .all::<SummaryRow>(
            sql,
            &[
                group.0.into(),
                trending_since.0.into(),
                k.into(),
                id.into(),
                i64::from(limit).into(),
            ],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| IdeaSummary {
            topic: Topic::from(r.topic),
            votes: r.votes,
            recent_votes: r.recent_votes,
        })
        .collect())
}

/// A group's shipped ideas, each with the change that shipped it, latest first.
pub(super) async fn shipped(
    db: &mut Handle,
    group: GroupId,
    limit: u32,
) -> Result<Vec<(Topic, StatusChange)>, StoreError> {
    let sql = format!(
        "SELECT {TOPIC_COLUMNS}, c.from_status, c.to_status, c.note, m.username AS by_name, m.display_name AS by_display_name, c.at \
         FROM topics t JOIN members a ON a.id = t.author_id \
         JOIN idea_status_changes c ON c.id = (SELECT MAX(c2.id) FROM idea_status_changes c2 \
             WHERE c2.topic_id = t.id AND c2.to_status = 'shipped') \
         LEFT JOIN members m ON m.id = c.by_id \
         WHERE t.group_id = $1 AND t.kind = 'idea' AND t.deleted = FALSE AND t.status = 'shipped' \
         ORDER BY c.at DESC, t.id DESC LIMIT $2"
    );
    let rows = db
        .all::<ShippedRow>(sql, &[group.0.into(), i64::from(limit).into()])
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| (Topic::from(r.topic), StatusChange::from(r.change)))
        .collect())
}
