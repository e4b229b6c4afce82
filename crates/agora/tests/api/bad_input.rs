//! Bad input: malformed, mistyped, missing, oversized and out-of-range requests, unknown ids
//! and routes, missing or bogus credentials. Each is refused with its documented status and
//! code, names the field at fault, writes nothing, and tells nothing of the server's insides.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use crate::routes;
use crate::support::{PASSWORD, Reply, TestApp, each_backend};

/// The tables a refused request must leave as they were.
const TABLES: &[&str] = &[
    "members",
    "sessions",
    "groups",
    "group_members",
    "join_requests",
    "invitations",
    "topics",
    "topic_tags",
    "posts",
    "post_revisions",
];

/// Text from the server's insides that must never reach a client (compared in lowercase).
const INTERNALS: &[&str] = &[
    "sqlx",
    "sqlite",
    "postgres",
    "syntax error",
    "panicked",
    "constraint",
];

/// 422: a field failed its rules.
const INVALID: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;
const CONFLICT: StatusCode = StatusCode::CONFLICT;

/// Row counts of every table a request could write to.
async fn counts(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut out = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        out.push((*table, app.db().count_rows(table).await));
    }
    out
}

/// The error envelope and nothing else: a JSON object `{"error":{"code","message","field"}}`
/// with no internal text anywhere in the body.
fn assert_envelope(r: &Reply, what: &str) {
    let content_type = r
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        content_type.starts_with("application/json"),
        "{what}: content type {content_type:?}, body {:?}",
        r.text
    );
    let top = r
        .body
        .as_object()
        .unwrap_or_else(|| panic!("{what}: body is not a JSON object: {:?}", r.text));
    let top_keys: Vec<&str> = top.keys().map(String::as_str).collect();
    assert_eq!(top_keys, ["error"], "{what}: {}", r.text);
    let error = r.body["error"]
        .as_object()
        .unwrap_or_else(|| panic!("{what}: error is not an object: {}", r.text));
    let mut keys: Vec<&str> = error.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["code", "field", "message"], "{what}: {}", r.text);
    let code = error["code"].as_str().unwrap_or("");
    assert!(
        !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
        "{what}: code {code:?}"
    );
    let message = error["message"].as_str().unwrap_or("");
    assert!(
        !message.trim().is_empty(),
        "{what}: empty message: {}",
        r.text
    );
    assert!(
        error["field"].is_null() || error["field"].is_string(),
        "{what}: field {}",
        error["field"]
    );
    let lower = r.text.to_lowercase();
    for internal in INTERNALS {
        assert!(
            !lower.contains(internal),
            "{what}: body leaks {internal:?}: {}",
            r.text
        );
    }
}

/// Status, code, field (`None`: null) and the envelope of an error response.
fn assert_error(r: &Reply, status: StatusCode, code: &str, field: Option<&str>, what: &str) {
    assert_eq!((r.status, r.code()), (status, code), "{what}: {}", r.text);
    let expected_field = field.map_or(Value::Null, |f| json!(f));
    assert_eq!(
        r.body["error"]["field"], expected_field,
        "{what}: field; {}",
        r.text
    );
    assert_envelope(r, what);
}

/// The method named `name`.
fn verb(name: &str) -> Method {
    Method::from_bytes(name.as_bytes()).unwrap_or_else(|e| panic!("method {name}: {e}"))
}

/// A raw request: any method, path, body bytes and content type.
fn raw(
    method: &str,
    path: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: impl Into<Body>,
) -> Request<Body> {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    if let Some(ct) = content_type {
        req = req.header(header::CONTENT_TYPE, ct);
    }
    req.body(body.into())
        .unwrap_or_else(|e| panic!("building {method} {path}: {e}"))
}

/// A site with an admin, a public group they own, and a topic with its opening post.
struct Forum {
    admin: String,
    slug: String,
    topic: i64,
    post: i64,
}

impl Forum {
    async fn open(app: &TestApp) -> Self {
        let admin = app.register("founder").await;
        let slug = app.create_group(&admin, "riders", "public").await;
        let (topic, post) = app
            .create_topic(
                &admin,
                &slug,
                "Battery range in winter",
                "How far do you get below zero?",
            )
            .await;
        Self {
            admin,
            slug,
            topic,
            post,
        }
    }

    fn topics_path(&self) -> String {
        routes::group_topics(&self.slug)
    }

    fn reply_path(&self) -> String {
        routes::topic_posts(self.topic)
    }

    fn post_path(&self) -> String {
        routes::post(self.post)
    }

    /// The four JSON-taking writes: (method, path, token).
    fn writes(&self) -> Vec<(&'static str, String, Option<String>)> {
        vec![
            ("POST", routes::auth_register(), None),
            ("POST", self.topics_path(), Some(self.admin.clone())),
            ("POST", self.reply_path(), Some(self.admin.clone())),
            ("PATCH", self.post_path(), Some(self.admin.clone())),
        ]
    }
}

/// A body each of [`Forum::writes`] would accept, by path.
fn valid_body(method: &str, path: &str) -> Value {
    match (method, path) {
        ("POST", p) if p == routes::auth_register() => {
            json!({"username": "newcomer", "email": "newcomer@example.com", "password": PASSWORD})
        }
        ("POST", p) if p.ends_with("/topics") => {
            json!({"title": "Studded tyres", "body": "Worth it on ice?"})
        }
        ("POST", _) => json!({"body": "About 40 km at minus five."}),
        _ => json!({"body": "How far do you get below zero? (edited)"}),
    }
}

