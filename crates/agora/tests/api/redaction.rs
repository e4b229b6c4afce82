//! A moderator's edit of someone else's post (a redaction) takes what it removed out of the
//! post's history for everyone but the group's moderators and site staff: the author and the
//! other readers see that a moderator edited it, not the removed text.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::routes;
use crate::support::{TestApp, each_backend};

const SECRET: &str = "555-0100";

async fn edit(app: &TestApp, token: &str, post: i64, body: serde_json::Value) {
    let r = app
        .call(Method::PATCH, &routes::post(post), Some(token), Some(body))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn a_moderators_redaction_is_read_only_by_the_groups_moderators_and_site_staff() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let olga = app.register("olga").await;
        let staff = app.register("staff").await;
        let ana = app.register("ana").await;
        let ben = app.register("ben").await;
        app.call(
            Method::PUT,
            &routes::member_role("staff"),
            Some(&admin),
            Some(json!({"role": "moderator"})),
        )
        .await;
        app.patch(
            &routes::site(),
            Some(&admin),
            json!({"members_may_create_groups": true}),
        )
        .await;
        // Olga owns the group, so she moderates it; she is not site staff.
        app.create_group(&olga, "club", "public").await;
        for token in [&ana, &ben] {
            app.join(token, "club").await;
        }
        let title = format!("Selling my bike, call {SECRET}");
        let (topic, post) = app
            .create_topic(&ana, "club", &title, &format!("Ring {SECRET} after six."))
            .await;
        // The author's own edit, then the group moderator's redaction, then the author again.
        edit(
            &app,
            &ana,
            post,
            json!({"body": format!("Ring {SECRET} after seven.")}),
        )
        .await;
        edit(
            &app,
            &olga,
            post,
            json!({"title": "Selling my bike", "body": "[number removed by a moderator]"}),
        )
        .await;
        edit(&app, &ana, post, json!({"body": "Sorry, ask by message."})).await;

        for (who, token) in [
            ("a guest", None),
            ("the author", Some(ana.as_str())),
            ("a member", Some(ben.as_str())),
        ] {
            let r = app.get(&routes::post_revisions(post), token).await;
            assert_eq!(r.status, StatusCode::OK, "{who}: {}", r.text);
            assert!(
                !r.text.contains(SECRET),
                "{who} reads the removed text: {}",
                r.text
            );
            let shown: Vec<(bool, Option<&str>)> = r
                .body
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|v| (v["redacted"] == true, v["body_markdown"].as_str()))
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(
                shown,
                [
                    (true, None),
                    (true, None),
                    (false, Some("[number removed by a moderator]")),
                ],
                "{who}"
            );
            let history = app.page(&format!("/p/{post}/history"), token).await;
            assert_eq!(history.status, StatusCode::OK, "{who}");
            assert!(!history.text.contains(SECRET), "{who}: {}", history.text);
            assert!(
                history.text.contains("redacted by a moderator"),
                "{who}: {}",
                history.text
            );
        }
        for (who, token) in [
            ("the group's moderator", &olga),
            ("site staff", &staff),
            ("an admin", &admin),
        ] {
            let r = app.get(&routes::post_revisions(post), Some(token)).await;
            let bodies: Vec<&str> = r
                .body
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v["body_markdown"].as_str())
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(bodies.len(), 3, "{who}: {}", r.text);
            assert!(bodies[1].contains(SECRET), "{who}: {}", r.text);
            assert_eq!(r.body[0]["title"].as_str(), Some(title.as_str()), "{who}");
            assert_eq!(r.body[0]["redacted"], true, "{who}");
            let history = app.page(&format!("/p/{post}/history"), Some(token)).await;
            assert!(history.text.contains(SECRET), "{who}");
        }
        // What the topic shows now is what the moderator left.
        let shown = app.get(&routes::topic(topic), None).await;
        assert!(!shown.text.contains(SECRET), "{}", shown.text);
    })
    .await;
}

#[tokio::test]
async fn an_authors_own_edits_stay_readable_to_every_reader() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        app.create_group(&admin, "club", "public").await;
        app.join(&ana, "club").await;
        let (_, post) = app
            .create_topic(&ana, "club", "Tyres", "Studded, first version.")
            .await;
        edit(
            &app,
            &ana,
            post,
            json!({"body": "Studded, second version."}),
        )
        .await;
        let r = app.get(&routes::post_revisions(post), None).await;
        assert_eq!(
            r.body[0]["body_markdown"], "Studded, first version.",
            "{}",
            r.text
        );
        assert_eq!(r.body[0]["redacted"], false);
    })
    .await;
}
