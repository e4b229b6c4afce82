//! The guest cache: guests get public pages from memory, members never do, and a change made
//! through this node reaches guests at once.

use axum::http::StatusCode;
use serde_json::json;

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
        let api = app
            .get(&format!("/api/v1/topics/{topic}"), Some(&admin))
            .await;
        assert_eq!(cache_state(&api), None);

        // The API's public reads are cached for guests too, as JSON.
        let a = app.get(&format!("/api/v1/topics/{topic}"), None).await;
        let b = app.get(&format!("/api/v1/topics/{topic}"), None).await;
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
                &format!("/api/v1/topics/{topic}/posts"),
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
        let r = app
            .delete(&format!("/api/v1/posts/{reply}"), Some(&admin))
            .await;
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
                    &format!("/api/v1/topics/{topic}/posts"),
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
            format!("/api/v1/topics/{topic}"),
            "/api/v1/groups/hideout".to_owned(),
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
        for p in ["/", "/groups", "/api/v1/groups", "/sitemap.xml"] {
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
                    "/api/v1/markdown/preview",
                    Some(&admin),
                    json!({"body": "Studded ones **grip**"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        }
        let r = app
            .post(
                "/api/v1/auth/login",
                None,
                json!({"login": "admin", "password": crate::support::PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(cache_state(&app.page(&path, None).await), Some("hit"));

        let r = app
            .post(
                &format!("/api/v1/topics/{topic}/posts"),
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
