//! The guest cache: guests get public pages from memory, members never do, and a change made
//! through this node reaches guests at once.

use axum::http::StatusCode;
use serde_json::json;

use crate::routes;
use crate::support::{Reply, each_backend};

fn cache_state(r: &Reply) -> Option<&str> {
    r.headers
        .get(agora_web::CACHE_HEADER)
        .and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn guests_share_a_cached_page_and_members_never_see_it() {
    each_backend(|app| async move {
        let app = app.with_guest_cache(60);
        let admin = app.register("admin").await;
        app.create_group(&admin, "open", "public").await;
        let (topic, _) = app
            .create_topic(&admin, "open", "Winter tyres", "Which ones grip on ice?")
            .await;
        let path = format!("/t/{topic}/winter-tyres");

        let first = app.page(&path, None).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.text);
        assert_eq!(cache_state(&first), Some("miss"));
        let second = app.page(&path, None).await;
        assert_eq!(cache_state(&second), Some("hit"));
        assert_eq!(first.text, second.text, "every guest sees the same page");
        assert_eq!(
            first.headers.get("content-type"),
            second.headers.get("content-type")
        );
        assert!(
            second.headers.get("content-security-policy").is_some(),
            "the security headers are added to cached answers too"
        );

        // A member's request neither reads nor fills the cache.
        let member = app.page(&path, Some(&admin)).await;
        assert_eq!(member.status, StatusCode::OK);
        assert_eq!(cache_state(&member), None);
        assert_ne!(member.text, first.text, "the member's page is their own");
        let api = app.get(&routes::topic(topic), Some(&admin)).await;
        assert_eq!(cache_state(&api), None);

        // The API's public reads are cached for guests too, as JSON.
        let a = app.get(&routes::topic(topic), None).await;
        let b = app.get(&routes::topic(topic), None).await;
        assert_eq!(
            (cache_state(&a), cache_state(&b)),
            (Some("miss"), Some("hit"))
        );
        assert_eq!(b.body["title"], "Winter tyres");

        // Pages that are not public reads never are.
        for p in ["/search?q=tyres", "/signin", "/signup"] {
            let r = app.page(p, None).await;
            assert_eq!(cache_state(&r), None, "{p}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_change_through_this_node_reaches_guests_at_once() {
    each_backend(|app| async move {
        let app = app.with_guest_cache(60);
        let admin = app.register("admin").await;
        app.create_group(&admin, "open", "public").await;
        let (topic, _) = app
            .create_topic(&admin, "open", "Chain wax", "Hot wax or drip?")
            .await;
        let path = format!("/t/{topic}/chain-wax");
        assert_eq!(cache_state(&app.page(&path, None).await), Some("miss"));
        assert_eq!(cache_state(&app.page(&path, None).await), Some("hit"));

        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(&admin),
                json!({"body": "Drip wax, every 300 km."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let reply = r.body["id"].as_i64().unwrap_or_default();
        let after = app.page(&path, None).await;
        assert_eq!(cache_state(&after), Some("miss"));
        assert!(after.text.contains("every 300 km"), "{}", after.text);

        // A moderator removes the reply: no guest is shown it again from memory.
        assert_eq!(cache_state(&app.page(&path, None).await), Some("hit"));
        let r = app.delete(&routes::post(reply), Some(&admin)).await;
        assert!(r.status.is_success(), "{}", r.text);
        let gone = app.page(&path, None).await;
        assert!(!gone.text.contains("every 300 km"), "{}", gone.text);

        // An answer that sets a cookie, or is not 200, is not kept.
        let missing = app.page("/t/999999/nothing", None).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert_eq!(
            cache_state(&app.page("/t/999999/nothing", None).await),
            None
        );
    })
    .await;
}

#[tokio::test]
async fn a_page_too_large_to_keep_is_served_whole() {
    each_backend(|app| async move {
        let app = app.with_guest_cache(60);
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        app.create_group(&admin, "open", "public").await;
        app.join(&ana, "open").await;
        let long = |n: usize| {
            (0..2_900)
                .map(|i| format!("w{n}x{i}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let (topic, _) = app
            .create_topic(&admin, "open", "Long reads", &long(0))
            .await;
        for n in 1..13 {
            let who = if n % 2 == 0 { &admin } else { &ana };
            let r = app
                .post(
                    &routes::topic_posts(topic),
                    Some(who),
                    json!({"body": long(n)}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        }
        let path = format!("/api/v1/topics/{topic}?limit=50");
        let first = app.get(&path, None).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.text);
        assert!(
            first.text.len() > 512 * 1024,
            "the answer must be larger than the cache keeps ({} bytes)",
            first.text.len()
        );
        assert_eq!(first.body["posts"].as_array().map(Vec::len), Some(13));
        let second = app.get(&path, None).await;
        assert_eq!(
            (second.status, cache_state(&second)),
            (StatusCode::OK, None)
        );
        assert_eq!(second.text, first.text);
    })
    .await;
}

#[tokio::test]
async fn a_members_secret_pages_never_reach_a_guest() {
    each_backend(|app| async move {
        let app = app.with_guest_cache(60);
        let admin = app.register("admin").await;
        app.create_group(&admin, "hideout", "secret").await;
        let (topic, _) = app
            .create_topic(&admin, "hideout", "Quiet plans", "Only for the hideout.")
            .await;
        let paths = [
            "/g/hideout".to_owned(),
            format!("/t/{topic}/quiet-plans"),
            routes::topic(topic),
            routes::group("hideout"),
        ];
        for p in &paths {
            let member = if p.starts_with("/api/") {
                app.get(p, Some(&admin)).await
            } else {
                app.page(p, Some(&admin)).await
            };
            assert_eq!(member.status, StatusCode::OK, "{p}: {}", member.text);
            for _ in 0..2 {
                let guest = app.page(p, None).await;
                assert_eq!(guest.status, StatusCode::NOT_FOUND, "{p}");
                assert!(!guest.text.contains("Quiet plans"), "{p}");
                assert_eq!(cache_state(&guest), None, "{p}");
            }
        }
        for p in ["/", "/groups", &routes::groups(), "/sitemap.xml"] {
            for _ in 0..2 {
                let guest = app.page(p, None).await;
                assert!(
                    !guest.text.contains("hideout") && !guest.text.contains("Quiet plans"),
                    "{p}: {}",
                    guest.text
                );
            }
        }
    })
    .await;
}

/// A member typing (the live markdown preview posts at every pause) or signing in and out
/// changes nothing a guest sees, so the guests' cache stays; a reply empties it.
#[tokio::test]
async fn previews_and_signing_in_keep_the_guest_cache_and_a_reply_empties_it() {
    each_backend(|app| async move {
        let app = app.with_guest_cache(60);
        let admin = app.register("admin").await;
        app.create_group(&admin, "open", "public").await;
        let (topic, _) = app
            .create_topic(&admin, "open", "Winter tyres", "Which ones grip on ice?")
            .await;
        let path = format!("/t/{topic}/winter-tyres");
        assert_eq!(cache_state(&app.page(&path, None).await), Some("miss"));

        for _ in 0..3 {
            let r = app
                .post(
                    &routes::markdown_preview(),
                    Some(&admin),
                    json!({"body": "Studded ones **grip**"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        }
        let r = app
            .post(
                &routes::auth_login(),
                None,
                json!({"login": "admin", "password": crate::support::PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(cache_state(&app.page(&path, None).await), Some("hit"));

        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(&admin),
                json!({"body": "Studded ones grip best."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let after = app.page(&path, None).await;
        assert_eq!(cache_state(&after), Some("miss"));
        assert!(
            after.text.contains("Studded ones grip best."),
            "{}",
            after.text
        );
    })
    .await;
}

/// A guest's page through `router`, and whether it came from the cache.
async fn guest_page(router: &axum::Router, path: &str) -> (String, Option<String>) {
    let req = axum::http::Request::get(path)
        .body(axum::body::Body::empty())
        .unwrap_or_else(|e| panic!("{e}"));
    let r = crate::support::send_to(router, req).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
    (r.text.clone(), cache_state(&r).map(str::to_owned))
}

/// A change drops the cached pages that show it, as the group policy decides for a guest, and
/// nothing else: a reply in a closed or secret group drops nothing, a reply in a public group
/// its topic, its group and the site-wide lists, not another group's topics. Another node
/// drops the same pages once it reads the outbox; a sanction drops everything.
#[tokio::test]
async fn a_change_drops_only_the_pages_that_show_it_on_every_node() {
    each_backend(|app| async move {
        let app = app.with_guest_cache(60);
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        for (slug, visibility) in [
            ("open", "public"),
            ("other", "public"),
            ("club", "closed"),
            ("hidden", "secret"),
        ] {
            app.create_group(&admin, slug, visibility).await;
        }
        app.join(&ana, "open").await;
        let (t1, _) = app
            .create_topic(&admin, "open", "Tubeless", "Sealant?")
            .await;
        let (t2, _) = app
            .create_topic(&ana, "open", "Saddles", "Which one?")
            .await;
        let (t3, _) = app.create_topic(&admin, "other", "Lights", "Dynamo?").await;
        let (tc, _) = app
            .create_topic(&admin, "club", "Dues", "Due in May.")
            .await;
        let (ts, _) = app.create_topic(&admin, "hidden", "Plans", "Quiet.").await;
        let pages = [
            format!("/t/{t1}/tubeless"),
            format!("/t/{t2}/saddles"),
            format!("/t/{t3}/lights"),
            "/g/other".to_owned(),
            "/g/open".to_owned(),
            "/".to_owned(),
        ];
        let (other, other_cache) = app.other_node(60);
        // As its follower does when the node starts.
        other_cache.catch_up(&app.app.agora).await;
        for router in [&app.router, &other] {
            for p in &pages {
                guest_page(router, p).await;
                assert_eq!(guest_page(router, p).await.1.as_deref(), Some("hit"), "{p}");
            }
        }

        // Replies guests cannot read, and a preview, drop nothing.
        for t in [tc, ts] {
            let r = app
                .post(
                    &routes::topic_posts(t),
                    Some(&admin),
                    json!({"body": "Noted, thanks."}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        }
        let r = app
            .post(
                &routes::markdown_preview(),
                Some(&admin),
                json!({"body": "*draft*"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        for p in &pages {
            assert_eq!(state(&app.router, p).await, "hit", "{p}");
        }

        // A reply in a public topic drops that topic, its group and the lists.
        let r = app
            .post(
                &routes::topic_posts(t1),
                Some(&ana),
                json!({"body": "Sealant, twice a year."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let expect = [
            (pages[0].clone(), "miss"),
            (pages[1].clone(), "hit"),
            (pages[2].clone(), "hit"),
            (pages[3].clone(), "hit"),
            (pages[4].clone(), "miss"),
            (pages[5].clone(), "miss"),
        ];
        for (p, want) in &expect {
            assert_eq!(state(&app.router, p).await, *want, "this node: {p}");
        }
        let (shown, _) = guest_page(&app.router, &pages[0]).await;
        assert!(shown.contains("twice a year"), "{shown}");

        // The other node serves its copies until it reads the outbox, then drops the same.
        assert_eq!(state(&other, &pages[0]).await, "hit");
        other_cache.catch_up(&app.app.agora).await;
        for (p, want) in &expect[1..] {
            assert_eq!(state(&other, p).await, *want, "other node: {p}");
        }
        let (shown, _) = guest_page(&other, &pages[0]).await;
        assert!(shown.contains("twice a year"), "{shown}");

        // A moderator hides Ana's topic: gone from both nodes once they read the outbox.
        let r = app.get(&routes::topic(t2), Some(&admin)).await;
        let opening = r.body["posts"][0]["id"].as_i64().unwrap_or_default();
        let r = app.delete(&routes::post(opening), Some(&admin)).await;
        assert!(r.status.is_success(), "{}", r.text);
        other_cache.catch_up(&app.app.agora).await;
        for router in [&app.router, &other] {
            let req = axum::http::Request::get(&pages[1])
                .body(axum::body::Body::empty())
                .unwrap_or_else(|e| panic!("{e}"));
            let r = crate::support::send_to(router, req).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
            assert_eq!(
                state(router, &pages[2]).await,
                "hit",
                "another group's topic stays"
            );
        }

        // A sanction shows beside the member's posts everywhere: everything goes.
        let r = app
            .post(
                &routes::member_sanctions("ana"),
                Some(&admin),
                json!({"kind": "suspension", "reason": "Spam.", "days": 7}),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);
        other_cache.catch_up(&app.app.agora).await;
        for router in [&app.router, &other] {
            assert_eq!(state(router, &pages[2]).await, "miss");
            assert_eq!(state(router, &pages[3]).await, "miss");
        }
    })
    .await;
}

/// Whether a guest's page through `router` came from the cache ("hit" or "miss").
async fn state(router: &axum::Router, path: &str) -> String {
    guest_page(router, path).await.1.unwrap_or_default()
}

/// On PostgreSQL an event committed behind an older transaction (of any database on the
/// server) is read in order only once that transaction ends. A node starting meanwhile drops
/// everything at its first reading, which covers that event: when it becomes readable later,
/// it does not drop pages kept since (the suite's side-by-side tests once made this flaky).
#[tokio::test]
async fn an_event_committed_before_a_nodes_first_reading_drops_nothing_later() {
    each_backend(|app| async move {
        if app.backend != "postgres" {
            return; // SQLite's one writer commits in order of id.
        }
        let app = app.with_guest_cache(60);
        let admin = app.register("admin").await;
        app.create_group(&admin, "other", "public").await;
        let mut older = crate::support::pg_connection(&app.database_url).await;
        sqlx::raw_sql("BEGIN; SELECT pg_current_xact_id();")
            .execute(&mut older)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let (topic, _) = app.create_topic(&admin, "other", "Lights", "Dynamo?").await;
        let pages = [format!("/t/{topic}/lights"), "/g/other".to_owned()];

        let (other, other_cache) = app.other_node(60);
        other_cache.catch_up(&app.app.agora).await;
        for p in &pages {
            let (shown, _) = guest_page(&other, p).await;
            assert!(shown.contains("Lights"), "{p}: {shown}");
        }
        sqlx::raw_sql("COMMIT")
            .execute(&mut older)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        other_cache.catch_up(&app.app.agora).await;
        for p in &pages {
            assert_eq!(state(&other, p).await, "hit", "{p}");
        }

        // A change after the first reading still drops its pages once read.
        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(&admin),
                json!({"body": "A hub dynamo."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        other_cache.catch_up(&app.app.agora).await;
        for p in &pages {
            assert_eq!(state(&other, p).await, "miss", "{p}");
        }
    })
    .await;
}
