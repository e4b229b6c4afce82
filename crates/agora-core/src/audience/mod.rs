//! Audiences: who an item is for. Every item lives in exactly one audience — a group, a
//! conversation between named members, the whole site, or its staff — and [`reach`] is the one
//! rule that says how far a viewer reaches into it. The item rule ([`crate::items::decide`])
//! takes that reach and adds the item's own facts.
//!
//! A list, count or search that draws from many audiences is filtered by an
//! [`AudienceScope`], which the store turns into SQL (`agora-store/src/scope.rs`); the unit
//! tests prove the scope admits exactly what [`reach`] lets the viewer read.
//!
//! The rules beside the group policy's ([`crate::groups::policy`]):
//! - a **conversation** is read by its current participants and nobody else: not a former
//!   participant, not a site admin, not a site moderator. Staff see a reported message and the
//!   few before it through the report, never the conversation;
//! - the **site** audience is everyone (guests too) or every signed-in member; its staff
//!   moderate it;
//! - the **staff** audience is the site's admins and moderators, and does not exist for anyone
//!   else.
//!
//! Reports (flags) and legal complaints are routed by the reported item's audience
//! ([`decides_reports`], [`decides_cases`]; [`ReportScope`] for the queue's SQL): a group's
//! items to that group's moderators and owners and to the site's staff who read the group; a
//! conversation's, the site's and the staff's items to the site's staff only. Seeing a report
//! is not reading the audience: a moderator sees of a reported message only what its kind
//! shows (`items::refs::ItemSource::reported`).

pub mod duties;
mod lookup;

use serde::{Deserialize, Serialize};

use crate::groups::policy::{Access, Need, Relation, Scope, access as group_access, scope};
use crate::groups::{GroupRole, Visibility};
use crate::ids::MemberId;
use crate::items::Denied;
use crate::viewer::Viewer;

pub use duties::{Duty, holds, in_staff, oversees, require};

/// What kind of audience an item lives in, as the store writes it (`audience_kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AudienceKind {
    Group,
    Conversation,
    Site,
    Staff,
}

impl AudienceKind {
    pub const ALL: [AudienceKind; 4] = [Self::Group, Self::Conversation, Self::Site, Self::Staff];

    /// The word the store and the API use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Group => "group",
            Self::Conversation => "conversation",
            Self::Site => "site",
            Self::Staff => "staff",
        }
    }

    /// The kind named `s`.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Which audience: its kind and, for a group or a conversation, its id (0 for the site and
/// its staff, of which there is one each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AudienceRef {
    pub kind: AudienceKind,
    pub id: i64,
}

impl AudienceRef {
    pub fn group(id: crate::ids::GroupId) -> Self {
        Self {
            kind: AudienceKind::Group,
            id: id.0,
        }
    }

    pub fn conversation(id: i64) -> Self {
        Self {
            kind: AudienceKind::Conversation,
            id,
        }
    }

    pub const SITE: Self = Self {
        kind: AudienceKind::Site,
        id: 0,
    };

    pub const STAFF: Self = Self {
        kind: AudienceKind::Staff,
        id: 0,
    };

    /// The audience a store wrote as its kind's word and id (none if either is missing or the
    /// word is not an audience's).
    pub fn stored(kind: Option<&str>, id: Option<i64>) -> Option<Self> {
        Some(Self {
            kind: AudienceKind::parse(kind?)?,
            id: id?,
        })
    }

    /// The group, if this is a group's audience.
    pub fn group_id(self) -> Option<crate::ids::GroupId> {
        (self.kind == AudienceKind::Group).then_some(crate::ids::GroupId(self.id))
    }
}

/// How a viewer stands to a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Participation {
    /// Takes part now.
    Participant,
    /// Was written to and has not accepted yet: reads, does not reply.
    Requested,
    /// Took part, and left or was removed: reads nothing of it any more.
    Former,
    /// Never took part (or a guest).
    Outsider,
}

