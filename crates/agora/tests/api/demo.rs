//! The demo community shows moderation at work: someone evaluating agora signs in as `mara`
//! and finds flags in the queue, a held reply, a flagged account, an open legal case and an
//! audit log with entries, on both databases; the questions and ideas carry what their kinds
//! loaded (accepted answers, votes, statuses, a merge).

use axum::http::StatusCode;
use serde_json::json;

use crate::routes;
use crate::support::{each_backend, token_of};

#[tokio::test]
async fn the_demo_has_moderation_work_to_show() {
    each_backend(|app| async move {
        let loaded = agora::demo::load(&app.app)
            .await
            .unwrap_or_else(|e| panic!("loading the demo: {e:#}"));
        assert_eq!(loaded, agora::demo::Loaded::Fresh(34, 10, 49, 193));
        // The kinds' own parts, loaded by each kind from its folder: the questions' accepted
        // answers, the ideas' votes, statuses and merge.
        for (sql, expected) in [
            ("SELECT COUNT(*) FROM accepted_answers", 8),
            // 49 votes given, one of them for both the duplicate and its original: one after
            // the merge.
            ("SELECT COUNT(*) FROM idea_votes", 48),
            ("SELECT COUNT(*) FROM idea_merged_votes", 1),
            (
                "SELECT COUNT(*) FROM ideas i JOIN topics t ON t.id = i.topic_id \
              WHERE t.status <> 'new'",
                5,
            ),
        ] {
            assert_eq!(app.db().scalar(sql).await, expected, "{sql}");
        }
        let r = app
            .post(
                &routes::auth_login(),
                None,
                json!({"login": "mara", "password": "voltera-demo-2026"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let mara = token_of(&r);

        let queue = app.get(&routes::moderation_queue(), Some(&mara)).await;
        assert_eq!(queue.status, StatusCode::OK, "{}", queue.text);
        let items = queue.body.as_array().cloned().unwrap_or_default();
        assert!(
            items.iter().any(|i| i["flags"] == 2),
            "a post flagged twice: {}",
            queue.text
        );
        assert!(
            items.iter().any(|i| i["held"] == true),
            "a held post: {}",
            queue.text
        );
        assert!(
            items.iter().any(|i| !i["legal_case"].is_null()),
            "a post under a legal complaint: {}",
            queue.text
        );
        let members = app.get(&routes::moderation_members(), Some(&mara)).await;
        assert_eq!(
            members.body[0]["username"], "battery_deals_24",
            "{}",
            members.text
        );
        let cases = app.get(&routes::legal_cases(), Some(&mara)).await;
        assert!(cases.text.contains("LC-DEMO-0001"), "{}", cases.text);
        let audit = app.get(&routes::audit(), Some(&mara)).await;
        let actions: Vec<&str> = audit.body["entries"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["action"].as_str())
            .collect();
        for action in ["topic.pin", "idea.status", "idea.merge"] {
            assert!(actions.contains(&action), "{action} in {actions:?}");
        }
        // The admin pages show it too.
        let page = app.page("/admin/queue", Some(&mara)).await;
        assert!(page.text.contains("battery"), "{}", page.text);
    })
    .await;
}

/// Loads the demo and signs in as `username`; the token.
async fn demo_member(app: &crate::support::TestApp, username: &str) -> String {
    agora::demo::load(&app.app)
        .await
        .unwrap_or_else(|e| panic!("loading the demo: {e:#}"));
    let r = app
        .post(
            &routes::auth_login(),
            None,
            json!({"login": username, "password": "voltera-demo-2026"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    token_of(&r)
}

#[tokio::test]
async fn the_demo_names_the_buttons_the_pages_show() {
    each_backend(|app| async move {
        let frida = demo_member(&app, "frida_k").await;

        // The welcome post tells how ideas work: with the button an idea's page has.
        let welcome = app.get(&routes::topic(1), Some(&frida)).await;
        let body = welcome.body["posts"][0]["body_markdown"]
            .as_str()
            .unwrap_or_default();
        assert!(!body.contains("Vote with replies"), "{body}");
        let ideas = app.get(&routes::group_ideas("ideas"), Some(&frida)).await;
        let open = ideas.body["ideas"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|i| i["status"] == "new" || i["status"] == "under_review")
            .and_then(|i| i["id"].as_i64())
            .unwrap_or_else(|| panic!("an open idea: {}", ideas.text));
        let page = app.page(&format!("/t/{open}"), Some(&frida)).await;
        let page = app
            .page(page.header("location").unwrap_or_default(), Some(&frida))
            .await;
        assert!(
            page.text.contains(">Vote for this idea</button>")
                || page.text.contains(">Take my vote back</button>"),
            "{}",
            page.text
        );
        assert!(body.contains("**Vote for this idea**"), "{body}");

        // The netiquette sends members to the link every post has.
        let site = app.get(&routes::site(), Some(&frida)).await;
        let netiquette = site.body["netiquette"].as_str().unwrap_or_default();
        assert!(!netiquette.contains("report button"), "{netiquette}");
        let topic = app.page("/t/1", Some(&frida)).await;
        let topic = app
            .page(topic.header("location").unwrap_or_default(), Some(&frida))
            .await;
        assert!(topic.text.contains(">Flag</a>"), "{}", topic.text);
        assert!(netiquette.contains("**Flag**"), "{netiquette}");
    })
    .await;
}

#[tokio::test]
async fn the_demo_shows_reactions_and_a_bookmark() {
    each_backend(|app| async move {
        let frida = demo_member(&app, "frida_k").await;
        let welcome = app.get(&routes::topic(1), Some(&frida)).await;
        let opening = &welcome.body["posts"][0];
        assert_eq!(opening["reactions"][0]["emoji"], "❤️", "{}", welcome.text);
        assert_eq!(opening["reactions"][0]["count"], 3);
        assert_eq!(opening["reactions"][0]["mine"], true, "frida liked it");
        let marks = app.get(&routes::bookmarks(), Some(&frida)).await;
        assert_eq!(
            marks.body["bookmarks"][0]["title"], "Welcome to Voltera Riders — start here",
            "{}",
            marks.text
        );
        let page = app.page("/t/1/x", Some(&frida)).await;
        let page = app
            .page(page.header("location").unwrap_or_default(), Some(&frida))
            .await;
        assert!(page.text.contains("aria-pressed=\"true\""), "{}", page.text);
    })
    .await;
}
