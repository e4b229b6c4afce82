//! Request bodies that carry a file: the API takes the image as the raw body (any content type:
//! the core reads the format from the bytes) or as the `file` part of a `multipart/form-data`
//! body; the pages' forms send `multipart/form-data` with their other fields beside the file.
//! No body is read past [`MAX_UPLOAD_BYTES`] (413); the site's own, smaller limits are the
//! core's to apply.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};

use crate::error::ApiError;

/// The most of a body an upload route reads: the largest limit the settings allow, and room
/// for a form's other fields.
pub const MAX_UPLOAD_BYTES: usize = agora_core::trust::MAX_UPLOAD_KIB as usize * 1024 + 64 * 1024;

/// The layer that lets an upload route read up to [`MAX_UPLOAD_BYTES`].
pub fn body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_UPLOAD_BYTES)
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!(
            "The request body is larger than {} KiB.",
            MAX_UPLOAD_BYTES / 1024
        ),
    )
}

fn unreadable() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "unreadable_body",
        "The request body could not be read.",
    )
}

fn is_multipart(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim_start().starts_with("multipart/form-data"))
}

/// A form sent as `multipart/form-data`: its text fields, and the bytes of its `file` part
/// (empty when no file was chosen).
#[derive(Debug, Default)]
pub struct UploadForm {
    pub fields: HashMap<String, String>,
    pub file: Vec<u8>,
}

impl UploadForm {
    /// A text field's value, empty if it was not sent.
    pub fn text(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }
}

async fn read_multipart<S: Send + Sync>(req: Request, state: &S) -> Result<UploadForm, ApiError> {
    let mut multipart = Multipart::from_request(req, state)
        .await
        .map_err(|_| unreadable())?;
    let mut form = UploadForm::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(_) => return Err(unreadable()),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                unreadable()
            }
        })?;
        if name == "file" {
            form.file = bytes.to_vec();
        } else {
            form.fields
                .insert(name, String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    Ok(form)
}

impl<S: Send + Sync> FromRequest<S> for UploadForm {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_multipart(&req) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "multipart_required",
                "Send the form as multipart/form-data.",
            ));
        }
        read_multipart(req, state).await
    }
}

/// The image of an API upload: the raw body, or the `file` part of a multipart body (empty
/// when none was sent: the core says so, after what the path names was looked up).
pub struct UploadBody(pub Vec<u8>);

impl<S: Send + Sync> FromRequest<S> for UploadBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = if is_multipart(&req) {
            read_multipart(req, state).await?.file
        } else {
            Bytes::from_request(req, state)
                .await
                .map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        too_large()
                    } else {
                        unreadable()
                    }
                })?
                .to_vec()
        };
        Ok(Self(bytes))
    }
}
