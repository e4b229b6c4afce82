//! Trust levels, newcomer limits, the spam check, approval of new members' first posts, and
//! flags on members.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::routes;
use crate::support::{TestApp, csrf_for, each_backend};

/// An admin, a moderator, a group `club` with one topic by the admin; returns (admin,
/// moderator, topic id).
async fn setup(app: &TestApp) -> (String, String, i64) {
    let admin = app.register("admin").await;
    let moderator = app.register("mod").await;
    app.call(
        Method::PUT,
        &routes::member_role("mod"),
        Some(&admin),
        Some(json!({"role": "moderator"})),
    )
    .await;
    app.create_group(&admin, "club", "public").await;
    let (topic, _) = app
        .create_topic(&admin, "club", "Welcome to the club", "Say hello here.")
        .await;
    (admin, moderator, topic)
}

pub(crate) async fn reply(
    app: &TestApp,
    token: &str,
    topic: i64,
    body: &str,
) -> crate::support::Reply {
    app.post(
        &routes::topic_posts(topic),
        Some(token),
        json!({ "body": body }),
    )
    .await
}

async fn trust(app: &TestApp, token: &str) -> Value {
    let r = app.get(&routes::me_trust(), Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

async fn set_knobs(app: &TestApp, admin: &str, knobs: Value) {
    let r = app
        .patch(&routes::site(), Some(admin), json!({ "trust": knobs }))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn a_newcomer_is_limited_until_reading_earns_the_basic_level() {
    each_backend(|app| async move {
        let (admin, _, _) = setup(&app).await;
        // Five topics of six posts each to read; reading time is not counted in a test.
        set_knobs(&app, &admin, json!({"tl1_read_minutes": 0})).await;
        let mut topics = Vec::new();
        for n in 0..5 {
            let (t, _) = app
                .create_topic(&admin, "club", &format!("Ride report number {n}"), "What a ride.")
                .await;
            for k in 0..5 {
                reply(&app, &admin, t, &format!("Reply {k} of topic {n}")).await;
            }
            topics.push(t);
        }
        let nina = app.register_newcomer("nina").await;
        app.join(&nina, "club").await;
        let me = app.get(&routes::me(), Some(&nina)).await;
        assert_eq!(me.body["trust_level"], 0, "{}", me.text);
        let three_links = "I compared the chargers on https://a.example, https://b.example and \
            https://c.example last winter, and the second one kept my battery warmest on long rides.";
        let r = reply(&app, &nina, topics[0], three_links).await;
        assert_eq!((r.status, r.code(), r.body["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "too_many_links", Some("body")), "{}", r.text);
        assert!(r.body["error"]["message"].as_str().unwrap_or("").contains("at most 2 links"), "{}", r.text);

        let report = trust(&app, &nina).await;
        assert_eq!(report["name"], "new");
        let needs: Vec<&str> = report["next"].as_array().into_iter().flatten().filter_map(|n| n["what"].as_str()).collect();
        assert_eq!(needs, ["topics entered", "posts read"], "{report}");

        for t in &topics {
            let r = app.get(&routes::topic(*t), Some(&nina)).await;
            assert_eq!(r.status, StatusCode::OK);
        }
        let report = trust(&app, &nina).await;
        assert_eq!((report["stats"]["topics_entered"].as_i64(), report["stats"]["posts_read"].as_i64()), (Some(5), Some(30)), "{report}");
        assert_eq!(report["level"], 1, "reading earned the basic level: {report}");
        assert_eq!(app.get(&routes::member("nina"), None).await.body["trust_level"], 1);
        let r = reply(&app, &nina, topics[0], three_links).await;
        assert_eq!(r.status, StatusCode::CREATED, "the limit is lifted: {}", r.text);

        // Reading the same page again changes nothing.
        app.get(&format!("/api/v1/topics/{}", topics[1]), Some(&nina)).await;
        assert_eq!(trust(&app, &nina).await["stats"]["topics_entered"], 5);
    })
    .await;
}

#[tokio::test]
async fn newcomers_have_limits_on_images_mentions_and_posts_a_day() {
    each_backend(|app| async move {
        let (admin, _, topic) = setup(&app).await;
        set_knobs(&app, &admin, json!({"new_posts_per_day": 2, "new_max_mentions": 1})).await;
        let nina = app.register_newcomer("nina").await;
        app.join(&nina, "club").await;
        let r = reply(&app, &nina, topic, "![a](https://img.example/a.png) ![b](https://img.example/b.png)").await;
        assert_eq!(r.code(), "too_many_images", "{}", r.text);
        let r = reply(&app, &nina, topic, "Thanks @admin and @mod!").await;
        assert_eq!(r.code(), "too_many_mentions", "{}", r.text);
        let posts_before = app.db().count_rows("posts").await;
        assert_eq!(reply(&app, &nina, topic, "Hello everyone").await.status, StatusCode::CREATED);
        assert_eq!(reply(&app, &nina, topic, "Glad to be here").await.status, StatusCode::CREATED);
        let r = reply(&app, &nina, topic, "One more thing").await;
        assert_eq!((r.status, r.code()), (StatusCode::TOO_MANY_REQUESTS, "newcomer_daily_limit"), "{}", r.text);
        assert!(r.headers.contains_key("retry-after"));
        assert_eq!(app.db().count_rows("posts").await, posts_before + 2, "the refused post was not stored");

        // A member past the newcomer level has none of these limits.
        let basic = app.register("bob").await;
        app.join(&basic, "club").await;
        let r = reply(&app, &basic, topic, "Thanks @admin and @mod! ![a](https://img.example/a.png) ![b](https://img.example/b.png)").await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    })
    .await;
}

#[tokio::test]
async fn the_spam_check_holds_link_farms_repeats_and_links_from_brand_new_accounts() {
    each_backend(|app| async move {
        let (admin, moderator, topic) = setup(&app).await;
        let (other, _) = app
            .create_topic(&admin, "club", "Second topic here", "More.")
            .await;

        // A brand-new account posting a link is held, not refused.
        let nina = app.register_newcomer("nina").await;
        app.join(&nina, "club").await;
        let r = reply(&app, &nina, topic, "My shop: https://shop.example").await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::ACCEPTED, "held_for_review"),
            "{}",
            r.text
        );
        let queue = app.get(&routes::moderation_queue(), Some(&moderator)).await;
        assert_eq!(queue.body[0]["held"], true, "{}", queue.text);
        assert_eq!(queue.body[0]["flags"], 0);
        assert!(
            queue.body[0]["notes"]
                .as_str()
                .unwrap_or("")
                .contains("younger than 24 hours"),
            "{}",
            queue.text
        );
        let held = queue.body[0]["post_id"].as_i64().unwrap_or_default();
        assert_eq!(
            app.get(&routes::post(held), None).await.status,
            StatusCode::NOT_FOUND,
            "hidden until approved"
        );
        let r = app
            .post(
                &routes::post_flags_resolve(held),
                Some(&moderator),
                json!({"decision": "approve", "reason": "A real shop owner."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        assert_eq!(
            app.get(&routes::post(held), None).await.status,
            StatusCode::OK,
            "approved"
        );

        // Mostly links, from a basic member: held.
        let bob = app.register("bob").await;
        app.join(&bob, "club").await;
        let r = reply(
            &app,
            &bob,
            topic,
            "https://a.example https://b.example https://c.example deals",
        )
        .await;
        assert_eq!(r.code(), "held_for_review", "{}", r.text);
        // The same text in two topics: the second is held.
        let text = "Does anyone know a good mechanic for the rear hub in Leipzig?";
        assert_eq!(
            reply(&app, &bob, topic, text).await.status,
            StatusCode::CREATED
        );
        assert_eq!(
            reply(&app, &bob, other, text).await.code(),
            "held_for_review"
        );
        assert_eq!(
            reply(&app, &bob, topic, &format!("{text} Anyone?"))
                .await
                .status,
            StatusCode::CREATED,
            "different text passes"
        );

        // Staff are not held; the admin may switch a check off.
        let r = reply(
            &app,
            &admin,
            topic,
            "https://a.example https://b.example https://c.example",
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED);
        set_knobs(&app, &admin, json!({"spam_link_percent": 0})).await;
        let r = reply(
            &app,
            &bob,
            topic,
            "https://d.example https://e.example https://f.example sale",
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let log = app.get("/api/v1/audit?q=post.held", Some(&admin)).await;
        assert_eq!(
            log.body["entries"].as_array().map(Vec::len),
            Some(3),
            "{}",
            log.text
        );
    })
    .await;
}

#[tokio::test]
async fn new_members_first_posts_wait_for_approval_when_the_admins_ask() {
    each_backend(|app| async move {
        let (admin, moderator, topic) = setup(&app).await;
        set_knobs(&app, &admin, json!({"new_posts_held": 1})).await;
        let nina = app.register_newcomer("nina").await;
        app.join(&nina, "club").await;
        let r = app
            .post(
                &routes::group_topics("club"),
                Some(&nina),
                json!({"title": "Hello from Nina", "body": "First time here."}),
            )
            .await;
        assert_eq!(r.code(), "held_for_review", "{}", r.text);
        let topics = app.get(&routes::group_topics("club"), None).await;
        assert!(
            !topics.text.contains("Hello from Nina"),
            "the held topic is not listed"
        );
        let queue = app.get(&routes::moderation_queue(), Some(&moderator)).await;
        assert!(
            queue.body[0]["notes"]
                .as_str()
                .unwrap_or("")
                .contains("first posts"),
            "{}",
            queue.text
        );
        let held = queue.body[0]["post_id"].as_i64().unwrap_or_default();
        let r = app
            .post(
                &routes::post_flags_resolve(held),
                Some(&moderator),
                json!({"decision": "approve", "reason": "Welcome!"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert!(
            app.get(&routes::group_topics("club"), None)
                .await
                .text
                .contains("Hello from Nina")
        );
        let r = reply(&app, &nina, topic, "Thanks for having me").await;
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "one approved post is enough: {}",
            r.text
        );

        // A rejected post stays hidden and counts as a confirmed flag.
        let pia = app.register_newcomer("pia").await;
        app.join(&pia, "club").await;
        assert_eq!(
            reply(&app, &pia, topic, "Buy followers now").await.code(),
            "held_for_review"
        );
        let queue = app.get(&routes::moderation_queue(), Some(&moderator)).await;
        let held = queue.body[0]["post_id"].as_i64().unwrap_or_default();
        app.post(
            &routes::post_flags_resolve(held),
            Some(&moderator),
            json!({"decision": "reject", "reason": "Spam."}),
        )
        .await;
        assert_eq!(
            app.get(&routes::post(held), None).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(trust(&app, &pia).await["stats"]["confirmed_flags"], 1);
    })
    .await;
}

#[tokio::test]
async fn confirmed_flags_lower_a_members_level_and_only_trusted_flags_hide_posts() {
    let config = agora_core::AgoraConfig {
        flags_to_hide: 2,
        ..Default::default()
    };
    crate::support::each_backend_with(config, |app| async move {
        let (_admin, moderator, topic) = setup(&app).await;
        let ana = app.register("ana").await;
        app.set_trust("ana", 2).await;
        app.join(&ana, "club").await;
        assert_eq!(trust(&app, &ana).await["level"], 2);

        // Two newcomers' flags do not hide a post; two trusted members' flags do.
        let n1 = app.register_newcomer("newone").await;
        let n2 = app.register_newcomer("newtwo").await;
        let t1 = app.register("trusty").await;
        let t2 = app.register("trustier").await;
        let mut posts = Vec::new();
        for body in ["You are all idiots", "Still idiots, all of you"] {
            let r = reply(&app, &ana, topic, body).await;
            posts.push(r.body["id"].as_i64().unwrap_or_default());
        }
        for flagger in [&n1, &n2] {
            let r = app
                .post(
                    &format!("/api/v1/posts/{}/flags", posts[0]),
                    Some(flagger),
                    json!({"reason": "abuse"}),
                )
                .await;
            assert_eq!(
                (r.status, r.body["hidden"].as_bool()),
                (StatusCode::CREATED, Some(false)),
                "{}",
                r.text
            );
        }
        let r = app
            .post(
                &format!("/api/v1/posts/{}/flags", posts[0]),
                Some(&t1),
                json!({"reason": "abuse"}),
            )
            .await;
        assert_eq!(r.body["hidden"], false, "one trusted flag is not enough");
        let r = app
            .post(
                &format!("/api/v1/posts/{}/flags", posts[0]),
                Some(&t2),
                json!({"reason": "abuse"}),
            )
            .await;
        assert_eq!(r.body["hidden"], true, "two trusted flags hide it");

        // Each upheld flag is a confirmed flag; two cost a level.
        for p in &posts {
            app.post(
                &routes::post_flags(*p),
                Some(&t1),
                json!({"reason": "abuse"}),
            )
            .await;
            let r = app
                .post(
                    &routes::post_flags_resolve(*p),
                    Some(&moderator),
                    json!({"decision": "uphold", "reason": "Personal attacks."}),
                )
                .await;
            assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        }
        let report = trust(&app, &ana).await;
        assert_eq!(
            (
                report["level"].as_i64(),
                report["stats"]["confirmed_flags"].as_i64()
            ),
            (Some(1), Some(2)),
            "{report}"
        );
    })
    .await;
}

#[tokio::test]
async fn admins_set_a_level_by_hand_and_it_stays_until_returned_to_activity() {
    each_backend(|app| async move {
        let (admin, moderator, _) = setup(&app).await;
        assert_eq!(
            trust(&app, &moderator).await["name"],
            "leader",
            "staff are leaders"
        );
        app.register_newcomer("nina").await;
        let r = app
            .call(
                Method::PUT,
                &routes::member_trust("nina"),
                Some(&admin),
                Some(json!({"level": 4})),
            )
            .await;
        assert_eq!(
            (
                r.status,
                r.body["level"].as_i64(),
                r.body["locked"].as_bool()
            ),
            (StatusCode::OK, Some(4), Some(true)),
            "{}",
            r.text
        );
        let r = app
            .call(
                Method::PUT,
                &routes::member_trust("nina"),
                Some(&admin),
                Some(json!({"level": 5})),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "out_of_range")
        );
        let r = app
            .call(
                Method::PUT,
                &routes::member_trust("nina"),
                Some(&moderator),
                Some(json!({"level": 0})),
            )
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "admins_only"));
        assert_eq!(
            app.get(&routes::member_trust("nina"), Some(&admin))
                .await
                .body["level"],
            4
        );
        let r = app
            .call(
                Method::PUT,
                &routes::member_trust("nina"),
                Some(&admin),
                Some(json!({"level": null})),
            )
            .await;
        assert_eq!(
            (r.body["level"].as_i64(), r.body["locked"].as_bool()),
            (Some(0), Some(false)),
            "{}",
            r.text
        );
        let log = app.get("/api/v1/audit?q=member.trust", Some(&admin)).await;
        assert_eq!(
            log.body["entries"][1]["detail"], "level 4 (leader)",
            "{}",
            log.text
        );

        // The thresholds are the admins' to tune, with clear errors.
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"trust": {"new_max_links": -1}}),
            )
            .await;
        assert_eq!(
            (r.status, r.code(), r.body["error"]["field"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "out_of_range",
                Some("new_max_links")
            )
        );
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"name": "Renamed", "trust": {"no_such_knob": 1}}),
            )
            .await;
        assert_eq!(r.code(), "invalid_choice");
        assert_ne!(
            app.get(&routes::site(), None).await.body["name"],
            "Renamed",
            "nothing of a refused change is written"
        );
        let site = app.get(&routes::site(), Some(&admin)).await;
        assert_eq!(site.body["trust"]["new_max_links"], 2);
        assert!(
            app.get(&routes::site(), None).await.body["trust"].is_null(),
            "only admins see the thresholds"
        );
    })
    .await;
}

#[tokio::test]
async fn members_flag_a_member_and_moderators_resolve_it_with_a_reason() {
    each_backend(|app| async move {
        let (admin, moderator, _) = setup(&app).await;
        let ana = app.register("ana").await;
        app.register_newcomer("donald").await;
        let r = app
            .post(
                &routes::member_flags("donald"),
                Some(&ana),
                json!({"reason": "fake", "note": "Not a real name"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let r = app
            .post(
                &routes::member_flags("donald"),
                Some(&ana),
                json!({"reason": "fake"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::CONFLICT, "already_flagged"),
            "a second flag adds nothing"
        );
        let r = app
            .post(
                &routes::member_flags("ana"),
                Some(&ana),
                json!({"reason": "spam"}),
            )
            .await;
        assert_eq!(r.code(), "not_yourself");
        let r = app
            .post(
                &routes::member_flags("donald"),
                Some(&ana),
                json!({"reason": "off_topic"}),
            )
            .await;
        assert_eq!(r.code(), "invalid_choice");
        let r = app
            .post(
                &routes::member_flags("nobody"),
                Some(&ana),
                json!({"reason": "spam"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = app
            .post(
                &routes::member_flags("donald"),
                None,
                json!({"reason": "spam"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);

        let queue = app
            .get(&routes::moderation_members(), Some(&moderator))
            .await;
        assert_eq!(
            (
                queue.body[0]["username"].as_str(),
                queue.body[0]["flags"].as_i64(),
                queue.body[0]["reasons"].as_str()
            ),
            (Some("donald"), Some(1), Some("fake")),
            "{}",
            queue.text
        );
        assert_eq!(
            app.get(&routes::moderation_members(), Some(&ana))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let page = app.page("/admin/queue", Some(&moderator)).await;
        assert!(
            page.text.contains("Not a real name"),
            "the queue page shows the member flag"
        );

        let r = app
            .post(
                &routes::member_flags_resolve("donald"),
                Some(&moderator),
                json!({"decision": "uphold", "reason": ""}),
            )
            .await;
        assert_eq!(r.code(), "required");
        let r = app
            .post(
                &routes::member_flags_resolve("donald"),
                Some(&moderator),
                json!({"decision": "uphold", "reason": "Fake account; banned."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(
            app.get(&routes::moderation_members(), Some(&moderator))
                .await
                .body
                .as_array()
                .map(Vec::len),
            Some(0)
        );
        let log = app.get("/api/v1/audit?q=member_flags", Some(&admin)).await;
        assert_eq!(log.body["entries"][0]["detail"], "Fake account; banned.");
    })
    .await;
}

#[tokio::test]
async fn trust_pages_show_the_level_and_let_admins_tune_it() {
    each_backend(|app| async move {
        let (admin, _, _) = setup(&app).await;
        let nina = app.register_newcomer("nina").await;
        let page = app.page("/settings/trust", Some(&nina)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.text.contains("Level 0: new") && page.text.contains("For the next level"),
            "{}",
            page.text
        );
        let profile = app.page("/u/nina", Some(&admin)).await;
        assert!(
            profile.text.contains(">new</span>") && profile.text.contains("/u/nina/flag"),
            "{}",
            profile.text
        );

        let page = app.page("/admin/trust", Some(&admin)).await;
        assert!(page.text.contains("name=\"new_max_links\""));
        assert_eq!(
            app.page("/admin/trust", Some(&nina)).await.status,
            StatusCode::FORBIDDEN
        );
        let csrf = csrf_for(&admin);
        let r = app
            .form(
                "/admin/trust",
                Some(&admin),
                &[("csrf", &csrf), ("new_max_links", "lots")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text.contains("enter a whole number from 0 to 1000"),
            "the error is beside the field"
        );
        let r = app
            .form(
                "/admin/trust",
                Some(&admin),
                &[("csrf", &csrf), ("new_max_links", "5")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        assert_eq!(
            app.get(&routes::site(), Some(&admin)).await.body["trust"]["new_max_links"],
            5
        );

        let r = app
            .form(
                "/admin/members/nina/trust",
                Some(&admin),
                &[("csrf", &csrf), ("level", "3")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(trust(&app, &nina).await["level"], 3);
        let r = app
            .form(
                "/u/admin/flag",
                Some(&nina),
                &[
                    ("csrf", &csrf_for(&nina)),
                    ("reason", "other"),
                    ("note", "testing"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    })
    .await;
}

/// Publishing a post records an `item_published` event in the post's transaction; the
/// worker's `trust` consumer recounts the author's record from it, off the request's path.
#[tokio::test]
async fn a_published_reply_raises_its_authors_level_through_the_worker() {
    each_backend(|app| async move {
        let (admin, moderator, topic) = setup(&app).await;
        // A post held for review is published, and counted, only once a moderator approves it.
        set_knobs(&app, &admin, json!({"new_posts_held": 1})).await;
        let nell = app.register_newcomer("nell").await;
        app.join(&nell, "club").await;
        let held = reply(&app, &nell, topic, "My first words here.").await;
        assert_eq!(held.code(), "held_for_review", "{}", held.text);
        let published = "name = 'item_published'";
        assert_eq!(
            app.db().count_where("outbox", published).await,
            1,
            "the opening post alone"
        );
        let queue = app.get(&routes::moderation_queue(), Some(&moderator)).await;
        let held = queue.body[0]["post_id"].as_i64().unwrap_or_default();
        let r = app
            .post(
                &routes::post_flags_resolve(held),
                Some(&moderator),
                json!({"decision": "approve", "reason": "Welcome."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        assert_eq!(
            app.db()
                .count_where(
                    "outbox",
                    &format!("{published} AND payload LIKE '%\"post\":{held},%'")
                )
                .await,
            1,
            "published on approval"
        );
        set_knobs(
            &app,
            &admin,
            // The member level's own requirements: ana holds basic, whatever basic asks.
            json!({"tl2_days_visited": 0, "tl2_topics_entered": 0, "tl2_posts_read": 0,
                   "tl2_read_minutes": 0, "tl2_topics_replied": 1}),
        )
        .await;
        let ana = app.register("ana").await;
        app.set_trust("ana", 1).await;
        app.join(&ana, "club").await;
        let r = reply(&app, &ana, topic, "Hello from the hills.").await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let post = r.body["id"].as_i64().unwrap_or_default();
        assert_eq!(
            app.db()
                .count_where(
                    "outbox",
                    &format!("name = 'item_published' AND payload LIKE '%\"post\":{post},%'")
                )
                .await,
            1,
            "recorded with the reply"
        );
        assert_eq!(trust(&app, &ana).await["level"], 1, "not yet counted");
        assert!(app.work().await >= 1);
        let t = trust(&app, &ana).await;
        assert_eq!(t["level"], 2, "counted by the worker: {t}");
    })
    .await;
}
