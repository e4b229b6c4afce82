//! SQLite's one writer, committing in groups.
//!
//! SQLite allows one writer at a time, and with `synchronous=FULL` every commit waits for the
//! disk. Committing each write transaction on its own caps writes at one disk flush each.
//! Here every write transaction is a savepoint inside a batch: when a transaction ends and no
//! other writer is queued, the batch commits (one flush); when others are queued, it hands the
//! open batch to the next and waits for the commit that includes its work. A batch commits
//! anyway once it holds 128 transactions or is 50 ms old, so that under steady load no
//! writer waits long for its flush. A transaction is
//! reported committed only once that commit succeeded, so durability is unchanged; under load
//! many transactions share one flush, and without load each commits at once as before.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::pool::PoolConnection;
use sqlx::sqlite::SqliteConnection;
use sqlx::{Sqlite, SqlitePool};
use tokio::sync::{OwnedMutexGuard, watch};

use agora_core::StoreError;

/// How long a writer waiting for its batch's commit waits before making sure somebody
/// commits it (the writer expected to may have been cancelled).
const RESCUE_AFTER: Duration = Duration::from_millis(20);
/// A batch commits once it holds this many write transactions or is this old, queued
/// writers or not: the bound on how long an acknowledged write waits for its flush.
const MAX_BATCH_WRITES: u32 = 128;
const MAX_BATCH_AGE: Duration = Duration::from_millis(50);
/// Commit results kept for writers that look late.
const RESULTS_KEPT: usize = 4_096;

/// The open batch: the writer connection inside `BEGIN IMMEDIATE`, or none.
#[derive(Debug, Default)]
struct Batch {
    conn: Option<PoolConnection<Sqlite>>,
    /// Counts batches; the open one's number.
    epoch: u64,
    /// When the open batch began, and how many write transactions it holds.
    opened: Option<Instant>,
    writes: u32,
    /// The batch a rescue task watches, so that each batch has at most one.
    rescued: u64,
}

impl Batch {
    /// Whether the open batch should commit now even though writers are queued: under
    /// steady load the queue never empties, and the writers in the batch would wait on.
    fn full(&self) -> bool {
        self.writes >= MAX_BATCH_WRITES || self.opened.is_some_and(|t| t.elapsed() >= MAX_BATCH_AGE)
    }
}

#[derive(Debug)]
struct Inner {
    pool: SqlitePool,
    batch: Arc<tokio::sync::Mutex<Batch>>,
    /// Writers queued for their turn.
    queued: AtomicUsize,
    /// The newest committed (or failed) batch.
    done: watch::Sender<u64>,
    /// The outcome of recent batches: (epoch, error).
    results: Mutex<VecDeque<(u64, Option<String>)>>,
}

/// The writer, shared by every write transaction of a store.
#[derive(Debug, Clone)]
pub struct Writer {
    inner: Arc<Inner>,
}

/// Counts a writer as queued until its turn comes (or it is cancelled).
struct Queued<'a>(&'a AtomicUsize);

