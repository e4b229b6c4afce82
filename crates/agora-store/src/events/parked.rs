//! The events parked after a consumer's last attempt, where each consumer stands, and pruning
//! the outbox behind every consumer.

use agora_core::StoreError;
use agora_core::audit::NewAuditEntry;
use agora_core::events::{ConsumerState, Parked, Position, Recorded};
use agora_core::time::Timestamp;

use super::reading::{PositionRow, finished};
use crate::SqlStore;

const PARKED_COLUMNS: &str =
    "id, consumer, event_id, event_tx, name, payload, at, error, attempts, parked_at";

#[derive(sqlx::FromRow)]
struct ParkedRow {
    id: i64,
    consumer: String,
    event_id: i64,
    event_tx: i64,
    name: String,
    payload: String,
    at: i64,
    error: String,
    attempts: i64,
    parked_at: i64,
}

impl From<ParkedRow> for Parked {
    fn from(r: ParkedRow) -> Self {
        Parked {
            id: r.id,
            consumer: r.consumer,
            event: r.event_id,
            event_tx: r.event_tx,
            name: r.name,
            payload: r.payload,
            at: Timestamp(r.at),
            error: r.error,
            attempts: r.attempts,
            parked_at: Timestamp(r.parked_at),
        }
    }
}

/// Parks `event` and moves the consumer past it, in one transaction, if `holder` holds it.
pub(super) async fn park(
    store: &SqlStore,
    consumer: &str,
    holder: &str,
    event: &Recorded,
    error: &str,
    attempts: i64,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let (consumer, holder, error) = (consumer.to_owned(), holder.to_owned(), error.to_owned());
    let event = event.clone();
    store
        .pools
        .write(move |tx| {
            Box::pin(async move {
                let moved = tx
                    .execute(
                        "UPDATE outbox_consumers SET position_tx = $3, position = $4, \
                         failures = 0, last_error = '' WHERE name = $1 AND holder = $2",
                        &[
                            consumer.as_str().into(),
                            holder.as_str().into(),
                            event.tx.into(),
                            event.id.into(),
                        ],
                    )
                    .await?;
                if moved == 0 {
                    return Ok(false);
                }
                tx.execute(
                    "INSERT INTO outbox_parked \
                     (consumer, event_id, event_tx, name, payload, at, error, attempts, parked_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (consumer, event_id) DO UPDATE SET error = excluded.error, \
                     attempts = excluded.attempts, parked_at = excluded.parked_at",
                    &[
                        consumer.as_str().into(),
                        event.id.into(),
                        event.tx.into(),
                        event.name.as_str().into(),
                        event.payload.as_str().into(),
                        event.at.0.into(),
                        error.as_str().into(),
                        attempts.into(),
                        now.0.into(),
                    ],
                )
                .await?;
                Ok(true)
            })
        })
        .await
}

#[derive(sqlx::FromRow)]
struct NamedPosition {
    name: String,
    position_tx: i64,
    position: i64,
}

