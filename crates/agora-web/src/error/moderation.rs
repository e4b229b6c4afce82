//! The moderation's errors: flags and legal complaints.

use axum::http::StatusCode;

use super::{ApiError, human_seconds};

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
