//! Extractors that turn a request into typed input or a clear error: JSON bodies (`json.rs`),
//! path and query parameters, forms, the viewer from a bearer token or the session cookie
//! (`auth.rs`), the client's address.

mod auth;
mod json;

pub use auth::{Auth, SESSION_COOKIE, clear_session_cookie, set_session_cookie};
pub use json::ApiJson;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A path parameter; one that does not parse names nothing that exists, so it is 404.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|_| ApiError::not_found())
    }
}

/// Query-string parameters; ones that do not parse are 400.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_query",
                    format!("The query string is not valid: {}", e.body_text()),
                )
            })
    }
}

/// A form body (`application/x-www-form-urlencoded`), rejected with 413 (too large) or 400
/// (not a form the site's pages send) as an `ApiError`, so that a page answers with the site's
/// error page rather than the framework's plain text (which would echo the input).
pub struct ApiForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiForm<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|f| ApiForm(f.0))
            .map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        format!(
                            "The form is larger than {} KiB.",
                            crate::MAX_BODY_BYTES / 1024
                        ),
                    )
                } else {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "invalid_form",
                        "The form could not be read. Go back, reload the page and try again.",
                    )
                }
            })
    }
}

/// Where the request came from, for rate limits.
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(client_addr(parts)))
    }
}

/// The client's address as `client::identify` resolved it (the peer, or behind a trusted
/// proxy the address it forwarded for); the peer, or `local` in-process, without it.
pub(crate) fn client_addr(parts: &Parts) -> String {
    if let Some(client) = parts.extensions.get::<crate::client::Client>() {
        return client.addr.clone();
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "local".to_owned(), |c| c.0.ip().to_string())
}
