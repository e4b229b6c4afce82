//! The outbox of domain events and its consumers' positions.

use async_trait::async_trait;

use crate::error::StoreError;
use crate::time::Timestamp;

/// The outbox of domain events (recorded by the store methods of the changes they tell of)
/// and each consumer's position and lease in it (see `events.rs`).
#[async_trait]
pub trait EventStore: Send + Sync {
    /// Whether events were recorded past `consumer`'s position (a read: an idle worker
    /// looks without writing).
    async fn pending(&self, consumer: &str) -> Result<bool, StoreError>;
    /// Leases `consumer` to `holder` until `until` if no other holder's lease runs past `now`
    /// (a consumer seen for the first time starts at 0); its position, or `None` if another
    /// worker holds it.
    async fn claim_consumer(
        &self,
        consumer: &str,
        holder: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<Option<i64>, StoreError>;
    /// The position of the last event readable now (0 if none).
    async fn head(&self) -> Result<i64, StoreError>;
    /// Up to `limit` events committed after `position` that are not yet readable in order
    /// (on PostgreSQL, those of transactions newer than the oldest one still running; none on
    /// SQLite), for a reader that wants every change as soon as it commits and tolerates
    /// seeing one twice.
    async fn fresh_events_after(
        &self,
        position: i64,
        limit: u32,
    ) -> Result<Vec<crate::events::Recorded>, StoreError>;
    /// Up to `limit` events recorded after `position`, in order.
    async fn events_after(
        &self,
        position: i64,
        limit: u32,
    ) -> Result<Vec<crate::events::Recorded>, StoreError>;
    /// Moves the consumer to `position` and renews the lease to `until`, if `holder` still
    /// holds it; whether it did.
    async fn advance_consumer(
        &self,
        consumer: &str,
        holder: &str,
        position: i64,
        until: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Ends `holder`'s lease of `consumer`, if it holds it.
    async fn release_consumer(&self, consumer: &str, holder: &str) -> Result<(), StoreError>;
}
