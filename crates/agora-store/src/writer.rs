//! SQLite's one writer: a task that owns the only write connection and runs every write
//! transaction to its end, committing them in groups.
//!
//! A caller hands its transaction over as a closure and waits for the answer; it never holds
//! the connection, a lock or a transaction itself. So a caller dropped at any `.await` (its
//! client hung up) changes nothing here: its transaction still runs whole and commits, or
//! rolls back, and the answer goes to nobody. Nothing the writer must keep consistent (the
//! connection's transaction, the batch, who is told what) is split across a caller's await.
//!
//! With `synchronous=FULL` every commit waits for the disk, so transactions share commits:
//! the writer opens a batch (`BEGIN IMMEDIATE`), runs each transaction in a savepoint of its
//! own (an error rolls back that transaction only), takes the next one waiting, and commits
//! when none is waiting, or at 128 transactions or 50 ms so that no acknowledgement waits
//! long. A transaction is reported committed only after the commit that holds it succeeded.
//!
//! The writer checks SQLite's own account rather than trusting its bookkeeping: SQLite's
//! commit and rollback hooks count every transaction that ends on the connection, so a batch
//! that SQLite rolled back by itself (a full disk, an I/O error) is reported failed to every
//! transaction in it, never acknowledged; and a batch begins with `BEGIN IMMEDIATE`, which
//! SQLite refuses inside an open transaction, so a transaction the writer did not open is
//! found, rolled back and logged before anything else runs. A batch that cannot begin or
//! commit marks the writer failing, which `/ready` reports, until a later batch commits.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use sqlx::sqlite::SqliteConnection;
use tokio::sync::{mpsc, oneshot};

use agora_core::StoreError;

use crate::db::{Handle, Work};

/// A batch commits once it holds this many write transactions or is this old, whether more
/// are waiting or not: the bound on how long an acknowledged write waits for its flush.
const MAX_BATCH_WRITES: usize = 128;
const MAX_BATCH_AGE: Duration = Duration::from_millis(50);
/// Write transactions waiting for the writer; more wait for room in the queue.
const QUEUE: usize = 1_024;

/// What the writer tells a transaction's caller once the batch that holds it has ended.
type Ack = Box<dyn FnOnce(Result<(), StoreError>) + Send>;

/// A write transaction as the writer runs it: given the connection (inside its savepoint), it
/// runs the caller's work and returns how to acknowledge it, or `None` if the work failed
/// (its caller was told, and its savepoint is rolled back). Given an error instead, it tells
/// its caller that error.
type Job = Box<
    dyn for<'a> FnOnce(
            Result<&'a mut Handle, StoreError>,
        ) -> Pin<Box<dyn Future<Output = Option<Ack>> + Send + 'a>>
        + Send,
>;

enum Msg {
    Write(Job),
    Close(oneshot::Sender<()>),
}

/// The writer's handle, shared by every write of a store.
#[derive(Debug, Clone)]
pub struct Writer {
    inbox: mpsc::Sender<Msg>,
    state: Arc<State>,
}

/// What the writer task and SQLite's hooks record, for the writer itself and for `/ready`.
#[derive(Debug, Default)]
struct State {
    /// Transactions that ended on the write connection, as SQLite's hooks count them.
    commits: AtomicU64,
    rollbacks: AtomicU64,
    /// Why the last batch could not begin or commit; `None` once one commits again.
    failing: Mutex<Option<String>>,
    /// What the writer knows of a transaction it may have left open (a failed rollback).
    suspect: Mutex<Option<String>>,
    /// Transactions found open at the start of a batch, which the writer did not open.
    healed: AtomicU64,
}

impl State {
    fn ends(&self) -> (u64, u64) {
        (
            self.commits.load(Ordering::SeqCst),
            self.rollbacks.load(Ordering::SeqCst),
        )
    }

