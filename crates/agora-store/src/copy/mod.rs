//! Moving a whole community from one database to another (SQLite to PostgreSQL and back):
//! every table in dependency order, in batches, identity sequences set past the copied ids,
//! the search index rebuilt on the target, and a row count comparison per table at the end.
//!
//! The source is opened read-only and never changed (it must be at the schema this agora
//! knows). The target must be empty. While the copy runs the target carries a marker
//! (`settings` key [`INCOMPLETE`]), removed as the last step: a copy killed half-way leaves a
//! target that every agora command, this one included, refuses to open ("an interrupted copy:
//! delete it and copy again"), so it is never served half-copied.
//!
//! The copy's steps here; opening and reading the source in `source.rs`, writing and checking
//! the target in `target.rs`.

mod source;
mod target;

use agora_core::StoreError;

use self::source::open_source;
use self::target::{
    check_empty, copy_search, copy_table, count, put_setting, renumber_outbox, set_sequences,
};
use crate::connect::{ConnectError, redact};

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
    "outbox_parked",
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
    renumber_outbox(&target)
        .await
        .map_err(|source| CopyError::Table {
            table: "outbox",
            source,
        })?;
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
