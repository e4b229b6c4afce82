//! Legal complaints about a post (defamation, copyright, privacy): anyone who can read the post,
//! guests included (the defamed are rarely members), files one; a sanctioned member may not.
//! A confirmed complaint (at once for a verified member, after a guest follows the mailed link
//! and confirms on the page it opens) opens a case that goes first in the moderators' queue,
//! to be decided within [`REVIEW_SECS`]. It does not hide the post by itself: moderators decide
//! (the post is removed, or stays), unless the site hides complaints of that kind at once
//! (`complaints_hide_at_once`, e.g. copyright notices). Every step is an event of the case that
//! nobody can change, and the complainant and (when the post is hidden) its author are told by
//! mail. Email addresses are never shown: agora mails the complainant itself. Complaints are
//! limited per member, per network address and per mail address.

use crate::error::Refused;
use serde::Serialize;
use tracing::instrument;

use crate::agora::Legal;
use crate::error::{Invalid, StoreError};
use crate::forum::ForumError;
use crate::groups::policy::{Need, scope};
use crate::ids::{GroupId, MemberId, PostId, TopicId};
use crate::mail::Mail;
use crate::members::{EmailAddress, SessionToken};
use crate::time::Timestamp;
use crate::viewer::Viewer;

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
    /// Filed by a guest who has not followed the confirmation link yet; the post is shown.
    Unconfirmed,
    /// Under review: first in the moderators' queue until `due_at`; the post is hidden only if
    /// complaints of its kind hide at once (`post_hidden`).
    Open,
    /// Decided: the complaint was upheld and the post is removed.
    Removed,
    /// Decided: the complaint was not upheld; the post stays (or is shown again).
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
    pub post_id: Option<PostId>,
    pub topic_id: Option<TopicId>,
    pub topic_title: String,
    pub group_id: Option<GroupId>,
    pub post_author: String,
    pub post_excerpt: String,
    pub created_at: Timestamp,
    pub decided_at: Option<Timestamp>,
    /// When moderators should have decided an open case by.
    pub due_at: Option<Timestamp>,
    /// Whether the case hid its post (at once, or by upholding it).
    pub post_hidden: bool,
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
    pub post: PostId,
    pub complainant: Option<MemberId>,
    pub name: String,
    /// Where agora writes to the complainant; never shown.
    pub email: String,
    pub kind: String,
    pub statement: String,
    /// For a guest: the hash of the token in the confirmation link. `None` opens the case at
    /// once.
    pub confirm_hash: Option<String>,
    /// Whether opening the case hides the post (the site hides complaints of its kind at once).
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

impl From<ForumError> for ComplaintError {
    /// Reading the post complained about: the forum's own outcomes do not arise there.
    fn from(e: ForumError) -> Self {
        match e {
            ForumError::Refused(r) => Self::Refused(r),
            _ => Self::Refused(Refused::NotFound),
        }
    }
}

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