pub(super) async fn positions(store: &SqlStore) -> Result<Vec<(String, Position)>, StoreError> {
    let mut db = store.pools.read().await?;
    let rows = db
        .all::<NamedPosition>(
            "SELECT name, position_tx, position FROM outbox_consumers",
            &[],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let at = PositionRow {
                position_tx: r.position_tx,
                position: r.position,
            };
            (r.name, at.position())
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct StateRow {
    name: String,
    position_tx: i64,
    position: i64,
    holder: String,
    leased_until: i64,
    failures: i64,
    retry_at: i64,
    last_error: String,
    behind: i64,
    oldest_waiting: Option<i64>,
    parked: i64,
}

pub(super) async fn states(store: &SqlStore) -> Result<Vec<ConsumerState>, StoreError> {
    let mut db = store.pools.read().await?;
    let waiting = format!(
        "FROM outbox o WHERE (o.tx, o.id) > (c.position_tx, c.position) {}",
        finished(db.backend())
    );
    let rows = db
        .all::<StateRow>(
            format!(
                "SELECT c.name, c.position_tx, c.position, c.holder, c.leased_until, c.failures, \
                 c.retry_at, c.last_error, (SELECT COUNT(*) {waiting}) AS behind, \
                 (SELECT MIN(o.at) {waiting}) AS oldest_waiting, \
                 (SELECT COUNT(*) FROM outbox_parked p WHERE p.consumer = c.name) AS parked \
                 FROM outbox_consumers c ORDER BY c.name"
            ),
            &[],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| ConsumerState {
            name: r.name,
            position: Position {
                tx: r.position_tx,
                id: r.position,
            },
            behind: r.behind,
            oldest_waiting: r.oldest_waiting.map(Timestamp),
            holder: r.holder,
            leased_until: Timestamp(r.leased_until),
            failures: r.failures,
            last_error: r.last_error,
            retry_at: Timestamp(r.retry_at),
            parked: r.parked,
        })
        .collect())
}

/// The parked events, newest first (or the one numbered `id`).
pub(super) async fn list(
    store: &SqlStore,
    id: Option<i64>,
    limit: u32,
) -> Result<Vec<Parked>, StoreError> {
    let mut db = store.pools.read().await?;
    let rows = db
        .all::<ParkedRow>(
            format!(
                "SELECT {PARKED_COLUMNS} FROM outbox_parked WHERE ($1 IS NULL OR id = $1) \
                 ORDER BY id DESC LIMIT $2"
            ),
            &[id.into(), i64::from(limit).into()],
        )
        .await?;
    Ok(rows.into_iter().map(Parked::from).collect())
}

pub(super) async fn claim(
    store: &SqlStore,
    id: i64,
    now: Timestamp,
    until: Timestamp,
) -> Result<Option<Parked>, StoreError> {
    store
        .pools
        .write(move |tx| {
            Box::pin(async move {
                let row = tx
                    .optional::<ParkedRow>(
                        format!(
                            "UPDATE outbox_parked SET retrying_until = $3 \
                             WHERE id = $1 AND retrying_until <= $2 RETURNING {PARKED_COLUMNS}"
                        ),
                        &[id.into(), now.0.into(), until.0.into()],
                    )
                    .await?;
                Ok(row.map(Parked::from))
            })
        })
        .await
}

pub(super) async fn failed(store: &SqlStore, id: i64, error: &str) -> Result<(), StoreError> {
    let error = error.to_owned();
    store
        .pools
        .write(move |tx| {
            Box::pin(async move {
                tx.execute(
                    "UPDATE outbox_parked SET error = $2, attempts = attempts + 1, \
                     retrying_until = 0 WHERE id = $1",
                    &[id.into(), error.as_str().into()],
                )
                .await?;
                Ok(())
            })
        })
        .await
}

pub(super) async fn delete(
    store: &SqlStore,
    id: i64,
    audit: &[NewAuditEntry],
) -> Result<bool, StoreError> {
    let audit = audit.to_vec();
    store
        .pools
        .write(move |tx| {
            Box::pin(async move {
                let gone = tx
                    .execute("DELETE FROM outbox_parked WHERE id = $1", &[id.into()])
                    .await?;
                if gone == 1 {
                    crate::audit::record(tx, &audit).await?;
                }
                Ok(gone == 1)
            })
        })
        .await
}

/// Deletes up to `limit` of the oldest events recorded before `before` and at or behind
/// `through`, in one statement. The newest event always stays: SQLite numbers a new row one
/// past the largest id left, and an emptied outbox would give new events ids behind every
/// consumer's position.
pub(super) async fn prune(
    store: &SqlStore,
    before: Timestamp,
    through: Position,
    limit: u32,
) -> Result<u64, StoreError> {
    store
        .pools
        .write(move |tx| {
            Box::pin(async move {
                tx.execute(
                    "DELETE FROM outbox WHERE id IN (SELECT o.id FROM outbox o \
                     WHERE o.at < $1 AND (o.tx, o.id) <= ($2, $3) \
                     AND o.id < (SELECT MAX(m.id) FROM outbox m) ORDER BY o.at LIMIT $4)",
                    &[
                        before.0.into(),
                        through.tx.into(),
                        through.id.into(),
                        i64::from(limit).into(),
                    ],
                )
                .await
            })
        })
        .await
}
