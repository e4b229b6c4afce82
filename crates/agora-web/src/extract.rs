//! Extractors that turn a request into typed input or a clear error: JSON bodies, path and
//! query parameters, the viewer (from a bearer token or the session cookie), the client's
//! address.

use std::borrow::Cow;
use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use serde::de::DeserializeOwned;

use agora_core::Viewer;

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

/// A JSON body, rejected with 400 (malformed), 413 (too large) or 422 (a field missing or of
/// the wrong type, named in `field`).
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.trim_start().starts_with("application/json"));
        if !is_json {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "json_required",
                "Send the request body as JSON with Content-Type: application/json.",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    format!(
                        "The request body is larger than {} KiB.",
                        crate::MAX_BODY_BYTES / 1024
                    ),
                )
            } else {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "unreadable_body",
                    "The request body could not be read.",
                )
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses a JSON body, classifying serde's errors. The body must be a JSON object: serde would
/// read a struct from an array by position, which the API does not promise.
fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let first = bytes.iter().copied().find(|b| !b.is_ascii_whitespace());
    let other_json_value = || serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok();
    if first.is_some_and(|b| b != b'{') && other_json_value() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_type",
            "The request body must be a JSON object.",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        classify(e.into_inner(), &path)
    })?;
    de.end().map_err(|e| classify(e, ""))?;
    Ok(value)
}

/// Turns serde's error (and the path of the field it was reading) into the API's error,
/// naming the field by its path in the body (`name`, `registration_rules.off[0]`).
fn classify(inner: serde_json::Error, path: &str) -> ApiError {
    use serde_json::error::Category;
    match inner.classify() {
        Category::Data => {
            let text = inner.to_string();
            // serde_path_to_error's path ends at the object being read; its root is ".".
            let within = |name: &str| match path.trim_start_matches('.') {
                "" | "?" => name.to_owned(),
                p => format!("{p}.{name}"),
            };
            let (code, field, message) = if let Some(f) = backticked_after(&text, "unknown field ")
            {
                let field = path_of_unknown(path, f);
                let message = format!(
                    "The field '{field}' is not part of this request; the fields are listed in /api/v1/openapi.json."
                );
                ("unknown_field", Some(field), message)
            } else if let Some(f) = backticked_after(&text, "missing field ") {
                let field = within(f);
                let message = format!("The field '{field}' is required.");
                ("missing_field", Some(field), message)
            } else if let Some(f) = backticked_after(&text, "unknown variant ") {
                let field = named(path);
                let message = match &field {
                    Some(name) => format!("'{f}' is not one of the values '{name}' allows."),
                    None => format!("'{f}' is not one of the allowed values."),
                };
                ("invalid_choice", field, message)
            } else {
                let field = named(path);
                let message = match &field {
                    Some(name) => format!(
                        "The field '{name}' has the wrong type ({}).",
                        expected(&text)
                    ),
                    None => "The body has the wrong type: it must be a JSON object.".to_owned(),
                };
                ("invalid_type", field, message)
            };
            let mut err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message);
            err.field = field.map(Cow::Owned);
            err
        }
        Category::Syntax | Category::Eof | Category::Io => ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "The request body is not valid JSON.",
        ),
    }
}

/// The path serde_path_to_error gives, as a field name; `None` for the body itself.
fn named(path: &str) -> Option<String> {
    let p = path.trim_start_matches('.');
    (!p.is_empty() && p != "?").then(|| p.to_owned())
}

/// The full path of an unknown field `name` met while reading the object at `path` (which
/// may already end with the field's own name).
fn path_of_unknown(path: &str, name: &str) -> String {
    match named(path) {
        Some(p) if p == name || p.ends_with(&format!(".{name}")) => p,
        Some(p) => format!("{p}.{name}"),
        None => name.to_owned(),
    }
}

/// What serde expected, from its message ("invalid type: string \"x\", expected i64").
fn expected(text: &str) -> String {
    text.split(", expected ")
        .nth(1)
        .and_then(|e| e.split(" at line").next())
        .map_or_else(
            || "see /api/v1/openapi.json".to_owned(),
            |e| format!("expected {e}"),
        )
}

fn backticked_after<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = &text[text.find(prefix)? + prefix.len()..];
    let rest = rest.strip_prefix('`')?;
    Some(&rest[..rest.find('`')?])
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "only parsed")]
    struct Body {
        title: String,
        n: i64,
        inner: Option<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "only parsed")]
    struct Inner {
        off: Option<Vec<String>>,
        count: Option<i64>,
    }

    fn err(body: &str) -> (StatusCode, &'static str, Option<String>) {
        parse_json::<Body>(body.as_bytes())
            .err()
            .map(|e| (e.status, e.code, e.field.map(|f| f.into_owned())))
            .unwrap_or((StatusCode::OK, "", None))
    }

    #[test]
    fn json_errors_are_classified() {
        let e = parse_json::<Body>(b"{\"title\":")
            .err()
            .map(|e| (e.status, e.code));
        assert_eq!(e, Some((StatusCode::BAD_REQUEST, "malformed_json")));
        let unprocessable = |code, field: &str| {
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                code,
                Some(field.to_owned()),
            )
        };
        assert_eq!(err(r#"{"n":1}"#), unprocessable("missing_field", "title"));
        assert_eq!(
            err(r#"{"title":"x","n":"one"}"#),
            unprocessable("invalid_type", "n")
        );
        assert_eq!(
            err(r#"{"title":"x","n":1,"bogus":2}"#),
            unprocessable("unknown_field", "bogus")
        );
        assert_eq!(
            err(r#"{"title":"x","n":1,"inner":{"offf":[]}}"#),
            unprocessable("unknown_field", "inner.offf")
        );
        assert_eq!(
            err(r#"{"title":"x","n":1,"inner":{"off":"a b"}}"#),
            unprocessable("invalid_type", "inner.off")
        );
        assert_eq!(
            err(r#"{"title":"x","n":1,"inner":{"off":[1]}}"#),
            unprocessable("invalid_type", "inner.off[0]")
        );
        assert_eq!(
            err(r#"{"title":"x","n":1,"inner":{"count":"3"}}"#),
            unprocessable("invalid_type", "inner.count")
        );
    }
}
