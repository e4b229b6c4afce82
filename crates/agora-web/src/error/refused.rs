//! The errors every use case shares (`agora_core::error`): a field that failed its rules
//! (422, or 413 for a file too large), the store's error (404 or our fault) and `Refused`.

use axum::http::StatusCode;

use agora_core::error::Refused;
use agora_core::{Invalid, StoreError};

use super::ApiError;

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
