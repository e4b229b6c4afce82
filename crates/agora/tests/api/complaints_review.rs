//! The legal complaint path as an attacker meets it (issue 20, finding 4): a complaint no longer
//! hides a post by itself, a mail scanner opening the link confirms nothing, sanctioned members
//! are refused, complaints are limited per network address and per mail address, and the
//! complainant's name cannot carry text into the mails agora sends.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use crate::proxy::from;
use crate::routes;
use crate::support::{TestApp, each_backend};

const STATEMENT: &str =
    "The post claims that I sold stolen bikes. That is untrue and harms my shop's name.";

fn by_guest(name: &str, email: &str) -> Value {
    json!({"name": name, "email": email, "kind": "defamation", "statement": STATEMENT, "good_faith": true})
}

fn by_member() -> Value {
    json!({"kind": "defamation", "statement": STATEMENT, "good_faith": true})
}

/// An admin (also a moderator), a public group `club` with a topic by `ana` and a flagged reply
/// in another topic; (admin, ana's topic, its opening post).
async fn setup(app: &TestApp) -> (String, i64, i64) {
    let admin = app.register("admin").await;
    let ana = app.register("ana").await;
    app.create_group(&admin, "club", "public").await;
    app.join(&ana, "club").await;
    let (topic, opening) = app
        .create_topic(
            &ana,
            "club",
            "My shop review",
            "Vogel's shop sells stolen bikes.",
        )
        .await;
    (admin, topic, opening)
}

/// Decides the first case of the list (open cases come first, the soonest due first).
async fn decide_first_case(
    app: &TestApp,
    admin: &str,
    decision: &str,
    reason: &str,
) -> crate::support::Reply {
    let id = app.get(&routes::legal_cases(), Some(admin)).await.body[0]["id"]
        .as_i64()
        .unwrap_or_default();
    app.post(
        &routes::legal_case_decision(id),
        Some(admin),
        json!({ "decision": decision, "reason": reason }),
    )
    .await
}

