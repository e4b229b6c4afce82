//! Reading the outbox: an event as it was recorded, its position in the reading order, and the
//! readers that keep their own position (one per node, such as the guest cache), unlike the
//! worker's consumers.

use serde::{Deserialize, Serialize};

use crate::agora::Events;
use crate::error::StoreError;
use crate::time::Timestamp;

use super::Event;

/// A place in the outbox's reading order: the recording transaction (PostgreSQL's; 0 on
/// SQLite, whose one writer commits in order of id) and the event's id. Readers keep the
/// position of the last event they read, not a reference to its row, so deleting old events
/// loses nobody's place.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Position {
    pub tx: i64,
    pub id: i64,
}

/// An event as it was recorded.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Its place in the outbox: consumers handle events in order of `(tx, id)`.
    pub id: i64,
    pub tx: i64,
    pub at: Timestamp,
    /// The event, or `None` if this version of agora does not know its type (a newer node
    /// recorded it): a consumer fails on it until a version that knows it handles it.
    pub event: Option<Event>,
    /// The stored name, for the log and the admins when the event is unknown.
    pub name: String,
    /// The stored payload, kept with an event that is parked.
    pub payload: String,
}

impl Recorded {
    /// Reads a stored event.
    pub fn parse(
        id: i64,
        tx: i64,
        at: Timestamp,
        name: String,
        payload: impl Into<String>,
    ) -> Self {
        let payload = payload.into();
        Self {
            id,
            tx,
            at,
            event: serde_json::from_str(&payload).ok(),
            name,
            payload,
        }
    }

    /// Its position in the reading order.
    pub fn position(&self) -> Position {
        Position {
            tx: self.tx,
            id: self.id,
        }
    }
}

/// A consumer's lease, as taken: where it stands and how often the event after that has
/// failed so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    pub position: Position,
    pub failures: i64,
}

impl Events<'_> {
    /// The position of the last event a reader may read now; a reader that starts here reads
    /// only events recorded from now on (a node's guest cache, which starts empty).
    pub async fn head(self) -> Result<Position, StoreError> {
        self.store.head().await
    }

    /// Up to `limit` events recorded after `position`, in order, for a reader that keeps its
    /// own position (one per node, unlike the consumers, which share theirs).
    pub async fn after(self, position: Position, limit: u32) -> Result<Vec<Recorded>, StoreError> {
        self.store.events_after(position, limit).await
    }

    /// Up to `limit` events committed after `position` but not yet readable in order by
    /// [`Events::after`] (PostgreSQL: a transaction older than theirs is still running), for a
    /// reader that acts on a change as soon as it commits and may see it twice.
    pub async fn fresh_after(
        self,
        position: Position,
        limit: u32,
    ) -> Result<Vec<Recorded>, StoreError> {
        self.store.fresh_events_after(position, limit).await
    }
}