impl<'a> Queued<'a> {
    fn new(counter: &'a AtomicUsize) -> Self {
        counter.fetch_add(1, Ordering::SeqCst);
        Self(counter)
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn sqlx_err(e: sqlx::Error) -> StoreError {
    crate::error::from_sqlx(e)
}

async fn run(conn: &mut SqliteConnection, sql: &'static str) -> Result<(), StoreError> {
    sqlx::query(sql)
        .execute(conn)
        .await
        .map(|_| ())
        .map_err(sqlx_err)
}

impl Writer {
    /// A writer over the single-connection pool `pool`.
    pub fn new(pool: SqlitePool) -> Self {
        Self {
            inner: Arc::new(Inner {
                pool,
                batch: Arc::new(tokio::sync::Mutex::new(Batch::default())),
                queued: AtomicUsize::new(0),
                done: watch::Sender::new(0),
                results: Mutex::new(VecDeque::new()),
            }),
        }
    }

    /// A write transaction: a savepoint in the open batch (opening one if none is).
    pub async fn begin(&self) -> Result<WriteTx, StoreError> {
        let guard = {
            let _queued = Queued::new(&self.inner.queued);
            self.inner.batch.clone().lock_owned().await
        };
        let mut tx = WriteTx {
            inner: self.inner.clone(),
            guard: Some(guard),
            savepoint: false,
        };
        tx.open().await?;
        Ok(tx)
    }
}

/// One write transaction. Dropped without `commit`, its work is rolled back (in the
/// background: dropping cannot wait).
pub struct WriteTx {
    inner: Arc<Inner>,
    guard: Option<OwnedMutexGuard<Batch>>,
    savepoint: bool,
}

impl WriteTx {
    async fn open(&mut self) -> Result<(), StoreError> {
        let inner = self.inner.clone();
        let batch = self.batch()?;
        if batch.conn.is_none() {
            let mut conn = inner.pool.acquire().await.map_err(sqlx_err)?;
            run(&mut conn, "BEGIN IMMEDIATE").await?;
            batch.conn = Some(conn);
            batch.epoch += 1;
            batch.opened = Some(Instant::now());
            batch.writes = 0;
        }
        batch.writes += 1;
        run(self.conn()?, "SAVEPOINT agora_write").await?;
        self.savepoint = true;
        Ok(())
    }

    fn batch(&mut self) -> Result<&mut Batch, StoreError> {
        self.guard
            .as_deref_mut()
            .ok_or_else(|| StoreError::Unavailable("the write transaction has ended".into()))
    }

    /// The writer connection, inside this transaction's savepoint.
    pub fn conn(&mut self) -> Result<&mut SqliteConnection, StoreError> {
        self.batch()?
            .conn
            .as_deref_mut()
            .ok_or_else(|| StoreError::Unavailable("the write batch has no connection".into()))
    }

    /// Keeps this transaction's work, and returns once it is committed to disk.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        let released = run(self.conn()?, "RELEASE agora_write").await;
        if released.is_err() {
            self.rollback().await;
        }
        self.savepoint = false;
        let guard = self.guard.take();
        let committed = match guard {
            Some(guard) => finish(self.inner.clone(), guard).await,
            None => Ok(()),
        };
        released.and(committed)
    }

    async fn rollback(&mut self) {
        if let Ok(conn) = self.conn() {
            // If SQLite already rolled the whole batch back, the commit will say so.
            let _ = run(conn, "ROLLBACK TO agora_write").await;
            let _ = run(conn, "RELEASE agora_write").await;
        }
        self.savepoint = false;
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        let Some(guard) = self.guard.take() else {
            return;
        };
        let mut tx = WriteTx {
            inner: self.inner.clone(),
            guard: Some(guard),
            savepoint: self.savepoint,
        };
        self.savepoint = false;
        // Undo this transaction's work and pass the batch on, without blocking the dropper.
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move {
                if tx.savepoint {
                    tx.rollback().await;
                }
                if let Some(guard) = tx.guard.take() {
                    let _ = finish(tx.inner.clone(), guard).await;
                }
            });
        }
    }
}

/// Ends a writer's turn: commits the batch when nobody else is queued, else hands it on and
/// waits for the commit that holds this writer's work.
///
/// A writer that handed the batch on may be cancelled while it waits (its client hung up),
/// and so may every writer after it; a detached task then commits the batch, so that no
/// batch is left open holding SQLite's write lock and a pooled connection.
async fn finish(inner: Arc<Inner>, mut guard: OwnedMutexGuard<Batch>) -> Result<(), StoreError> {
    let epoch = guard.epoch;
    if inner.queued.load(Ordering::SeqCst) == 0 || guard.full() {
        return commit_batch(&inner, &mut guard).await;
    }
    let mut done = inner.done.subscribe();
    if guard.rescued != epoch
        && let Ok(handle) = tokio::runtime::Handle::try_current()
    {
        guard.rescued = epoch;
        handle.spawn(rescue(inner.clone(), epoch));
    }
    drop(guard);
    loop {
        if *done.borrow_and_update() >= epoch {
            return outcome(&inner, epoch);
        }
        if done.changed().await.is_err() {
            return Err(StoreError::Unavailable("the writer has stopped".into()));
        }
    }
}

/// Commits batch `epoch` if it is still open and no writer is queued to carry it on; checks
/// again every [`RESCUE_AFTER`] while writers are queued (they may yet be cancelled).
async fn rescue(inner: Arc<Inner>, epoch: u64) {
    loop {
        tokio::time::sleep(RESCUE_AFTER).await;
        if *inner.done.borrow() >= epoch {
            return;
        }
        let mut guard = inner.batch.clone().lock_owned().await;
        if guard.epoch != epoch || guard.conn.is_none() {
            return;
        }
        if inner.queued.load(Ordering::SeqCst) == 0 {
            let _ = commit_batch(&inner, &mut guard).await;
            return;
        }
    }
}

/// Commits the open batch, if any: for closing the store.
pub(crate) async fn flush(writer: &Writer) -> Result<(), StoreError> {
    let mut guard = writer.inner.batch.clone().lock_owned().await;
    commit_batch(&writer.inner, &mut guard).await
}

