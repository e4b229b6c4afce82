//! The error envelope `{"error":{"code","message","field"}}` and how an [`ApiError`] becomes
//! a response: its status, the envelope, `WWW-Authenticate` on a 401, `Retry-After` when set,
//! and the [`ErrorInfo`] the page layer renders.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use agora_core::Invalid;
use std::borrow::Cow;

use super::ApiError;

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
