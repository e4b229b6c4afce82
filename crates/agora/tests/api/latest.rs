//! The site-wide latest list (`/latest`, `GET /latest`), tag pages (`/tags`, `/tags/{tag}`,
//! `GET /tags`) and the site's brand and footer (issue 21's basics): every list and count goes
//! through the read policy, so a secret group's topics and tags reach its members only.

use axum::http::StatusCode;
use serde_json::json;

use crate::routes;
use crate::support::{TestApp, each_backend};

/// An admin, ana; a public group with two tagged topics (one with a reply by ana) and a secret
/// group with one tagged topic. Returns (admin, ana, the topics: old public, new public,
/// secret).
async fn scene(app: &TestApp) -> (String, String, [i64; 3]) {
    let admin = app.register("admin").await;
    let ana = app.register("ana").await;
    app.create_group(&admin, "open", "public").await;
    app.create_group(&admin, "hush", "secret").await;
    app.join(&ana, "open").await;
    let topic = |group: &'static str, title: &'static str, tags: serde_json::Value| {
        let (app, admin) = (&app, admin.clone());
        async move {
            let r = app
                .post(
                    &routes::group_topics(group),
                    Some(&admin),
                    json!({"title": title, "body": "Let us talk about it.", "tags": tags}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
            r.body["id"].as_i64().unwrap_or_default()
        }
    };
    let old = topic("open", "Winter tyres", json!(["tyres", "winter"])).await;
    let new = topic("open", "Chain wax", json!(["chain"])).await;
    let secret = topic("hush", "Launch plans", json!(["launch", "tyres"])).await;
    let r = app
        .post(
            &routes::topic_posts(old),
            Some(&ana),
            json!({"body": "Studded ones, every year."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    (admin, ana, [old, new, secret])
}

#[tokio::test]
async fn the_latest_list_pages_through_what_the_viewer_may_read() {
    each_backend(|app| async move {
        let (admin, ana, [old, new, secret]) = scene(&app).await;
        let ids = |r: &crate::support::Reply| -> Vec<i64> {
            r.body["topics"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t["id"].as_i64())
                .collect()
        };
        let guest = app.get(&routes::latest(), None).await;
        assert_eq!(
            ids(&guest),
            vec![old, new],
            "latest activity first: {}",
            guest.text
        );
        let first = &guest.body["topics"][0];
        assert_eq!(
            (
                first["last_poster"]["username"].as_str(),
                first["group_name"].as_str()
            ),
            (Some("ana"), Some("Group open")),
            "{}",
            guest.text
        );
        assert_eq!(
            ids(&app.get(&routes::latest(), Some(&ana)).await),
            vec![old, new]
        );
        assert_eq!(
            ids(&app.get(&routes::latest(), Some(&admin)).await),
            vec![old, secret, new]
        );
        // Paged by cursor, one at a time, to the end.
        let page1 = app
            .get(&format!("{}?limit=1", routes::latest()), None)
            .await;
        let cursor = page1.body["next_cursor"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let page2 = app
            .get(
                &format!("{}?limit=1&cursor={cursor}", routes::latest()),
                None,
            )
            .await;
        assert_eq!(
            (ids(&page1), ids(&page2)),
            (vec![old], vec![new]),
            "{}",
            page2.text
        );
        assert!(page2.body["next_cursor"].is_null(), "{}", page2.text);
        let bad = app
            .get(&format!("{}?cursor=nonsense", routes::latest()), None)
            .await;
        assert_eq!(
            (bad.status, bad.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_cursor")
        );
        // The page: rows with the last poster and readers, a "more" link, and a page past the
        // last is not found.
        let page = app.page("/latest", None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.text.contains("last reply by <a href=\"/u/ana\">"),
            "{}",
            page.text
        );
        assert!(
            page.text.contains("readers") || page.text.contains("reader"),
            "{}",
            page.text
        );
        assert!(!page.text.contains("Launch plans"));
        assert_eq!(
            app.page(&format!("/latest?cursor={cursor}"), None)
                .await
                .status,
            StatusCode::OK
        );
        let home = app.page("/", None).await;
        assert!(
            home.text.contains("href=\"/latest\""),
            "the landing page links the list"
        );
    })
    .await;
}

#[tokio::test]
async fn tags_are_counted_and_listed_only_from_what_the_viewer_may_read() {
    each_backend(|app| async move {
        let (admin, ana, [old, _, secret]) = scene(&app).await;
        let tags = |r: &crate::support::Reply| -> Vec<(String, i64)> {
            r.body["tags"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| {
                    (
                        t["tag"].as_str().unwrap_or_default().to_owned(),
                        t["topics"].as_i64().unwrap_or_default(),
                    )
                })
                .collect()
        };
        let guest = app.get(&routes::tags(), None).await;
        let seen = tags(&guest);
        assert!(
            seen.contains(&("tyres".into(), 1)) && !seen.iter().any(|(t, _)| t == "launch"),
            "{}",
            guest.text
        );
        let staff = tags(&app.get(&routes::tags(), Some(&admin)).await);
        assert_eq!(
            staff.first(),
            Some(&("tyres".to_owned(), 2)),
            "most used first: {staff:?}"
        );

        let by_tag = app
            .get(&format!("{}?tag=tyres", routes::latest()), Some(&ana))
            .await;
        let ids: Vec<i64> = by_tag.body["topics"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["id"].as_i64())
            .collect();
        assert_eq!(ids, vec![old], "{}", by_tag.text);
        let staff = app
            .get(&format!("{}?tag=tyres", routes::latest()), Some(&admin))
            .await;
        assert_eq!(staff.body["topics"].as_array().map(Vec::len), Some(2));
        let bad = app
            .get(&format!("{}?tag=no%20such", routes::latest()), None)
            .await;
        assert_eq!(
            (bad.status, bad.body["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("tag")),
            "{}",
            bad.text
        );

        // Pages: the tag list, a tag's page, tags as links; a secret tag is not found for
        // a guest, as a tag nobody uses.
        let page = app.page("/tags", None).await;
        assert!(
            page.text.contains("href=\"/tags/tyres\"") && !page.text.contains("launch"),
            "{}",
            page.text
        );
        let tagged = app.page("/tags/tyres", None).await;
        assert_eq!(tagged.status, StatusCode::OK);
        assert!(tagged.text.contains("Winter tyres") && !tagged.text.contains("Launch plans"));
        assert_eq!(
            app.page("/tags/launch", None).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.page("/tags/nobody-uses-this", None).await.status,
            StatusCode::NOT_FOUND
        );
        let staff_page = app.page("/tags/launch", Some(&admin)).await;
        assert_eq!(staff_page.status, StatusCode::OK, "{}", staff_page.text);
        let topic = app.page(&format!("/t/{old}/winter-tyres"), None).await;
        assert!(
            topic.text.contains("href=\"/tags/winter\""),
            "tags on a topic link their page"
        );
        let _ = secret;
    })
    .await;
}

#[tokio::test]
async fn the_brand_and_the_footer_follow_the_settings() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let home = app.page("/", None).await;
        assert!(!home.text.contains("/legal/terms"), "no link to a document not published");
        assert!(!home.text.contains("og:image") && !home.text.contains("brand.css"));
        let r = app
            .patch(&routes::site(), Some(&admin), json!({"logo_url": "/media/0123456789abcdef0123456789abcdef.png", "accent_color": "#C0F", "social_image_url": "/media/0123456789abcdef0123456789abcdef.png"}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.body["accent_color"], "#cc00ff", "{}", r.text);
        for (field, value) in [("accent_color", "green"), ("logo_url", "javascript:alert(1)"), ("logo_url", "http://plain.example/logo.png"), ("social_image_url", "/x\" onload=\"y")] {
            let r = app.patch(&routes::site(), Some(&admin), json!({field: value})).await;
            assert_eq!((r.status, r.body["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{value}: {}", r.text);
        }
        let r = app
            .post(&routes::document("terms"), Some(&admin), json!({"body": "Be fair. We keep your posts while your account lives."}))
            .await;
        assert!(r.status.is_success(), "{}", r.text);
        let home = app.page("/", None).await;
        assert!(home.text.contains("<img class=\"brand-logo\" src=\"/media/0123456789abcdef0123456789abcdef.png\""), "{}", home.text);
        assert!(home.text.contains("<meta property=\"og:image\" content=\"http://agora.test/media/0123456789abcdef0123456789abcdef.png\">"), "{}", home.text);
        assert!(home.text.contains("href=\"/static/brand.css?c=cc00ff\""), "{}", home.text);
        assert!(home.text.contains("href=\"/legal/terms\""), "{}", home.text);
        assert!(!home.text.contains("/legal/privacy"), "still unpublished");
        let css = app.page("/static/brand.css?c=cc00ff", None).await;
        assert!(css.text.contains("--accent: #cc00ff") && css.text.contains("--accent-text: #"), "{}", css.text);
        assert_eq!(app.page("/static/brand.css?c=zz", None).await.status, StatusCode::NOT_FOUND);
        // The API page is readable, not raw JSON.
        let api = app.page("/api", None).await;
        assert_eq!(api.status, StatusCode::OK);
        assert!(api.text.contains("<h1>The JSON API</h1>") && api.text.contains("/api/v1/openapi.json"), "{}", api.text);
    })
    .await;
}
