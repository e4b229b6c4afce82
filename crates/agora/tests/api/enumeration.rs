//! Whether an account exists is nobody's business but its owner's (issue 20, finding 5): a
//! sign-up, an address change and a password reset answer the same whether or not the address
//! or the account is known, and the owner of a known address hears of the attempt instead.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::routes;
use crate::support::{PASSWORD, TestApp, each_backend, token_of};

async fn sign_up(app: &TestApp, username: &str, email: &str) -> crate::support::Reply {
    app.post(
        &routes::auth_register(),
        None,
        json!({"username": username, "email": email, "password": PASSWORD}),
    )
    .await
}

/// An answer with what differs between any two sign-ups taken out: the names, the typed
/// address, the time and the token.
fn shape(r: &crate::support::Reply) -> (StatusCode, Value) {
    let mut body = r.body.clone();
    if let Some(member) = body["member"].as_object_mut() {
        for key in ["username", "display_name", "email", "joined_at"] {
            member.remove(key);
        }
    }
    if let Some(o) = body.as_object_mut() {
        o.remove("token");
    }
    (r.status, body)
}

#[tokio::test]
async fn a_sign_up_answers_the_same_whether_the_address_has_an_account() {
    each_backend(|app| async move {
        app.register("admin").await;
        app.register("ana").await;
        let fresh = sign_up(&app, "bob", "bob@example.com").await;
        let known = sign_up(&app, "carl", "ANA@example.com").await;
        assert_eq!(fresh.status, StatusCode::CREATED, "{}", fresh.text);
        assert_eq!(
            shape(&known),
            shape(&fresh),
            "{} / {}",
            known.text,
            fresh.text
        );
        assert!(known.header("set-cookie").is_some());
        // Each new account sees the address it typed, not yet confirmed.
        for (r, email) in [(&fresh, "bob@example.com"), (&known, "ana@example.com")] {
            let me = app.get(&routes::me(), Some(&token_of(r))).await;
            assert_eq!(
                (
                    me.body["email"].as_str(),
                    me.body["email_verified"].as_bool()
                ),
                (Some(email), Some(false))
            );
        }
        // Ana hears of it, and gets no link that would confirm her address for carl.
        let to_ana = app.mailbox().mails_to("ana@example.com");
        let notice = to_ana.last().cloned().unwrap_or_default();
        assert!(
            notice.contains("Someone tried to use your address"),
            "{notice}"
        );
        assert!(
            notice.contains("carl") && !notice.contains("/verify/"),
            "{notice}"
        );
        // Signing in by the address typed at sign-up tells nothing either: an address signs in
        // only once confirmed, so bob (a fresh address) and dora (ana's, with her own
        // password) both fail alike, and both get in by name.
        let own = "dora's own password";
        let r = app
            .post(
                &routes::auth_register(),
                None,
                json!({"username": "dora", "email": "ana@example.com", "password": own}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let login_path = routes::auth_login();
        let by_address = |login: &'static str, password: &'static str| {
            app.post(
                &login_path,
                None,
                json!({"login": login, "password": password}),
            )
        };
        let (bob_by_address, dora_by_address) = (
            by_address("bob@example.com", PASSWORD).await,
            by_address("ana@example.com", own).await,
        );
        assert_eq!(
            bob_by_address.status,
            StatusCode::UNAUTHORIZED,
            "{}",
            bob_by_address.text
        );
        assert_eq!(bob_by_address.text, dora_by_address.text);
        assert_eq!(by_address("bob", PASSWORD).await.status, StatusCode::OK);
        assert_eq!(by_address("dora", own).await.status, StatusCode::OK);
        // Asking for the link again sends none to Ana's address either: she hears of it.
        let before = app.mailbox().mails_to("ana@example.com").len();
        let r = app
            .post(
                &routes::auth_verify_resend(),
                Some(&token_of(&known)),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        let to_ana = app.mailbox().mails_to("ana@example.com");
        assert_eq!(to_ana.len(), before + 1);
        let last = to_ana.last().cloned().unwrap_or_default();
        assert!(
            last.contains("Someone tried to use your address") && !last.contains("/verify/"),
            "{last}"
        );
        // Signing in by the address still reaches Ana's account.
        let r = app
            .post(
                &routes::auth_login(),
                None,
                json!({"login": "ana@example.com", "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.body["member"]["username"], "ana", "{}", r.text);

        // A taken username is taken whatever the address: the same answer for both.
        let with_known = sign_up(&app, "ana", "admin@example.com").await;
        let with_fresh = sign_up(&app, "ana", "dora@example.com").await;
        assert_eq!(
            (with_known.status, with_known.code()),
            (StatusCode::CONFLICT, "username_taken")
        );
        assert_eq!(with_known.text, with_fresh.text);
    })
    .await;
}

#[tokio::test]
async fn an_unconfirmed_address_is_still_anyones_to_confirm() {
    each_backend(|app| async move {
        app.register("admin").await;
        // Two unconfirmed accounts with one address: whoever follows the link first has it.
        let one = sign_up(&app, "one", "shared@example.com").await;
        let two = sign_up(&app, "two", "shared@example.com").await;
        assert_eq!(
            (one.status, two.status),
            (StatusCode::CREATED, StatusCode::CREATED)
        );
        app.verify("shared@example.com").await;
        let me = app.get(&routes::me(), Some(&token_of(&two))).await;
        assert_eq!(me.body["email_verified"], true, "the newest link was two's");
        assert_eq!(
            app.db()
                .count_where(
                    "members",
                    "email = 'shared@example.com' AND email_verified_at IS NOT NULL"
                )
                .await,
            1
        );
        // The other link now meets a confirmed address: refused, and the owner keeps it.
        let first = app
            .mailbox()
            .mailed_tokens("shared@example.com", "/verify/")
            .into_iter()
            .next()
            .unwrap_or_default();
        let r = app
            .post(&routes::auth_verify(), None, json!({"token": first}))
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::CONFLICT, "email_taken"),
            "{}",
            r.text
        );
    })
    .await;
}

#[tokio::test]
async fn a_password_reset_past_an_accounts_limit_answers_as_for_no_account() {
    each_backend(|app| async move {
        app.register("ana").await;
        for login in ["ana", "nobody"] {
            let answers: Vec<(StatusCode, String)> = {
                let mut v = Vec::new();
                for _ in 0..5 {
                    let r = app
                        .post(
                            &routes::auth_password_reset(),
                            None,
                            json!({"login": login}),
                        )
                        .await;
                    v.push((r.status, r.text));
                }
                v
            };
            assert!(
                answers
                    .iter()
                    .all(|(s, t)| *s == StatusCode::ACCEPTED && t.is_empty()),
                "{login}: {answers:?}"
            );
        }
        let resets = app
            .mailbox()
            .mails_to("ana@example.com")
            .iter()
            .filter(|m| m.contains("Subject: Reset your password"))
            .count();
        assert_eq!(resets, 3, "three an hour are mailed, the rest silently not");
    })
    .await;
}

#[tokio::test]
async fn a_login_with_a_control_character_tells_nothing_about_the_address_without_it() {
    each_backend(|app| async move {
        app.register("ana").await;
        // Five wrong passwords by an address, then one by the same address with a control
        // character: the answer is the same whether or not the address has an account.
        let mut answers = Vec::new();
        for address in ["ana@example.com", "nobody@example.com"] {
            for _ in 0..5 {
                app.post(
                    &routes::auth_login(),
                    None,
                    json!({"login": address, "password": "not the password"}),
                )
                .await;
            }
            let r = app
                .post(
                    &routes::auth_login(),
                    None,
                    json!({"login": format!("{address}\u{7}"), "password": "not the password"}),
                )
                .await;
            answers.push((r.status, r.code().to_owned()));
        }
        assert_eq!(answers[0], answers[1], "{answers:?}");
        assert_eq!(answers[0].0, StatusCode::UNAUTHORIZED);
    })
    .await;
}
