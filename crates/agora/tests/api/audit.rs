//! The audit log records every moderator and admin action and cannot be edited.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::routes;
use crate::support::{each_backend, pg_connection, sqlite_connection};

#[tokio::test]
async fn moderator_and_admin_actions_are_logged_searchable_and_never_editable() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        let ben = app.register("ben").await;
        app.create_group(&admin, "beta", "closed").await;
        app.join(&ana, "beta").await;
        app.join(&ben, "beta").await;
        app.post(
            &routes::group_request_approve("beta", "ana"),
            Some(&admin),
            json!({}),
        )
        .await;
        app.post(
            &routes::group_request_reject("beta", "ben"),
            Some(&admin),
            json!({}),
        )
        .await;
        let (topic, _) = app
            .create_topic(&ana, "beta", "Firmware 4.3 notes", "Body")
            .await;
        app.patch(&routes::topic(topic), Some(&admin), json!({"locked": true}))
            .await;
        app.call(
            axum::http::Method::PUT,
            &routes::member_role("ana"),
            Some(&admin),
            Some(json!({"role": "moderator"})),
        )
        .await;
        app.patch(&routes::site(), Some(&admin), json!({"name": "Riders"}))
            .await;

        let r = app.get(&routes::audit(), Some(&ana)).await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "site moderators read the log: {}",
            r.text
        );
        let actions: Vec<&str> = r.body["entries"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["action"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(
            actions,
            vec![
                "site.settings",
                "member.site_role",
                "topic.lock",
                "request.reject",
                "request.approve"
            ]
        );
        assert_eq!(r.body["entries"][0]["actor"], "admin");
        assert_eq!(r.body["entries"][1]["detail"], "moderator");

        // A search far longer than anything logged is refused, not a 500 (SQLite's pattern
        // limit), on the page and in the API.
        let long = "b".repeat(32_001);
        let r = app
            .get(&format!("/api/v1/audit?q={long}"), Some(&admin))
            .await;
        assert_eq!(
            (r.status, r.body["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("q")),
            "{}",
            r.text
        );
        let page = app
            .page(&format!("/admin/audit?q={long}"), Some(&admin))
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);

        let r = app.get("/api/v1/audit?q=BEN", Some(&admin)).await;
        assert_eq!(
            r.body["entries"].as_array().map(Vec::len),
            Some(1),
            "{}",
            r.text
        );
        assert_eq!(
            app.get(&routes::audit(), Some(&ben)).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.get(&routes::audit(), None).await.status,
            StatusCode::UNAUTHORIZED
        );
        // Everything done to one item, by its reference.
        let all = app.get(&routes::audit(), Some(&admin)).await;
        assert_eq!(
            all.body["entries"][0]["reference"],
            Value::Null,
            "the site has no number"
        );
        let ana_id = all.body["entries"][1]["reference"].as_str().unwrap_or("");
        assert!(ana_id.starts_with("member:"), "{}", all.text);
        let about_ana = app
            .get(&format!("/api/v1/audit?target={ana_id}"), Some(&admin))
            .await;
        let actions: Vec<&str> = about_ana.body["entries"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["action"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(
            actions,
            vec!["member.site_role", "request.approve"],
            "{}",
            about_ana.text
        );
        assert_eq!(
            app.get(&format!("/api/v1/audit?target=topic:{topic}"), Some(&admin))
                .await
                .body["entries"][0]["action"],
            "topic.lock"
        );
        for bad in ["topic", "topic:x", "planet:3", "post:-1"] {
            let r = app
                .get(&format!("/api/v1/audit?target={bad}"), Some(&admin))
                .await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_target"),
                "{bad}"
            );
        }
        let page = app
            .page(&format!("/admin/audit?target={ana_id}"), Some(&admin))
            .await;
        assert!(
            page.text.contains("member.site_role") && !page.text.contains("topic.lock"),
            "{}",
            page.text
        );
        assert!(
            page.text
                .contains(&format!("href=\"/admin/audit?target={ana_id}\""))
        );
        let page = app.page("/admin/audit?q=lock", Some(&admin)).await;
        assert!(
            page.text.contains("topic.lock") && !page.text.contains("request.reject"),
            "{}",
            page.text
        );

        // A site moderator is not told what happened in a secret group they are not in.
        app.create_group(&admin, "hush", "secret").await;
        let (secret_topic, _) = app
            .create_topic(&admin, "hush", "Zephyr launch date", "Quiet")
            .await;
        app.patch(
            &routes::topic(secret_topic),
            Some(&admin),
            json!({"pinned": true}),
        )
        .await;
        let seen = app.get("/api/v1/audit?limit=100", Some(&ana)).await;
        assert!(!seen.text.contains("Zephyr"), "{}", seen.text);
        let all = app.get("/api/v1/audit?limit=100", Some(&admin)).await;
        assert!(all.text.contains("Zephyr"), "admins see everything");
        // Asked by its reference, the secret topic's history is as empty as a topic that
        // never existed; the admin's is not.
        for (path, who) in [
            (format!("/api/v1/audit?target=topic:{secret_topic}"), &ana),
            (
                format!("/api/v1/audit?target=topic:{}", secret_topic + 1000),
                &ana,
            ),
        ] {
            let r = app.get(&path, Some(who)).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            assert_eq!(r.body["entries"], serde_json::json!([]), "{path}");
        }
        let page = app
            .page(
                &format!("/admin/audit?target=topic:{secret_topic}"),
                Some(&ana),
            )
            .await;
        assert!(!page.text.contains("Zephyr"), "{}", page.text);
        let r = app
            .get(
                &format!("/api/v1/audit?target=topic:{secret_topic}"),
                Some(&admin),
            )
            .await;
        assert_eq!(r.body["entries"][0]["action"], "topic.pin");

        // Not even a direct write to the database can change the log.
        let update = "UPDATE audit_log SET detail = 'tampered'";
        let delete = "DELETE FROM audit_log";
        if app.backend == "sqlite" {
            let mut c = sqlite_connection(&app.database_url).await;
            assert!(sqlx::query(update).execute(&mut c).await.is_err());
            assert!(sqlx::query(delete).execute(&mut c).await.is_err());
        } else {
            let mut c = pg_connection(&app.database_url).await;
            assert!(sqlx::query(update).execute(&mut c).await.is_err());
            assert!(sqlx::query(delete).execute(&mut c).await.is_err());
        }
        assert_eq!(app.db().count_rows("audit_log").await, 6);
    })
    .await;
}

/// An action and its audit entry are one transaction: when the entry cannot be written, the
/// action is not taken either (and so a crash between the two cannot separate them).
#[tokio::test]
async fn an_action_whose_audit_entry_fails_is_not_taken() {
    each_backend(|app| async move {
        use agora_core::audit::NewAuditEntry;
        use agora_core::forum::TopicFlags;
        let admin = app.register("admin").await;
        app.create_group(&admin, "beta", "public").await;
        let (topic, _) = app.create_topic(&admin, "beta", "Pin me", "Body").await;
        // An entry naming an actor who does not exist: the foreign key refuses it.
        let broken = NewAuditEntry {
            at: agora_core::time::Timestamp::now(),
            actor: Some(agora_core::MemberId(987_654)),
            actor_name: "nobody".into(),
            action: "topic.pin",
            target: agora_core::audit::Target::topic(agora_core::TopicId(topic), "Pin me"),
            group: None,
            detail: String::new(),
        };
        let pinned = TopicFlags {
            pinned: Some(true),
            locked: None,
        };
        let store = &app.app.store;
        use agora_core::store::ForumStore as _;
        let r = store
            .set_topic_flags(agora_core::TopicId(topic), pinned, broken.at, &[broken])
            .await;
        assert!(r.is_err(), "the broken entry was written");
        let t = app.get(&routes::topic(topic), Some(&admin)).await;
        assert_eq!(
            t.body["pinned"], false,
            "the topic was pinned without its record"
        );
        // Through the API, the pin and its entry land together.
        let r = app
            .patch(&routes::topic(topic), Some(&admin), json!({"pinned": true}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let log = app.get("/api/v1/audit?q=topic.pin", Some(&admin)).await;
        assert_eq!(
            log.body["entries"].as_array().map(Vec::len),
            Some(1),
            "{}",
            log.text
        );
    })
    .await;
}
