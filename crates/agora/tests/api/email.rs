//! Mail a member gets: the verification link (read the mail, follow the link),
//! password reset, and changing the address.

use axum::http::StatusCode;
use serde_json::json;

use crate::routes;
use crate::support::{PASSWORD, each_backend, token_of};

#[tokio::test]
async fn a_new_member_reads_but_cannot_post_until_following_the_link_in_the_mail() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "club", "public").await;
        let ana = app.register_unverified("ana").await;
        assert_eq!(
            app.get(&routes::me(), Some(&ana)).await.body["email_verified"],
            false
        );

        let mails = app.mailbox().mails_to("ana@example.com");
        assert_eq!(mails.len(), 1);
        assert!(
            mails[0].contains("Subject: Confirm your email address"),
            "{}",
            mails[0]
        );
        assert!(mails[0].contains("From: agora <noreply@agora.test>"));

        assert_eq!(
            app.join(&ana, "club").await.body["state"],
            "member",
            "joining is reading"
        );
        assert_eq!(
            app.get(&routes::group_topics("club"), Some(&ana))
                .await
                .status,
            StatusCode::OK
        );
        let r = app
            .post(
                &routes::group_topics("club"),
                Some(&ana),
                json!({"title": "Hello there", "body": "Hi"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "email_unverified")
        );
        assert_eq!(app.db().count_rows("topics").await, 0);

        let r = app
            .post(&routes::auth_verify_resend(), Some(&ana), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(app.mailbox().mails_to("ana@example.com").len(), 2);

        // The page a member lands on from the mail.
        let token = app
            .mailbox()
            .mailed_token("ana@example.com", "/verify/")
            .unwrap_or_default();
        // Opening it (as a mail scanner would) only asks; the button confirms.
        let page = app.page(&format!("/verify/{token}"), None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(page.text.contains("Confirm my address"), "{}", page.text);
        assert_eq!(
            app.get(&routes::me(), Some(&ana)).await.body["email_verified"],
            false
        );
        let page = app.form(&format!("/verify/{token}"), None, &[]).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(page.text.contains("confirmed"), "{}", page.text);
        let again = app.form(&format!("/verify/{token}"), None, &[]).await;
        assert_eq!(again.status, StatusCode::NOT_FOUND, "a link works once");

        assert_eq!(
            app.get(&routes::me(), Some(&ana)).await.body["email_verified"],
            true
        );
        let r = app
            .post(
                &routes::group_topics("club"),
                Some(&ana),
                json!({"title": "Hello there", "body": "Hi"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    })
    .await;
}

#[tokio::test]
async fn a_password_reset_by_mail_never_reveals_whether_an_account_exists() {
    each_backend(|app| async move {
        let old_session = app.register("ana").await;
        for login in ["ana", "nobody-here", "ANA@example.com"] {
            let r = app
                .post(
                    &routes::auth_password_reset(),
                    None,
                    json!({"login": login}),
                )
                .await;
            assert_eq!(
                (r.status, r.text.as_str()),
                (StatusCode::ACCEPTED, ""),
                "{login}"
            );
        }
        let resets: Vec<String> = app
            .mailbox()
            .mails_to("ana@example.com")
            .into_iter()
            .filter(|m| m.contains("Subject: Reset your password"))
            .collect();
        assert_eq!(
            resets.len(),
            2,
            "one per request for the real account, none for the other"
        );

        let token = app
            .mailbox()
            .mailed_token("ana@example.com", "/reset/")
            .unwrap_or_default();
        let r = app
            .post(
                &routes::auth_password_reset_confirm(),
                None,
                json!({"token": token, "password": "short"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "too_short")
        );
        let r = app
            .post(
                &routes::auth_password_reset_confirm(),
                None,
                json!({"token": token, "password": "a brand new password"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        let r = app
            .post(
                &routes::auth_password_reset_confirm(),
                None,
                json!({"token": token, "password": "yet another password"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::NOT_FOUND, "invalid_link"),
            "single use"
        );

        assert_eq!(
            app.get(&routes::me(), Some(&old_session)).await.status,
            StatusCode::UNAUTHORIZED,
            "old sessions end"
        );
        let r = app
            .post(
                &routes::auth_login(),
                None,
                json!({"login": "ana", "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let r = app
            .post(
                &routes::auth_login(),
                None,
                json!({"login": "ana", "password": "a brand new password"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);

        let r = app
            .post(
                &routes::auth_password_reset(),
                None,
                json!({"login": "ana@example.com"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "the third this hour");
        let r = app
            .post(
                &routes::auth_password_reset(),
                None,
                json!({"login": "ana"}),
            )
            .await;
        assert_eq!(
            (r.status, r.text.as_str()),
            (StatusCode::ACCEPTED, ""),
            "past three an hour per account the answer stays the same, and nothing is mailed"
        );
        let resets = app
            .mailbox()
            .mails_to("ana@example.com")
            .into_iter()
            .filter(|m| m.contains("Subject: Reset your password"))
            .count();
        assert_eq!(resets, 3);
    })
    .await;
}

#[tokio::test]
async fn changing_the_email_address_verifies_the_new_one_before_it_counts() {
    each_backend(|app| async move {
        let ana = app.register("ana").await;
        app.register("ben").await;
        let r = app
            .post(
                &routes::me_email(),
                Some(&ana),
                json!({"email": "ana@new.example", "password": "wrong password"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code(), r.body["error"]["field"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "wrong_password",
                Some("password")
            )
        );
        // Ben's confirmed address is answered like any other; Ben hears of it, Ana gets nothing.
        let r = app
            .post(
                &routes::me_email(),
                Some(&ana),
                json!({"email": "ben@example.com", "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
        let to_ben = app.mailbox().mails_to("ben@example.com");
        assert!(
            to_ben.last().is_some_and(
                |m| m.contains("Someone tried to use your address") && !m.contains("/verify/")
            ),
            "{to_ben:?}"
        );
        let r = app
            .post(
                &routes::me_email(),
                Some(&ana),
                json!({"email": "ana@mailinator.com", "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.code(), "disposable_email");

        let r = app
            .post(
                &routes::me_email(),
                Some(&ana),
                json!({"email": "Ana@New.Example", "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
        assert_eq!(
            app.get(&routes::me(), Some(&ana)).await.body["email"],
            "ana@example.com",
            "unchanged until confirmed"
        );
        app.verify("ana@new.example").await;
        let me = app.get(&routes::me(), Some(&ana)).await;
        assert_eq!(
            (
                me.body["email"].as_str(),
                me.body["email_verified"].as_bool()
            ),
            (Some("ana@new.example"), Some(true))
        );
        let r = app
            .post(
                &routes::auth_login(),
                None,
                json!({"login": "ana@new.example", "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!token_of(&r).is_empty());
    })
    .await;
}
