//! The writer task: a batch of write transactions at a time, each in a savepoint of its
//! own, committed together; SQLite's own account of how each batch ended is checked before
//! anyone is told.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

use agora_core::StoreError;

use super::{Ack, Job, Msg, State};
use crate::db::Handle;

/// A batch commits once it holds this many write transactions or is this old, whether more
/// are waiting or not: the bound on how long an acknowledged write waits for its flush.
const MAX_BATCH_WRITES: usize = 128;
const MAX_BATCH_AGE: Duration = Duration::from_millis(50);

/// Runs one statement of the writer's own on the write connection.
async fn exec(conn: &mut Handle, sql: &'static str) -> Result<(), sqlx::Error> {
    let Some(conn) = conn.sqlite_writer() else {
        return Err(sqlx::Error::Protocol(
            "the writer holds no SQLite connection".into(),
        ));
    };
    sqlx::query(sql).execute(conn).await.map(|_| ())
}

fn unavailable(what: &str, e: &sqlx::Error) -> StoreError {
    StoreError::Unavailable(format!("{what}: {e}"))
}

/// The writer task: a batch at a time, until the store closes.
pub(super) async fn serve(mut conn: Handle, mut queue: mpsc::Receiver<Msg>, state: Arc<State>) {
    let mut closing = None;
    while closing.is_none() {
        match queue.recv().await {
            Some(Msg::Write(first)) => closing = batch(&mut conn, first, &mut queue, &state).await,
            Some(Msg::Close(done)) => closing = Some(done),
            None => break,
        }
    }
    // Every batch ends (committed or rolled back) before the writer waits for the next: no
    // transaction is open here. Writes still queued are refused (their callers are told).
    drop(queue);
    if let Handle::SqliteWrite(conn) = conn {
        use sqlx::Connection as _;
        if let Err(e) = conn.close().await {
            tracing::warn!(error = %e, "closing the write connection");
        }
    }
    if let Some(done) = closing {
        let _ = done.send(());
    }
}

/// Runs one batch: begins it, runs `first` and the transactions waiting behind it, ends it,
/// and answers every caller. Returns a request to close found in the queue.
async fn batch(
    conn: &mut Handle,
    first: Job,
    queue: &mut mpsc::Receiver<Msg>,
    state: &State,
) -> Option<oneshot::Sender<()>> {
    if let Err(e) = begin(conn, state).await {
        metrics::counter!("agora_sqlite_batches_failed_total").increment(1);
        let error = unavailable("could not begin a write transaction", &e);
        tracing::error!(error = %error, "write batch");
        state.set_failing(Some(error.to_string()));
        first(Err(error)).await;
        return None;
    }
    let opened = Instant::now();
    let at_begin = state.ends();
    let mut kept: Vec<Ack> = Vec::new();
    let mut next = Some(first);
    let mut closing = None;
    // Set when the transaction ended inside a job: how it ended for the jobs kept so far.
    let mut ended: Option<Result<(), StoreError>> = None;
    while let Some(job) = next.take() {
        let ack = run(conn, job).await;
        let (commits, rollbacks) = state.ends();
        if rollbacks != at_begin.1 {
            // SQLite rolled the whole batch back (a full disk, an I/O error): nothing of it
            // was kept, so nobody in it may be told otherwise.
            let error = StoreError::Unavailable("SQLite rolled the write batch back".into());
            tracing::error!(error = %error, "write batch");
            if let Some(ack) = ack {
                ack(Err(error.clone()));
            }
            ended = Some(Err(error));
            break;
        }
        if commits != at_begin.0 {
            // A transaction committed the batch itself: what ran before it is kept; what it
            // did after that is not ours to vouch for.
            tracing::error!("a write transaction ended the batch itself");
            if let Some(ack) = ack {
                ack(Err(StoreError::Other(
                    "the write transaction ended its batch".into(),
                )));
            }
            ended = Some(Ok(()));
            break;
        }
        kept.extend(ack);
        if kept.len() >= MAX_BATCH_WRITES || opened.elapsed() >= MAX_BATCH_AGE {
            break;
        }
        match queue.try_recv() {
            Ok(Msg::Write(job)) => next = Some(job),
            Ok(Msg::Close(done)) => closing = Some(done),
            Err(_) => {}
        }
    }
    let outcome = match ended {
        Some(outcome) => outcome,
        None => {
            let committing = Instant::now();
            let outcome = commit(conn, state).await;
            metrics::histogram!("agora_sqlite_commit_seconds")
                .record(committing.elapsed().as_secs_f64());
            outcome
        }
    };
    metrics::histogram!("agora_sqlite_batch_transactions").record(kept.len() as f64);
    if outcome.is_err() {
        metrics::counter!("agora_sqlite_batches_failed_total").increment(1);
    }
    for ack in kept {
        ack(outcome.clone());
    }
    closing
}

