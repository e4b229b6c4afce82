//! Legal complaints: filed by anyone who can read a post, confirmed by mail for guests, first
//! in the moderators' queue, the post hidden by their decision (or at once for the kinds the
//! site says), every step of the case recorded, and a decision with a reason. The attacks on
//! this path are in `complaints_review.rs`.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::routes;
use crate::support::{TestApp, csrf_for, each_backend};

const STATEMENT: &str = "The post claims that I, Petra Vogel, sold stolen bikes. That is untrue and harms my shop's name.";

/// An admin, a moderator, a public group with a topic, and a reply by `ana` that is the subject
/// of the complaint; returns (admin, moderator, ana, topic, post).
async fn setup(app: &TestApp) -> (String, String, String, i64, i64) {
    let admin = app.register("admin").await;
    let moderator = app.register("mod").await;
    app.call(
        axum::http::Method::PUT,
        &routes::member_role("mod"),
        Some(&admin),
        Some(json!({"role": "moderator"})),
    )
    .await;
    let ana = app.register("ana").await;
    app.create_group(&admin, "club", "public").await;
    app.join(&ana, "club").await;
    let (topic, _) = app
        .create_topic(&admin, "club", "Where to buy used bikes", "Tips welcome.")
        .await;
    let r = app
        .post(
            &routes::topic_posts(topic),
            Some(&ana),
            json!({"body": "Avoid Vogel's shop, she sells stolen bikes."}),
        )
        .await;
    let post = r.body["id"].as_i64().unwrap_or_default();
    (admin, moderator, ana, topic, post)
}

fn complaint(email: &str) -> Value {
    json!({"name": "Petra Vogel", "email": email, "kind": "defamation", "statement": STATEMENT, "good_faith": true})
}

