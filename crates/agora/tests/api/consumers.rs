//! The outbox's consumers as a mechanism: a consumer a kind declares runs beside the shared
//! ones; a new one starts at the head unless it backfills; one that fails is tried again with a
//! growing delay, delays no other, and parks the event after its last attempt for the admins to
//! retry or dismiss; the outbox is pruned after the retention without losing anyone's place.
//!
//! The probe consumers keep what they saw in statics: each test has its own, and
//! `each_backend` runs SQLite and PostgreSQL one after the other, resetting them between.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use axum::http::{Method, StatusCode};
use serde_json::json;

use agora_core::AgoraConfig;
use agora_core::events::{Consumer, Event, Handled, MAX_ATTEMPTS, Start};
use agora_core::kinds::Kind;

use crate::routes;
use crate::support::{TestApp, each_backend, each_backend_with};

/// A kind with no items, only consumers.
fn probe_kind(name: &'static str, consumers: &'static [Consumer]) -> &'static Kind {
    Box::leak(Box::new(Kind {
        name,
        topic: None,
        actions: &[],
        events: &[],
        settings: &[],
        jobs: &[],
        consumers,
        items: None,
        search: None,
        status_labels: None,
        demo: None,
        audience: None,
    }))
}

/// Counts `item_published` events into `seen`, failing instead while `fail` is set.
macro_rules! probe {
    ($name:literal, $start:expr, $seen:ident, $fail:ident) => {
        Consumer {
            name: $name,
            start: $start,
            handle: |_, _, event| {
                Box::pin(async move {
                    if let Event::ItemPublished { .. } = event {
                        if $fail.load(Ordering::SeqCst) {
                            return Err(agora_core::StoreError::Other(
                                "the probe was told to fail".into(),
                            ));
                        }
                        $seen.fetch_add(1, Ordering::SeqCst);
                    }
                    Ok(Handled::Done)
                })
            },
        }
    };
}

