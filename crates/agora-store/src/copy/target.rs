//! The database copied to: the rows written in batches, the search index rebuilt, the
//! sequences set past the copied ids, its rows counted, and the marker of a copy under way.

use agora_core::StoreError;

use super::source::{Kind, Source, Value};
use super::{BATCH_ROWS, CopyError, Progress, tables};
use crate::SqlStore;
use crate::db::{Arg, Backend, Int};

/// Copies one ordinary table in batches; returns the rows copied.
pub(super) async fn copy_table(
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
pub(super) async fn copy_search(
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

/// Puts the copied outbox in the target's reading order. The source's order is `(tx, id)`,
/// with PostgreSQL's transaction ids as `tx`; the target's own transactions (SQLite's 0, or a
/// new PostgreSQL server's lower ids) would sort new events before the copied ones, behind
/// every consumer, and no consumer would ever read them. So each copied event becomes
/// `(0, n)`, `n` its rank in the source's order, and each consumer's position the rank of the
/// last event it had read: it goes on exactly where it stood.
pub(super) async fn renumber_outbox(target: &SqlStore) -> Result<(), StoreError> {
    target
        .pools
        .write(|tx| {
            Box::pin(async move {
                tx.execute(
                    "UPDATE outbox_consumers SET position_tx = 0, position = (SELECT COUNT(*) \
                     FROM outbox o WHERE (o.tx, o.id) <= \
                     (outbox_consumers.position_tx, outbox_consumers.position))",
                    &[],
                )
                .await?;
                // Through negative ids, which no copied id takes, so that no two rows ever
                // share one on the way.
                tx.execute(
                    "UPDATE outbox SET id = -r.n FROM (SELECT id, \
                     ROW_NUMBER() OVER (ORDER BY tx, id) AS n FROM outbox) r \
                     WHERE outbox.id = r.id",
                    &[],
                )
                .await?;
                tx.execute("UPDATE outbox SET id = -id, tx = 0", &[])
                    .await?;
                Ok(())
            })
        })
        .await
}

/// On PostgreSQL, moves every identity sequence past the copied ids, so that the next
/// member, post or case gets a new one. (SQLite takes the largest rowid plus one by itself.)
pub(super) async fn set_sequences(target: &SqlStore) -> Result<(), StoreError> {
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
pub(super) async fn count(target: &SqlStore, table: &str) -> Result<i64, StoreError> {
    let mut db = target.pools.read().await?;
    Ok(db
        .one::<Int>(format!("SELECT COUNT(*) FROM {table}"), &[])
        .await?
        .0)
}

/// Refuses a target that holds anything.
pub(super) async fn check_empty(target: &SqlStore) -> Result<(), CopyError> {
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
pub(super) async fn put_setting(
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
