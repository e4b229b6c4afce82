//! Topics and replies: markdown, edit history, soft delete and restore, pin and lock, paging.

use axum::http::StatusCode;
use serde_json::json;

use crate::routes;
use crate::support::{TestApp, each_backend};

/// An admin, a group "club" (public), and a member "ana" in it.
async fn club(app: &TestApp) -> (String, String) {
    let admin = app.register("admin").await;
    let ana = app.register("ana").await;
    app.create_group(&admin, "club", "public").await;
    app.join(&ana, "club").await;
    (admin, ana)
}

#[tokio::test]
async fn a_member_opens_a_topic_and_others_reply_with_sanitised_markdown() {
    each_backend(|app| async move {
        let (admin, ana) = club(&app).await;
        let r = app
            .post(
                &routes::group_topics("club"),
                Some(&ana),
                json!({"title": "  Battery range in winter?  ", "body": "It drops **a lot**. <script>alert(1)</script> [x](javascript:alert(1)) https://example.com", "tags": ["Battery", "winter"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        assert_eq!(r.body["title"], "Battery range in winter?");
        assert_eq!(r.body["url"], format!("/t/{}/battery-range-in-winter", r.body["id"]));
        assert_eq!(r.body["tags"], json!(["battery", "winter"]));
        let html = r.body["posts"][0]["body_html"].as_str().unwrap_or("");
        assert!(html.contains("<strong>a lot</strong>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.to_lowercase().contains("href=\"javascript"), "{html}");
        assert!(html.contains("rel=\"nofollow ugc noopener\""), "{html}");
        let topic = r.body["id"].as_i64().unwrap_or_default();

        let reply = app.post(&routes::topic_posts(topic), Some(&admin), json!({"body": "Cold cells hold less charge."})).await;
        assert_eq!((reply.status, reply.body["number"].as_i64()), (StatusCode::CREATED, Some(2)));

        let t = app.get(&routes::topic(topic), None).await;
        assert_eq!(t.body["reply_count"], 1);
        assert_eq!(t.body["posts"].as_array().map(Vec::len), Some(2));
        assert_eq!(t.body["can_reply"], false, "a guest cannot reply");
        let g = app.get(&routes::group("club"), None).await;
        assert_eq!(g.body["topic_count"], 1);
    })
    .await;
}

#[tokio::test]
async fn posting_needs_membership_and_a_locked_topic_takes_no_replies_except_from_moderators() {
    each_backend(|app| async move {
        let (admin, ana) = club(&app).await;
        let ben = app.register("ben").await;
        let (topic, _) = app
            .create_topic(&ana, "club", "Where to ride", "Suggestions?")
            .await;

        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(&ben),
                json!({"body": "Hi"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "join_required")
        );
        let r = app
            .post(
                &routes::group_topics("club"),
                Some(&ben),
                json!({"title": "Hello all", "body": "Hi"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "join_required")
        );

        let r = app
            .patch(&routes::topic(topic), Some(&ana), json!({"locked": true}))
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "moderators_only")
        );
        let r = app
            .patch(
                &routes::topic(topic),
                Some(&admin),
                json!({"locked": true, "pinned": true}),
            )
            .await;
        assert_eq!(
            (
                r.status,
                r.body["locked"].as_bool(),
                r.body["pinned"].as_bool()
            ),
            (StatusCode::OK, Some(true), Some(true))
        );

        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(&ana),
                json!({"body": "One more"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "topic_locked")
        );
        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(&admin),
                json!({"body": "Closing note from the moderators."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        assert_eq!(app.db().count_rows("posts").await, 2);

        let list = app.get(&routes::group_topics("club"), None).await;
        assert_eq!(list.body["pinned"][0]["id"], topic, "{}", list.text);
        assert_eq!(
            list.body["topics"].as_array().map(Vec::len),
            Some(0),
            "a pinned topic is listed once"
        );
    })
    .await;
}

#[tokio::test]
async fn edits_keep_their_history_and_only_authors_and_moderators_edit() {
    each_backend(|app| async move {
        let (admin, ana) = club(&app).await;
        let ben = app.register("ben").await;
        app.join(&ben, "club").await;
        let (topic, post) = app
            .create_topic(&ana, "club", "First title", "First body")
            .await;

        let r = app
            .patch(
                &routes::post(post),
                Some(&ben),
                json!({"body": "Vandalised"}),
            )
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "author_only"));

        let r = app
            .patch(
                &routes::post(post),
                Some(&ana),
                json!({"body": "Second body", "title": "Second title", "tags": ["routes"]}),
            )
            .await;
        assert_eq!(
            (r.status, r.body["revision_count"].as_i64()),
            (StatusCode::OK, Some(1)),
            "{}",
            r.text
        );
        let r = app
            .patch(
                &routes::post(post),
                Some(&admin),
                json!({"body": "Third body"}),
            )
            .await;
        assert_eq!(r.body["revision_count"], 2);

        // The admin's edit of ana's post redacts what it replaced, and what came before, for
        // everyone but moderators (see redaction.rs).
        let bodies = |revs: &crate::support::Reply| -> Vec<Option<String>> {
            revs.body
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|r| r["body_markdown"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let revs = app.get(&routes::post_revisions(post), None).await;
        assert_eq!(bodies(&revs), vec![None, None], "{}", revs.text);
        assert_eq!(revs.body[1]["redacted"], true);
        let revs = app.get(&routes::post_revisions(post), Some(&admin)).await;
        assert_eq!(
            bodies(&revs),
            vec![
                Some("First body".to_owned()),
                Some("Second body".to_owned())
            ]
        );
        assert_eq!(revs.body[0]["title"], "First title");
        assert_eq!(revs.body[1]["replaced_by"]["username"], "admin");

        let t = app.get(&routes::topic(topic), None).await;
        assert_eq!(
            (t.body["title"].as_str(), t.body["slug"].as_str()),
            (Some("Second title"), Some("second-title"))
        );
        assert_eq!(t.body["tags"], json!(["routes"]));
        assert_eq!(t.body["posts"][0]["body_markdown"], "Third body");
        assert!(t.body["posts"][0]["edited_at"].is_string());

        let reply = app
            .post(
                &routes::topic_posts(topic),
                Some(&ben),
                json!({"body": "A reply"}),
            )
            .await;
        let reply_id = reply.body["id"].as_i64().unwrap_or_default();
        let r = app
            .patch(
                &routes::post(reply_id),
                Some(&ben),
                json!({"title": "Hijack"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "not_an_opening_post")
        );
    })
    .await;
}

#[tokio::test]
async fn deleted_posts_leave_a_placeholder_and_moderators_restore_them() {
    each_backend(|app| async move {
        let (admin, ana) = club(&app).await;
        let (topic, _) = app
            .create_topic(&ana, "club", "Tyre pressure", "What do you run?")
            .await;
        let reply = app
            .post(
                &routes::topic_posts(topic),
                Some(&ana),
                json!({"body": "Regret this reply"}),
            )
            .await;
        let reply_id = reply.body["id"].as_i64().unwrap_or_default();

        let r = app.delete(&routes::post(reply_id), Some(&ana)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let t = app.get(&routes::topic(topic), None).await;
        assert_eq!(t.body["reply_count"], 0);
        assert_eq!(t.body["posts"][1]["deleted"], true);
        assert_eq!(
            t.body["posts"][1]["body_markdown"], "",
            "a guest sees a placeholder"
        );
        assert_eq!(
            app.get(&routes::post(reply_id), None).await.status,
            StatusCode::NOT_FOUND
        );
        let t = app.get(&routes::topic(topic), Some(&admin)).await;
        assert_eq!(
            t.body["posts"][1]["body_markdown"], "Regret this reply",
            "moderators see it whole"
        );

        let r = app
            .post(&routes::post_restore(reply_id), Some(&ana), json!({}))
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "a deleted post exists only for moderators"
        );
        let r = app
            .post(&routes::post_restore(reply_id), Some(&admin), json!({}))
            .await;
        assert_eq!(
            (r.status, r.body["deleted"].as_bool()),
            (StatusCode::OK, Some(false))
        );
        assert_eq!(
            app.get(&routes::topic(topic), None).await.body["reply_count"],
            1
        );

        // Deleting the opening post deletes the topic; a moderator can bring it back.
        let first = app.get(&routes::topic(topic), None).await.body["posts"][0]["id"]
            .as_i64()
            .unwrap_or_default();
        assert_eq!(
            app.delete(&routes::post(first), Some(&ana)).await.status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            app.get(&routes::topic(topic), None).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get(&routes::group("club"), None).await.body["topic_count"],
            0
        );
        let listed = app.get(&routes::group_topics("club"), Some(&admin)).await;
        assert_eq!(
            listed.body["topics"][0]["deleted"], true,
            "moderators still see it listed"
        );
        assert_eq!(
            app.post(&routes::post_restore(first), Some(&admin), json!({}))
                .await
                .status,
            StatusCode::OK
        );
        assert_eq!(
            app.get(&routes::topic(topic), None).await.status,
            StatusCode::OK
        );
    })
    .await;
}

#[tokio::test]
async fn topic_lists_page_by_cursor_in_both_orders_without_gaps_or_repeats() {
    each_backend(|app| async move {
        let (_, ana) = club(&app).await;
        let mut ids = Vec::new();
        for i in 0..12 {
            let (id, _) = app
                .create_topic(&ana, "club", &format!("Topic number {i}"), "Body")
                .await;
            for _ in 0..(i % 4) {
                app.post(
                    &routes::topic_posts(id),
                    Some(&ana),
                    json!({"body": "reply"}),
                )
                .await;
            }
            ids.push(id);
        }
        for sort in ["latest", "replies"] {
            let mut seen = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let path = match &cursor {
                    Some(c) => format!("/api/v1/groups/club/topics?sort={sort}&limit=5&cursor={c}"),
                    None => format!("/api/v1/groups/club/topics?sort={sort}&limit=5"),
                };
                let r = app.get(&path, None).await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.text);
                let page: Vec<(i64, i64)> = r.body["topics"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|t| {
                                (
                                    t["id"].as_i64().unwrap_or(0),
                                    t["reply_count"].as_i64().unwrap_or(0),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                assert!(page.len() <= 5);
                seen.extend(page);
                cursor = r.body["next_cursor"].as_str().map(str::to_owned);
                if cursor.is_none() {
                    break;
                }
            }
            let mut sorted_ids: Vec<i64> = seen.iter().map(|(id, _)| *id).collect();
            sorted_ids.sort_unstable();
            let mut all = ids.clone();
            all.sort_unstable();
            assert_eq!(sorted_ids, all, "{sort}: every topic exactly once");
            if sort == "latest" {
                let order: Vec<i64> = seen.iter().map(|(id, _)| *id).collect();
                let mut newest_first = ids.clone();
                newest_first.reverse();
                assert_eq!(order, newest_first);
            } else {
                assert!(
                    seen.windows(2).all(|w| w[0].1 >= w[1].1),
                    "{sort}: {seen:?}"
                );
            }
        }
    })
    .await;
}

#[tokio::test]
async fn a_long_topic_pages_its_posts_by_number() {
    each_backend(|app| async move {
        let (_, ana) = club(&app).await;
        let (topic, _) = app
            .create_topic(&ana, "club", "Long thread", "Post one")
            .await;
        for i in 2..=7 {
            app.post(
                &routes::topic_posts(topic),
                Some(&ana),
                json!({"body": format!("Post {i}")}),
            )
            .await;
        }
        let p1 = app
            .get(&format!("/api/v1/topics/{topic}?limit=3"), None)
            .await;
        assert_eq!(p1.body["next_from"], 4);
        let p2 = app
            .get(&format!("/api/v1/topics/{topic}?limit=3&from=4"), None)
            .await;
        let numbers: Vec<i64> = p2.body["posts"]
            .as_array()
            .map(|a| a.iter().filter_map(|p| p["number"].as_i64()).collect())
            .unwrap_or_default();
        assert_eq!(numbers, vec![4, 5, 6]);
        let p3 = app
            .get(&format!("/api/v1/topics/{topic}?limit=3&from=7"), None)
            .await;
        assert_eq!(p3.body["next_from"], serde_json::Value::Null);
    })
    .await;
}

#[tokio::test]
async fn posting_faster_than_a_person_writes_is_slowed_down() {
    let config = agora_core::AgoraConfig {
        posts_per_minute: 3,
        ..Default::default()
    };
    crate::support::each_backend_with(config, |app| async move {
        let (_, ana) = club(&app).await;
        let (topic, _) = app.create_topic(&ana, "club", "Rapid fire", "One").await;
        for i in 0..2 {
            let r = app
                .post(
                    &routes::topic_posts(topic),
                    Some(&ana),
                    json!({"body": format!("Reply {i}")}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED);
        }
        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(&ana),
                json!({"body": "One too many"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
        );
        assert!(r.headers.contains_key("retry-after"));
        assert_eq!(
            app.db().count_rows("posts").await,
            3,
            "the refused reply was not written"
        );
    })
    .await;
}

#[tokio::test]
async fn many_accounts_posting_from_one_address_are_slowed_down_too() {
    let config = agora_core::AgoraConfig {
        posts_per_minute: 1,
        ..Default::default()
    };
    crate::support::each_backend_with(config, |app| async move {
        let (admin, _) = club(&app).await;
        let (topic, _) = app.create_topic(&admin, "club", "Busy thread", "Go").await;
        // Every request in this test comes from the same address; six posts a minute from
        // one address are allowed when a member may post one.
        let mut refused = None;
        for n in 0..7 {
            let member = app.register(&format!("member{n}")).await;
            app.join(&member, "club").await;
            let r = app
                .post(
                    &routes::topic_posts(topic),
                    Some(&member),
                    json!({"body": format!("Hello from member {n}")}),
                )
                .await;
            if r.status == StatusCode::TOO_MANY_REQUESTS {
                refused = Some(n);
                break;
            }
            assert_eq!(r.status, StatusCode::CREATED, "{n}: {}", r.text);
        }
        assert_eq!(
            refused,
            Some(5),
            "the opening post and five replies fill the address's minute"
        );
    })
    .await;
}
