//! Legal complaints about an item of any kind (defamation, copyright, privacy): anyone who can
//! read the item, guests included (the defamed are rarely members), files one; a sanctioned
//! member may not. The case names the item by reference and keeps its audience, which routes
//! it (`audience::decides_cases`: the site's staff who read a group's item; a deleted group's,
//! the admins), and the case's pages show the item as its kind shows it to a moderator.
//! A confirmed complaint (at once for a verified member, after a guest follows the mailed link
//! and confirms on the page it opens) opens a case that goes first in the moderators' queue,
//! to be decided within [`REVIEW_SECS`]. It does not hide the item by itself: moderators decide
//! (the item is removed, or stays), unless the site hides complaints of that kind at once
//! (`complaints_hide_at_once`, e.g. copyright notices). Every step is an event of the case that
//! nobody can change, and the complainant and (when the item is hidden) its author are told by
//! mail. Email addresses are never shown: agora mails the complainant itself. Complaints are
//! limited per member, per network address and per mail address.

use serde::Serialize;

use crate::audience::AudienceRef;
use crate::error::{Invalid, Refused};
use crate::ids::MemberId;
use crate::items::refs::StoredRef;
use crate::items::reported::ReportedItem;
use crate::members::SessionToken;
use crate::time::Timestamp;

/// The kinds of complaint, with what the form says.
pub const KINDS: [(&str, &str); 4] = [
    (
        "defamation",
        "Defamation: untrue statements that harm someone's reputation",
    ),
    ("copyright", "Copyright or another right in what was copied"),
    (
        "privacy",
        "Someone's private data published without consent",
    ),
    ("other", "Another legal problem"),
];

/// How long a guest has to follow the confirmation link, in seconds.
const CONFIRM_SECS: i64 = 3 * 86_400;
/// How long moderators have to decide a confirmed complaint, in seconds (two days).
pub const REVIEW_SECS: i64 = 2 * 86_400;
/// Complaints one member or network address may file per hour.
const PER_HOUR: i64 = 5;
/// Complaints one mail address may file per day.
const PER_MAIL_PER_DAY: i64 = 10;

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Filed by a guest who has not followed the confirmation link yet; the item is shown.
    Unconfirmed,
    /// Under review: first in the moderators' queue until `due_at`; the item is hidden only if
    /// complaints of its kind hide at once (`item_hidden`).
    Open,
    /// Decided: the complaint was upheld and the item is removed.
    Removed,
    /// Decided: the complaint was not upheld; the item stays (or is shown again).
    Restored,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unconfirmed => "unconfirmed",
            Self::Open => "open",
            Self::Removed => "removed",
            Self::Restored => "restored",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Unconfirmed, Self::Open, Self::Removed, Self::Restored]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A case as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LegalCase {
    pub id: i64,
    /// What the complainant quotes, e.g. `LC-7F3K9Q2A`.
    pub reference: String,
    pub status: CaseStatus,
    pub kind: String,
    pub statement: String,
    /// The complainant's name as given; a member's username is in `complainant_member`.
    pub complainant_name: String,
    pub complainant_member: Option<String>,
    /// What the complaint is about (none if the item is gone).
    pub item: Option<StoredRef>,
    /// Where the item lives, which routes the case.
    pub audience: Option<AudienceRef>,
    /// Who wrote the item: told by mail when the case hides it or decides.
    pub item_author: Option<MemberId>,
    pub created_at: Timestamp,
    pub decided_at: Option<Timestamp>,
    /// When moderators should have decided an open case by.
    pub due_at: Option<Timestamp>,
    /// Whether the case hid its item (at once, or by upholding it).
    pub item_hidden: bool,
}

/// A case with its item as the item's kind shows it to the moderator looking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseView {
    pub case: LegalCase,
    /// None when the item is gone, or of a kind this application does not know.
    pub item: Option<ReportedItem>,
}

impl CaseView {
    /// What the item belongs to (a topic's title), as its kind shows it; empty if it is gone.
    pub fn title(&self) -> &str {
        self.item.as_ref().map_or("", |i| i.title.as_str())
    }

    /// The item's author's name; empty if it is gone.
    pub fn author_name(&self) -> &str {
        self.item.as_ref().map_or("", |i| i.author_name.as_str())
    }

    /// The item's words; empty if it is gone.
    pub fn body(&self) -> &str {
        self.item.as_ref().map_or("", ReportedItem::body)
    }
}

