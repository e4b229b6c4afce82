//! `EventStore`: the outbox of domain events and each consumer's position and lease in it;
//! reading in order and the rows in `reading.rs`; the events parked after their last attempt,
//! where each consumer stands, and pruning in `parked.rs`.

mod parked;
mod reading;

use async_trait::async_trait;

use agora_core::StoreError;
use agora_core::events::{Claim, ConsumerState, Event, Parked, Position, Recorded, Start};
use agora_core::store::EventStore;
use agora_core::time::Timestamp;

use self::reading::{ClaimRow, EventRow, WaitRow, head_of, unread};
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

/// Who did what an audit entry records: the actor of the first entry (none for a guest or the
/// system).
pub(crate) fn actor(audit: &[agora_core::audit::NewAuditEntry]) -> Option<i64> {
    audit.first().and_then(|a| a.actor).map(|m| m.0)
}

#[async_trait]
impl EventStore for SqlStore {
    async fn pending(&self, consumer: &str, now: Timestamp) -> Result<bool, StoreError> {
        let mut db = self.pools.read().await?;
        let stands = db
            .optional::<WaitRow>(
                "SELECT position_tx, position, retry_at FROM outbox_consumers WHERE name = $1",
                &[consumer.into()],
            )
            .await?;
        let position = match stands {
            Some(w) if w.retry_at > now.0 => return Ok(false),
            Some(w) => Position {
                tx: w.position_tx,
                id: w.position,
            },
            None => Position::default(),
        };
        let found = db
            .optional::<EventRow>(
                unread(db.backend()),
                &[position.tx.into(), position.id.into(), 1_i64.into()],
            )
            .await?;
        Ok(found.is_some())
    }

