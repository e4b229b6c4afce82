//! The rows `GroupStore` reads: a group's members, its join requests, an invitation.

use agora_core::groups::Invitation;
use agora_core::time::Timestamp;
use agora_core::{GroupId, InvitationId, MemberId};

#[derive(sqlx::FromRow)]
pub(super) struct MemberOfGroupRow {
    pub(super) member_id: i64,
    pub(super) username: String,
    pub(super) display_name: String,
    pub(super) role: String,
    pub(super) joined_at: i64,
}

#[derive(sqlx::FromRow)]
pub(super) struct RequestRow {
    pub(super) member_id: i64,
    pub(super) username: String,
    pub(super) display_name: String,
    pub(super) created_at: i64,
}

#[derive(sqlx::FromRow)]
pub(super) struct InvitationRow {
    pub(super) id: i64,
    pub(super) group_id: i64,
    pub(super) invitee_id: i64,
    pub(super) inviter_id: Option<i64>,
    pub(super) state: String,
    pub(super) created_at: i64,
}

impl From<InvitationRow> for Invitation {
    fn from(r: InvitationRow) -> Self {
        Self {
            id: InvitationId(r.id),
            group_id: GroupId(r.group_id),
            invitee: MemberId(r.invitee_id),
            invited_by: MemberId(r.inviter_id.unwrap_or_default()),
            state: r.state,
            created_at: Timestamp(r.created_at),
        }
    }
}

pub(super) const INVITATION_COLUMNS: &str =
    "inv.id, inv.group_id, inv.invitee_id, inv.inviter_id, inv.state, inv.created_at";
