//! SQLite's one writer, committing in groups.
//!
//! SQLite allows one writer at a time, and with `synchronous=FULL` every commit waits for the
//! disk. Committing each write transaction on its own caps writes at one disk flush each.
//! Here every write transaction is a savepoint inside a batch: when a transaction ends and no
//! other writer is queued, the batch commits (one flush); when others are queued, it hands the
//! open batch to the next and waits for the commit that includes its work. A transaction is
//! reported committed only once that commit succeeded, so durability is unchanged; under load
//! many transactions share one flush, and without load each commits at once as before.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::sqlite::SqliteConnection;
use sqlx::{Sqlite, SqlitePool};
use tokio::sync::{OwnedMutexGuard, watch};

use agora_core::StoreError;

/// How long a writer waiting for its batch's commit waits before making sure somebody
/// commits it (the writer expected to may have been cancelled).
const RESCUE_AFTER: Duration = Duration::from_millis(20);
/// Commit results kept for writers that look late.
const RESULTS_KEPT: usize = 4_096;

/// The open batch: the writer connection inside `BEGIN IMMEDIATE`, or none.
#[derive(Debug, Default)]
struct Batch {
    conn: Option<PoolConnection<Sqlite>>,
    /// Counts batches; the open one's number.
    epoch: u64,
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
        }
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
async fn finish(inner: Arc<Inner>, mut guard: OwnedMutexGuard<Batch>) -> Result<(), StoreError> {
    let epoch = guard.epoch;
    if inner.queued.load(Ordering::SeqCst) == 0 {
        return commit_batch(&inner, &mut guard).await;
    }
    let mut done = inner.done.subscribe();
    drop(guard);
    loop {
        if *done.borrow_and_update() >= epoch {
            return outcome(&inner, epoch);
        }
        tokio::select! {
            changed = done.changed() => {
                if changed.is_err() {
                    return Err(StoreError::Unavailable("the writer has stopped".into()));
                }
            }
            () = tokio::time::sleep(RESCUE_AFTER) => {
                let mut guard = inner.batch.clone().lock_owned().await;
                if guard.epoch == epoch && guard.conn.is_some() && inner.queued.load(Ordering::SeqCst) == 0 {
                    return commit_batch(&inner, &mut guard).await;
                }
            }
        }
    }
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
