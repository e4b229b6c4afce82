//! Topic lists sorted by top over a period (replies written in it) and unanswered (no reply
//! from anyone but the author), in a group and site-wide, in the API and on the pages: the
//! order, paging, a secret group's topics kept from non-members, and bad values refused.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::mentions::admit;
use crate::routes;
use crate::support::{TestApp, each_backend};
use crate::trust::reply;

const DAY: i64 = 86_400_000_000;

/// The titles of a topic list's answer, in order.
fn titles(list: &Value) -> Vec<String> {
    list["topics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| t["title"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Moves posts `days` days into the past.
async fn age(app: &TestApp, posts: &[i64], days: i64) {
    let ids: Vec<String> = posts.iter().map(i64::to_string).collect();
    let sql = format!(
        "UPDATE posts SET created_at = created_at - {} WHERE id IN ({})",
        days * DAY,
        ids.join(", ")
    );
    app.db().execute_sql(&sql).await;
}

/// Replies `n` times to `topic` as `token`; the replies' ids.
async fn replies(app: &TestApp, token: &str, topic: i64, n: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let r = reply(app, token, topic, &format!("Reply number {i}.")).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        ids.push(r.body["id"].as_i64().unwrap_or_default());
    }
    ids
}

/// A public group `club` whose topics' activity is spread over forty days: Anvil (three
/// replies 40 days ago, one today), Bolt (one reply 20 days ago) and Clamp (two replies 20
/// days ago), and Drill, opened today without replies. Returns (admin, ben).
async fn scene(app: &TestApp) -> (String, String) {
    let admin = app.register("admin").await;
    let ben = app.register("ben").await;
    app.create_group(&admin, "club", "public").await;
    app.join(&ben, "club").await;
    let (anvil, anvil_opening) = app.create_topic(&admin, "club", "Anvil", "Heavy.").await;
    let old = replies(app, &ben, anvil, 3).await;
    age(app, &[&[anvil_opening], &old[..]].concat(), 40).await;
    for (title, n) in [("Bolt", 1), ("Clamp", 2)] {
        let (topic, opening) = app.create_topic(&admin, "club", title, "Useful.").await;
        let ids = replies(app, &ben, topic, n).await;
        age(app, &[&[opening], &ids[..]].concat(), 20).await;
    }
    app.create_topic(&admin, "club", "Drill", "Loud.").await;
    replies(app, &ben, anvil, 1).await;
    (admin, ben)
}

#[tokio::test]
async fn top_ranks_topics_by_the_replies_written_in_the_period_and_leaves_older_activity_out() {
    each_backend(|app| async move {
        let (_, ben) = scene(&app).await;
        for (period, expected) in [
            ("day", vec!["Anvil", "Drill"]),
            ("week", vec!["Anvil", "Drill"]),
            ("month", vec!["Clamp", "Bolt", "Anvil", "Drill"]),
            ("year", vec!["Anvil", "Clamp", "Bolt", "Drill"]),
            ("all", vec!["Anvil", "Clamp", "Bolt", "Drill"]),
        ] {
            let group = format!("{}?sort=top&period={period}", routes::group_topics("club"));
            let r = app.get(&group, None).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            assert_eq!(titles(&r.body), expected, "{period} in the group");
            let latest = format!("{}?sort=top&period={period}", routes::latest());
            let r = app.get(&latest, Some(&ben)).await;
            assert_eq!(titles(&r.body), expected, "{period} site-wide");
        }
        // A week unless told.
        let r = app
            .get(&format!("{}?sort=top", routes::latest()), None)
            .await;
        assert_eq!(titles(&r.body), ["Anvil", "Drill"]);

        // Pages continue after their last topic, in the group and site-wide.
        for list in [routes::group_topics("club"), routes::latest()] {
            let first = app
                .get(&format!("{list}?sort=top&period=month&limit=3"), None)
                .await;
            assert_eq!(titles(&first.body), ["Clamp", "Bolt", "Anvil"], "{list}");
            let cursor = first.body["next_cursor"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let next = app
                .get(
                    &format!("{list}?sort=top&period=month&limit=3&cursor={cursor}"),
                    None,
                )
                .await;
            assert_eq!(titles(&next.body), ["Drill"], "{list}");
            assert!(next.body["next_cursor"].is_null(), "{}", next.text);
        }

        // The pages: the order's links, the period chosen by a GET form, paging kept in order.
        for page in [
            "/g/club?sort=top&period=month",
            "/latest?sort=top&period=month",
        ] {
            let r = app.page(page, None).await;
            assert_eq!(r.status, StatusCode::OK, "{page}: {}", r.text);
            let at = |title: &str| r.text.find(&format!(">{title}</a>")).unwrap_or(usize::MAX);
            assert!(
                at("Clamp") < at("Bolt") && at("Bolt") < at("Anvil") && at("Anvil") < at("Drill"),
                "{page}: {}",
                r.text
            );
            assert!(
                r.text.contains(r#"<form class="sortform" method="get""#),
                "{page}"
            );
            assert!(
                r.text.contains(r#"<option value="month" selected>"#),
                "{page}"
            );
            assert!(r.text.contains(r#"aria-current="true">Top</a>"#), "{page}");
        }
    })
    .await;
}

#[tokio::test]
async fn reactions_on_a_topics_posts_count_in_its_top_score_in_their_period_and_all_time() {
    each_backend(|app| async move {
        let (_, ben) = scene(&app).await;
        let drill = app
            .db()
            .scalar(
                "SELECT p.id FROM posts p JOIN topics t ON t.id = p.topic_id \
                 WHERE t.title = 'Drill' AND p.number = 1",
            )
            .await;
        let path = routes::item_reactions("post", drill);
        let react = |emoji: &'static str| {
            let (app, ben, path) = (&app, &ben, &path);
            async move {
                let r = app.post(path, Some(ben), json!({ "emoji": emoji })).await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            }
        };
        let top = |period: &'static str| {
            let app = &app;
            async move {
                let group = format!("{}?sort=top&period={period}", routes::group_topics("club"));
                let in_group = titles(&app.get(&group, None).await.body);
                let latest = format!("{}?sort=top&period={period}", routes::latest());
                assert_eq!(
                    titles(&app.get(&latest, None).await.body),
                    in_group,
                    "{period}: site-wide as in the group"
                );
                in_group
            }
        };
        // Drill has no reply; three reactions today put it above Anvil's one reply today,
        // and between Anvil (4 replies) and Clamp (2) of all time.
        for emoji in ["❤️", "👍", "🎉"] {
            react(emoji).await;
        }
        assert_eq!(top("week").await, ["Drill", "Anvil"]);
        assert_eq!(top("all").await, ["Anvil", "Drill", "Clamp", "Bolt"]);
        // One taken back counts no more: two, level with Clamp, and the newer first.
        let r = app
            .delete(&format!("{path}?emoji=%F0%9F%8E%89"), Some(&ben))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(top("all").await, ["Anvil", "Drill", "Clamp", "Bolt"]);
        // Reactions given 20 days ago count in the month, not in the week.
        app.db()
            .execute_sql(&format!(
                "UPDATE reactions SET created_at = created_at - {}",
                20 * DAY
            ))
            .await;
        assert_eq!(top("week").await, ["Anvil", "Drill"]);
        // Level with Clamp again (two each) and newer: first.
        assert_eq!(top("month").await, ["Drill", "Clamp", "Bolt", "Anvil"]);
    })
    .await;
}

#[tokio::test]
async fn unanswered_lists_only_topics_no_one_but_their_author_replied_to_newest_first() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ben = app.register("ben").await;
        app.create_group(&admin, "club", "public").await;
        app.join(&ben, "club").await;
        let (quiet, _) = app
            .create_topic(&admin, "club", "Quiet one", "Anyone?")
            .await;
        let (alone, _) = app
            .create_topic(&admin, "club", "Talking alone", "Hello?")
            .await;
        replies(&app, &admin, alone, 1).await;
        let (answered, _) = app.create_topic(&admin, "club", "Answered", "Help?").await;
        replies(&app, &ben, answered, 1).await;
        let (held, _) = app
            .create_topic(&admin, "club", "Held answer", "Help me?")
            .await;
        app.create_topic(&admin, "club", "Newest", "Hi?").await;
        // A reply held for review answers the topic once it is approved.
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"trust": {"new_posts_held": 1}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let nell = app.register_newcomer("nell").await;
        app.join(&nell, "club").await;
        let r = reply(&app, &nell, held, "Try this.").await;
        assert_eq!(r.code(), "held_for_review", "{}", r.text);
        let waiting = ["Newest", "Held answer", "Talking alone", "Quiet one"];
        for list in [routes::group_topics("club"), routes::latest()] {
            let r = app.get(&format!("{list}?sort=unanswered"), None).await;
            assert_eq!(titles(&r.body), waiting, "{list}");
        }
        let post = r.body["post_id"].as_i64().unwrap_or_default();
        let r = app
            .post(
                &routes::post_flags_resolve(post),
                Some(&admin),
                json!({"decision": "approve", "reason": "Fine."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        for list in [routes::group_topics("club"), routes::latest()] {
            let r = app
                .get(&format!("{list}?sort=unanswered&limit=2"), None)
                .await;
            assert_eq!(titles(&r.body), ["Newest", "Talking alone"], "{list}");
            let cursor = r.body["next_cursor"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let r = app
                .get(
                    &format!("{list}?sort=unanswered&limit=2&cursor={cursor}"),
                    None,
                )
                .await;
            assert_eq!(titles(&r.body), ["Quiet one"], "{list}");
        }
        let page = app.page("/g/club?sort=unanswered", None).await;
        assert!(
            page.text.contains(">Quiet one</a>") && !page.text.contains(">Answered</a>"),
            "{}",
            page.text
        );
        assert!(
            app.get(&routes::topic(quiet), None)
                .await
                .status
                .is_success()
        );
    })
    .await;
}

#[tokio::test]
async fn a_secret_groups_topics_reach_no_non_member_in_any_order() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        let ben = app.register("ben").await;
        app.create_group(&admin, "club", "public").await;
        app.create_group(&admin, "vault", "secret").await;
        admit(&app, &admin, "vault", "ana", &ana).await;
        let (secret, _) = app
            .create_topic(&admin, "vault", "Launch plans", "Shh.")
            .await;
        replies(&app, &ana, secret, 3).await;
        app.create_topic(&admin, "vault", "Unanswered secret", "Shh?")
            .await;
        app.create_topic(&admin, "club", "Open talk", "Hi.").await;

        let orders = [
            "latest",
            "unanswered",
            "top&period=day",
            "top&period=week",
            "top&period=month",
            "top&period=year",
            "top&period=all",
        ];
        for order in orders {
            for viewer in [None, Some(ben.as_str())] {
                let r = app
                    .get(&format!("{}?sort={order}", routes::latest()), viewer)
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{order}: {}", r.text);
                assert_eq!(titles(&r.body), ["Open talk"], "{order} for {viewer:?}");
                let page = app.page(&format!("/latest?sort={order}"), viewer).await;
                assert!(
                    !page.text.contains("Launch plans") && !page.text.contains("secret"),
                    "{order}"
                );
                let r = app
                    .get(
                        &format!("{}?sort={order}", routes::group_topics("vault")),
                        viewer,
                    )
                    .await;
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{order}: {}", r.text);
            }
            let r = app
                .get(&format!("{}?sort={order}", routes::latest()), Some(&ana))
                .await;
            assert!(
                titles(&r.body).len() >= 2,
                "a member reads them: {order}: {}",
                r.text
            );
        }
    })
    .await;
}

#[tokio::test]
async fn a_bad_sort_or_period_is_refused_naming_its_field() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "club", "public").await;
        let group = routes::group_topics("club");
        let latest = routes::latest();
        for (path, field) in [
            (format!("{group}?sort=best"), "sort"),
            (format!("{group}?sort=top&period=decade"), "period"),
            (format!("{group}?period=fortnight"), "period"),
            (format!("{latest}?sort=replies"), "sort"),
            (format!("{latest}?sort=TOP"), "sort"),
            (format!("{latest}?sort=top&period=7"), "period"),
        ] {
            let r = app.get(&path, None).await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_choice"),
                "{path}: {}",
                r.text
            );
            assert_eq!(r.body["error"]["field"], field, "{path}");
            assert!(
                r.body["error"]["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_lowercase()
                    .contains(field),
                "{path}: {}",
                r.text
            );
        }
        for page in ["/g/club?sort=best", "/latest?sort=top&period=decade"] {
            assert_eq!(
                app.page(page, None).await.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{page}"
            );
        }
    })
    .await;
}
