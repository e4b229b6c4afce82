//! One SQL text, two databases: a connection, pool or transaction on SQLite or PostgreSQL
//! behind one small interface, so every query in this crate is written once.
//!
//! Queries use `$1`-style placeholders, which both drivers accept. Arguments are passed as
//! [`Arg`]s and bound natively; rows decode through `sqlx::FromRow`, derived once per row type
//! for both databases. The few places where the SQL itself differs ask [`Backend`].

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::sqlite::{SqliteConnection, SqliteRow};

use sqlx::query::{Query, QueryAs};
use sqlx::{
    AssertSqlSafe, Database, Encode, FromRow, PgPool, Postgres, Sqlite, SqlitePool, Transaction,
    Type,
};

use agora_core::StoreError;

use crate::writer::Writer;

/// SQL text: a `&'static str` for fixed queries, a `String` for the few built at run time
/// (only ever from fixed fragments; values always travel as bound arguments).
pub type Sql = Cow<'static, str>;

/// Which database a handle talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A value bound to a placeholder.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Int(Option<i64>),
    Text(Option<&'a str>),
    Bool(bool),
}

impl From<i64> for Arg<'_> {
    fn from(v: i64) -> Self {
        Self::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg<'_> {
    fn from(v: Option<i64>) -> Self {
        Self::Int(v)
    }
}
impl<'a> From<&'a str> for Arg<'a> {
    fn from(v: &'a str) -> Self {
        Self::Text(Some(v))
    }
}
impl<'a> From<&'a String> for Arg<'a> {
    fn from(v: &'a String) -> Self {
        Self::Text(Some(v.as_str()))
    }
}
impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Self::Text(v)
    }
}
impl From<bool> for Arg<'_> {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}

/// A row type that decodes from both databases.
pub trait AnyRow:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> AnyRow for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

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

/// A connection or an open transaction on either database.
pub enum Handle {
    SqlitePooled(PoolConnection<Sqlite>),
    /// SQLite's write connection, lent to one write transaction by the writer task.
    SqliteWrite(SqliteConnection),
    PgPooled(PoolConnection<Postgres>),
    PgTx(Transaction<'static, Postgres>),
}

enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

impl Handle {
    fn conn(&mut self) -> Conn<'_> {
        match self {
            Self::SqlitePooled(c) => Conn::Sqlite(c),
            Self::SqliteWrite(c) => Conn::Sqlite(c),
            Self::PgPooled(c) => Conn::Postgres(c),
            Self::PgTx(t) => Conn::Postgres(t),
        }
    }

    /// SQLite's write connection, for the writer task.
    pub(crate) fn sqlite_writer(&mut self) -> Option<&mut SqliteConnection> {
        match self {
            Self::SqliteWrite(c) => Some(c),
            _ => None,
        }
    }

    /// Which database this handle reaches.
    pub fn backend(&self) -> Backend {
        match self {
            Self::SqlitePooled(_) | Self::SqliteWrite(_) => Backend::Sqlite,
            Self::PgPooled(_) | Self::PgTx(_) => Backend::Postgres,
        }
    }