/// Begins a batch. A transaction already open on the connection was not opened by the writer
/// (it ends every batch it opens): it is rolled back and logged, and the batch begins anew.
async fn begin(conn: &mut Handle, state: &State) -> Result<(), sqlx::Error> {
    match exec(conn, "BEGIN IMMEDIATE").await {
        Err(e) if e.to_string().contains("within a transaction") => {
            let cause = state
                .suspect
                .lock()
                .ok()
                .and_then(|s| s.clone())
                .unwrap_or_else(|| "no write of the writer's own left it open".into());
            tracing::warn!(
                cause,
                "the write connection was inside a transaction the writer did not open: rolled back"
            );
            state.healed.fetch_add(1, Ordering::SeqCst);
            exec(conn, "ROLLBACK").await?;
            state.set_suspect(None);
            exec(conn, "BEGIN IMMEDIATE").await
        }
        other => other,
    }
}

/// Commits the batch. If the commit fails and SQLite kept the transaction open, it is rolled
/// back, so that the next batch starts clean.
async fn commit(conn: &mut Handle, state: &State) -> Result<(), StoreError> {
    let before = state.ends();
    match exec(conn, "COMMIT").await {
        Ok(()) => {
            state.set_failing(None);
            Ok(())
        }
        Err(e) => {
            let error = unavailable("the commit failed", &e);
            tracing::error!(error = %error, "write batch");
            if state.ends().1 == before.1
                && let Err(r) = exec(conn, "ROLLBACK").await
            {
                state.set_suspect(Some(format!(
                    "a failed commit ({e}) could not be rolled back ({r})"
                )));
            }
            state.set_failing(Some(error.to_string()));
            Err(error)
        }
    }
}

/// Runs one transaction in its own savepoint; returns its acknowledgement if its work is
/// kept in the batch. A transaction that fails or panics is rolled back to its savepoint.
async fn run(conn: &mut Handle, job: Job) -> Option<Ack> {
    if let Err(e) = exec(conn, "SAVEPOINT agora_write").await {
        job(Err(unavailable("could not begin a write transaction", &e))).await;
        return None;
    }
    match (Caught(job(Ok(conn)))).await {
        Ok(Some(ack)) => match exec(conn, "RELEASE agora_write").await {
            Ok(()) => Some(ack),
            Err(e) => {
                undo(conn).await;
                ack(Err(unavailable("could not end the write transaction", &e)));
                None
            }
        },
        Ok(None) => {
            undo(conn).await;
            None
        }
        Err(()) => {
            tracing::error!("a write transaction panicked: rolled back");
            undo(conn).await;
            None
        }
    }
}

/// Rolls back to the current transaction's savepoint and drops it.
async fn undo(conn: &mut Handle) {
    for sql in ["ROLLBACK TO agora_write", "RELEASE agora_write"] {
        if let Err(e) = exec(conn, sql).await {
            // The batch itself ended (the hooks tell `batch`), taking the savepoint with it.
            tracing::debug!(error = %e, sql, "undoing a write transaction");
        }
    }
}

/// A future whose panic is caught and returned as `Err(())`, so that one write transaction's
/// bug cannot stop the writer.
struct Caught<F>(F);

impl<F: Future + Unpin> Future for Caught<F> {
    type Output = Result<F::Output, ()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let fut = &mut self.0;
        match std::panic::catch_unwind(AssertUnwindSafe(|| Pin::new(fut).poll(cx))) {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(_) => Poll::Ready(Err(())),
        }
    }
}
