//! Actions on members: warnings, silences, suspensions and bans, and appeals.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::routes;
use crate::support::{TestApp, each_backend};

async fn setup(app: &TestApp) -> (String, String, String, i64) {
    let admin = app.register("admin").await;
    let moderator = app.register("mod").await;
    app.call(
        Method::PUT,
        &routes::member_role("mod"),
        Some(&admin),
        Some(json!({"role": "moderator"})),
    )
    .await;
    let ana = app.register("ana").await;
    app.create_group(&admin, "club", "public").await;
    app.create_group(&admin, "other", "public").await;
    app.join(&ana, "club").await;
    let (topic, _) = app
        .create_topic(&ana, "club", "Before anything happened", "Hello")
        .await;
    (admin, moderator, ana, topic)
}

#[tokio::test]
async fn a_suspended_member_can_do_nothing_but_read_and_appeal() {
    each_backend(|app| async move {
        let (admin, moderator, ana, topic) = setup(&app).await;
        let r = app
            .post(&routes::member_sanctions("ana"), Some(&moderator), json!({"kind": "suspension", "reason": "Personal attacks in the Rides thread.", "days": 7}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let sanction = r.body["id"].as_i64().unwrap_or_default();
        assert_eq!(r.body["active"], true);

        // Reading works.
        for path in [&routes::groups(), &routes::group_topics("club"), &routes::topic(topic), &routes::me()] {
            assert_eq!(app.get(path, Some(&ana)).await.status, StatusCode::OK, "{path}");
        }
        // Nothing else does.
        let writes = [
            (Method::POST, routes::group_topics("club"), json!({"title": "Still here", "body": "Hi"})),
            (Method::POST, routes::topic_posts(topic), json!({"body": "Hi"})),
            (Method::POST, routes::group_join("other"), json!({})),
            (Method::POST, routes::group_leave("club"), json!({})),
            (Method::PATCH, routes::me(), json!({"bio": "new bio"})),
        ];
        for (method, path, body) in writes {
            let r = app.call(method.clone(), &path, Some(&ana), Some(body)).await;
            assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "suspended"), "{method} {path}: {}", r.text);
        }
        let first = app.get(&routes::topic(topic), Some(&ana)).await.body["posts"][0]["id"].as_i64().unwrap_or_default();
        let r = app.patch(&routes::post(first), Some(&ana), json!({"body": "edited"})).await;
        assert_eq!(r.code(), "suspended");
        let r = app.delete(&routes::post(first), Some(&ana)).await;
        assert_eq!(r.code(), "suspended");
        assert_eq!(app.db().count_rows("posts").await, 1);

        // She sees why, and appeals.
        let mine = app.get(&routes::me_sanctions(), Some(&ana)).await;
        assert_eq!(mine.body[0]["reason"], "Personal attacks in the Rides thread.");
        assert!(mine.body[0]["ends_at"].is_string());
        let r = app.post(&routes::me_sanction_appeal(sanction), Some(&ana), json!({"message": "I apologised in the thread."})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let page = app.page("/", Some(&ana)).await;
        assert!(page.text.contains("/sanctions"), "a banner points to her sanctions");

        let appeals = app.get(&routes::appeals(), Some(&moderator)).await;
        assert_eq!(appeals.body[0]["message"], "I apologised in the thread.");
        assert_eq!(app.get(&routes::appeals(), Some(&ana)).await.status, StatusCode::FORBIDDEN);

        let r = app.post(&routes::sanction_lift(sanction), Some(&moderator), json!({})).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let r = app.post(&routes::topic_posts(topic), Some(&ana), json!({"body": "Thank you."})).await;
        assert_eq!(r.status, StatusCode::CREATED);

        let log = app.get("/api/v1/audit?q=ana", Some(&admin)).await;
        let actions: Vec<&str> = log.body["entries"].as_array().map(|a| a.iter().filter_map(|e| e["action"].as_str()).collect()).unwrap_or_default();
        assert!(actions.contains(&"member.suspend"), "{actions:?}");
    })
    .await;
}

#[tokio::test]
async fn a_silenced_member_reads_and_joins_but_does_not_post_and_a_warning_restricts_nothing() {
    each_backend(|app| async move {
        let (admin, moderator, ana, topic) = setup(&app).await;
        let r = app
            .post(
                &routes::member_sanctions("ana"),
                Some(&moderator),
                json!({"kind": "warning", "reason": "Stay on topic, please."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(&ana),
                json!({"body": "On topic now."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "a warning restricts nothing");

        let r = app
            .post(
                &routes::member_sanctions("ana"),
                Some(&moderator),
                json!({"kind": "silence", "reason": "Flooding.", "days": 1}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(&ana),
                json!({"body": "More."}),
            )
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "silenced"));
        assert_eq!(
            app.join(&ana, "other").await.status,
            StatusCode::OK,
            "joining is not posting"
        );

        let r = app
            .post(
                &routes::member_sanctions("ana"),
                Some(&moderator),
                json!({"kind": "silence", "reason": "x"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "out_of_range"),
            "a silence needs a length"
        );
        let r = app
            .post(
                &routes::member_sanctions("admin"),
                Some(&moderator),
                json!({"kind": "ban", "reason": "x"}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "moderators do not sanction admins"
        );
        let r = app
            .post(
                &routes::member_sanctions("mod"),
                Some(&ana),
                json!({"kind": "ban", "reason": "x"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "moderators_only")
        );
        let _ = admin;
    })
    .await;
}

#[tokio::test]
async fn agreeing_flags_hide_a_post_until_a_moderator_resolves_them_with_a_reason() {
    let config = agora_core::AgoraConfig {
        flags_to_hide: 2,
        ..Default::default()
    };
    crate::support::each_backend_with(config, |app| async move {
        let (admin, moderator, ana, topic) = setup(&app).await;
        let ben = app.register("ben").await;
        let cat = app.register("cat").await;
        let spam = app
            .post(
                &routes::topic_posts(topic),
                Some(&ana),
                json!({"body": "Cheap pills at pills.example"}),
            )
            .await;
        let spam = spam.body["id"].as_i64().unwrap_or_default();

        let r = app
            .post(
                &routes::post_flags(spam),
                Some(&ana),
                json!({"reason": "spam"}),
            )
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "own_post"));
        let r = app
            .post(
                &routes::post_flags(spam),
                Some(&ben),
                json!({"reason": "nonsense"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_choice")
        );
        let r = app
            .post(
                &routes::post_flags(spam),
                Some(&ben),
                json!({"reason": "spam", "note": "Link farm"}),
            )
            .await;
        assert_eq!(
            (r.status, r.body["hidden"].as_bool()),
            (StatusCode::CREATED, Some(false))
        );
        let r = app
            .post(
                &routes::post_flags(spam),
                Some(&ben),
                json!({"reason": "spam"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::CONFLICT, "already_flagged"),
            "one member's second flag does not count twice"
        );
        let r = app
            .post(
                &routes::post_flags(spam),
                Some(&cat),
                json!({"reason": "abuse"}),
            )
            .await;
        assert_eq!(r.body["hidden"], true, "two agreeing members hide it");
        assert_eq!(
            app.get(&routes::post(spam), None).await.status,
            StatusCode::NOT_FOUND
        );

        let queue = app.get(&routes::moderation_queue(), Some(&moderator)).await;
        assert_eq!(queue.body[0]["post_id"], spam, "{}", queue.text);
        assert_eq!(
            (
                queue.body[0]["flags"].as_i64(),
                queue.body[0]["reasons"].as_str()
            ),
            (Some(2), Some("abuse, spam"))
        );
        assert_eq!(
            app.get(&routes::moderation_queue(), Some(&ben))
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        let r = app
            .post(
                &routes::post_flags_resolve(spam),
                Some(&moderator),
                json!({"decision": "dismiss", "reason": ""}),
            )
            .await;
        assert_eq!(r.code(), "required", "a decision needs a reason");
        let r = app
            .post(
                &routes::post_flags_resolve(spam),
                Some(&moderator),
                json!({"decision": "uphold", "reason": "Spam link."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        assert_eq!(
            app.get(&routes::moderation_queue(), Some(&moderator))
                .await
                .body
                .as_array()
                .map(Vec::len),
            Some(0)
        );
        assert_eq!(
            app.get(&routes::post(spam), None).await.status,
            StatusCode::NOT_FOUND,
            "upheld: stays hidden"
        );
        let log = app.get("/api/v1/audit?q=flags", Some(&admin)).await;
        assert_eq!(log.body["entries"][0]["detail"], "Spam link.");
    })
    .await;
}

#[tokio::test]
async fn word_filters_block_hold_for_review_or_replace() {
    each_backend(|app| async move {
        let (admin, moderator, ana, topic) = setup(&app).await;
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"word_filters": "ban viagra"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code(), r.body["error"]["field"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_format",
                Some("word_filters")
            )
        );
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"word_filters": "block viagra\nhold crypto\nreplace darn => d*rn"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert!(
            r.body["word_filters"]
                .as_str()
                .is_some_and(|w| w.contains("hold crypto"))
        );
        assert!(
            app.get(&routes::site(), None).await.body["word_filters"].is_null(),
            "filters are for admins"
        );

        let posts_before = app.db().count_rows("posts").await;
        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(&ana),
                json!({"body": "Cheap VIAGRA here"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code(), r.body["error"]["field"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "blocked_word",
                Some("body")
            )
        );
        assert_eq!(
            app.db().count_rows("posts").await,
            posts_before,
            "nothing written"
        );

        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(&ana),
                json!({"body": "Darn, that ride was long."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        assert_eq!(r.body["body_markdown"], "d*rn, that ride was long.");

        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(&ana),
                json!({"body": "Pay for your bike in crypto?"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::ACCEPTED, "held_for_review")
        );
        let t = app.get(&routes::topic(topic), None).await;
        assert!(!t.text.contains("crypto"), "held posts are not shown");
        let queue = app.get(&routes::moderation_queue(), Some(&moderator)).await;
        assert!(
            queue.text.contains("held by the word filter: crypto"),
            "{}",
            queue.text
        );
        let held = queue.body[0]["post_id"].as_i64().unwrap_or_default();
        let r = app
            .post(
                &routes::post_flags_resolve(held),
                Some(&moderator),
                json!({"decision": "dismiss", "reason": "A fair question."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert!(
            app.get(&routes::topic(topic), None)
                .await
                .text
                .contains("crypto"),
            "approved: shown"
        );
    })
    .await;
}