    fn set_failing(&self, reason: Option<String>) {
        if let Ok(mut failing) = self.failing.lock() {
            *failing = reason;
        }
    }

    fn set_suspect(&self, reason: Option<String>) {
        if let Ok(mut suspect) = self.suspect.lock() {
            *suspect = reason;
        }
    }
}

fn stopped() -> StoreError {
    StoreError::Unavailable("the database writer has stopped".into())
}

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

/// Makes a [`Job`] of a closure (so that the closure is typed for every borrow of the handle).
fn job<F>(f: F) -> Job
where
    F: for<'a> FnOnce(
            Result<&'a mut Handle, StoreError>,
        ) -> Pin<Box<dyn Future<Output = Option<Ack>> + Send + 'a>>
        + Send
        + 'static,
{
    Box::new(f)
}

impl Writer {
    /// Starts the writer task on `conn`, SQLite's write connection, which it owns from now on.
    pub async fn start(mut conn: SqliteConnection) -> Result<Self, sqlx::Error> {
        let state = Arc::new(State::default());
        {
            let mut raw = conn.lock_handle().await?;
            let counts = state.clone();
            raw.set_commit_hook(move || {
                counts.commits.fetch_add(1, Ordering::SeqCst);
                true
            });
            let counts = state.clone();
            raw.set_rollback_hook(move || {
                counts.rollbacks.fetch_add(1, Ordering::SeqCst);
            });
        }
        let (inbox, queue) = mpsc::channel(QUEUE);
        tokio::spawn(serve(Handle::SqliteWrite(conn), queue, state.clone()));
        Ok(Self { inbox, state })
    }

    /// Runs `work` as one write transaction; see [`crate::db::Pools::write`].
    pub async fn write<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'a> FnOnce(&'a mut Handle) -> Work<'a, T> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel::<Result<T, StoreError>>();
        let handed = Instant::now();
        let job = job(move |conn| {
            Box::pin(async move {
                metrics::gauge!("agora_sqlite_write_queue").decrement(1.0);
                metrics::histogram!("agora_write_wait_seconds", "db" => "sqlite")
                    .record(handed.elapsed().as_secs_f64());
                let outcome = match conn {
                    Ok(conn) => work(conn).await,
                    Err(e) => Err(e),
                };
                match outcome {
                    Ok(value) => Some(Box::new(move |committed: Result<(), StoreError>| {
                        let _ = answer.send(committed.map(|()| value));
                    }) as Ack),
                    Err(e) => {
                        let _ = answer.send(Err(e));
                        None
                    }
                }
            })
        });
        // Dropped while waiting for room, nothing was sent; dropped after, the job runs.
        metrics::gauge!("agora_sqlite_write_queue").increment(1.0);
        if self.inbox.send(Msg::Write(job)).await.is_err() {
            metrics::gauge!("agora_sqlite_write_queue").decrement(1.0);
            return Err(stopped());
        }
        answered.await.map_err(|_| {
            StoreError::Unavailable(
                "the write transaction was lost: it panicked, or the writer stopped".into(),
            )
        })?
    }

    /// Waits until every write handed over before the call has finished.
    pub async fn settle(&self) {
        let _ = self.write(|_| Box::pin(async { Ok(()) })).await;
    }

    /// Whether the writer accepts writes; if not, why.
    pub fn health(&self) -> Result<(), String> {
        if self.inbox.is_closed() {
            return Err("the database writer has stopped".into());
        }
        match self.state.failing.lock() {
            Ok(failing) => failing.clone().map_or(Ok(()), Err),
            Err(_) => Err("the database writer's state is poisoned".into()),
        }
    }

    /// How many transactions the writer found open that it had not opened (and rolled back).
    #[cfg(test)]
    fn healed(&self) -> u64 {
        self.state.healed.load(Ordering::SeqCst)
    }

    /// Finishes the writes handed over so far, then closes the connection; later writes are
    /// refused.
    pub async fn close(&self) {
        let (done, closed) = oneshot::channel();
        if self.inbox.send(Msg::Close(done)).await.is_ok() {
            let _ = closed.await;
        }
    }
}

