//! Groups, memberships, join requests and invitations.

use async_trait::async_trait;

use crate::audit::NewAuditEntry;
use crate::error::StoreError;
use crate::groups::policy::{Relation, Scope};
use crate::groups::{
    Group, GroupChange, GroupMember, GroupRole, Invitation, JoinRequest, NewGroup,
};
use crate::ids::{GroupId, InvitationId, MemberId};
use crate::paging::NameCursor;
use crate::time::Timestamp;

/// What became of a change to a membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleChange {
    Done,
    /// The member does not belong to the group.
    NotAMember,
    /// The member is the group's last owner: someone else must own it first.
    LastOwner,
}

/// Groups, memberships, join requests and invitations.
#[async_trait]
pub trait GroupStore: Send + Sync {
    /// Inserts a group with its owner as first member. A taken slug is `Conflict` with
    /// constraint `groups_slug`.
    async fn insert_group(&self, group: &NewGroup) -> Result<GroupId, StoreError>;
    /// Changes a group's own fields (name, description, visibility, archived), with `audit`,
    /// and records `GroupChanged`; `what` says what changed (`edited`, `archived`…).
    async fn update_group(
        &self,
        change: &GroupChange,
        what: &str,
        audit: &[NewAuditEntry],
    ) -> Result<(), StoreError>;
    /// Deletes an archived group: gone for everyone, its address freed, its rows kept for
    /// what must outlive it (legal cases, the audit log). False, and nothing written, when it
    /// is not archived (made active again meanwhile) or deleted already.
    async fn delete_group(
        &self,
        id: GroupId,
        by: MemberId,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<bool, StoreError>;
    /// A group and how `viewer` stands to it.
    async fn group_by_slug(
        &self,
        slug: &str,
        viewer: Option<MemberId>,
    ) -> Result<Option<(Group, Relation)>, StoreError>;
    async fn group_by_id(
        &self,
        id: GroupId,
        viewer: Option<MemberId>,
    ) -> Result<Option<(Group, Relation)>, StoreError>;
    /// Groups in `scope`, ordered by name then id, after `after`.
    async fn list_groups(
        &self,
        scope: &Scope,
        after: Option<&NameCursor>,
        limit: u32,
    ) -> Result<Vec<(Group, Relation)>, StoreError>;
    /// How many groups are in `scope`.
    async fn count_groups(&self, scope: &Scope) -> Result<i64, StoreError>;
    /// Groups in `scope` with the most members first.
    async fn popular_groups(
        &self,
        scope: &Scope,
        limit: u32,
    ) -> Result<Vec<(Group, Relation)>, StoreError>;
    /// Groups `member` belongs to that are in `scope`.
    async fn groups_of_member(
        &self,
        member: MemberId,
        scope: &Scope,
    ) -> Result<Vec<(Group, GroupRole)>, StoreError>;

    /// Adds a member (no-op if already one) and clears their pending request and
    /// invitations, in one transaction. Returns whether a membership was added.
    async fn add_member(
        &self,
        group: GroupId,
        member: MemberId,
        role: GroupRole,
        at: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Removes a membership, unless it is the group's last owner's (checked in the same
    /// transaction, under the group's lock, so two owners leaving at once leave one). `audit`
    /// is written, and the member's leaving recorded at `at`, only when the membership went.
    async fn remove_member(
        &self,
        group: GroupId,
        member: MemberId,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<RoleChange, StoreError>;
    /// Sets a member's role, unless that takes the group's last owner away (checked as
    /// `remove_member` does).
    async fn set_group_role(
        &self,
        group: GroupId,
        member: MemberId,
        role: GroupRole,
        audit: &[NewAuditEntry],
    ) -> Result<RoleChange, StoreError>;
    async fn count_role(&self, group: GroupId, role: GroupRole) -> Result<i64, StoreError>;
    async fn members_of(
        &self,
        group: GroupId,
        after: Option<MemberId>,
        limit: u32,
    ) -> Result<Vec<GroupMember>, StoreError>;

    /// Records a request to join; a second request while one is pending is a no-op.
    async fn insert_request(
        &self,
        group: GroupId,
        member: MemberId,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    async fn pending_requests(&self, group: GroupId) -> Result<Vec<JoinRequest>, StoreError>;
    /// Approves (adding the membership in the same transaction) or rejects a pending
    /// request. Returns whether a pending request was found.
    async fn decide_request(
        &self,
        group: GroupId,
        member: MemberId,
        approve: bool,
        by: MemberId,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<bool, StoreError>;

    /// Creates a pending invitation, or returns the one already pending.
    async fn insert_invitation(
        &self,
        group: GroupId,
        invitee: MemberId,
        by: MemberId,
        at: Timestamp,
    ) -> Result<InvitationId, StoreError>;
    async fn invitation(&self, id: InvitationId) -> Result<Option<Invitation>, StoreError>;
    /// Pending invitations addressed to `member`, with their groups.
    async fn invitations_for(
        &self,
        member: MemberId,
    ) -> Result<Vec<(Invitation, Group)>, StoreError>;
    /// Accepts a pending invitation and adds the membership, in one transaction.
    async fn accept_invitation(&self, id: InvitationId, at: Timestamp) -> Result<bool, StoreError>;
}
