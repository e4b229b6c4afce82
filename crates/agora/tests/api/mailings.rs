//! Email opt-ins (off by default, recorded in the consent ledger), bulletins to the members who
//! opted in, and the one-click unsubscribe every such mail carries.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};

use crate::routes;
use crate::support::{TestApp, csrf_for, each_backend};

fn granted(prefs: &Value, subject: &str) -> Option<bool> {
    prefs.as_array()?.iter().find(|p| p["subject"] == subject)?["granted"].as_bool()
}

/// Lets the event worker deliver what was sent; the newest bulletin.
async fn delivered(app: &TestApp, admin: &str) -> Value {
    app.work().await;
    app.get(&routes::bulletins(), Some(admin)).await.body[0].clone()
}

/// How many mails each address got whose text contains `needle`.
fn mails_per_address(app: &TestApp, needle: &str) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for mail in app.mailbox().mails_to("@") {
        if !mail.contains(needle) {
            continue;
        }
        if let Some(to) = mail.lines().find_map(|l| l.strip_prefix("To: ")) {
            *counts.entry(to.trim().to_owned()).or_insert(0) += 1;
        }
    }
    counts
}

#[tokio::test]
async fn email_opt_ins_are_off_by_default_and_every_change_is_in_the_ledger() {
    each_backend(|app| async move {
        app.register("admin").await;
        let ana = app.register("ana").await;
        let prefs = app.get(&routes::me_email_preferences(), Some(&ana)).await;
        // Only what agora sends is offered: nothing sends notification or digest mail yet.
        assert_eq!(prefs.body.as_array().map(Vec::len), Some(1), "{}", prefs.text);
        assert_eq!(granted(&prefs.body, "email_bulletins"), Some(false), "off by default");
        for unsent in ["email_notifications", "email_digests"] {
            let r = app.call(Method::PUT, &routes::me_email_preferences(), Some(&ana), Some(json!({unsent: true}))).await;
            assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "unknown_field"), "{unsent}: {}", r.text);
        }
        let r = app.call(Method::PUT, &routes::me_email_preferences(), Some(&ana), Some(json!({"email_bulletins": true}))).await;
        assert_eq!((r.status, granted(&r.body, "email_bulletins")), (StatusCode::OK, Some(true)), "{}", r.text);
        app.call(Method::PUT, &routes::me_email_preferences(), Some(&ana), Some(json!({"email_bulletins": true}))).await;
        let ledger = app.get(&routes::me_consents(), Some(&ana)).await;
        let rows: Vec<&Value> = ledger.body.as_array().into_iter().flatten().filter(|r| r["subject"] == "email_bulletins").collect();
        assert_eq!(rows.len(), 1, "a choice that did not change is not written again: {}", ledger.text);
        assert_eq!(rows[0]["granted"], true);

        let r = app.call(Method::PUT, &routes::me_email_preferences(), Some(&ana), Some(json!({"email_spam": true}))).await;
        assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "unknown_field"));
        assert_eq!(r.body["error"]["field"], "email_spam");
        assert_eq!(app.get(&routes::me_email_preferences(), None).await.status, StatusCode::UNAUTHORIZED);

        // Chosen at sign-up.
        let r = app.post(&routes::auth_register(), None, json!({"username": "ben", "email": "ben@example.com", "password": crate::support::PASSWORD, "email_opt_ins": ["email_bulletins"]})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let ben = crate::support::token_of(&r);
        let prefs = app.get(&routes::me_email_preferences(), Some(&ben)).await;
        assert_eq!(granted(&prefs.body, "email_bulletins"), Some(true));
        let r = app.post(&routes::auth_register(), None, json!({"username": "dora", "email": "dora@example.com", "password": crate::support::PASSWORD, "email_opt_ins": ["email_digests"]})).await;
        assert_eq!((r.status, r.body["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("email_opt_ins")), "{}", r.text);
        let r = app.post(&routes::auth_register(), None, json!({"username": "cat", "email": "cat@example.com", "password": crate::support::PASSWORD, "email_opt_ins": ["everything"]})).await;
        assert_eq!((r.status, r.body["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("email_opt_ins")));

        // The settings page: an unticked box is a no.
        let page = app.page("/settings/email-preferences", Some(&ana)).await;
        assert!(page.text.contains("name=\"email_bulletins\" type=\"checkbox\" value=\"true\" checked"), "{}", page.text);
        for promise in ["email_notifications", "email_digests", "replies to you", "Digests"] {
            assert!(!page.text.contains(promise), "the page offers {promise:?}, which nothing sends: {}", page.text);
        }
        let r = app.form("/settings/email-preferences", Some(&ana), &[("csrf", &csrf_for(&ana))]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let prefs = app.get(&routes::me_email_preferences(), Some(&ana)).await;
        assert_eq!(granted(&prefs.body, "email_bulletins"), Some(false));
    })
    .await;
}

#[tokio::test]
async fn a_bulletin_reaches_only_members_who_opted_in_and_unsubscribes_in_one_click() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        app.register("ben").await;
        app.call(Method::PUT, &routes::me_email_preferences(), Some(&ana), Some(json!({"email_bulletins": true}))).await;
        let cat = app.register_unverified("cat").await;
        app.call(Method::PUT, &routes::me_email_preferences(), Some(&cat), Some(json!({"email_bulletins": true}))).await;

        let r = app.post(&routes::bulletins(), Some(&ana), json!({"subject": "Hi", "body": "Hello"})).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "admins_only"));
        let r = app.post(&routes::bulletins(), Some(&admin), json!({"subject": "", "body": "Hello"})).await;
        assert_eq!(r.body["error"]["field"], "subject");
        assert_eq!(app.db().count_rows("bulletins").await, 0);
        let r = app.post(&routes::bulletins(), Some(&admin), json!({"subject": "Spring ride on 12 April", "body": "Join us at the lake. Bring a spare tube."})).await;
        assert_eq!((r.status, r.body["recipients"].as_i64()), (StatusCode::ACCEPTED, Some(1)), "{}", r.text);
        let b = delivered(&app, &admin).await;
        assert_eq!(b["sent"], 1);

        let mails = app.mailbox().mails_to("ana@example.com");
        let mail = mails.iter().find(|m| m.contains("Spring ride")).cloned().unwrap_or_default();
        assert!(mail.contains("Bring a spare tube."), "{mail}");
        assert!(mail.contains("List-Unsubscribe: <http://agora.test/unsubscribe/"), "{mail}");
        assert!(mail.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{mail}");
        for other in ["ben@example.com", "cat@example.com", "admin@example.com"] {
            assert!(!app.mailbox().mails_to(other).iter().any(|m| m.contains("Spring ride")), "{other} did not opt in or is unverified");
        }

        let start = mail.find("/unsubscribe/").unwrap_or(0) + "/unsubscribe/".len();
        let token: String = mail[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
        let page = app.page(&format!("/unsubscribe/{token}"), None).await;
        assert!(page.text.contains("Unsubscribe from bulletins?"), "a link scanner's GET changes nothing: {}", page.text);
        assert_eq!(granted(&app.get(&routes::me_email_preferences(), Some(&ana)).await.body, "email_bulletins"), Some(true));
        let last = if token.ends_with('0') { '1' } else { '0' };
        let forged = format!("{}{last}", &token[..token.len() - 1]);
        assert_eq!(app.page(&format!("/unsubscribe/{forged}"), None).await.status, StatusCode::NOT_FOUND);

        // The mail program's one-click POST: no cookie, no browser headers.
        let req = Request::builder()
            .method(Method::POST)
            .uri(format!("/unsubscribe/{token}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from("List-Unsubscribe=One-Click"))
            .unwrap_or_default();
        let r = app.send(req).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(granted(&app.get(&routes::me_email_preferences(), Some(&ana)).await.body, "email_bulletins"), Some(false));
        let ledger = app.get(&routes::me_consents(), Some(&ana)).await;
        assert_eq!(ledger.body.as_array().and_then(|r| r.last()).map(|r| r["granted"].clone()), Some(json!(false)), "{}", ledger.text);

        let r = app.post(&routes::bulletins(), Some(&admin), json!({"subject": "Second", "body": "Nobody left."})).await;
        assert_eq!(r.body["recipients"], 0);
        assert!(app.page("/admin/bulletins", Some(&admin)).await.text.contains("Spring ride on 12 April"));
        assert_eq!(app.post(&routes::unsubscribe(), None, json!({"token": forged})).await.status, StatusCode::NOT_FOUND);
    })
    .await;
}

/// Bulletin delivery is work the event worker does from the outbox: it survives a restart, a
/// worker that died holding the lease is replaced once the lease lapses, and a worker stopped
/// mid-way is taken over where it got to (at most the one member it was mailing then gets a
/// second copy).
#[tokio::test]
async fn a_bulletin_is_delivered_after_a_restart_and_a_stopped_worker_is_taken_over() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let mut members = Vec::new();
        for i in 0..130 {
            let name = format!("rider{i:03}");
            let token = app.register(&name).await;
            app.call(Method::PUT, &routes::me_email_preferences(), Some(&token), Some(json!({"email_bulletins": true}))).await;
            members.push(format!("{name}@example.com"));
        }
        let r = app.post(&routes::bulletins(), Some(&admin), json!({"subject": "Autumn ride", "body": "Lights on."})).await;
        assert_eq!((r.status, r.body["recipients"].as_i64()), (StatusCode::ACCEPTED, Some(130)), "{}", r.text);

        // The server stops before its worker got to the bulletin.
        let app = app.restart().await;
        assert!(mails_per_address(&app, "Autumn ride").is_empty());

        // A worker takes the lease and dies: nobody else delivers until the lease lapses.
        let now = app.app.agora.now();
        use agora_core::store::EventStore as _;
        let claimed = app
            .app
            .store
            .claim_consumer("mail", "dead-worker", agora_core::events::Start::Backfill, now, now.plus_seconds(60))
            .await;
        assert_eq!(claimed.ok().flatten().map(|c| c.position.id), Some(0));
        app.work().await;
        assert!(mails_per_address(&app, "Autumn ride").is_empty());
        app.clock.advance(61);

        // The next worker is stopped mid-way, its future dropped wherever it stands once ten
        // mails are out…
        let ten_out = async {
            while mails_per_address(&app, "Autumn ride").len() < 10 {
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
        };
        tokio::select! {
            handled = app.work_as("first") => panic!("the first worker finished ({handled}) before it was stopped"),
            () = ten_out => {}
        }
        let partial = mails_per_address(&app, "Autumn ride").len();
        assert!((10..130).contains(&partial), "{partial} mailed before the stop");
        // …and the one after it takes over once its lease lapses.
        assert_eq!(app.work_as("second").await, 0, "the first worker still holds the lease");
        app.clock.advance(61);
        // It hands the mail consumer what the first one had not recorded as done: the
        // sign-ups before the bulletin (nothing to mail) and the bulletin.
        assert!(app.work_as("second").await >= 1);

        let counts = mails_per_address(&app, "Autumn ride");
        let missing: Vec<&String> = members.iter().filter(|m| !counts.contains_key(*m)).collect();
        assert!(missing.is_empty(), "never mailed: {missing:?}");
        let twice: Vec<(&String, &usize)> = counts.iter().filter(|(_, n)| **n > 1).collect();
        assert!(twice.len() <= 1 && twice.iter().all(|(_, n)| **n == 2), "mailed more than once: {twice:?}");
        assert_eq!(counts.len(), 130, "{counts:?}");
        let b = app.get(&routes::bulletins(), Some(&admin)).await.body[0].clone();
        assert_eq!(b["sent"], 130, "{b}");
        assert_eq!(app.work().await, 0, "nothing is left to do");
    })
    .await;
}