/// An audience with what the rule needs to know of the viewer's tie to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// A group, of this visibility, to which the viewer stands in `relation`.
    Group {
        visibility: Visibility,
        relation: Relation,
    },
    /// A conversation between named members.
    Conversation { participation: Participation },
    /// The whole site: everyone, or (`members_only`) every signed-in member.
    Site { members_only: bool },
    /// The site's admins and moderators.
    Staff,
}

/// How far `viewer` reaches into `audience`: the one rule every item, list and page asks.
pub fn reach(viewer: &Viewer, audience: Audience) -> Access {
    match audience {
        Audience::Group {
            visibility,
            relation,
        } => group_access(viewer, visibility, relation),
        // Nobody's role opens a conversation: only taking part in it does.
        Audience::Conversation { participation } => match (viewer.id(), participation) {
            (Some(_), Participation::Participant) => Access::Participate,
            (Some(_), Participation::Requested) => Access::Read,
            _ => Access::Hidden,
        },
        Audience::Site { members_only } => {
            if viewer.is_site_moderator() {
                Access::Moderate
            } else if viewer.id().is_some() {
                Access::Participate
            } else if members_only {
                Access::Hidden
            } else {
                Access::Read
            }
        }
        Audience::Staff => {
            if viewer.is_site_moderator() {
                Access::Moderate
            } else {
                Access::Hidden
            }
        }
    }
}

/// Whether `viewer` speaks for the site to a member: a moderation message, marked as such,
/// which no block or message request stands in the way of (the site's staff).
pub fn speaks_for_the_site(viewer: &Viewer) -> bool {
    viewer.is_site_moderator()
}

/// Whether `viewer` handles what members report in an audience of this kind that is not a
/// group (a group's reports go to its moderators too, by their reach): a conversation's,
/// the site's and the staff audience's reports go to the site's staff, and only they see
/// the reported slice of a conversation.
pub fn handles_reports_outside_groups(viewer: &Viewer) -> bool {
    viewer.is_site_moderator()
}

/// The audiences a list, count or search may draw from for one viewer, in a form the store
/// turns into a `WHERE` over an item's (`audience_kind`, `audience_id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudienceScope {
    /// The groups, as the group policy scopes them.
    pub groups: Scope,
    /// The member whose current conversations are in scope (none for a guest).
    pub participant: Option<MemberId>,
    /// Whether the site's members-only audience is in scope (signed in).
    pub site_members: bool,
    /// Whether the staff audience is in scope.
    pub staff: bool,
}

/// The audiences from which `viewer` may be shown what `need` requires.
pub fn audience_scope(viewer: &Viewer, need: Need) -> AudienceScope {
    AudienceScope {
        groups: scope(viewer, need),
        participant: viewer.id(),
        site_members: viewer.id().is_some(),
        staff: viewer.is_site_moderator(),
    }
}

impl AudienceScope {
    /// Whether an item of `audience` is in the scope. The store's SQL implements exactly this.
    pub fn admits(&self, audience: Audience) -> bool {
        match audience {
            Audience::Group {
                visibility,
                relation,
            } => self.groups.admits(visibility, relation),
            Audience::Conversation { participation } => {
                self.participant.is_some()
                    && matches!(
                        participation,
                        Participation::Participant | Participation::Requested
                    )
            }
            Audience::Site { members_only } => !members_only || self.site_members,
            Audience::Staff => self.staff,
        }
    }
}

/// The audience an item lives in as reports are routed by it: a group with the viewer's relation
/// to it, or one of the audiences beyond groups, of which only the kind matters (nobody's tie
/// to a conversation or the site changes who decides its reports).
pub fn routed(kind: AudienceKind, group: Option<(Visibility, Relation)>) -> Option<Audience> {
    match kind {
        AudienceKind::Group => group.map(|(visibility, relation)| Audience::Group {
            visibility,
            relation,
        }),
        AudienceKind::Conversation => Some(Audience::Conversation {
            participation: Participation::Outsider,
        }),
        AudienceKind::Site => Some(Audience::Site { members_only: true }),
        AudienceKind::Staff => Some(Audience::Staff),
    }
}

