//! Merging a duplicate idea into its original (the votes move, a voter on both keeps one) and
//! undoing the merge.

use agora_core::kinds::ideas::{IdeaChange, MERGED};
use agora_core::{StoreError, TopicId};

use super::Text;
use super::statuses::{keep_change, status_of};
use super::votes::{lock_ideas, recount};
use crate::db::{Handle, Int};

/// Merges `c.topic` into `original`, inside the caller's transaction; whether it did.
pub(super) async fn merge(
    tx: &mut Handle,
    c: &IdeaChange,
    original: TopicId,
) -> Result<bool, StoreError> {
    let dup = c.topic;
    lock_ideas(tx, &[dup, original]).await?;
    let from = status_of(tx, dup).await?;
    // What the core checked before, checked again under the locks.
    let merged_from = tx
        .one::<Int>(
            "SELECT COUNT(*) FROM ideas WHERE merged_into = $1",
            &[dup.0.into()],
        )
        .await?
        .0;
    if from == MERGED || status_of(tx, original).await? == MERGED || merged_from > 0 {
        return Ok(false);
    }
    // A voter on both keeps one vote, on the original; their vote on the
    // duplicate is set aside to be given back if the merge is undone.
    tx.execute(
        "INSERT INTO idea_merged_votes (duplicate_id, member_id, voted_at) \
         SELECT d.topic_id, d.member_id, d.voted_at FROM idea_votes d \
         WHERE d.topic_id = $1 AND EXISTS (SELECT 1 FROM idea_votes o \
         WHERE o.topic_id = $2 AND o.member_id = d.member_id)",
        &[dup.0.into(), original.0.into()],
    )
    .await?;
    tx.execute(
        "DELETE FROM idea_votes WHERE topic_id = $1 AND member_id IN \
         (SELECT member_id FROM idea_merged_votes WHERE duplicate_id = $1)",
        &[dup.0.into()],
    )
    .await?;
    // Every other vote moves, and remembers the idea it was cast on.
    tx.execute(
        "UPDATE idea_votes SET topic_id = $2, via = $1 WHERE topic_id = $1",
        &[dup.0.into(), original.0.into()],
    )
    .await?;
    recount(tx, dup).await?;
    recount(tx, original).await?;
    tx.execute(
        "UPDATE ideas SET merged_into = $2, status_before_merge = $3 WHERE topic_id = $1",
        &[dup.0.into(), original.0.into(), from.as_str().into()],
    )
    .await?;
    tx.execute(
        "UPDATE topics SET status = $2 WHERE id = $1",
        &[dup.0.into(), MERGED.into()],
    )
    .await?;
    keep_change(tx, dup, &from, MERGED, &c.note, c.by, c.at).await?;
    crate::audit::record(tx, &c.audit).await?;
    crate::events::record(tx, c.at, &c.events).await?;
    Ok(true)
}

/// Undoes the merge of `c.topic`, inside the caller's transaction; whether there was one.
pub(super) async fn undo(tx: &mut Handle, c: &IdeaChange) -> Result<bool, StoreError> {
    let dup = c.topic;
    let Some(original) = tx
        .optional::<Int>(
            "SELECT merged_into FROM ideas WHERE topic_id = $1 AND merged_into IS NOT NULL",
            &[dup.0.into()],
        )
        .await?
        .map(|r| TopicId(r.0))
    else {
        return Ok(false);
    };
    lock_ideas(tx, &[dup, original]).await?;
    // Undone meanwhile by someone else: nothing left to undo.
    if tx
        .optional::<Int>(
            "SELECT merged_into FROM ideas WHERE topic_id = $1 AND merged_into = $2",
            &[dup.0.into(), original.0.into()],
        )
        .await?
        .is_none()
    {
        return Ok(false);
    }
    let before = tx
        .one::<Text>(
            "SELECT COALESCE(status_before_merge, 'new') AS value FROM ideas WHERE topic_id = $1",
            &[dup.0.into()],
        )
        .await?
        .value;
    tx.execute(
        "UPDATE idea_votes SET topic_id = $1, via = NULL WHERE topic_id = $2 AND via = $1",
        &[dup.0.into(), original.0.into()],
    )
    .await?;
    tx.execute(
        "INSERT INTO idea_votes (topic_id, member_id, voted_at) \
         SELECT duplicate_id, member_id, voted_at FROM idea_merged_votes WHERE duplicate_id = $1",
        &[dup.0.into()],
    )
    .await?;
    tx.execute(
        "DELETE FROM idea_merged_votes WHERE duplicate_id = $1",
        &[dup.0.into()],
    )
    .await?;
    recount(tx, dup).await?;
    recount(tx, original).await?;
    tx.execute(
        "UPDATE ideas SET merged_into = NULL, status_before_merge = NULL WHERE topic_id = $1",
        &[dup.0.into()],
    )
    .await?;
    tx.execute(
        "UPDATE topics SET status = $2 WHERE id = $1",
        &[dup.0.into(), before.as_str().into()],
    )
    .await?;
    keep_change(
        tx,
        dup,
        MERGED,
        &before,
        "The merge was undone.",
        c.by,
        c.at,
    )
    .await?;
    crate::audit::record(tx, &c.audit).await?;
    crate::events::record(tx, c.at, &c.events).await?;
    Ok(true)
}
