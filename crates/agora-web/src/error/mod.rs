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

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use agora_core::error::Refused;
use agora_core::forum::ForumError;
use agora_core::groups::GroupError;
use agora_core::members::data::DataError;
use agora_core::members::{EmailError, LoginError, RegisterError};
use agora_core::search::SearchError;
use agora_core::{Invalid, StoreError};
use std::borrow::Cow;

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

/// The error envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code for programs.
    pub code: &'static str,
    /// A sentence for a person: what to fix.
    pub message: String,
    /// The request field at fault (a name, or a path such as `registration_rules.off`), or
    /// null.
    #[schema(value_type = Option<String>)]
    pub field: Option<Cow<'static, str>>,
    /// Present when several fields are at fault (a sign-up with a bad name and a short
    /// password): every one of them, the first being the error itself.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One field at fault, when several are.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    pub code: &'static str,
    pub message: String,
    pub field: &'static str,
}

impl From<Invalid> for FieldError {
    fn from(i: Invalid) -> Self {
        Self {
            code: i.code,
            message: i.message,
            field: i.field,
        }
    }
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

/// Attached to every error response, so the page layer can render it as HTML.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let info = ErrorInfo {
            status: self.status,
            code: self.code,
            message: self.message.clone(),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
                field: self.field,
                errors: self.fields,
            },
        };
        let mut res = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(secs) = self.retry_after_secs
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res.extensions_mut().insert(info);
        res
    }
}

impl From<Invalid> for ApiError {
    fn from(i: Invalid) -> Self {
        // A file over the site's limit is the one field refused for its size alone.
        let status = if i.code == "file_too_large" {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        Self::new(status, i.code, i.message).with_field(i.field)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::not_found(),
            e => Self::internal(&e),
        }
    }
}

impl From<RegisterError> for ApiError {
    fn from(e: RegisterError) -> Self {
        match e {
            RegisterError::Invalid(i) => i.into(),
            RegisterError::Fields(all) => {
                let fields: Vec<FieldError> = all.into_iter().map(FieldError::from).collect();
                let mut e = fields.first().map_or_else(
                    || {
                        Self::new(
                            StatusCode::UNPROCESSABLE_ENTITY,
                            "invalid",
                            "Check the form.",
                        )
                    },
                    |f| {
                        Self::new(StatusCode::UNPROCESSABLE_ENTITY, f.code, f.message.clone())
                            .with_field(f.field)
                    },
                );
                e.fields = fields;
                e
            }
            RegisterError::UsernameTaken => Self::new(
                StatusCode::CONFLICT,
                "username_taken",
                "That username is taken; choose another.",
            )
            .with_field("username"),
            RegisterError::EmailTaken => Self::new(
                StatusCode::CONFLICT,
                "email_taken",
                "An account with that email address exists; sign in instead.",
            )
            .with_field("email"),
            RegisterError::RateLimited { retry_after_secs } => Self::rate_limited(retry_after_secs),
            RegisterError::Burst { retry_after_secs } => {
                let mut e = Self::rate_limited(retry_after_secs);
                e.code = "registration_burst";
                e.message = format!(
                    "Several accounts were just created from your network (at an event or an office many people share one). Please try again in {}; if you already have an account, sign in instead.",
                    human_seconds(retry_after_secs)
                );
                e
            }
            RegisterError::Store(s) => s.into(),
        }
    }
}

impl From<LoginError> for ApiError {
    fn from(e: LoginError) -> Self {
        match e {
            LoginError::InvalidCredentials => Self::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "That username or email and password do not match.",
            ),
            LoginError::RateLimited { retry_after_secs } => Self::rate_limited(retry_after_secs),
            LoginError::Store(s) => s.into(),
        }
    }
}

impl From<Refused> for ApiError {
    fn from(e: Refused) -> Self {
        match e {
            Refused::Invalid(i) => i.into(),
            Refused::SignInRequired => Self::sign_in_required(),
            Refused::NotFound => Self::not_found(),
            Refused::Forbidden(code) => Self::forbidden(code),
            Refused::RateLimited { retry_after_secs } => Self::rate_limited(retry_after_secs),
            Refused::Busy => {
                let mut e = Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    "The server is busy; try again in a moment.",
                );
                e.retry_after_secs = Some(1);
                e
            }
            Refused::Store(s) => s.into(),
        }
    }
}

