//! One SQL text, two databases: a connection, pool or transaction on SQLite or PostgreSQL
//! behind one small interface, so every query in this crate is written once.
//!
//! Queries use `$1`-style placeholders, which both drivers accept. Arguments are passed as
//! [`Arg`]s and bound natively; rows decode through `sqlx::FromRow`, derived once per row type
//! for both databases. The few places where the SQL itself differs ask [`Backend`].

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use std::borrow::Cow;

use sqlx::query::{Query, QueryAs};
use sqlx::{
    AssertSqlSafe, Database, Encode, FromRow, PgPool, Postgres, Sqlite, SqlitePool, Transaction,
    Type,
};

use agora_core::StoreError;

use crate::writer::{WriteTx, Writer};

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

/// The pools: SQLite has a pool of readers and a single writer (SQLite allows one writer at
/// a time; queuing for it is cheaper than retrying on `SQLITE_BUSY`), which commits write
/// transactions in groups (see `writer`).
#[derive(Debug, Clone)]
pub enum Pools {
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
        writer: Writer,
    },
    Postgres(PgPool),
}

impl Pools {
    /// Which database these pools reach.
    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite { .. } => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// A connection for reading.
    pub async fn read(&self) -> Result<Handle, StoreError> {
        Ok(match self {
            Self::Sqlite { read, .. } => {
                Handle::SqlitePooled(read.acquire().await.map_err(crate::error::from_sqlx)?)
            }
            Self::Postgres(p) => {
                Handle::PgPooled(p.acquire().await.map_err(crate::error::from_sqlx)?)
            }
        })
    }

    /// A transaction for writing; dropped without `commit`, it rolls back.
    pub async fn begin(&self) -> Result<Handle, StoreError> {
        Ok(match self {
            Self::Sqlite { writer, .. } => Handle::SqliteTx(writer.begin().await?),
            Self::Postgres(p) => Handle::PgTx(p.begin().await.map_err(crate::error::from_sqlx)?),
        })
    }
}

/// A connection or an open transaction on either database.
pub enum Handle {
    SqlitePooled(PoolConnection<Sqlite>),
    SqliteTx(WriteTx),
    PgPooled(PoolConnection<Postgres>),
    PgTx(Transaction<'static, Postgres>),
}

enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

impl Handle {
    fn conn(&mut self) -> Result<Conn<'_>, StoreError> {
        Ok(match self {
            Self::SqlitePooled(c) => Conn::Sqlite(c),
            Self::SqliteTx(t) => Conn::Sqlite(t.conn()?),
            Self::PgPooled(c) => Conn::Postgres(c),
            Self::PgTx(t) => Conn::Postgres(t),
        })
    }

    /// Which database this handle reaches.
    pub fn backend(&self) -> Backend {
        match self {
            Self::SqlitePooled(_) | Self::SqliteTx(_) => Backend::Sqlite,
            Self::PgPooled(_) | Self::PgTx(_) => Backend::Postgres,
        }
    }

    /// Commits a transaction; on a plain connection, does nothing.
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Self::SqliteTx(t) => t.commit().await,
            Self::PgTx(t) => t.commit().await.map_err(crate::error::from_sqlx),
            Self::SqlitePooled(_) | Self::PgPooled(_) => Ok(()),
        }
    }

    /// Runs a statement; returns the number of rows it changed.
    pub async fn execute(
        &mut self,
        sql: impl Into<Sql>,
        args: &[Arg<'_>],
    ) -> Result<u64, StoreError> {
        let sql = AssertSqlSafe(sql.into());
        let result = match self.conn()? {
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
        let sql = AssertSqlSafe(sql.into());
        let result = match self.conn()? {
            Conn::Sqlite(c) => {
                bind_as(sqlx::query_as::<Sqlite, T>(sql), args)
                    .fetch_all(c)
                    .await
            }
            Conn::Postgres(c) => {
                bind_as(sqlx::query_as::<Postgres, T>(sql), args)
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
        let result = match self.conn()? {
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
