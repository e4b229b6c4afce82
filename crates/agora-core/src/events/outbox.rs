//! Reading the outbox: an event as it was recorded, and the readers that keep their own
//! position (one per node, such as the guest cache), unlike the worker's consumers.

use crate::agora::Events;
use crate::error::StoreError;
use crate::time::Timestamp;

use super::Event;

/// An event as it was recorded.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Its place in the outbox: consumers handle events in order of id.
    pub id: i64,
    pub at: Timestamp,
    /// The event, or `None` if this version of agora does not know its type (a newer node
    /// recorded it); consumers skip it.
    pub event: Option<Event>,
    /// The stored name, for the log when the event is unknown.
    pub name: String,
}

impl Recorded {
    /// Reads a stored event.
    pub fn parse(id: i64, at: Timestamp, name: String, payload: &str) -> Self {
        Self {
            id,
            at,
            event: serde_json::from_str(payload).ok(),
            name,
        }
    }
}

impl Events<'_> {
    /// The position of the last event a reader may read now; a reader that starts here reads
    /// only events recorded from now on (a node's guest cache, which starts empty).
    pub async fn head(self) -> Result<i64, StoreError> {
        self.store.head().await
    }

    /// Up to `limit` events recorded after `position`, in order, for a reader that keeps its
    /// own position (one per node, unlike the consumers, which share theirs).
    pub async fn after(self, position: i64, limit: u32) -> Result<Vec<Recorded>, StoreError> {
        self.store.events_after(position, limit).await
    }

    /// Up to `limit` events committed after `position` but not yet readable in order by
    /// [`Events::after`] (PostgreSQL: a transaction older than theirs is still running), for a
    /// reader that acts on a change as soon as it commits and may see it twice.
    pub async fn fresh_after(self, position: i64, limit: u32) -> Result<Vec<Recorded>, StoreError> {
        self.store.fresh_events_after(position, limit).await
    }
}
