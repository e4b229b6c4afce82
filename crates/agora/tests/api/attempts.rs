//! Password attempts (issue 20, finding 2): every path that checks a password counts the
//! attempt before it checks, per account whatever names it, so guesses sent at once are
//! limited as surely as guesses sent one after another.

use axum::http::{Method, StatusCode};
use futures_util::future::join_all;
use serde_json::json;

use crate::routes;
use crate::support::{PASSWORD, TestApp, each_backend};

/// The statuses of `replies`, counted: (401 or 422 answered, 429 answered, anything else).
fn tally(replies: &[crate::support::Reply]) -> (usize, usize, Vec<String>) {
    let (mut wrong, mut limited, mut other) = (0, 0, Vec::new());
    for r in replies {
        match (r.status, r.code()) {
            (StatusCode::UNAUTHORIZED, "invalid_credentials")
            | (StatusCode::UNPROCESSABLE_ENTITY, "wrong_password") => wrong += 1,
            (StatusCode::TOO_MANY_REQUESTS, "rate_limited") => limited += 1,
            _ => other.push(format!("{} {}", r.status, r.text)),
        }
    }
    (wrong, limited, other)
}

async fn sign_in(app: &TestApp, login: &str, password: &str) -> crate::support::Reply {
    app.post(
        &routes::auth_login(),
        None,
        json!({"login": login, "password": password}),
    )
    .await
}

#[tokio::test]
async fn a_hundred_wrong_passwords_at_once_by_name_and_address_get_five_checks() {
    each_backend(|app| async move {
        app.register("ana").await;
        let guesses = (0..100).map(|i| {
            // The account by its username and by its address, in any case: one account.
            let login = match i % 3 {
                0 => "ana",
                1 => "ANA@example.com",
                _ => " Ana ",
            };
            let password = format!("guess number {i}");
            let app = &app;
            async move { sign_in(app, login, &password).await }
        });
        let replies = join_all(guesses).await;
        assert_eq!(tally(&replies), (5, 95, Vec::new()));
        // The right password waits for the window too.
        let r = sign_in(&app, "ana@example.com", PASSWORD).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
        app.clock.advance(15 * 60 + 1);
        let r = sign_in(&app, "ana", PASSWORD).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    })
    .await;
}

#[tokio::test]
async fn the_right_password_among_thirty_sent_at_once_is_checked_only_within_the_limit() {
    each_backend(|app| async move {
        app.register("ana").await;
        // Thirty guesses, the right one last: the first five taken are the only ones checked,
        // so the right one cannot be among the checked unless it was taken among the first five.
        let guesses = (0..30).map(|i| {
            let password = if i == 29 {
                PASSWORD.to_owned()
            } else {
                format!("guess number {i}")
            };
            let app = &app;
            async move { sign_in(app, "ana", &password).await }
        });
        let replies = join_all(guesses).await;
        let signed_in = replies
            .iter()
            .filter(|r| r.status == StatusCode::OK)
            .count();
        let (wrong, limited, other) = tally(&replies);
        assert!(other.len() == signed_in && signed_in <= 1, "{other:?}");
        assert_eq!(
            wrong + signed_in,
            5,
            "checked: {wrong} wrong, {signed_in} right"
        );
        assert_eq!(limited, 25);
    })
    .await;
}

#[tokio::test]
async fn changing_the_address_and_erasing_the_account_count_wrong_passwords_with_sign_in() {
    each_backend(|app| async move {
        let ana = app.register("ana").await;
        let ben = app.register("ben").await;
        // Twenty-five at once on the address change: five are checked.
        let tries = (0..25).map(|i| {
            let app = &app;
            let ana = &ana;
            async move {
                app.post(
                    &routes::me_email(),
                    Some(ana),
                    json!({"email": "ana@new.example", "password": format!("guess {i}")}),
                )
                .await
            }
        });
        assert_eq!(tally(&join_all(tries).await), (5, 20, Vec::new()));
        // The same account's sign-in is limited by them, and the right password too.
        let r = sign_in(&app, "ana", PASSWORD).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
        let r = app
            .post(
                &routes::me_email(),
                Some(&ana),
                json!({"email": "ana@new.example", "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);

        // Erasing an account, one after another: the address has five failures so far (the
        // twenty refused unchecked are not failures from it), so ben's account limit decides.
        let mut replies = Vec::new();
        for i in 0..25 {
            replies.push(
                app.call(
                    Method::DELETE,
                    &routes::me(),
                    Some(&ben),
                    Some(json!({"password": format!("guess {i}")})),
                )
                .await,
            );
        }
        assert_eq!(tally(&replies), (5, 20, Vec::new()));
        assert_eq!(
            app.get(&routes::me(), Some(&ben)).await.status,
            StatusCode::OK
        );
    })
    .await;
}

#[tokio::test]
async fn members_signing_in_from_one_address_do_not_use_up_its_attempts() {
    each_backend(|app| async move {
        let names: Vec<String> = (0..30).map(|i| format!("rider{i}")).collect();
        for name in &names {
            app.register(name).await;
        }
        // Thirty right passwords from one address (the suite's requests all share one): the
        // address's limit of 20 failures is not touched by successes.
        for name in &names {
            let r = sign_in(&app, name, PASSWORD).await;
            assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.text);
        }
        // Failures from the address are counted across accounts: 20, then no more checks.
        let mut replies = Vec::new();
        for name in &names {
            replies.push(sign_in(&app, name, "not the password").await);
        }
        let (wrong, limited, other) = tally(&replies);
        assert_eq!((wrong, limited, other.len()), (20, 10, 0), "{other:?}");
    })
    .await;
}
