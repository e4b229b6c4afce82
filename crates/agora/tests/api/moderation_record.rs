//! Moderation's own record (issue 21, defect 15): one vocabulary for a post's state in every
//! answer (`published`, `held`, `hidden`, `deleted`), the author of a held or hidden post finds
//! it with a note saying why others do not see it, the audit log names the system when flags
//! hide a post, and a held post's 202 says where it was saved.

use axum::http::StatusCode;
use serde_json::json;

use crate::routes;
use crate::support::{TestApp, each_backend};

/// A public group with a topic by the admin; ana (the author), and three members who flag.
async fn scene(app: &TestApp) -> (String, String, Vec<String>, i64) {
    let admin = app.register("admin").await;
    app.create_group(&admin, "club", "public").await;
    let (topic, _) = app
        .create_topic(&admin, "club", "Selling my old bike", "Any offers?")
        .await;
    let ana = app.register("ana").await;
    app.join(&ana, "club").await;
    let mut flaggers = Vec::new();
    for name in ["ben", "cyd", "dan"] {
        let token = app.register(name).await;
        app.join(&token, "club").await;
        flaggers.push(token);
    }
    (admin, ana, flaggers, topic)
}

#[tokio::test]
async fn a_post_hidden_by_flags_says_hidden_everywhere_and_its_author_still_reads_it() {
    each_backend(|app| async move {
        let (admin, ana, flaggers, topic) = scene(&app).await;
        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(&ana),
                json!({"body": "Buy cheap batteries at my shop, *way* below price."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let post = r.body["id"].as_i64().unwrap_or_default();
        for token in &flaggers {
            let r = app
                .post(
                    &routes::post_flags(post),
                    Some(token),
                    json!({"reason": "spam", "note": "An advert."}),
                )
                .await;
            assert!(r.status.is_success(), "{}", r.text);
        }
        // The author reads it, marked hidden; nobody else but moderators does.
        let mine = app.get(&routes::post(post), Some(&ana)).await;
        assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
        assert_eq!(
            (mine.body["state"].as_str(), mine.body["deleted"].as_bool()),
            (Some("hidden"), Some(false)),
            "{}",
            mine.text
        );
        assert_eq!(mine.body["capabilities"]["edit"], false);
        assert!(
            !mine.body["body_markdown"]
                .as_str()
                .unwrap_or_default()
                .is_empty()
        );
        let r = app
            .patch(&routes::post(post), Some(&ana), json!({"body": "Changed."}))
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "awaiting_moderator"),
            "{}",
            r.text
        );
        assert_eq!(
            app.get(&routes::post(post), Some(&flaggers[0]))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get(&routes::post(post), None).await.status,
            StatusCode::NOT_FOUND
        );
        let seen = app.get(&routes::post(post), Some(&admin)).await;
        assert_eq!(seen.body["state"], "hidden", "{}", seen.text);
        // The queue says the same.
        let queue = app.get(&routes::moderation_queue(), Some(&admin)).await;
        let item = &queue.body[0];
        assert_eq!(
            (
                item["post_id"].as_i64(),
                item["state"].as_str(),
                item["held"].as_bool(),
                item["hidden"].as_bool()
            ),
            (Some(post), Some("hidden"), Some(false), Some(true)),
            "{}",
            queue.text
        );
        // The topic page tells its author why, and what happens next; others see nothing of it.
        let page = app
            .page(&format!("/t/{topic}/selling-my-old-bike"), Some(&ana))
            .await;
        assert!(
            page.text.contains("Members flagged your post"),
            "{}",
            page.text
        );
        assert!(page.text.contains("below price"), "the author reads it");
        let other = app
            .page(
                &format!("/t/{topic}/selling-my-old-bike"),
                Some(&flaggers[0]),
            )
            .await;
        assert!(!other.text.contains("below price") && !other.text.contains("Members flagged"));
        // It stays in its author's own count, and leaves everyone else's.
        let count = |token: Option<String>| {
            let app = &app;
            async move {
                app.get(&routes::member("ana"), token.as_deref()).await.body["post_count"].as_i64()
            }
        };
        assert_eq!(count(Some(ana.clone())).await, Some(1));
        assert_eq!(count(Some(flaggers[0].clone())).await, Some(0));
        assert_eq!(count(None).await, Some(0));
        // The system hid it, not the member whose flag tipped the count.
        let log = app
            .get(
                &format!("{}?target=post:{post}", routes::audit()),
                Some(&admin),
            )
            .await;
        let entry = &log.body["entries"][0];
        assert_eq!(
            (entry["action"].as_str(), entry["actor"].as_str()),
            (Some("post.auto_hide"), Some("system")),
            "{}",
            log.text
        );
        let deleted_by = app
            .db()
            .scalar(&format!(
                "SELECT COUNT(*) FROM posts WHERE id = {post} AND deleted_by IS NULL"
            ))
            .await;
        assert_eq!(deleted_by, 1, "no member is recorded as having hidden it");
        // Dismissed: published again, for everyone.
        let r = app
            .post(
                &routes::post_flags_resolve(post),
                Some(&admin),
                json!({"decision": "dismiss", "reason": "A fair offer."}),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);
        let back = app.get(&routes::post(post), None).await;
        assert_eq!(back.body["state"], "published", "{}", back.text);
    })
    .await;
}

