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