#[tokio::test]
async fn a_newcomers_complaint_about_an_opening_post_hides_nothing_and_goes_first_in_the_queue() {
    each_backend(|app| async move {
        let (admin, topic, opening) = setup(&app).await;
        // An older flag on another post waits in the queue already.
        let ben = app.register("ben").await;
        app.join(&ben, "club").await;
        let (_, older) = app
            .create_topic(&admin, "club", "Older", "Something flagged earlier.")
            .await;
        let r = app
            .post(
                &routes::post_flags(older),
                Some(&ben),
                json!({"reason": "spam"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);

        // A brand-new account (trust level 0, address confirmed) files a complaint.
        let newcomer = app.register_newcomer("newbie").await;
        app.clock.advance(60);
        let r = app
            .post(
                &routes::post_complaints(opening),
                Some(&newcomer),
                by_member(),
            )
            .await;
        assert_eq!(
            (r.status, r.body["status"].as_str()),
            (StatusCode::CREATED, Some("open")),
            "{}",
            r.text
        );
        // The topic stays, for guests too.
        assert_eq!(
            app.get(&routes::topic(topic), None).await.status,
            StatusCode::OK
        );
        assert_eq!(
            app.page(&format!("/t/{topic}/my-shop-review"), None)
                .await
                .status,
            StatusCode::OK
        );
        // First in the moderators' queue, with a time to decide by: two days.
        let queue = app.get(&routes::moderation_queue(), Some(&admin)).await;
        let first = &queue.body[0];
        assert_eq!(first["post_id"], opening, "{}", queue.text);
        assert_eq!(queue.body[1]["post_id"], older, "{}", queue.text);
        let case = &first["legal_case"];
        assert_eq!(case["kind"], "defamation", "{}", queue.text);
        let due = case["due_at"].as_str().unwrap_or_default();
        let detail = app
            .get(
                &routes::legal_case(case["id"].as_i64().unwrap_or_default()),
                Some(&admin),
            )
            .await;
        assert_eq!(detail.body["due_at"].as_str(), Some(due));
        assert_eq!(detail.body["post_hidden"], false);
        let page = app.page("/admin/queue", Some(&admin)).await;
        assert!(
            page.text.contains("legal complaint") && page.text.contains("decide by"),
            "{}",
            page.text
        );
        // Two days on, still undecided: overdue, and still first.
        app.clock.advance(2 * 86_400 + 1);
        let page = app.page("/admin/queue", Some(&admin)).await;
        assert!(page.text.contains("overdue"), "{}", page.text);
    })
    .await;
}

#[tokio::test]
async fn a_mail_scanner_opening_the_link_confirms_nothing() {
    each_backend(|app| async move {
        let (admin, _, opening) = setup(&app).await;
        let r = app
            .post(
                &routes::post_complaints(opening),
                None,
                by_guest("Petra Vogel", "petra@example.org"),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let token = app
            .mailbox()
            .mailed_token("petra@example.org", "/legal/complaints/confirm/")
            .unwrap_or_default();
        for _ in 0..3 {
            let page = app
                .page(&format!("/legal/complaints/confirm/{token}"), None)
                .await;
            assert_eq!(page.status, StatusCode::OK);
        }
        let cases = app.get(&routes::legal_cases(), Some(&admin)).await;
        assert_eq!(cases.body[0]["status"], "unconfirmed", "{}", cases.text);
        let r = app
            .form(&format!("/legal/complaints/confirm/{token}"), None, &[])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let cases = app.get(&routes::legal_cases(), Some(&admin)).await;
        assert_eq!(cases.body[0]["status"], "open", "{}", cases.text);
    })
    .await;
}

#[tokio::test]
async fn the_site_may_hide_complaints_of_a_kind_at_once_and_a_decision_shows_only_what_the_case_hid()
 {
    each_backend(|app| async move {
        let (admin, topic, opening) = setup(&app).await;
        let ben = app.register("ben").await;
        app.join(&ben, "club").await;
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"complaints_hide_at_once": ["nonsense"]}),
            )
            .await;
        assert_eq!(
            (r.status, r.code(), r.body["error"]["field"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_choice",
                Some("complaints_hide_at_once")
            )
        );
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"complaints_hide_at_once": ["copyright"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        // The admin form shows and keeps the choice.
        let form = app.page("/admin", Some(&admin)).await;
        assert!(
            form.text
                .contains("name=\"hide_copyright\" value=\"on\" checked"),
            "{}",
            form.text
        );

        // A copyright complaint hides at once; the author is told.
        let mut copyright = by_member();
        copyright["kind"] = json!("copyright");
        let r = app
            .post(&routes::post_complaints(opening), Some(&ben), copyright)
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        assert_eq!(
            app.get(&routes::topic(topic), None).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(
            app.mailbox()
                .mails_to("ana@example.com")
                .iter()
                .any(|m| m.contains("hidden while our moderators review")),
            "the author is told"
        );
        let r = decide_first_case(&app, &admin, "restore", "Quoted with a source.").await;
        assert_eq!(r.body["status"], "restored", "{}", r.text);
        assert_eq!(
            app.get(&routes::topic(topic), None).await.status,
            StatusCode::OK
        );

        // A defamation complaint on a reply its author then deletes: not upheld, the reply
        // stays deleted (the case never hid it).
        let ana = app
            .post(
                &routes::auth_login(),
                None,
                json!({"login": "ana", "password": crate::support::PASSWORD}),
            )
            .await;
        let ana = crate::support::token_of(&ana);
        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(&ana),
                json!({"body": "And they lie about prices."}),
            )
            .await;
        let reply = r.body["id"].as_i64().unwrap_or_default();
        let r = app
            .post(&routes::post_complaints(reply), Some(&ben), by_member())
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let r = app.delete(&routes::post(reply), Some(&ana)).await;
        assert!(r.status.is_success(), "{}", r.text);
        let r = decide_first_case(&app, &admin, "restore", "Opinion.").await;
        assert_eq!(r.body["status"], "restored", "{}", r.text);
        assert_eq!(
            app.get(&routes::post(reply), None).await.status,
            StatusCode::NOT_FOUND
        );

        // A guest's copyright complaint (a kind hidden at once) confirmed after the author
        // deleted the reply: the case hid nothing, so not upholding it shows nothing again.
        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(&ana),
                json!({"body": "A photo I took."}),
            )
            .await;
        let photo = r.body["id"].as_i64().unwrap_or_default();
        let mut guest = by_guest("Petra Vogel", "petra@example.org");
        guest["kind"] = json!("copyright");
        let r = app.post(&routes::post_complaints(photo), None, guest).await;
        assert_eq!(r.body["status"], "unconfirmed", "{}", r.text);
        let r = app.delete(&routes::post(photo), Some(&ana)).await;
        assert!(r.status.is_success(), "{}", r.text);
        let token = app
            .mailbox()
            .mailed_token("petra@example.org", "/legal/complaints/confirm/")
            .unwrap_or_default();
        let r = app
            .post(
                &routes::complaints_confirm(),
                None,
                json!({ "token": token }),
            )
            .await;
        assert_eq!(r.body["status"], "open", "{}", r.text);
        let case = app.get(&routes::legal_cases(), Some(&admin)).await.body[0].clone();
        assert_eq!(case["post_hidden"], false, "{case}");
        let r = decide_first_case(&app, &admin, "restore", "Own photo.").await;
        assert_eq!(r.body["status"], "restored", "{}", r.text);
        assert_eq!(
            app.get(&routes::post(photo), None).await.status,
            StatusCode::NOT_FOUND
        );
    })
    .await;
}

#[tokio::test]
async fn sanctioned_members_cannot_file_complaints() {
    each_backend(|app| async move {
        let (admin, _, opening) = setup(&app).await;
        let moderator = admin.clone();
        for (name, kind, code) in [
            ("silenced", "silence", "silenced"),
            ("banned", "ban", "suspended"),
        ] {
            let token = app.register(name).await;
            let r = app
                .post(
                    &routes::member_sanctions(name),
                    Some(&moderator),
                    json!({"kind": kind, "reason": "Trouble.", "days": 3}),
                )
                .await;
            assert!(r.status.is_success(), "{}", r.text);
            let r = app
                .post(&routes::post_complaints(opening), Some(&token), by_member())
                .await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::FORBIDDEN, code),
                "{}",
                r.text
            );
        }
        assert_eq!(app.db().count_rows("legal_cases").await, 0);
    })
    .await;
}

