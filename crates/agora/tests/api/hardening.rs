//! Input the hostile-input suite (`hostile.rs`) found accepted where it should be refused,
//! stored half, or answered with a 5xx; each case pinned by a focused test.

use axum::http::StatusCode;
use serde_json::json;

use crate::routes;
use crate::support::{each_backend, urlencode};

#[tokio::test]
async fn names_with_invisible_or_direction_characters_are_refused_everywhere() {
    each_backend(|app| async move {
        let admin = app.register("founder").await;
        app.create_group(&admin, "riders", "public").await;
        for hidden in ["\u{AD}admin", "ad\u{2060}min", "\u{61C}admin", "\u{3164}"] {
            let cases = [
                ("PATCH", &routes::site(), json!({ "name": hidden }), "name"),
                ("PATCH", &routes::me(), json!({ "display_name": hidden }), "display_name"),
                (
                    "POST",
                    &routes::groups(),
                    json!({"name": format!("{hidden} club"), "slug": "club", "visibility": "public"}),
                    "name",
                ),
                (
                    "POST",
                    &routes::group_topics("riders"),
                    json!({"title": format!("{hidden} news"), "body": "Hi"}),
                    "title",
                ),
                (
                    "POST",
                    &routes::group_topics("riders"),
                    json!({"title": "Tagged", "body": "Hi", "tags": [hidden]}),
                    "tags",
                ),
            ];
            for (method, path, body, field) in cases {
                let method = axum::http::Method::from_bytes(method.as_bytes())
                    .unwrap_or_else(|e| panic!("{e}"));
                let r = app.call(method, path, Some(&admin), Some(body)).await;
                assert_eq!(
                    (r.status, r.body["error"]["field"].as_str()),
                    (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
                    "{hidden:?} to {path}: {}",
                    r.text
                );
            }
        }
        let site = app.get(&routes::site(), None).await;
        assert_eq!(site.body["name"], "agora", "{}", site.text);
    })
    .await;
}

#[tokio::test]
async fn a_site_settings_change_with_one_bad_field_stores_none_of_it() {
    each_backend(|app| async move {
        let admin = app.register("founder").await;
        let before = app.get(&routes::site(), Some(&admin)).await.body;
        for (body, field) in [
            (
                json!({"name": "Voltera Riders", "goal": "Ride on", "word_filters": "<script>"}),
                "word_filters",
            ),
            (
                json!({"name": "Voltera Riders", "registration_rules": {"off": ["fake_name"], "extra_names": ["a\u{0}b"]}}),
                "registration_rules.extra_names",
            ),
            (
                json!({"netiquette": "Be kind.", "registration_rules": {"extra_domains": ["x".repeat(101)]}}),
                "registration_rules.extra_domains",
            ),
        ] {
            let r = app.patch(&routes::site(), Some(&admin), body).await;
            assert_eq!(
                (r.status, r.body["error"]["field"].as_str()),
                (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
                "{}",
                r.text
            );
            let after = app.get(&routes::site(), Some(&admin)).await.body;
            assert_eq!(after, before, "a refused change stored part of itself");
        }
    })
    .await;
}

/// SQLite stores a null character, PostgreSQL refuses it even in a lookup: text with one must
/// be answered by the rules, the same on both, never with a 500.
#[tokio::test]
async fn a_null_character_is_refused_or_names_nothing_on_both_databases() {
    each_backend(|app| async move {
        let admin = app.register("founder").await;
        app.register("ben").await;
        app.create_group(&admin, "riders", "public").await;
        let (topic, _) = app
            .create_topic(&admin, "riders", "Battery range", "How far?")
            .await;
        let ben = app
            .post(
                &routes::auth_login(),
                None,
                json!({"login": "ben", "password": crate::support::PASSWORD}),
            )
            .await;
        let ben = crate::support::token_of(&ben);
        app.join(&ben, "riders").await;
        let reply = app
            .post(
                &routes::topic_posts(topic),
                Some(&ben),
                json!({"body": "About 40 km."}),
            )
            .await;
        let ben_post = reply.body["id"].as_i64().unwrap_or_default();
        app.post(
            &routes::post_flags(ben_post),
            Some(&admin),
            json!({"reason": "spam"}),
        )
        .await;
        let lookups = [
            "/api/v1/members/ben%00",
            "/api/v1/members/%00/consents",
            "/api/v1/groups/riders%00",
            "/api/v1/groups/%00/topics",
            "/api/v1/audit?q=%00",
        ];
        for path in lookups {
            let r = app.get(path, Some(&admin)).await;
            assert!(
                matches!(r.status.as_u16(), 404 | 422),
                "GET {path}: {} {}",
                r.status,
                r.text
            );
        }
        let writes = [
            ("/api/v1/groups/riders%00/join", json!({}), 404),
            (
                &routes::group_invitations("riders"),
                json!({"username": "ben\u{0}"}),
                404,
            ),
            (
                "/api/v1/members/ben%00/sanctions",
                json!({"kind": "warning", "reason": "x"}),
                404,
            ),
            (
                &routes::member_sanctions("ben"),
                json!({"kind": "warning", "reason": "a\u{0}"}),
                422,
            ),
            (
                &routes::auth_login(),
                json!({"login": "ben\u{0}", "password": "x"}),
                401,
            ),
        ];
        for (path, body, status) in writes {
            let r = app.post(path, Some(&admin), body).await;
            assert_eq!(r.status.as_u16(), status, "POST {path}: {}", r.text);
        }
        let r = app
            .post(
                &routes::post_flags_resolve(ben_post),
                Some(&admin),
                json!({"decision": "dismiss", "reason": "fine\u{0}"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        let r = app
            .post(
                &routes::auth_password_reset(),
                None,
                json!({"login": "ben\u{0}"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    })
    .await;
}

/// The framework's own rejections are plain text that echoes the input; the pages answer
/// with the site's error page instead, whatever part of the request failed to parse.
#[tokio::test]
async fn a_page_request_that_does_not_parse_gets_the_sites_error_page() {
    each_backend(|app| async move {
        let admin = app.register("founder").await;
        app.create_group(&admin, "riders", "public").await;
        let csrf = crate::support::csrf_for(&admin);
        let script = "<script>alert(1)</script>";
        let big = "x".repeat(600 * 1024);
        let cases = [
            (format!("/t/{}/reply", urlencode(script)), "body", "Hi", 404),
            ("/p/%ff%fe/edit".to_owned(), "body", "Hi", 404),
            ("/legal/accept".to_owned(), "v_netiquette", script, 400),
            ("/g/riders/invite".to_owned(), "username", big.as_str(), 413),
        ];
        for (path, field, value, status) in cases {
            let fields = [("csrf", csrf.as_str()), (field, value)];
            let r = app.form(&path, Some(&admin), &fields).await;
            let content_type = r
                .headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            assert_eq!(r.status.as_u16(), status, "{path}: {}", r.text);
            assert!(
                content_type.starts_with("text/html") && r.text.contains("</html>"),
                "{path}: {content_type} {}",
                r.text
            );
            assert!(!r.text.contains(script), "{path} echoes the input raw");
        }
        let r = app.page("/t/%3Cb%3E/x", Some(&admin)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
        assert!(r.text.contains("</html>"), "{}", r.text);
    })
    .await;
}

/// The sign-in, sign-up and password forms carry the session's token when a member is signed
/// in; a post without the right one is refused like every other form's.
#[tokio::test]
async fn the_guest_forms_check_the_session_token_of_a_signed_in_member() {
    each_backend(|app| async move {
        let admin = app.register("founder").await;
        app.register("ben").await;
        let forms: [(&str, Vec<(&str, &str)>); 3] = [
            (
                "/signin",
                vec![("login", "ben"), ("password", crate::support::PASSWORD)],
            ),
            ("/forgot", vec![("login", "ben")]),
            (
                "/signup",
                vec![
                    ("username", "cleo"),
                    ("email", "cleo@example.com"),
                    ("password", "long enough password"),
                ],
            ),
        ];
        for (path, fields) in forms {
            let mut forged = fields.clone();
            forged.push(("csrf", "forged"));
            let r = app.form(path, Some(&admin), &forged).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.text);
        }
        assert_eq!(app.db().count_rows("members").await, 2, "nobody signed up");
        let me = app.get(&routes::me(), Some(&admin)).await;
        assert_eq!(
            me.body["username"], "founder",
            "still signed in as the admin"
        );
    })
    .await;
}

/// Page numbers, post numbers and sort orders are choices from a range: anything else is
/// refused rather than quietly taken for the first page or the default order (and a page
/// number near the largest integer no longer overflows into a panic).
#[tokio::test]
async fn numbers_and_orders_out_of_their_range_are_refused() {
    each_backend(|app| async move {
        let admin = app.register("founder").await;
        app.create_group(&admin, "riders", "public").await;
        let (topic, _) = app
            .create_topic(&admin, "riders", "Battery range", "How far?")
            .await;
        for from in ["0", "-1", "-9223372036854775808"] {
            let r = app
                .get(&format!("/api/v1/topics/{topic}?from={from}"), None)
                .await;
            assert_eq!(
                (r.status, r.code(), r.body["error"]["field"].as_str()),
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "out_of_range",
                    Some("from")
                ),
                "from={from}: {}",
                r.text
            );
        }
        for before in ["0", "-1"] {
            let r = app
                .get(&format!("/api/v1/audit?before={before}"), Some(&admin))
                .await;
            assert_eq!(
                (r.status, r.body["error"]["field"].as_str()),
                (StatusCode::UNPROCESSABLE_ENTITY, Some("before")),
                "before={before}: {}",
                r.text
            );
        }
        for page in ["0", "-1", "9223372036854775807", "-9223372036854775808"] {
            let r = app
                .page(&format!("/t/{topic}/battery-range?page={page}"), None)
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "page={page}");
            assert!(r.text.contains("</html>"));
        }
        let r = app.page("/g/riders?sort=%3Cscript%3E", None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert!(
            r.text
                .contains("Sort by latest, replies, top or unanswered."),
            "{}",
            r.text
        );
        assert_eq!(
            app.page("/g/riders?sort=replies", None).await.status,
            StatusCode::OK
        );
    })
    .await;
}

/// An invitation the page cannot send is a refusal: the group's page again, with the reason
/// and a 4xx, not a redirect that reads like success to anything but a person.
#[tokio::test]
async fn inviting_someone_who_does_not_exist_from_the_page_is_refused() {
    each_backend(|app| async move {
        let admin = app.register("founder").await;
        app.register("ben").await;
        app.create_group(&admin, "inner", "secret").await;
        let csrf = crate::support::csrf_for(&admin);
        let r = app
            .form(
                "/g/inner/invite",
                Some(&admin),
                &[("csrf", &csrf), ("username", "\u{430}dmin")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text.contains("There is no member with that username."),
            "{}",
            r.text
        );
        assert_eq!(app.db().count_rows("invitations").await, 0);
        let r = app
            .form(
                "/g/inner/invite",
                Some(&admin),
                &[("csrf", &csrf), ("username", "ben")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        assert_eq!(app.db().count_rows("invitations").await, 1);
    })
    .await;
}
