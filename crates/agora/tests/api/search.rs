//! Full-text search: ranked, highlighted, and in step with every write.

use axum::http::StatusCode;
use serde_json::json;

use crate::routes;
use crate::support::each_backend;

#[tokio::test]
async fn search_finds_topics_and_replies_ranked_with_highlighted_snippets() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "club", "public").await;
        let (t1, _) = app
            .create_topic(
                &admin,
                "club",
                "Battery range in winter",
                "My range drops in the cold.",
            )
            .await;
        let (t2, _) = app
            .create_topic(
                &admin,
                "club",
                "Brake pads",
                "Pads squeal after rain; the battery is fine.",
            )
            .await;
        app.post(
            &routes::topic_posts(t2),
            Some(&admin),
            json!({"body": "Clean the rotor with <b>alcohol</b>."}),
        )
        .await;

        let r = app.get("/api/v1/search?q=battery", None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let ids: Vec<i64> = r.body["results"]
            .as_array()
            .map(|a| a.iter().filter_map(|h| h["topic_id"].as_i64()).collect())
            .unwrap_or_default();
        assert_eq!(ids, vec![t1, t2], "a title match ranks first");
        let snippet = r.body["results"][0]["snippet_html"].as_str().unwrap_or("");
        assert!(snippet.contains("<mark>Battery</mark>"), "{snippet}");

        let r = app.get("/api/v1/search?q=rotor+alcohol", None).await;
        assert_eq!(r.body["results"][0]["post_number"], 2);
        let snippet = r.body["results"][0]["snippet_html"].as_str().unwrap_or("");
        assert!(snippet.contains("<mark>alcohol</mark>"), "{snippet}");
        assert!(
            !snippet.contains("<b>"),
            "markup in posts is never live in snippets: {snippet}"
        );

        let r = app
            .get("/api/v1/search?q=%22battery%22+OR+*+NEAR(", None)
            .await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "search syntax typed by a user is just words: {}",
            r.text
        );
    })
    .await;
}

#[tokio::test]
async fn search_follows_edits_and_deletions_at_once() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "club", "public").await;
        let (_, post) = app
            .create_topic(
                &admin,
                "club",
                "Motor noise",
                "A grinding sound at low speed.",
            )
            .await;
        assert_eq!(
            app.get("/api/v1/search?q=grinding", None).await.body["results"]
                .as_array()
                .map(Vec::len),
            Some(1)
        );

        app.patch(
            &routes::post(post),
            Some(&admin),
            json!({"body": "A clicking sound at low speed."}),
        )
        .await;
        assert_eq!(
            app.get("/api/v1/search?q=grinding", None).await.body["results"]
                .as_array()
                .map(Vec::len),
            Some(0)
        );
        assert_eq!(
            app.get("/api/v1/search?q=clicking", None).await.body["results"]
                .as_array()
                .map(Vec::len),
            Some(1)
        );

        app.delete(&routes::post(post), Some(&admin)).await;
        assert_eq!(
            app.get("/api/v1/search?q=clicking", None).await.body["results"]
                .as_array()
                .map(Vec::len),
            Some(0)
        );
        assert_eq!(
            app.get("/api/v1/search?q=clicking", Some(&admin))
                .await
                .body["results"]
                .as_array()
                .map(Vec::len),
            Some(0)
        );
    })
    .await;
}
