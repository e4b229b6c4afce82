//! Q&A: asking, answering, accepting (one best), the lists, search filters, official staff
//! answers, who may accept, the reminder to the asker and the times kept per question.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::routes;
use crate::support::{TestApp, csrf_for, each_backend};

const DAY: i64 = 86_400;

/// An admin, a public group "club" with members ana (asks), ben and cara (answer).
async fn club(app: &TestApp) -> (String, String, String, String) {
    let admin = app.register("admin").await;
    let ana = app.register("ana").await;
    let ben = app.register("ben").await;
    let cara = app.register("cara").await;
    app.create_group(&admin, "club", "public").await;
    for t in [&ana, &ben, &cara] {
        app.join(t, "club").await;
    }
    (admin, ana, ben, cara)
}

async fn ask(app: &TestApp, token: &str, group: &str, title: &str, body: &str) -> i64 {
    let r = app
        .post(
            &routes::group_topics(group),
            Some(token),
            json!({"title": title, "body": body, "kind": "question"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        (r.body["kind"].as_str(), r.body["status"].as_str()),
        (Some("question"), Some("open"))
    );
    r.body["id"].as_i64().unwrap_or_default()
}

async fn answer(app: &TestApp, token: &str, topic: i64, body: &str) -> i64 {
    let r = app
        .post(
            &routes::topic_posts(topic),
            Some(token),
            json!({"body": body}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.body["id"].as_i64().unwrap_or_default()
}

async fn listed(app: &TestApp, list: &str) -> Vec<i64> {
    let r = app
        .get(&format!("/api/v1/groups/club/questions?list={list}"), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["topics"]
        .as_array()
        .map(|a| a.iter().filter_map(|t| t["id"].as_i64()).collect())
        .unwrap_or_default()
}

fn accepted(q: &Value) -> Vec<(i64, bool)> {
    q["accepted"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| (x["post_id"].as_i64().unwrap_or_default(), x["best"] == true))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_question_is_answered_accepted_and_solved_with_one_best_answer() {
    each_backend(|app| async move {
        let (_, ana, ben, cara) = club(&app).await;
        let q = ask(
            &app,
            &ana,
            "club",
            "Why does my range drop in winter?",
            "From 80 km to 55.",
        )
        .await;
        assert_eq!(listed(&app, "all").await, [q]);
        assert!(listed(&app, "answered").await.is_empty());

        app.clock.advance(3_600);
        let by_ben = answer(
            &app,
            &ben,
            q,
            "Cold cells hold less charge; keep the battery indoors overnight.",
        )
        .await;
        app.clock.advance(600);
        let by_cara = answer(&app, &cara, q, "A thermal cover helps too.").await;
        assert_eq!(listed(&app, "answered").await, [q]);

        // The asker accepts ben's answer: the first accepted answer is the best.
        app.clock.advance(DAY);
        let r = app
            .post(&routes::post_accept(by_ben), Some(&ana), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.body["status"], "solved");
        assert_eq!(accepted(&r.body), [(by_ben, true)]);
        assert_eq!(r.body["time_to_first_answer_secs"], 3_600);
        assert_eq!(r.body["time_to_accepted_answer_secs"], 3_600 + 600 + DAY);
        assert_eq!(listed(&app, "solved").await, [q]);
        assert!(listed(&app, "answered").await.is_empty());
        let t = app.get(&routes::topic(q), None).await;
        assert_eq!(
            (
                t.body["status"].as_str(),
                t.body["featured_post_id"].as_i64()
            ),
            (Some("solved"), Some(by_ben))
        );

        // Accepting again changes nothing; accepting cara's as best moves the best.
        let again = app
            .post(&routes::post_accept(by_ben), Some(&ana), json!({}))
            .await;
        assert_eq!(accepted(&again.body), [(by_ben, true)]);
        let r = app
            .post(
                &routes::post_accept(by_cara),
                Some(&ana),
                json!({"best": true}),
            )
            .await;
        assert_eq!(
            accepted(&r.body),
            [(by_ben, false), (by_cara, true)],
            "{}",
            r.text
        );

        // The best answer shows under the question in search, and the filters narrow.
        let s = app.get("/api/v1/search?q=range%20is%3Asolved", None).await;
        assert_eq!(s.status, StatusCode::OK, "{}", s.text);
        assert_eq!(s.body["results"][0]["topic_status"], "solved", "{}", s.text);
        assert_eq!(
            s.body["results"][0]["featured"]["excerpt"],
            "A thermal cover helps too."
        );
        let s = app
            .get("/api/v1/search?q=range%20is%3Aunanswered", None)
            .await;
        assert_eq!(
            s.body["results"].as_array().map(Vec::len),
            Some(0),
            "{}",
            s.text
        );
        let s = app
            .get("/api/v1/search?q=range%20kind%3Adiscussion", None)
            .await;
        assert_eq!(
            s.body["results"].as_array().map(Vec::len),
            Some(0),
            "{}",
            s.text
        );

        // Taking back the best: the other accepted answer becomes the best; taking that back
        // too opens the question again, but the time to an accepted answer is kept.
        let r = app.delete(&routes::post_accept(by_cara), Some(&ana)).await;
        assert_eq!(accepted(&r.body), [(by_ben, true)], "{}", r.text);
        let r = app.delete(&routes::post_accept(by_ben), Some(&ana)).await;
        assert_eq!(
            (r.body["status"].as_str(), accepted(&r.body)),
            (Some("open"), vec![])
        );
        assert_eq!(r.body["time_to_accepted_answer_secs"], 3_600 + 600 + DAY);
        let t = app.get(&routes::topic(q), None).await;
        assert_eq!(t.body["featured_post_id"], Value::Null);
        assert_eq!(listed(&app, "answered").await, [q]);

        // Every change was recorded as an event, in the transaction that made it.
        assert_eq!(
            app.db().count_where("outbox", "name LIKE 'answer_%'").await,
            4
        );
    })
    .await;
}

#[tokio::test]
async fn the_asker_group_moderators_and_site_staff_accept_and_nobody_else() {
    each_backend(|app| async move {
        let (admin, ana, ben, cara) = club(&app).await;
        let dora = app.register("dora").await;
        let mod_token = app.register("mona").await;
        app.call(
            Method::PUT,
            &routes::member_role("mona"),
            Some(&admin),
            Some(json!({"role": "moderator"})),
        )
        .await;
        let q = ask(
            &app,
            &ana,
            "club",
            "Best chain lube for rain?",
            "Wet or dry?",
        )
        .await;
        let a = answer(&app, &ben, q, "Wet lube in the rain.").await;

        let try_accept = |token: Option<String>| {
            let app = &app;
            async move {
                let r = app
                    .post(&routes::post_accept(a), token.as_deref(), json!({}))
                    .await;
                let undo = app.delete(&routes::post_accept(a), token.as_deref()).await;
                (r.status, r.code().to_owned(), undo.status)
            }
        };
        assert_eq!(try_accept(None).await.0, StatusCode::UNAUTHORIZED);
        for (who, token) in [
            ("answerer", &ben),
            ("other member", &cara),
            ("outsider", &dora),
        ] {
            let (status, code, _) = try_accept(Some(token.clone())).await;
            assert_eq!(
                (status, code.as_str()),
                (StatusCode::FORBIDDEN, "asker_only"),
                "{who}"
            );
        }
        for (who, token) in [
            ("asker", &ana),
            ("site moderator", &mod_token),
            ("admin", &admin),
        ] {
            let (status, _, undo) = try_accept(Some(token.clone())).await;
            assert_eq!((status, undo), (StatusCode::OK, StatusCode::OK), "{who}");
        }
        // A group moderator who is no site staff.
        app.call(
            Method::PUT,
            &routes::group_member_role("club", "cara"),
            Some(&admin),
            Some(json!({"role": "moderator"})),
        )
        .await;
        assert_eq!(try_accept(Some(cara.clone())).await.0, StatusCode::OK);

        // The question itself, or a reply in a discussion, is no answer.
        let opening = app.get(&routes::topic(q), None).await.body["posts"][0]["id"]
            .as_i64()
            .unwrap_or_default();
        let r = app
            .post(&routes::post_accept(opening), Some(&ana), json!({}))
            .await;
        assert_eq!(r.code(), "not_an_answer", "{}", r.text);
        let (talk, _) = app
            .create_topic(&ana, "club", "Rides this week", "Who is in?")
            .await;
        let reply = answer(&app, &ben, talk, "Me!").await;
        let r = app
            .post(&routes::post_accept(reply), Some(&ana), json!({}))
            .await;
        assert_eq!(r.code(), "not_an_answer", "{}", r.text);
        assert_eq!(
            app.get(&routes::topic_question(talk), None).await.status,
            StatusCode::NOT_FOUND
        );

        // The answers' capabilities say the same.
        let t = app.get(&routes::topic(q), Some(&ana)).await;
        assert_eq!(t.body["posts"][1]["capabilities"]["accept"], true);
        assert_eq!(t.body["posts"][0]["capabilities"]["accept"], false);
        let t = app.get(&routes::topic(q), Some(&ben)).await;
        assert_eq!(t.body["posts"][1]["capabilities"]["accept"], false);

        // Moderators' acceptances are audited; the asker's own are not moderation.
        let audit = app.get(&routes::audit(), Some(&admin)).await;
        let accepts = audit.body["entries"].as_array().map_or(0, |e| {
            e.iter().filter(|x| x["action"] == "answer.accept").count()
        });
        assert_eq!(accepts, 3, "{}", audit.text);
    })
    .await;
}

#[tokio::test]
async fn a_secret_groups_questions_do_not_exist_for_outsiders() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        let olga = app.register("olga").await;
        app.create_group(&admin, "inner", "secret").await;
        let q = ask(
            &app,
            &admin,
            "inner",
            "Roadmap for the cargo frame?",
            "Dates please.",
        )
        .await;
        let a = answer(&app, &admin, q, "Spring, quokkasecret.").await;
        app.post(&routes::post_accept(a), Some(&admin), json!({}))
            .await;
        for token in [None, Some(ana.as_str()), Some(olga.as_str())] {
            for path in [
                routes::topic_question(q),
                routes::group_questions("inner"),
                "/api/v1/groups/inner/questions?list=solved".to_owned(),
            ] {
                assert_eq!(
                    app.get(&path, token).await.status,
                    StatusCode::NOT_FOUND,
                    "{path}"
                );
            }
            let r = app.post(&routes::post_accept(a), token, json!({})).await;
            assert!(
                matches!(r.status, StatusCode::NOT_FOUND | StatusCode::UNAUTHORIZED),
                "{}",
                r.text
            );
            let s = app
                .get("/api/v1/search?q=roadmap%20is%3Asolved", token)
                .await;
            assert!(
                !s.text.contains("quokkasecret") && !s.text.contains("Roadmap"),
                "{}",
                s.text
            );
            for page in [
                format!("/t/{q}/roadmap-for-the-cargo-frame"),
                "/g/inner/questions?list=solved".into(),
                "/search?q=roadmap%20is%3Asolved".into(),
            ] {
                let r = app.page(&page, token).await;
                assert!(
                    !r.text.contains("quokkasecret") && !r.text.contains("Roadmap for"),
                    "{page}: {}",
                    r.text
                );
                if !page.starts_with("/search") {
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "{page}");
                }
            }
        }
        let s = app
            .get("/api/v1/search?q=roadmap%20is%3Asolved", Some(&admin))
            .await;
        assert!(s.text.contains("quokkasecret"), "{}", s.text);
    })
    .await;
}

async fn reminders(app: &TestApp) -> i64 {
    app.work().await;
    app.db()
        .count_where("outbox", "name = 'answer_waiting'")
        .await
}

#[tokio::test]
async fn unanswered_questions_are_listed_after_the_set_days_and_askers_reminded_once() {
    each_backend(|app| async move {
        let (admin, ana, ben, _) = club(&app).await;
        let q = ask(
            &app,
            &ana,
            "club",
            "Tyre pressure for gravel?",
            "Tubeless, 45 mm.",
        )
        .await;
        assert!(
            listed(&app, "unanswered").await.is_empty(),
            "not before two days"
        );
        app.clock.advance(2 * DAY + 60);
        assert_eq!(listed(&app, "unanswered").await, [q]);
        let s = app
            .get("/api/v1/search?q=gravel%20is%3Aunanswered", None)
            .await;
        assert_eq!(
            s.body["results"].as_array().map(Vec::len),
            Some(1),
            "{}",
            s.text
        );

        // A staff answer is official.
        let a = answer(&app, &admin, q, "Start at 2.2 bar.").await;
        let _ = answer(&app, &ben, q, "I ride 2.0.").await;
        assert!(listed(&app, "unanswered").await.is_empty());
        let r = app.get(&routes::topic_question(q), None).await;
        assert_eq!(r.body["official"], json!([a]), "{}", r.text);

        // Three days after the first answer, the worker reminds the asker, once.
        app.clock.advance(2 * DAY);
        assert_eq!(reminders(&app).await, 0);
        app.clock.advance(DAY + 60);
        assert_eq!(reminders(&app).await, 1);
        app.clock.advance(2 * DAY);
        assert_eq!(reminders(&app).await, 1, "once");
        // An admin may turn reminders off.
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"trust": {"question_remind_days": 0}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    })
    .await;
}

#[tokio::test]
async fn the_question_page_shows_the_best_answer_and_the_asker_accepts_from_it() {
    each_backend(|app| async move {
        let (admin, ana, ben, _) = club(&app).await;
        let page = app.page("/g/club/new?kind=question", Some(&ana)).await;
        assert!(page.text.contains("Ask a question in"), "{}", page.text);
        let r = app
            .form(
                "/g/club/new",
                Some(&ana),
                &[
                    ("csrf", &csrf_for(&ana)),
                    ("title", "Brake squeal after rain"),
                    ("body", "Disc brakes, every morning."),
                    ("tags", ""),
                    ("kind", "question"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let url = r.header("location").unwrap_or_default().to_owned();
        let q: i64 = url
            .split('/')
            .nth(2)
            .and_then(|n| n.parse().ok())
            .unwrap_or_default();
        let a = answer(&app, &ben, q, "Clean the rotors with alcohol.").await;

        let page = app.page(&url, Some(&ana)).await;
        assert!(page.text.contains(">Question</span>"), "{}", page.text);
        assert!(
            page.text.contains("value=\"accept\">Accept answer"),
            "{}",
            page.text
        );
        let page = app.page(&url, Some(&ben)).await;
        assert!(
            !page.text.contains("Accept answer"),
            "the answerer cannot accept"
        );

        let r = app
            .form(
                &format!("/p/{a}/accept"),
                Some(&ana),
                &[("csrf", &csrf_for(&ana)), ("action", "accept")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let page = app.page(&url, None).await;
        assert!(page.text.contains(">Solved</span>"), "{}", page.text);
        assert!(page.text.contains("best answer by"), "{}", page.text);
        assert!(page.text.contains("Best answer</span>"), "{}", page.text);

        let list = app.page("/g/club/questions?list=solved", None).await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(
            list.text.contains("Brake squeal after rain"),
            "{}",
            list.text
        );
        let list = app.page("/g/club/questions?list=nonsense", None).await;
        assert_eq!(list.status, StatusCode::UNPROCESSABLE_ENTITY);
        let search = app.page("/search?q=brake%20is%3Asolved", None).await;
        assert!(
            search
                .text
                .contains("Accepted answer</a>: Clean the rotors"),
            "{}",
            search.text
        );
        let _ = admin;
    })
    .await;
}
