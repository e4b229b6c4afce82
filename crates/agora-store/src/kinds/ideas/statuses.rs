//! The statuses an idea may take, and an idea's change of status with its history.

use agora_core::audit::NewAuditEntry;
use agora_core::kinds::ideas::{IdeaChange, IdeaStatus, MERGED};
use agora_core::time::Timestamp;
use agora_core::{MemberId, StoreError, TopicId};

use super::Text;
use super::votes::lock_ideas;
use crate::db::Handle;

/// Replaces the statuses ideas may take, inside the caller's transaction.
pub(super) async fn replace(
    tx: &mut Handle,
    statuses: &[IdeaStatus],
    audit: &[NewAuditEntry],
) -> Result<(), StoreError> {
    tx.execute("DELETE FROM idea_statuses", &[]).await?;
    for (i, s) in statuses.iter().enumerate() {
        tx.execute(
            "INSERT INTO idea_statuses (name, label, status_set, position) \
             VALUES ($1, $2, $3, $4)",
            &[
                s.name.as_str().into(),
                s.label.as_str().into(),
                s.set.as_str().into(),
                i64::try_from(i).unwrap_or(i64::MAX).into(),
            ],
        )
        .await?;
    }
    crate::audit::record(tx, audit).await?;
    Ok(())
}

/// Sets an idea's status, inside the caller's transaction; whether it changed.
pub(super) async fn set(tx: &mut Handle, c: &IdeaChange) -> Result<bool, StoreError> {
    lock_ideas(tx, &[c.topic]).await?;
    let from = status_of(tx, c.topic).await?;
    // A merge that came first decides: a merged idea keeps its status.
    if from == c.to || from == MERGED {
        return Ok(false);
    }
    tx.execute(
        "UPDATE topics SET status = $2 WHERE id = $1",
        &[c.topic.0.into(), c.to.as_str().into()],
    )
    .await?;
    keep_change(tx, c.topic, &from, &c.to, &c.note, c.by, c.at).await?;
    crate::audit::record(tx, &c.audit).await?;
    crate::events::record(tx, c.at, &c.events).await?;
    Ok(true)
}

pub(super) async fn keep_change(
    tx: &mut Handle,
    topic: TopicId,
    from: &str,
    to: &str,
    note: &str,
    by: MemberId,
    at: Timestamp,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO idea_status_changes (topic_id, from_status, to_status, note, by_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            topic.0.into(),
            from.into(),
            to.into(),
            note.into(),
            by.0.into(),
            at.0.into(),
        ],
    )
    .await?;
    Ok(())
}

pub(super) async fn status_of(tx: &mut Handle, topic: TopicId) -> Result<String, StoreError> {
    Ok(tx
        .one::<Text>(
            "SELECT status AS value FROM topics WHERE id = $1",
            &[topic.0.into()],
        )
        .await?
        .value)
}