/// The writer task: a batch at a time, until the store closes.
async fn serve(mut conn: Handle, mut queue: mpsc::Receiver<Msg>, state: Arc<State>) {
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

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use sqlx::ConnectOptions as _;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};

    use super::*;

    type Outcome<T = ()> = Result<T, Box<dyn std::error::Error>>;

    /// A writer on a fresh database with a table `t (v, part)` and a deferred foreign key
    /// `child.parent → parent.id`; removes the files when dropped.
    struct Scratch {
        path: std::path::PathBuf,
        writer: Writer,
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let mut path = self.path.clone().into_os_string();
                path.push(suffix);
                let _ = std::fs::remove_file(path);
            }
        }
    }

    async fn scratch(name: &str) -> Outcome<Scratch> {
        let path = std::env::temp_dir().join(format!(
            "agora-writer-{name}-{}-{}.db",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        let mut conn = SqliteConnectOptions::from_str(&format!("sqlite:{}", path.display()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .connect()
            .await?;
        for sql in [
            "CREATE TABLE t (v INTEGER NOT NULL, part TEXT NOT NULL DEFAULT '')",
            "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
            "CREATE TABLE child (parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)",
        ] {
            sqlx::query(sql).execute(&mut conn).await?;
        }
        let writer = Writer::start(conn).await?;
        Ok(Scratch { path, writer })
    }

    impl Scratch {
        /// The rows of `t` as (v, part), read on a connection of their own.
        async fn rows(&self) -> Outcome<Vec<(i64, String)>> {
            let mut conn =
                SqliteConnectOptions::from_str(&format!("sqlite:{}", self.path.display()))?
                    .read_only(true)
                    .connect()
                    .await?;
            Ok(sqlx::query_as("SELECT v, part FROM t ORDER BY v, part")
                .fetch_all(&mut conn)
                .await?)
        }

        /// Inserts (v, part) for each part, as one write transaction.
        async fn insert(&self, v: i64, parts: &'static [&'static str]) -> Result<(), StoreError> {
            self.writer
                .write(move |tx| {
                    Box::pin(async move {
                        for part in parts {
                            tx.execute(
                                "INSERT INTO t (v, part) VALUES ($1, $2)",
                                &[v.into(), (*part).into()],
                            )
                            .await?;
                        }
                        Ok(())
                    })
                })
                .await
        }

        /// Holds the writer inside a batch until `release` is sent, so that the writes
        /// handed over meanwhile share that batch.
        fn hold(
            &self,
        ) -> (
            oneshot::Sender<()>,
            tokio::task::JoinHandle<Result<(), StoreError>>,
        ) {
            let (release, released) = oneshot::channel::<()>();
            let writer = self.writer.clone();
            let held = tokio::spawn(async move {
                writer
                    .write(move |_| {
                        Box::pin(async move {
                            let _ = released.await;
                            Ok(())
                        })
                    })
                    .await
            });
            (release, held)
        }
    }

    /// Polls `fut` at most `polls` times, then drops it where it stands.
    async fn hang_up<F: Future>(fut: F, polls: usize) -> Option<F::Output> {
        let mut fut = Box::pin(fut);
        let mut left = polls;
        std::future::poll_fn(move |cx| {
            if left == 0 {
                return Poll::Ready(None);
            }
            left -= 1;
            fut.as_mut().poll(cx).map(Some)
        })
        .await
    }

    /// Lets the writer task take what was handed to it.
    async fn queued() {
        for _ in 0..20 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn a_write_whose_caller_hangs_up_at_any_step_is_whole_or_absent() -> Outcome {
        let s = scratch("hang-up").await?;
        let mut finished = false;
        for polls in 0..20 {
            finished |= hang_up(s.insert(polls, &["a", "b"]), polls as usize)
                .await
                .is_some();
            s.insert(1_000 + polls, &["next"]).await?;
        }
        assert!(finished, "some write ran to its end before it was dropped");
        s.writer.settle().await;
        let rows = s.rows().await?;
        for v in 0..20 {
            let parts: Vec<&str> = rows
                .iter()
                .filter(|r| r.0 == v)
                .map(|r| r.1.as_str())
                .collect();
            assert!(
                parts.is_empty() || parts == ["a", "b"],
                "write {v} left {parts:?}"
            );
        }
        assert_eq!(rows.iter().filter(|r| r.1 == "next").count(), 20);
        Ok(())
    }

    #[tokio::test]
    async fn a_failing_write_loses_only_its_own_work_in_a_shared_batch() -> Outcome {
        let s = scratch("failing").await?;
        let (release, held) = s.hold();
        queued().await;
        let commits = s.writer.state.ends().0;
        let a = s.insert(1, &["a", "b"]);
        let failing = s.writer.write(|tx| {
            Box::pin(async move {
                tx.execute("INSERT INTO t (v) VALUES (2)", &[]).await?;
                tx.execute("INSERT INTO nowhere VALUES (1)", &[]).await?;
                Ok(())
            })
        });
        let c = s.insert(3, &["c"]);
        let released = async {
            queued().await;
            let _ = release.send(());
        };
        let (a, failing, c, ()) = tokio::join!(a, failing, c, released);
        held.await??;
        assert!(a.is_ok() && c.is_ok(), "{a:?} {c:?}");
        assert!(failing.is_err(), "the failing write reports its error");
        assert_eq!(
            s.rows().await?,
            [(1, "a".into()), (1, "b".into()), (3, "c".into())]
        );
        assert_eq!(
            s.writer.state.ends().0,
            commits + 1,
            "one commit for the batch"
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_write_that_panics_is_rolled_back_and_the_writer_goes_on() -> Outcome {
        let s = scratch("panic").await?;
        let panicked = s
            .writer
            .write(|tx| {
                Box::pin(async move {
                    tx.execute("INSERT INTO t (v) VALUES (1)", &[]).await?;
                    let words: Vec<&str> = Vec::new();
                    Ok::<_, StoreError>(words[3].len())
                })
            })
            .await;
        assert!(panicked.is_err());
        s.insert(2, &["after"]).await?;
        assert_eq!(s.rows().await?, [(2, "after".into())]);
        Ok(())
    }

    #[tokio::test]
    async fn a_batch_that_sqlite_rolled_back_is_never_acknowledged() -> Outcome {
        let s = scratch("rolled-back").await?;
        let (release, held) = s.hold();
        queued().await;
        let a = s.insert(1, &["a"]);
        // What SQLite does by itself on a full disk or an I/O error: the whole transaction
        // is rolled back under the writer.
        let lost = s.writer.write(|tx| {
            Box::pin(async move {
                tx.execute("ROLLBACK", &[]).await?;
                Ok(())
            })
        });
        // A write behind it must not run in what is left of that batch: its savepoint would
        // open a transaction of its own, and the batch's failing commit would then report a
        // stored write as failed.
        let c = s.insert(3, &["c"]);
        let released = async {
            queued().await;
            let _ = release.send(());
        };
        let (a, lost, c, ()) = tokio::join!(a, lost, c, released);
        assert!(
            held.await?.is_err(),
            "the holding write was in the lost batch"
        );
        assert!(
            a.is_err(),
            "a write in a batch that was rolled back is not acknowledged"
        );
        assert!(lost.is_err());
        assert!(c.is_ok(), "{c:?}");
        s.insert(4, &["next"]).await?;
        assert_eq!(s.rows().await?, [(3, "c".into()), (4, "next".into())]);
        Ok(())
    }

    #[tokio::test]
    async fn a_transaction_the_writer_did_not_open_is_rolled_back_before_the_next_batch() -> Outcome
    {
        let s = scratch("heal").await?;
        s.insert(1, &["a"]).await?;
        // A write that commits the batch itself and leaves a transaction of its own open:
        // the wedge the writer must heal.
        let rogue = s
            .writer
            .write(|tx| {
                Box::pin(async move {
                    tx.execute("COMMIT", &[]).await?;
                    tx.execute("BEGIN", &[]).await?;
                    tx.execute("INSERT INTO t (v, part) VALUES (2, 'rogue')", &[])
                        .await?;
                    Ok(())
                })
            })
            .await;
        assert!(
            rogue.is_err(),
            "a write that ended its batch is not vouched for"
        );
        s.insert(3, &["next"]).await?;
        assert_eq!(s.rows().await?, [(1, "a".into()), (3, "next".into())]);
        assert_eq!(s.writer.healed(), 1);
        assert_eq!(s.writer.health(), Ok(()));
        Ok(())
    }

    #[tokio::test]
    async fn a_commit_that_fails_is_reported_to_every_write_in_the_batch_and_to_ready() -> Outcome {
        let s = scratch("commit-fails").await?;
        let (release, held) = s.hold();
        queued().await;
        let a = s.insert(1, &["a"]);
        // A deferred foreign key is checked at the commit, which then fails.
        let orphan = s.writer.write(|tx| {
            Box::pin(async move {
                tx.execute("INSERT INTO child (parent) VALUES (42)", &[])
                    .await?;
                Ok(())
            })
        });
        let released = async {
            queued().await;
            let _ = release.send(());
        };
        let (a, orphan, ()) = tokio::join!(a, orphan, released);
        assert!(held.await?.is_err());
        assert!(a.is_err() && orphan.is_err(), "{a:?} {orphan:?}");
        let health = s.writer.health();
        assert!(
            health.as_ref().is_err_and(|r| r.contains("commit failed")),
            "{health:?}"
        );
        // The next batch starts clean, commits, and the writer is healthy again.
        s.insert(2, &["next"]).await?;
        assert_eq!(s.rows().await?, [(2, "next".into())]);
        assert_eq!(s.writer.health(), Ok(()));
        assert_eq!(
            s.writer.healed(),
            0,
            "the failed commit was rolled back at once"
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_batch_commits_when_full_even_with_writers_queued() -> Outcome {
        let s = scratch("full").await?;
        let commits = s.writer.state.ends().0;
        let mut tasks = tokio::task::JoinSet::new();
        for v in 0..300 {
            let writer = s.writer.clone();
            tasks.spawn(async move {
                writer
                    .write(move |tx| {
                        Box::pin(async move {
                            tx.execute("INSERT INTO t (v) VALUES ($1)", &[v.into()])
                                .await
                        })
                    })
                    .await
            });
        }
        while let Some(done) = tasks.join_next().await {
            done??;
        }
        assert_eq!(s.rows().await?.len(), 300);
        assert!(
            s.writer.state.ends().0 - commits >= 3,
            "at most 128 writes a commit"
        );
        Ok(())
    }

    #[tokio::test]
    async fn closing_finishes_the_writes_handed_over_and_refuses_later_ones() -> Outcome {
        let s = scratch("close").await?;
        let (release, held) = s.hold();
        queued().await;
        let first = s.insert(1, &["kept"]);
        let close = async {
            queued().await;
            let closing = s.writer.close();
            let released = async {
                queued().await;
                let _ = release.send(());
            };
            tokio::join!(closing, released);
        };
        let (first, ()) = tokio::join!(first, close);
        held.await??;
        first?;
        assert_eq!(s.rows().await?, [(1, "kept".into())]);
        assert!(s.insert(2, &["late"]).await.is_err());
        assert!(s.writer.health().is_err());
        Ok(())
    }
}
