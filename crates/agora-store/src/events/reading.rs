//! Reading the outbox in order: which events are readable (on PostgreSQL, those of finished
//! transactions), the head, and the rows read.

use agora_core::StoreError;
use agora_core::events::{Position, Recorded};
use agora_core::time::Timestamp;

use crate::db::{Backend, Handle};

/// The condition that keeps only events readable in order (PostgreSQL: those of transactions
/// older than the oldest still running, see `record`), to follow a `WHERE`.
pub(crate) fn finished(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "",
        Backend::Postgres => "AND o.tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint ",
    }
}

/// The events after the position (`$1`, `$2`) = (tx, id), in reading order, at most `$3`.
pub(super) fn unread(backend: Backend) -> String {
    format!(
        "SELECT o.id, o.tx, o.at, o.name, o.payload FROM outbox o \
         WHERE (o.tx, o.id) > ($1, $2) {}ORDER BY o.tx, o.id LIMIT $3",
        finished(backend)
    )
}

/// The last event readable now (the start if none).
pub(super) async fn head_of(db: &mut Handle) -> Result<Position, StoreError> {
    let row = db
        .optional::<PositionRow>(
            format!(
                "SELECT o.tx AS position_tx, o.id AS position FROM outbox o WHERE 1 = 1 {}\
                 ORDER BY o.tx DESC, o.id DESC LIMIT 1",
                finished(db.backend())
            ),
            &[],
        )
        .await?;
    Ok(row.map(PositionRow::position).unwrap_or_default())
}

#[derive(sqlx::FromRow)]
pub(super) struct EventRow {
    id: i64,
    tx: i64,
    at: i64,
    name: String,
    payload: String,
}

impl EventRow {
    pub(super) fn recorded(self) -> Recorded {
        Recorded::parse(
            self.id,
            self.tx,
            Timestamp(self.at),
            self.name,
            self.payload,
        )
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct PositionRow {
    pub(super) position_tx: i64,
    pub(super) position: i64,
}

impl PositionRow {
    pub(super) fn position(self) -> Position {
        Position {
            tx: self.position_tx,
            id: self.position,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ClaimRow {
    pub(super) position_tx: i64,
    pub(super) position: i64,
    pub(super) failures: i64,
}

#[derive(sqlx::FromRow)]
pub(super) struct WaitRow {
    pub(super) position_tx: i64,
    pub(super) position: i64,
    pub(super) retry_at: i64,
}
