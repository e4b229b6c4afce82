//! The outbox's order on PostgreSQL: two transactions may take ids 10 and 11 and commit 11
//! first. A consumer must not pass 11 while 10 can still appear, or it would never see 10.

use crate::support::{each_backend, pg_connection};

#[tokio::test]
async fn an_event_committed_late_with_a_lower_id_is_not_skipped() {
    each_backend(|app| async move {
        if app.backend != "postgres" {
            return; // SQLite's one writer commits in order of id.
        }
        app.work().await;
        let insert = "INSERT INTO outbox (stream, name, payload, at, tx) \
             VALUES ('test:1', 'site_changed', '{\"type\":\"site_changed\",\"what\":\"test\"}', 0, \
             pg_current_xact_id()::text::bigint) RETURNING id";
        let mut slow = pg_connection(&app.database_url).await;
        let mut fast = pg_connection(&app.database_url).await;
        sqlx::raw_sql("BEGIN")
            .execute(&mut slow)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let slow_id: i64 = sqlx::query_scalar(insert)
            .fetch_one(&mut slow)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let fast_id: i64 = sqlx::query_scalar(insert)
            .fetch_one(&mut fast)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(slow_id < fast_id);

        // One round while the lower id is not committed: the higher one waits for it.
        let round = app
            .app
            .agora
            .events()
            .work("impatient")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(round, 0, "nothing is read past a transaction still running");
        sqlx::raw_sql("COMMIT")
            .execute(&mut slow)
            .await
            .unwrap_or_else(|e| panic!("{e}"));

        // Both are handled by every consumer, the lower one first.
        let consumers = app.app.agora.consumers().len();
        assert_eq!(app.work().await, 2 * consumers);
        assert_eq!(
            app.db()
                .count_where("outbox_consumers", &format!("position = {fast_id}"))
                .await,
            i64::try_from(consumers).unwrap_or_default()
        );
    })
    .await;
}

/// A message says who sent which message in which conversation, and never its words: the
/// outbox is read by consumers and shown to admins (parked events), who are not its readers.
#[tokio::test]
async fn a_message_is_recorded_with_who_what_and_where_and_without_its_words() {
    use agora_core::audience::AudienceRef;
    use agora_core::events::{Event, Position};
    use agora_core::kinds::messages::MESSAGE;
    use agora_core::store::EventStore as _;
    use axum::http::StatusCode;
    use serde_json::json;

    use crate::routes;
    use crate::support::{each_backend, hidden_events, member_id};

    each_backend(|app| async move {
        let ana = app.register("ana").await;
        let ben = app.register("ben").await;
        let started = app
            .post(
                &routes::conversations(),
                Some(&ana),
                json!({"to": ["ben"], "subject": "Saturday", "body": "A secret meeting point."}),
            )
            .await;
        assert_eq!(started.status, StatusCode::CREATED, "{}", started.text);
        let conversation = started.body["id"].as_i64().unwrap_or_default();
        let accepted = app
            .post(
                &routes::conversation_accept(conversation),
                Some(&ben),
                json!({}),
            )
            .await;
        assert!(accepted.status.is_success(), "{}", accepted.text);
        let reply = app
            .post(
                &routes::conversation_messages(conversation),
                Some(&ben),
                json!({"body": "Another secret."}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        while hidden_events(&app).await > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let sent: Vec<_> = app
            .app
            .store
            .events_after(Position::default(), 10_000)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .filter(|r| r.name == "message_sent")
            .collect();
        assert_eq!(sent.len(), 2, "the first message and the reply");
        let (ana_id, ben_id) = (member_id(&app, "ana").await, member_id(&app, "ben").await);
        let whom: Vec<_> = sent
            .iter()
            .filter_map(|r| r.event.as_ref().map(Event::about))
            .map(|a| (a.who, a.item.map(|i| i.kind), a.audience))
            .collect();
        let here = Some(AudienceRef::conversation(conversation));
        assert_eq!(
            whom,
            [
                (Some(ana_id.0), Some(MESSAGE), here),
                (Some(ben_id.0), Some(MESSAGE), here)
            ]
        );
        assert!(
            sent.iter().all(|r| !r.payload.contains("secret")),
            "no words in the outbox"
        );
    })
    .await;
}
