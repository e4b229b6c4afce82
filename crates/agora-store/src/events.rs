//! `EventStore`: the outbox of domain events and each consumer's position and lease in it.

use async_trait::async_trait;

use agora_core::StoreError;
use agora_core::events::{Event, Recorded};
use agora_core::store::EventStore;
use agora_core::time::Timestamp;

use crate::SqlStore;
use crate::db::{Backend, Handle, Int};

/// Records events inside the caller's transaction: they commit with the change they tell of,
/// or neither does.
///
/// Consumers never look back, so an event must not become visible behind one a consumer has
/// passed. SQLite's one writer commits in order of id. On PostgreSQL two transactions may take
/// ids 10 and 11 and commit 11 first; so each event also records its transaction's id (`tx`),
/// and consumers read in order of (`tx`, `id`) only the events of transactions older than the
/// oldest one still running (`pg_snapshot_xmin`): that set is final, and every event to come
/// sorts after it. No lock is taken, so writers commit side by side (an earlier version
/// serialised every recording transaction's commit behind one advisory lock, which cost
/// replies an eighth of their rate).
pub(crate) async fn record(
    tx: &mut Handle,
    at: Timestamp,
    events: &[Event],
) -> Result<(), StoreError> {
    let sql = match tx.backend() {
        Backend::Sqlite => "INSERT INTO outbox (stream, name, payload, at) VALUES ($1, $2, $3, $4)",
        Backend::Postgres => {
            "INSERT INTO outbox (stream, name, payload, at, tx) \
             VALUES ($1, $2, $3, $4, pg_current_xact_id()::text::bigint)"
        }
    };
    for event in events {
        tx.execute(
            sql,
            &[
                (&event.stream()).into(),
                event.name().into(),
                (&event.to_json()).into(),
                at.0.into(),
            ],
        )
        .await?;
    }
    Ok(())
}

/// The events a consumer at `$1` (the id of the last event it handled, 0 at first) has still
/// to read, in the order it reads them; `$2` is the limit.
fn unread(backend: Backend, columns: &str) -> String {
    // Only finished transactions' events on PostgreSQL (see `record`).
    let finished = match backend {
        Backend::Sqlite => "",
        Backend::Postgres => "AND o.tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint ",
    };
    format!(
        "SELECT {columns} FROM outbox o \
         WHERE (o.tx, o.id) > (COALESCE((SELECT p.tx FROM outbox p WHERE p.id = $1), 0), $1) \
         {finished}ORDER BY o.tx, o.id LIMIT $2"
    )
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    at: i64,
    name: String,
    payload: String,
}

#[async_trait]
impl EventStore for SqlStore {
    async fn pending(&self, consumer: &str) -> Result<bool, StoreError> {
        let mut db = self.pools.read().await?;
        let position = db
            .optional::<Int>(
                "SELECT position FROM outbox_consumers WHERE name = $1",
                &[consumer.into()],
            )
            .await?
            .map_or(0, |p| p.0);
        let found = db
            .optional::<Int>(
                unread(db.backend(), "o.id"),
                &[position.into(), 1_i64.into()],
            )
            .await?;
        Ok(found.is_some())
    }

    async fn claim_consumer(
        &self,
        consumer: &str,
        holder: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<Option<i64>, StoreError> {
        let (consumer, holder) = (consumer.to_owned(), holder.to_owned());
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    tx.execute(
                        "INSERT INTO outbox_consumers (name, position, holder, leased_until) \
                         VALUES ($1, 0, '', 0) ON CONFLICT (name) DO NOTHING",
                        &[consumer.as_str().into()],
                    )
                    .await?;
                    let position = tx
                        .optional::<Int>(
                            "UPDATE outbox_consumers SET holder = $2, leased_until = $4 \
                             WHERE name = $1 AND (leased_until <= $3 OR holder = $2) \
                             RETURNING position",
                            &[
                                consumer.as_str().into(),
                                holder.as_str().into(),
                                now.0.into(),
                                until.0.into(),
                            ],
                        )
                        .await?;
                    Ok(position.map(|p| p.0))
                })
            })
            .await
    }

    async fn head(&self) -> Result<i64, StoreError> {
        let mut db = self.pools.read().await?;
        // The last event in reading order among those readable now (see `unread`).
        let finished = match db.backend() {
            Backend::Sqlite => "",
            Backend::Postgres => {
                "WHERE o.tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint "
            }
        };
        let last = db
            .optional::<Int>(
                format!(
                    "SELECT o.id FROM outbox o {finished}ORDER BY o.tx DESC, o.id DESC LIMIT 1"
                ),
                &[],
            )
            .await?;
        Ok(last.map_or(0, |i| i.0))
    }

    async fn fresh_events_after(
        &self,
        position: i64,
        limit: u32,
    ) -> Result<Vec<Recorded>, StoreError> {
        let mut db = self.pools.read().await?;
        if db.backend() == Backend::Sqlite {
            return Ok(Vec::new());
        }
        let rows = db
            .all::<EventRow>(
                "SELECT o.id, o.at, o.name, o.payload FROM outbox o \
                 WHERE (o.tx, o.id) > (COALESCE((SELECT p.tx FROM outbox p WHERE p.id = $1), 0), $1) \
                 AND o.tx >= pg_snapshot_xmin(pg_current_snapshot())::text::bigint \
                 ORDER BY o.tx, o.id LIMIT $2",
                &[position.into(), i64::from(limit).into()],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| Recorded::parse(r.id, Timestamp(r.at), r.name, &r.payload))
            .collect())
    }

    async fn events_after(&self, position: i64, limit: u32) -> Result<Vec<Recorded>, StoreError> {
        let mut db = self.pools.read().await?;
        let rows = db
            .all::<EventRow>(
                unread(db.backend(), "o.id, o.at, o.name, o.payload"),
                &[position.into(), i64::from(limit).into()],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| Recorded::parse(r.id, Timestamp(r.at), r.name, &r.payload))
            .collect())
    }

    async fn advance_consumer(
        &self,
        consumer: &str,
        holder: &str,
        position: i64,
        until: Timestamp,
    ) -> Result<bool, StoreError> {
        let (consumer, holder) = (consumer.to_owned(), holder.to_owned());
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let changed = tx
                        .execute(
                            "UPDATE outbox_consumers SET position = $3, leased_until = $4 \
                             WHERE name = $1 AND holder = $2",
                            &[
                                consumer.as_str().into(),
                                holder.as_str().into(),
                                position.into(),
                                until.0.into(),
                            ],
                        )
                        .await?;
                    Ok(changed == 1)
                })
            })
            .await
    }

    async fn release_consumer(&self, consumer: &str, holder: &str) -> Result<(), StoreError> {
        let (consumer, holder) = (consumer.to_owned(), holder.to_owned());
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    tx.execute(
                        "UPDATE outbox_consumers SET holder = '', leased_until = 0 \
                         WHERE name = $1 AND holder = $2",
                        &[consumer.as_str().into(), holder.as_str().into()],
                    )
                    .await?;
                    Ok(())
                })
            })
            .await
    }
}