#[tokio::test]
async fn a_guests_complaint_is_confirmed_by_mail_hides_the_post_and_every_step_is_recorded() {
    each_backend(|app| async move {
        let (admin, moderator, _ana, _topic, post) = setup(&app).await;
        let path = routes::post_complaints(post);

        // Bad input: a clear error naming the field, nothing stored.
        let mut bad = complaint("petra@example.org");
        bad["good_faith"] = json!(false);
        let r = app.post(&path, None, bad).await;
        assert_eq!((r.status, r.code(), r.body["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "required", Some("good_faith")));
        let r = app.post(&path, None, complaint("not an address")).await;
        assert_eq!(r.body["error"]["field"], "email");
        let mut short = complaint("petra@example.org");
        short["statement"] = json!("It is false.");
        assert_eq!(app.post(&path, None, short).await.body["error"]["field"], "statement");
        let mut kind = complaint("petra@example.org");
        kind["kind"] = json!("annoying");
        assert_eq!(app.post(&path, None, kind).await.code(), "invalid_choice");
        assert_eq!(app.db().count_rows("legal_cases").await, 0);
        assert_eq!(app.post(&routes::post_complaints(999999), None, complaint("petra@example.org")).await.status, StatusCode::NOT_FOUND);

        let r = app.post(&path, None, complaint("petra@example.org")).await;
        assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::CREATED, Some("unconfirmed")), "{}", r.text);
        let reference = r.body["reference"].as_str().unwrap_or_default().to_owned();
        assert!(reference.starts_with("LC-"));
        assert_eq!(app.get(&routes::post(post), None).await.status, StatusCode::OK, "shown until confirmed");

        let token = app.mailbox().mailed_token("petra@example.org", "/legal/complaints/confirm/").unwrap_or_default();
        assert!(!token.is_empty(), "a confirmation mail");
        let page = app.page(&format!("/legal/complaints/confirm/{token}"), None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains("Confirm the complaint"), "opening the link asks: {}", page.text);
        let r = app.form(&format!("/legal/complaints/confirm/{token}"), None, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert!(r.text.contains(&reference), "{}", r.text);
        assert_eq!(app.get(&routes::post(post), None).await.status, StatusCode::OK, "shown until the moderators decide");
        let again = app.post(&routes::complaints_confirm(), None, json!({"token": token})).await;
        assert_eq!((again.status, again.code()), (StatusCode::NOT_FOUND, "invalid_link"));
        assert!(!app.mailbox().mails_to("ana@example.com").iter().any(|m| m.contains("complaint")), "nothing is hidden, so the author is not told yet");

        // The moderators' case; the complainant's address is never shown.
        let cases = app.get(&routes::legal_cases(), Some(&moderator)).await;
        assert_eq!((cases.body[0]["reference"].as_str(), cases.body[0]["status"].as_str()), (Some(reference.as_str()), Some("open")), "{}", cases.text);
        assert!(!cases.text.contains("petra@example.org"));
        assert_eq!(app.get(&routes::legal_cases(), Some(&_ana)).await.status, StatusCode::FORBIDDEN);
        let id = cases.body[0]["id"].as_i64().unwrap_or_default();
        let r = app.post(&routes::legal_case_notes(id), Some(&moderator), json!({"note": "Asked ana for her source."})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let r = app.post(&routes::legal_case_notes(id), Some(&moderator), json!({"note": "Can you send the police report?", "to_complainant": true})).await;
        assert_eq!(r.status, StatusCode::CREATED);
        assert!(app.mailbox().mails_to("petra@example.org").iter().any(|m| m.contains("Can you send the police report?")));
        let r = app.post(&routes::legal_case_decision(id), Some(&moderator), json!({"decision": "shrug", "reason": "x"})).await;
        assert_eq!(r.code(), "invalid_choice");
        let r = app.post(&routes::legal_case_decision(id), Some(&moderator), json!({"decision": "restore", "reason": "Ana showed a court record; the claim stands."})).await;
        assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::OK, Some("restored")), "{}", r.text);
        assert_eq!(app.get(&routes::post(post), None).await.status, StatusCode::OK, "not upheld: the post stays");
        assert!(app.mailbox().mails_to("petra@example.org").iter().any(|m| m.contains("court record")), "the complainant hears the reason");
        let r = app.post(&routes::legal_case_decision(id), Some(&moderator), json!({"decision": "remove", "reason": "Changed my mind"})).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "case_not_open"));

        let detail = app.get(&routes::legal_case(id), Some(&moderator)).await;
        let steps: Vec<&str> = detail.body["events"].as_array().into_iter().flatten().filter_map(|e| e["action"].as_str()).collect();
        assert_eq!(steps, ["filed", "confirmed", "opened", "note", "message", "restored"], "{}", detail.text);
        assert!(app.db().try_sql("UPDATE legal_case_events SET note = 'rewritten'").await.is_err(), "steps cannot be changed");
        assert!(app.db().try_sql("DELETE FROM legal_case_events").await.is_err(), "nor deleted");
        let log = app.get("/api/v1/audit?q=legal.restore", Some(&admin)).await;
        assert_eq!(log.body["entries"][0]["target"], format!("case:{reference}"), "{}", log.text);
    })
    .await;
}

