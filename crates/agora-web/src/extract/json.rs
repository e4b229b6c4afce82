//! JSON bodies: `ApiJson`, and serde's errors classified into the API's (400 malformed, 413
//! too large, 422 naming the field by its path in the body).

use std::borrow::Cow;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

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