impl From<GroupError> for ApiError {
    fn from(e: GroupError) -> Self {
        match e {
            GroupError::Refused(r) => r.into(),
            GroupError::SlugUnavailable => Self::new(
                StatusCode::CONFLICT,
                "slug_unavailable",
                "That address is not available; choose another.",
            )
            .with_field("slug"),
            GroupError::RateLimited { retry_after_secs } => {
                let mut e = Self::rate_limited(retry_after_secs);
                e.message = format!(
                    "You have created or tried to create several groups in the last hour; try again in {}.",
                    human_seconds(retry_after_secs)
                );
                e
            }
            GroupError::AlreadyMember => Self::new(
                StatusCode::CONFLICT,
                "already_member",
                "That member already belongs to the group.",
            ),
            GroupError::InvitationRequired => Self::new(
                StatusCode::FORBIDDEN,
                "invitation_required",
                "You have an invitation to this group; accept it to join.",
            ),
            GroupError::LastOwner => Self::new(
                StatusCode::CONFLICT,
                "last_owner",
                "A group needs an owner; make someone else an owner first.",
            ),
            GroupError::NotAMember => Self::new(
                StatusCode::CONFLICT,
                "not_a_member",
                "That member does not belong to the group.",
            ),
            GroupError::NotArchived => Self::new(
                StatusCode::CONFLICT,
                "not_archived",
                "Archive the group first: only an archived group can be deleted.",
            ),
        }
    }
}

impl From<ForumError> for ApiError {
    fn from(e: ForumError) -> Self {
        match e {
            ForumError::Refused(r) => r.into(),
            ForumError::Merged { into } => Self::new(
                StatusCode::FORBIDDEN,
                "merged",
                match into {
                    Some(t) => format!(
                        "This idea was merged into another idea, /t/{}: its votes moved there. Vote on that one.",
                        t.0
                    ),
                    None => {
                        "This idea was merged into another idea and takes no more votes.".into()
                    }
                },
            ),
            ForumError::Locked => Self::new(
                StatusCode::FORBIDDEN,
                "topic_locked",
                "This topic is locked; it takes no more replies or edits.",
            ),
            ForumError::NewcomerDailyLimit {
                per_day,
                retry_after_secs,
            } => {
                let mut e = Self::rate_limited(retry_after_secs);
                e.code = "newcomer_daily_limit";
                e.message = format!(
                    "New members may post {per_day} times a day. Thank you for joining in: \
                     post again in {}, and the limit lifts as you read and take part.",
                    human_seconds(retry_after_secs)
                );
                e
            }
            ForumError::RateLimited { retry_after_secs } => {
                let mut e = Self::rate_limited(retry_after_secs);
                e.message = format!(
                    "You are posting very fast. Take a breath and post again in {}.",
                    human_seconds(retry_after_secs)
                );
                e
            }
        }
    }
}

impl From<EmailError> for ApiError {
    fn from(e: EmailError) -> Self {
        match e {
            EmailError::Invalid(i) => i.into(),
            EmailError::InvalidToken => Self::new(
                StatusCode::NOT_FOUND,
                "invalid_link",
                "This link does not work any more: it was used already, or it expired. Ask for a new one.",
            ),
            EmailError::EmailTaken => Self::new(
                StatusCode::CONFLICT,
                "email_taken",
                "Another account uses that email address.",
            )
            .with_field("email"),
            EmailError::SignInRequired => Self::sign_in_required(),
            EmailError::WrongPassword => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "wrong_password",
                "That is not your current password.",
            )
            .with_field("password"),
            EmailError::RateLimited { retry_after_secs } => Self::rate_limited(retry_after_secs),
            EmailError::Store(s) => s.into(),
        }
    }
}

impl From<DataError> for ApiError {
    fn from(e: DataError) -> Self {
        match e {
            DataError::Refused(r) => r.into(),
            DataError::WrongPassword => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "wrong_password",
                "That is not your current password.",
            )
            .with_field("password"),
        }
    }
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::Invalid(i) => i.into(),
            SearchError::Store(s) => s.into(),
        }
    }
}

impl From<agora_core::flags::FlagError> for ApiError {
    fn from(e: agora_core::flags::FlagError) -> Self {
        use agora_core::flags::FlagError;
        match e {
            FlagError::Refused(r) => r.into(),
            FlagError::AlreadyFlagged => Self::new(
                StatusCode::CONFLICT,
                "already_flagged",
                "You have flagged this already; the moderators will look at it.",
            ),
            FlagError::RateLimited { retry_after_secs } => {
                let mut e = Self::rate_limited(retry_after_secs);
                e.message = format!(
                    "You have flagged a lot in the last hour; flag again in {}.",
                    human_seconds(retry_after_secs)
                );
                e
            }
        }
    }
}

impl From<agora_core::complaints::ComplaintError> for ApiError {
    fn from(e: agora_core::complaints::ComplaintError) -> Self {
        use agora_core::complaints::ComplaintError;
        match e {
            ComplaintError::Refused(r) => r.into(),
            ComplaintError::InvalidToken => Self::new(
                StatusCode::NOT_FOUND,
                "invalid_link",
                "This link does not work any more: it was used already, or it expired. File the complaint again.",
            ),
            ComplaintError::RateLimited { retry_after_secs } => {
                let mut e = Self::rate_limited(retry_after_secs);
                e.message = format!(
                    "You have filed several complaints in the last hour; file this one in {}.",
                    human_seconds(retry_after_secs)
                );
                e
            }
        }
    }
}
