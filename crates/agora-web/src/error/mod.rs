//! The one place errors become HTTP: each core outcome gets its documented status and a
//! stable code, in the body `{"error":{"code","message","field"}}`.
//!
//! | status | when |
//! |---|---|
//! | 400 | malformed request (bad JSON, missing content type, bad query string) |
//! | 401 | not signed in, or a bad token |
//! | 403 | the thing is visible but the action is not allowed |
//! | 404 | not found, or not visible to this viewer (a secret group is always 404) |
//! | 409 | conflict (username or email taken, slug unavailable, already a member, already flagged) |
//! | 413 | body larger than the limit, or an uploaded file larger than the site allows |
//! | 422 | a field failed its rules (`field` names it) |
//! | 429 | rate limited (`Retry-After` says when to try again) |
//! | 500/503 | our fault; logged with the request id, no detail in the body |
//!
//! Here the error and its constructors; the envelope and the response in `envelope.rs`; the
//! conversions from the core's errors in a file per module: `refused.rs` (what every use case
//! shares), `accounts.rs`, `groups.rs`, `forum.rs` (and search) and `moderation.rs`.

use axum::http::StatusCode;

use agora_core::StoreError;
use std::borrow::Cow;

mod accounts;
mod envelope;
mod forum;
mod groups;
mod moderation;
mod refused;

pub use envelope::{ErrorBody, ErrorDetail, ErrorInfo, FieldError};

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// The request field at fault: its name, or its path in the body
    /// (`registration_rules.off[0]`).
    pub field: Option<Cow<'static, str>>,
    pub retry_after_secs: Option<i64>,
    /// When several fields are at fault: each of them, this error's own first.
    pub fields: Vec<FieldError>,
}

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            retry_after_secs: None,
            fields: Vec::new(),
        }
    }

    /// Names the field at fault.
    pub fn with_field(mut self, field: impl Into<Cow<'static, str>>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// The error with its field named as `names` says (core name, this API's name).
    pub fn renamed(mut self, names: &[(&str, &'static str)]) -> Self {
        if let Some(field) = self.field.as_deref()
            && let Some((_, api)) = names.iter().find(|(core, _)| *core == field)
        {
            self.field = Some(Cow::Borrowed(api));
        }
        self
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "There is nothing here, or you may not see it.",
        )
    }

    /// A page number, offset or cursor past the end of its list: 404, as a page that does
    /// not exist.
    pub fn past_the_end() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "past_the_end",
            "This list has no page this far; go back to its first page.",
        )
    }

    pub fn sign_in_required() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "sign_in_required",
            "Sign in to do this.",
        )
    }

    pub fn forbidden(code: &'static str) -> Self {
        let message = match code {
            "join_required" => "Join the group to post in it.",
            "members_only" => "Only members of this group can do this.",
            "moderators_only" => "Only the group's moderators can do this.",
            "owners_only" => "Only the group's owners can do this.",
            "admins_only" => "Only site admins can do this.",
            "author_only" => "Only the author or a moderator can change this.",
            "csrf_failed" => {
                "This request did not come from this site; reload the page and try again."
            }
            "not_yourself" => "You cannot do this to yourself.",
            "suspended" => {
                "Your account is suspended: you can read and appeal, nothing else. See your sanctions on your profile page."
            }
            "silenced" => {
                "You are silenced for now and cannot post. See why, and appeal, on your profile page."
            }
            "own_post" => "You cannot flag your own post; edit or delete it instead.",
            "own_item" => "You cannot react to what you wrote yourself.",
            "topic_locked" => "This topic is locked; it takes no more replies, edits or reactions.",
            "appeal_limit" => "You have sent three appeals today; the moderators will read them.",
            "documents_not_accepted" => {
                "Please read and accept the updated netiquette, terms or privacy policy first."
            }
            "email_unverified" => {
                "Confirm your email address first: follow the link we sent you, or ask for a new one on your profile page."
            }
            "case_not_open" => {
                "This case is not open: it waits for the complainant's confirmation, or it was decided already."
            }
            "deleted" => "This post is deleted; restore it before editing it.",
            "archived" => {
                "This group is archived: it is read-only, and takes no new topics, votes or members."
            }
            "awaiting_moderator" => {
                "This post waits for a moderator's decision; until then only you and the moderators see it, and it cannot be changed."
            }
            _ => crate::kinds::forbidden_message(code).unwrap_or("You are not allowed to do this."),
        };
        Self::new(StatusCode::FORBIDDEN, code, message)
    }

    pub fn rate_limited(retry_after_secs: i64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!(
                "Too many attempts. Try again in {}.",
                human_seconds(retry_after_secs)
            ),
        );
        e.retry_after_secs = Some(retry_after_secs);
        e
    }

    /// Our fault: logged in full, reported without detail.
    pub fn internal(e: &StoreError) -> Self {
        if let StoreError::Unavailable(_) = e {
            tracing::error!(error = %e, "database unavailable");
            return Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The service is briefly unavailable; try again in a moment.",
            );
        }
        tracing::error!(error = %e, "internal error");
        Self::our_fault()
    }

    /// A page that could not be rendered: logged in full, reported without detail.
    pub fn template(e: &askama::Error) -> Self {
        tracing::error!(error = %e, "template failed");
        Self::our_fault()
    }

    fn our_fault() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Something went wrong on our side; try again in a moment.",
        )
    }
}

pub(crate) fn human_seconds(s: i64) -> String {
    if s < 90 {
        format!("{s} seconds")
    } else {
        format!("{} minutes", (s + 59) / 60)
    }
}
