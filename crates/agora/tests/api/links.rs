//! Links mailed to an address (issue 20, finding 3): a verification link confirms only the
//! address asked for last, and only while it is still the one pending; a new address voids
//! every link mailed before; one password reset voids every other; a link is used once even
//! when several requests bring it at the same moment.

use axum::http::StatusCode;
use futures_util::future::join_all;
use serde_json::json;

use crate::routes;
use crate::support::{PASSWORD, TestApp, each_backend, token_of};

async fn follow(app: &TestApp, token: &str) -> crate::support::Reply {
    app.post(&routes::auth_verify(), None, json!({ "token": token }))
        .await
}

async fn email_of(app: &TestApp, session: &str) -> (String, bool) {
    let me = app.get(&routes::me(), Some(session)).await;
    (
        me.body["email"].as_str().unwrap_or_default().to_owned(),
        me.body["email_verified"].as_bool().unwrap_or_default(),
    )
}

#[tokio::test]
async fn the_first_link_of_a_mistyped_address_cannot_take_the_account_back() {
    each_backend(|app| async move {
        // Ana mistypes her address at sign-up; the link goes to a stranger's mailbox.
        let r = app
            .post(
                &routes::auth_register(),
                None,
                json!({"username": "ana", "email": "ana@exampel.com", "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let ana = token_of(&r);
        let strangers = app
            .mailbox()
            .mailed_token("ana@exampel.com", "/verify/")
            .unwrap_or_default();
        // She corrects it and confirms the right one.
        let r = app
            .post(
                &routes::me_email(),
                Some(&ana),
                json!({"email": "ana@example.com", "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
        app.verify("ana@example.com").await;
        assert_eq!(email_of(&app, &ana).await, ("ana@example.com".into(), true));

        // The stranger follows the first link later: it does nothing.
        let r = follow(&app, &strangers).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::NOT_FOUND, "invalid_link")
        );
        assert_eq!(email_of(&app, &ana).await, ("ana@example.com".into(), true));
        // And a password reset goes to Ana's address only.
        let r = app
            .post(
                &routes::auth_password_reset(),
                None,
                json!({"login": "ana"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED);
        assert!(
            app.mailbox()
                .mailed_token("ana@exampel.com", "/reset/")
                .is_none()
        );
        assert!(
            app.mailbox()
                .mailed_token("ana@example.com", "/reset/")
                .is_some()
        );
    })
    .await;
}

#[tokio::test]
async fn asking_for_another_address_voids_the_links_to_the_one_before() {
    each_backend(|app| async move {
        let ana = app.register("ana").await;
        for email in ["ana@one.example", "ana@two.example"] {
            let r = app
                .post(
                    &routes::me_email(),
                    Some(&ana),
                    json!({"email": email, "password": PASSWORD}),
                )
                .await;
            assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
        }
        // The link to the first is void the moment the second is asked for.
        let first = app
            .mailbox()
            .mailed_token("ana@one.example", "/verify/")
            .unwrap_or_default();
        let r = follow(&app, &first).await;
        assert_eq!(r.code(), "invalid_link", "{}", r.text);
        assert_eq!(email_of(&app, &ana).await, ("ana@example.com".into(), true));
        app.verify("ana@two.example").await;
        assert_eq!(email_of(&app, &ana).await, ("ana@two.example".into(), true));
    })
    .await;
}

#[tokio::test]
async fn one_password_reset_voids_every_other_link_and_a_new_address_voids_the_old_ones() {
    each_backend(|app| async move {
        app.register("ana").await;
        for _ in 0..2 {
            app.post(
                &routes::auth_password_reset(),
                None,
                json!({"login": "ana"}),
            )
            .await;
        }
        let links = app.mailbox().mailed_tokens("ana@example.com", "/reset/");
        assert_eq!(links.len(), 2);
        let path = routes::auth_password_reset_confirm();
        let confirm = |token: &str, password: &str| {
            app.post(&path, None, json!({"token": token, "password": password}))
        };
        let r = confirm(&links[1], "a brand new password").await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        let r = confirm(&links[0], "another new password").await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::NOT_FOUND, "invalid_link")
        );

        // A reset link in the old mailbox dies with the address.
        app.post(
            &routes::auth_password_reset(),
            None,
            json!({"login": "ana"}),
        )
        .await;
        let old = app
            .mailbox()
            .mailed_token("ana@example.com", "/reset/")
            .unwrap_or_default();
        let r = app
            .post(
                &routes::auth_login(),
                None,
                json!({"login": "ana", "password": "a brand new password"}),
            )
            .await;
        let ana = token_of(&r);
        app.post(
            &routes::me_email(),
            Some(&ana),
            json!({"email": "ana@new.example", "password": "a brand new password"}),
        )
        .await;
        app.verify("ana@new.example").await;
        let r = confirm(&old, "a third new password").await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::NOT_FOUND, "invalid_link")
        );
    })
    .await;
}

#[tokio::test]
async fn a_reset_link_brought_by_ten_requests_at_once_is_used_once() {
    each_backend(|app| async move {
        app.register("ana").await;
        app.post(
            &routes::auth_password_reset(),
            None,
            json!({"login": "ana"}),
        )
        .await;
        let token = app
            .mailbox()
            .mailed_token("ana@example.com", "/reset/")
            .unwrap_or_default();
        let attempts = (0..10).map(|i| {
            let (app, token) = (&app, &token);
            async move {
                let password = format!("new password number {i}");
                let r = app
                    .post(
                        &routes::auth_password_reset_confirm(),
                        None,
                        json!({"token": token, "password": password}),
                    )
                    .await;
                (r.status, password)
            }
        });
        let results = join_all(attempts).await;
        let won: Vec<&String> = results
            .iter()
            .filter(|(s, _)| *s == StatusCode::NO_CONTENT)
            .map(|(_, p)| p)
            .collect();
        assert_eq!(won.len(), 1, "{results:?}");
        // The password that won is the one that works.
        let r = app
            .post(
                &routes::auth_login(),
                None,
                json!({"login": "ana", "password": won[0]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    })
    .await;
}