#[tokio::test]
async fn a_held_post_answers_202_with_where_it_was_saved_and_its_author_reads_it_there() {
    each_backend(|app| async move {
        let (admin, _, _, topic) = scene(&app).await;
        let nina = app.register_newcomer("nina").await;
        app.join(&nina, "club").await;
        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(&nina),
                json!({"body": "My shop: https://shop.example"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code(), r.body["state"].as_str()),
            (StatusCode::ACCEPTED, "held_for_review", Some("held")),
            "{}",
            r.text
        );
        assert_eq!(r.body["topic_id"].as_i64(), Some(topic), "{}", r.text);
        let post = r.body["post_id"].as_i64().unwrap_or_default();
        let mine = app.get(&routes::post(post), Some(&nina)).await;
        assert_eq!(
            (
                mine.status,
                mine.body["state"].as_str(),
                mine.body["deleted"].as_bool()
            ),
            (StatusCode::OK, Some("held"), Some(false)),
            "{}",
            mine.text
        );
        assert_eq!(
            app.get(&routes::post(post), None).await.status,
            StatusCode::NOT_FOUND
        );
        let queue = app.get(&routes::moderation_queue(), Some(&admin)).await;
        assert_eq!(
            (
                queue.body[0]["state"].as_str(),
                queue.body[0]["held"].as_bool()
            ),
            (Some("held"), Some(true)),
            "{}",
            queue.text
        );

        // A held new topic: its author reads it at the address the 202 gives.
        let r = app
            .post(
                &routes::group_topics("club"),
                Some(&nina),
                json!({"title": "Visit my shop", "body": "Deals at https://shop.example"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
        let held_topic = r.body["topic_id"].as_i64().unwrap_or_default();
        let t = app.get(&routes::topic(held_topic), Some(&nina)).await;
        assert_eq!(
            (t.status, t.body["posts"][0]["state"].as_str()),
            (StatusCode::OK, Some("held")),
            "{}",
            t.text
        );
        assert_eq!(
            app.get(&routes::topic(held_topic), None).await.status,
            StatusCode::NOT_FOUND
        );
    })
    .await;
}

#[tokio::test]
async fn the_openapi_document_lists_what_posting_answers() {
    each_backend(|app| async move {
        let doc = app.get("/api/v1/openapi.json", None).await;
        for (path, method) in [
            ("/api/v1/groups/{slug}/topics", "post"),
            ("/api/v1/topics/{id}/posts", "post"),
        ] {
            let responses = &doc.body["paths"][path][method]["responses"];
            for status in ["202", "429"] {
                assert!(responses[status].is_object(), "{method} {path} lists no {status}: {responses}");
            }
        }
        let kind = doc.body["components"]["schemas"]["CreateTopicRequest"]["properties"]["kind"]["description"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(kind.contains("idea"), "{kind}");
    })
    .await;
}
