//! Votes on an idea: casting one (within a member's budget) and withdrawing it, and the
//! locks and counts every change of votes keeps.

use agora_core::kinds::ideas::{MERGED, VoteChange, Voted};
use agora_core::{StoreError, TopicId};

use super::statuses::status_of;
use crate::db::{Arg, Handle, Int, LockTable};

/// Adds `delta` to an idea's vote count in one statement, so that concurrent votes on
/// PostgreSQL each add theirs to what the other committed (the row is locked by the update).
async fn add_votes(tx: &mut Handle, topic: TopicId, delta: i64) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO ideas (topic_id, votes) VALUES ($1, $2)          ON CONFLICT (topic_id) DO UPDATE SET votes = ideas.votes + excluded.votes",
        &[topic.0.into(), delta.into()],
    )
    .await?;
    Ok(())
}

/// Locks the ideas whose votes a transaction moves, in id order (so two merges never wait
/// for each other), before it reads or counts them; every vote, withdrawal, merge and undo
/// on an idea takes its lock first (see `Handle::lock_row`).
pub(super) async fn lock_ideas(tx: &mut Handle, ideas: &[TopicId]) -> Result<(), StoreError> {
    let mut ids: Vec<i64> = ideas.iter().map(|t| t.0).collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        tx.lock_row(LockTable::Topics, id).await?;
    }
    Ok(())
}

/// Counts an idea's votes again (exact whatever moved), for a transaction that holds the
/// idea's lock (`lock_ideas`): merges and their undoing move many votes at once.
pub(super) async fn recount(tx: &mut Handle, topic: TopicId) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO ideas (topic_id, votes) VALUES ($1, \
         (SELECT COUNT(*) FROM idea_votes WHERE topic_id = $1)) \
         ON CONFLICT (topic_id) DO UPDATE SET votes = excluded.votes",
        &[topic.0.into()],
    )
    .await?;
    Ok(())
}

/// Casts `c.member`'s vote, inside the caller's transaction.
pub(super) async fn cast(tx: &mut Handle, c: &VoteChange) -> Result<Voted, StoreError> {
    lock_ideas(tx, &[c.topic]).await?;
    if status_of(tx, c.topic).await? == MERGED {
        return Ok(Voted::Merged);
    }
    if let Some(budget) = c.budget {
        // One member's votes are counted against their budget one at a time.
        tx.lock_key(&format!("idea-budget:{}", c.member.0)).await?;
        // Votes held on ideas not closed.
        let mut args: Vec<Arg<'_>> = vec![c.member.0.into()];
        let mut closed = Vec::new();
        for name in &c.closed {
            args.push(name.as_str().into());
            closed.push(format!("${}", args.len()));
        }
        let not_closed = if closed.is_empty() {
            String::new()
        } else {
            format!(" AND t.status NOT IN ({})", closed.join(", "))
        };
        let held = tx
            .one::<Int>(
                format!(
                    "SELECT COUNT(*) FROM idea_votes v JOIN topics t ON t.id = v.topic_id \
                     WHERE v.member_id = $1 AND t.deleted = FALSE{not_closed}"
                ),
                &args,
            )
            .await?
            .0;
        if held >= budget {
            return Ok(Voted::OverBudget);
        }
    }
    let cast = tx
        .execute(
            "INSERT INTO idea_votes (topic_id, member_id, voted_at) VALUES ($1, $2, $3) \
             ON CONFLICT (topic_id, member_id) DO NOTHING",
            &[c.topic.0.into(), c.member.0.into(), c.at.0.into()],
        )
        .await?;
    if cast == 0 {
        return Ok(Voted::Already);
    }
    add_votes(tx, c.topic, 1).await?;
    crate::events::record(tx, c.at, &c.events).await?;
    Ok(Voted::Counted)
}

/// Withdraws `c.member`'s vote, inside the caller's transaction; whether there was one.
pub(super) async fn withdraw(tx: &mut Handle, c: &VoteChange) -> Result<bool, StoreError> {
    lock_ideas(tx, &[c.topic]).await?;
    let removed = tx
        .execute(
            "DELETE FROM idea_votes WHERE topic_id = $1 AND member_id = $2",
            &[c.topic.0.into(), c.member.0.into()],
        )
        .await?;
    if removed == 0 {
        return Ok(false);
    }
    add_votes(tx, c.topic, -1).await?;
    crate::events::record(tx, c.at, &c.events).await?;
    Ok(true)
}
