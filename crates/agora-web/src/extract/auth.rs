//! The viewer, from `Authorization: Bearer …` or the session cookie (with the same-origin
//! check for a state-changing request), and setting and clearing that cookie.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};

use agora_core::Viewer;

use super::client_addr;
use crate::error::ApiError;
use crate::state::AppState;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "agora_session";

/// Sets the session cookie: `HttpOnly`, `SameSite=Lax`, `Secure` when served over https.
pub fn set_session_cookie(
    mut res: axum::response::Response,
    state: &AppState,
    token: &agora_core::members::SessionToken,
) -> axum::response::Response {
    // `Secure` is added for HTTPS requests by `client::identify`, which knows the scheme.
    let max_age = state.agora.config().session_days * 86_400;
    let cookie = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}",
        token.0
    );
    if let Ok(v) = axum::http::HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// Clears the session cookie.
pub fn clear_session_cookie(mut res: axum::response::Response) -> axum::response::Response {
    let cookie = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    if let Ok(v) = axum::http::HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// The viewer: a member signed in by `Authorization: Bearer …` or by the session cookie, or a
/// guest. A bearer token that is not valid is 401, not a silent guest. A state-changing
/// request signed in by cookie must come from our own pages (same origin), or it is 403.
pub struct Auth {
    pub viewer: Viewer,
    /// The session token presented, for sign-out.
    pub token: Option<String>,
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or_else(invalid_token)?;
            let viewer = state
                .agora
                .accounts()
                .viewer_for_token(token)
                .await?
                .with_client(client_addr(parts));
            if viewer.id().is_none() {
                return Err(invalid_token());
            }
            return Ok(Self {
                viewer,
                token: Some(token.to_owned()),
            });
        }
        let Some(token) = session_cookie(parts) else {
            return Ok(Self {
                viewer: Viewer::guest().with_client(client_addr(parts)),
                token: None,
            });
        };
        let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if unsafe_method && !same_origin(parts, &state.config.public_url) {
            return Err(ApiError::forbidden("csrf_failed"));
        }
        let viewer = state
            .agora
            .accounts()
            .viewer_for_token(&token)
            .await?
            .with_client(client_addr(parts));
        Ok(Self {
            viewer,
            token: Some(token),
        })
    }
}

fn invalid_token() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "invalid_token",
        "The access token is not valid or has expired; sign in again.",
    )
}

/// The session cookie's value, if sent.
fn session_cookie(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

/// Whether a request comes from our own pages: the browser says so with `Sec-Fetch-Site`, or
/// its `Origin` is our public URL or the host it asked for.
fn same_origin(parts: &Parts, public_url: &str) -> bool {
    if let Some(site) = parts
        .headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
    {
        return site == "same-origin" || site == "none";
    }
    let Some(origin) = parts
        .headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    else {
        // Browsers send Origin on every cross-site POST; a request without either header
        // is not a browser's cross-site request.
        return true;
    };
    if origin.trim_end_matches('/') == public_url.trim_end_matches('/') {
        return true;
    }
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok());
    let origin_host = origin.split("://").nth(1);
    matches!((host, origin_host), (Some(h), Some(o)) if h == o)
}
