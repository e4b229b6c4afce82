//! What must not tell anyone outside a secret group that it exists: the site's featured list
//! (`GET /site`, the landing page) and the answer to creating a group at an address it holds.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::routes;
use crate::support::{TestApp, each_backend};

/// The featured groups `token` reads in `GET /site`.
async fn featured(app: &TestApp, token: Option<&str>) -> Value {
    let r = app.get(&routes::site(), token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["featured_groups"].clone()
}

/// The landing page's featured section as `token` sees it.
async fn featured_on_landing(app: &TestApp, token: Option<&str>) -> String {
    let landing = app.page("/", token).await.text;
    let section = landing.split("id=\"featured-h\"").nth(1).unwrap_or("");
    section.split("</section>").next().unwrap_or("").to_owned()
}

#[tokio::test]
async fn a_secret_group_cannot_be_featured_and_a_stored_secret_slug_reaches_only_its_members() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let mara = app.register("mara").await;
        let zed = app.register("zed").await;
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"members_may_create_groups": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        app.create_group(&admin, "alpha", "public").await;
        app.create_group(&admin, "bravo", "public").await;
        app.create_group(&mara, "hush", "secret").await;

        // Featuring a secret group is refused, and nothing of the change is stored.
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"name": "Riders", "featured_groups": ["bravo", "hush"]}),
            )
            .await;
        assert_eq!(
            (r.status, r.code(), r.body["error"]["field"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "secret_group",
                Some("featured_groups")
            ),
            "{}",
            r.text
        );
        assert_eq!(featured(&app, Some(&admin)).await, json!([]));

        // A slug featured before a secret group took it: stored, but read through the policy.
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"featured_groups": ["bravo", "quiet"]}),
            )
            .await;
        assert_eq!(
            r.body["featured_groups"],
            json!(["bravo", "quiet"]),
            "{}",
            r.text
        );
        app.create_group(&mara, "quiet", "secret").await;
        assert_eq!(featured(&app, None).await, json!(["bravo"]), "a guest");
        assert_eq!(
            featured(&app, Some(&zed)).await,
            json!(["bravo"]),
            "an outsider"
        );
        assert_eq!(
            featured(&app, Some(&mara)).await,
            json!(["bravo", "quiet"]),
            "a member of the secret group"
        );
        assert_eq!(
            featured(&app, Some(&admin)).await,
            json!(["bravo", "quiet"]),
            "an admin"
        );
        for (who, token) in [("a guest", None), ("an outsider", Some(zed.as_str()))] {
            let section = featured_on_landing(&app, token).await;
            assert!(
                section.contains("/g/bravo") && !section.contains("/g/alpha"),
                "{who}: {section}"
            );
            let landing = app.page("/", token).await.text;
            assert!(!landing.contains("quiet"), "{who} sees the secret group");
        }
        assert!(
            featured_on_landing(&app, Some(&mara))
                .await
                .contains("/g/quiet")
        );

        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"featured_groups": ["Not A Slug!"]}),
            )
            .await;
        assert_eq!(
            (r.status, r.body["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("featured_groups"))
        );
    })
    .await;
}

#[tokio::test]
async fn a_taken_address_is_unavailable_alike_whoever_holds_it_and_probing_is_limited() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let mara = app.register("mara").await;
        let zed = app.register("zed").await;
        app.patch(
            &routes::site(),
            Some(&admin),
            json!({"members_may_create_groups": true}),
        )
        .await;
        app.create_group(&admin, "riders", "public").await;
        app.create_group(&admin, "hush", "secret").await;
        let create = |token: String, slug: String| {
            let app = &app;
            async move {
                let body =
                    json!({"name": format!("Group {slug}"), "slug": slug, "visibility": "public"});
                app.post(&routes::groups(), Some(&token), body).await
            }
        };

        // The secret group's address and the public group's answer alike.
        let secret = create(mara.clone(), "hush".into()).await;
        let public = create(mara.clone(), "riders".into()).await;
        assert_eq!(
            (
                secret.status,
                secret.code(),
                secret.body["error"]["field"].as_str()
            ),
            (StatusCode::CONFLICT, "slug_unavailable", Some("slug")),
            "{}",
            secret.text
        );
        assert_eq!(secret.body, public.body);
        assert_eq!(
            secret.body["error"]["message"],
            "That address is not available; choose another."
        );

        // Ten tries an hour, taken addresses included; then 429 with Retry-After.
        for n in 3..=10 {
            let r = create(mara.clone(), format!("club-{n}")).await;
            assert_eq!(r.status, StatusCode::CREATED, "try {n}: {}", r.text);
        }
        let r = create(mara.clone(), "club-11".into()).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
        );
        assert!(
            r.header("retry-after")
                .and_then(|s| s.parse::<i64>().ok())
                .is_some_and(|s| s > 0),
            "{:?}",
            r.headers
        );
        assert_eq!(
            app.get(&routes::group("club-11"), None).await.status,
            StatusCode::NOT_FOUND,
            "nothing created past the limit"
        );
        // Each member counts apart; admins, who see every group anyway, are not limited.
        let r = create(zed.clone(), "zeds".into()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        for n in 0..12 {
            app.create_group(&admin, &format!("staff-{n}"), "public")
                .await;
        }
        // The window reopens after an hour.
        app.clock.advance(3_600);
        let r = create(mara.clone(), "club-11".into()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    })
    .await;
}
