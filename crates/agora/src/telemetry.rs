//! Metrics for operators: a Prometheus recorder, and `/metrics` served on a listener of its
//! own (`metrics_listen`), never on the public one. Off unless configured.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use agora_store::SqlStore;

/// Buckets for every `…_seconds` histogram: from half a millisecond to ten seconds.
const SECONDS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Buckets for the write transactions in one SQLite commit (at most 128).
const BATCH: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0];

/// Installs the process's recorder (once) and describes every metric agora records.
pub fn install() -> anyhow::Result<PrometheusHandle> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS)
        .and_then(|b| {
            b.set_buckets_for_metric(
                Matcher::Full("agora_sqlite_batch_transactions".into()),
                BATCH,
            )
        })
        .context("configuring the metrics")?
        .install_recorder()
        .context("installing the metrics recorder")?;
    describe();
    // Histograms keep their samples until upkeep folds them in; scrapes do it too.
    let upkeep = handle.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(5));
        loop {
            every.tick().await;
            upkeep.run_upkeep();
        }
    });
    Ok(handle)
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "agora_http_requests_total",
        "HTTP requests answered, by method, route template and status."
    );
    describe_histogram!(
        "agora_http_request_duration_seconds",
        metrics::Unit::Seconds,
        "Time to answer an HTTP request, by method and route template."
    );
    describe_counter!(
        "agora_guest_cache_total",
        "Guest page requests served from the guest cache (hit) or rendered (miss)."
    );
    describe_histogram!(
        "agora_db_acquire_seconds",
        metrics::Unit::Seconds,
        "Time waited for a database connection, by pool."
    );
    describe_gauge!(
        "agora_db_connections",
        "Database connections by pool, open and idle, at the last scrape."
    );
    describe_histogram!(
        "agora_write_wait_seconds",
        metrics::Unit::Seconds,
        "Time a write transaction waited for its turn: SQLite's writer, or a PostgreSQL connection."
    );
    describe_gauge!(
        "agora_sqlite_write_queue",
        "Write transactions waiting for SQLite's writer."
    );
    describe_histogram!(
        "agora_sqlite_batch_transactions",
        "Write transactions committed together in one SQLite batch."
    );
    describe_histogram!(
        "agora_sqlite_commit_seconds",
        metrics::Unit::Seconds,
        "Time of one SQLite batch commit (one flush to disk)."
    );
    describe_counter!(
        "agora_sqlite_batches_failed_total",
        "SQLite write batches that could not begin or commit."
    );
    describe_counter!("agora_signups_total", "New accounts.");
    describe_counter!(
        "agora_posts_total",
        "New topics and replies, by kind and whether they were held for review."
    );
    describe_counter!(
        "agora_mail_total",
        "Mail handed to the transport (SMTP or the outbox folder), by result."
    );
    describe_counter!(
        "agora_renders_total",
        "Markdown rendered on the blocking pool (posts, previews, documents)."
    );
    describe_counter!(
        "agora_password_attempts_total",
        "Password checks refused or failed: limited (not checked) or wrong."
    );
    describe_counter!(
        "agora_outbox_failures_total",
        "Times a consumer of the outbox failed on an event (each is tried again later)."
    );
    describe_counter!(
        "agora_outbox_parked_total",
        "Events a consumer failed on at every attempt and parked for the admins."
    );
    describe_gauge!(
        "agora_outbox_behind_events",
        "Events readable now that a consumer has not handled yet, as of the scrape."
    );
    describe_gauge!(
        "agora_outbox_lag_seconds",
        "Age of the oldest event a consumer has not handled yet (0 when it is caught up)."
    );
    describe_gauge!(
        "agora_outbox_parked_events",
        "Events parked for a consumer now, waiting for an admin to retry or dismiss them."
    );
}

/// Sets the outbox's gauges from where each consumer stands (read at every scrape: a few
/// indexed counts).
async fn record_outbox(agora: &agora_core::Agora) {
    let state = match agora.events().state_for_metrics().await {
        Ok(state) => state,
        Err(e) => {
            tracing::warn!(error = %e, "the outbox's state could not be read for /metrics");
            return;
        }
    };
    let now = agora.now();
    for (c, _) in state.consumers {
        // Timestamps are in microseconds.
        let lag = c.oldest_waiting.map_or(0, |t| (now.0 - t.0).max(0)) as f64 / 1e6;
        metrics::gauge!("agora_outbox_behind_events", "consumer" => c.name.clone())
            .set(c.behind as f64);
        metrics::gauge!("agora_outbox_lag_seconds", "consumer" => c.name.clone()).set(lag);
        metrics::gauge!("agora_outbox_parked_events", "consumer" => c.name).set(c.parked as f64);
    }
}

/// The metrics listener's router: `GET /metrics` in the Prometheus text format.
pub fn router(handle: PrometheusHandle, store: Arc<SqlStore>, agora: agora_core::Agora) -> Router {
    Router::new().route(
        "/metrics",
        get(move || {
            let handle = handle.clone();
            let store = store.clone();
            let agora = agora.clone();
            async move {
                store.record_pool_use();
                record_outbox(&agora).await;
                handle.run_upkeep();
                (
                    [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
                    handle.render(),
                )
            }
        }),
    )
}
