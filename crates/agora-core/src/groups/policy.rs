//! The visibility policy: the one place that decides what a viewer may see and do in a group.
//!
//! Every read path asks it. A single item is checked with [`access`]; a list, a count or a
//! search is filtered by a [`Scope`], which the store turns into SQL mechanically. The unit
//! tests prove that the two agree for every kind of group, relation and viewer, so a list can
//! never show what the single page would refuse.
//!
//! The rules (PRODUCT.md):
//! - *public*: everyone, guests too, reads; a member joins at once and may then post;
//! - *closed*: everyone sees name, description and member count; only members read;
//! - *secret*: does not exist for a non-member; someone invited sees the group's name and
//!   description so they can accept;
//! - group owners and moderators moderate their group; site admins see and moderate every group.

use serde::Serialize;

use crate::groups::model::{GroupRole, Visibility};
use crate::ids::MemberId;
use crate::viewer::Viewer;

/// How a viewer stands to one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "role")]
pub enum Relation {
    /// A guest, or a member with no tie to the group.
    Stranger,
    /// Has asked to join (closed groups) and waits for a decision.
    Requested,
    /// Has a pending invitation.
    Invited,
    /// Belongs to the group, with this role.
    Member(GroupRole),
}

/// What the policy grants, from nothing to everything; each level includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// The group does not exist for this viewer: 404, never 403.
    Hidden,
    /// Name, description and member count, not the content.
    Listed,
    /// Its topics, posts and member list.
    Read,
    /// Posting topics and replies.
    Participate,
    /// Pinning, locking, deleting others' posts, approving requests, removing members.
    Moderate,
}

/// What the viewer may do in a group of this kind, given their relation to it.
pub fn access(viewer: &Viewer, visibility: Visibility, relation: Relation) -> Access {
    if viewer.is_admin() {
        return Access::Moderate;
    }
    // A guest has no relation to anything, whatever the caller passed.
    let relation = if viewer.id().is_some() {
        relation
    } else {
        Relation::Stranger
    };
    match relation {
        Relation::Member(GroupRole::Owner | GroupRole::Moderator) => return Access::Moderate,
        Relation::Member(GroupRole::Member) => return Access::Participate,
        Relation::Stranger | Relation::Requested | Relation::Invited => {}
    }
    match (visibility, relation) {
        (Visibility::Public, _) => Access::Read,
        (Visibility::Closed, _) => Access::Listed,
        (Visibility::Secret, Relation::Invited) => Access::Listed,
        (Visibility::Secret, _) => Access::Hidden,
    }
}

/// Whether `viewer`, standing in `relation` to a group, manages it (its settings, its roster,
/// its members' roles): its owners, and the site's admins, who run the site.
pub fn manages(viewer: &Viewer, relation: Relation) -> bool {
    crate::audience::holds(viewer, crate::audience::Duty::RunSite)
        || (viewer.id().is_some() && matches!(relation, Relation::Member(GroupRole::Owner)))
}

/// The level a list, count or search needs of each group it draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The group itself is shown (directory, profile, counts of groups).
    Listed,
    /// Its content is shown (topic lists, posts, search, member lists).
    Read,
}

/// The set of groups a viewer may draw from, in a form the store can turn into a `WHERE`.
///
/// A group is in the scope when `everything` is set, or its kind is in `open_kinds`, or the
/// viewer (`member`) belongs to it, or `with_invitations` is set and the viewer has a pending
/// invitation to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub everything: bool,
    pub open_kinds: &'static [Visibility],
    pub member: Option<MemberId>,
    pub with_invitations: bool,
}

/// The scope of groups from which `viewer` may be shown what `need` requires.
pub fn scope(viewer: &Viewer, need: Need) -> Scope {
    let open_kinds: &'static [Visibility] = match need {
        Need::Listed => &[Visibility::Public, Visibility::Closed],
        Need::Read => &[Visibility::Public],
    };
    Scope {
        everything: viewer.is_admin(),
        open_kinds,
        member: viewer.id(),
        with_invitations: need == Need::Listed && viewer.id().is_some(),
    }
}

