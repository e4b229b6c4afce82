//! `agora copy`: a community moved from SQLite to PostgreSQL and back reads the same, its
//! sessions keep working, its search index is rebuilt, and new writes get new ids.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use agora_store::copy::{CopyError, Quiet, copy};

use crate::routes;
use crate::support::{TestApp, drop_postgres_database, empty_postgres_database, postgres_url};

/// A small community with something of most kinds: groups public and secret, topics,
/// replies, an edit, a flag, a sanction, a reading record, a mail opt-in.
async fn community(app: &TestApp) -> (String, String, i64) {
    let admin = app.register("admin").await;
    let ana = app.register("ana").await;
    let bo = app.register("bodo").await;
    app.create_group(&admin, "riders", "public").await;
    app.create_group(&admin, "core", "secret").await;
    app.join(&ana, "riders").await;
    app.join(&bo, "riders").await;
    let (topic, first) = app
        .create_topic(
            &ana,
            "riders",
            "Winter tyres",
            "Studded or not? Copied carefully.",
        )
        .await;
    for (who, body) in [
        (&bo, "Studded, on ice."),
        (&admin, "Either works."),
        (&ana, "Thanks!"),
    ] {
        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(who),
                json!({"body": body}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    app.create_topic(&admin, "core", "Team only", "Nobody else sees this.")
        .await;
    let r = app
        .patch(
            &routes::post(first),
            Some(&ana),
            json!({"body": "Studded or not? Edited once."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app
        .post(
            &routes::post_flags(first),
            Some(&bo),
            json!({"reason": "off_topic"}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let r = app
        .post(
            &routes::member_sanctions("bodo"),
            Some(&admin),
            json!({"kind": "warning", "reason": "Please stay on topic."}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    app.get(&routes::topic(topic), Some(&bo)).await;
    let r = app
        .call(
            Method::PUT,
            &routes::me_email_preferences(),
            Some(&ana),
            Some(json!({"email_bulletins": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    (admin, ana, topic)
}

/// A member's export, without the time it was made.
async fn export(app: &TestApp, token: &str) -> Value {
    let mut e = app.get(&routes::me_export(), Some(token)).await.body;
    if let Some(map) = e.as_object_mut() {
        map.remove("exported_at");
    }
    e
}

/// The posts a search for the word in the topic's title finds (snippets differ between the
/// two engines).
async fn search(app: &TestApp, token: &str) -> Vec<i64> {
    app.get("/api/v1/search?q=tyres", Some(token)).await.body["results"]
        .as_array()
        .map(|hits| hits.iter().filter_map(|h| h["post_id"].as_i64()).collect())
        .unwrap_or_default()
}

/// Checks the copy at `target` against `source`: the same exports, working sessions and
/// search, and a new topic gets an id past the copied ones.
async fn same_community(
    source: &TestApp,
    target: &TestApp,
    tokens: &[&str],
    topic: i64,
    what: &str,
) {
    for token in tokens {
        assert_eq!(
            export(target, token).await,
            export(source, token).await,
            "{what}: an export differs"
        );
        let me = target.get(&routes::me(), Some(token)).await;
        assert_eq!(
            me.status,
            StatusCode::OK,
            "{what}: a session does not work: {}",
            me.text
        );
    }
    let found = search(target, tokens[0]).await;
    assert_eq!(found.len(), 1, "{what}: search on the copy: {found:?}");
    assert_eq!(found, search(source, tokens[0]).await, "{what}");
    let t = target.get(&routes::topic(topic), Some(tokens[0])).await;
    assert_eq!(
        t.body,
        source
            .get(&routes::topic(topic), Some(tokens[0]))
            .await
            .body,
        "{what}"
    );
    let r = target
        .post(
            &routes::group_topics("riders"),
            Some(tokens[0]),
            json!({"title": "After the move", "body": "A new id."}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "{what}: a new topic on the copy: {}",
        r.text
    );
    assert!(r.body["id"].as_i64() > Some(topic), "{what}: {}", r.text);
}

#[tokio::test]
async fn a_community_copied_to_postgresql_and_back_is_the_same_and_keeps_working() {
    let source = TestApp::sqlite(Default::default()).await;
    let (admin, ana, topic) = community(&source).await;
    source.app.store.settle().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let Some(server) = postgres_url() else {
        // Without PostgreSQL, SQLite to SQLite.
        let to = format!("sqlite:{}", dir.path().join("copy.db").display());
        copy(&source.database_url, &to, &Quiet)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let target = TestApp::at("sqlite", &to).await;
        same_community(&source, &target, &[&ana, &admin], topic, "SQLite to SQLite").await;
        return;
    };
    let (pg_url, pg_db) = empty_postgres_database(&server).await;
    let report = copy(&source.database_url, &pg_url, &Quiet)
        .await
        .unwrap_or_else(|e| panic!("SQLite to PostgreSQL: {e}"));
    assert!(report.rows() > 30, "{report:?}");
    let pg = TestApp::at("postgres", &pg_url).await;
    same_community(&source, &pg, &[&ana, &admin], topic, "SQLite to PostgreSQL").await;

    // A second copy into the same database is refused, and changes nothing there.
    let again = copy(&source.database_url, &pg_url, &Quiet).await;
    assert!(
        matches!(again, Err(CopyError::TargetNotEmpty(_))),
        "{again:?}"
    );

    // And back, from the PostgreSQL copy (one topic more now) to a new SQLite file, its
    // consumers standing at PostgreSQL's transaction ids.
    assert!(
        pg.work().await > 0,
        "the PostgreSQL copy's worker reads its new topic"
    );
    pg.app.store.settle().await;
    let back_url = format!("sqlite:{}", dir.path().join("back.db").display());
    copy(&pg_url, &back_url, &Quiet)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL to SQLite: {e}"));
    let back = TestApp::at("sqlite", &back_url).await;
    for token in [&ana, &admin] {
        assert_eq!(
            export(&back, token).await,
            export(&pg, token).await,
            "PostgreSQL to SQLite"
        );
    }
    // The events recorded on the SQLite copy come after the copied ones: its worker reads them
    // (kept in PostgreSQL's order, they sorted before every consumer's place and were never
    // read).
    let r = back
        .post(
            &routes::group_topics("riders"),
            Some(&ana),
            json!({"title": "Back on SQLite", "body": "Read by the worker."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let consumers = i64::try_from(back.app.agora.consumers().len()).unwrap_or_default();
    let handled = i64::try_from(back.work().await).unwrap_or_default();
    assert!(
        handled >= consumers,
        "every consumer reads the event recorded on the copy: {handled} handled"
    );
    drop(pg);
    drop_postgres_database(&server, &pg_db).await;
}

#[tokio::test]
async fn a_copy_refuses_a_target_that_holds_data_and_a_source_of_another_schema() {
    let source = TestApp::sqlite(Default::default()).await;
    source.register("admin").await;
    let busy = TestApp::sqlite(Default::default()).await;
    busy.register("someone").await;
    let r = copy(&source.database_url, &busy.database_url, &Quiet).await;
    let message = r.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("not empty") && message.contains("members"),
        "{message}"
    );
    let r = copy(&source.database_url, &source.database_url, &Quiet).await;
    assert!(matches!(r, Err(CopyError::SameDatabase)));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let missing = format!("sqlite:{}", dir.path().join("nothing.db").display());
    let r = copy(
        &missing,
        &format!("sqlite:{}", dir.path().join("t.db").display()),
        &Quiet,
    )
    .await;
    let message = r.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("does not exist"), "{message}");
}
