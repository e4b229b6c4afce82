//! What the site's roles let a member do beyond reading and writing in audiences: the duties of
//! the site's staff. Every check of a site role outside the audience rule ([`super::reach`]),
//! the group policy and the item rule is one of these, so who may run the site, sanction
//! members or oversee an audience's items is said here once, not beside each use case.

use crate::error::Refused;
use crate::groups::policy::Access;
use crate::ids::MemberId;
use crate::viewer::Viewer;

use super::{Audience, reach};

/// A duty of the site's staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    /// Running the site: its settings, documents, trust levels, mailings, the statuses ideas
    /// move through, members' consents and erasure, the audit's deeper records, creating groups
    /// where members may not and deleting any group. The admins.
    RunSite,
    /// Sanctioning members (warnings, silences, suspensions) and reading the flagged members.
    /// The site's moderators, admins included.
    SanctionMembers,
}

impl Duty {
    /// The refusal of a member who does not hold it.
    fn refusal(self) -> &'static str {
        match self {
            Duty::RunSite => "admins_only",
            Duty::SanctionMembers => "moderators_only",
        }
    }
}

/// Whether `viewer` holds `duty`.
pub fn holds(viewer: &Viewer, duty: Duty) -> bool {
    match duty {
        Duty::RunSite => viewer.is_admin(),
        Duty::SanctionMembers => in_staff(viewer),
    }
}

/// The member holding `duty`, or why not: a guest is asked to sign in, anyone else who does
/// not hold it is refused with `admins_only` or `moderators_only`.
pub fn require(viewer: &Viewer, duty: Duty) -> Result<MemberId, Refused> {
    let id = viewer.id().ok_or(Refused::SignInRequired)?;
    if holds(viewer, duty) {
        Ok(id)
    } else {
        Err(Refused::Forbidden(duty.refusal()))
    }
}

/// Whether `viewer` is of the site's staff (its admins and moderators): the staff audience
/// is theirs. The staff are held to no member's quota (an idea's vote budget) and act for the
/// site where a member acts for themself (accepting an answer for an absent asker).
pub fn in_staff(viewer: &Viewer) -> bool {
    reach(viewer, Audience::Staff) == Access::Moderate
}

/// Whether `viewer`, reaching an audience with `access`, oversees its items for the site (an
/// idea board's statuses and merges): its moderators, and the site's staff where they read.
pub fn oversees(viewer: &Viewer, access: Access) -> bool {
    access == Access::Moderate || (in_staff(viewer) && access >= Access::Read)
}
