//! What a body may cost the server (issue 20, finding 1): new text past the renderer's budget
//! is refused with a field error wherever it is written, the preview is for signed-in members
//! and limited a minute, and a search renders nothing (it shows what was stored when the post
//! was written). Also images by addresses that only look relative (finding 6).

use axum::http::StatusCode;
use serde_json::json;

use crate::routes;
use crate::support::{TestApp, each_backend};

/// One line of 31,990 `>`: a blockquote that deep cost 4.6 s to render before the budget.
fn deep_quote() -> String {
    format!("{}a", ">".repeat(31_990))
}

/// A member `ana` in a public group `club` with a topic; (ana, admin, topic, its first post).
async fn club(app: &TestApp) -> (String, String, i64, i64) {
    let admin = app.register("admin").await;
    let ana = app.register("ana").await;
    app.create_group(&admin, "club", "public").await;
    app.join(&ana, "club").await;
    let (topic, first) = app
        .create_topic(&ana, "club", "Winter range", "It drops.")
        .await;
    (ana, admin, topic, first)
}

#[tokio::test]
async fn the_preview_is_for_signed_in_members_and_limited_a_minute() {
    each_backend(|app| async move {
        let (ana, ..) = club(&app).await;
        let r = app
            .post(&routes::markdown_preview(), None, json!({"body": "**hi**"}))
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNAUTHORIZED, "sign_in_required")
        );

        let per_minute = agora_core::forum::PREVIEWS_PER_MINUTE;
        for _ in 0..per_minute {
            let r = app
                .post(
                    &routes::markdown_preview(),
                    Some(&ana),
                    json!({"body": "**hi**"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            assert_eq!(r.body["html"], "<p><strong>hi</strong></p>\n");
        }
        let r = app
            .post(
                &routes::markdown_preview(),
                Some(&ana),
                json!({"body": "**hi**"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
        );
        assert!(
            r.header("retry-after")
                .is_some_and(|s| s.parse::<i64>().is_ok_and(|s| s > 0))
        );
        app.clock.advance(61);
        let r = app
            .post(
                &routes::markdown_preview(),
                Some(&ana),
                json!({"body": "**hi**"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    })
    .await;
}

#[tokio::test]
async fn text_past_the_budget_is_refused_with_a_field_error_and_nothing_is_stored() {
    each_backend(|app| async move {
        let (ana, admin, topic, first) = club(&app).await;
        let posts = app.db().count_rows("posts").await;
        let wide_table = format!(
            "{}\n{}\n{}",
            "|a".repeat(1_000),
            "|-".repeat(1_000),
            "|x\n".repeat(9_000)
        );
        let deep_emphasis = format!("{}x{}", "*a ".repeat(3_000), " b*".repeat(3_000));
        for (body, code) in [
            (deep_quote(), "too_deeply_nested"),
            (deep_emphasis, "too_deeply_nested"),
            (wide_table, "table_too_large"),
        ] {
            let attempts = [
                (routes::markdown_preview(), json!({"body": body})),
                (routes::topic_posts(topic), json!({"body": body})),
                (
                    routes::group_topics("club"),
                    json!({"title": "Deep", "body": body}),
                ),
            ];
            for (path, request) in attempts {
                let r = app.post(&path, Some(&ana), request).await;
                assert_eq!(
                    (r.status, r.code(), r.body["error"]["field"].as_str()),
                    (StatusCode::UNPROCESSABLE_ENTITY, code, Some("body")),
                    "{path}: {}",
                    r.text
                );
                assert!(
                    r.body["error"]["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("at most"))
                );
            }
            let r = app
                .patch(&routes::post(first), Some(&ana), json!({"body": body}))
                .await;
            assert_eq!(r.code(), code, "{}", r.text);
        }
        assert_eq!(app.db().count_rows("posts").await, posts);
        // The netiquette and the documents an admin writes are held to the same budget.
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"netiquette": format!("{}a", ">".repeat(5_000))}),
            )
            .await;
        assert_eq!(
            (r.status, r.code(), r.body["error"]["field"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "too_deeply_nested",
                Some("netiquette")
            ),
            "{}",
            r.text
        );
        let r = app
            .post(
                &routes::document("terms"),
                Some(&admin),
                json!({"body": deep_quote()}),
            )
            .await;
        assert_eq!(r.code(), "too_deeply_nested", "{}", r.text);
    })
    .await;
}

#[tokio::test]
async fn a_search_shows_a_best_answer_from_what_was_stored_and_renders_nothing() {
    each_backend(|app| async move {
        let (ana, ..) = club(&app).await;
        let ben = app.register("ben").await;
        app.join(&ben, "club").await;
        let r = app
            .post(
                &routes::group_topics("club"),
                Some(&ana),
                json!({"title": "Why does my range drop?", "body": "In winter.", "kind": "question"}),
            )
            .await;
        let question = r.body["id"].as_i64().unwrap_or_default();
        let r = app
            .post(
                &routes::topic_posts(question),
                Some(&ben),
                json!({"body": "Keep the **battery** indoors overnight."}),
            )
            .await;
        let answer = r.body["id"].as_i64().unwrap_or_default();
        let r = app.post(&routes::post_accept(answer), Some(&ana), json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        // The answer's markdown becomes what cost seconds to render (as a post stored before
        // the budget could be): a search still answers with the words stored for it.
        app.db()
            .execute_sql(&format!(
                "UPDATE posts SET body_markdown = '{}' WHERE id = {answer}",
                deep_quote()
            ))
            .await;
        for _ in 0..3 {
            let s = app.get("/api/v1/search?q=range%20is%3Asolved&limit=100", None).await;
            assert_eq!(s.status, StatusCode::OK, "{}", s.text);
            assert_eq!(
                s.body["results"][0]["featured"]["excerpt"],
                "Keep the battery indoors overnight.",
                "{}",
                s.text
            );
        }
    })
    .await;
}

#[tokio::test]
async fn an_image_whose_address_names_a_host_is_never_loaded_from_it() {
    each_backend(|app| async move {
        let (ana, _, topic, _) = club(&app).await;
        for url in [
            "http:evil.example/a.png",
            "https:/evil.example/a.png",
            "/\\evil.example/a.png",
        ] {
            let r = app
                .post(
                    &routes::topic_posts(topic),
                    Some(&ana),
                    json!({"body": format!("Look ![chart]({url})")}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
            let html = r.body["body_html"].as_str().unwrap_or_default();
            assert!(!html.contains("<img"), "{url}: {html}");
            assert!(
                html.contains("<a href="),
                "{url} is shown as a link: {html}"
            );
        }
    })
    .await;
}
