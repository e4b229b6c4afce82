//! What a restart must keep.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{PASSWORD, each_backend, token_of};

#[tokio::test]
async fn restarting_the_server_keeps_everything() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        app.create_group(&admin, "club", "closed").await;
        app.join(&ana, "club").await;
        let (topic, post) = app
            .create_topic(&admin, "club", "Kept across restarts", "Durable body")
            .await;
        app.patch(
            &format!("/api/v1/posts/{post}"),
            Some(&admin),
            json!({"body": "Edited durable body"}),
        )
        .await;
        app.patch(
            "/api/v1/site",
            Some(&admin),
            json!({"name": "Restart Riders"}),
        )
        .await;

        let app = app.restart().await;

        assert_eq!(
            app.get("/api/v1/me", Some(&admin)).await.body["username"],
            "admin",
            "sessions survive"
        );
        let login = app
            .post(
                "/api/v1/auth/login",
                None,
                json!({"login": "ana", "password": PASSWORD}),
            )
            .await;
        assert_eq!(login.status, StatusCode::OK);
        let g = app
            .get("/api/v1/groups/club", Some(&token_of(&login)))
            .await;
        assert_eq!(
            g.body["membership"], "pending",
            "the pending request survives"
        );
        let t = app
            .get(&format!("/api/v1/topics/{topic}"), Some(&admin))
            .await;
        assert_eq!(t.body["posts"][0]["body_markdown"], "Edited durable body");
        assert_eq!(t.body["posts"][0]["revision_count"], 1);
        assert_eq!(
            app.get("/api/v1/site", None).await.body["name"],
            "Restart Riders"
        );
        let s = app.get("/api/v1/search?q=durable", Some(&admin)).await;
        assert_eq!(
            s.body["results"].as_array().map(Vec::len),
            Some(1),
            "the search index survives"
        );
    })
    .await;
}

#[tokio::test]
async fn the_liveness_and_readiness_probes_answer() {
    crate::support::each_backend(|app| async move {
        let live = app.page("/health", None).await;
        assert_eq!((live.status, live.text.as_str()), (StatusCode::OK, "ok"));
        let ready = app.page("/ready", None).await;
        assert_eq!((ready.status, ready.text.as_str()), (StatusCode::OK, "ok"));
    })
    .await;
}