/// Whether `viewer` sees and decides the reports (flags) on an item of `audience`: a group's
/// moderators and owners and the site's admins, and the site's moderators where they read the
/// group; for a conversation, the site or its staff, the site's admins and moderators only,
/// though they read none of a conversation. `None` is a deleted group, whose reports nobody
/// works through.
pub fn decides_reports(viewer: &Viewer, audience: Option<Audience>) -> bool {
    match audience {
        Some(a @ Audience::Group { .. }) => {
            let access = reach(viewer, a);
            access == Access::Moderate || (viewer.is_site_moderator() && access >= Access::Read)
        }
        Some(_) => viewer.is_site_moderator(),
        None => false,
    }
}

/// Whether `viewer` sees and decides the legal complaints about an item of `audience`: the
/// site's staff who decide its reports (group moderators do not take legal decisions); a
/// deleted group's cases (`None`) stay with the admins.
pub fn decides_cases(viewer: &Viewer, audience: Option<Audience>) -> bool {
    match audience {
        None => viewer.is_admin(),
        Some(_) => viewer.is_site_moderator() && decides_reports(viewer, audience),
    }
}

/// The reports a viewer works through, in a form the store turns into a `WHERE` over a report's
/// (`audience_kind`, `audience_id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportScope {
    /// The groups whose items' reports the viewer decides as the site's staff (those they
    /// read); none for a member who is not staff.
    pub staff_groups: Option<Scope>,
    /// The member whose moderated (and owned) groups' reports are in, for the queue.
    pub moderator: Option<MemberId>,
    /// Whether the reports on items beyond groups (conversations, the site, its staff) are in.
    pub beyond_groups: bool,
    /// Whether a deleted group's items are in (the admins' legal cases).
    pub deleted_groups: bool,
}

impl ReportScope {
    /// The viewer the scope is for, whose id the store binds.
    pub fn viewer(&self) -> Option<MemberId> {
        self.moderator
            .or_else(|| self.staff_groups.as_ref().and_then(|s| s.member))
    }

    /// Whether a report on an item of `audience` is in the scope. The store's SQL implements
    /// exactly this.
    pub fn admits(&self, audience: Option<Audience>) -> bool {
        match audience {
            Some(Audience::Group {
                visibility,
                relation,
            }) => {
                self.staff_groups
                    .as_ref()
                    .is_some_and(|s| s.admits(visibility, relation))
                    || (self.moderator.is_some()
                        && matches!(
                            relation,
                            Relation::Member(GroupRole::Owner | GroupRole::Moderator)
                        ))
            }
            Some(_) => self.beyond_groups,
            None => self.deleted_groups,
        }
    }
}

/// The reports `viewer` works through: what [`decides_reports`] admits. A member who is not
/// staff and `moderates_a_group` not is refused (`moderators_only`) before anything is read.
pub fn report_desk(viewer: &Viewer, moderates_a_group: bool) -> Result<ReportScope, Denied> {
    let id = viewer.id().ok_or(Denied::SignInRequired)?;
    let staff = viewer.is_site_moderator();
    if !staff && !moderates_a_group {
        return Err(Denied::Forbidden("moderators_only"));
    }
    Ok(ReportScope {
        staff_groups: staff.then(|| scope(viewer, Need::Read)),
        moderator: Some(id),
        beyond_groups: staff,
        deleted_groups: false,
    })
}

/// What only the site's staff work through: the legal cases (what [`decides_cases`] admits),
/// the flagged members and the audit log.
pub fn staff_desk(viewer: &Viewer) -> Result<ReportScope, Denied> {
    viewer.id().ok_or(Denied::SignInRequired)?;
    if !viewer.is_site_moderator() {
        return Err(Denied::Forbidden("moderators_only"));
    }
    Ok(ReportScope {
        staff_groups: Some(scope(viewer, Need::Read)),
        moderator: None,
        beyond_groups: true,
        deleted_groups: viewer.is_admin(),
    })
}

#[cfg(test)]
mod tests;
