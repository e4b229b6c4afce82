//! Legal complaints about a post (defamation, copyright, privacy): anyone who can read the post,
//! guests included, files one; the post is hidden pending review as soon as the complaint is
//! confirmed (at once for a verified member, after the link mailed to a guest is followed);
//! moderators review the case, note every step and decide: the post stays removed or is
//! restored. Every step is an event of the case that nobody can change, and the complainant
//! and the post's author are told by mail. Email addresses are never shown: agora mails the
//! complainant itself.

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
/// Complaints one person or address may file per hour.
const PER_HOUR: i64 = 5;

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Filed by a guest who has not followed the confirmation link yet; the post is shown.
    Unconfirmed,
    /// Under review; the post is hidden.
    Open,
    /// Decided: the post stays removed.
    Removed,
    /// Decided: the complaint was not upheld and the post is shown again.
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
    /// once, hiding the post in the same transaction.
    pub confirm_hash: Option<String>,
    pub at: Timestamp,
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
    /// opens the case and hides the post at once; a guest's waits for the mailed link.
    #[instrument(skip_all, fields(post = %post))]
    pub async fn file_complaint(
        self,
        viewer: &Viewer,
        client: &str,
        post: PostId,
        input: ComplaintInput,
    ) -> Result<Filed, ComplaintError> {
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
                text("name", &input.name, 2, 100, "Your name")?,
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
        let key = match viewer.id() {
            Some(id) => format!("complaint:{}", id.0),
            None => crate::rate::per_address("complaint-client", client),
        };
        if let Some(retry_after_secs) = self.over_limit(&key, PER_HOUR, 3_600).await? {
            return Err(ComplaintError::RateLimited { retry_after_secs });
        }
        let verified = member.as_ref().is_some_and(|m| m.email_verified);
        let token = (!verified).then(SessionToken::generate);
        let new = NewCase {
            reference: reference(),
            post: post.id,
            complainant: member.as_ref().map(|m| m.id),
            name,
            email: email.clone(),
            kind: kind.to_owned(),
            statement,
            confirm_hash: token.as_ref().map(SessionToken::hash),
            at: self.now(),
        };
        let case = self.store.insert_case(&new).await?;
        let site = self.site().site_settings().await?.name;
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
                         follow this link within three days:\n\n{link}\n\nOnce you do, the post is hidden \
                         while our moderators review it, and we write to you with the outcome. If you did \
                         not file this complaint, ignore this mail and nothing happens.\n\n— {site}\n",
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

    /// Confirms a guest's complaint with the token from the mail: the case opens and the post
    /// is hidden pending review.
    pub async fn confirm_complaint(self, token: &str) -> Result<Filed, ComplaintError> {
        let hash = crate::members::session::hash_token(token.trim());
        let now = self.now();
        let (case, email) = self
            .store
            .confirm_case(&hash, now, now.plus_seconds(-CONFIRM_SECS))
            .await?
            .ok_or(ComplaintError::InvalidToken)?;
        self.case_opened(&case, &email).await;
        Ok(Filed {
            reference: case.reference,
            status: case.status,
        })
    }

    /// Tells the complainant and the author that a case opened and the post is hidden.
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
                "Hello {name},\n\nthank you: your complaint {reference} is open. The post is hidden while \
                 our moderators review it, and we write to you with the outcome. Quote the reference \
                 if you write to us.\n\n— {site}\n",
                name = case.complainant_name,
                reference = case.reference,
            ),
            unsubscribe_url: None,
        })
        .await;
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
            let (g, relation) = self
                .store
                .group_by_id(group, viewer.id())
                .await?
                .ok_or(ComplaintError::Refused(Refused::NotFound))?;
            let view = crate::groups::directory_visible(viewer, g, relation)
                .map_err(|_| ComplaintError::Refused(Refused::NotFound))?;
            if view.access < crate::groups::policy::Access::Read {
                return Err(ComplaintError::Refused(Refused::NotFound));
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

    /// Decides an open case: `remove` keeps the post hidden, `restore` shows it again. The
    /// reason is kept as a step of the case, logged, and mailed to the complainant and the
    /// author.
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
        let (outcome, author_text) = if status == CaseStatus::Removed {
            (
                "the moderators upheld your complaint: the post stays removed.",
                "the moderators reviewed the complaint about your post and decided that it stays removed.",
            )
        } else {
            (
                "the moderators did not uphold your complaint: the post is shown again.",
                "the moderators reviewed the complaint about your post and restored it.",
            )
        };
        self.mail_complainant(
            &case,
            &format!("A decision on your complaint {}", case.reference),
            &format!("{outcome}\n\nTheir reason: {reason}"),
        )
        .await?;
        self.mail_author(
            &case,
            "A decision on the complaint about your post",
            &format!("{author_text}\n\nTheir reason: {reason}"),
        )
        .await;
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
