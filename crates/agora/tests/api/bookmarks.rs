//! Bookmarks on any item, through the API and the pages: kept with an optional reminder (in
//! the future) and note, listed privately with due reminders first; a bookmark on an item its
//! owner can no longer read leaves the list without a word; in the member's export, and gone
//! with their erasure (with their reactions, whose counts follow).

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use agora_core::time::Timestamp;

use crate::routes;
use crate::support::{PASSWORD, TestApp, csrf_for, each_backend};

/// `admin` owns a public group `club` with a topic by them; `ana` is a member. Their tokens
/// and the topic's id and opening post's.
async fn club(app: &TestApp) -> (String, String, i64, i64) {
    let admin = app.register("admin").await;
    let ana = app.register("ana").await;
    app.create_group(&admin, "club", "public").await;
    app.join(&ana, "club").await;
    let (topic, post) = app
        .create_topic(&admin, "club", "Winter tyres", "Which ones grip on ice?")
        .await;
    (admin, ana, topic, post)
}

async fn put(app: &TestApp, token: Option<&str>, post: i64, body: Value) -> crate::support::Reply {
    app.call(
        Method::PUT,
        &routes::item_bookmark("post", post),
        token,
        Some(body),
    )
    .await
}

/// The ids of the posts on the member's list, in its order.
async fn listed(app: &TestApp, token: &str) -> Vec<i64> {
    let r = app.get(&routes::bookmarks(), Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["bookmarks"]
        .as_array()
        .map(|a| a.iter().filter_map(|b| b["id"].as_i64()).collect())
        .unwrap_or_default()
}

/// `owner` invites `ana` into `inner`, and she accepts.
async fn invite(app: &TestApp, owner: &str, ana: &str) {
    let r = app
        .post(
            &routes::group_invitations("inner"),
            Some(owner),
            json!({"username": "ana"}),
        )
        .await;
    let id = r.body["id"].as_i64().unwrap_or_default();
    let r = app
        .post(&routes::invitation_accept(id), Some(ana), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

fn in_hours(hours: i64) -> String {
    Timestamp::now().plus_seconds(hours * 3600).to_rfc3339()
}

#[tokio::test]
async fn a_member_bookmarks_a_post_with_a_reminder_and_a_note_and_takes_it_off() {
    each_backend(|app| async move {
        let (_, ana, _, post) = club(&app).await;
        let remind = in_hours(2);
        let r = put(
            &app,
            Some(&ana),
            post,
            json!({"remind_at": remind, "note": " for the trip "}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.body["title"], "Winter tyres");
        assert_eq!(r.body["excerpt"], "Which ones grip on ice?");
        assert_eq!(r.body["author"], "admin");
        assert_eq!(r.body["url"], format!("/p/{post}"));
        assert_eq!(r.body["note"], "for the trip");
        assert_eq!(r.body["due"], false);
        assert!(r.body["remind_at"].is_string());
        assert_eq!(listed(&app, &ana).await, [post]);

        // A second replaces the reminder and the note.
        let r = put(&app, Some(&ana), post, json!({})).await;
        assert_eq!(
            (r.body["remind_at"].is_null(), r.body["note"].as_str()),
            (true, Some(""))
        );
        assert_eq!(listed(&app, &ana).await, [post]);

        for (body, field, code) in [
            (
                json!({"remind_at": in_hours(-1)}),
                "remind_at",
                "in_the_past",
            ),
            (
                json!({"remind_at": "next tuesday"}),
                "remind_at",
                "invalid_format",
            ),
            (json!({"note": "x".repeat(201)}), "note", "too_long"),
        ] {
            let r = put(&app, Some(&ana), post, body).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
            assert_eq!(
                (r.body["error"]["field"].as_str(), r.code()),
                (Some(field), code)
            );
        }
        assert_eq!(
            put(&app, None, post, json!({})).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.get(&routes::bookmarks(), None).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            put(&app, Some(&ana), post + 1_000, json!({})).await.status,
            StatusCode::NOT_FOUND
        );

        let path = routes::item_bookmark("post", post);
        assert_eq!(
            app.delete(&path, Some(&ana)).await.status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            app.delete(&path, Some(&ana)).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(listed(&app, &ana).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn due_reminders_come_first_and_are_marked_due() {
    each_backend(|app| async move {
        let (admin, ana, topic, first) = club(&app).await;
        let mut posts = vec![first];
        for body in ["Nokian.", "Schwalbe."] {
            let r = app
                .post(
                    &routes::topic_posts(topic),
                    Some(&admin),
                    json!({"body": body}),
                )
                .await;
            posts.push(r.body["id"].as_i64().unwrap_or_default());
        }
        put(
            &app,
            Some(&ana),
            posts[0],
            json!({"remind_at": in_hours(5)}),
        )
        .await;
        put(&app, Some(&ana), posts[1], json!({})).await;
        put(
            &app,
            Some(&ana),
            posts[2],
            json!({"remind_at": in_hours(1)}),
        )
        .await;
        // Nothing due yet: the newest first.
        assert_eq!(listed(&app, &ana).await, [posts[2], posts[1], posts[0]]);

        app.clock.advance(3 * 3600);
        assert_eq!(listed(&app, &ana).await, [posts[2], posts[1], posts[0]]);
        let r = app.get(&routes::bookmarks(), Some(&ana)).await;
        assert_eq!(r.body["bookmarks"][0]["due"], true, "{}", r.text);
        assert_eq!(r.body["bookmarks"][1]["due"], false);

        app.clock.advance(3 * 3600);
        // Both due, the longest due first, then the one without a reminder.
        assert_eq!(listed(&app, &ana).await, [posts[2], posts[0], posts[1]]);
        let page1 = app
            .get(&format!("{}?limit=2", routes::bookmarks()), Some(&ana))
            .await;
        let cursor = page1.body["next_cursor"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let page2 = app
            .get(
                &format!("{}?limit=2&cursor={cursor}", routes::bookmarks()),
                Some(&ana),
            )
            .await;
        assert_eq!(page2.body["bookmarks"][0]["id"], posts[1], "{}", page2.text);
        assert!(page2.body["next_cursor"].is_null());

        let page = app.page("/bookmarks", Some(&ana)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert_eq!(
            page.text.matches("class=\"badge due\"").count(),
            2,
            "{}",
            page.text
        );
    })
    .await;
}

#[tokio::test]
async fn a_bookmark_on_a_post_its_owner_can_no_longer_read_leaves_the_list_silently() {
    each_backend(|app| async move {
        let owner = app.register("owner").await;
        let ana = app.register("ana").await;
        app.create_group(&owner, "inner", "closed").await;
        invite(&app, &owner, &ana).await;
        let (_, post) = app
            .create_topic(&owner, "inner", "Zanzibar plans", "Quokka numbers.")
            .await;
        let r = put(&app, Some(&ana), post, json!({"note": "quokka"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(listed(&app, &ana).await, [post]);

        let r = app
            .post(&routes::group_leave("inner"), Some(&ana), json!({}))
            .await;
        assert!(r.status.is_success(), "{}", r.text);
        let list = app.get(&routes::bookmarks(), Some(&ana)).await;
        assert_eq!(list.body, json!({"bookmarks": [], "next_cursor": null}));
        let page = app.page("/bookmarks", Some(&ana)).await;
        assert!(
            !page.text.contains("Zanzibar") && !page.text.contains("quokka"),
            "{}",
            page.text
        );
        // Neither changing nor removing it says the post exists.
        let nothing = put(&app, Some(&ana), 999_999, json!({})).await;
        let r = put(&app, Some(&ana), post, json!({})).await;
        assert_eq!((r.status, &r.text), (StatusCode::NOT_FOUND, &nothing.text));
        let r = app
            .delete(&routes::item_bookmark("post", post), Some(&ana))
            .await;
        assert_eq!((r.status, &r.text), (StatusCode::NOT_FOUND, &nothing.text));
        let r = app
            .page(&format!("/items/post/{post}/bookmark"), Some(&ana))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // Back in the group, it is there again.
        invite(&app, &owner, &ana).await;
        assert_eq!(listed(&app, &ana).await, [post]);
    })
    .await;
}

#[tokio::test]
async fn bookmark_pages_work_without_javascript() {
    each_backend(|app| async move {
        let (_, ana, topic, post) = club(&app).await;
        let csrf = csrf_for(&ana);
        let topic_page = app
            .page(&format!("/t/{topic}/winter-tyres"), Some(&ana))
            .await;
        assert!(
            topic_page
                .text
                .contains(&format!("action=\"/items/post/{post}/bookmark\""))
        );
        assert!(
            topic_page.text.contains("href=\"/bookmarks\""),
            "linked in the header"
        );
        let form = format!("/items/post/{post}/bookmark");
        let r = app
            .form(&form, Some(&ana), &[("csrf", &csrf), ("action", "save")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        assert_eq!(r.header("location"), Some(format!("/p/{post}").as_str()));
        let topic_page = app
            .page(&format!("/t/{topic}/winter-tyres"), Some(&ana))
            .await;
        assert!(
            topic_page
                .text
                .contains(&format!("href=\"/items/post/{post}/bookmark\">Bookmarked"))
        );

        let edit = app.page(&form, Some(&ana)).await;
        assert_eq!(edit.status, StatusCode::OK, "{}", edit.text);
        assert!(
            edit.text.contains("type=\"datetime-local\""),
            "{}",
            edit.text
        );
        let past = app
            .form(
                &form,
                Some(&ana),
                &[
                    ("csrf", &csrf),
                    ("action", "save"),
                    ("remind_at", "2001-01-01T10:00"),
                    ("note", "ice"),
                ],
            )
            .await;
        assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            past.text.contains("in the future") && past.text.contains("value=\"ice\""),
            "{}",
            past.text
        );
        let later = Timestamp::now().plus_seconds(86_400).to_datetime();
        let local = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}",
            later.year(),
            u8::from(later.month()),
            later.day(),
            later.hour(),
            later.minute()
        );
        let r = app
            .form(
                &form,
                Some(&ana),
                &[
                    ("csrf", &csrf),
                    ("action", "save"),
                    ("remind_at", &local),
                    ("note", "ice"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let list = app.page("/bookmarks", Some(&ana)).await;
        assert!(
            list.text.contains("Winter tyres") && list.text.contains("Note: ice"),
            "{}",
            list.text
        );
        assert!(list.text.contains(&format!("href=\"/p/{post}\"")));

        let r = app
            .form(
                &form,
                Some(&ana),
                &[("csrf", &csrf), ("action", "remove"), ("back", "list")],
            )
            .await;
        assert_eq!(r.header("location"), Some("/bookmarks?notice=removed"));
        let list = app.page("/bookmarks", Some(&ana)).await;
        assert!(list.text.contains("No bookmarks yet"), "{}", list.text);
        assert_eq!(
            app.page("/bookmarks", None).await.status,
            StatusCode::SEE_OTHER,
            "a guest is sent to sign in"
        );
    })
    .await;
}

#[tokio::test]
async fn reactions_and_bookmarks_are_exported_and_erased_with_the_member() {
    each_backend(|app| async move {
        let (_, ana, _, post) = club(&app).await;
        let ben = app.register("ben").await;
        let like = json!({"emoji": "❤️"});
        app.post(
            &routes::item_reactions("post", post),
            Some(&ana),
            like.clone(),
        )
        .await;
        app.post(&routes::item_reactions("post", post), Some(&ben), like)
            .await;
        put(&app, Some(&ana), post, json!({"note": "tyres"})).await;

        let a = app.get(&routes::me_export(), Some(&ana)).await.body;
        assert_eq!(a["kinds"]["reactions"][0]["item"], format!("post/{post}"));
        assert_eq!(a["kinds"]["reactions"][0]["emoji"], "❤️");
        assert_eq!(a["kinds"]["bookmarks"][0]["note"], "tyres");

        let r = app
            .call(
                Method::DELETE,
                &routes::me(),
                Some(&ana),
                Some(json!({"password": PASSWORD})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        assert_eq!(app.db().count_rows("bookmarks").await, 0);
        assert_eq!(
            app.db().count_rows("reactions").await,
            1,
            "ben's like stays"
        );
        let who = app.get(&routes::item_reactions("post", post), None).await;
        assert_eq!(who.body["reactions"][0]["count"], 1, "{}", who.text);
        assert_eq!(who.body["reactors"].as_array().map(Vec::len), Some(1));
    })
    .await;
}
