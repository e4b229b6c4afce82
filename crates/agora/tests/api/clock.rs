//! What time does: the application's clock is moved forward, and what should end, ends.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::routes;
use crate::support::{PASSWORD, each_backend};

const DAY: i64 = 86_400;

#[tokio::test]
async fn a_seven_day_suspension_ends_by_itself_after_seven_days() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        app.create_group(&admin, "club", "public").await;
        app.join(&ana, "club").await;
        let r = app
            .post(
                &routes::member_sanctions("ana"),
                Some(&admin),
                json!({"kind": "suspension", "reason": "Insults in the Rides thread.", "days": 7}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let topic = json!({"title": "Back again", "body": "Hello everyone"});

        app.clock.advance(7 * DAY - 60);
        let r = app
            .post(&routes::group_topics("club"), Some(&ana), topic.clone())
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "suspended"),
            "a minute before the end: {}",
            r.text
        );
        let mine = app.get(&routes::me_sanctions(), Some(&ana)).await;
        assert_eq!(mine.body[0]["active"], true);

        app.clock.advance(120);
        let r = app
            .post(&routes::group_topics("club"), Some(&ana), topic)
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "a minute after: {}", r.text);
        let mine = app.get(&routes::me_sanctions(), Some(&ana)).await;
        assert_eq!(mine.body[0]["active"], false, "{}", mine.text);
        let page = app.page("/sanctions", Some(&ana)).await;
        assert!(
            page.text.contains("Insults in the Rides thread."),
            "{}",
            page.text
        );
        assert!(
            !page.text.contains("in force"),
            "the page shows it over: {}",
            page.text
        );
    })
    .await;
}

/// A session lasts 30 days without use: each use moves its end 30 days past that use.
#[tokio::test]
async fn a_session_lasts_while_it_is_used_and_ends_after_thirty_days_unused() {
    each_backend(|app| async move {
        let ana = app.register("ana").await;
        for day in [29, 58] {
            app.clock.advance(29 * DAY);
            let r = app.get(&routes::me(), Some(&ana)).await;
            assert_eq!(
                r.status,
                StatusCode::OK,
                "used again on day {day}: {}",
                r.text
            );
        }
        app.clock.advance(30 * DAY + 60);
        let r = app.get(&routes::me(), Some(&ana)).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNAUTHORIZED, "invalid_token"),
            "30 days unused: {}",
            r.text
        );
        let r = app
            .call(
                Method::POST,
                &routes::auth_login(),
                None,
                Some(json!({"login": "ana", "password": PASSWORD})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "signing in again: {}", r.text);
    })
    .await;
}

#[tokio::test]
async fn sign_in_reopens_when_the_fifteen_minute_window_is_over() {
    each_backend(|app| async move {
        app.register("ana").await;
        let wrong = json!({"login": "ana", "password": "wrong password!"});
        for _ in 0..5 {
            let r = app.post(&routes::auth_login(), None, wrong.clone()).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
        let right = json!({"login": "ana", "password": PASSWORD});
        let r = app.post(&routes::auth_login(), None, right.clone()).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);

        app.clock.advance(14 * 60);
        let r = app.post(&routes::auth_login(), None, right.clone()).await;
        assert_eq!(
            r.status,
            StatusCode::TOO_MANY_REQUESTS,
            "after 14 minutes: {}",
            r.text
        );
        app.clock.advance(61);
        let r = app.post(&routes::auth_login(), None, right).await;
        assert_eq!(r.status, StatusCode::OK, "after 15: {}", r.text);
    })
    .await;
}
