//! Private messages through the API on both databases: a conversation exists only for its
//! participants (admins and site moderators included), requests, blocks, the new members'
//! limits, unread counts, members added with or without the history, edits, export and
//! erasure, and numbering under simultaneous writers.

use axum::http::{Method, StatusCode};
use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::routes;
use crate::support::{TestApp, each_backend};

use crate::support::PASSWORD;

/// Starts a conversation from `token` to `to` and returns its body.
async fn start(app: &TestApp, token: &str, to: &[&str], body: &str) -> Value {
    let r = app
        .post(
            &routes::conversations(),
            Some(token),
            json!({"to": to, "subject": "Saturday's ride", "body": body}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.body
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_default()
}

async fn send(app: &TestApp, token: &str, conversation: i64, body: &str) -> Value {
    let r = app
        .post(
            &routes::conversation_messages(conversation),
            Some(token),
            json!({ "body": body }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.body
}

async fn inbox(app: &TestApp, token: &str, which: &str) -> Value {
    let r = app
        .get(
            &format!("{}?box={which}", routes::conversations()),
            Some(token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

fn ids(inbox: &Value) -> Vec<i64> {
    inbox["conversations"]
        .as_array()
        .map(|a| a.iter().map(id).collect())
        .unwrap_or_default()
}

fn state_of(conversation: &Value, username: &str) -> String {
    conversation["participants"]
        .as_array()
        .and_then(|a| a.iter().find(|p| p["username"] == username))
        .and_then(|p| p["state"].as_str())
        .unwrap_or("absent")
        .to_owned()
}

async fn accept(app: &TestApp, token: &str, conversation: i64) {
    let r = app
        .post(
            &routes::conversation_accept(conversation),
            Some(token),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
}

/// An admin, a site moderator and three members.
async fn people(app: &TestApp) -> (String, String, String, String, String) {
    let admin = app.register("admin").await;
    let sitemod = app.register("sitemod").await;
    let r = app
        .call(
            Method::PUT,
            &routes::member_role("sitemod"),
            Some(&admin),
            Some(json!({"role": "moderator"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let ana = app.register("ana").await;
    let ben = app.register("ben").await;
    let cara = app.register("cara").await;
    (admin, sitemod, ana, ben, cara)
}

#[tokio::test]
async fn a_conversation_exists_only_for_its_participants_whatever_their_role() {
    each_backend(|app| async move {
        let (admin, sitemod, ana, ben, cara) = people(&app).await;
        let dan = app.register("dan").await;
        let c = start(&app, &ana, &["ben", "dan"], "Meet at the bridge at nine.").await;
        let conversation = id(&c);
        accept(&app, &ben, conversation).await;
        accept(&app, &dan, conversation).await;
        let m = send(&app, &ben, conversation, "I will bring the pump.").await;
        let message = id(&m);
        let r = app
            .patch(&routes::message(message), Some(&ben), json!({"body": "I will bring two pumps."}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        // Dan leaves: a former participant reads nothing any more.
        let r = app
            .post(&routes::conversation_leave(conversation), Some(&dan), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);

        // Every read and write of a conversation or a message, from the OpenAPI document.
        let doc = app.get("/api/v1/openapi.json", None).await.body;
        let mut paths = Vec::new();
        for (template, ops) in doc["paths"].as_object().into_iter().flatten() {
            for prefix in ["/api/v1/conversations/{id}", "/api/v1/messages/{id}"] {
                if template.starts_with(prefix) {
                    for method in ops.as_object().into_iter().flatten().map(|(m, _)| m) {
                        paths.push((method.to_uppercase(), template.clone()));
                    }
                }
            }
        }
        assert!(paths.len() >= 10, "{paths:?}");
        let fill = |template: &str, c: i64, m: i64| {
            template
                .replace("/conversations/{id}", &format!("/conversations/{c}"))
                .replace("/messages/{id}", &format!("/messages/{m}"))
        };
        let body_for = |template: &str| -> Option<Value> {
            if template.ends_with("/members") {
                Some(json!({"usernames": ["cara"]}))
            } else if template.ends_with("/read") {
                Some(json!({"seq": 1}))
            } else if template.ends_with("/messages") || template == "/api/v1/messages/{id}" {
                Some(json!({"body": "Hello"}))
            } else {
                Some(json!({}))
            }
        };
        let mut failures = Vec::new();
        let outsiders = [
            ("former participant", Some(dan.as_str())),
            ("member", Some(cara.as_str())),
            ("admin", Some(admin.as_str())),
            ("site moderator", Some(sitemod.as_str())),
            ("guest", None),
        ];
        for (method, template) in &paths {
            let method = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
            let body = (method != Method::GET && method != Method::DELETE)
                .then(|| body_for(template))
                .flatten();
            for (who, token) in outsiders {
                let missing = app
                    .call(method.clone(), &fill(template, 999_999, 999_999), token, body.clone())
                    .await;
                let r = app
                    .call(method.clone(), &fill(template, conversation, message), token, body.clone())
                    .await;
                if (r.status, &r.text) != (missing.status, &missing.text) {
                    failures.push(format!(
                        "{who} {method} {template}: {} {} (a conversation that never existed: {} {})",
                        r.status, r.text, missing.status, missing.text
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        // Nothing changed by their attempts, and the participants still read it.
        let r = app.get(&routes::conversation(conversation), Some(&ana)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(state_of(&r.body, "cara"), "absent", "{}", r.text);
        assert_eq!(r.body["messages"].as_array().map(Vec::len), Some(2));
        assert_eq!(state_of(&r.body, "dan"), "left");
        // Their inboxes do not list it.
        for token in [&admin, &sitemod, &cara, &dan] {
            assert!(!ids(&inbox(&app, token, "inbox").await).contains(&conversation));
            assert!(!ids(&inbox(&app, token, "requests").await).contains(&conversation));
        }
        assert!(ids(&inbox(&app, &ben, "inbox").await).contains(&conversation));

        // A message after Dan left: no count, search, export or cached page reaches anyone
        // outside, and Dan's download keeps only what he could read while he was in it.
        send(&app, &ana, conversation, "Dan has gone, pumps are on me.").await;
        for (who, token) in outsiders {
            let found = app
                .get(&format!("{}?q=pumps", routes::search()), token)
                .await;
            assert_eq!(found.status, StatusCode::OK, "{who}: {}", found.text);
            assert_eq!(found.body["items"], json!([]), "{who}: {}", found.text);
            let Some(token) = token else { continue };
            let unread = inbox(&app, token, "inbox").await;
            assert_eq!(unread["unread_conversations"], 0, "{who}: {unread}");
            let export = app.get(&routes::me_export(), Some(token)).await;
            assert_eq!(export.status, StatusCode::OK, "{who}: {}", export.text);
            assert!(!export.text.contains("Dan has gone"), "{who}: {}", export.text);
            let archive = &export.body["kinds"]["message"];
            if token == dan {
                let bodies: Vec<&str> = archive["messages"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|m| m["body_markdown"].as_str())
                    .collect();
                assert_eq!(
                    bodies,
                    ["Meet at the bridge at nine.", "I will bring two pumps."],
                    "{archive}"
                );
            } else {
                assert_eq!(archive["conversations"], json!([]), "{who}: {archive}");
                assert_eq!(archive["messages"], json!([]), "{who}: {archive}");
            }
        }
        let found = app
            .get(&format!("{}?q=pumps", routes::search()), Some(&ben))
            .await;
        assert_eq!(found.body["items"].as_array().map(Vec::len), Some(2), "{}", found.text);
        let app = app.with_guest_cache(60);
        let page = format!("/messages/{conversation}");
        assert_eq!(app.page(&page, Some(&ben)).await.status, StatusCode::OK);
        for _ in 0..2 {
            let r = app.page(&page, None).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND);
            assert!(r.headers.get(agora_web::CACHE_HEADER).is_none(), "{:?}", r.headers);
            assert!(!r.text.contains("pumps"));
        }
    })
    .await;
}

#[tokio::test]
async fn a_first_message_from_a_stranger_waits_as_a_request_and_declining_says_only_not_accepted() {
    each_backend(|app| async move {
        let (_, _, ana, ben, cara) = people(&app).await;
        let c = start(&app, &ana, &["ben", "cara"], "Shall we ride on Saturday?").await;
        let conversation = id(&c);
        assert_eq!(state_of(&c, "ben"), "not_accepted");
        // Nothing else happens for Ben: no unread count, only a request.
        let b = inbox(&app, &ben, "inbox").await;
        assert_eq!(
            (
                ids(&b),
                b["unread_conversations"].as_i64(),
                b["requests"].as_i64()
            ),
            (vec![], Some(0), Some(1))
        );
        assert_eq!(
            ids(&inbox(&app, &ben, "requests").await),
            vec![conversation]
        );
        // Ben reads it before deciding, and may not reply yet.
        let r = app
            .get(&routes::conversation(conversation), Some(&ben))
            .await;
        assert_eq!(
            (
                r.status,
                r.body["state"].as_str(),
                r.body["can_reply"].as_bool()
            ),
            (StatusCode::OK, Some("requested"), Some(false))
        );
        let r = app
            .post(
                &routes::conversation_messages(conversation),
                Some(&ben),
                json!({"body": "Hi"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "accept_first"),
            "{}",
            r.text
        );
        accept(&app, &ben, conversation).await;
        send(&app, &ben, conversation, "Yes, at nine.").await;
        // Cara declines: Ana sees her as not accepted, as before she answered.
        let r = app
            .post(
                &routes::conversation_decline(conversation),
                Some(&cara),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        let r = app
            .get(&routes::conversation(conversation), Some(&ana))
            .await;
        assert_eq!(
            (state_of(&r.body, "ben"), state_of(&r.body, "cara")),
            ("active".into(), "not_accepted".into())
        );
        let r = app
            .get(&routes::conversation(conversation), Some(&cara))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
        let r = app
            .post(
                &routes::conversation_accept(conversation),
                Some(&ben),
                json!({}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "not_a_request")
        );
        // Having talked, Ana's next conversation with Ben goes straight to his inbox.
        let again = start(&app, &ana, &["ben"], "Same time next week?").await;
        assert_eq!(state_of(&again, "ben"), "active");
        assert!(ids(&inbox(&app, &ben, "inbox").await).contains(&id(&again)));
    })
    .await;
}

#[tokio::test]
async fn a_block_stops_conversations_both_ways_without_telling_and_staff_still_reach_the_member() {
    each_backend(|app| async move {
        let (admin, _, ana, ben, _) = people(&app).await;
        let old = start(&app, &ana, &["ben"], "Remember me?").await;
        accept(&app, &ben, id(&old)).await;
        let r = app
            .call(Method::PUT, &routes::member_block("ana"), Some(&ben), None)
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        // The conversation with Ana leaves Ben's inbox.
        let r = app.get(&routes::conversation(id(&old)), Some(&ben)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(ids(&inbox(&app, &ben, "inbox").await), Vec::<i64>::new());
        // Ana is not told: her new conversation is created and Ben simply has not accepted.
        let new = start(&app, &ana, &["ben"], "Hello again").await;
        assert_eq!(state_of(&new, "ben"), "not_accepted");
        let b = inbox(&app, &ben, "requests").await;
        assert_eq!((ids(&b), b["requests"].as_i64()), (vec![], Some(0)));
        // Ben may not write to Ana while he blocks her.
        let r = app
            .post(&routes::conversations(), Some(&ben), json!({"to": ["ana"], "subject": "Hi", "body": "Hi"}))
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "you_block"), "{}", r.text);
        // Staff cannot be blocked, and their moderation message reaches Ben, marked.
        let r = app
            .call(Method::PUT, &routes::member_block("admin"), Some(&ben), None)
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "staff_cannot_be_blocked"));
        let r = app
            .post(&routes::conversations(), Some(&ben), json!({"to": ["ana"], "subject": "Hi", "body": "Hi", "moderation": true}))
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "staff_only"));
        let r = app
            .post(
                &routes::conversations(),
                Some(&admin),
                json!({"to": ["ben"], "subject": "About your posts", "body": "Please keep it civil.", "moderation": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        assert_eq!((r.body["moderation"].as_bool(), state_of(&r.body, "ben")), (Some(true), "active".into()));
        let b = inbox(&app, &ben, "inbox").await;
        assert_eq!(b["conversations"][0]["moderation"], true, "{b}");
        // Unblocked, Ana's later message goes to his inbox: they talked before.
        let r = app
            .call(Method::DELETE, &routes::member_block("ana"), Some(&ben), None)
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let later = start(&app, &ana, &["ben"], "Friends again?").await;
        assert_eq!(state_of(&later, "ben"), "active");
        let r = app.get(&routes::blocks(), Some(&ben)).await;
        assert_eq!(r.body.as_array().map(Vec::len), Some(0), "{}", r.text);
    })
    .await;
}

#[tokio::test]
async fn new_members_write_to_strangers_only_when_the_site_allows_and_a_few_times_a_day() {
    each_backend(|app| async move {
        let (admin, _, _, _, _) = people(&app).await;
        let nina = app.register_newcomer("nina").await;
        let r = app
            .post(
                &routes::conversations(),
                Some(&nina),
                json!({"to": ["ana"], "subject": "Hi", "body": "Hello!"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "strangers_not_allowed"),
            "{}",
            r.text
        );
        assert!(
            r.body["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("talked with")
        );
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"trust": {"messages_strangers_min_level": 0, "messages_new_per_day": 2}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        for to in ["ana", "ben"] {
            let c = start(&app, &nina, &[to], "Hello!").await;
            // Below the request level, even a first message is a request.
            assert_eq!(state_of(&c, to), "not_accepted");
        }
        let r = app
            .post(
                &routes::conversations(),
                Some(&nina),
                json!({"to": ["cara"], "subject": "Hi", "body": "Hello!"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::TOO_MANY_REQUESTS, "new_conversations_limit"),
            "{}",
            r.text
        );
        assert!(r.header("retry-after").is_some());
        // A setting out of range is refused naming it.
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"trust": {"messages_max_participants": 1000}}),
            )
            .await;
        assert_eq!(
            (r.status, r.body["error"]["field"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("messages_max_participants")
            ),
            "{}",
            r.text
        );
    })
    .await;
}

#[tokio::test]
async fn unread_counts_follow_the_last_message_and_the_last_read_and_members_join_with_or_without_history()
 {
    each_backend(|app| async move {
        let (_, _, ana, ben, cara) = people(&app).await;
        let dan = app.register("dan").await;
        let c = start(&app, &ana, &["ben"], "One").await;
        let conversation = id(&c);
        accept(&app, &ben, conversation).await;
        for text in ["Two", "Three"] {
            send(&app, &ana, conversation, text).await;
        }
        let b = inbox(&app, &ben, "inbox").await;
        assert_eq!(
            (
                b["unread_conversations"].as_i64(),
                b["conversations"][0]["unread"].as_i64()
            ),
            (Some(1), Some(3)),
            "{b}"
        );
        let r = app
            .post(
                &routes::conversation_read(conversation),
                Some(&ben),
                json!({"seq": 2}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(
            inbox(&app, &ben, "inbox").await["conversations"][0]["unread"],
            1
        );
        // Reading the page marks everything shown read; a read mark never moves backwards.
        app.get(&routes::conversation(conversation), Some(&ben))
            .await;
        app.post(
            &routes::conversation_read(conversation),
            Some(&ben),
            json!({"seq": 1}),
        )
        .await;
        let b = inbox(&app, &ben, "inbox").await;
        assert_eq!(
            (
                b["unread_conversations"].as_i64(),
                b["conversations"][0]["unread"].as_i64()
            ),
            (Some(0), Some(0))
        );
        // Ana's own messages are never unread for her.
        assert_eq!(inbox(&app, &ana, "inbox").await["unread_conversations"], 0);

        // Cara joins with the history, Dan without it. They talked with Ben before.
        for (who, token) in [("cara", &cara), ("dan", &dan)] {
            let c = start(&app, &ben, &[who], "Hi").await;
            accept(&app, token, id(&c)).await;
        }
        let r = app
            .post(
                &routes::conversation_members(conversation),
                Some(&ben),
                json!({"usernames": ["cara"], "history": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        let r = app
            .post(
                &routes::conversation_members(conversation),
                Some(&ben),
                json!({"usernames": ["dan"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        let first = app
            .get(&routes::conversation(conversation), Some(&ana))
            .await
            .body["messages"][0]["id"]
            .as_i64()
            .unwrap_or_default();
        send(&app, &ana, conversation, "Four").await;
        let seen = |r: Value| -> Vec<String> {
            r["messages"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|m| m["body_markdown"].as_str().unwrap_or("").to_owned())
                        .collect()
                })
                .unwrap_or_default()
        };
        let r = app
            .get(&routes::conversation(conversation), Some(&cara))
            .await;
        assert_eq!(seen(r.body), ["One", "Two", "Three", "Four"]);
        let r = app
            .get(&routes::conversation(conversation), Some(&dan))
            .await;
        assert_eq!(seen(r.body), ["Four"]);
        let r = app.get(&routes::message_revisions(first), Some(&dan)).await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "an earlier message does not exist for Dan"
        );
        assert_eq!(
            inbox(&app, &dan, "inbox").await["conversations"][0]["unread"],
            0,
            "read by the page"
        );
    })
    .await;
}

#[tokio::test]
async fn a_conversation_takes_at_most_the_sites_number_of_members() {
    each_backend(|app| async move {
        let (admin, _, ana, _, _) = people(&app).await;
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"trust": {"messages_max_participants": 3}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let r = app
            .post(
                &routes::conversations(),
                Some(&ana),
                json!({"to": ["ben", "cara", "sitemod"], "subject": "All", "body": "Hi"}),
            )
            .await;
        assert_eq!(
            (r.status, r.body["error"]["field"].as_str(), r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("to"), "too_many"),
            "{}",
            r.text
        );
        let c = start(&app, &ana, &["ben", "cara"], "Three of us").await;
        let r = app
            .post(
                &routes::conversation_members(id(&c)),
                Some(&ana),
                json!({"usernames": ["sitemod"]}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "too_many"),
            "{}",
            r.text
        );
        assert_eq!(
            app.db()
                .count_where(
                    "conversation_members",
                    &format!("conversation_id = {}", id(&c))
                )
                .await,
            3
        );
        let r = app
            .post(
                &routes::conversations(),
                Some(&ana),
                json!({"to": ["nobody"], "subject": "Hi", "body": "Hi"}),
            )
            .await;
        assert_eq!(
            (r.status, r.body["error"]["field"].as_str(), r.code()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("to"),
                "unknown_member"
            )
        );
        let r = app
            .post(
                &routes::conversations(),
                Some(&ana),
                json!({"to": ["ana"], "subject": "Hi", "body": "Hi"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "required"),
            "{}",
            r.text
        );
        let r = app
            .post(
                &routes::conversations(),
                Some(&ana),
                json!({"to": ["ben"], "subject": " ", "body": "Hi"}),
            )
            .await;
        assert_eq!(
            (r.status, r.body["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("subject"))
        );
    })
    .await;
}

#[tokio::test]
async fn an_edit_keeps_the_version_it_replaces_and_only_the_author_edits_or_deletes() {
    each_backend(|app| async move {
        let (_, _, ana, ben, _) = people(&app).await;
        let c = start(&app, &ana, &["ben"], "Meet at **nine**").await;
        accept(&app, &ben, id(&c)).await;
        let first = c["messages"][0]["id"].as_i64().unwrap_or_default();
        assert!(
            c["messages"][0]["body_html"]
                .as_str()
                .unwrap_or("")
                .contains("<strong>nine</strong>")
        );
        let r = app
            .patch(
                &routes::message(first),
                Some(&ben),
                json!({"body": "Mine now"}),
            )
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "author_only"));
        let r = app
            .patch(
                &routes::message(first),
                Some(&ana),
                json!({"body": "Meet at ten"}),
            )
            .await;
        assert_eq!(
            (r.status, r.body["edited_at"].is_string()),
            (StatusCode::OK, true),
            "{}",
            r.text
        );
        let r = app.get(&routes::message_revisions(first), Some(&ben)).await;
        assert_eq!(r.body[0]["body_markdown"], "Meet at **nine**", "{}", r.text);
        let r = app.delete(&routes::message(first), Some(&ben)).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "author_only"));
        let r = app.delete(&routes::message(first), Some(&ana)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let r = app.get(&routes::conversation(id(&c)), Some(&ben)).await;
        let m = &r.body["messages"][0];
        assert_eq!(
            (m["deleted"].as_bool(), m["body_markdown"].as_str()),
            (Some(true), Some("")),
            "{m}"
        );
    })
    .await;
}

#[tokio::test]
async fn the_export_holds_what_the_member_could_read_and_erasure_removes_the_words_when_asked() {
    each_backend(|app| async move {
        let (_, _, ana, ben, _) = people(&app).await;
        let c = start(&app, &ana, &["ben"], "Ana's secret plan").await;
        accept(&app, &ben, id(&c)).await;
        send(&app, &ben, id(&c), "Ben's answer").await;
        let r = app.get(&routes::me_export(), Some(&ben)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let archive = &r.body["kinds"]["message"];
        assert_eq!(
            archive["conversations"][0]["subject"], "Saturday's ride",
            "{archive}"
        );
        assert_eq!(
            archive["messages"].as_array().map(Vec::len),
            Some(2),
            "{archive}"
        );
        // Ana erases her account with her contributions: Ben's copy keeps the conversation,
        // without her words or her name.
        let r = app
            .call(
                Method::DELETE,
                &routes::me(),
                Some(&ana),
                Some(json!({"password": PASSWORD, "remove_posts": true})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        let r = app.get(&routes::conversation(id(&c)), Some(&ben)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let m = &r.body["messages"][0];
        assert_eq!(
            (m["deleted"].as_bool(), m["body_markdown"].as_str()),
            (Some(true), Some("")),
            "{m}"
        );
        assert_ne!(m["author"], "ana", "{m}");
        assert!(!r.text.contains("secret plan"), "{}", r.text);
        assert_eq!(r.body["messages"][1]["body_markdown"], "Ben's answer");
    })
    .await;
}

#[tokio::test]
async fn simultaneous_messages_get_numbers_one_each_and_the_count_holds() {
    each_backend(|app| async move {
        let (_, _, ana, ben, cara) = people(&app).await;
        let c = start(&app, &ana, &["ben", "cara"], "Go").await;
        let conversation = id(&c);
        accept(&app, &ben, conversation).await;
        accept(&app, &cara, conversation).await;
        let tokens = [&ana, &ben, &cara];
        let sent = join_all((0..24).map(|n| {
            let token = tokens[n % 3].clone();
            let app = &app;
            async move {
                app.post(
                    &routes::conversation_messages(conversation),
                    Some(&token),
                    json!({"body": format!("Message {n}")}),
                )
                .await
            }
        }))
        .await;
        let mut seqs: Vec<i64> = sent
            .iter()
            .map(|r| {
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
                r.body["seq"].as_i64().unwrap_or_default()
            })
            .collect();
        seqs.sort_unstable();
        assert_eq!(seqs, (2..=25).collect::<Vec<_>>());
        let r = app
            .get(&routes::conversation(conversation), Some(&ana))
            .await;
        assert_eq!(r.body["last_seq"], 25, "{}", r.text);
        assert_eq!(
            app.db()
                .count_where("messages", &format!("conversation_id = {conversation}"))
                .await,
            25
        );
    })
    .await;
}

#[tokio::test]
async fn messages_are_found_by_their_participants_search_and_by_no_one_else() {
    each_backend(|app| async move {
        let (admin, sitemod, ana, ben, cara) = people(&app).await;
        let dan = app.register("dan").await;
        let c = start(
            &app,
            &ana,
            &["ben", "dan"],
            "The quokka trail starts at the marker",
        )
        .await;
        let conversation = id(&c);
        accept(&app, &ben, conversation).await;
        let gone = send(&app, &ana, conversation, "A quokka note I take back").await;
        let r = app.delete(&routes::message(id(&gone)), Some(&ana)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let found = |r: &Value| -> Vec<(String, i64)> {
            r["items"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|i| {
                            (
                                i["kind"].as_str().unwrap_or("").to_owned(),
                                i["id"].as_i64().unwrap_or(0),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let first = c["messages"][0]["id"].as_i64().unwrap_or_default();
        for (who, token) in [("ana", &ana), ("ben", &ben), ("dan, asked", &dan)] {
            let r = app.get("/api/v1/search?q=quokka", Some(token)).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            assert_eq!(
                found(&r.body),
                vec![("message".to_owned(), first)],
                "{who}: {}",
                r.text
            );
            assert!(
                r.body["items"][0]["snippet_html"]
                    .as_str()
                    .unwrap_or("")
                    .contains("<mark>quokka</mark>"),
                "{}",
                r.text
            );
            assert_eq!(
                r.body["items"][0]["url"],
                format!("/messages/{conversation}#m1")
            );
        }
        let r = app
            .post(
                &routes::conversation_leave(conversation),
                Some(&dan),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        for (who, token) in [
            ("dan, gone", Some(&dan)),
            ("admin", Some(&admin)),
            ("site moderator", Some(&sitemod)),
            ("cara", Some(&cara)),
            ("guest", None),
        ] {
            let r = app
                .get("/api/v1/search?q=quokka", token.map(String::as_str))
                .await;
            assert_eq!(found(&r.body), vec![], "{who}: {}", r.text);
            let page = app
                .page("/search?q=quokka", token.map(String::as_str))
                .await;
            assert!(
                !page.text.contains("quokka trail"),
                "{who} saw it on the search page"
            );
        }
        let page = app.page("/search?q=quokka", Some(&ben)).await;
        assert!(
            page.text.contains("In your messages") && page.text.contains("<mark>quokka</mark>"),
            "{}",
            page.text
        );
    })
    .await;
}

#[tokio::test]
async fn messages_are_paced_like_posts() {
    let config = agora_core::AgoraConfig {
        posts_per_minute: 2,
        ..agora_core::AgoraConfig::default()
    };
    crate::support::each_backend_with(config, |app| async move {
        let (_, _, ana, ben, _) = people(&app).await;
        let c = start(&app, &ana, &["ben"], "One").await;
        accept(&app, &ben, id(&c)).await;
        send(&app, &ana, id(&c), "Two").await;
        let r = app
            .post(
                &routes::conversation_messages(id(&c)),
                Some(&ana),
                json!({"body": "Three"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            "{}",
            r.text
        );
        assert!(r.header("retry-after").is_some());
        // Ben has his own pace.
        send(&app, &ben, id(&c), "Hi").await;
    })
    .await;
}

#[tokio::test]
async fn a_reported_message_shows_the_staff_it_and_five_before_never_more_and_each_look_is_audited()
{
    each_backend(|app| async move {
        let (admin, sitemod, ana, ben, cara) = people(&app).await;
        let c = start(&app, &ana, &["ben"], "Message 1").await;
        let conversation = id(&c);
        accept(&app, &ben, conversation).await;
        let mut ids = vec![c["messages"][0]["id"].as_i64().unwrap_or_default()];
        for n in 2..=9 {
            let token = if n % 2 == 0 { &ben } else { &ana };
            ids.push(id(&send(&app, token, conversation, &format!("Message {n}")).await));
        }
        // Message 8 is Ben's: Ana reports it.
        let reported = ids[7];
        let path = format!("/api/v1/items/message/{reported}");
        for (who, token) in [("cara", &cara), ("admin", &admin)] {
            let r = app
                .post(&format!("{path}/report"), Some(token), json!({"reason": "abuse"}))
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} cannot report what they cannot read: {}", r.text);
        }
        let r = app
            .post(&format!("{path}/report"), Some(&ana), json!({"reason": "abuse", "note": "Threatening"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        // A group's moderator who is not staff does not see it; the site's staff do.
        app.create_group(&admin, "cafe", "public").await;
        app.join(&cara, "cafe").await;
        let r = app
            .call(Method::PUT, &routes::group_member_role("cafe", "cara"), Some(&admin), Some(json!({"role": "moderator"})))
            .await;
        assert!(r.status.is_success(), "{}", r.text);
        let r = app.get(&format!("{path}/reports"), Some(&cara)).await;
        assert!(r.status == StatusCode::NOT_FOUND || r.status == StatusCode::FORBIDDEN, "{}", r.text);
        for (who, token) in [("site moderator", &sitemod), ("admin", &admin)] {
            let r = app.get(&format!("{path}/reports"), Some(token)).await;
            assert_eq!(r.status, StatusCode::OK, "{who}: {}", r.text);
            let bodies: Vec<&str> = r.body["context"]
                .as_array()
                .map(|a| a.iter().filter_map(|e| e["body"].as_str()).collect())
                .unwrap_or_default();
            assert_eq!(
                bodies,
                ["Message 3", "Message 4", "Message 5", "Message 6", "Message 7", "Message 8"],
                "{who}: {}",
                r.text
            );
            assert!(!r.text.contains("Message 9") && !r.text.contains("Message 2\""), "{}", r.text);
            // The conversation itself stays closed to them.
            let r = app.get(&routes::conversation(conversation), Some(token)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND);
        }
        // Ben rewrites his message once reported: the staff still read what Ana reported.
        let r = app
            .patch(&routes::message(reported), Some(&ben), json!({"body": "Nothing to see."}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let r = app.get(&format!("{path}/reports"), Some(&sitemod)).await;
        let last = &r.body["context"][5];
        assert_eq!(
            (last["reported"].as_bool(), last["body"].as_str(), &last["earlier"]),
            (Some(true), Some("Nothing to see."), &json!(["Message 8"])),
            "{}",
            r.text
        );
        assert_eq!(r.body["context"][4]["earlier"], json!([]), "{}", r.text);
        let page = app.page(&format!("/admin/queue/message/{reported}"), Some(&sitemod)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(page.text.contains("1 earlier version"), "{}", page.text);
        assert!(page.text.contains("<blockquote>Message 8</blockquote>"), "{}", page.text);
        let looks = app
            .db()
            .count_where(
                "audit_log",
                &format!("action = 'message.report_viewed' AND target_kind = 'message' AND target_id = {reported} AND detail LIKE 'conversation {conversation},%'"),
            )
            .await;
        assert!(looks >= 2, "each look is an audit entry: {looks}");
        let r = app.get("/api/v1/moderation/queue", Some(&sitemod)).await;
        assert!(r.text.contains(&format!("\"id\":{reported}")), "the queue lists it: {}", r.text);
        assert!(!r.text.contains("Message 7"), "a line in the queue shows the message alone: {}", r.text);
    })
    .await;
}

#[tokio::test]
async fn a_message_takes_reactions_and_bookmarks_from_its_participants_only() {
    each_backend(|app| async move {
        let (admin, sitemod, ana, ben, cara) = people(&app).await;
        let c = start(&app, &ana, &["ben"], "Lunch?").await;
        accept(&app, &ben, id(&c)).await;
        let first = c["messages"][0]["id"].as_i64().unwrap_or_default();
        let item = format!("/api/v1/items/message/{first}");
        let like = json!({"emoji": "❤️"});
        let r = app
            .post(&format!("{item}/reactions"), Some(&ben), like.clone())
            .await;
        assert!(r.status.is_success(), "{}", r.text);
        let r = app
            .post(&format!("{item}/reactions"), Some(&ana), like.clone())
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "not on one's own: {}",
            r.text
        );
        let r = app.get(&format!("{item}/reactions"), Some(&ana)).await;
        assert!(
            r.status.is_success() && r.text.contains("ben"),
            "{}",
            r.text
        );
        for token in [&cara, &admin, &sitemod] {
            let missing = app
                .get("/api/v1/items/message/999999/reactions", Some(token))
                .await;
            let r = app.get(&format!("{item}/reactions"), Some(token)).await;
            assert_eq!((r.status, &r.text), (missing.status, &missing.text));
            let r = app
                .post(&format!("{item}/reactions"), Some(token), like.clone())
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
            let r = app
                .call(
                    Method::PUT,
                    &format!("{item}/bookmark"),
                    Some(token),
                    Some(json!({})),
                )
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
        }
        let r = app
            .call(
                Method::PUT,
                &format!("{item}/bookmark"),
                Some(&ben),
                Some(json!({})),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);
        let r = app.get("/api/v1/bookmarks", Some(&ben)).await;
        assert!(
            r.text.contains(&format!("/messages/{}#m1", id(&c))),
            "{}",
            r.text
        );
        // A guest finds no reactions where a message never was, and the outsiders' counts
        // and bookmarks know nothing of it.
        let missing = app
            .get("/api/v1/items/message/999999/reactions", None)
            .await;
        let r = app.get(&format!("{item}/reactions"), None).await;
        assert_eq!((r.status, &r.text), (missing.status, &missing.text));
        for token in [&cara, &admin, &sitemod] {
            let r = app.get("/api/v1/bookmarks", Some(token)).await;
            assert!(!r.text.contains("Lunch"), "{}", r.text);
            let inbox = inbox(&app, token, "inbox").await;
            assert!(ids(&inbox).is_empty(), "{inbox}");
        }
        // Ben leaves: his bookmark no longer shows, and says nothing of the message; who
        // reacted to it is as missing to him as to anyone outside.
        app.post(&routes::conversation_leave(id(&c)), Some(&ben), json!({}))
            .await;
        let r = app.get("/api/v1/bookmarks", Some(&ben)).await;
        assert!(!r.text.contains("Lunch"), "{}", r.text);
        let missing = app
            .get("/api/v1/items/message/999999/reactions", Some(&ben))
            .await;
        let r = app.get(&format!("{item}/reactions"), Some(&ben)).await;
        assert_eq!((r.status, &r.text), (missing.status, &missing.text));
    })
    .await;
}

#[tokio::test]
async fn a_member_who_ignores_or_blocks_another_is_not_told_of_their_mentions() {
    each_backend(|app| async move {
        let (admin, _, ana, ben, cara) = people(&app).await;
        app.create_group(&admin, "club", "public").await;
        for t in [&ana, &ben, &cara] {
            app.join(t, "club").await;
        }
        let r = app
            .call(Method::PUT, &routes::member_ignore("ben"), Some(&ana), None)
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        let r = app
            .call(Method::PUT, &routes::member_block("ben"), Some(&cara), None)
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        app.register("dan").await;
        app.create_topic(&ben, "club", "Ride", "Hello @ana, @cara and @dan.")
            .await;
        let told = |name: &'static str| {
            let app = &app;
            async move {
                app.db()
                    .count_where(
                        "outbox",
                        &format!(
                            "name = 'member_mentioned' AND payload LIKE '%\"member\":{}%'",
                            crate::support::member_id(app, name).await.0
                        ),
                    )
                    .await
            }
        };
        assert_eq!(
            (told("ana").await, told("cara").await, told("dan").await),
            (0, 0, 1)
        );
    })
    .await;
}

#[tokio::test]
async fn a_subject_holds_no_control_or_invisible_character() {
    each_backend(|app| async move {
        let (_, _, ana, _, _) = people(&app).await;
        for subject in ["mara\0x", "a\u{202e}b", "tab\there"] {
            let r = app
                .post(
                    &routes::conversations(),
                    Some(&ana),
                    json!({"to": ["ben"], "subject": subject, "body": "Hi"}),
                )
                .await;
            assert_eq!(
                (r.status, r.code(), r.body["error"]["field"].as_str()),
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_characters",
                    Some("subject")
                ),
                "{subject:?}: {}",
                r.text
            );
        }
    })
    .await;
}

#[tokio::test]
async fn a_new_members_daily_conversations_hold_when_they_start_many_at_once() {
    each_backend(|app| async move {
        let (admin, _, _, _, _) = people(&app).await;
        let nina = app.register_newcomer("nina").await;
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"trust": {"messages_strangers_min_level": 0, "messages_new_per_day": 3}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let tries = join_all((0..12).map(|n| {
            let (app, nina) = (&app, &nina);
            async move {
                let to = ["ana", "ben", "cara"][n % 3];
                app.post(
                    &routes::conversations(),
                    Some(nina),
                    json!({"to": [to], "subject": format!("Hello {n}"), "body": "Hello!"}),
                )
                .await
            }
        }))
        .await;
        let started = tries
            .iter()
            .filter(|r| r.status == StatusCode::CREATED)
            .count();
        assert_eq!(started, 3, "exactly the limit starts");
        for r in tries.iter().filter(|r| r.status != StatusCode::CREATED) {
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::TOO_MANY_REQUESTS, "new_conversations_limit"),
                "{}",
                r.text
            );
        }
        let mine = inbox(&app, &nina, "inbox").await;
        assert_eq!(
            mine["conversations"].as_array().map(Vec::len),
            Some(3),
            "{mine}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_mention_in_a_message_links_a_member_of_the_conversation_and_no_one_else() {
    each_backend(|app| async move {
        app.register("admin").await;
        let anna = app.register("anna").await;
        let ben = app.register("ben").await;
        app.register("carl").await;
        let started = start(
            &app,
            &anna,
            &["ben"],
            "@ben, and not @carl: bring the pump.",
        )
        .await;
        let conversation = id(&started);
        let first = app
            .get(&routes::conversation(conversation), Some(&anna))
            .await
            .body;
        let html = first["messages"][0]["body_html"]
            .as_str()
            .unwrap_or_default();
        assert!(html.contains("href=\"/u/ben\""), "{html}");
        assert!(!html.contains("/u/carl"), "not in it: {html}");
        assert!(html.contains("@carl"), "{html}");

        accept(&app, &ben, conversation).await;
        let reply = send(&app, &ben, conversation, "Sure, @Anna. @carl is not here.").await;
        let html = reply["body_html"].as_str().unwrap_or_default();
        assert!(html.contains("href=\"/u/anna\""), "{html}");
        assert!(!html.contains("/u/carl"), "{html}");
    })
    .await;
}

#[tokio::test]
async fn below_the_request_level_a_message_waits_as_a_request_even_between_members_who_talked() {
    each_backend(|app| async move {
        let (admin, _, ana, ben, _) = people(&app).await;
        let first = start(&app, &ana, &["ben"], "First").await;
        accept(&app, &ben, id(&first)).await;
        // They have talked: the next one is in his inbox at once.
        let second = start(&app, &ana, &["ben"], "Second").await;
        assert_eq!(state_of(&second, "ben"), "active");
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"trust": {"messages_request_below_level": 4}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        // Now she is below the level: it waits in his requests.
        let third = start(&app, &ana, &["ben"], "Third").await;
        assert_eq!(state_of(&third, "ben"), "not_accepted");
        assert!(ids(&inbox(&app, &ben, "requests").await).contains(&id(&third)));
        assert!(!ids(&inbox(&app, &ben, "inbox").await).contains(&id(&third)));
    })
    .await;
}
