//! A member's data in their own hands: the archive and erasure.

use axum::http::StatusCode;
use serde_json::json;

use crate::routes;
use crate::support::{PASSWORD, each_backend};

#[tokio::test]
async fn a_member_downloads_everything_agora_holds_about_them() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        app.create_group(&admin, "club", "public").await;
        app.create_group(&admin, "beta", "closed").await;
        app.join(&ana, "club").await;
        app.join(&ana, "beta").await;
        let (topic, _) = app
            .create_topic(&ana, "club", "Saddle height", "How high?")
            .await;
        let reply = app
            .post(
                &routes::topic_posts(topic),
                Some(&admin),
                json!({"body": "Hip height."}),
            )
            .await;
        let reply = reply.body["id"].as_i64().unwrap_or_default();
        app.get(&routes::topic(topic), Some(&ana)).await;
        app.post(
            &routes::post_flags(reply),
            Some(&ana),
            json!({"reason": "off_topic", "note": "Wrong thread?"}),
        )
        .await;
        app.post(
            &routes::member_flags("admin"),
            Some(&ana),
            json!({"reason": "other"}),
        )
        .await;

        let r = app.get(&routes::me_export(), Some(&ana)).await;
        assert_eq!(r.status, StatusCode::OK);
        let disposition = r
            .headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            disposition.starts_with("attachment; filename=\"agora-ana-"),
            "{disposition}"
        );
        let a = &r.body;
        assert_eq!(a["account"]["email"], "ana@example.com");
        assert_eq!(a["groups"][0]["group"], "club");
        assert_eq!(a["join_requests"][0]["group"], "beta");
        assert_eq!(
            a["posts"].as_array().map(Vec::len),
            Some(1),
            "only her own posts"
        );
        assert_eq!(a["posts"][0]["body_markdown"], "How high?");
        assert!(
            !r.text.contains("Hip height") && !r.text.contains("admin@example.com"),
            "nobody else's data"
        );
        assert!(a["sessions"].as_array().is_some_and(|s| !s.is_empty()));
        assert_eq!(a["trust"]["level"], 1, "{}", r.text);
        assert_eq!(a["trust"]["stats"]["topics_entered"], 1);
        assert_eq!(
            (
                a["reading"][0]["topic_id"].as_i64(),
                a["reading"][0]["last_post_number_read"].as_i64()
            ),
            (Some(topic), Some(2)),
            "the reading record"
        );
        assert_eq!(a["flags"][0]["target"], format!("post:{reply}"));
        assert_eq!(a["flags"][0]["note"], "Wrong thread?");
        assert_eq!(a["flags"][1]["target"], "member:admin");
        assert!(a["sanctions"].as_array().is_some_and(Vec::is_empty));
        assert_eq!(
            app.get(&routes::me_export(), None).await.status,
            StatusCode::UNAUTHORIZED
        );
        let page = app.page("/settings/export", Some(&ana)).await;
        assert_eq!(page.body["account"]["username"], "ana");
    })
    .await;
}