/// Commits the open batch (one flush) and publishes the outcome.
async fn commit_batch(inner: &Inner, batch: &mut Batch) -> Result<(), StoreError> {
    let epoch = batch.epoch;
    // No open batch: nothing to commit, nothing to report.
    let Some(conn) = batch.conn.as_deref_mut() else {
        return Ok(());
    };
    let result = run(conn, "COMMIT").await;
    if result.is_err() {
        let _ = run(conn, "ROLLBACK").await;
    }
    // The connection goes back to the pool; the next writer opens a new batch.
    batch.conn = None;
    batch.opened = None;
    if let Ok(mut results) = inner.results.lock() {
        results.push_back((epoch, result.as_ref().err().map(ToString::to_string)));
        while results.len() > RESULTS_KEPT {
            results.pop_front();
        }
    }
    inner.done.send_replace(epoch);
    result
}

/// How batch `epoch` ended, for a writer that handed it on.
fn outcome(inner: &Inner, epoch: u64) -> Result<(), StoreError> {
    let results = inner
        .results
        .lock()
        .map_err(|_| StoreError::Unavailable("the writer's results are poisoned".into()))?;
    match results.iter().rev().find(|(e, _)| *e == epoch) {
        Some((_, None)) => Ok(()),
        Some((_, Some(error))) => Err(StoreError::Unavailable(format!(
            "the commit failed: {error}"
        ))),
        None => Err(StoreError::Unavailable(
            "the commit's outcome is no longer known".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

    use super::*;

    type Outcome<T = ()> = Result<T, Box<dyn std::error::Error>>;

    /// Removes a test database and its WAL files when dropped.
    struct Scratch(std::path::PathBuf);

    impl Drop for Scratch {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let mut path = self.0.clone().into_os_string();
                path.push(suffix);
                let _ = std::fs::remove_file(path);
            }
        }
    }

    async fn pools(name: &str) -> Outcome<(SqlitePool, SqlitePool, Scratch)> {
        let path = std::env::temp_dir().join(format!(
            "agora-writer-{name}-{}-{}.db",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        let options = SqliteConnectOptions::from_str(&format!("sqlite:{}", path.display()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal);
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        sqlx::query("CREATE TABLE t (v INTEGER NOT NULL)")
            .execute(&write)
            .await?;
        let read = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.read_only(true))
            .await?;
        Ok((write, read, Scratch(path)))
    }

    async fn stored(read: &SqlitePool) -> Outcome<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(read)
            .await?)
    }

    async fn until(what: impl Fn() -> bool) -> Outcome {
        for _ in 0..500 {
            if what() {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        Err("timed out waiting".into())
    }

    #[tokio::test]
    async fn a_batch_handed_to_a_writer_that_hangs_up_is_still_committed() -> Outcome {
        let (write, read, _scratch) = pools("rescue").await?;
        let writer = Writer::new(write.clone());
        let mut first = writer.begin().await?;
        sqlx::query("INSERT INTO t (v) VALUES (1)")
            .execute(first.conn()?)
            .await?;
        // A second writer is queued for its turn, so the first hands the batch on to it and
        // waits for the commit...
        let phantom = Queued::new(&writer.inner.queued);
        let committing = tokio::spawn(first.commit());
        until(|| writer.inner.done.receiver_count() > 0).await?;
        // ...then both hang up before the second took its turn: nobody is left to commit.
        committing.abort();
        drop(phantom);
        let mut waited = 0;
        while stored(&read).await? == 0 && waited < 1_000 {
            tokio::time::sleep(Duration::from_millis(5)).await;
            waited += 5;
        }
        assert_eq!(stored(&read).await?, 1, "the first write was committed");
        assert!(writer.inner.batch.lock().await.conn.is_none());
        // And the pool can close: no connection is left checked out.
        tokio::time::timeout(Duration::from_secs(5), write.close()).await?;
        Ok(())
    }

    #[tokio::test]
    async fn a_batch_commits_when_full_even_with_writers_queued() -> Outcome {
        let (write, read, _scratch) = pools("full").await?;
        let writer = Writer::new(write);
        let insert = |mut tx: WriteTx, v: i64| async move {
            sqlx::query("INSERT INTO t (v) VALUES ($1)")
                .bind(v)
                .execute(tx.conn()?)
                .await
                .map_err(sqlx_err)?;
            tx.commit().await
        };
        // One writer holds the batch while 200 queue behind it: each hands the batch on to
        // the next, and without a bound all 201 would wait for one commit at the end.
        let first = writer.begin().await?;
        let mut tasks = tokio::task::JoinSet::new();
        for v in 0..200 {
            let writer = writer.clone();
            tasks.spawn(async move { insert(writer.begin().await?, v).await });
        }
        until(|| writer.inner.queued.load(Ordering::SeqCst) == 200).await?;
        insert(first, -1).await?;
        while let Some(done) = tasks.join_next().await {
            done??;
        }
        assert_eq!(stored(&read).await?, 201);
        assert!(*writer.inner.done.borrow() >= 2, "more than one commit");
        Ok(())
    }
}
