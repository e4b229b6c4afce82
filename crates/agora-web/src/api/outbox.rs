//! The outbox as admins see it: each consumer's standing, the events parked after their last
//! attempt, and retrying or dismissing one.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use agora_core::events::{ConsumerState, OutboxState, Parked};

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, Auth};
use crate::state::AppState;

/// Where a consumer of the outbox stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsumerResponse {
    pub name: String,
    /// Whether this version of agora runs it (a consumer an older version ran stays listed).
    pub running: bool,
    /// The last event it handled: its id, and its transaction's on PostgreSQL (0 on SQLite).
    pub position: i64,
    pub position_tx: i64,
    /// Events readable now that it has not handled yet.
    pub behind: i64,
    /// When the oldest of those was recorded (RFC 3339), if any.
    pub oldest_waiting: Option<String>,
    /// The worker holding it now, if any.
    pub holder: Option<String>,
    /// Failures of the next event so far; the last error; when it tries again (RFC 3339).
    pub failures: i64,
    pub last_error: Option<String>,
    pub retry_at: Option<String>,
    /// Its events parked now.
    pub parked: i64,
}

impl ConsumerResponse {
    fn new((c, running): (ConsumerState, bool), now: agora_core::time::Timestamp) -> Self {
        let failing = c.failures > 0;
        Self {
            name: c.name,
            running,
            position: c.position.id,
            position_tx: c.position.tx,
            behind: c.behind,
            oldest_waiting: c.oldest_waiting.map(|t| t.to_rfc3339()),
            holder: (c.leased_until.0 > now.0 && !c.holder.is_empty()).then_some(c.holder),
            failures: c.failures,
            last_error: failing.then_some(c.last_error),
            retry_at: (failing && c.retry_at.0 > now.0).then(|| c.retry_at.to_rfc3339()),
            parked: c.parked,
        }
    }
}

/// An event a consumer failed on at every attempt, kept until an admin retries or dismisses
/// it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParkedResponse {
    pub id: i64,
    pub consumer: String,
    /// The event's id in the outbox and its name (`item_published`).
    pub event: i64,
    pub name: String,
    /// The event as recorded (JSON).
    pub payload: String,
    pub recorded_at: String,
    pub error: String,
    pub attempts: i64,
    pub parked_at: String,
}

impl From<Parked> for ParkedResponse {
    fn from(p: Parked) -> Self {
        Self {
            id: p.id,
            consumer: p.consumer,
            event: p.event,
            name: p.name,
            payload: p.payload,
            recorded_at: p.at.to_rfc3339(),
            error: p.error,
            attempts: p.attempts,
            parked_at: p.parked_at.to_rfc3339(),
        }
    }
}

/// The outbox's consumers and parked events.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxResponse {
    pub consumers: Vec<ConsumerResponse>,
    /// Newest first, at most 200.
    pub parked: Vec<ParkedResponse>,
}

impl OutboxResponse {
    pub(crate) fn new(state: OutboxState, now: agora_core::time::Timestamp) -> Self {
        Self {
            consumers: state
                .consumers
                .into_iter()
                .map(|c| ConsumerResponse::new(c, now))
                .collect(),
            parked: state.parked.into_iter().map(ParkedResponse::from).collect(),
        }
    }
}

/// Each consumer of the outbox with how far behind it is, and the events parked after their
/// last attempt (admins).
#[utoipa::path(get, path = "/api/v1/admin/outbox", tag = "site",
    responses((status = 200, body = OutboxResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn state(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<OutboxResponse>, ApiError> {
    let outbox = state.agora.events().state(&auth.viewer).await?;
    Ok(Json(OutboxResponse::new(outbox, state.agora.now())))
}

/// Hands a parked event to its consumer again (admins, once its cause is fixed): 204 and it
/// is gone once handled; 422 `failed_again` with the new error if it fails again, and it stays.
#[utoipa::path(post, path = "/api/v1/admin/outbox/parked/{id}/retry", tag = "site",
    params(("id" = i64, Path, description = "The parked event's id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn retry(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state.agora.events().retry_parked(&auth.viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a parked event without handling it (admins), with an audit entry.
#[utoipa::path(delete, path = "/api/v1/admin/outbox/parked/{id}", tag = "site",
    params(("id" = i64, Path, description = "The parked event's id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn dismiss(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .agora
        .events()
        .dismiss_parked(&auth.viewer, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
