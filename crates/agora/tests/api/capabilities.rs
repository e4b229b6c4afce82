//! The capabilities a topic returns are the item rule the use cases enforce: for every
//! viewer, a post offers an action exactly when trying it succeeds.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::routes;
use crate::support::each_backend;

fn post_in(topic: &Value, id: i64) -> Value {
    topic["posts"]
        .as_array()
        .and_then(|posts| posts.iter().find(|p| p["id"] == id).cloned())
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn every_offered_action_is_accepted_and_every_other_refused() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        let ben = app.register("ben").await;
        let outsider = app.register("olga").await;
        let unverified = app.register_unverified("uma").await;
        app.create_group(&admin, "club", "public").await;
        for t in [&ana, &ben, &unverified] {
            app.join(t, "club").await;
        }
        let (topic, _) = app
            .create_topic(&ana, "club", "Chain wear", "How often do you change it?")
            .await;
        let viewers: [(&str, Option<&str>); 6] = [
            ("guest", None),
            ("author", Some(&ana)),
            ("member", Some(&ben)),
            ("outsider", Some(&outsider)),
            ("unverified", Some(&unverified)),
            ("admin", Some(&admin)),
        ];
        let mut offered = 0;
        for (name, token) in viewers {
            for action in ["edit", "flag", "delete", "react"] {
                let r = app
                    .post(
                        &routes::topic_posts(topic),
                        Some(&ana),
                        json!({"body": format!("Every 3,000 km, says {name} before {action}.")}),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
                let post = r.body["id"].as_i64().unwrap_or_default();
                let shown = app
                    .get(&format!("/api/v1/topics/{topic}?from=1&limit=100"), token)
                    .await;
                let caps = post_in(&shown.body, post)["capabilities"].clone();
                let may = caps[action].as_bool();
                assert!(may.is_some(), "{name}: no {action} in {caps}");
                let tried = match action {
                    "edit" => {
                        app.patch(
                            &routes::post(post),
                            token,
                            json!({"body": "Every 2,000 km."}),
                        )
                        .await
                    }
                    "flag" => {
                        app.post(
                            &routes::post_flags(post),
                            token,
                            json!({"reason": "off_topic"}),
                        )
                        .await
                    }
                    "react" => {
                        app.post(
                            &routes::item_reactions("post", post),
                            token,
                            json!({"emoji": "👍"}),
                        )
                        .await
                    }
                    _ => app.delete(&routes::post(post), token).await,
                };
                assert_eq!(
                    tried.status.is_success(),
                    may == Some(true),
                    "{name} {action}: offered {may:?}, answered {} {}",
                    tried.status,
                    tried.text
                );
                offered += usize::from(may == Some(true));
            }
        }
        // author: edit, delete; member, outsider (a reader of a public group) and the
        // unverified: flag; member, outsider and admin: react; admin: edit, flag, delete.
        assert_eq!(offered, 11);
    })
    .await;
}

#[tokio::test]
async fn a_held_post_is_marked_held_for_moderators_and_absent_for_others() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        app.create_group(&admin, "club", "public").await;
        app.join(&ana, "club").await;
        let (topic, _) = app
            .create_topic(&admin, "club", "Spring tune-ups", "Book yours.")
            .await;
        let nina = app.register_newcomer("nina").await;
        app.join(&nina, "club").await;
        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(&nina),
                json!({"body": "My shop: https://shop.example"}),
            )
            .await;
        assert_eq!(r.code(), "held_for_review", "{}", r.text);

        let seen = app.get(&routes::topic(topic), Some(&admin)).await;
        let held = &seen.body["posts"][1];
        assert_eq!(held["state"], "held", "{}", seen.text);
        assert_eq!(held["capabilities"]["read"], true);
        assert_eq!(held["capabilities"]["restore"], true);
        assert_eq!(held["capabilities"]["flag"], false);
        assert!(
            held["body_markdown"]
                .as_str()
                .unwrap_or("")
                .contains("shop.example")
        );

        for token in [None, Some(ana.as_str())] {
            let seen = app.get(&routes::topic(topic), token).await;
            let placeholder = &seen.body["posts"][1];
            assert_eq!(placeholder["capabilities"]["read"], false, "{}", seen.text);
            assert_eq!(placeholder["body_markdown"], "");
            assert!(!seen.text.contains("shop.example"), "{}", seen.text);
        }
        // Its author reads it where they wrote it, marked held, and can do nothing else.
        let mine = app.get(&routes::topic(topic), Some(&nina)).await;
        let own = &mine.body["posts"][1];
        assert_eq!(
            (
                own["state"].as_str(),
                own["capabilities"]["read"].as_bool(),
                own["capabilities"]["edit"].as_bool()
            ),
            (Some("held"), Some(true), Some(false)),
            "{}",
            mine.text
        );
        let page = app
            .page(&format!("/t/{topic}/spring-tune-ups"), Some(&nina))
            .await;
        assert!(
            page.text.contains("Your post waits for a moderator"),
            "{}",
            page.text
        );
        let page = app
            .page(&format!("/t/{topic}/spring-tune-ups"), Some(&admin))
            .await;
        assert!(page.text.contains("Held for review"), "{}", page.text);
        assert!(page.text.contains(">Approve</button>"), "{}", page.text);

        // Approving it publishes it for everyone.
        let id = held["id"].as_i64().unwrap_or_default();
        let r = app
            .post(&routes::post_restore(id), Some(&admin), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.body["state"], "published");
        let seen = app.get(&routes::topic(topic), None).await;
        assert!(seen.text.contains("shop.example"), "{}", seen.text);
    })
    .await;
}

#[tokio::test]
async fn the_topic_page_says_why_a_member_cannot_reply() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let uma = app.register_unverified("uma").await;
        app.create_group(&admin, "club", "public").await;
        app.join(&uma, "club").await;
        let (topic, _) = app
            .create_topic(&admin, "club", "Night rides", "Lights on.")
            .await;
        let page = app
            .page(&format!("/t/{topic}/night-rides"), Some(&uma))
            .await;
        assert!(
            page.text.contains("Confirm your email address first"),
            "{}",
            page.text
        );
        assert!(!page.text.contains("Post reply"), "{}", page.text);
    })
    .await;
}