#[tokio::test]
async fn erasing_an_account_deletes_personal_data_at_once_and_keeps_or_removes_posts() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        let ben = app.register("ben").await;
        app.create_group(&admin, "club", "public").await;
        app.join(&ana, "club").await;
        app.join(&ben, "club").await;
        let (topic, _) = app
            .create_topic(&admin, "club", "Introductions", "Say hello")
            .await;
        app.post(
            &routes::topic_posts(topic),
            Some(&ana),
            json!({"body": "Hello, I am Ana from Bremen."}),
        )
        .await;
        app.post(
            &routes::topic_posts(topic),
            Some(&ben),
            json!({"body": "Ben here, quarantotto."}),
        )
        .await;
        app.get(&routes::topic(topic), Some(&ana)).await;
        assert_eq!(app.db().count_rows("topic_reads").await, 1, "ana's reading is recorded");

        let r = app
            .call(
                axum::http::Method::DELETE,
                &routes::me(),
                Some(&ana),
                Some(json!({"password": "wrong password"})),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "wrong_password")
        );
        let r = app
            .call(
                axum::http::Method::DELETE,
                &routes::me(),
                Some(&ana),
                Some(json!({"password": PASSWORD})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        for table in ["member_activity", "topic_reads"] {
            assert_eq!(
                app.db().count_rows(&format!("{table} WHERE member_id = (SELECT id FROM members WHERE display_name = 'a former member')")).await,
                0,
                "{table} is erased"
            );
        }

        assert_eq!(
            app.get(&routes::me(), Some(&ana)).await.status,
            StatusCode::UNAUTHORIZED,
            "signed out everywhere"
        );
        assert_eq!(
            app.get(&routes::member("ana"), None).await.status,
            StatusCode::NOT_FOUND
        );
        let r = app
            .post(
                &routes::auth_login(),
                None,
                json!({"login": "ana@example.com", "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let t = app.get(&routes::topic(topic), None).await;
        assert_eq!(
            t.body["posts"][1]["author"]["display_name"],
            "a former member"
        );
        assert_eq!(
            t.body["posts"][1]["body_markdown"], "Hello, I am Ana from Bremen.",
            "kept unless removal was asked"
        );
        assert!(!t.text.contains("\"ana\""), "{}", t.text);
        assert_eq!(
            app.get(&routes::group("club"), None).await.body["member_count"],
            2
        );
        // The name is free again.
        let new_ana = app.register("ana").await;

        let r = app
            .post(
                &routes::member_erase("ben"),
                Some(&new_ana),
                json!({"remove_posts": true}),
            )
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "admins_only"));
        let r = app
            .post(
                &routes::member_erase("ben"),
                Some(&admin),
                json!({"remove_posts": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        let t = app
            .get(&routes::topic(topic), Some(&admin))
            .await;
        assert_eq!(t.body["posts"][2]["deleted"], true);
        assert_eq!(
            t.body["posts"][2]["body_markdown"], "",
            "removed on request, even for moderators"
        );
        assert_eq!(t.body["reply_count"], 1);
        assert_eq!(
            app.get("/api/v1/search?q=quarantotto", Some(&admin))
                .await
                .body["results"]
                .as_array()
                .map(Vec::len),
            Some(0)
        );
        let log = app.get("/api/v1/audit?q=erase", Some(&admin)).await;
        assert_eq!(log.body["entries"][0]["detail"], "posts removed");
    })
    .await;
}

#[tokio::test]
async fn the_archive_holds_each_kinds_own_records_and_erasure_settles_them() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        let ben = app.register("ben").await;
        app.create_group(&admin, "club", "public").await;
        app.join(&ana, "club").await;
        app.join(&ben, "club").await;
        let topic = |token: String, title: &'static str, kind: &'static str| {
            let app = &app;
            async move {
                let r = app
                    .post(
                        &routes::group_topics("club"),
                        Some(&token),
                        json!({"title": title, "body": "Details follow.", "kind": kind}),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
                r.body["id"].as_i64().unwrap_or_default()
            }
        };
        let idea = topic(ben.clone(), "Route sharing", "idea").await;
        let question = topic(ana.clone(), "Which chain oil?", "question").await;
        let answer = app
            .post(
                &routes::topic_posts(question),
                Some(&ben),
                json!({"body": "A dry wax in summer."}),
            )
            .await
            .body["id"]
            .as_i64()
            .unwrap_or_default();
        let r = app
            .post(&routes::post_accept(answer), Some(&ana), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        for token in [&ana, &ben] {
            let r = app
                .post(&routes::topic_vote(idea), Some(token), json!({}))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        }
        let r = app
            .call(
                axum::http::Method::PUT,
                &routes::topic_status(idea),
                Some(&admin),
                Some(json!({"status": "planned", "note": "Next spring."})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);

        let a = app.get(&routes::me_export(), Some(&ana)).await.body;
        let accepted = &a["kinds"]["question"]["accepted"];
        assert_eq!(accepted[0]["post_id"].as_i64(), Some(answer), "{a}");
        assert_eq!(accepted[0]["best"], true);
        assert_eq!(
            a["kinds"]["idea"]["votes"][0]["idea_id"].as_i64(),
            Some(idea)
        );
        assert_eq!(
            a["kinds"]["idea"]["votes"][0]["idea_title"],
            "Route sharing"
        );
        assert!(
            a["kinds"]["idea"]["status_changes"]
                .as_array()
                .is_some_and(Vec::is_empty),
            "nobody else's acts"
        );
        let staff = app.get(&routes::me_export(), Some(&admin)).await.body;
        assert_eq!(
            staff["kinds"]["idea"]["status_changes"][0]["note"],
            "Next spring."
        );
        assert_eq!(
            staff["kinds"]["idea"]["status_changes"][0]["to_status"],
            "planned"
        );

        // Kept, anonymised, when the posts stay: the idea keeps its count.
        let r = app
            .call(
                axum::http::Method::DELETE,
                &routes::me(),
                Some(&ben),
                Some(json!({"password": PASSWORD})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        assert_eq!(votes(&app, idea).await, Some(2));
        // Removed with the contributions, and the idea counted again; the acceptance stays.
        let r = app
            .call(
                axum::http::Method::DELETE,
                &routes::me(),
                Some(&ana),
                Some(json!({"password": PASSWORD, "remove_posts": true})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        assert_eq!(votes(&app, idea).await, Some(1));
        assert_eq!(
            app.db()
                .count_where(
                    "idea_votes",
                    "member_id NOT IN (SELECT id FROM members WHERE username LIKE 'former-%')"
                )
                .await,
            0
        );
        assert_eq!(
            app.db().count_rows("idea_votes").await,
            1,
            "ben's vote, kept anonymised"
        );
        assert_eq!(app.db().count_rows("accepted_answers").await, 1);
    })
    .await;
}

async fn votes(app: &crate::support::TestApp, idea: i64) -> Option<i64> {
    app.get(&routes::topic_idea(idea), None).await.body["votes"].as_i64()
}
