//! Invitations: inviting a member (once while one is pending) and accepting, which makes the
//! invitee a member; each inside the caller's write transaction.

use agora_core::groups::GroupRole;
use agora_core::time::Timestamp;
use agora_core::{GroupId, InvitationId, MemberId, StoreError};

use super::memberships::add_membership;
use super::rows::{INVITATION_COLUMNS, InvitationRow};
use crate::db::{Handle, Int};

/// Invites `invitee`; the pending invitation's id, new or already there.
pub(super) async fn insert(
    tx: &mut Handle,
    group: GroupId,
    invitee: MemberId,
    by: MemberId,
    at: Timestamp,
) -> Result<InvitationId, StoreError> {
    tx.execute(
        "INSERT INTO invitations (group_id, invitee_id, inviter_id, state, created_at) \
         VALUES ($1, $2, $3, 'pending', $4) \
         ON CONFLICT (group_id, invitee_id) WHERE state = 'pending' DO NOTHING",
        &[group.0.into(), invitee.0.into(), by.0.into(), at.0.into()],
    )
    .await?;
    let id = tx
        .one::<Int>(
            "SELECT id FROM invitations WHERE group_id = $1 AND invitee_id = $2 AND state = 'pending'",
            &[group.0.into(), invitee.0.into()],
        )
        .await?;
    Ok(InvitationId(id.0))
}

/// Accepts a pending invitation; false if it is not pending.
pub(super) async fn accept(
    tx: &mut Handle,
    id: InvitationId,
    at: Timestamp,
) -> Result<bool, StoreError> {
    let sql = format!(
        "SELECT {INVITATION_COLUMNS} FROM invitations inv WHERE inv.id = $1 AND inv.state = 'pending'"
    );
    let Some(inv) = tx.optional::<InvitationRow>(sql, &[id.0.into()]).await? else {
        return Ok(false);
    };
    add_membership(
        tx,
        GroupId(inv.group_id),
        MemberId(inv.invitee_id),
        GroupRole::Member,
        (MemberId(inv.invitee_id), at),
    )
    .await?;
    Ok(true)
}