/// Malformed versions of a body a route would accept: each is broken as JSON, not as data.
fn malformed_versions(valid: &Value) -> Vec<(&'static str, Vec<u8>)> {
    let text = valid.to_string();
    let cut = text.len() - 3;
    // Two bytes that are not UTF-8 at the start of the first value (every value is a string).
    let mut invalid_utf8 = text.clone().into_bytes();
    let at = text.find("\":\"").map_or(0, |i| i + 3);
    invalid_utf8.splice(at..at, [0xff, 0xfe]);
    vec![
        ("truncated", text.as_bytes()[..cut].to_vec()),
        (
            "missing its closing brace",
            text.trim_end_matches('}').as_bytes().to_vec(),
        ),
        ("single-quoted", text.replace('"', "'").into_bytes()),
        (
            "followed by garbage",
            format!("{text} and more").into_bytes(),
        ),
        (
            "followed by a second object",
            format!("{text}{text}").into_bytes(),
        ),
        (
            "with a trailing comma",
            format!("{},}}", text.trim_end_matches('}')).into_bytes(),
        ),
        (
            "not JSON at all",
            b"title=Battery+range&body=How+far".to_vec(),
        ),
        ("empty", Vec::new()),
        ("only whitespace", b"  \n ".to_vec()),
        ("with invalid UTF-8 in a value", invalid_utf8),
    ]
}

#[tokio::test]
async fn malformed_json_is_400_and_writes_nothing() {
    each_backend(|app| async move {
        let forum = Forum::open(&app).await;
        let before = counts(&app).await;
        for (method, path, token) in forum.writes() {
            for (what, body) in malformed_versions(&valid_body(method, &path)) {
                let r = app
                    .send(raw(
                        method,
                        &path,
                        token.as_deref(),
                        Some("application/json"),
                        body,
                    ))
                    .await;
                let what = format!("{what} body to {method} {path}");
                assert_error(&r, StatusCode::BAD_REQUEST, "malformed_json", None, &what);
            }
        }
        assert_eq!(
            counts(&app).await,
            before,
            "a malformed body wrote something"
        );
    })
    .await;
}

/// An array where an object belongs is valid JSON of the wrong shape, a serde *data* error:
/// the code answers 422 `invalid_type`, which the contract accepts for this case alongside
/// 400 `malformed_json`.
#[tokio::test]
async fn an_array_in_place_of_an_object_is_refused_and_writes_nothing() {
    each_backend(|app| async move {
        let forum = Forum::open(&app).await;
        let before = counts(&app).await;
        for (method, path, token) in forum.writes() {
            let wrapped = Value::Array(vec![valid_body(method, &path)]);
            for (what, body) in [
                ("empty array", json!([])),
                ("wrapped object", wrapped),
                ("numbers", json!([1, 2, 3])),
            ] {
                let r = app
                    .call(verb(method), &path, token.as_deref(), Some(body))
                    .await;
                let what = format!("{what} to {method} {path}");
                assert!(
                    matches!(
                        (r.status, r.code()),
                        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_type")
                            | (StatusCode::BAD_REQUEST, "malformed_json")
                    ),
                    "{what}: {} {}",
                    r.status,
                    r.text
                );
                assert_eq!(r.body["error"]["field"], Value::Null, "{what}: {}", r.text);
                assert_envelope(&r, &what);
            }
        }
        assert_eq!(counts(&app).await, before, "an array body wrote something");
    })
    .await;
}

/// serde reads a struct from a JSON array positionally; the API's contract is a JSON object,
/// so an array is refused even when its items happen to line up with the fields.
#[tokio::test]
async fn an_array_whose_items_line_up_with_the_fields_is_still_refused() {
    each_backend(|app| async move {
        let forum = Forum::open(&app).await;
        let before = counts(&app).await;
        let cases = [
            (
                "POST",
                routes::auth_register(),
                None,
                json!(["positional", "positional@example.com", PASSWORD]),
            ),
            (
                "POST",
                forum.topics_path(),
                Some(forum.admin.as_str()),
                json!(["Studded tyres", "Worth it on ice?"]),
            ),
            (
                "POST",
                forum.reply_path(),
                Some(forum.admin.as_str()),
                json!(["About 40 km at minus five."]),
            ),
            (
                "PATCH",
                forum.post_path(),
                Some(forum.admin.as_str()),
                json!(["Rewritten by position", null, null]),
            ),
        ];
        let mut accepted = Vec::new();
        for (method, path, token, body) in cases {
            let r = app
                .call(verb(method), &path, token, Some(body.clone()))
                .await;
            let refused = matches!(
                (r.status, r.code()),
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_type")
                    | (StatusCode::BAD_REQUEST, "malformed_json")
            );
            if refused {
                assert_envelope(&r, &format!("{body} to {method} {path}"));
            } else {
                accepted.push(format!(
                    "{method} {path} {body} -> {} {}",
                    r.status.as_u16(),
                    r.text
                ));
            }
        }
        assert!(
            accepted.is_empty(),
            "arrays taken as objects:\n{}",
            accepted.join("\n")
        );
        assert_eq!(counts(&app).await, before, "an array body wrote something");
    })
    .await;
}

