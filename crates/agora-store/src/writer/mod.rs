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

mod batch;
#[cfg(test)]
mod tests;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use sqlx::sqlite::SqliteConnection;
use tokio::sync::{mpsc, oneshot};

use agora_core::StoreError;

use crate::db::{Handle, Work};

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
        tokio::spawn(batch::serve(
            Handle::SqliteWrite(conn),
            queue,
            state.clone(),
        ));
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
