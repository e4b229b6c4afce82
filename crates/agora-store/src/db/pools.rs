//! The pools a store draws its connections from, and how a write transaction is handed to a
//! task that runs it to its end (SQLite's writer, or a task of its own on PostgreSQL).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::{PgPool, SqlitePool};

use agora_core::StoreError;

use super::{Backend, Handle};
use crate::writer::Writer;

/// A write transaction's work: it runs on a task of the store's own (see [`Pools::write`]),
/// with the transaction in its handle, and returns what the caller gets once it committed.
pub type Work<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// The pools: SQLite has a pool of readers and one writer task that owns the only write
/// connection (SQLite allows one writer at a time; queuing for it is cheaper than retrying on
/// `SQLITE_BUSY`) and commits write transactions in groups (see `writer`); PostgreSQL has one
/// pool, and every write transaction runs on a task of its own.
#[derive(Debug, Clone)]
pub enum Pools {
    Sqlite { read: SqlitePool, writer: Writer },
    Postgres { pool: PgPool, detached: Detached },
}

impl Pools {
    /// Which database these pools reach.
    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite { .. } => Backend::Sqlite,
            Self::Postgres { .. } => Backend::Postgres,
        }
    }

    /// A connection for reading.
    pub async fn read(&self) -> Result<Handle, StoreError> {
        let asked = std::time::Instant::now();
        let handle = match self {
            Self::Sqlite { read, .. } => {
                Handle::SqlitePooled(read.acquire().await.map_err(crate::error::from_sqlx)?)
            }
            Self::Postgres { pool, .. } => {
                Handle::PgPooled(pool.acquire().await.map_err(crate::error::from_sqlx)?)
            }
        };
        metrics::histogram!("agora_db_acquire_seconds", "pool" => "read")
            .record(asked.elapsed().as_secs_f64());
        Ok(handle)
    }

    /// Each pool's connections: (pool, open, idle).
    pub fn pool_use(&self) -> Vec<(&'static str, u32, u32)> {
        match self {
            Self::Sqlite { read, .. } => {
                vec![
                    ("read", read.size(), read.num_idle() as u32),
                    ("write", 1, 0),
                ]
            }
            Self::Postgres { pool, .. } => vec![("shared", pool.size(), pool.num_idle() as u32)],
        }
    }

    /// Runs `work` as one write transaction and returns its result once it is committed; an
    /// error from `work` rolls back everything it wrote.
    ///
    /// The transaction never runs on the caller's future: it is handed to a task that runs it
    /// to its end (SQLite's writer, or a task of its own on PostgreSQL). A caller dropped at
    /// any `.await` (its client hung up) leaves the write to finish or roll back whole, with
    /// nobody told; it cannot leave a transaction open, half a write done, or the connection in
    /// a state the next writer trips over. `work` must not wait for another write: on SQLite
    /// that write would queue behind it for ever.
    pub async fn write<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'a> FnOnce(&'a mut Handle) -> Work<'a, T> + Send + 'static,
    {
        match self {
            Self::Sqlite { writer, .. } => writer.write(work).await,
            Self::Postgres { pool, detached } => {
                let pool = pool.clone();
                let running = detached.enter();
                let asked = std::time::Instant::now();
                let task = tokio::spawn(async move {
                    let _running = running;
                    let tx = pool.begin().await.map_err(crate::error::from_sqlx)?;
                    metrics::histogram!("agora_write_wait_seconds", "db" => "postgres")
                        .record(asked.elapsed().as_secs_f64());
                    let mut handle = Handle::PgTx(tx);
                    let value = work(&mut handle).await?;
                    if let Handle::PgTx(tx) = handle {
                        tx.commit().await.map_err(crate::error::from_sqlx)?;
                    }
                    Ok(value)
                });
                task.await.map_err(|e| {
                    StoreError::Unavailable(format!("the write transaction stopped: {e}"))
                })?
            }
        }
    }

    /// Waits until every write handed over before the call has finished.
    pub async fn settle(&self) {
        match self {
            Self::Sqlite { writer, .. } => writer.settle().await,
            Self::Postgres { detached, .. } => detached.settle().await,
        }
    }
}

/// Counts the write tasks running on PostgreSQL, so that closing the store or a test can wait
/// for writes whose callers left.
#[derive(Debug, Clone, Default)]
pub struct Detached(Arc<(AtomicUsize, tokio::sync::Notify)>);

/// One running write task; counted until dropped.
pub struct Running(Arc<(AtomicUsize, tokio::sync::Notify)>);

impl Detached {
    fn enter(&self) -> Running {
        self.0.0.fetch_add(1, Ordering::SeqCst);
        Running(self.0.clone())
    }

    async fn settle(&self) {
        loop {
            let notified = self.0.1.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.0.0.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.0.0.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.1.notify_waiters();
        }
    }
}