impl Legal<'_> {
    /// Files a legal complaint about a post the viewer may read. A verified member's complaint
    /// opens the case at once; a guest's (or an unverified member's) waits for the mailed link.
    /// A sanctioned member is refused.
    #[instrument(skip_all, fields(post = %post))]
    pub async fn file_complaint(
        self,
        viewer: &Viewer,
        client: &str,
        post: PostId,
        input: ComplaintInput,
    ) -> Result<Filed, ComplaintError> {
        if let Some(code) = crate::guard::Needs::Unsilenced.sanctioned(viewer) {
            return Err(ComplaintError::Refused(Refused::Forbidden(code)));
        }
        let (post, _, _) = self.forum().post(viewer, post).await?;
        if post.deleted {
            return Err(ComplaintError::Refused(Refused::NotFound));
        }
        let kind = KINDS
            .iter()
            .find(|(k, _)| *k == input.kind)
            .map(|(k, _)| *k)
            .ok_or_else(|| {
                Invalid::new(
                    "kind",
                    "invalid_choice",
                    "Choose defamation, copyright, privacy or other.",
                )
            })?;
        let statement = text("statement", &input.statement, 20, 10_000, "Your statement")?;
        let member = match viewer.id() {
            Some(id) => self.store.member_by_id(id).await?,
            None => None,
        };
        let (name, email) = match &member {
            Some(m) => (m.display_name.clone(), m.email.clone()),
            None => (
                one_line("name", &input.name, 2, 100)?,
                EmailAddress::parse(&input.email)?.as_str().to_owned(),
            ),
        };
        if !input.good_faith {
            return Err(Invalid::new(
                "good_faith",
                "required",
                "Please confirm that you make this complaint in good faith and that it is accurate.",
            )
            .into());
        }
        // A member is limited as a member, a guest by the network address; both by the mail
        // address the complaint is answered at.
        let mut keys = vec![(format!("complaint-mail:{email}"), PER_MAIL_PER_DAY, 86_400)];
        keys.push(match viewer.id() {
            Some(id) => (format!("complaint:{}", id.0), PER_HOUR, 3_600),
            None => (
                crate::rate::per_address("complaint-client", client),
                PER_HOUR,
                3_600,
            ),
        });
        for (key, allowed, window) in keys {
            if let Some(retry_after_secs) = self.over_limit(&key, allowed, window).await? {
                return Err(ComplaintError::RateLimited { retry_after_secs });
            }
        }
        let verified = member.as_ref().is_some_and(|m| m.email_verified);
        let token = (!verified).then(SessionToken::generate);
        let site = self.site().site_settings().await?;
        let hide_at_once = site.complaints_hide_at_once.iter().any(|k| k == kind);
        let now = self.now();
        let new = NewCase {
            reference: reference(),
            post: post.id,
            complainant: member.as_ref().map(|m| m.id),
            name,
            email: email.clone(),
            kind: kind.to_owned(),
            statement,
            confirm_hash: token.as_ref().map(SessionToken::hash),
            hide_at_once,
            at: now,
            due_at: now.plus_seconds(REVIEW_SECS),
        };
        let case = self.store.insert_case(&new).await?;
        let site = site.name;
        match token {
            Some(token) => {
                let link = format!(
                    "{}/legal/complaints/confirm/{}",
                    self.config.public_url, token.0
                );
                self.deliver(Mail {
                    to: email,
                    subject: format!("Confirm your complaint {} to {site}", case.reference),
                    text: format!(
                        "Hello {name},\n\nyou filed a complaint ({kind}) about a post at {site}. To confirm it, \
                         open this link within three days and confirm on the page it shows:\n\n{link}\n\n\
                         Once you do, our moderators review it within two days, and we write to you with \
                         the outcome. If you did not file this complaint, ignore this mail and nothing \
                         happens.\n\n— {site}\n",
                        name = new.name,
                    ),
                    unsubscribe_url: None,
                })
                .await;
            }
            None => self.case_opened(&case, &email).await,
        }
        Ok(Filed {
            reference: case.reference,
            status: case.status,
        })
    }

    /// Confirms a guest's complaint with the token from the mail (a POST from the page the
    /// link opens, never the opening itself: mail scanners open links): the case opens, first
    /// in the moderators' queue; the post is hidden now only if complaints of its kind hide at
    /// once.
    pub async fn confirm_complaint(self, token: &str) -> Result<Filed, ComplaintError> {
        let hash = crate::members::session::hash_token(token.trim());
        let now = self.now();
        let hide = self.site().site_settings().await?.complaints_hide_at_once;
        let (case, email) = self
            .store
            .confirm_case(
                &hash,
                now,
                now.plus_seconds(-CONFIRM_SECS),
                now.plus_seconds(REVIEW_SECS),
                &hide,
            )
            .await?
            .ok_or(ComplaintError::InvalidToken)?;
        self.case_opened(&case, &email).await;
        Ok(Filed {
            reference: case.reference,
            status: case.status,
        })
    }

    /// Tells the complainant that a case opened (and the author, if the post is hidden).
    async fn case_opened(self, case: &LegalCase, complainant_email: &str) {
        let site = self
            .site()
            .site_settings()
            .await
            .map(|s| s.name)
            .unwrap_or_default();
        self.deliver(Mail {
            to: complainant_email.to_owned(),
            subject: format!("Your complaint {} to {site}", case.reference),
            text: format!(
                "Hello {name},\n\nthank you: your complaint {reference} is open. {hidden}Our moderators \
                 review it within two days, and we write to you with the outcome. Quote the \
                 reference if you write to us.\n\n— {site}\n",
                name = case.complainant_name,
                reference = case.reference,
                hidden = if case.post_hidden {
                    "The post is hidden while they do. "
                } else {
                    ""
                },
            ),
            unsubscribe_url: None,
        })
        .await;
        if !case.post_hidden {
            return;
        }
        self.mail_author(
            case,
            "Your post is hidden while a complaint is reviewed",
            "a legal complaint was filed about your post, and it is hidden while our moderators review it. \
             You will hear from us when they have decided.",
        )
        .await;
    }

    async fn mail_author(self, case: &LegalCase, subject: &str, body: &str) {
        let Some(post) = case.post_id else { return };
        let author = match self.store.post(post).await {
            Ok(Some(p)) => self.store.member_by_id(p.author.id).await.ok().flatten(),
            _ => None,
        };
        let Some(author) = author.filter(|a| a.email_verified) else {
            return;
        };
        let site = self
            .site()
            .site_settings()
            .await
            .map(|s| s.name)
            .unwrap_or_default();
        self.deliver(Mail {
            to: author.email.clone(),
            subject: format!("{subject} ({site})"),
            text: format!(
                "Hello {name},\n\n{body}\n\nThe post: {url}/p/{post}\nCase reference: {reference}\n\n— {site}\n",
                name = author.display_name,
                url = self.config.public_url,
                reference = case.reference,
            ),
            unsubscribe_url: None,
        })
        .await;
    }

    /// Cases about posts in groups the viewer may read, open ones first (site moderators).
    pub async fn legal_cases(self, viewer: &Viewer) -> Result<Vec<LegalCase>, ComplaintError> {
        require_site_moderator(viewer)?;
        Ok(self.store.cases(&scope(viewer, Need::Read), 200).await?)
    }

    /// One case with every step (site moderators who may read the post's group).
    pub async fn legal_case(
        self,
        viewer: &Viewer,
        id: i64,
    ) -> Result<(LegalCase, Vec<CaseEvent>), ComplaintError> {
        require_site_moderator(viewer)?;
        let (case, events) = self
            .store
            .case(id)
            .await?
            .ok_or(ComplaintError::Refused(Refused::NotFound))?;
        if let Some(group) = case.group_id {
            match self.store.group_by_id(group, viewer.id()).await? {
                Some((g, relation)) => {
                    let view = crate::groups::directory_visible(viewer, g, relation)
                        .map_err(|_| ComplaintError::Refused(Refused::NotFound))?;
                    if view.access < crate::groups::policy::Access::Read {
                        return Err(ComplaintError::Refused(Refused::NotFound));
                    }
                }
                // The group was deleted: its cases outlive it, with the site's admins.
                None if viewer.is_admin() => {}
                None => return Err(ComplaintError::Refused(Refused::NotFound)),
            }
        }
        Ok((case, events))
    }

    /// Adds an internal note to a case, or (`to_complainant`) a message agora mails to the
    /// complainant; both are kept as steps of the case.
    pub async fn note_case(
        self,
        viewer: &Viewer,
        id: i64,
        note: &str,
        to_complainant: bool,
    ) -> Result<(), ComplaintError> {
        let (case, _) = self.legal_case(viewer, id).await?;
        let note = text("note", note, 1, 5_000, "A note")?;
        let actor = viewer
            .actor()
            .ok_or(ComplaintError::Refused(Refused::SignInRequired))?;
        let action = if to_complainant { "message" } else { "note" };
        self.store
            .add_case_event(
                case.id,
                Some(actor.id),
                &actor.username,
                action,
                &note,
                self.now(),
            )
            .await?;
        if to_complainant {
            self.mail_complainant(
                &case,
                &format!("A message about your complaint {}", case.reference),
                &note,
            )
            .await?;
        }
        Ok(())
    }

    async fn mail_complainant(
        self,
        case: &LegalCase,
        subject: &str,
        body: &str,
    ) -> Result<(), StoreError> {
        let Some(email) = self.store.case_email(case.id).await? else {
            return Ok(());
        };
        let site = self.site().site_settings().await?.name;
        self.deliver(Mail {
            to: email,
            subject: format!("{subject} ({site})"),
            text: format!(
                "Hello {name},\n\n{body}\n\nCase reference: {reference}\n\n— {site}\n",
                name = case.complainant_name,
                reference = case.reference,
            ),
            unsubscribe_url: None,
        })
        .await;
        Ok(())
    }

    /// Decides an open case: `remove` upholds the complaint and hides the post, `restore` does
    /// not and leaves the post shown (showing it again if the case hid it). The reason is kept
    /// as a step of the case, logged, and mailed to the complainant, and to the author when
    /// the post is or was hidden.
    pub async fn decide_case(
        self,
        viewer: &Viewer,
        id: i64,
        decision: &str,
        reason: &str,
    ) -> Result<LegalCase, ComplaintError> {
        let (case, _) = self.legal_case(viewer, id).await?;
        let status = match decision {
            "remove" => CaseStatus::Removed,
            "restore" => CaseStatus::Restored,
            _ => {
                return Err(Invalid::new(
                    "decision",
                    "invalid_choice",
                    "Choose remove or restore.",
                )
                .into());
            }
        };
        let reason = text("reason", reason, 1, 5_000, "A reason")?;
        if case.status != CaseStatus::Open {
            return Err(ComplaintError::Refused(Refused::Forbidden("case_not_open")));
        }
        let actor = viewer
            .actor()
            .ok_or(ComplaintError::Refused(Refused::SignInRequired))?;
        let now = self.now();
        let action = if status == CaseStatus::Removed {
            "legal.remove"
        } else {
            "legal.restore"
        };
        let audit = self.audit_entry(
            viewer,
            action,
            crate::audit::Target::case(case.id, &case.reference),
            case.group_id,
            reason.clone(),
        );
        if !self
            .store
            .decide_case(
                case.id,
                actor.id,
                &actor.username,
                status,
                &reason,
                now,
                &audit,
            )
            .await?
        {
            return Err(ComplaintError::Refused(Refused::Forbidden("case_not_open")));
        }
        let (outcome, author_text) = match (status, case.post_hidden) {
            (CaseStatus::Removed, _) => (
                "the moderators upheld your complaint: the post is removed.",
                "the moderators reviewed a legal complaint about your post and decided to remove it.",
            ),
            (_, true) => (
                "the moderators did not uphold your complaint: the post is shown again.",
                "the moderators reviewed the complaint about your post and restored it.",
            ),
            (_, false) => (
                "the moderators did not uphold your complaint: the post stays.",
                "",
            ),
        };
        self.mail_complainant(
            &case,
            &format!("A decision on your complaint {}", case.reference),
            &format!("{outcome}\n\nTheir reason: {reason}"),
        )
        .await?;
        if !author_text.is_empty() {
            self.mail_author(
                &case,
                "A decision on the complaint about your post",
                &format!("{author_text}\n\nTheir reason: {reason}"),
            )
            .await;
        }
        let (case, _) = self
            .store
            .case(case.id)
            .await?
            .ok_or(ComplaintError::Refused(Refused::NotFound))?;
        Ok(case)
    }
}

fn require_site_moderator(viewer: &Viewer) -> Result<(), ComplaintError> {
    viewer
        .id()
        .ok_or(ComplaintError::Refused(Refused::SignInRequired))?;
    if viewer.is_site_moderator() {
        Ok(())
    } else {
        Err(ComplaintError::Refused(Refused::Forbidden(
            "moderators_only",
        )))
    }
}

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