#[tokio::test]
async fn a_verified_members_complaint_opens_at_once_and_cases_follow_the_visibility_policy() {
    each_backend(|app| async move {
        let (admin, moderator, ana, _topic, post) = setup(&app).await;
        let ben = app.register("ben").await;
        let r = app.post(&routes::post_complaints(post), Some(&ben), json!({"kind": "defamation", "statement": STATEMENT, "good_faith": true})).await;
        assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::CREATED, Some("open")), "{}", r.text);
        assert_eq!(app.get(&routes::post(post), None).await.status, StatusCode::OK, "up until decided");
        let cases = app.get(&routes::legal_cases(), Some(&moderator)).await;
        assert_eq!(cases.body[0]["complainant_member"], "ben");
        let id = cases.body[0]["id"].as_i64().unwrap_or_default();
        let r = app.post(&routes::legal_case_decision(id), Some(&moderator), json!({"decision": "remove", "reason": "Unproven accusation of a crime."})).await;
        assert_eq!(r.body["status"], "removed");
        assert_eq!(app.get(&routes::post(post), None).await.status, StatusCode::NOT_FOUND, "upheld: removed");
        assert!(app.mailbox().mails_to("ana@example.com").iter().any(|m| m.contains("decided to remove it")), "the author is told");
        let export = app.get(&routes::me_export(), Some(&ben)).await;
        assert_eq!(export.body["complaints"][0]["status"], "removed", "{}", export.text);

        // A post in a secret group: no complaint from outside, and no case for a moderator
        // who may not read the group.
        app.create_group(&admin, "inner", "secret").await;
        let (secret_topic, secret_post) = app.create_topic(&admin, "inner", "Our inner circle", "Private words.").await;
        let r = app.post(&routes::post_complaints(secret_post), None, complaint("x@example.org")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "a secret post does not exist for a guest");
        let r = app.post(&routes::post_complaints(secret_post), Some(&ana), json!({"kind": "other", "statement": STATEMENT, "good_faith": true})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "nor for a member outside the group");
        let r = app.post(&routes::post_complaints(secret_post), Some(&admin), json!({"kind": "privacy", "statement": "This shares my private address, remove it please.", "good_faith": true})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let cases = app.get(&routes::legal_cases(), Some(&moderator)).await;
        assert!(!cases.text.contains("Our inner circle"), "{}", cases.text);
        assert_eq!(cases.body.as_array().map(Vec::len), Some(1));
        let all = app.get(&routes::legal_cases(), Some(&admin)).await;
        let secret_case = all.body.as_array().into_iter().flatten().find(|c| c["topic_id"] == secret_topic).map(|c| c["id"].clone());
        let secret_case = secret_case.and_then(|v| v.as_i64()).unwrap_or_default();
        assert!(secret_case > 0, "the admin sees it: {}", all.text);
        assert_eq!(app.get(&routes::legal_case(secret_case), Some(&moderator)).await.status, StatusCode::NOT_FOUND);

        // Five complaints an hour from one person.
        for n in 0..4 {
            let (_, p) = app.create_topic(&admin, "club", &format!("Another topic {n}"), "Text.").await;
            let r = app.post(&routes::post_complaints(p), Some(&ben), json!({"kind": "other", "statement": STATEMENT, "good_faith": true})).await;
            assert_eq!(r.status, StatusCode::CREATED, "{n}: {}", r.text);
        }
        let (_, p) = app.create_topic(&admin, "club", "One topic too many", "Text.").await;
        let r = app.post(&routes::post_complaints(p), Some(&ben), json!({"kind": "other", "statement": STATEMENT, "good_faith": true})).await;
        assert_eq!((r.status, r.code()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    })
    .await;
}

#[tokio::test]
async fn the_complaint_and_case_pages_work_for_guests_and_moderators() {
    each_backend(|app| async move {
        let (_admin, moderator, _ana, topic, post) = setup(&app).await;
        let topic_page = app
            .page(&format!("/t/{topic}/where-to-buy-used-bikes"), None)
            .await;
        assert!(
            topic_page.text.contains(&format!("/p/{post}/complaint")),
            "guests find the way to complain: {}",
            topic_page.status
        );
        let form = app.page(&format!("/p/{post}/complaint"), None).await;
        assert!(
            form.text.contains("name=\"email\"") && form.text.contains("name=\"good_faith\""),
            "{}",
            form.text
        );
        let r = app
            .form(
                &format!("/p/{post}/complaint"),
                None,
                &[
                    ("name", "Petra"),
                    ("email", "petra@example.org"),
                    ("kind", "defamation"),
                    ("statement", "too short"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text.contains("statement-error"),
            "the error is beside the field"
        );
        assert!(
            r.text.contains("value=\"petra@example.org\""),
            "the input is kept"
        );
        let r = app
            .form(
                &format!("/p/{post}/complaint"),
                None,
                &[
                    ("name", "Petra"),
                    ("email", "petra@example.org"),
                    ("kind", "defamation"),
                    ("statement", STATEMENT),
                    ("good_faith", "true"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert!(r.text.contains("We mailed you a link"));

        let token = app
            .mailbox()
            .mailed_token("petra@example.org", "/legal/complaints/confirm/")
            .unwrap_or_default();
        let r = app
            .form(&format!("/legal/complaints/confirm/{token}"), None, &[])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let list = app.page("/admin/cases", Some(&moderator)).await;
        assert!(list.text.contains(">open</span>"), "{}", list.text);
        let id = app.get(&routes::legal_cases(), Some(&moderator)).await.body[0]["id"]
            .as_i64()
            .unwrap_or_default();
        let case = app
            .page(&format!("/admin/cases/{id}"), Some(&moderator))
            .await;
        assert!(
            case.text.contains("Petra (a guest") && !case.text.contains("petra@example.org"),
            "{}",
            case.text
        );
        let csrf = csrf_for(&moderator);
        let r = app
            .form(
                &format!("/admin/cases/{id}/decide"),
                Some(&moderator),
                &[("csrf", &csrf), ("decision", "remove"), ("reason", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = app
            .form(
                &format!("/admin/cases/{id}/decide"),
                Some(&moderator),
                &[
                    ("csrf", &csrf),
                    ("decision", "remove"),
                    ("reason", "Defamatory."),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(
            app.page(&format!("/admin/cases/{id}"), Some(&moderator))
                .await
                .text
                .contains(">removed</span>")
        );
    })
    .await;
}

/// Every kind's items are posts under the one item rule, so a complaint about an idea or an
/// accepted answer hides it wherever its kind shows it (the idea board, the answer under its
/// question, search), when the site hides complaints of its kind at once, and a decision not
/// to uphold it gives it back.
#[tokio::test]
async fn a_complaint_about_an_idea_or_an_accepted_answer_hides_it_wherever_its_kind_shows_it() {
    each_backend(|app| async move {
        let (admin, moderator, ana, _topic, _post) = setup(&app).await;
        let ben = app.register("ben").await;
        app.join(&ben, "club").await;
        let r = app
            .post(&routes::group_topics("club"), Some(&ana), json!({"title": "Why do spokes snap", "body": "Twice this month.", "kind": "question"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let question = r.body["id"].as_i64().unwrap_or_default();
        let r = app
            .post(&routes::topic_posts(question), Some(&ben), json!({"body": "Your wheelbuilder used quokkaspokes, ask for a refund."}))
            .await;
        let answer = r.body["id"].as_i64().unwrap_or_default();
        let r = app.post(&routes::post_accept(answer), Some(&ana), json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let r = app
            .post(&routes::group_topics("club"), Some(&ben), json!({"title": "Quokkatrack rentals", "body": "Rent wheels by the day.", "kind": "idea"}))
            .await;
        let idea = r.body["id"].as_i64().unwrap_or_default();
        let opening = app.get(&routes::topic(idea), None).await.body["posts"][0]["id"].as_i64().unwrap_or_default();
        let r = app.patch(&routes::site(), Some(&admin), json!({"complaints_hide_at_once": ["defamation"]})).await;
        assert_eq!(r.body["complaints_hide_at_once"], json!(["defamation"]), "{}", r.text);

        for post in [answer, opening] {
            let r = app.post(&routes::post_complaints(post), Some(&admin), json!({"kind": "defamation", "statement": STATEMENT, "good_faith": true})).await;
            assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::CREATED, Some("open")), "{}", r.text);
        }
        // The idea is gone for guests: its page, the board, search.
        assert_eq!(app.get(&routes::topic(idea), None).await.status, StatusCode::NOT_FOUND);
        let board = app.get("/api/v1/groups/club/topics?kind=idea", None).await;
        assert!(!board.text.contains("Quokkatrack"), "{}", board.text);
        let found = app.get("/api/v1/search?q=quokkatrack", None).await;
        assert!(!found.text.contains("Quokkatrack"), "{}", found.text);
        // The answer is gone from under its question and from search.
        let q = app.get(&routes::topic(question), None).await;
        assert_eq!(q.status, StatusCode::OK, "{}", q.text);
        assert!(!q.text.contains("quokkaspokes"), "{}", q.text);
        let found = app.get("/api/v1/search?q=quokkaspokes", None).await;
        assert!(!found.text.contains("quokkaspokes"), "{}", found.text);

        // Restored: both are back.
        let cases = app.get(&routes::legal_cases(), Some(&moderator)).await;
        for case in cases.body.as_array().cloned().unwrap_or_default() {
            let id = case["id"].as_i64().unwrap_or_default();
            if case["post_id"].as_i64().is_some_and(|p| p == answer || p == opening) {
                let r = app.post(&routes::legal_case_decision(id), Some(&moderator), json!({"decision": "restore", "reason": "Fair comment."})).await;
                assert_eq!(r.body["status"], "restored", "{}", r.text);
            }
        }
        assert_eq!(app.get(&routes::topic(idea), None).await.status, StatusCode::OK);
        let q = app.get(&routes::topic(question), None).await;
        assert!(q.text.contains("quokkaspokes"), "{}", q.text);
    })
    .await;
}
