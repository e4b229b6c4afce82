//! Every counter agora keeps, and every check-then-write, under simultaneous clients. On
//! SQLite one writer hides every overlap; on PostgreSQL (READ COMMITTED, a task per write)
//! two transactions that each count without the other's row, or each check a limit before
//! the other's write, lose an update. Each test sends the requests at once, on a runtime
//! with several threads, and compares the kept count with the rows it counts.

use axum::http::{Method, StatusCode};
use futures_util::future::join_all;
use serde_json::json;

use crate::routes;
use crate::support::{Reply, TestApp, each_backend, member_id};

/// Registers `n` members named `{prefix}{i}` who join `group`; their tokens.
async fn crowd(app: &TestApp, prefix: &str, n: usize, group: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for i in 0..n {
        let t = app.register(&format!("{prefix}{i}")).await;
        app.join(&t, group).await;
        tokens.push(t);
    }
    tokens
}

/// `POST path` as `token`, owning the path (so many can be built in one iterator).
async fn post(app: &TestApp, path: String, token: &str, body: serde_json::Value) -> Reply {
    app.post(&path, Some(token), body).await
}

async fn get(app: &TestApp, path: String, token: &str) -> Reply {
    app.get(&path, Some(token)).await
}

async fn delete(app: &TestApp, path: String, token: &str) -> Reply {
    app.delete(&path, Some(token)).await
}

fn statuses(answers: &[Reply]) -> Vec<u16> {
    let mut s: Vec<u16> = answers.iter().map(|r| r.status.as_u16()).collect();
    s.sort_unstable();
    s
}

async fn idea_votes(app: &TestApp, idea: i64) -> (i64, i64, i64) {
    let api = app.get(&routes::topic_idea(idea), None).await.body["votes"]
        .as_i64()
        .unwrap_or(-1);
    let kept = app
        .db()
        .scalar(&format!("SELECT votes FROM ideas WHERE topic_id = {idea}"))
        .await;
    let rows = app
        .db()
        .count_where("idea_votes", &format!("topic_id = {idea}"))
        .await;
    (api, kept, rows)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_idea_votes_and_withdrawals_are_all_counted() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "ideas", "public").await;
        let voters = crowd(&app, "voter", 20, "ideas").await;
        let r = app
            .post(
                &routes::group_topics("ideas"),
                Some(&admin),
                json!({"title": "Longer range", "body": "A bigger battery.", "kind": "idea"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let idea = r.body["id"].as_i64().unwrap_or_default();

        let answers = join_all(
            voters
                .iter()
                .map(|t| post(&app, routes::topic_vote(idea), t, json!({}))),
        )
        .await;
        assert_eq!(statuses(&answers), [200; 20], "{answers:?}");
        assert_eq!(idea_votes(&app, idea).await, (20, 20, 20));

        // Ten take their vote back while the same ten vote again, and the other ten vote
        // twice at once: whatever order they land in, the count is the rows.
        let back = voters[..10]
            .iter()
            .map(|t| delete(&app, routes::topic_vote(idea), t));
        let again = voters
            .iter()
            .map(|t| post(&app, routes::topic_vote(idea), t, json!({})));
        let (back, again) = tokio::join!(join_all(back), join_all(again));
        assert!(
            back.iter()
                .chain(again.iter())
                .all(|r| r.status == StatusCode::OK)
        );
        let (api, kept, rows) = idea_votes(&app, idea).await;
        assert_eq!((api, kept), (rows, rows));
        let board = app.get("/api/v1/groups/ideas/ideas?sort=votes", None).await;
        assert_eq!(board.body["ideas"][0]["votes"], rows, "{}", board.text);
    })
    .await;
}

