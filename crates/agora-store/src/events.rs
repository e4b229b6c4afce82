//! `EventStore`: the outbox of domain events and each consumer's position and lease in it.

use async_trait::async_trait;

use agora_core::StoreError;
use agora_core::events::{Event, Recorded};
use agora_core::store::EventStore;
use agora_core::time::Timestamp;

use crate::SqlStore;
use crate::db::{Handle, Int};

/// Records events inside the caller's transaction: they commit with the change they tell of,
/// or neither does. Call it last in the transaction.
///
/// Consumers read the outbox in order of id and never look back, so an id must not become
/// visible after a higher one. SQLite's one writer commits in order of id anyway; on
/// PostgreSQL two transactions may take ids 10 and 11 and commit 11 first, and a consumer
/// that read 11 would never see 10. So on PostgreSQL a transaction takes a lock before it
/// records and holds it to its commit: transactions that record events commit one after the
/// other, in order of id, for the moment between their last statement and their commit.
pub(crate) async fn record(
    tx: &mut Handle,
    at: Timestamp,
    events: &[Event],
) -> Result<(), StoreError> {
    if events.is_empty() {
        return Ok(());
    }
    if tx.backend() == crate::db::Backend::Postgres {
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[OUTBOX_LOCK.into()])
            .await?;
    }
    for event in events {
        tx.execute(
            "INSERT INTO outbox (stream, name, payload, at) VALUES ($1, $2, $3, $4)",
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

/// The advisory lock that orders the outbox on PostgreSQL (any number agora alone uses).
const OUTBOX_LOCK: i64 = 0x6167_6f72_615f_6f62;

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
        let found = db
            .optional::<Int>(
                "SELECT o.id FROM outbox o WHERE o.id > COALESCE((SELECT c.position \
                 FROM outbox_consumers c WHERE c.name = $1), 0) ORDER BY o.id LIMIT 1",
                &[consumer.into()],
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

    async fn events_after(&self, position: i64, limit: u32) -> Result<Vec<Recorded>, StoreError> {
        let mut db = self.pools.read().await?;
        let rows = db
            .all::<EventRow>(
                "SELECT id, at, name, payload FROM outbox WHERE id > $1 ORDER BY id LIMIT $2",
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
