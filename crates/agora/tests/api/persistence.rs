//! What a restart must keep.

use axum::http::StatusCode;
use serde_json::json;

use crate::routes;
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
            &routes::post(post),
            Some(&admin),
            json!({"body": "Edited durable body"}),
        )
        .await;
        app.patch(
            &routes::site(),
            Some(&admin),
            json!({"name": "Restart Riders"}),
        )
        .await;

        let app = app.restart().await;

        assert_eq!(
            app.get(&routes::me(), Some(&admin)).await.body["username"],
            "admin",
            "sessions survive"
        );
        let login = app
            .post(
                &routes::auth_login(),
                None,
                json!({"login": "ana", "password": PASSWORD}),
            )
            .await;
        assert_eq!(login.status, StatusCode::OK);
        let g = app
            .get(&routes::group("club"), Some(&token_of(&login)))
            .await;
        assert_eq!(
            g.body["membership"], "pending",
            "the pending request survives"
        );
        let t = app.get(&routes::topic(topic), Some(&admin)).await;
        assert_eq!(t.body["posts"][0]["body_markdown"], "Edited durable body");
        assert_eq!(t.body["posts"][0]["revision_count"], 1);
        assert_eq!(
            app.get(&routes::site(), None).await.body["name"],
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

#[tokio::test]
async fn ready_says_why_writes_fail_and_recovers_when_they_work_again() {
    let app = crate::support::TestApp::sqlite(agora_core::AgoraConfig::default()).await;
    // Another process holds SQLite's write lock longer than a write may wait.
    let mut other = crate::support::sqlite_connection(&app.database_url).await;
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let ready = app.page("/ready", None).await;
    assert_eq!(
        ready.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        ready.text
    );
    assert!(
        ready.text.starts_with("not ready: ") && ready.text.contains("write"),
        "{}",
        ready.text
    );
    sqlx::query("ROLLBACK")
        .execute(&mut other)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // The writer is still finishing its failed attempt (a 5 s busy wait); once it has, a
    // probe commits and the node is ready again without any other write.
    app.app.store.settle().await;
    let ready = app.page("/ready", None).await;
    assert_eq!((ready.status, ready.text.as_str()), (StatusCode::OK, "ok"));
}

#[tokio::test]
async fn concurrent_writes_are_all_kept_and_a_failing_one_loses_only_its_own_work() {
    // On SQLite, concurrent write transactions share one commit; each must still be all or
    // nothing on its own.
    let config = agora_core::AgoraConfig {
        posts_per_minute: 1_000,
        registrations_per_hour: 1_000,
        ..Default::default()
    };
    crate::support::each_backend_with(config, |app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "club", "public").await;
        let (topic, _) = app.create_topic(&admin, "club", "Busy", "Go").await;
        let mut tasks = tokio::task::JoinSet::new();
        for n in 0..40 {
            let router = app.router.clone();
            let admin = admin.clone();
            tasks.spawn(async move {
                use tower::ServiceExt as _;
                let (path, body, token) = if n % 4 == 3 {
                    // Every fourth registers a taken name: refused, and nothing of it stays.
                    (routes::auth_register(), json!({"username": "admin", "email": format!("x{n}@example.com"), "password": PASSWORD}), None)
                } else {
                    (routes::topic_posts(topic), json!({"body": format!("Reply {n}")}), Some(admin))
                };
                let mut req = axum::http::Request::builder()
                    .method("POST")
                    .uri(path)
                    .header("content-type", "application/json");
                if let Some(t) = token {
                    req = req.header("authorization", format!("Bearer {t}"));
                }
                let req = req.body(axum::body::Body::from(body.to_string())).unwrap_or_default();
                router.oneshot(req).await.map(|r| r.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            });
        }
        let mut created = 0;
        let mut conflicts = 0;
        while let Some(status) = tasks.join_next().await {
            match status.unwrap_or(StatusCode::INTERNAL_SERVER_ERROR) {
                StatusCode::CREATED => created += 1,
                StatusCode::CONFLICT => conflicts += 1,
                other => panic!("unexpected {other}"),
            }
        }
        assert_eq!((created, conflicts), (30, 10));
        assert_eq!(app.db().count_rows("posts").await, 31, "every acknowledged reply is stored");
        assert_eq!(app.db().count_rows("members").await, 1, "no refused registration left a row");
        let t = app.get(&format!("/api/v1/topics/{topic}?limit=1"), None).await;
        assert_eq!(t.body["reply_count"], 30, "the counters agree");
    })
    .await;
}