/// A reply to `topic` as `token`.
async fn reply(app: &TestApp, token: &str, topic: i64, body: &str) {
    let r = app
        .post(
            &routes::topic_posts(topic),
            Some(token),
            json!({"body": body}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

async fn position(app: &TestApp, consumer: &str) -> i64 {
    app.db()
        .scalar(&format!(
            "SELECT position FROM outbox_consumers WHERE name = '{consumer}'"
        ))
        .await
}

async fn newest_event(app: &TestApp) -> i64 {
    app.db()
        .scalar("SELECT COALESCE(MAX(id), 0) FROM outbox")
        .await
}

static HEAD_SEEN: AtomicI64 = AtomicI64::new(0);
static BACKFILL_SEEN: AtomicI64 = AtomicI64::new(0);
static NEVER: AtomicBool = AtomicBool::new(false);
static STARTS: [Consumer; 2] = [
    probe!("probe_head", Start::Head, HEAD_SEEN, NEVER),
    probe!("probe_backfill", Start::Backfill, BACKFILL_SEEN, NEVER),
];

#[tokio::test]
async fn a_new_consumer_starts_at_the_head_unless_it_backfills() {
    each_backend(|app| async move {
        HEAD_SEEN.store(0, Ordering::SeqCst);
        BACKFILL_SEEN.store(0, Ordering::SeqCst);
        let ana = app.register("ana").await;
        app.create_group(&ana, "riders", "public").await;
        let (topic, _) = app.create_topic(&ana, "riders", "Range", "How far?").await;
        reply(&app, &ana, topic, "Far enough.").await;
        app.work().await;

        // Deployed on a site with history: one acts on none of it, the other on all it keeps.
        let app = app.with_kind(probe_kind("probe_starts", &STARTS));
        app.work().await;
        assert_eq!(HEAD_SEEN.load(Ordering::SeqCst), 0, "no old news");
        assert_eq!(
            BACKFILL_SEEN.load(Ordering::SeqCst),
            2,
            "the topic and the reply"
        );

        reply(&app, &ana, topic, "Further still.").await;
        app.work().await;
        assert_eq!(
            HEAD_SEEN.load(Ordering::SeqCst),
            1,
            "what happens from now on"
        );
        assert_eq!(BACKFILL_SEEN.load(Ordering::SeqCst), 3);
    })
    .await;
}

static FLAKY_SEEN: AtomicI64 = AtomicI64::new(0);
static FLAKY_FAILS: AtomicBool = AtomicBool::new(false);
static FLAKY: [Consumer; 1] = [probe!("probe_flaky", Start::Head, FLAKY_SEEN, FLAKY_FAILS)];

/// How long the flaky consumer waits before it tries again, in seconds.
async fn wait(app: &TestApp) -> i64 {
    let sql = "SELECT retry_at FROM outbox_consumers WHERE name = 'probe_flaky'";
    let micros = app.db().scalar(sql).await - app.app.agora.now().0;
    (micros + 999_999) / 1_000_000
}

/// Goes round until the flaky consumer has parked the event it fails on: each round after
/// the clock passed the delay it waits.
async fn until_parked(app: &TestApp) {
    for _ in 0..MAX_ATTEMPTS + 2 {
        app.work().await;
        app.clock.advance(3601);
    }
}

#[tokio::test]
async fn a_failing_consumer_waits_longer_each_time_delays_no_other_and_parks_the_event_for_the_admins()
 {
    each_backend(|app| async move {
        FLAKY_SEEN.store(0, Ordering::SeqCst);
        FLAKY_FAILS.store(false, Ordering::SeqCst);
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        app.create_group(&admin, "riders", "public").await;
        assert_eq!(app.join(&ana, "riders").await.status, StatusCode::OK);
        let (topic, _) = app.create_topic(&ana, "riders", "Range", "How far?").await;
        let app = app.with_kind(probe_kind("probe_flaky", &FLAKY));
        app.work().await;

        FLAKY_FAILS.store(true, Ordering::SeqCst);
        reply(&app, &ana, topic, "Counted by trust, refused by the probe.").await;
        let failing = newest_event(&app).await;
        app.work().await;
        let row = "name = 'probe_flaky' AND failures = 1 AND last_error LIKE '%told to fail%'";
        assert_eq!(app.db().count_where("outbox_consumers", row).await, 1);
        assert!(
            position(&app, "probe_flaky").await < failing,
            "it stays before the event"
        );
        assert!(
            position(&app, "trust").await >= failing,
            "the other consumers went on"
        );

        // It waits before trying again, longer after each failure.
        app.work().await;
        let failures = "SELECT failures FROM outbox_consumers WHERE name = 'probe_flaky'";
        assert_eq!(
            app.db().scalar(failures).await,
            1,
            "not tried again at once"
        );
        let first = wait(&app).await;
        app.clock.advance(first + 1);
        app.work().await;
        assert_eq!(app.db().scalar(failures).await, 2);
        let second = wait(&app).await;
        assert!(
            second > first,
            "the delay grows: {first} s, then {second} s"
        );

        // The admins see it failing.
        let state = app.get(&routes::admin_outbox(), Some(&admin)).await;
        assert_eq!(state.status, StatusCode::OK, "{}", state.text);
        let flaky = state.body["consumers"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["name"] == "probe_flaky"))
            .cloned()
            .unwrap_or_default();
        assert_eq!(flaky["failures"], 2, "{flaky}");
        assert_eq!(flaky["running"], true);
        assert!(flaky["behind"].as_i64() >= Some(1), "{flaky}");
        assert!(
            flaky["last_error"]
                .as_str()
                .is_some_and(|e| e.contains("told to fail"))
        );

        let page = app.page("/admin/outbox", Some(&admin)).await;
        assert!(
            page.text
                .contains("2 failures: storage error: the probe was told to fail")
                && page.text.contains("tries again"),
            "{}",
            page.text
        );

        // After the last attempt the event is parked, the consumer goes on past it.
        until_parked(&app).await;
        let parked = "consumer = 'probe_flaky' AND name = 'item_published'";
        assert_eq!(app.db().count_where("outbox_parked", parked).await, 1);
        assert_eq!(
            app.db()
                .scalar("SELECT attempts FROM outbox_parked WHERE consumer = 'probe_flaky'")
                .await,
            MAX_ATTEMPTS
        );
        assert!(position(&app, "probe_flaky").await >= failing);
        assert_eq!(app.db().scalar(failures).await, 0);
        FLAKY_FAILS.store(false, Ordering::SeqCst);
        reply(&app, &ana, topic, "The next one is handled.").await;
        app.work().await;
        assert_eq!(FLAKY_SEEN.load(Ordering::SeqCst), 1);

        // Only admins see and act on the outbox.
        let listed = app.get(&routes::admin_outbox(), Some(&admin)).await;
        let id = listed.body["parked"][0]["id"].as_i64().unwrap_or_default();
        assert_eq!(listed.body["parked"][0]["consumer"], "probe_flaky");
        assert_eq!(listed.body["parked"][0]["event"], failing);
        assert!(
            listed.body["parked"][0]["payload"]
                .as_str()
                .is_some_and(|p| p.contains("item_published"))
        );
        for (token, status) in [
            (Some(&ana), StatusCode::FORBIDDEN),
            (None, StatusCode::UNAUTHORIZED),
        ] {
            let token = token.map(String::as_str);
            assert_eq!(app.get(&routes::admin_outbox(), token).await.status, status);
            let retried = app
                .post(&routes::admin_outbox_retry(id), token, json!({}))
                .await;
            assert_eq!(retried.status, status);
            let dismissed = app.delete(&routes::admin_outbox_parked(id), token).await;
            assert_eq!(dismissed.status, status);
        }
        let page = app.page("/admin/outbox", Some(&admin)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains("probe_flaky") && page.text.contains("told to fail"));
        assert_eq!(
            app.page("/admin/outbox", Some(&ana)).await.status,
            StatusCode::FORBIDDEN
        );

        // A retry that fails again says why and keeps it; one that works hands it over.
        FLAKY_FAILS.store(true, Ordering::SeqCst);
        let again = app
            .post(&routes::admin_outbox_retry(id), Some(&admin), json!({}))
            .await;
        assert_eq!(
            again.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            again.text
        );
        assert_eq!(
            again.body["error"]["code"], "failed_again",
            "{}",
            again.text
        );
        assert!(again.text.contains("told to fail"), "{}", again.text);
        assert_eq!(app.db().count_where("outbox_parked", parked).await, 1);
        FLAKY_FAILS.store(false, Ordering::SeqCst);
        let retried = app
            .post(&routes::admin_outbox_retry(id), Some(&admin), json!({}))
            .await;
        assert_eq!(retried.status, StatusCode::NO_CONTENT, "{}", retried.text);
        assert_eq!(
            FLAKY_SEEN.load(Ordering::SeqCst),
            2,
            "the parked event, handled at last"
        );
        assert_eq!(app.db().count_rows("outbox_parked").await, 0);
        assert_eq!(
            app.db()
                .count_where("audit_log", "action = 'outbox.retry'")
                .await,
            1
        );
        let gone = app
            .post(&routes::admin_outbox_retry(id), Some(&admin), json!({}))
            .await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND);

        // Parked again, and dismissed without being handled.
        FLAKY_FAILS.store(true, Ordering::SeqCst);
        reply(&app, &ana, topic, "Refused to the end.").await;
        until_parked(&app).await;
        let listed = app.get(&routes::admin_outbox(), Some(&admin)).await;
        let id = listed.body["parked"][0]["id"].as_i64().unwrap_or_default();
        let dismissed = app
            .delete(&routes::admin_outbox_parked(id), Some(&admin))
            .await;
        assert_eq!(
            dismissed.status,
            StatusCode::NO_CONTENT,
            "{}",
            dismissed.text
        );
        assert_eq!(app.db().count_rows("outbox_parked").await, 0);
        assert_eq!(
            app.db()
                .count_where("audit_log", "action = 'outbox.dismiss'")
                .await,
            1
        );
        let twice = app
            .call(
                Method::DELETE,
                &routes::admin_outbox_parked(id),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(twice.status, StatusCode::NOT_FOUND);
        FLAKY_FAILS.store(false, Ordering::SeqCst);
    })
    .await;
}

static UNKNOWN_SEEN: AtomicI64 = AtomicI64::new(0);
static UNKNOWN: [Consumer; 1] = [probe!("probe_unknown", Start::Head, UNKNOWN_SEEN, NEVER)];

#[tokio::test]
async fn an_event_this_version_does_not_know_is_parked_not_skipped() {
    each_backend(|app| async move {
        let app = app.with_kind(probe_kind("probe_unknown", &UNKNOWN));
        let ana = app.register("ana").await;
        app.create_group(&ana, "riders", "public").await;
        app.create_topic(&ana, "riders", "Range", "How far?").await;
        app.work().await;
        let tx = if app.backend == "postgres" {
            "pg_current_xact_id()::text::bigint"
        } else {
            "0"
        };
        app.db()
            .execute_sql(&format!(
                "INSERT INTO outbox (stream, name, payload, at, tx) VALUES \
                 ('test:1', 'from_a_newer_node', '{{\"type\":\"from_a_newer_node\"}}', 0, {tx})"
            ))
            .await;
        until_parked(&app).await;
        let parked = "consumer = 'probe_unknown' AND name = 'from_a_newer_node' \
                      AND error LIKE '%does not know%'";
        assert_eq!(app.db().count_where("outbox_parked", parked).await, 1);
    })
    .await;
}

static STUCK_SEEN: AtomicI64 = AtomicI64::new(0);
static STUCK_FAILS: AtomicBool = AtomicBool::new(false);
static STUCK: [Consumer; 1] = [probe!("probe_stuck", Start::Head, STUCK_SEEN, STUCK_FAILS)];

#[tokio::test]
async fn the_outbox_is_pruned_after_the_retention_without_losing_any_consumers_place() {
    let config = AgoraConfig {
        outbox_retention_days: 1,
        ..AgoraConfig::default()
    };
    each_backend_with(config, |app| async move {
        STUCK_SEEN.store(0, Ordering::SeqCst);
        STUCK_FAILS.store(false, Ordering::SeqCst);
        let app = app.with_kind(probe_kind("probe_stuck", &STUCK));
        let ana = app.register("ana").await;
        app.create_group(&ana, "riders", "public").await;
        let (topic, _) = app.create_topic(&ana, "riders", "Range", "How far?").await;
        reply(&app, &ana, topic, "Handled by everyone.").await;
        app.work().await;
        let handled = newest_event(&app).await;

        // One consumer is stuck on the next event for two days: what it has not read stays.
        STUCK_FAILS.store(true, Ordering::SeqCst);
        reply(&app, &ana, topic, "Not yet read by the stuck one.").await;
        let waiting = newest_event(&app).await;
        app.work().await;
        app.clock.advance(2 * 86_400);
        app.work().await;
        assert_eq!(
            app.db()
                .count_where("outbox", &format!("id <= {handled}"))
                .await,
            0,
            "what every consumer passed, older than a day, is gone"
        );
        assert_eq!(
            app.db()
                .count_where("outbox", &format!("id = {waiting}"))
                .await,
            1,
            "what one consumer has still to read stays"
        );

        // Unstuck, it goes on from its place, and after the retention nothing is left.
        STUCK_FAILS.store(false, Ordering::SeqCst);
        app.clock.advance(3601);
        app.work().await;
        assert_eq!(STUCK_SEEN.load(Ordering::SeqCst), 1);
        app.clock.advance(2 * 86_400);
        app.work().await;
        assert_eq!(
            app.db().count_rows("outbox").await,
            1,
            "all but the newest event, which keeps SQLite's numbering ahead of every place"
        );

        // Every consumer reads what comes next, its place kept though its row is gone.
        reply(&app, &ana, topic, "After the pruning.").await;
        let consumers = app.app.agora.consumers().len();
        assert!(app.work().await >= consumers);
        assert_eq!(STUCK_SEEN.load(Ordering::SeqCst), 2);
    })
    .await;
}

static SLOW_SEEN: AtomicI64 = AtomicI64::new(0);
static SLOW_BLOCKS: AtomicBool = AtomicBool::new(false);
static SLOW: [Consumer; 1] = [Consumer {
    name: "probe_slow",
    start: Start::Head,
    handle: |_, _, event| {
        Box::pin(async move {
            if let Event::ItemPublished { .. } = event {
                if SLOW_BLOCKS.load(Ordering::SeqCst) {
                    // A delivery that never ends (a mail server that does not answer).
                    std::future::pending::<()>().await;
                }
                SLOW_SEEN.fetch_add(1, Ordering::SeqCst);
            }
            Ok(Handled::Done)
        })
    },
}];

#[tokio::test]
async fn a_consumer_that_never_finishes_delays_no_other() {
    each_backend(|app| async move {
        SLOW_SEEN.store(0, Ordering::SeqCst);
        SLOW_BLOCKS.store(true, Ordering::SeqCst);
        let app = app.with_kind(probe_kind("probe_slow", &SLOW));
        let ana = app.register("ana").await;
        app.create_group(&ana, "riders", "public").await;
        let (topic, _) = app.create_topic(&ana, "riders", "Range", "How far?").await;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let agora = app.app.agora.clone();
        let worker = tokio::spawn(async move {
            agora
                .events()
                .run_worker("test-node", std::time::Duration::from_millis(50), async {
                    let _ = stopped.await;
                })
                .await;
        });
        reply(&app, &ana, topic, "The trust consumer reads this at once.").await;
        let event = newest_event(&app).await;
        let mut passed = false;
        for _ in 0..400 {
            if position(&app, "trust").await >= event {
                passed = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        assert!(
            passed,
            "trust went past the reply while the slow consumer hangs on it"
        );
        assert_eq!(
            SLOW_SEEN.load(Ordering::SeqCst),
            0,
            "the slow one is still at it"
        );
        let _ = stop.send(());
        worker.await.unwrap_or_else(|e| panic!("{e}"));
        SLOW_BLOCKS.store(false, Ordering::SeqCst);
    })
    .await;
}
