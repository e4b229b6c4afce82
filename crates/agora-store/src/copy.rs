//! Moving a whole community from one database to another (SQLite to PostgreSQL and back):
//! every table in dependency order, in batches, identity sequences set past the copied ids,
//! the search index rebuilt on the target, and a row count comparison per table at the end.
//!
//! The source is opened read-only and never changed (it must be at the schema this agora
//! knows). The target must be empty. While the copy runs the target carries a marker
//! (`settings` key [`INCOMPLETE`]), removed as the last step: a copy killed half-way leaves a
//! target that every agora command, this one included, refuses to open ("an interrupted copy:
//! delete it and copy again"), so it is never served half-copied.

use std::str::FromStr;

use futures_util::Stream;
use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions, SqliteRow};
use sqlx::{AssertSqlSafe, Row};

use agora_core::StoreError;

use crate::SqlStore;
use crate::connect::{ConnectError, redact};
use crate::db::{Arg, Backend, Int};

/// The settings key that marks a target whose copy has not finished.
pub const INCOMPLETE: &str = "copy.incomplete";

/// The shared tables a kind's tables may refer to, parents before the tables that refer to
/// them.
const BEFORE_KINDS: &[&str] = &[
    "members",
    "settings",
    "rate_counters",
    "sessions",
    "groups",
    "group_members",
    "join_requests",
    "invitations",
    "topics",
    "topic_tags",
    "posts",
    "post_revisions",
    "post_search",
];

/// The shared tables after every kind's own (`KindData::tables` in `kinds.rs`).
const AFTER_KINDS: &[&str] = &[
    "email_tokens",
    "audit_log",
    "documents",
    "consents",
    "sanctions",
    "appeals",
    "reports",
    "member_activity",
    "topic_reads",
    "legal_cases",
    "legal_case_events",
    "bulletins",
    "outbox",
    "outbox_consumers",
    "media",
    "post_mentions",
];

/// Every table, parents before the tables that refer to them: the shared ones, with each
/// kind's own after posts and search. A test checks that this is every table of both schemas
/// and that the order respects every foreign key.
pub fn tables() -> Vec<&'static str> {
    let kinds = crate::kinds::KINDS.iter().flat_map(|k| k.tables.iter());
    BEFORE_KINDS
        .iter()
        .chain(kinds)
        .chain(AFTER_KINDS)
        .copied()
        .collect()
}

/// Rows written by one insert statement, at most (and so one transaction of the target's).
const BATCH_ROWS: usize = 500;

/// What went wrong; the message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(
        "the source database is not at this agora's schema ({0}); run `agora migrate --database-url SOURCE` with this version first, or copy with the agora that wrote it"
    )]
    SourceSchema(String),
    #[error(
        "the target database is not empty ({0}); copy needs an empty one: create a new database (or choose a new SQLite file) and run the copy again"
    )]
    TargetNotEmpty(String),
    #[error("the source and the target are the same database")]
    SameDatabase,
    #[error("copying {table}: {source}")]
    Table {
        table: &'static str,
        #[source]
        source: StoreError,
    },
    #[error(
        "after the copy, {table} has {in_target} rows in the target and {in_source} in the source; the target is incomplete, delete it"
    )]
    CountMismatch {
        table: &'static str,
        in_source: i64,
        in_target: i64,
    },
}

/// What a copy reports as it goes (the command line draws progress bars from it).
pub trait Progress: Sync {
    /// `table` starts, with `rows` to copy.
    fn start(&self, table: &str, rows: u64);
    /// `rows` more rows of the current table are written.
    fn advance(&self, rows: u64);
    /// The current table is done.
    fn finish(&self, table: &str);
}

/// A copy that reports nothing.
pub struct Quiet;

impl Progress for Quiet {
    fn start(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self, _: &str) {}
}

