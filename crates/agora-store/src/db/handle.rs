//! A connection or an open transaction on either database, and the queries run on it: one
//! SQL text, its arguments bound natively for SQLite or PostgreSQL.

use sqlx::pool::PoolConnection;
use sqlx::postgres::PgConnection;
use sqlx::query::{Query, QueryAs};
use sqlx::sqlite::SqliteConnection;
use sqlx::{AssertSqlSafe, Database, Encode, Postgres, Sqlite, Transaction, Type};

use agora_core::StoreError;

use super::{AnyRow, Arg, Backend, Int, Sql};

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