/// A post's count of one emoji as the API shows it, as kept, and as the rows count it.
async fn reactions_of(app: &TestApp, post: i64, emoji: &str) -> (i64, i64, i64) {
    let who = app.get(&routes::item_reactions("post", post), None).await;
    let api = who.body["reactions"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["emoji"] == emoji))
        .map_or(0, |c| c["count"].as_i64().unwrap_or(-1));
    let kept = app
        .db()
        .scalar(&format!(
            "SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM reaction_counts WHERE item_id = {post} AND emoji = '{emoji}'"
        ))
        .await;
    let rows = app
        .db()
        .count_where(
            "reactions",
            &format!("item_id = {post} AND emoji = '{emoji}'"),
        )
        .await;
    (api, kept, rows)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_reactions_and_withdrawals_are_all_counted() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "club", "public").await;
        let (topic_id, liked) = app
            .create_topic(&admin, "club", "Spring ride", "Who comes along?")
            .await;
        let fans = crowd(&app, "fan", 20, "club").await;
        let path = routes::item_reactions("post", liked);
        let like = json!({"emoji": "❤️"});

        let answers = join_all(
            fans.iter()
                .map(|t| post(&app, path.clone(), t, like.clone())),
        )
        .await;
        assert_eq!(statuses(&answers), [200; 20], "{answers:?}");
        assert_eq!(reactions_of(&app, liked, "❤️").await, (20, 20, 20));

        // Ten take their like back while every one likes again, twice at once: whatever order
        // they land in, the count is the rows.
        let back = fans[..10]
            .iter()
            .map(|t| delete(&app, format!("{path}?emoji=%E2%9D%A4%EF%B8%8F"), t));
        let again = fans
            .iter()
            .chain(fans.iter())
            .map(|t| post(&app, path.clone(), t, like.clone()));
        let (back, again) = tokio::join!(join_all(back), join_all(again));
        assert!(
            back.iter()
                .chain(again.iter())
                .all(|r| r.status == StatusCode::OK)
        );
        let (api, kept, rows) = reactions_of(&app, liked, "❤️").await;
        assert_eq!((api, kept), (rows, rows));
        assert!(rows >= 10, "{rows}");
        let topic = app.get(&routes::post(liked), None).await;
        assert_eq!(topic.body["reactions"][0]["count"], rows, "{}", topic.text);
        // The topic's own count, which ranks it in the top lists, moved by the same deltas.
        let on_topic = app
            .db()
            .scalar(&format!(
                "SELECT reaction_count FROM topics WHERE id = {topic_id}"
            ))
            .await;
        assert_eq!(on_topic, rows);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_vote_budget_holds_against_votes_cast_at_once() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "ideas", "public").await;
        let ana = crowd(&app, "ana", 1, "ideas").await.remove(0);
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"trust": {"idea_votes_per_level": 1}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        app.set_trust("ana0", 1).await; // (1 + 1) × 1 = 2 votes
        let mut ideas = Vec::new();
        for n in 0..6 {
            let r = app
                .post(
                    &routes::group_topics("ideas"),
                    Some(&admin),
                    json!({"title": format!("Idea {n}"), "body": "Useful.", "kind": "idea"}),
                )
                .await;
            ideas.push(r.body["id"].as_i64().unwrap_or_default());
        }
        let answers = join_all(
            ideas
                .iter()
                .map(|i| post(&app, routes::topic_vote(*i), &ana, json!({}))),
        )
        .await;
        assert_eq!(
            statuses(&answers),
            [200, 200, 403, 403, 403, 403],
            "{answers:?}"
        );
        let ana = member_id(&app, "ana0").await.0;
        assert_eq!(
            app.db()
                .count_where("idea_votes", &format!("member_id = {ana}"))
                .await,
            2
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_joins_leaves_topics_and_replies_keep_their_counts() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "club", "public").await;
        let mut tokens = Vec::new();
        for i in 0..16 {
            tokens.push(app.register(&format!("rider{i}")).await);
        }
        let joins = join_all(tokens.iter().map(|t| app.join(t, "club"))).await;
        assert!(joins.iter().all(|r| r.status.is_success()), "{joins:?}");
        let count = || async {
            app.get(&routes::group("club"), None).await.body["member_count"]
                .as_i64()
                .unwrap_or(-1)
        };
        assert_eq!(count().await, 17);

        // Topics at once: the group's topic count; replies at once: the topic's.
        let topics = join_all(tokens[..8].iter().enumerate().map(|(i, t)| {
            post(
                &app,
                routes::group_topics("club"),
                t,
                json!({"title": format!("Ride number {i}"), "body": "Who comes?"}),
            )
        }))
        .await;
        assert_eq!(statuses(&topics), [201; 8], "{topics:?}");
        assert_eq!(
            app.get(&routes::group("club"), None).await.body["topic_count"],
            8
        );
        let topic = topics[0].body["id"].as_i64().unwrap_or_default();
        let replies = join_all(tokens.iter().map(|t| {
            post(
                &app,
                routes::topic_posts(topic),
                t,
                json!({"body": "I will be there."}),
            )
        }))
        .await;
        assert_eq!(statuses(&replies), [201; 16], "{replies:?}");
        let shown = app.get(&routes::topic(topic), None).await;
        assert_eq!(shown.body["reply_count"], 16, "{}", shown.text);
        assert_eq!(
            app.db()
                .scalar(&format!(
                    "SELECT COUNT(DISTINCT number) FROM posts WHERE topic_id = {topic}"
                ))
                .await,
            17
        );

        // The author and a moderator delete the same reply at once: it counts once.
        let reply = replies[0].body["id"].as_i64().unwrap_or_default();
        let author = replies
            .iter()
            .position(|r| r.body["id"].as_i64() == Some(reply))
            .unwrap_or_default();
        let deleted = tokio::join!(
            delete(&app, routes::post(reply), &tokens[author]),
            delete(&app, routes::post(reply), &admin),
            delete(&app, routes::post(reply), &admin),
        );
        assert!(deleted.0.status.is_success() || deleted.1.status.is_success());
        let shown = app.get(&routes::topic(topic), None).await;
        assert_eq!(shown.body["reply_count"], 15, "{}", shown.text);

        // Everyone leaves at once.
        let leaves = join_all(
            tokens
                .iter()
                .map(|t| post(&app, routes::group_leave("club"), t, json!({}))),
        )
        .await;
        assert!(leaves.iter().all(|r| r.status.is_success()), "{leaves:?}");
        assert_eq!(count().await, 1);
        assert_eq!(app.db().count_where("group_members", "1 = 1").await, 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_edits_each_keep_a_revision() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "club", "public").await;
        let (_, post) = app
            .create_topic(&admin, "club", "Winter tyres", "Which ones?")
            .await;
        let edits = join_all((0..6).map(|n| {
            let admin = admin.clone();
            let app = &app;
            async move {
                app.patch(
                    &routes::post(post),
                    Some(&admin),
                    json!({"body": format!("Which ones? Edit {n}.")}),
                )
                .await
            }
        }))
        .await;
        assert_eq!(statuses(&edits), [200; 6], "{edits:?}");
        assert_eq!(
            app.db()
                .scalar(&format!(
                    "SELECT revision_count FROM posts WHERE id = {post}"
                ))
                .await,
            6
        );
        assert_eq!(
            app.db()
                .scalar(&format!(
                    "SELECT COUNT(DISTINCT number) FROM post_revisions WHERE post_id = {post}"
                ))
                .await,
            6
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn answers_accepted_at_once_leave_one_best() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "help", "public").await;
        let helpers = crowd(&app, "helper", 5, "help").await;
        let r = app
            .post(
                &routes::group_topics("help"),
                Some(&admin),
                json!({"title": "Brakes squeal", "body": "What do I do?", "kind": "question"}),
            )
            .await;
        let question = r.body["id"].as_i64().unwrap_or_default();
        let mut answers = Vec::new();
        for t in &helpers {
            let r = app
                .post(
                    &routes::topic_posts(question),
                    Some(t),
                    json!({"body": "Clean the discs."}),
                )
                .await;
            answers.push(r.body["id"].as_i64().unwrap_or_default());
        }
        let accepted = join_all(
            answers
                .iter()
                .map(|a| post(&app, routes::post_accept(*a), &admin, json!({}))),
        )
        .await;
        assert_eq!(statuses(&accepted), [200; 5], "{accepted:?}");
        assert_eq!(
            app.db()
                .count_where(
                    "accepted_answers",
                    &format!("topic_id = {question} AND best")
                )
                .await,
            1
        );
        assert_eq!(
            app.db()
                .count_where("accepted_answers", &format!("topic_id = {question}"))
                .await,
            5
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn flags_sent_at_once_hide_a_post_when_they_reach_the_threshold() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "club", "public").await;
        let flaggers = crowd(&app, "flagger", 3, "club").await;
        for i in 0..3 {
            app.set_trust(&format!("flagger{i}"), 2).await;
        }
        let ana = crowd(&app, "ana", 1, "club").await.remove(0);
        let (topic, _) = app
            .create_topic(&ana, "club", "Cheap bikes", "Buy now.")
            .await;
        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(&ana),
                json!({"body": "Really cheap."}),
            )
            .await;
        let post = r.body["id"].as_i64().unwrap_or_default();
        let flags = join_all(flaggers.iter().map(|t| {
            self::post(
                &app,
                routes::post_flags(post),
                t,
                json!({"reason": "spam", "note": "An advert."}),
            )
        }))
        .await;
        assert_eq!(statuses(&flags), [201; 3], "{flags:?}");
        // Three agreeing flags hide it, whichever arrived last.
        assert_eq!(
            app.db()
                .count_where("posts", &format!("id = {post} AND deleted"))
                .await,
            1
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_owners_stepping_down_at_once_leave_the_group_one_owner() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "club", "public").await;
        let ana = app.register("ana").await;
        app.join(&ana, "club").await;
        let ben = crowd(&app, "ben", 1, "club").await.remove(0);
        for name in ["ana", "ben0"] {
            let r = app
                .call(
                    Method::PUT,
                    &routes::group_member_role("club", name),
                    Some(&admin),
                    Some(json!({"role": "owner"})),
                )
                .await;
            assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        }
        // The site admin steps out: two owners are left, ana and ben0.
        let r = app
            .post(&routes::group_leave("club"), Some(&admin), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        let ben_role = routes::group_member_role("club", "ben0");
        for round in 0..3 {
            let (a, b) = tokio::join!(
                post(&app, routes::group_leave("club"), &ana, json!({})),
                app.call(
                    Method::PUT,
                    &ben_role,
                    Some(&ben),
                    Some(json!({"role": "member"})),
                ),
            );
            let owners = app
                .db()
                .count_where("group_members", "role = 'owner'")
                .await;
            assert_eq!(owners, 1, "round {round}: {a:?} {b:?}");
            assert!(
                [a.code(), b.code()].contains(&"last_owner"),
                "round {round}: {a:?} {b:?}"
            );
            // Put both back as owners for the next round.
            if a.status.is_success() {
                app.join(&ana, "club").await;
            }
            for name in ["ana", "ben0"] {
                app.call(
                    Method::PUT,
                    &routes::group_member_role("club", name),
                    Some(&admin),
                    Some(json!({"role": "owner"})),
                )
                .await;
            }
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn documents_published_at_once_get_consecutive_versions() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let published = join_all((0..4).map(|n| {
            post(
                &app,
                routes::document("terms"),
                &admin,
                json!({"body": format!("# Terms\n\nVersion {n}.")}),
            )
        }))
        .await;
        assert!(
            published.iter().all(|r| r.status.is_success()),
            "{published:?}"
        );
        assert_eq!(
            app.db()
                .scalar("SELECT COUNT(DISTINCT version) FROM documents WHERE kind = 'terms'")
                .await,
            4
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reading_two_topics_at_once_counts_the_reading_time_once() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "club", "public").await;
        let mut topics = Vec::new();
        for n in 0..4 {
            let (t, _) = app
                .create_topic(&admin, "club", &format!("Route {n}"), "Nice views.")
                .await;
            topics.push(t);
        }
        let ana = app.register("ana").await;
        let reads = join_all(topics.iter().map(|t| get(&app, routes::topic(*t), &ana))).await;
        assert!(reads.iter().all(|r| r.status == StatusCode::OK));
        let ana = member_id(&app, "ana").await.0;
        // The clock does not move: the first read counts its 30 seconds, the others none.
        assert_eq!(
            app.db()
                .scalar(&format!(
                    "SELECT read_seconds FROM member_activity WHERE member_id = {ana}"
                ))
                .await,
            30
        );
    })
    .await;
}
