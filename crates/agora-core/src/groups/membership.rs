//! Use cases of membership: join, leave, request and decide, invite and accept, list and
//! remove members.

use crate::error::Refused;
use serde::Serialize;
use tracing::instrument;

use crate::agora::Groups;
use crate::groups::directory::{GroupError, visible};
use crate::groups::policy::{Access, Relation};
use crate::groups::{GroupMember, GroupRole, GroupView, Invitation, JoinRequest, Visibility};
use crate::ids::{InvitationId, MemberId};
use crate::store::RoleChange;
use crate::viewer::Viewer;

/// What joining did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinOutcome {
    /// Now a member (public groups, or already one).
    Member,
    /// A request waits for a group moderator (closed groups).
    Pending,
}

impl Groups<'_> {
    /// Joins a public group at once, or asks to join a closed one. Secret groups need an
    /// invitation; to a non-member they do not exist.
    #[instrument(skip_all, fields(slug))]
    pub async fn join(self, viewer: &Viewer, slug: &str) -> Result<JoinOutcome, GroupError> {
        let actor = self.guard(viewer, crate::guard::Needs::Active).await?;
        let view = self.group(viewer, slug).await?;
        match (view.relation, view.group.visibility) {
            (Relation::Member(_), _) => Ok(JoinOutcome::Member),
            (Relation::Requested, _) => Ok(JoinOutcome::Pending),
            // An archived group takes no new members (a secret one stays unseen).
            (_, Visibility::Public | Visibility::Closed) if view.group.archived_at.is_some() => {
                Err(GroupError::Refused(Refused::Forbidden("archived")))
            }
            (_, Visibility::Public) => {
                self.store
                    .add_member(view.group.id, actor.id, GroupRole::Member, self.now())
                    .await?;
                Ok(JoinOutcome::Member)
            }
            (Relation::Invited, _) => Err(GroupError::InvitationRequired),
            (_, Visibility::Closed) => {
                self.store
                    .insert_request(view.group.id, actor.id, self.now())
                    .await?;
                Ok(JoinOutcome::Pending)
            }
            (_, Visibility::Secret) => Err(GroupError::Refused(Refused::NotFound)),
        }
    }

    /// Leaves a group. The last owner must hand the group over first.
    pub async fn leave(self, viewer: &Viewer, slug: &str) -> Result<(), GroupError> {
        let actor = self.guard(viewer, crate::guard::Needs::Active).await?;
        let view = self.group(viewer, slug).await?;
        if !matches!(view.relation, Relation::Member(_)) {
            return Err(GroupError::NotAMember);
        }
        role_changed(
            self.store
                .remove_member(view.group.id, actor.id, self.now(), &[])
                .await?,
        )
    }

    /// A group's members, for those who may read the group.
    pub async fn group_members(
        self,
        viewer: &Viewer,
        slug: &str,
        after: Option<MemberId>,
        limit: u32,
    ) -> Result<(GroupView, Vec<GroupMember>), GroupError> {
        let view = self.readable_group(viewer, slug).await?;
        let members = self.store.members_of(view.group.id, after, limit).await?;
        Ok((view, members))
    }

    /// Pending join requests, for the group's moderators.
    pub async fn join_requests(
        self,
        viewer: &Viewer,
        slug: &str,
    ) -> Result<Vec<JoinRequest>, GroupError> {
        let view = self.moderated_group(viewer, slug).await?;
        Ok(self.store.pending_requests(view.group.id).await?)
    }

    /// Approves or rejects a pending request to join.
    #[instrument(skip_all, fields(slug, username, approve))]
    pub async fn decide_request(
        self,
        viewer: &Viewer,
        slug: &str,
        username: &str,
        approve: bool,
    ) -> Result<(), GroupError> {
        let view = self.moderated_group(viewer, slug).await?;
        let member = self.member_named(username).await?;
        let by = viewer
            .id()
            .ok_or(GroupError::Refused(Refused::SignInRequired))?;
        if let Some(code) = crate::guard::Needs::Active.sanctioned(viewer) {
            return Err(GroupError::Refused(Refused::Forbidden(code)));
        }
        // An archived group takes no new members (a request may still be turned down).
        if approve && view.group.archived_at.is_some() {
            return Err(GroupError::Refused(Refused::Forbidden("archived")));
        }
        let action = if approve {
            "request.approve"
        } else {
            "request.reject"
        };
        let target = crate::audit::Target::member_in(member, username, &view.group.slug);
        let audit = self.audit_entry(viewer, action, target, Some(view.group.id), String::new());
        let found = self
            .store
            .decide_request(view.group.id, member, approve, by, self.now(), &audit)
            .await?;
        if !found {
            return Err(GroupError::Refused(Refused::NotFound));
        }
        Ok(())
    }

    /// Invites a member. In a secret group any member may invite; elsewhere, the group's
    /// moderators.
    #[instrument(skip_all, fields(slug, username))]
    pub async fn invite(
        self,
        viewer: &Viewer,
        slug: &str,
        username: &str,
    ) -> Result<Invitation, GroupError> {
        let actor = self.guard(viewer, crate::guard::Needs::Active).await?;
        let view = self.group(viewer, slug).await?;
        let allowed = match view.group.visibility {
            Visibility::Secret => view.access >= Access::Participate,
            Visibility::Public | Visibility::Closed => view.access >= Access::Moderate,
        };
        if !allowed {
            return Err(if view.access >= Access::Read {
                GroupError::Refused(Refused::Forbidden("moderators_only"))
            } else {
                GroupError::Refused(Refused::Forbidden("members_only"))
            });
        }
        let invitee = self.member_named(username).await?;
        if let Some((_, Relation::Member(_))) =
            self.store.group_by_id(view.group.id, Some(invitee)).await?
        {
            return Err(GroupError::AlreadyMember);
        }
        let id = self
            .store
            .insert_invitation(view.group.id, invitee, actor.id, self.now())
            .await?;
        self.store
            .invitation(id)
            .await?
            .ok_or(GroupError::Refused(Refused::NotFound))
    }

    /// Accepts an invitation addressed to the viewer; anyone else's is `NotFound`.
    pub async fn accept_invitation(
        self,
        viewer: &Viewer,
        id: InvitationId,
    ) -> Result<GroupView, GroupError> {
        let me = viewer
            .id()
            .ok_or(GroupError::Refused(Refused::SignInRequired))?;
        if let Some(code) = crate::guard::Needs::Active.sanctioned(viewer) {
            return Err(GroupError::Refused(Refused::Forbidden(code)));
        }
        let invitation = self
            .store
            .invitation(id)
            .await?
            .filter(|i| i.invitee == me && i.state == "pending")
            .ok_or(GroupError::Refused(Refused::NotFound))?;
        let (group, relation) = self
            .store
            .group_by_id(invitation.group_id, Some(me))
            .await?
            .ok_or(GroupError::Refused(Refused::NotFound))?;
        if group.archived_at.is_some() {
            visible(viewer, group, relation)?;
            return Err(GroupError::Refused(Refused::Forbidden("archived")));
        }
        self.store.accept_invitation(id, self.now()).await?;
        let (group, relation) = self
            .store
            .group_by_id(invitation.group_id, Some(me))
            .await?
            .ok_or(GroupError::Refused(Refused::NotFound))?;
        visible(viewer, group, relation)
    }

    /// Pending invitations addressed to the viewer.
    pub async fn my_invitations(
        self,
        viewer: &Viewer,
    ) -> Result<Vec<(Invitation, GroupView)>, GroupError> {
        let me = viewer
            .id()
            .ok_or(GroupError::Refused(Refused::SignInRequired))?;
        let rows = self.store.invitations_for(me).await?;
        Ok(rows
            .into_iter()
            .filter_map(|(inv, group)| {
                visible(viewer, group, Relation::Invited)
                    .ok()
                    .map(|view| (inv, view))
            })
            .collect())
    }

    /// Removes a member from a group (group owners, and site admins). The last owner stays.
    pub async fn remove_member(
        self,
        viewer: &Viewer,
        slug: &str,
        username: &str,
    ) -> Result<(), GroupError> {
        if let Some(code) = crate::guard::Needs::Active.sanctioned(viewer) {
            return Err(GroupError::Refused(Refused::Forbidden(code)));
        }
        let view = self.group(viewer, slug).await?;
        if !crate::groups::policy::manages(viewer, view.relation) {
            return Err(if view.access >= Access::Read {
                GroupError::Refused(Refused::Forbidden("owners_only"))
            } else {
                GroupError::Refused(Refused::Forbidden("members_only"))
            });
        }
        let member = self.member_named(username).await?;
        let target = crate::audit::Target::member_in(member, username, &view.group.slug);
        let audit = self.audit_entry(
            viewer,
            "member.remove",
            target,
            Some(view.group.id),
            String::new(),
        );
        role_changed(
            self.store
                .remove_member(view.group.id, member, self.now(), &audit)
                .await?,
        )
    }

    /// Sets a member's role in a group (owners and admins).
    pub async fn set_group_role(
        self,
        viewer: &Viewer,
        slug: &str,
        username: &str,
        role: GroupRole,
    ) -> Result<(), GroupError> {
        if let Some(code) = crate::guard::Needs::Active.sanctioned(viewer) {
            return Err(GroupError::Refused(Refused::Forbidden(code)));
        }
        let view = self.group(viewer, slug).await?;
        if !crate::groups::policy::manages(viewer, view.relation) {
            return Err(GroupError::Refused(Refused::Forbidden("owners_only")));
        }
        let member = self.member_named(username).await?;
        let target = crate::audit::Target::member_in(member, username, &view.group.slug);
        let audit = self.audit_entry(
            viewer,
            "member.group_role",
            target,
            Some(view.group.id),
            role.as_str().to_owned(),
        );
        role_changed(
            self.store
                .set_group_role(view.group.id, member, role, &audit)
                .await?,
        )
    }

    /// The group, if the viewer may read its content; `Forbidden` if they only see it.
    pub(crate) async fn readable_group(
        self,
        viewer: &Viewer,
        slug: &str,
    ) -> Result<GroupView, GroupError> {
        let view = self.group(viewer, slug).await?;
        if view.access < Access::Read {
            return Err(GroupError::Refused(Refused::Forbidden("members_only")));
        }
        Ok(view)
    }

    async fn moderated_group(self, viewer: &Viewer, slug: &str) -> Result<GroupView, GroupError> {
        let view = self.group(viewer, slug).await?;
        if view.access < Access::Moderate {
            return Err(GroupError::Refused(Refused::Forbidden("moderators_only")));
        }
        Ok(view)
    }

    async fn member_named(self, username: &str) -> Result<MemberId, GroupError> {
        Ok(self
            .accounts()
            .member_by_name(username)
            .await?
            .ok_or(GroupError::Refused(Refused::NotFound))?
            .id)
    }
}

/// A membership change's outcome as the use case answers it.
fn role_changed(change: RoleChange) -> Result<(), GroupError> {
    match change {
        RoleChange::Done => Ok(()),
        RoleChange::NotAMember => Err(GroupError::NotAMember),
        RoleChange::LastOwner => Err(GroupError::LastOwner),
    }
}