#[tokio::test]
async fn a_body_without_a_json_content_type_is_400_json_required_and_writes_nothing() {
    each_backend(|app| async move {
        let forum = Forum::open(&app).await;
        let before = counts(&app).await;
        for (method, path, token) in forum.writes() {
            let body = valid_body(method, &path).to_string();
            for content_type in [
                None,
                Some("text/plain"),
                Some("application/x-www-form-urlencoded"),
            ] {
                let r = app
                    .send(raw(
                        method,
                        &path,
                        token.as_deref(),
                        content_type,
                        body.clone(),
                    ))
                    .await;
                let what = format!("{method} {path} with content type {content_type:?}");
                assert_error(&r, StatusCode::BAD_REQUEST, "json_required", None, &what);
            }
        }
        assert_eq!(
            counts(&app).await,
            before,
            "a body without a JSON content type wrote something"
        );

        // The same body with a JSON content type (and a charset) is taken: only the header
        // was at fault.
        let r = app
            .send(raw(
                "POST",
                &forum.reply_path(),
                Some(&forum.admin),
                Some("application/json; charset=utf-8"),
                valid_body("POST", &forum.reply_path()).to_string(),
            ))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    })
    .await;
}

#[tokio::test]
async fn a_missing_field_is_422_missing_field_naming_it_and_writes_nothing() {
    each_backend(|app| async move {
        let forum = Forum::open(&app).await;
        let admin = Some(forum.admin.as_str());
        let register = routes::auth_register();
        let cases = [
            (
                register.clone(),
                None,
                json!({"username": "ana", "email": "ana@example.com"}),
                "password",
            ),
            (
                register.clone(),
                None,
                json!({"email": "ana@example.com", "password": PASSWORD}),
                "username",
            ),
            (
                register,
                None,
                json!({"username": "ana", "password": PASSWORD}),
                "email",
            ),
            (
                forum.topics_path(),
                admin,
                json!({"body": "Worth it on ice?"}),
                "title",
            ),
            (
                forum.topics_path(),
                admin,
                json!({"title": "Studded tyres"}),
                "body",
            ),
            (forum.reply_path(), admin, json!({}), "body"),
            (
                routes::groups(),
                admin,
                json!({"name": "Cargo bikes"}),
                "visibility",
            ),
            (
                routes::groups(),
                admin,
                json!({"visibility": "public"}),
                "name",
            ),
        ];
        let before = counts(&app).await;
        for (path, token, body, field) in cases {
            let r = app.post(&path, token, body.clone()).await;
            let what = format!("{body} to POST {path}");
            assert_error(
                &r,
                StatusCode::UNPROCESSABLE_ENTITY,
                "missing_field",
                Some(field),
                &what,
            );
        }
        assert_eq!(
            counts(&app).await,
            before,
            "a body with a missing field wrote something"
        );
    })
    .await;
}

/// The wrong-type cases, each with the field at fault.
fn wrong_type_cases(
    forum: &Forum,
) -> Vec<(&'static str, String, Option<String>, Value, &'static str)> {
    let admin = Some(forum.admin.clone());
    vec![
        (
            "POST",
            forum.topics_path(),
            admin.clone(),
            json!({"title": 42, "body": "Worth it on ice?"}),
            "title",
        ),
        (
            "POST",
            forum.topics_path(),
            admin.clone(),
            json!({"title": "Studded tyres", "body": "Worth it on ice?", "tags": "winter"}),
            "tags",
        ),
        (
            "POST",
            forum.topics_path(),
            admin.clone(),
            json!({"title": "Studded tyres", "body": "Worth it on ice?", "tags": [1, 2]}),
            "tags[0]",
        ),
        (
            "POST",
            forum.reply_path(),
            admin.clone(),
            json!({"body": true}),
            "body",
        ),
        (
            "POST",
            forum.reply_path(),
            admin.clone(),
            json!({"body": {"text": "hi"}}),
            "body",
        ),
        (
            "PATCH",
            forum.post_path(),
            admin.clone(),
            json!({"title": 7}),
            "title",
        ),
        (
            "PATCH",
            forum.post_path(),
            admin,
            json!({"tags": "winter,ice"}),
            "tags",
        ),
        (
            "POST",
            routes::auth_register(),
            None,
            json!({"username": "ana", "email": "ana@example.com", "password": 1_234_567_890}),
            "password",
        ),
    ]
}

#[tokio::test]
async fn a_field_of_the_wrong_type_is_422_invalid_type_and_writes_nothing() {
    each_backend(|app| async move {
        let forum = Forum::open(&app).await;
        let before = counts(&app).await;
        for (method, path, token, body, _) in wrong_type_cases(&forum) {
            let r = app
                .call(verb(method), &path, token.as_deref(), Some(body.clone()))
                .await;
            let what = format!("{body} to {method} {path}");
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_type"),
                "{what}: {}",
                r.text
            );
            assert_envelope(&r, &what);
        }
        assert_eq!(
            counts(&app).await,
            before,
            "a body with a mistyped field wrote something"
        );
    })
    .await;
}

/// `ApiJson` documents its 422 as "a field missing or of the wrong type, named in `field`".
#[tokio::test]
async fn a_field_of_the_wrong_type_is_named_in_the_error() {
    each_backend(|app| async move {
        let forum = Forum::open(&app).await;
        let mut unnamed = Vec::new();
        for (method, path, token, body, field) in wrong_type_cases(&forum) {
            let r = app
                .call(verb(method), &path, token.as_deref(), Some(body.clone()))
                .await;
            let what = format!("{body} to {method} {path}");
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_type"),
                "{what}: {}",
                r.text
            );
            assert_envelope(&r, &what);
            if r.body["error"]["field"] != json!(field) {
                unnamed.push(format!(
                    "{what}: expected field {field:?}, got {}",
                    r.body["error"]["field"]
                ));
            }
        }
        assert!(
            unnamed.is_empty(),
            "wrong-type errors not naming their field:\n{}",
            unnamed.join("\n")
        );
    })
    .await;
}

