//! Reports (flags) on items and members: a member who may read an item of any kind flags it
//! with a reason; once enough verified, trusted members agree, the item is hidden until a
//! moderator looks (if its kind hides items). The moderation queue lists the reported items a
//! moderator decides, the posts the system held (word filters, the spam check, new members'
//! first posts) and the items under a legal complaint; the member queue lists flagged members.
//! Each is resolved with a reason (upheld: stays hidden, and counts against the author's trust;
//! dismissed: shown again).
//!
//! Reports name their item by reference (`items::refs::ItemRef`) and keep its audience, which
//! routes them (`audience::decides_reports`): a group's items to its moderators and the site's
//! staff, every other audience's to the site's staff only. What a moderator sees of an item is
//! its kind's (`ItemSource::reported`), so a kind that declares itself is reportable with no
//! change here.
//!
//! A member has at most one open flag on an item or a member: the database holds one open report
//! per reporter and target (a unique index over the open reports, so two flags sent at once
//! record one), and a second answers [`FlagError::AlreadyFlagged`]. A member flags at most
//! [`FLAGS_PER_HOUR`] times an hour.

use serde::Serialize;

use crate::audience::AudienceRef;
use crate::error::{Invalid, Refused};
use crate::ids::MemberId;
use crate::items::Denied;
use crate::items::refs::{ItemRef, StoredRef};
use crate::items::reported::ReportedItem;
use crate::time::Timestamp;
use crate::trust::TrustLevel;

mod queue;
pub(crate) use queue::routed_audience;
mod report;

/// Why an item is flagged.
pub const REASONS: [(&str, &str); 5] = [
    ("spam", "Spam or advertising"),
    ("abuse", "Abuse or harassment"),
    ("defamation", "Defamation or another legal problem"),
    ("off_topic", "Off topic"),
    ("other", "Something else"),
];

/// Why a member is flagged.
pub const MEMBER_REASONS: [(&str, &str); 5] = [
    ("spam", "A spammer"),
    ("abuse", "Abuse or harassment"),
    ("defamation", "Defamation or another legal problem"),
    ("fake", "A fake account or an impersonation"),
    ("other", "Something else"),
];

/// Flags (on items and members together) one member may raise in an hour.
pub const FLAGS_PER_HOUR: i64 = 20;

/// Why flagging failed.
#[derive(Debug, thiserror::Error)]
pub enum FlagError {
    /// The common refusals: the item or member does not exist for this viewer, sign in, not
    /// allowed (`own_post`, `not_yourself`, …), a field, the store.
    #[error(transparent)]
    Refused(Refused),
    /// The member has an open flag on this item or member already; nothing was recorded (the
    /// attempt counts towards the hourly limit).
    #[error("already flagged")]
    AlreadyFlagged,
    /// More than [`FLAGS_PER_HOUR`] flags in an hour.
    #[error("too many flags")]
    RateLimited { retry_after_secs: i64 },
}

crate::error::refusals!(FlagError);

impl From<Denied> for FlagError {
    fn from(d: Denied) -> Self {
        Self::Refused(refused(d))
    }
}

/// The refusal a denied moderation step answers.
pub(crate) fn refused(d: Denied) -> Refused {
    match d {
        Denied::NotFound | Denied::Locked => Refused::NotFound,
        Denied::SignInRequired => Refused::SignInRequired,
        Denied::Forbidden(code) => Refused::Forbidden(code),
    }
}

/// What a report is about: one model for items of every kind and for members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reported {
    Item(ItemRef),
    Member(MemberId),
}

/// A report to record.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub target: Reported,
    /// Where the item lives, which routes the report; none for a member.
    pub audience: Option<AudienceRef>,
    /// Whose item it is (an upheld report counts against their trust); none for a member.
    pub author: Option<MemberId>,
    pub by: MemberId,
    pub reason: String,
    pub note: String,
    /// The trust level from which a member's flag counts towards hiding the item.
    pub min_level: TrustLevel,
    pub at: Timestamp,
}

/// The open reports on one item (or its open legal complaint), as the store keeps them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenReports {
    pub item: StoredRef,
    /// Where the item lives; none if the stored words are not an audience this version knows.
    pub audience: Option<AudienceRef>,
    pub author: Option<MemberId>,
    /// The author's name as the audit log writes it.
    pub author_name: String,
    /// Flags by members (a held post may have none).
    pub flags: i64,
    /// Whether the system held the item (a word filter, the spam check, a new member's first
    /// posts): resolving it approves or rejects it.
    pub held: bool,
    pub reasons: String,
    /// What the flaggers wrote, and why the system held it.
    pub notes: String,
    pub first_flagged_at: Timestamp,
    /// An open legal complaint about the item, to decide by its time: such items come first.
    pub legal_case: Option<QueuedCase>,
}

/// A reported item awaiting a decision, with what its kind shows the moderator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueItem {
    pub item: ItemRef,
    /// What the item's kind shows of it.
    pub view: ReportedItem,
    pub flags: i64,
    pub reasons: String,
    pub notes: String,
    /// Whether the system held it: resolving it approves or rejects it.
    pub held: bool,
    pub first_flagged_at: Timestamp,
    pub legal_case: Option<QueuedCase>,
}

impl QueueItem {
    /// Whether readers do not see it (held, hidden by flags, or deleted).
    pub fn hidden(&self) -> bool {
        !self.view.state.is_published()
    }
}

/// The open legal complaint about an item in the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueuedCase {
    pub id: i64,
    pub reference: String,
    pub kind: String,
    pub due_at: Timestamp,
}

/// A flagged member in the moderation queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberQueueItem {
    pub username: String,
    pub display_name: String,
    pub flags: i64,
    pub reasons: String,
    pub notes: String,
    pub first_flagged_at: Timestamp,
}

/// `uphold` (also `reject`, for a held post) or `dismiss` (also `approve`).
fn parse_decision(decision: &str) -> Result<bool, Invalid> {
    match decision {
        "uphold" | "reject" => Ok(true),
        "dismiss" | "approve" => Ok(false),
        _ => Err(Invalid::new(
            "decision",
            "invalid_choice",
            "Choose uphold or dismiss (for a held post: reject or approve).",
        )),
    }
}

fn check_resolution_reason(reason: &str) -> Result<(), Invalid> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 1_000 || reason.contains('\0') {
        return Err(Invalid::new(
            "reason",
            "required",
            "Say why (up to 1,000 characters).",
        ));
    }
    Ok(())
}

fn check_note(note: &str) -> Result<&str, Invalid> {
    let note = note.trim();
    if note.chars().count() > 1_000 || note.contains('\0') {
        return Err(Invalid::new(
            "note",
            "too_long",
            "A note may be at most 1,000 characters long.",
        ));
    }
    Ok(note)
}
