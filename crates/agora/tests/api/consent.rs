//! Versioned documents, accepted on joining and again after each new version; every
//! acceptance recorded in a ledger an operator can show an auditor.

use axum::http::StatusCode;
use serde_json::json;

use crate::routes;
use crate::support::{PASSWORD, each_backend, token_of};

#[tokio::test]
async fn joining_requires_accepting_the_current_documents_and_new_versions_are_accepted_before_posting()
 {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "club", "public").await;
        let ana = app.register("ana").await;
        app.join(&ana, "club").await;

        let r = app.post(&routes::document("terms"), Some(&ana), json!({"body": "Be nice."})).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "admins_only"));
        let r = app.post(&routes::document("terms"), Some(&admin), json!({"body": "# Terms\n\nBe nice."})).await;
        assert_eq!((r.status, r.body["version"].as_i64()), (StatusCode::CREATED, Some(1)), "{}", r.text);
        app.post(&routes::document("privacy"), Some(&admin), json!({"body": "We keep little."})).await;
        assert_eq!(app.get(&routes::documents(), None).await.body.as_array().map(Vec::len), Some(2));

        let body = json!({"username": "ben", "email": "ben@example.com", "password": PASSWORD});
        let r = app.post(&routes::auth_register(), None, body.clone()).await;
        assert_eq!((r.status, r.code(), r.body["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "documents_not_accepted", Some("accept_documents")));
        let mut accepted = body.clone();
        accepted["accept_documents"] = json!(true);
        let r = app.post(&routes::auth_register(), None, accepted).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let ben = token_of(&r);
        let ledger = app.get(&routes::me_consents(), Some(&ben)).await;
        let rows: Vec<(String, i64)> = ledger.body.as_array().map(|a| a.iter().map(|c| (c["subject"].as_str().unwrap_or("").to_owned(), c["version"].as_i64().unwrap_or(0))).collect()).unwrap_or_default();
        assert_eq!(rows, vec![("privacy".into(), 1), ("terms".into(), 1)]);

        // Ana joined before the documents existed: she accepts them before posting.
        let r = app.post(&routes::group_topics("club"), Some(&ana), json!({"title": "Hello there", "body": "Hi"})).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "documents_not_accepted"));
        let pending = app.get(&routes::me_documents(), Some(&ana)).await;
        assert_eq!(pending.body.as_array().map(Vec::len), Some(2));
        let page = app.page("/", Some(&ana)).await;
        assert!(page.text.contains("/legal/accept"), "a banner asks her to accept");

        app.post(&routes::document("terms"), Some(&admin), json!({"body": "# Terms\n\nBe nice. Be kind."})).await;
        let r = app
            .post(&routes::me_consents(), Some(&ana), json!({"documents": [{"kind": "terms", "version": 1}, {"kind": "privacy", "version": 1}]}))
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "not_current"), "version 1 of the terms is stale");
        let r = app
            .post(&routes::me_consents(), Some(&ana), json!({"documents": [{"kind": "terms", "version": 2}, {"kind": "privacy", "version": 1}]}))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        let r = app.post(&routes::group_topics("club"), Some(&ana), json!({"title": "Hello there", "body": "Hi"})).await;
        assert_eq!(r.status, StatusCode::CREATED);

        // Ben accepted version 1 of the terms; version 2 now waits for him.
        assert_eq!(app.get(&routes::me_documents(), Some(&ben)).await.body[0]["version"], 2);

        let audit = app.get(&routes::member_consents("ana"), Some(&admin)).await;
        assert_eq!(audit.body.as_array().map(Vec::len), Some(2), "{}", audit.text);
        assert_eq!(app.get(&routes::member_consents("ana"), Some(&ben)).await.status, StatusCode::FORBIDDEN);
        let export = app.get(&routes::me_export(), Some(&ana)).await;
        assert_eq!(export.body["consents"].as_array().map(Vec::len), Some(2));

        let terms = app.page("/legal/terms", None).await;
        assert!(terms.text.contains("Be kind.") && terms.text.contains("Version 2"), "{}", terms.text);
        let signup = app.page("/signup", None).await;
        assert!(signup.text.contains("name=\"accept_documents\"") && signup.text.contains("/legal/privacy"));
    })
    .await;
}