impl Scope {
    /// Whether a group of this kind, to which the scope's viewer stands in `relation`, is in
    /// the scope. The store's SQL implements exactly this.
    pub fn admits(&self, visibility: Visibility, relation: Relation) -> bool {
        if self.everything || self.open_kinds.contains(&visibility) {
            return true;
        }
        if self.member.is_none() {
            return false;
        }
        match relation {
            Relation::Member(_) => true,
            Relation::Invited => self.with_invitations,
            Relation::Stranger | Relation::Requested => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viewer::{Actor, SiteRole};

    fn signed_in(role: SiteRole) -> Viewer {
        Viewer::member(Actor {
            id: MemberId(7),
            username: "ana".into(),
            role,
            verified: true,
            restriction: crate::viewer::Restriction::None,
            trust: crate::trust::TrustLevel::Basic,
        })
    }

    fn viewers() -> Vec<(&'static str, Viewer)> {
        vec![
            ("guest", Viewer::guest()),
            ("member", signed_in(SiteRole::Member)),
            ("site moderator", signed_in(SiteRole::Moderator)),
            ("admin", signed_in(SiteRole::Admin)),
        ]
    }

    fn relations() -> Vec<Relation> {
        vec![
            Relation::Stranger,
            Relation::Requested,
            Relation::Invited,
            Relation::Member(GroupRole::Member),
            Relation::Member(GroupRole::Moderator),
            Relation::Member(GroupRole::Owner),
        ]
    }

    #[test]
    fn a_secret_group_does_not_exist_for_anyone_outside_it() {
        for rel in [Relation::Stranger, Relation::Requested] {
            assert_eq!(
                access(&signed_in(SiteRole::Member), Visibility::Secret, rel),
                Access::Hidden
            );
            assert_eq!(
                access(&signed_in(SiteRole::Moderator), Visibility::Secret, rel),
                Access::Hidden
            );
        }
        assert_eq!(
            access(&Viewer::guest(), Visibility::Secret, Relation::Stranger),
            Access::Hidden
        );
    }

    #[test]
    fn a_guest_cannot_borrow_a_relation() {
        let member = Relation::Member(GroupRole::Owner);
        assert_eq!(
            access(&Viewer::guest(), Visibility::Secret, member),
            Access::Hidden
        );
        assert_eq!(
            access(&Viewer::guest(), Visibility::Public, member),
            Access::Read
        );
    }

    #[test]
    fn the_invited_see_the_secret_group_but_not_its_content() {
        let v = signed_in(SiteRole::Member);
        assert_eq!(
            access(&v, Visibility::Secret, Relation::Invited),
            Access::Listed
        );
    }

    #[test]
    fn closed_groups_are_listed_to_everyone_and_read_by_members() {
        for (_, v) in viewers() {
            let want = if v.is_admin() {
                Access::Moderate
            } else {
                Access::Listed
            };
            assert_eq!(access(&v, Visibility::Closed, Relation::Requested), want);
        }
        assert_eq!(
            access(
                &signed_in(SiteRole::Member),
                Visibility::Closed,
                Relation::Member(GroupRole::Member)
            ),
            Access::Participate
        );
    }

    #[test]
    fn group_moderators_and_admins_moderate() {
        let v = signed_in(SiteRole::Member);
        for vis in Visibility::ALL {
            assert_eq!(
                access(&v, vis, Relation::Member(GroupRole::Moderator)),
                Access::Moderate
            );
            assert_eq!(
                access(&signed_in(SiteRole::Admin), vis, Relation::Stranger),
                Access::Moderate
            );
        }
    }

    #[test]
    fn scopes_agree_with_single_checks_for_every_case() {
        for (name, v) in viewers() {
            for vis in Visibility::ALL {
                for rel in relations() {
                    let a = access(&v, vis, rel);
                    let rel_seen = if v.id().is_some() {
                        rel
                    } else {
                        Relation::Stranger
                    };
                    assert_eq!(
                        scope(&v, Need::Listed).admits(vis, rel_seen),
                        a >= Access::Listed,
                        "listed: {name} {vis:?} {rel:?}"
                    );
                    assert_eq!(
                        scope(&v, Need::Read).admits(vis, rel_seen),
                        a >= Access::Read,
                        "read: {name} {vis:?} {rel:?}"
                    );
                }
            }
        }
    }
}
