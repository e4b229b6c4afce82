//! The members' errors: signing up (every field at fault at once), signing in, the email
//! address and its links, and a member's data (the password asked before erasing).

use axum::http::StatusCode;

use agora_core::members::data::DataError;
use agora_core::members::{EmailError, LoginError, RegisterError};

use super::{ApiError, FieldError, human_seconds};

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
