//! The outbox of domain events, its consumers' positions, and the events parked after failing.

use async_trait::async_trait;

use crate::error::StoreError;
use crate::events::{Claim, ConsumerState, Parked, Position, Recorded, Start};
use crate::time::Timestamp;

/// The outbox of domain events (recorded by the store methods of the changes they tell of),
/// each consumer's position and lease in it, and the events parked after their last attempt
/// (see `events/`).
#[async_trait]
pub trait EventStore: Send + Sync {
    /// Whether `consumer` has work now: events recorded past its position, unless it waits to
    /// try again after a failure until past `now` (a read: an idle worker looks without
    /// writing). A consumer never seen has work if any event is readable.
    async fn pending(&self, consumer: &str, now: Timestamp) -> Result<bool, StoreError>;
    /// Leases `consumer` to `holder` until `until` if no other holder's lease runs past `now`
    /// and it does not wait to try again; a consumer seen for the first time starts where
    /// `start` says (the head readable now, or the oldest event kept). Its position and
    /// failures, or `None` if another worker holds it or it waits.
    async fn claim_consumer(
        &self,
        consumer: &str,
        holder: &str,
        start: Start,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<Option<Claim>, StoreError>;
    /// The position of the last event readable now (the start if none).
    async fn head(&self) -> Result<Position, StoreError>;
    /// Up to `limit` events committed after `position` that are not yet readable in order
    /// (on PostgreSQL, those of transactions newer than the oldest one still running; none on
    /// SQLite), for a reader that wants every change as soon as it commits and tolerates
    /// seeing one twice.
    async fn fresh_events_after(
        &self,
        position: Position,
        limit: u32,
    ) -> Result<Vec<Recorded>, StoreError>;
    /// Up to `limit` events recorded after `position`, in order.
    async fn events_after(
        &self,
        position: Position,
        limit: u32,
    ) -> Result<Vec<Recorded>, StoreError>;
    /// Moves the consumer to `position` (clearing its failures if it moved) and renews the
    /// lease to `until`, if `holder` still holds it; whether it did.
    async fn advance_consumer(
        &self,
        consumer: &str,
        holder: &str,
        position: Position,
        until: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Records that the event after `position` failed for the `failures`th time with `error`:
    /// the consumer moves to `position`, waits until `retry_at`, and its lease ends; whether
    /// `holder` still held it.
    async fn consumer_failed(
        &self,
        consumer: &str,
        holder: &str,
        position: Position,
        failures: i64,
        retry_at: Timestamp,
        error: &str,
    ) -> Result<bool, StoreError>;
    /// Parks `event` for `consumer` with its last error after `attempts`, and moves the
    /// consumer past it, in one transaction, if `holder` still holds it; whether it did.
    async fn park_event(
        &self,
        consumer: &str,
        holder: &str,
        event: &Recorded,
        error: &str,
        attempts: i64,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Ends `holder`'s lease of `consumer`, if it holds it.
    async fn release_consumer(&self, consumer: &str, holder: &str) -> Result<(), StoreError>;
    /// Each consumer's position (a cheap read, for pruning).
    async fn consumer_positions(&self) -> Result<Vec<(String, Position)>, StoreError>;
    /// Every consumer the database knows, with how far behind the readable head each is.
    async fn consumer_states(&self) -> Result<Vec<ConsumerState>, StoreError>;
    /// The parked events, newest first, at most `limit`.
    async fn parked_events(&self, limit: u32) -> Result<Vec<Parked>, StoreError>;
    /// The parked event `id`.
    async fn parked_event(&self, id: i64) -> Result<Option<Parked>, StoreError>;
    /// Takes the parked event `id` for a retry until `until` if nobody retries it past `now`.
    async fn claim_parked(
        &self,
        id: i64,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<Option<Parked>, StoreError>;
    /// Records that retrying the parked event `id` failed again with `error`.
    async fn parked_failed(&self, id: i64, error: &str) -> Result<(), StoreError>;
    /// Deletes the parked event `id` (handled at last, or dismissed) with its audit entry, in
    /// one transaction; whether it was there.
    async fn delete_parked(
        &self,
        id: i64,
        audit: &[crate::audit::NewAuditEntry],
    ) -> Result<bool, StoreError>;
    /// Deletes up to `limit` events recorded before `before` and at or behind `through` (every
    /// consumer's position), always keeping the newest event; how many it deleted.
    async fn prune_outbox(
        &self,
        before: Timestamp,
        through: Position,
        limit: u32,
    ) -> Result<u64, StoreError>;
}
