//! Join requests: asking to join (once while a request is pending) and the decision, which
//! makes an approved asker a member; each inside the caller's write transaction.

use agora_core::audit::NewAuditEntry;
use agora_core::groups::GroupRole;
use agora_core::time::Timestamp;
use agora_core::{GroupId, MemberId, StoreError};

use super::memberships::add_membership;
use crate::db::Handle;

/// Records a pending request to join, unless one is pending already.
pub(super) async fn insert(
    tx: &mut Handle,
    group: GroupId,
    member: MemberId,
    at: Timestamp,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO join_requests (group_id, member_id, state, created_at) VALUES ($1, $2, 'pending', $3) \
         ON CONFLICT (group_id, member_id) WHERE state = 'pending' DO NOTHING",
        &[group.0.into(), member.0.into(), at.0.into()],
    )
    .await?;
    Ok(())
}

/// Approves or rejects a pending request; false if none is pending.
pub(super) async fn decide(
    tx: &mut Handle,
    group: GroupId,
    member: MemberId,
    approve: bool,
    by: MemberId,
    at: Timestamp,
    audit: &[NewAuditEntry],
) -> Result<bool, StoreError> {
    let state = if approve { "approved" } else { "rejected" };
    let n = tx
        .execute(
            "UPDATE join_requests SET state = $3, decided_by = $4, decided_at = $5 \
             WHERE group_id = $1 AND member_id = $2 AND state = 'pending'",
            &[
                group.0.into(),
                member.0.into(),
                state.into(),
                by.0.into(),
                at.0.into(),
            ],
        )
        .await?;
    if n > 0 && approve {
        add_membership(tx, group, member, GroupRole::Member, (by, at)).await?;
    }
    if n > 0 {
        crate::audit::record(tx, audit).await?;
    }
    Ok(n > 0)
}