impl LegalCase {
    /// What the case's item is called: its kind's word (`post`, `message`).
    pub fn noun(&self) -> &str {
        self.item.as_ref().map_or("item", |r| r.kind.as_str())
    }
}

/// One step of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseEvent {
    pub at: Timestamp,
    /// Who took the step (`complainant`, `system`, or a moderator's username).
    pub actor: String,
    /// `filed`, `opened`, `note`, `message`, `removed`, `restored`.
    pub action: String,
    pub note: String,
}

/// A complaint to store.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub reference: String,
    /// What it is about, where that lives, and who wrote it.
    pub item: StoredRef,
    pub audience: AudienceRef,
    pub author: MemberId,
    pub complainant: Option<MemberId>,
    pub name: String,
    /// Where agora writes to the complainant; never shown.
    pub email: String,
    pub kind: String,
    pub statement: String,
    /// For a guest: the hash of the token in the confirmation link. `None` opens the case at
    /// once.
    pub confirm_hash: Option<String>,
    /// Whether opening the case hides the item (the site hides complaints of its kind at once).
    pub hide_at_once: bool,
    pub at: Timestamp,
    /// When an opened case should be decided by.
    pub due_at: Timestamp,
}

/// What a complainant typed.
#[derive(Debug, Clone, Default)]
pub struct ComplaintInput {
    pub name: String,
    pub email: String,
    pub kind: String,
    pub statement: String,
    /// The complainant declares in good faith that the complaint is accurate.
    pub good_faith: bool,
}

/// Why a complaint use case failed.
#[derive(Debug, thiserror::Error)]
pub enum ComplaintError {
    /// The common refusals: not found, sign in, not allowed, a field, the store.
    #[error(transparent)]
    Refused(Refused),
    /// The confirmation link is unknown, used or expired.
    #[error("invalid token")]
    InvalidToken,
    #[error("too many complaints")]
    RateLimited { retry_after_secs: i64 },
}

crate::error::refusals!(ComplaintError);

/// What a filed complaint answers: the reference and whether the case is open already.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filed {
    pub reference: String,
    pub status: CaseStatus,
}

fn text(
    field: &'static str,
    value: &str,
    min: usize,
    max: usize,
    what: &str,
) -> Result<String, Invalid> {
    let v = value.trim().replace("\r\n", "\n");
    let n = v.chars().count();
    let forbidden = v
        .chars()
        .any(|c| c != '\n' && c != '\t' && crate::members::is_forbidden_in_text(c));
    if n < min || n > max || forbidden {
        return Err(Invalid::new(
            field,
            "invalid_length",
            format!(
                "{what} needs {min} to {} characters, without control characters.",
                thousands(max)
            ),
        ));
    }
    Ok(v)
}

/// `10000` as `10,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A name on one line: no line breaks or other control characters, nothing invisible or
/// direction-changing (it is written into mails sent from the site's address).
fn one_line(field: &'static str, value: &str, min: usize, max: usize) -> Result<String, Invalid> {
    let v = value.trim();
    let n = v.chars().count();
    if n < min || n > max || v.chars().any(crate::members::is_forbidden_in_text) {
        return Err(Invalid::new(
            field,
            "invalid_name",
            format!(
                "Your name needs {min} to {max} characters on one line, without control or \
                 invisible characters."
            ),
        ));
    }
    Ok(v.to_owned())
}

fn reference() -> String {
    let raw = SessionToken::generate().0;
    let code: String = raw
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect::<String>()
        .to_ascii_uppercase();
    format!("LC-{code}")
}

mod cases;
mod file;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_with_separators() {
        assert_eq!(
            [
                thousands(5),
                thousands(100),
                thousands(5_000),
                thousands(10_000),
                thousands(1_234_567)
            ],
            ["5", "100", "5,000", "10,000", "1,234,567"]
        );
    }

    #[test]
    fn references_are_short_and_readable() {
        let r = reference();
        assert!(r.starts_with("LC-") && r.len() == 11, "{r}");
        assert!(
            r[3..]
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
        assert_ne!(reference(), reference());
    }

    #[test]
    fn statements_keep_lines_and_refuse_control_characters() {
        assert_eq!(
            text("statement", " line one\r\nline two ", 5, 100, "x")
                .ok()
                .as_deref(),
            Some("line one\nline two")
        );
        assert!(text("statement", "short", 20, 100, "x").is_err());
        assert!(text("statement", "a long enough text \u{202E} here", 5, 100, "x").is_err());
        assert!(text("statement", "a long enough text \0 here", 5, 100, "x").is_err());
    }
}
