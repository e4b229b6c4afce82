//! Deleting and restoring a post, with the counters and events that follow it.

use agora_core::events::Event;
use agora_core::time::Timestamp;
use agora_core::{MemberId, PostId, StoreError};

use crate::db::{Handle, LockTable};
use crate::mentions::tell;

/// Soft-deletes or restores a post inside a transaction (an opening post takes its topic
/// along), keeping the counters in step, and records `ItemHidden` or `ItemRestored` unless
/// `quiet` (a post held before it was ever published, or approved, which is published).
/// Nothing happens if it already is so; whether it changed.
pub(crate) async fn mark_deleted(
    tx: &mut Handle,
    id: PostId,
    deleted: bool,
    by: Option<MemberId>,
    at: Timestamp,
    quiet: bool,
) -> Result<bool, StoreError> {
    // Two deletions of one post at once: the second waits, finds it deleted, and counts
    // nothing.
    tx.lock_row(LockTable::Posts, id.0).await?;
    let current = tx
        .one::<PostState>(
            "SELECT topic_id, group_id, author_id, number, deleted, body_markdown, revision_count \
             FROM posts WHERE id = $1",
            &[id.0.into()],
        )
        .await?;
    if current.deleted == deleted {
        return Ok(false);
    }
    tx.execute(
        "UPDATE posts SET deleted = $2, deleted_at = $3, deleted_by = $4 WHERE id = $1",
        &[
            id.0.into(),
            deleted.into(),
            deleted.then_some(at.0).into(),
            by.filter(|_| deleted).map(|b| b.0).into(),
        ],
    )
    .await?;
    if !deleted {
        // Given back to its audience: who it mentioned while it was away is told now.
        tell(tx, id, at).await?;
    }
    let delta: i64 = if deleted { -1 } else { 1 };
    if current.number == 1 {
        tx.execute(
            "UPDATE topics SET deleted = $2 WHERE id = $1",
            &[current.topic_id.into(), deleted.into()],
        )
        .await?;
        tx.execute(
            "UPDATE groups SET topic_count = topic_count + $2 \
             WHERE id = (SELECT group_id FROM topics WHERE id = $1)",
            &[current.topic_id.into(), delta.into()],
        )
        .await?;
    } else {
        // A reply by someone other than the topic's author that comes back (approved, or
        // restored) answers the topic, if nothing had yet.
        tx.execute(
            "UPDATE topics SET reply_count = reply_count + $2, first_reply_at = CASE \
             WHEN $2 > 0 AND first_reply_at IS NULL AND author_id <> $3 THEN $4 \
             ELSE first_reply_at END WHERE id = $1",
            &[
                current.topic_id.into(),
                delta.into(),
                current.author_id.into(),
                at.0.into(),
            ],
        )
        .await?;
    }
    if quiet {
        return Ok(true);
    }
    let (topic, post, group, author) =
        (current.topic_id, id.0, current.group_id, current.author_id);
    let by = by.map(|b| b.0);
    let event = if deleted {
        Event::ItemHidden {
            topic,
            post,
            group,
            author,
            by,
        }
    } else {
        Event::ItemRestored {
            topic,
            post,
            group,
            author,
            by,
        }
    };
    crate::events::record(tx, at, &[event]).await?;
    Ok(true)
}

#[derive(sqlx::FromRow)]
pub(super) struct PostState {
    pub topic_id: i64,
    pub group_id: i64,
    pub author_id: i64,
    pub number: i64,
    pub deleted: bool,
    pub body_markdown: String,
    pub revision_count: i64,
}