#[tokio::test]
async fn a_complainants_name_is_one_line_and_cannot_write_into_the_mail() {
    each_backend(|app| async move {
        let (_, _, opening) = setup(&app).await;
        for name in [
            "Petra\n\nYour account is locked, sign in at http://evil.example",
            "Petra\r\nBcc: x@evil.example",
            "Petra\u{202E}",
        ] {
            let r = app
                .post(
                    &routes::post_complaints(opening),
                    None,
                    by_guest(name, "victim@example.org"),
                )
                .await;
            assert_eq!(
                (r.status, r.code(), r.body["error"]["field"].as_str()),
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_name",
                    Some("name")
                ),
                "{name:?}: {}",
                r.text
            );
        }
        assert!(app.mailbox().mails_to("victim@example.org").is_empty());
        assert_eq!(app.db().count_rows("legal_cases").await, 0);
    })
    .await;
}

/// A guest's complaint from `peer`, with `email`.
fn complaint_from(opening: i64, email: &str) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri(routes::post_complaints(opening))
        .header("content-type", "application/json")
        .body(Body::from(by_guest("Petra Vogel", email).to_string()))
        .unwrap_or_default()
}

#[tokio::test]
async fn complaints_are_limited_per_network_address_and_per_mail_address() {
    each_backend(|app| async move {
        let (_, _, opening) = setup(&app).await;
        let router = &app.router;
        // Five an hour from one address, whatever the mail address.
        for n in 0..5 {
            let r = from(
                router,
                [198, 51, 100, 7],
                complaint_from(opening, &format!("p{n}@example.org")),
            )
            .await;
            assert_eq!(r.status, StatusCode::CREATED, "{n}: {}", r.text);
        }
        let r = from(
            router,
            [198, 51, 100, 7],
            complaint_from(opening, "p9@example.org"),
        )
        .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
        );
        // Ten a day from one mail address (p0 has one), whatever the network address.
        for n in 0..9 {
            let r = from(
                router,
                [203, 0, 113, n],
                complaint_from(opening, "p0@example.org"),
            )
            .await;
            assert_eq!(r.status, StatusCode::CREATED, "{n}: {}", r.text);
        }
        let r = from(
            router,
            [203, 0, 113, 99],
            complaint_from(opening, "P0@example.org"),
        )
        .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            "{}",
            r.text
        );
        assert_eq!(app.db().count_rows("legal_cases").await, 14);
    })
    .await;
}

#[tokio::test]
async fn a_complaint_in_a_secret_group_reaches_no_moderator_outside_it() {
    each_backend(|app| async move {
        let (admin, _, _) = setup(&app).await;
        let moderator = app.register("mod").await;
        let r = app
            .call(
                axum::http::Method::PUT,
                &routes::member_role("mod"),
                Some(&admin),
                Some(json!({"role": "moderator"})),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);
        app.create_group(&admin, "vault", "secret").await;
        let (_, secret) = app
            .create_topic(&admin, "vault", "Inner plans", "Not for outsiders.")
            .await;
        let r = app
            .post(&routes::post_complaints(secret), Some(&admin), by_member())
            .await;
        assert_eq!(r.body["status"], "open", "{}", r.text);
        // The admin sees it first in the queue; the moderator outside the group sees nothing
        // of it, in the queue (API and page) or the cases.
        let queue = app.get(&routes::moderation_queue(), Some(&admin)).await;
        assert_eq!(queue.body[0]["post_id"], secret, "{}", queue.text);
        let queue = app.get(&routes::moderation_queue(), Some(&moderator)).await;
        assert_eq!(
            queue.body.as_array().map(Vec::len),
            Some(0),
            "{}",
            queue.text
        );
        let page = app.page("/admin/queue", Some(&moderator)).await;
        assert!(page.text.contains("No post waits"), "{}", page.text);
        assert!(!page.text.contains("Inner plans") && !page.text.contains("decide by"));
        let cases = app.get(&routes::legal_cases(), Some(&moderator)).await;
        assert!(!cases.text.contains("Inner plans"), "{}", cases.text);
    })
    .await;
}
