//! Flags on posts and members: one open flag per member and post or member, held by the
//! database even against simultaneous requests, and a limit on flags per member.

use axum::http::StatusCode;
use futures_util::future::join_all;
use serde_json::json;

use crate::routes;
use crate::support::{Reply, TestApp, each_backend, member_id};

/// A public group with a topic by ana (replies `replies` times), and ben and cyd who may
/// flag; returns (admin, ana, ben, cyd, post ids: the opening post first).
async fn scene(app: &TestApp, replies: usize) -> (String, String, String, String, Vec<i64>) {
    let admin = app.register("admin").await;
    let ana = app.register("ana").await;
    let ben = app.register("ben").await;
    let cyd = app.register("cyd").await;
    app.set_trust("ben", 2).await;
    app.create_group(&admin, "club", "public").await;
    app.join(&ana, "club").await;
    let (topic, opening) = app
        .create_topic(&ana, "club", "Bikes for sale", "Cheap.")
        .await;
    let mut posts = vec![opening];
    for n in 0..replies {
        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(&ana),
                json!({"body": format!("And another, number {n}.")}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        posts.push(r.body["id"].as_i64().unwrap_or_default());
    }
    (admin, ana, ben, cyd, posts)
}

async fn flag_post(app: &TestApp, token: &str, post: i64) -> Reply {
    app.post(
        &routes::post_flags(post),
        Some(token),
        json!({"reason": "spam", "note": "An advert."}),
    )
    .await
}

async fn flag_member(app: &TestApp, token: &str, username: &str) -> Reply {
    app.post(
        &routes::member_flags(username),
        Some(token),
        json!({"reason": "spam", "note": "Adverts everywhere."}),
    )
    .await
}

/// Open reports by `by` on the post or member the condition names.
async fn open_reports(app: &TestApp, condition: &str, by: &str) -> i64 {
    let by = member_id(app, by).await.0;
    app.db()
        .count_where(
            "reports",
            &format!("{condition} AND by_id = {by} AND resolved_at IS NULL"),
        )
        .await
}

#[tokio::test]
async fn a_member_flags_a_post_or_a_member_once_while_the_flag_is_open() {
    each_backend(|app| async move {
        let (admin, _ana, ben, _cyd, posts) = scene(&app, 0).await;
        let post = posts[0];
        let r = flag_post(&app, &ben, post).await;
        assert_eq!(
            (r.status, &r.body["hidden"]),
            (StatusCode::CREATED, &json!(false))
        );
        let again = flag_post(&app, &ben, post).await;
        assert_eq!(
            (again.status, again.code()),
            (StatusCode::CONFLICT, "already_flagged"),
            "{}",
            again.text
        );
        assert_eq!(
            open_reports(
                &app,
                &format!("item_kind = 'post' AND item_id = {post}"),
                "ben"
            )
            .await,
            1
        );
        let queue = app.get(&routes::moderation_queue(), Some(&admin)).await;
        assert_eq!(queue.body[0]["flags"], 1, "{}", queue.text);

        let r = flag_member(&app, &ben, "ana").await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let again = flag_member(&app, &ben, "ana").await;
        assert_eq!(
            (again.status, again.code()),
            (StatusCode::CONFLICT, "already_flagged")
        );
        let ana_id = member_id(&app, "ana").await.0;
        assert_eq!(
            open_reports(&app, &format!("member_id = {ana_id}"), "ben").await,
            1
        );
        let members = app.get(&routes::moderation_members(), Some(&admin)).await;
        assert_eq!(members.body[0]["flags"], 1, "{}", members.text);

        // Once a moderator has decided, the member may flag it again.
        let r = app
            .post(
                &routes::post_flags_resolve(post),
                Some(&admin),
                json!({"decision": "dismiss", "reason": "Not an advert."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        assert_eq!(
            flag_post(&app, &ben, post).await.status,
            StatusCode::CREATED
        );
    })
    .await;
}

#[tokio::test]
async fn simultaneous_flags_by_one_member_record_one_flag_and_count_it_once() {
    each_backend(|app| async move {
        let (admin, _ana, ben, _cyd, posts) = scene(&app, 0).await;
        let post = posts[0];
        let answers = join_all((0..8).map(|_| flag_post(&app, &ben, post))).await;
        let mut statuses: Vec<u16> = answers.iter().map(|r| r.status.as_u16()).collect();
        statuses.sort_unstable();
        assert_eq!(
            statuses,
            [201, 409, 409, 409, 409, 409, 409, 409],
            "{answers:?}"
        );
        assert!(
            answers
                .iter()
                .filter(|r| r.status == StatusCode::CONFLICT)
                .all(|r| r.code() == "already_flagged")
        );
        assert_eq!(
            open_reports(
                &app,
                &format!("item_kind = 'post' AND item_id = {post}"),
                "ben"
            )
            .await,
            1
        );
        // One member's eight flags never reach the three it takes to hide a post.
        let shown = app.get(&routes::post(post), None).await;
        assert_eq!(shown.body["state"], "published", "{}", shown.text);
        let queue = app.get(&routes::moderation_queue(), Some(&admin)).await;
        assert_eq!(queue.body[0]["flags"], 1, "{}", queue.text);

        let answers = join_all((0..8).map(|_| flag_member(&app, &ben, "ana"))).await;
        let created = answers
            .iter()
            .filter(|r| r.status == StatusCode::CREATED)
            .count();
        let refused = answers
            .iter()
            .filter(|r| r.code() == "already_flagged")
            .count();
        assert_eq!((created, refused), (1, 7), "{answers:?}");
        let ana_id = member_id(&app, "ana").await.0;
        assert_eq!(
            open_reports(&app, &format!("member_id = {ana_id}"), "ben").await,
            1
        );
    })
    .await;
}

#[tokio::test]
async fn a_member_flags_at_most_twenty_times_an_hour() {
    each_backend(|app| async move {
        let (_admin, _ana, ben, cyd, posts) = scene(&app, 20).await;
        for post in &posts[..20] {
            let r = flag_post(&app, &ben, *post).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        }
        let r = flag_post(&app, &ben, posts[20]).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            "{}",
            r.text
        );
        assert!(r.header("retry-after").is_some_and(|s| s != "0"));
        assert_eq!(
            open_reports(
                &app,
                &format!("item_kind = 'post' AND item_id = {}", posts[20]),
                "ben"
            )
            .await,
            0
        );
        // Flags on members count in the same limit; another member has a limit of their own.
        let r = flag_member(&app, &ben, "ana").await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
        let r = flag_post(&app, &cyd, posts[20]).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        app.clock.advance(3_600);
        let r = flag_post(&app, &ben, posts[20]).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    })
    .await;
}
