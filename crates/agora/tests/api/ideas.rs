//! Ideas: voting (once, withdrawable, within a budget), statuses with a public history and
//! an editable list, the three sorts, the shipped changelog, and merging duplicates with
//! votes moved once per member, kept provenance and an exact undo.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::routes;
use crate::support::{TestApp, csrf_for, each_backend};

const DAY: i64 = 86_400;

async fn board(app: &TestApp) -> (String, Vec<String>) {
    let admin = app.register("admin").await;
    app.create_group(&admin, "ideas", "public").await;
    let mut members = Vec::new();
    for name in ["ana", "ben", "cara", "dan"] {
        let t = app.register(name).await;
        app.join(&t, "ideas").await;
        members.push(t);
    }
    (admin, members)
}

async fn propose(app: &TestApp, token: &str, title: &str) -> i64 {
    let r = app
        .post(
            &routes::group_topics("ideas"),
            Some(token),
            json!({"title": title, "body": "It would help everyone.", "kind": "idea"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["status"], "new");
    r.body["id"].as_i64().unwrap_or_default()
}

async fn vote(app: &TestApp, token: &str, idea: i64) -> Value {
    let r = app
        .post(&routes::topic_vote(idea), Some(token), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

async fn votes(app: &TestApp, idea: i64) -> i64 {
    app.get(&routes::topic_idea(idea), None).await.body["votes"]
        .as_i64()
        .unwrap_or(-1)
}

async fn order(app: &TestApp, sort: &str) -> Vec<i64> {
    let r = app
        .get(&format!("/api/v1/groups/ideas/ideas?sort={sort}"), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["ideas"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["id"].as_i64()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn members_vote_once_take_it_back_and_boards_sort_by_votes_trending_and_newest() {
    each_backend(|app| async move {
        let (admin, m) = board(&app).await;
        let gpx = propose(&app, &m[0], "Export rides as GPX").await;
        let dark = propose(&app, &m[1], "A dark mode for the app").await;
        for t in &m {
            vote(&app, t, gpx).await;
        }
        let again = vote(&app, &m[0], gpx).await;
        assert_eq!(
            (again["votes"].as_i64(), again["voted"].as_bool()),
            (Some(4), Some(true)),
            "one vote each"
        );
        let back = app.delete(&routes::topic_vote(gpx), Some(&m[3])).await;
        assert_eq!(
            (back.body["votes"].as_i64(), back.body["voted"].as_bool()),
            (Some(3), Some(false))
        );

        // Dark mode gets fewer votes, but all of them recent.
        app.clock.advance(20 * DAY);
        vote(&app, &m[0], dark).await;
        vote(&app, &m[1], dark).await;
        assert_eq!(order(&app, "votes").await, [gpx, dark]);
        assert_eq!(order(&app, "trending").await, [dark, gpx]);
        assert_eq!(order(&app, "newest").await, [dark, gpx]);
        let r = app
            .get("/api/v1/groups/ideas/ideas?sort=random", None)
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_choice")
        );

        // Guests and members of other groups read but do not vote.
        let r = app.post(&routes::topic_vote(gpx), None, json!({})).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let olga = app.register("olga").await;
        let r = app
            .post(&routes::topic_vote(gpx), Some(&olga), json!({}))
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "join_required"),
            "{}",
            r.text
        );
        // A discussion takes no votes.
        let (talk, _) = app
            .create_topic(&admin, "ideas", "Board rules", "Be kind.")
            .await;
        let r = app
            .post(&routes::topic_vote(talk), Some(&m[0]), json!({}))
            .await;
        assert_eq!(r.code(), "not_votable", "{}", r.text);
        let t = app.get(&routes::topic(gpx), Some(&m[0])).await;
        assert_eq!(t.body["capabilities"]["vote"], true, "{}", t.text);
        // Every vote and withdrawal is an event.
        assert_eq!(
            app.db()
                .count_where("outbox", "name IN ('idea_voted', 'idea_unvoted')")
                .await,
            7
        );
    })
    .await;
}

#[tokio::test]
async fn a_vote_budget_per_trust_level_counts_only_ideas_not_closed() {
    each_backend(|app| async move {
        let (admin, m) = board(&app).await;
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"trust": {"idea_votes_per_level": 1}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        app.set_trust("ana", 1).await; // basic: (1 + 1) × 1 = 2 votes
        let ideas = [
            propose(&app, &admin, "Idea one").await,
            propose(&app, &admin, "Idea two").await,
            propose(&app, &admin, "Idea three").await,
        ];
        vote(&app, &m[0], ideas[0]).await;
        vote(&app, &m[0], ideas[1]).await;
        let r = app
            .post(
                &format!("/api/v1/topics/{}/vote", ideas[2]),
                Some(&m[0]),
                json!({}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "vote_budget"),
            "{}",
            r.text
        );
        // Shipping an idea frees its vote.
        let r = app
            .call(
                Method::PUT,
                &format!("/api/v1/topics/{}/status", ideas[0]),
                Some(&admin),
                Some(json!({"status": "shipped"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        vote(&app, &m[0], ideas[2]).await;
    })
    .await;
}

#[tokio::test]
async fn staff_set_statuses_with_public_notes_and_shipped_ideas_make_the_changelog() {
    each_backend(|app| async move {
        let (admin, m) = board(&app).await;
        let idea = propose(&app, &m[0], "Walk assist up to 6 km/h").await;
        let set = |token: String, status: &'static str, note: &'static str| {
            let app = &app;
            async move {
                app.call(
                    Method::PUT,
                    &routes::topic_status(idea),
                    Some(&token),
                    Some(json!({"status": status, "note": note})),
                )
                .await
            }
        };
        let r = set(m[1].clone(), "planned", "").await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "moderators_only"),
            "{}",
            r.text
        );
        let r = set(admin.clone(), "launched", "").await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_choice"),
            "{}",
            r.text
        );
        set(admin.clone(), "planned", "Coming in firmware 4.3.").await;
        app.clock.advance(DAY);
        let r = set(
            admin.clone(),
            "shipped",
            "Shipped in 4.3.0: hold the minus button.",
        )
        .await;
        assert_eq!(r.body["status_set"], "closed", "{}", r.text);
        let history: Vec<(String, String)> = r.body["history"]
            .as_array()
            .map(|h| {
                h.iter()
                    .map(|c| {
                        (
                            c["to"].as_str().unwrap_or("").to_owned(),
                            c["note"].as_str().unwrap_or("").to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(
            history,
            [
                ("planned".into(), "Coming in firmware 4.3.".into()),
                (
                    "shipped".into(),
                    "Shipped in 4.3.0: hold the minus button.".into()
                )
            ]
        );

        let log = app.get(&routes::group_changelog("ideas"), None).await;
        assert_eq!(log.body[0]["id"], idea, "{}", log.text);
        assert_eq!(
            log.body[0]["note"],
            "Shipped in 4.3.0: hold the minus button."
        );
        let page = app.page("/g/ideas/changelog", None).await;
        assert!(
            page.text.contains("Walk assist up to 6 km/h")
                && page.text.contains("hold the minus button"),
            "{}",
            page.text
        );
        let s = app.get("/api/v1/search?q=walk%20is%3Ashipped", None).await;
        assert_eq!(
            s.body["results"].as_array().map(Vec::len),
            Some(1),
            "{}",
            s.text
        );

        // Admins edit the list of statuses; "new" stays.
        let r = app
            .call(
                Method::PUT,
                &routes::idea_statuses(),
                Some(&m[0]),
                Some(json!({"statuses": [{"name": "new", "label": "New", "set": "open"}]})),
            )
            .await;
        assert_eq!(r.code(), "admins_only");
        let r = app
            .call(
                Method::PUT,
                &routes::idea_statuses(),
                Some(&admin),
                Some(
                    json!({"statuses": [{"name": "planned", "label": "Planned", "set": "active"}]}),
                ),
            )
            .await;
        assert_eq!(r.code(), "required", "{}", r.text);
        let r = app
            .call(
                Method::PUT,
                &routes::idea_statuses(),
                Some(&admin),
                Some(json!({"statuses": [
                {"name": "new", "label": "New", "set": "open"},
                {"name": "gathering_feedback", "label": "Gathering feedback", "set": "open"},
                {"name": "shipped", "label": "Shipped", "set": "closed"}]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(
            app.get(&routes::idea_statuses(), None).await.body[1]["name"],
            "gathering_feedback"
        );
    })
    .await;
}

#[tokio::test]
async fn merging_moves_every_vote_once_keeps_where_it_came_from_and_undoes_exactly() {
    each_backend(|app| async move {
        let (admin, m) = board(&app).await;
        let original = propose(&app, &m[0], "GPX export").await;
        let duplicate = propose(&app, &m[1], "Let me export my rides").await;
        // ana and ben on the original; ben, cara and dan on the duplicate (ben on both).
        for t in [&m[0], &m[1]] {
            vote(&app, t, original).await;
        }
        for t in [&m[1], &m[2], &m[3]] {
            vote(&app, t, duplicate).await;
        }
        app.call(
            Method::PUT,
            &routes::topic_status(duplicate),
            Some(&admin),
            Some(json!({"status": "under_review"})),
        )
        .await;

        let r = app
            .post(
                &routes::topic_merge(duplicate),
                Some(&admin),
                json!({"into": original}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.body["votes"], 4, "ben counted once: {}", r.text);
        assert_eq!(
            r.body["merged_votes"], 2,
            "cara's and dan's votes came from the duplicate"
        );
        assert_eq!(r.body["merged_from"], json!([duplicate]));
        let d = app.get(&routes::topic_idea(duplicate), None).await;
        assert_eq!(
            (
                d.body["status"].as_str(),
                d.body["votes"].as_i64(),
                d.body["merged_into"].as_i64()
            ),
            (Some("merged"), Some(0), Some(original))
        );
        assert_eq!(
            order(&app, "votes").await,
            [original],
            "a merged idea leaves the board"
        );
        // Its page leads members to the original; staff stay to undo it.
        let page = app.page(&format!("/t/{duplicate}/x"), None).await;
        let page = app
            .page(page.header("location").unwrap_or_default(), None)
            .await;
        assert_eq!(
            page.header("location"),
            Some(format!("/t/{original}").as_str()),
            "{}",
            page.text
        );
        let r = app
            .post(&routes::topic_vote(duplicate), Some(&m[2]), json!({}))
            .await;
        assert_eq!(r.code(), "merged", "{}", r.text);
        // The refusal says where the votes went, and the capabilities agree with it for
        // everyone, staff included, in the topic's API answer and on its page.
        assert!(
            r.body["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains(&format!("/t/{original}")),
            "{}",
            r.text
        );
        for token in [&m[0], &m[2], &admin] {
            let t = app.get(&routes::topic(duplicate), Some(token)).await;
            assert_eq!(t.body["capabilities"]["vote"], false, "{}", t.text);
            let post = &t.body["posts"][0]["capabilities"]["vote"];
            assert!(post.is_null() || post == &json!(false), "{}", t.text);
        }
        let staff_page = app.page(&format!("/t/{duplicate}/x"), Some(&admin)).await;
        let staff_page = match staff_page.header("location") {
            Some(to) => app.page(to, Some(&admin)).await,
            None => staff_page,
        };
        assert!(
            !staff_page.text.contains("value=\"vote\""),
            "a merged idea's page offers no vote"
        );
        let r = app
            .call(
                Method::PUT,
                &routes::topic_status(duplicate),
                Some(&admin),
                Some(json!({"status": "planned", "note": "Soon."})),
            )
            .await;
        assert_eq!(r.code(), "merged", "{}", r.text);
        let r = app
            .post(
                &routes::topic_merge(original),
                Some(&admin),
                json!({"into": duplicate}),
            )
            .await;
        assert_eq!(r.code(), "invalid_choice", "{}", r.text);

        // After the merge cara takes her (moved) vote back; undoing gives the duplicate back
        // exactly the votes that are still there, and its status.
        app.delete(&routes::topic_vote(original), Some(&m[2])).await;
        let r = app
            .delete(&routes::topic_merge(duplicate), Some(&admin))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(
            (r.body["status"].as_str(), r.body["votes"].as_i64()),
            (Some("under_review"), Some(2)),
            "{}",
            r.text
        );
        assert_eq!(votes(&app, original).await, 2);
        for (who, token, on_original, on_duplicate) in [
            ("ana", &m[0], true, false),
            ("ben", &m[1], true, true),
            ("dan", &m[3], false, true),
        ] {
            let o = app.get(&routes::topic_idea(original), Some(token)).await;
            let d = app.get(&routes::topic_idea(duplicate), Some(token)).await;
            assert_eq!(
                (o.body["voted"].as_bool(), d.body["voted"].as_bool()),
                (Some(on_original), Some(on_duplicate)),
                "{who}"
            );
        }
        let r = app
            .delete(&routes::topic_merge(duplicate), Some(&admin))
            .await;
        assert_eq!(r.code(), "not_merged");
        let audit = app.get(&routes::audit(), Some(&admin)).await;
        assert!(
            audit.text.contains("idea.merge") && audit.text.contains("idea.unmerge"),
            "{}",
            audit.text
        );
    })
    .await;
}

#[tokio::test]
async fn the_idea_page_votes_and_staff_merge_from_it_and_secret_boards_stay_secret() {
    each_backend(|app| async move {
        let (admin, m) = board(&app).await;
        let r = app
            .form(
                "/g/ideas/new",
                Some(&m[0]),
                &[
                    ("csrf", &csrf_for(&m[0])),
                    ("title", "Bigger rear rack"),
                    ("body", "For two panniers."),
                    ("tags", ""),
                    ("kind", "idea"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let url = r.header("location").unwrap_or_default().to_owned();
        let idea: i64 = url
            .split('/')
            .nth(2)
            .and_then(|n| n.parse().ok())
            .unwrap_or_default();
        let page = app.page(&url, Some(&m[1])).await;
        assert!(page.text.contains("Vote for this idea"), "{}", page.text);
        assert!(!page.text.contains("Staff: status and merge"));
        let r = app
            .form(
                &format!("/t/{idea}/idea"),
                Some(&m[1]),
                &[("csrf", &csrf_for(&m[1])), ("action", "vote")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let page = app.page(&url, Some(&m[1])).await;
        assert!(page.text.contains("Take my vote back"), "{}", page.text);
        let page = app.page(&url, Some(&admin)).await;
        assert!(
            page.text.contains("Staff: status and merge"),
            "{}",
            page.text
        );
        let r = app
            .form(
                &format!("/t/{idea}/idea"),
                Some(&admin),
                &[
                    ("csrf", &csrf_for(&admin)),
                    ("action", "status"),
                    ("status", "planned"),
                    ("note", "Next spring."),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let board = app.page("/g/ideas/ideas", None).await;
        assert!(
            board.text.contains("Bigger rear rack") && board.text.contains("Planned"),
            "{}",
            board.text
        );

        app.create_group(&admin, "inner", "secret").await;
        let r = app
            .post(
                &routes::group_topics("inner"),
                Some(&admin),
                json!({"title": "Secret roadmap item", "body": "quokkasecret", "kind": "idea"}),
            )
            .await;
        let secret = r.body["id"].as_i64().unwrap_or_default();
        for token in [None, Some(m[0].as_str())] {
            for path in [
                routes::topic_idea(secret),
                routes::group_ideas("inner"),
                routes::group_changelog("inner"),
            ] {
                assert_eq!(
                    app.get(&path, token).await.status,
                    StatusCode::NOT_FOUND,
                    "{path}"
                );
            }
            let r = app
                .post(&routes::topic_vote(secret), token, json!({}))
                .await;
            assert!(
                matches!(r.status, StatusCode::NOT_FOUND | StatusCode::UNAUTHORIZED),
                "{}",
                r.text
            );
            for page in [
                format!("/t/{secret}/secret-roadmap-item"),
                "/g/inner/ideas".into(),
                "/g/inner/changelog".into(),
            ] {
                let r = app.page(&page, token).await;
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{page}");
                assert!(
                    !r.text.contains("quokkasecret") && !r.text.contains("Secret roadmap"),
                    "{page}: {}",
                    r.text
                );
            }
        }
    })
    .await;
}
