//! The database copied from: opened read-only without migrating, its schema checked, its
//! tables' columns and rows read as values both databases agree on.

use std::str::FromStr;

use futures_util::Stream;
use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions, SqliteRow};
use sqlx::{AssertSqlSafe, Row};

use agora_core::StoreError;

use super::{CopyError, INCOMPLETE};
use crate::SqlStore;
use crate::connect::{ConnectError, redact};
use crate::db::{Arg, Backend};

/// The database copied from, opened read-only without migrating.
pub(super) enum Source {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// What a column holds, as both databases agree on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Int,
    Text,
    Bool,
}

/// One value on its way.
#[derive(Debug, Clone)]
pub(super) enum Value {
    Int(Option<i64>),
    Text(Option<String>),
    Bool(Option<bool>),
}

impl Value {
    pub(super) fn arg(&self) -> Arg<'_> {
        match self {
            Self::Int(v) => Arg::Int(*v),
            Self::Text(v) => Arg::Text(v.as_deref()),
            Self::Bool(v) => Arg::Bool(v.unwrap_or(false)),
        }
    }
}

/// Opens the source read-only, without migrating, and checks that its schema is this
/// agora's and that it is not itself an interrupted copy.
pub(super) async fn open_source(url: &str) -> Result<Source, CopyError> {
    let open = |source| ConnectError::Open {
        url: redact(url),
        source,
    };
    let (source, known) = if url.starts_with("sqlite:") {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(open)?
            .read_only(true);
        if !std::path::Path::new(crate::connect::sqlite_path(url)).exists() {
            return Err(CopyError::SourceSchema(format!(
                "{} does not exist",
                redact(url)
            )));
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .map_err(open)?;
        (
            Source::Sqlite(pool),
            sqlx::migrate!("./migrations/sqlite")
                .iter()
                .map(|m| m.version)
                .collect::<Vec<_>>(),
        )
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let pool = PgPoolOptions::new()
            .max_connections(2)
            .connect(url)
            .await
            .map_err(open)?;
        (
            Source::Postgres(pool),
            sqlx::migrate!("./migrations/postgres")
                .iter()
                .map(|m| m.version)
                .collect::<Vec<_>>(),
        )
    } else {
        return Err(ConnectError::UnknownScheme(redact(url)).into());
    };
    let applied = source
        .versions()
        .await
        .map_err(|e| CopyError::SourceSchema(format!("no agora schema: {e}")))?;
    if applied != known {
        let newest = |v: &[i64]| v.last().copied().unwrap_or(0);
        return Err(CopyError::SourceSchema(format!(
            "it is at migration {}, this agora at {}",
            newest(&applied),
            newest(&known)
        )));
    }
    if let Some(marker) = source.setting(INCOMPLETE).await.ok().flatten() {
        return Err(ConnectError::IncompleteCopy(marker).into());
    }
    Ok(source)
}

impl Source {
    async fn versions(&self) -> Result<Vec<i64>, sqlx::Error> {
        let sql = "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version";
        match self {
            Self::Sqlite(p) => sqlx::query_scalar(sql).fetch_all(p).await,
            Self::Postgres(p) => sqlx::query_scalar(sql).fetch_all(p).await,
        }
    }

    async fn setting(&self, key: &str) -> Result<Option<String>, sqlx::Error> {
        let sql = "SELECT value FROM settings WHERE key = $1";
        match self {
            Self::Sqlite(p) => sqlx::query_scalar(sql).bind(key).fetch_optional(p).await,
            Self::Postgres(p) => sqlx::query_scalar(sql).bind(key).fetch_optional(p).await,
        }
    }

    pub(super) async fn count(&self, table: &str) -> Result<i64, StoreError> {
        let sql = AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"));
        match self {
            Self::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await,
            Self::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await,
        }
        .map_err(crate::error::from_sqlx)
    }

    /// The columns of `table`, with what each holds. Both schemas have the same columns; the
    /// kinds come from PostgreSQL's types where it is at hand (SQLite keeps booleans as
    /// integers), else from the names the SQLite schema gives booleans.
    pub(super) async fn columns(
        &self,
        target: &SqlStore,
        table: &str,
    ) -> Result<Vec<(String, Kind)>, StoreError> {
        let pg = match (self, target.backend()) {
            (Self::Postgres(p), _) => Some(p.clone()),
            (_, Backend::Postgres) => target.pg_pool(),
            _ => None,
        };
        if let Some(pool) = pg {
            let rows: Vec<(String, String)> = sqlx::query_as(
                "SELECT column_name::text, data_type::text FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
            )
            .bind(table)
            .fetch_all(&pool)
            .await
            .map_err(crate::error::from_sqlx)?;
            return Ok(rows
                .into_iter()
                .map(|(name, ty)| {
                    let kind = match ty.as_str() {
                        "bigint" | "integer" | "smallint" => Kind::Int,
                        "boolean" => Kind::Bool,
                        _ => Kind::Text,
                    };
                    (name, kind)
                })
                .collect());
        }
        let Self::Sqlite(pool) = self else {
            return Ok(Vec::new());
        };
        let rows: Vec<(String, String)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT name, type FROM pragma_table_info('{table}') ORDER BY cid"
        )))
        .fetch_all(pool)
        .await
        .map_err(crate::error::from_sqlx)?;
        Ok(rows
            .into_iter()
            .map(|(name, ty)| {
                // SQLite's rule: a declared type that contains "INT" stores integers
                // (`INTEGER`, and `BIGINT` as a later migration wrote).
                let kind = if ty.to_ascii_uppercase().contains("INT") {
                    Kind::Int
                } else {
                    Kind::Text
                };
                (name, kind)
            })
            .collect())
    }

    /// Every row of `sql`'s result, decoded by `kinds`, as a stream.
    pub(super) fn rows<'a>(
        &'a self,
        sql: String,
        kinds: &'a [Kind],
    ) -> std::pin::Pin<Box<dyn Stream<Item = Result<Vec<Value>, StoreError>> + Send + 'a>> {
        use futures_util::StreamExt as _;
        match self {
            Self::Sqlite(p) => Box::pin(sqlx::query(AssertSqlSafe(sql)).fetch(p).map(move |row| {
                row.map_err(crate::error::from_sqlx)
                    .and_then(|r| sqlite_values(&r, kinds))
            })),
            Self::Postgres(p) => {
                Box::pin(sqlx::query(AssertSqlSafe(sql)).fetch(p).map(move |row| {
                    row.map_err(crate::error::from_sqlx)
                        .and_then(|r| pg_values(&r, kinds))
                }))
            }
        }
    }

    pub(super) async fn close(&self) {
        match self {
            Self::Sqlite(p) => p.close().await,
            Self::Postgres(p) => p.close().await,
        }
    }
}

fn sqlite_values(row: &SqliteRow, kinds: &[Kind]) -> Result<Vec<Value>, StoreError> {
    kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            Ok(match kind {
                Kind::Int => Value::Int(row.try_get(i).map_err(crate::error::from_sqlx)?),
                Kind::Text => Value::Text(row.try_get(i).map_err(crate::error::from_sqlx)?),
                Kind::Bool => Value::Bool(
                    row.try_get::<Option<i64>, _>(i)
                        .map_err(crate::error::from_sqlx)?
                        .map(|n| n != 0),
                ),
            })
        })
        .collect()
}

fn pg_values(row: &PgRow, kinds: &[Kind]) -> Result<Vec<Value>, StoreError> {
    kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            Ok(match kind {
                Kind::Int => Value::Int(row.try_get(i).map_err(crate::error::from_sqlx)?),
                Kind::Text => Value::Text(row.try_get(i).map_err(crate::error::from_sqlx)?),
                Kind::Bool => Value::Bool(row.try_get(i).map_err(crate::error::from_sqlx)?),
            })
        })
        .collect()
}
