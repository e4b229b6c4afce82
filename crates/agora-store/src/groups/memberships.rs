//! Memberships: adding one (the cached member count and pending requests and invitations
//! kept in step), removing one and changing a role, never leaving a group without an owner;
//! each inside the caller's write transaction.

use agora_core::audit::NewAuditEntry;
use agora_core::events::Event;
use agora_core::groups::GroupRole;
use agora_core::store::RoleChange;
use agora_core::time::Timestamp;
use agora_core::{GroupId, MemberId, StoreError};

use crate::db::{Handle, Int, LockTable};

/// Adds a membership inside an open transaction and keeps the cached count in step; clears
/// the member's pending request and invitations to the group; records that the member joined
/// (`by` themself, or whoever let them in).
pub(super) async fn add_membership(
    tx: &mut Handle,
    group: GroupId,
    member: MemberId,
    role: GroupRole,
    (by, at): (MemberId, Timestamp),
) -> Result<bool, StoreError> {
    let added = tx
        .execute(
            "INSERT INTO group_members (group_id, member_id, role, joined_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (group_id, member_id) DO NOTHING",
            &[group.0.into(), member.0.into(), role.as_str().into(), at.0.into()],
        )
        .await?;
    if added > 0 {
        tx.execute(
            "UPDATE groups SET member_count = member_count + 1 WHERE id = $1",
            &[group.0.into()],
        )
        .await?;
        let joined = Event::MemberJoined {
            group: group.0,
            member: member.0,
            by: by.0,
        };
        crate::events::record(tx, at, &[joined]).await?;
    }
    tx.execute(
        "UPDATE join_requests SET state = 'approved', decided_at = $3 \
         WHERE group_id = $1 AND member_id = $2 AND state = 'pending'",
        &[group.0.into(), member.0.into(), at.0.into()],
    )
    .await?;
    tx.execute(
        "UPDATE invitations SET state = 'accepted', decided_at = $3 \
         WHERE group_id = $1 AND invitee_id = $2 AND state = 'pending'",
        &[group.0.into(), member.0.into(), at.0.into()],
    )
    .await?;
    Ok(added > 0)
}

/// Whether `member` may leave the group (`role` None) or take `role` in it without leaving
/// it ownerless. Locks the group first, so that changes to its owners run one at a time and
/// each sees the owners the one before it left.
async fn keeps_an_owner(
    tx: &mut Handle,
    group: GroupId,
    member: MemberId,
    role: Option<GroupRole>,
) -> Result<RoleChange, StoreError> {
    tx.lock_row(LockTable::Groups, group.0).await?;
    let Some(current) = tx
        .optional::<RoleRow>(
            "SELECT role FROM group_members WHERE group_id = $1 AND member_id = $2",
            &[group.0.into(), member.0.into()],
        )
        .await?
    else {
        return Ok(RoleChange::NotAMember);
    };
    if current.role != GroupRole::Owner.as_str() || role == Some(GroupRole::Owner) {
        return Ok(RoleChange::Done);
    }
    let owners = tx
        .one::<Int>(
            "SELECT COUNT(*) FROM group_members WHERE group_id = $1 AND role = $2",
            &[group.0.into(), GroupRole::Owner.as_str().into()],
        )
        .await?
        .0;
    Ok(if owners > 1 {
        RoleChange::Done
    } else {
        RoleChange::LastOwner
    })
}

#[derive(sqlx::FromRow)]
struct RoleRow {
    role: String,
}

/// Removes a membership unless it is the group's last owner's.
pub(super) async fn remove(
    tx: &mut Handle,
    group: GroupId,
    member: MemberId,
    at: Timestamp,
    audit: &[NewAuditEntry],
) -> Result<RoleChange, StoreError> {
    let change = keeps_an_owner(tx, group, member, None).await?;
    if change != RoleChange::Done {
        return Ok(change);
    }
    let removed = tx
        .execute(
            "DELETE FROM group_members WHERE group_id = $1 AND member_id = $2",
            &[group.0.into(), member.0.into()],
        )
        .await?;
    if removed == 0 {
        return Ok(RoleChange::NotAMember);
    }
    tx.execute(
        "UPDATE groups SET member_count = member_count - 1 WHERE id = $1",
        &[group.0.into()],
    )
    .await?;
    crate::audit::record(tx, audit).await?;
    let left = Event::MemberLeft {
        group: group.0,
        member: member.0,
        by: crate::events::actor(audit).unwrap_or(member.0),
    };
    crate::events::record(tx, at, &[left]).await?;
    Ok(RoleChange::Done)
}

/// Changes a member's role unless that leaves the group without an owner.
pub(super) async fn set_role(
    tx: &mut Handle,
    group: GroupId,
    member: MemberId,
    role: GroupRole,
    audit: &[NewAuditEntry],
) -> Result<RoleChange, StoreError> {
    let change = keeps_an_owner(tx, group, member, Some(role)).await?;
    if change != RoleChange::Done {
        return Ok(change);
    }
    if tx
        .execute(
            "UPDATE group_members SET role = $3 WHERE group_id = $1 AND member_id = $2",
            &[group.0.into(), member.0.into(), role.as_str().into()],
        )
        .await?
        == 0
    {
        return Ok(RoleChange::NotAMember);
    }
    crate::audit::record(tx, audit).await?;
    Ok(RoleChange::Done)
}
