//! The demo community shows moderation at work: someone evaluating agora signs in as `mara`
//! and finds flags in the queue, a held reply, a flagged account, an open legal case and an
//! audit log with entries, on both databases.

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