/// Rows per table, as copied.
#[derive(Debug, Clone, Default)]
pub struct CopyReport {
    pub tables: Vec<(&'static str, i64)>,
}

impl CopyReport {
    pub fn rows(&self) -> i64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// The database copied from, opened read-only without migrating.
enum Source {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// What a column holds, as both databases agree on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
    Bool,
}

/// One value on its way.
#[derive(Debug, Clone)]
enum Value {
    Int(Option<i64>),
    Text(Option<String>),
    Bool(Option<bool>),
}

impl Value {
    fn arg(&self) -> Arg<'_> {
        match self {
            Self::Int(v) => Arg::Int(*v),
            Self::Text(v) => Arg::Text(v.as_deref()),
            Self::Bool(v) => Arg::Bool(v.unwrap_or(false)),
        }
    }
}

/// Copies the community at `from` into the empty database at `to`.
pub async fn copy(from: &str, to: &str, progress: &dyn Progress) -> Result<CopyReport, CopyError> {
    if from == to {
        return Err(CopyError::SameDatabase);
    }
    let source = open_source(from).await?;
    let target = crate::connect(to).await?;
    check_empty(&target).await?;
    let marker = format!(
        "from {} at {}",
        redact(from),
        time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    );
    put_setting(&target, INCOMPLETE, Some(&marker)).await?;
    let mut report = CopyReport::default();
    for table in tables() {
        let total = source
            .count(table)
            .await
            .map_err(|source| CopyError::Table { table, source })?;
        progress.start(table, u64::try_from(total).unwrap_or(0));
        let copied = if table == "post_search" {
            copy_search(&source, &target, progress).await
        } else {
            copy_table(&source, &target, table, progress).await
        }
        .map_err(|source| CopyError::Table { table, source })?;
        progress.finish(table);
        report.tables.push((table, copied));
    }
    set_sequences(&target)
        .await
        .map_err(|source| CopyError::Table {
            table: "sequences",
            source,
        })?;
    for &(table, _) in &report.tables {
        let (s, t) = (
            source
                .count(table)
                .await
                .map_err(|source| CopyError::Table { table, source })?,
            count(&target, table)
                .await
                .map_err(|source| CopyError::Table { table, source })?,
        );
        // The target's settings hold the marker besides the source's.
        let t = if table == "settings" { t - 1 } else { t };
        if s != t {
            return Err(CopyError::CountMismatch {
                table,
                in_source: s,
                in_target: t,
            });
        }
    }
    put_setting(&target, INCOMPLETE, None).await?;
    target.close().await;
    source.close().await;
    Ok(report)
}

/// Opens the source read-only, without migrating, and checks that its schema is this
/// agora's and that it is not itself an interrupted copy.
async fn open_source(url: &str) -> Result<Source, CopyError> {
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

    async fn count(&self, table: &str) -> Result<i64, StoreError> {
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
    async fn columns(
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
    fn rows<'a>(
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

    async fn close(&self) {
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

/// Copies one ordinary table in batches; returns the rows copied.
async fn copy_table(
    source: &Source,
    target: &SqlStore,
    table: &'static str,
    progress: &dyn Progress,
) -> Result<i64, StoreError> {
    use futures_util::StreamExt as _;
    let columns = source.columns(target, table).await?;
    let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
    let kinds: Vec<Kind> = columns.iter().map(|(_, k)| *k).collect();
    let select = format!("SELECT {} FROM {table}", names.join(", "));
    let head = format!("{table} ({})", names.join(", "));
    let mut rows = source.rows(select, &kinds);
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    let mut copied = 0;
    while let Some(row) = rows.next().await {
        batch.push(row?);
        if batch.len() == BATCH_ROWS {
            copied += write_batch(target, &head, names.len(), std::mem::take(&mut batch)).await?;
            progress.advance(BATCH_ROWS as u64);
        }
    }
    if !batch.is_empty() {
        let n = batch.len() as u64;
        copied += write_batch(target, &head, names.len(), batch).await?;
        progress.advance(n);
    }
    Ok(copied)
}

/// Writes rows into `head` (a table and its columns), in one transaction of the target's.
async fn write_batch(
    target: &SqlStore,
    head: &str,
    columns: usize,
    rows: Vec<Vec<Value>>,
) -> Result<i64, StoreError> {
    let n = rows.len() as i64;
    let head = head.to_owned();
    target
        .pools
        .write(move |tx| {
            Box::pin(async move {
                crate::bulk::insert_rows(tx, &head, columns, &rows, |r| values(r)).await?;
                Ok(n)
            })
        })
        .await
}

/// A copied row's values, as arguments.
fn values(row: &[Value]) -> Vec<Arg<'_>> {
    row.iter().map(Value::arg).collect()
}

/// Rebuilds the search index on the target from the source's: each post's title and text,
/// under the post's id (the tsvector is computed by PostgreSQL itself).
async fn copy_search(
    source: &Source,
    target: &SqlStore,
    progress: &dyn Progress,
) -> Result<i64, StoreError> {
    use futures_util::StreamExt as _;
    let select = match source {
        Source::Sqlite(_) => "SELECT rowid, title, body FROM post_search",
        Source::Postgres(_) => "SELECT post_id, title, body FROM post_search",
    };
    let kinds = [Kind::Int, Kind::Text, Kind::Text];
    let mut rows = source.rows(select.to_owned(), &kinds);
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    let mut copied = 0;
    loop {
        let next = rows.next().await;
        let end = next.is_none();
        if let Some(row) = next {
            batch.push(row?);
        }
        if batch.len() == BATCH_ROWS || (end && !batch.is_empty()) {
            let n = batch.len();
            copied += write_search(target, std::mem::take(&mut batch)).await?;
            progress.advance(n as u64);
        }
        if end {
            return Ok(copied);
        }
    }
}

async fn write_search(target: &SqlStore, rows: Vec<Vec<Value>>) -> Result<i64, StoreError> {
    let n = rows.len() as i64;
    target
        .pools
        .write(move |tx| {
            Box::pin(async move {
                crate::bulk::insert_search(tx, &rows, |r| values(r)).await?;
                Ok(n)
            })
        })
        .await
}

/// On PostgreSQL, moves every identity sequence past the copied ids, so that the next
/// member, post or case gets a new one. (SQLite takes the largest rowid plus one by itself.)
async fn set_sequences(target: &SqlStore) -> Result<(), StoreError> {
    if target.backend() != Backend::Postgres {
        return Ok(());
    }
    target
        .pools
        .write(|tx| {
            Box::pin(async move {
                for table in tables() {
                    let has_identity = tx
                        .optional::<Int>(
                            "SELECT 1::bigint FROM information_schema.columns WHERE table_schema = 'public' \
                             AND table_name = $1 AND column_name = 'id' AND is_identity = 'YES'",
                            &[table.into()],
                        )
                        .await?
                        .is_some();
                    if has_identity {
                        tx.execute(
                            format!(
                                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                                 COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                            ),
                            &[],
                        )
                        .await?;
                    }
                }
                Ok(())
            })
        })
        .await
}

/// Rows in `table` on the target.
async fn count(target: &SqlStore, table: &str) -> Result<i64, StoreError> {
    let mut db = target.pools.read().await?;
    Ok(db
        .one::<Int>(format!("SELECT COUNT(*) FROM {table}"), &[])
        .await?
        .0)
}

/// Refuses a target that holds anything.
async fn check_empty(target: &SqlStore) -> Result<(), CopyError> {
    let mut held = Vec::new();
    for table in tables() {
        let n = count(target, table)
            .await
            .map_err(|source| CopyError::Table { table, source })?;
        if n > 0 {
            held.push(format!("{n} rows in {table}"));
        }
    }
    if held.is_empty() {
        Ok(())
    } else {
        Err(CopyError::TargetNotEmpty(held.join(", ")))
    }
}

/// Sets (or with `None` removes) a setting on the target, in a transaction of its own.
async fn put_setting(
    target: &SqlStore,
    key: &'static str,
    value: Option<&str>,
) -> Result<(), CopyError> {
    let value = value.map(str::to_owned);
    target
        .pools
        .write(move |tx| {
            Box::pin(async move {
                match &value {
                    Some(v) => {
                        tx.execute(
                            "INSERT INTO settings (key, value) VALUES ($1, $2)",
                            &[key.into(), v.into()],
                        )
                        .await
                    }
                    None => {
                        tx.execute("DELETE FROM settings WHERE key = $1", &[key.into()])
                            .await
                    }
                }
                .map(|_| ())
            })
        })
        .await
        .map_err(|source| CopyError::Table {
            table: "settings",
            source,
        })
}