#[tokio::test]
async fn titles_and_bodies_outside_their_rules_are_422_naming_the_field_and_write_nothing() {
    each_backend(|app| async move {
        let forum = Forum::open(&app).await;
        let admin = Some(forum.admin.as_str());
        let good_body = "Worth it on ice?";
        let long_title = "t".repeat(151);
        let long_body = "b".repeat(32_001);
        let before = counts(&app).await;

        let topic_cases = [
            ("", good_body, "required", "title"),
            ("   \t ", good_body, "required", "title"),
            ("ab", good_body, "too_short", "title"),
            ("  ab  ", good_body, "too_short", "title"),
            (long_title.as_str(), good_body, "too_long", "title"),
            ("Studded tyres", "", "required", "body"),
            ("Studded tyres", " \n\t \r\n ", "required", "body"),
            ("Studded tyres", long_body.as_str(), "too_long", "body"),
        ];
        for (title, body, code, field) in topic_cases {
            let r = app
                .post(
                    &forum.topics_path(),
                    admin,
                    json!({"title": title, "body": body}),
                )
                .await;
            let what = format!(
                "topic with a {}-char title and a {}-char body",
                title.len(),
                body.len()
            );
            assert_error(
                &r,
                StatusCode::UNPROCESSABLE_ENTITY,
                code,
                Some(field),
                &what,
            );
        }

        for (body, code) in [
            ("", "required"),
            ("  \n\n  ", "required"),
            (long_body.as_str(), "too_long"),
        ] {
            let r = app
                .post(&forum.reply_path(), admin, json!({ "body": body }))
                .await;
            let what = format!("reply with a {}-char body", body.len());
            assert_error(
                &r,
                StatusCode::UNPROCESSABLE_ENTITY,
                code,
                Some("body"),
                &what,
            );
        }

        let edit_cases = [
            (json!({"body": ""}), "required", "body"),
            (json!({"body": "   "}), "required", "body"),
            (json!({ "body": long_body }), "too_long", "body"),
            (json!({"title": ""}), "required", "title"),
            (json!({"title": "ab"}), "too_short", "title"),
            (json!({ "title": long_title }), "too_long", "title"),
        ];
        for (body, code, field) in edit_cases {
            let r = app.patch(&forum.post_path(), admin, body).await;
            assert_error(
                &r,
                StatusCode::UNPROCESSABLE_ENTITY,
                code,
                Some(field),
                "edit of the opening post",
            );
        }
        assert_eq!(
            counts(&app).await,
            before,
            "an invalid title or body wrote something"
        );

        // The limits themselves are allowed, counted in characters rather than bytes.
        let title = "é".repeat(150);
        let body = "ä".repeat(32_000);
        let r = app
            .post(
                &forum.topics_path(),
                admin,
                json!({"title": title, "body": body}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "150-char title, 32,000-char body: {}",
            r.text
        );
        let r = app
            .post(
                &forum.topics_path(),
                admin,
                json!({"title": "abc", "body": "x"}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "3-char title, 1-char body: {}",
            r.text
        );
    })
    .await;
}

#[tokio::test]
async fn a_two_megabyte_body_is_413_payload_too_large_and_writes_nothing() {
    each_backend(|app| async move {
        let forum = Forum::open(&app).await;
        let admin = Some(forum.admin.as_str());
        let huge = "x".repeat(2_000_000);
        let before = counts(&app).await;
        let cases = [
            (forum.reply_path(), admin, json!({ "body": huge })),
            (
                forum.topics_path(),
                admin,
                json!({"title": "Huge", "body": huge}),
            ),
            (
                routes::auth_register(),
                None,
                json!({"username": "huge", "email": "huge@example.com",
                    "password": PASSWORD, "display_name": huge}),
            ),
        ];
        for (path, token, body) in cases {
            let r = app.post(&path, token, body).await;
            let what = format!("2 MB body to POST {path}");
            assert_error(
                &r,
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                None,
                &what,
            );
        }
        assert_eq!(counts(&app).await, before, "a 2 MB body wrote something");
    })
    .await;
}

#[tokio::test]
async fn registration_and_profile_fields_outside_their_rules_are_422_naming_the_field() {
    each_backend(|app| async move {
        let member = app.register("founder").await;
        let register = |username: &str, email: &str, password: &str, display_name: &str| {
            json!({"username": username, "email": email, "password": password,
                "display_name": display_name})
        };
        let username = |u: &str| register(u, "ana@example.com", PASSWORD, "");
        let email = |e: &str| register("ana", e, PASSWORD, "");
        let password = |p: &str| register("ana", "ana@example.com", p, "");
        let display_name = |d: &str| register("ana", "ana@example.com", PASSWORD, d);
        let mut cases = vec![
            (username(&"a".repeat(25)), "invalid_length", "username"),
            (username("ab"), "invalid_length", "username"),
            (username(""), "required", "username"),
            (username("ana lee"), "invalid_format", "username"),
            (username("märta"), "invalid_format", "username"),
            (username("_ana"), "invalid_format", "username"),
            (username("ana/../b"), "invalid_format", "username"),
            (username("<script>"), "invalid_format", "username"),
            (password("123456789"), "too_short", "password"),
            (password(""), "too_short", "password"),
            (password(&"p".repeat(257)), "too_long", "password"),
            (email(""), "required", "email"),
            (
                email(&format!("{}@example.com", "a".repeat(250))),
                "too_long",
                "email",
            ),
            (email("ana"), "invalid_format", "email"),
            (
                display_name("Ana\u{202E}gnp.exe"),
                "invalid_characters",
                "display_name",
            ),
            (
                display_name("Ana\u{200B}"),
                "invalid_characters",
                "display_name",
            ),
            (display_name(&"D".repeat(61)), "too_long", "display_name"),
        ];
        for address in [
            "ana@",
            "@example.com",
            "ana@example",
            "ana@.com",
            "ana@example.com.",
            "ana lee@example.com",
            "ana@@example.com",
            "ana@example.com,bob@example.com",
            "ana@exa\u{7}mple.com",
        ] {
            cases.push((
                register("ana", address, PASSWORD, ""),
                "invalid_format",
                "email",
            ));
        }
        let before = counts(&app).await;
        for (body, code, field) in cases {
            let r = app.post(&routes::auth_register(), None, body.clone()).await;
            let what = format!("registering {body}");
            assert_error(&r, INVALID, code, Some(field), &what);
        }
        assert_eq!(
            counts(&app).await,
            before,
            "a refused registration wrote something"
        );

        for (body, code, field) in [
            (
                json!({"display_name": "Ana\u{202E}gnp"}),
                "invalid_characters",
                "display_name",
            ),
            (
                json!({"display_name": "x".repeat(61)}),
                "too_long",
                "display_name",
            ),
            (json!({"bio": "b".repeat(1_001)}), "too_long", "bio"),
            (json!({"bio": "nul\u{0}byte"}), "invalid_characters", "bio"),
        ] {
            let r = app.patch(&routes::me(), Some(&member), body.clone()).await;
            let what = format!("PATCH /me {body}");
            assert_error(&r, INVALID, code, Some(field), &what);
        }
        let me = app.get(&routes::me(), Some(&member)).await;
        let profile = (me.body["display_name"].as_str(), me.body["bio"].as_str());
        assert_eq!(profile, (Some("founder"), Some("")), "{}", me.text);
    })
    .await;
}

#[tokio::test]
async fn tags_outside_their_rules_are_422_naming_tags_and_write_nothing() {
    each_backend(|app| async move {
        let forum = Forum::open(&app).await;
        let admin = Some(forum.admin.as_str());
        let six: Vec<String> = (1..=6).map(|i| format!("tag{i}")).collect();
        let cases = [
            (json!(six), "too_many"),
            (json!(["winter riding"]), "invalid_tag"),
            (json!(["winter", ""]), "invalid_tag"),
            (json!(["   "]), "invalid_tag"),
            (json!(["x".repeat(31)]), "invalid_tag"),
            (json!(["c++"]), "invalid_tag"),
            (json!(["<b>"]), "invalid_tag"),
        ];
        let before = counts(&app).await;
        for (tags, code) in &cases {
            let topic = json!({"title": "Studded tyres", "body": "Worth it?", "tags": tags});
            let r = app.post(&forum.topics_path(), admin, topic).await;
            let what = format!("new topic tagged {tags}");
            assert_error(&r, INVALID, code, Some("tags"), &what);
            let r = app
                .patch(&forum.post_path(), admin, json!({ "tags": tags }))
                .await;
            let what = format!("edit tagging {tags}");
            assert_error(&r, INVALID, code, Some("tags"), &what);
        }
        assert_eq!(counts(&app).await, before, "refused tags wrote something");

        // Six tags that fold to five distinct ones are five tags.
        let r = app
            .post(
                &forum.topics_path(),
                admin,
                json!({"title": "Studded tyres", "body": "Worth it?",
                    "tags": ["a", "b", "c", "d", "e", "A"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        assert_eq!(r.body["tags"], json!(["a", "b", "c", "d", "e"]));
    })
    .await;
}

#[tokio::test]
async fn unknown_ids_are_404_not_found_and_write_nothing() {
    each_backend(|app| async move {
        let forum = Forum::open(&app).await;
        let admin = Some(forum.admin.as_str());
        let before = counts(&app).await;
        let reads = [
            &routes::topic(999999),
            &routes::post(999999),
            &routes::post_revisions(999999),
            "/api/v1/topics/abc",
            "/api/v1/topics/-1",
            &routes::topic(0),
            "/api/v1/topics/1.5",
            "/api/v1/topics/99999999999999999999999",
            "/api/v1/posts/abc",
            &routes::group("no-such-group"),
            &routes::group_topics("no-such-group"),
            &routes::group_members("no-such-group"),
            &routes::member("nobody"),
        ];
        for path in reads {
            for token in [None, admin] {
                let r = app.get(path, token).await;
                let what = format!("GET {path} signed in: {}", token.is_some());
                assert_error(&r, StatusCode::NOT_FOUND, "not_found", None, &what);
            }
        }
        let reply = json!({"body": "Anyone there?"});
        let writes = [
            ("POST", "/api/v1/topics/999999/posts", Some(reply.clone())),
            ("POST", "/api/v1/topics/abc/posts", Some(reply.clone())),
            (
                "POST",
                "/api/v1/topics/99999999999999999999999/posts",
                Some(reply.clone()),
            ),
            ("PATCH", "/api/v1/posts/999999", Some(reply.clone())),
            ("PATCH", "/api/v1/posts/-1", Some(reply)),
            ("DELETE", "/api/v1/posts/999999", None),
            ("DELETE", "/api/v1/posts/abc", None),
            ("POST", "/api/v1/posts/999999/restore", None),
            ("POST", "/api/v1/invitations/424242/accept", None),
            ("POST", "/api/v1/invitations/abc/accept", None),
            ("POST", "/api/v1/groups/no-such-group/join", Some(json!({}))),
            (
                "POST",
                "/api/v1/groups/no-such-group/topics",
                Some(json!({"title": "Hello there", "body": "Hi"})),
            ),
        ];
        for (method, path, body) in writes {
            let r = app.call(verb(method), path, admin, body).await;
            assert_error(
                &r,
                StatusCode::NOT_FOUND,
                "not_found",
                None,
                &format!("{method} {path}"),
            );
        }
        assert_eq!(
            counts(&app).await,
            before,
            "a request for an unknown id wrote something"
        );
    })
    .await;
}

#[tokio::test]
async fn an_unknown_route_is_a_json_404() {
    each_backend(|app| async move {
        let token = app.register("founder").await;
        for path in [
            "/api/v1/nope",
            "/api/v1/",
            "/api/v2/groups",
            "/api/v1/groups/riders/nope/deeper",
        ] {
            for token in [None, Some(token.as_str())] {
                let r = app.get(path, token).await;
                assert_error(
                    &r,
                    StatusCode::NOT_FOUND,
                    "not_found",
                    None,
                    &format!("GET {path}"),
                );
            }
        }
        let r = app
            .post("/api/v1/nope", Some(&token), json!({"x": 1}))
            .await;
        assert_error(
            &r,
            StatusCode::NOT_FOUND,
            "not_found",
            None,
            "POST /api/v1/nope",
        );
    })
    .await;
}

#[tokio::test]
async fn bad_query_strings_are_refused_with_their_codes() {
    each_backend(|app| async move {
        let forum = Forum::open(&app).await;
        let topics = forum.topics_path();
        let members = format!("/api/v1/groups/{}/members", forum.slug);
        let topic = format!("/api/v1/topics/{}", forum.topic);
        let long_query = "a".repeat(201);
        let cases: Vec<(String, StatusCode, &str, Option<&str>)> = vec![
            (
                "/api/v1/groups?limit=abc".into(),
                StatusCode::BAD_REQUEST,
                "invalid_query",
                None,
            ),
            (
                "/api/v1/groups?limit=-1".into(),
                StatusCode::BAD_REQUEST,
                "invalid_query",
                None,
            ),
            (
                "/api/v1/groups?limit=1e3".into(),
                StatusCode::BAD_REQUEST,
                "invalid_query",
                None,
            ),
            (
                format!("{topics}?limit=many"),
                StatusCode::BAD_REQUEST,
                "invalid_query",
                None,
            ),
            (
                format!("{topic}?from=first"),
                StatusCode::BAD_REQUEST,
                "invalid_query",
                None,
            ),
            (
                "/api/v1/search?q=winter&offset=-5".into(),
                StatusCode::BAD_REQUEST,
                "invalid_query",
                None,
            ),
            (
                "/api/v1/groups?limit=0".into(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "out_of_range",
                Some("limit"),
            ),
            (
                "/api/v1/groups?limit=101".into(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "out_of_range",
                Some("limit"),
            ),
            (
                format!("{topics}?limit=0"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "out_of_range",
                Some("limit"),
            ),
            (
                format!("{members}?limit=101"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "out_of_range",
                Some("limit"),
            ),
            (
                format!("{topic}?limit=101"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "out_of_range",
                Some("limit"),
            ),
            (
                "/api/v1/search?q=winter&limit=0".into(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "out_of_range",
                Some("limit"),
            ),
            (
                "/api/v1/groups?cursor=not-a-cursor!".into(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_cursor",
                Some("cursor"),
            ),
            (
                "/api/v1/groups?cursor=Zm9v".into(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_cursor",
                Some("cursor"),
            ),
            (
                format!("{topics}?cursor=garbage!!"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_cursor",
                Some("cursor"),
            ),
            (
                format!("{topics}?cursor=MS4y.x"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_cursor",
                Some("cursor"),
            ),
            (
                format!("{members}?cursor=abc"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_cursor",
                Some("cursor"),
            ),
            (
                format!("{topics}?sort=oldest"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_choice",
                Some("sort"),
            ),
            (
                "/api/v1/search?q=".into(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "required",
                Some("q"),
            ),
            (
                routes::search(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "required",
                Some("q"),
            ),
            (
                "/api/v1/search?q=%20%2A%2A%20--".into(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "required",
                Some("q"),
            ),
            (
                format!("/api/v1/search?q={long_query}"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "too_long",
                Some("q"),
            ),
        ];
        for (path, status, code, field) in cases {
            for token in [None, Some(forum.admin.as_str())] {
                let r = app.get(&path, token).await;
                assert_error(&r, status, code, field, &format!("GET {path}"));
            }
        }
        // A query of exactly 200 characters is a search.
        let r = app
            .get(&format!("/api/v1/search?q={}", "a".repeat(200)), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    })
    .await;
}

fn assert_bearer_challenge(r: &Reply, what: &str) {
    let challenge = r
        .headers
        .get(header::WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok());
    assert_eq!(challenge, Some("Bearer"), "{what}: WWW-Authenticate");
}

#[tokio::test]
async fn writes_without_a_sign_in_are_401_with_a_bearer_challenge_and_write_nothing() {
    each_backend(|app| async move {
        let forum = Forum::open(&app).await;
        let cases = [
            (
                "POST",
                forum.topics_path(),
                json!({"title": "Studded tyres", "body": "Worth it on ice?"}),
            ),
            ("POST", forum.reply_path(), json!({"body": "About 40 km."})),
            (
                "POST",
                format!("/api/v1/groups/{}/join", forum.slug),
                json!({}),
            ),
            (
                "POST",
                format!("/api/v1/groups/{}/leave", forum.slug),
                json!({}),
            ),
            ("PATCH", routes::me(), json!({"bio": "Anonymous"})),
            ("PATCH", forum.post_path(), json!({"body": "Vandalised"})),
            (
                "POST",
                routes::groups(),
                json!({"name": "Cargo bikes", "visibility": "public"}),
            ),
            (
                "POST",
                format!("/api/v1/posts/{}/restore", forum.post),
                json!({}),
            ),
        ];
        let before = counts(&app).await;
        for (method, path, body) in &cases {
            let r = app.call(verb(method), path, None, Some(body.clone())).await;
            let what = format!("{method} {path} signed out");
            assert_error(
                &r,
                StatusCode::UNAUTHORIZED,
                "sign_in_required",
                None,
                &what,
            );
            assert_bearer_challenge(&r, &what);
        }
        let r = app.delete(&forum.post_path(), None).await;
        assert_error(
            &r,
            StatusCode::UNAUTHORIZED,
            "sign_in_required",
            None,
            "DELETE post signed out",
        );
        assert_bearer_challenge(&r, "DELETE post signed out");
        let r = app.get(&routes::me(), None).await;
        assert_error(
            &r,
            StatusCode::UNAUTHORIZED,
            "sign_in_required",
            None,
            "GET /api/v1/me signed out",
        );
        assert_bearer_challenge(&r, "GET /api/v1/me signed out");
        assert_eq!(
            counts(&app).await,
            before,
            "a signed-out write wrote something"
        );
    })
    .await;
}

#[tokio::test]
async fn a_bogus_bearer_token_is_401_invalid_token_and_writes_nothing() {
    each_backend(|app| async move {
        let forum = Forum::open(&app).await;
        let before = counts(&app).await;
        let authorizations = [
            "Bearer not-a-real-token".to_owned(),
            format!("Bearer {}x", forum.admin),
            "Bearer ".to_owned(),
            "Bearer ' OR '1'='1".to_owned(),
            format!("Basic {}", forum.admin),
            forum.admin.clone(),
        ];
        let requests = [
            ("GET", routes::me(), None),
            ("GET", routes::groups(), None),
            ("GET", format!("/api/v1/topics/{}", forum.topic), None),
            (
                "POST",
                forum.reply_path(),
                Some(json!({"body": "About 40 km."})),
            ),
            (
                "POST",
                forum.topics_path(),
                Some(json!({"title": "Studded tyres", "body": "Worth it?"})),
            ),
            ("PATCH", routes::me(), Some(json!({"bio": "Impostor"}))),
        ];
        for authorization in &authorizations {
            for (method, path, body) in &requests {
                let mut req = Request::builder()
                    .method(*method)
                    .uri(path)
                    .header(header::AUTHORIZATION, authorization);
                if body.is_some() {
                    req = req.header(header::CONTENT_TYPE, "application/json");
                }
                let body = body
                    .as_ref()
                    .map_or_else(Body::empty, |b| Body::from(b.to_string()));
                let req = req
                    .body(body)
                    .unwrap_or_else(|e| panic!("building {method} {path}: {e}"));
                let r = app.send(req).await;
                let what = format!("{method} {path} with Authorization {authorization:?}");
                assert_error(&r, StatusCode::UNAUTHORIZED, "invalid_token", None, &what);
                assert_bearer_challenge(&r, &what);
            }
        }
        assert_eq!(counts(&app).await, before, "a bogus token wrote something");
    })
    .await;
}

#[tokio::test]
async fn group_creation_refuses_members_conflicts_and_bad_fields_without_writing() {
    each_backend(|app| async move {
        let admin = app.register("founder").await;
        let member = app.register("mara").await;
        app.create_group(&admin, "riders", "public").await;
        let before = counts(&app).await;

        let cargo = json!({"name": "Cargo bikes", "slug": "cargo-bikes", "visibility": "public"});
        let r = app.post(&routes::groups(), Some(&member), cargo).await;
        let what = "a plain member creating a group";
        assert_error(&r, StatusCode::FORBIDDEN, "admins_only", None, what);

        let group = |name: &str, slug: Option<&str>, visibility: &str| {
            json!({"name": name, "slug": slug, "description": "", "visibility": visibility})
        };
        let long_slug = "s".repeat(49);
        let cases = [
            (group("Riders again", Some("riders"), "public"), CONFLICT, "slug_unavailable", "slug"),
            (group("Riders", None, "closed"), CONFLICT, "slug_unavailable", "slug"),
            (group("Hidden", Some("hidden"), "hidden"), INVALID, "invalid_choice", "visibility"),
            (group("Hidden", Some("hidden"), "Public"), INVALID, "invalid_choice", "visibility"),
            (group("Hidden", Some("hidden"), ""), INVALID, "invalid_choice", "visibility"),
            (group("Escape", Some("../etc"), "public"), INVALID, "invalid_format", "slug"),
            (group("Escape", Some("Riders"), "public"), INVALID, "invalid_format", "slug"),
            (group("Escape", Some("a--b"), "public"), INVALID, "invalid_format", "slug"),
            (group("Escape", Some("r"), "public"), INVALID, "invalid_length", "slug"),
            (group("Escape", Some(&long_slug), "public"), INVALID, "invalid_length", "slug"),
            (group("!!!", None, "public"), INVALID, "required", "slug"),
            (group("R", Some("r-r"), "public"), INVALID, "invalid_length", "name"),
            (group("Rid\u{202E}ers", Some("r-r"), "public"), INVALID, "invalid_characters", "name"),
        ];
        for (body, status, code, field) in cases {
            let r = app.post(&routes::groups(), Some(&admin), body.clone()).await;
            assert_error(&r, status, code, Some(field), &format!("creating {body}"));
        }
        assert_eq!(counts(&app).await, before, "a refused group creation wrote something");

        // The site still works after the refusals: the taken slug's group is intact.
        let r = app.get(&routes::group("riders"), None).await;
        let shown = (r.status, r.body["name"].as_str());
        assert_eq!(shown, (StatusCode::OK, Some("Group riders")), "{}", r.text);
    })
    .await;
}

/// One error of every status the API uses, each checked for the bare envelope.
#[tokio::test]
async fn error_bodies_carry_only_code_message_and_field_and_no_internal_text() {
    each_backend(|app| async move {
        let forum = Forum::open(&app).await;
        let member = app.register("mara").await;
        let admin = Some(forum.admin.as_str());
        let mut replies = vec![
            (
                "malformed",
                app.send(raw(
                    "POST",
                    &forum.reply_path(),
                    admin,
                    Some("application/json"),
                    "{\"body\":",
                ))
                .await,
            ),
            (
                "no content type",
                app.send(raw("POST", &forum.reply_path(), admin, None, "{}"))
                    .await,
            ),
            ("bad query", app.get("/api/v1/groups?limit=x", None).await),
            (
                "signed out",
                app.post(&forum.reply_path(), None, json!({"body": "hi"}))
                    .await,
            ),
            ("bogus token", app.get(&routes::me(), Some("bogus")).await),
            (
                "forbidden",
                app.post(
                    &routes::groups(),
                    Some(&member),
                    json!({"name": "Cargo", "visibility": "public"}),
                )
                .await,
            ),
            (
                "not a member",
                app.post(&forum.reply_path(), Some(&member), json!({"body": "hi"}))
                    .await,
            ),
            ("unknown id", app.get(&routes::topic(999999), None).await),
            (
                "overflowing id",
                app.get("/api/v1/topics/99999999999999999999999", None)
                    .await,
            ),
            ("unknown route", app.get("/api/v1/nope", None).await),
            (
                "slug unavailable",
                app.post(
                    &routes::groups(),
                    admin,
                    json!({"name": "Riders", "slug": "riders", "visibility": "public"}),
                )
                .await,
            ),
            (
                "username taken",
                app.post(
                    &routes::auth_register(),
                    None,
                    json!({"username": "MARA", "email": "m2@example.com", "password": PASSWORD}),
                )
                .await,
            ),
            (
                "too large",
                app.post(
                    &forum.reply_path(),
                    admin,
                    json!({"body": "x".repeat(600 * 1024)}),
                )
                .await,
            ),
            (
                "invalid field",
                app.post(&forum.reply_path(), admin, json!({"body": ""}))
                    .await,
            ),
            (
                "missing field",
                app.post(&forum.reply_path(), admin, json!({})).await,
            ),
            (
                "wrong type",
                app.post(&forum.reply_path(), admin, json!({"body": 1}))
                    .await,
            ),
            (
                "bad cursor",
                app.get(
                    "/api/v1/groups?cursor=%27%3B%20DROP%20TABLE%20groups%3B--",
                    None,
                )
                .await,
            ),
            (
                "sql in search",
                app.get("/api/v1/search?q=%22%27%29%3B%20--", None).await,
            ),
        ];
        // Text that looks like SQL is only ever data: a slug or username that does not exist.
        replies.push((
            "sql in a slug",
            app.get("/api/v1/groups/x'%20OR%20'1'='1", None).await,
        ));
        replies.push((
            "sql in a username",
            app.get("/api/v1/members/x'%3B--", None).await,
        ));
        let mut statuses: Vec<u16> = Vec::new();
        for (what, r) in &replies {
            assert!(
                r.status.is_client_error(),
                "{what}: {} {}",
                r.status,
                r.text
            );
            assert_envelope(r, what);
            statuses.push(r.status.as_u16());
        }
        statuses.sort_unstable();
        statuses.dedup();
        assert_eq!(
            statuses,
            [400, 401, 403, 404, 409, 413, 422],
            "every client-error status was exercised"
        );
    })
    .await;
}

/// The API's description promises that every error is the envelope; a method a route does
/// not have is an error too.
#[tokio::test]
async fn a_method_a_route_does_not_have_is_answered_with_the_error_envelope() {
    each_backend(|app| async move {
        let token = app.register("founder").await;
        let before = counts(&app).await;
        for (method, path) in [
            ("PUT", &routes::groups()),
            ("PUT", &routes::me()),
            ("GET", &routes::auth_register()),
        ] {
            let r = app
                .send(raw(
                    method,
                    path,
                    Some(&token),
                    Some("application/json"),
                    "{}",
                ))
                .await;
            let what = format!("{method} {path}");
            assert_error(
                &r,
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                None,
                &what,
            );
        }
        assert_eq!(counts(&app).await, before);
    })
    .await;
}