    /// Runs a statement; returns the number of rows it changed.
    pub async fn execute(
        &mut self,
        sql: impl Into<Sql>,
        args: &[Arg<'_>],
    ) -> Result<u64, StoreError> {
        let sql = AssertSqlSafe(sql.into());
        let result = match self.conn() {
            Conn::Sqlite(c) => bind(sqlx::query::<Sqlite>(sql), args)
                .execute(c)
                .await
                .map(|r| r.rows_affected()),
            Conn::Postgres(c) => bind(sqlx::query::<Postgres>(sql), args)
                .execute(c)
                .await
                .map(|r| r.rows_affected()),
        };
        result.map_err(crate::error::from_sqlx)
    }

    /// Runs a query and decodes every row.
    pub async fn all<T: AnyRow>(
        &mut self,
        sql: impl Into<Sql>,
        args: &[Arg<'_>],
    ) -> Result<Vec<T>, StoreError> {
        self.fetch_all(sql, args, true).await
    }

    /// Runs a query whose best plan depends on its values, and decodes every row. On
    /// PostgreSQL it is sent unprepared, so the server plans it for these values every time:
    /// a prepared statement switches to one generic plan after its fifth run, and for a
    /// search that plan walks every document backwards where a rare word wants the GIN index
    /// (1 ms became 15–25 ms at 20,000 posts). SQLite plans the same either way.
    pub async fn all_planned_each_time<T: AnyRow>(
        &mut self,
        sql: impl Into<Sql>,
        args: &[Arg<'_>],
    ) -> Result<Vec<T>, StoreError> {
        self.fetch_all(sql, args, false).await
    }

    /// Every row of a query; `prepared` keeps PostgreSQL's prepared statement for the next run.
    async fn fetch_all<T: AnyRow>(
        &mut self,
        sql: impl Into<Sql>,
        args: &[Arg<'_>],
        prepared: bool,
    ) -> Result<Vec<T>, StoreError> {
        let sql = AssertSqlSafe(sql.into());
        let result = match self.conn() {
            Conn::Sqlite(c) => {
                bind_as(sqlx::query_as::<Sqlite, T>(sql), args)
                    .fetch_all(c)
                    .await
            }
            Conn::Postgres(c) => {
                bind_as(
                    sqlx::query_as::<Postgres, T>(sql).persistent(prepared),
                    args,
                )
                .fetch_all(c)
                .await
            }
        };
        result.map_err(crate::error::from_sqlx)
    }

    /// Runs a query and decodes its first row, if any.
    pub async fn optional<T: AnyRow>(
        &mut self,
        sql: impl Into<Sql>,
        args: &[Arg<'_>],
    ) -> Result<Option<T>, StoreError> {
        let sql = AssertSqlSafe(sql.into());
        let result = match self.conn() {
            Conn::Sqlite(c) => {
                bind_as(sqlx::query_as::<Sqlite, T>(sql), args)
                    .fetch_optional(c)
                    .await
            }
            Conn::Postgres(c) => {
                bind_as(sqlx::query_as::<Postgres, T>(sql), args)
                    .fetch_optional(c)
                    .await
            }
        };
        result.map_err(crate::error::from_sqlx)
    }

    /// Runs a query that must return a row.
    pub async fn one<T: AnyRow>(
        &mut self,
        sql: impl Into<Sql>,
        args: &[Arg<'_>],
    ) -> Result<T, StoreError> {
        self.optional(sql, args).await?.ok_or(StoreError::NotFound)
    }

    /// Serialises the write transactions that change what hangs on one row: on PostgreSQL the
    /// row is locked until this transaction ends, so a second transaction that locks it waits,
    /// and every statement it runs afterwards sees what the first committed (READ COMMITTED
    /// takes a fresh snapshot per statement). A check-then-write (a count compared with a
    /// limit, the last owner of a group, the next revision number) calls this first. On
    /// SQLite there is one writer, so nothing overlaps and nothing is done. A missing row
    /// locks nothing and is not an error: the statements after it find it missing too.
    pub async fn lock_row(&mut self, table: LockTable, id: i64) -> Result<(), StoreError> {
        if self.backend() == Backend::Postgres {
            let sql = format!("SELECT id FROM {} WHERE id = $1 FOR UPDATE", table.name());
            self.optional::<Int>(sql, &[id.into()]).await?;
        }
        Ok(())
    }

    /// Serialises the write transactions that name the same `key` when there is no row to
    /// lock (a member's vote budget across ideas, the next version of a document kind): a
    /// transaction-scoped advisory lock on PostgreSQL, nothing on SQLite's single writer.
    pub async fn lock_key(&mut self, key: &str) -> Result<(), StoreError> {
        if self.backend() == Backend::Postgres {
            self.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[key.into()])
                .await?;
        }
        Ok(())
    }
}

/// The tables whose rows a write transaction may lock (`Handle::lock_row`), named here so
/// that no table name is formatted into SQL from outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockTable {
    Groups,
    Topics,
    Posts,
    Members,
}

impl LockTable {
    fn name(self) -> &'static str {
        match self {
            Self::Groups => "groups",
            Self::Topics => "topics",
            Self::Posts => "posts",
            Self::Members => "members",
        }
    }
}

/// `($1, $2), ($3, $4), …`: the placeholders of a multi-row insert of `rows` rows of
/// `columns` values each.
pub fn value_rows(rows: usize, columns: usize) -> String {
    let mut sql = String::with_capacity(rows * columns * 5);
    for i in 0..rows {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..columns {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", i * columns + c + 1));
        }
        sql.push(')');
    }
    sql
}

/// A single `i64` column, for counts and returned ids.
#[derive(Debug, sqlx::FromRow)]
pub struct Int(pub i64);

fn bind<'q, DB>(
    mut q: Query<'q, DB, DB::Arguments>,
    args: &[Arg<'q>],
) -> Query<'q, DB, DB::Arguments>
where
    DB: Database,
    Option<i64>: Encode<'q, DB> + Type<DB>,
    Option<&'q str>: Encode<'q, DB> + Type<DB>,
    bool: Encode<'q, DB> + Type<DB>,
{
    for a in args {
        q = match *a {
            Arg::Int(v) => q.bind(v),
            Arg::Text(v) => q.bind(v),
            Arg::Bool(v) => q.bind(v),
        };
    }
    q
}

fn bind_as<'q, DB, O>(
    mut q: QueryAs<'q, DB, O, DB::Arguments>,
    args: &[Arg<'q>],
) -> QueryAs<'q, DB, O, DB::Arguments>
where
    DB: Database,
    Option<i64>: Encode<'q, DB> + Type<DB>,
    Option<&'q str>: Encode<'q, DB> + Type<DB>,
    bool: Encode<'q, DB> + Type<DB>,
{
    for a in args {
        q = match *a {
            Arg::Int(v) => q.bind(v),
            Arg::Text(v) => q.bind(v),
            Arg::Bool(v) => q.bind(v),
        };
    }
    q
}