    async fn claim_consumer(
        &self,
        consumer: &str,
        holder: &str,
        start: Start,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<Option<Claim>, StoreError> {
        let (consumer, holder) = (consumer.to_owned(), holder.to_owned());
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let known = tx
                        .optional::<Int>(
                            "SELECT position FROM outbox_consumers WHERE name = $1",
                            &[consumer.as_str().into()],
                        )
                        .await?;
                    if known.is_none() {
                        let at = match start {
                            Start::Head => head_of(tx).await?,
                            Start::Backfill => Position::default(),
                        };
                        tx.execute(
                            "INSERT INTO outbox_consumers \
                             (name, position_tx, position, holder, leased_until) \
                             VALUES ($1, $2, $3, '', 0) ON CONFLICT (name) DO NOTHING",
                            &[consumer.as_str().into(), at.tx.into(), at.id.into()],
                        )
                        .await?;
                    }
                    let claimed = tx
                        .optional::<ClaimRow>(
                            "UPDATE outbox_consumers SET holder = $2, leased_until = $4 \
                             WHERE name = $1 AND (leased_until <= $3 OR holder = $2) \
                             AND retry_at <= $3 \
                             RETURNING position_tx, position, failures",
                            &[
                                consumer.as_str().into(),
                                holder.as_str().into(),
                                now.0.into(),
                                until.0.into(),
                            ],
                        )
                        .await?;
                    Ok(claimed.map(|c| Claim {
                        position: Position {
                            tx: c.position_tx,
                            id: c.position,
                        },
                        failures: c.failures,
                    }))
                })
            })
            .await
    }

    async fn head(&self) -> Result<Position, StoreError> {
        let mut db = self.pools.read().await?;
        head_of(&mut db).await
    }

    async fn fresh_events_after(
        &self,
        position: Position,
        limit: u32,
    ) -> Result<Vec<Recorded>, StoreError> {
        let mut db = self.pools.read().await?;
        if db.backend() == Backend::Sqlite {
            return Ok(Vec::new());
        }
        let rows = db
            .all::<EventRow>(
                "SELECT o.id, o.tx, o.at, o.name, o.payload FROM outbox o \
                 WHERE (o.tx, o.id) > ($1, $2) \
                 AND o.tx >= pg_snapshot_xmin(pg_current_snapshot())::text::bigint \
                 ORDER BY o.tx, o.id LIMIT $3",
                &[
                    position.tx.into(),
                    position.id.into(),
                    i64::from(limit).into(),
                ],
            )
            .await?;
        Ok(rows.into_iter().map(EventRow::recorded).collect())
    }

    async fn events_after(
        &self,
        position: Position,
        limit: u32,
    ) -> Result<Vec<Recorded>, StoreError> {
        let mut db = self.pools.read().await?;
        let rows = db
            .all::<EventRow>(
                unread(db.backend()),
                &[
                    position.tx.into(),
                    position.id.into(),
                    i64::from(limit).into(),
                ],
            )
            .await?;
        Ok(rows.into_iter().map(EventRow::recorded).collect())
    }

    async fn advance_consumer(
        &self,
        consumer: &str,
        holder: &str,
        position: Position,
        until: Timestamp,
    ) -> Result<bool, StoreError> {
        let (consumer, holder) = (consumer.to_owned(), holder.to_owned());
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    // Moving on means the event that failed was handled (or parked): its
                    // failures are forgotten. The right-hand sides read the row as it was.
                    let changed = tx
                        .execute(
                            "UPDATE outbox_consumers SET \
                             failures = CASE WHEN position_tx = $3 AND position = $4 \
                                 THEN failures ELSE 0 END, \
                             last_error = CASE WHEN position_tx = $3 AND position = $4 \
                                 THEN last_error ELSE '' END, \
                             position_tx = $3, position = $4, leased_until = $5 \
                             WHERE name = $1 AND holder = $2",
                            &[
                                consumer.as_str().into(),
                                holder.as_str().into(),
                                position.tx.into(),
                                position.id.into(),
                                until.0.into(),
                            ],
                        )
                        .await?;
                    Ok(changed == 1)
                })
            })
            .await
    }

    async fn consumer_failed(
        &self,
        consumer: &str,
        holder: &str,
        position: Position,
        failures: i64,
        retry_at: Timestamp,
        error: &str,
    ) -> Result<bool, StoreError> {
        let (consumer, holder, error) = (consumer.to_owned(), holder.to_owned(), error.to_owned());
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let changed = tx
                        .execute(
                            "UPDATE outbox_consumers SET position_tx = $3, position = $4, \
                             failures = $5, retry_at = $6, last_error = $7, \
                             holder = '', leased_until = 0 \
                             WHERE name = $1 AND holder = $2",
                            &[
                                consumer.as_str().into(),
                                holder.as_str().into(),
                                position.tx.into(),
                                position.id.into(),
                                failures.into(),
                                retry_at.0.into(),
                                error.as_str().into(),
                            ],
                        )
                        .await?;
                    Ok(changed == 1)
                })
            })
            .await
    }

    async fn park_event(
        &self,
        consumer: &str,
        holder: &str,
        event: &Recorded,
        error: &str,
        attempts: i64,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        parked::park(self, consumer, holder, event, error, attempts, now).await
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

    async fn consumer_positions(&self) -> Result<Vec<(String, Position)>, StoreError> {
        parked::positions(self).await
    }

    async fn consumer_states(&self) -> Result<Vec<ConsumerState>, StoreError> {
        parked::states(self).await
    }

    async fn parked_events(&self, limit: u32) -> Result<Vec<Parked>, StoreError> {
        parked::list(self, None, limit).await
    }

    async fn parked_event(&self, id: i64) -> Result<Option<Parked>, StoreError> {
        Ok(parked::list(self, Some(id), 1).await?.pop())
    }

    async fn claim_parked(
        &self,
        id: i64,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<Option<Parked>, StoreError> {
        parked::claim(self, id, now, until).await
    }

    async fn parked_failed(&self, id: i64, error: &str) -> Result<(), StoreError> {
        parked::failed(self, id, error).await
    }

    async fn delete_parked(
        &self,
        id: i64,
        audit: &[agora_core::audit::NewAuditEntry],
    ) -> Result<bool, StoreError> {
        parked::delete(self, id, audit).await
    }

    async fn prune_outbox(
        &self,
        before: Timestamp,
        through: Position,
        limit: u32,
    ) -> Result<u64, StoreError> {
        parked::prune(self, before, through, limit).await
    }
}
