//! Registration, sign-in, sessions and profiles.

use axum::http::StatusCode;
use serde_json::json;

use crate::routes;
use crate::support::{PASSWORD, each_backend, token_of};

#[tokio::test]
async fn a_member_registers_signs_in_sees_and_edits_their_profile() {
    each_backend(|app| async move {
        let admin = app.register("founder").await;
        let me = app.get(&routes::me(), Some(&admin)).await;
        assert_eq!(me.body["role"], "admin", "the first account runs the site");

        let r = app
            .post(
                &routes::auth_register(),
                None,
                json!({"username": "Ana_B", "email": "Ana@Example.com", "password": PASSWORD, "display_name": "Ana Bauer"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        assert_eq!(r.body["member"]["username"], "Ana_B");
        assert_eq!(r.body["member"]["email"], "ana@example.com");
        assert_eq!(r.body["member"]["role"], "member");
        let cookie = r.headers.get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");

        // By the address only once it is confirmed (an unconfirmed address may be shared, and
        // signing in by it would tell whether another account confirmed it); by name at once.
        let login = app
            .post(&routes::auth_login(), None, json!({"login": "ana@example.com", "password": PASSWORD}))
            .await;
        assert_eq!(login.status, StatusCode::UNAUTHORIZED, "{}", login.text);
        app.verify("ana@example.com").await;
        let login = app
            .post(&routes::auth_login(), None, json!({"login": "ana@example.com", "password": PASSWORD}))
            .await;
        assert_eq!(login.status, StatusCode::OK, "{}", login.text);
        let token = token_of(&login);

        let edited = app
            .patch(&routes::me(), Some(&token), json!({"display_name": "Ana B.", "bio": "Commutes by e-bike."}))
            .await;
        assert_eq!(edited.status, StatusCode::OK, "{}", edited.text);
        assert_eq!(edited.body["display_name"], "Ana B.");

        let public = app.get(&routes::member("ana_b"), None).await;
        assert_eq!(public.status, StatusCode::OK);
        assert_eq!(public.body["bio"], "Commutes by e-bike.");
        assert!(public.body.get("email").is_none(), "email leaked: {}", public.text);
        assert!(!public.text.contains("example.com"), "email leaked: {}", public.text);

        let out = app.post(&routes::auth_logout(), Some(&token), json!({})).await;
        assert_eq!(out.status, StatusCode::NO_CONTENT);
        let after = app.get(&routes::me(), Some(&token)).await;
        assert_eq!((after.status, after.code()), (StatusCode::UNAUTHORIZED, "invalid_token"));
    })
    .await;
}

#[tokio::test]
async fn usernames_and_emails_are_unique_regardless_of_case() {
    each_backend(|app| async move {
        app.register("mara").await;
        let r = app
            .post(
                &routes::auth_register(),
                None,
                json!({"username": "MARA", "email": "other@example.com", "password": PASSWORD}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::CONFLICT, "username_taken")
        );
        assert_eq!(r.body["error"]["field"], "username");
        // A confirmed address is answered like a fresh one (see enumeration.rs), but the new
        // account cannot confirm it: the address stays mara's.
        let r = app
            .post(
                &routes::auth_register(),
                None,
                json!({"username": "mara2", "email": "MARA@example.com", "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        assert_eq!(
            app.db()
                .count_where(
                    "members",
                    "email = 'mara@example.com' AND email_verified_at IS NOT NULL"
                )
                .await,
            1
        );
    })
    .await;
}

#[tokio::test]
async fn a_wrong_password_ten_times_is_refused_then_rate_limited_without_revealing_the_account() {
    each_backend(|app| async move {
        app.register("ana").await;
        let mut statuses = Vec::new();
        for _ in 0..10 {
            let r = app
                .post(
                    &routes::auth_login(),
                    None,
                    json!({"login": "ana", "password": "wrong password!"}),
                )
                .await;
            statuses.push((r.status.as_u16(), r.code().to_owned()));
            if r.status == StatusCode::TOO_MANY_REQUESTS {
                let retry: i64 = r
                    .headers
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                assert!(retry > 0 && retry <= 900, "Retry-After {retry}");
            }
        }
        let expected: Vec<(u16, String)> = (0..10)
            .map(|i| {
                if i < 5 {
                    (401, "invalid_credentials".into())
                } else {
                    (429, "rate_limited".into())
                }
            })
            .collect();
        assert_eq!(statuses, expected);
        // Even the right password waits until the window ends.
        let r = app
            .post(
                &routes::auth_login(),
                None,
                json!({"login": "ana", "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        // An unknown account answers exactly like a wrong password.
        let r = app
            .post(
                &routes::auth_login(),
                None,
                json!({"login": "nobody", "password": "wrong password!"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNAUTHORIZED, "invalid_credentials")
        );
        assert_eq!(
            app.db().count_rows("sessions").await,
            1,
            "only the registration's session exists"
        );
    })
    .await;
}

#[tokio::test]
async fn registrations_from_one_address_are_rate_limited() {
    let config = agora_core::AgoraConfig {
        registrations_per_hour: 3,
        ..Default::default()
    };
    crate::support::each_backend_with(config, |app| async move {
        for i in 0..3 {
            app.register(&format!("user{i}")).await;
        }
        let r = app
            .post(
                &routes::auth_register(),
                None,
                json!({"username": "user9", "email": "u9@example.com", "password": PASSWORD}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
        );
        assert!(r.headers.contains_key("retry-after"));
        assert_eq!(app.db().count_rows("members").await, 3);
    })
    .await;
}

#[tokio::test]
async fn a_session_cookie_signs_in_pages_and_refuses_cross_site_writes() {
    each_backend(|app| async move {
        let token = app.register("ana").await;
        let cookie = format!("agora_session={token}");
        let req = axum::http::Request::builder()
            .uri(routes::me())
            .header("cookie", &cookie)
            .body(axum::body::Body::empty())
            .unwrap_or_else(|e| panic!("{e}"));
        let r = app.send(req).await;
        assert_eq!(r.body["username"], "ana", "{}", r.text);

        let req = axum::http::Request::builder()
            .method("PATCH")
            .uri(routes::me())
            .header("cookie", &cookie)
            .header("origin", "https://evil.example")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(r#"{"bio":"pwned"}"#))
            .unwrap_or_else(|e| panic!("{e}"));
        let r = app.send(req).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "csrf_failed"));
        let me = app.get(&routes::me(), Some(&token)).await;
        assert_eq!(me.body["bio"], "");
    })
    .await;
}

#[tokio::test]
async fn implausible_registrations_are_refused_politely_by_rule_and_admins_can_tune_the_rules() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let cases = [
            (json!({"username": "dduck", "display_name": "Donald Duck", "email": "d@example.com"}), "fake_name", "display_name"),
            (json!({"username": "mickey_mouse", "email": "m@example.com"}), "fake_name", "username"),
            (json!({"username": "asdfgh", "email": "a@example.com"}), "keyboard_mash", "username"),
            (json!({"username": "ana", "display_name": "ana@example.com", "email": "a@example.com"}), "name_is_email", "display_name"),
            (json!({"username": "ana", "display_name": "www.cheap-bikes.example", "email": "a@example.com"}), "name_is_url", "display_name"),
            (json!({"username": "ana", "email": "ana@mailinator.com"}), "disposable_email", "email"),
        ];
        for (mut body, code, field) in cases {
            body["password"] = json!(PASSWORD);
            let r = app.post(&routes::auth_register(), None, body.clone()).await;
            assert_eq!((r.status, r.code(), r.body["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, code, Some(field)), "{body}: {}", r.text);
            assert!(r.body["error"]["message"].as_str().is_some_and(|m| m.contains("lease") || m.contains("can't")), "polite: {}", r.text);
        }
        assert_eq!(app.db().count_rows("members").await, 1);

        let r = app
            .patch(&routes::site(), Some(&admin), json!({"registration_rules": {"off": ["disposable_email"], "extra_names": ["Voltera Support"]}}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.body["registration_rules"]["off"], json!(["disposable_email"]));
        assert!(app.get(&routes::site(), None).await.body["registration_rules"].is_null(), "rules are for admins");
        let r = app
            .post(&routes::auth_register(), None, json!({"username": "ana", "email": "ana@mailinator.com", "password": PASSWORD}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "the rule is off: {}", r.text);
        let r = app
            .post(&routes::auth_register(), None, json!({"username": "vsupport", "display_name": "Voltera support", "email": "vs@example.com", "password": PASSWORD}))
            .await;
        assert_eq!(r.code(), "fake_name", "an added name: {}", r.text);
        let r = app.patch(&routes::site(), Some(&admin), json!({"registration_rules": {"off": ["no_such_rule"]}})).await;
        assert_eq!((r.status, r.code(), r.body["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_choice", Some("registration_rules.off")));
        let read = app.get(&routes::site(), Some(&admin)).await.body;
        let r = app.patch(&routes::site(), Some(&admin), json!({"registration_rules": read["registration_rules"].clone()})).await;
        assert_eq!(r.status, StatusCode::OK, "what GET /site reads, PATCH /site takes: {}", r.text);
        assert_eq!(r.body["registration_rules"], read["registration_rules"]);
    })
    .await;
}

#[tokio::test]
async fn several_accounts_from_one_address_within_minutes_are_stopped_unless_the_rule_is_off() {
    crate::support::each_backend(|app| async move {
        let admin = app.register("first").await;
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"registration_rules": {"burst_per_10_min": 2}}),
            )
            .await;
        assert_eq!(
            r.body["registration_rules"]["burst_per_10_min"], 2,
            "{}",
            r.text
        );
        app.register("second").await;
        let third =
            json!({"username": "third", "email": "third@example.com", "password": PASSWORD});
        let r = app
            .post(&routes::auth_register(), None, third.clone())
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::TOO_MANY_REQUESTS, "registration_burst")
        );
        assert!(r.headers.contains_key("retry-after"));
        let message = r.body["error"]["message"].as_str().unwrap_or("");
        assert!(
            message.contains("try again in") && message.contains("sign in"),
            "{message}"
        );
        // An event where everyone signs up on one Wi-Fi: the admin switches the rule off.
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"registration_rules": {"off": ["registration_burst"]}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let r = app.post(&routes::auth_register(), None, third).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"registration_rules": {"burst_per_10_min": 0}}),
            )
            .await;
        assert_eq!(
            (r.status, r.code(), r.body["error"]["field"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "out_of_range",
                Some("registration_rules.burst_per_10_min")
            )
        );
    })
    .await;
}
