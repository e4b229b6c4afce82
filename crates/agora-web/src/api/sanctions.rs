//! Actions on members (warn, silence, suspend, ban, lift) and appeals.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use agora_core::Invalid;
use agora_core::sanctions::{Appeal, Sanction, SanctionKind};
use agora_core::time::Timestamp;

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Auth};
use crate::state::AppState;

/// A sanction.
#[derive(Debug, Serialize, ToSchema)]
pub struct SanctionResponse {
    pub id: i64,
    /// `warning`, `silence`, `suspension` or `ban`.
    pub kind: &'static str,
    pub reason: String,
    pub starts_at: String,
    pub ends_at: Option<String>,
    pub lifted: bool,
    pub active: bool,
}

impl SanctionResponse {
    /// The sanction as the API shows it, `active` at `now`.
    fn new(s: &Sanction, now: Timestamp) -> Self {
        Self {
            id: s.id,
            kind: s.kind.as_str(),
            reason: s.reason.clone(),
            starts_at: s.starts_at.to_rfc3339(),
            ends_at: s.ends_at.map(|e| e.to_rfc3339()),
            lifted: s.lifted,
            active: s.active(now),
        }
    }
}

/// An appeal.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppealResponse {
    pub id: i64,
    pub sanction_id: i64,
    pub username: String,
    pub kind: &'static str,
    pub reason: String,
    pub message: String,
    pub created_at: String,
}

impl From<&Appeal> for AppealResponse {
    fn from(a: &Appeal) -> Self {
        Self {
            id: a.id,
            sanction_id: a.sanction_id,
            username: a.username.clone(),
            kind: a.kind.as_str(),
            reason: a.reason.clone(),
            message: a.message.clone(),
            created_at: a.created_at.to_rfc3339(),
        }
    }
}

/// A sanction to impose.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SanctionRequest {
    /// `warning`, `silence`, `suspension` or `ban`.
    pub kind: String,
    /// Shown to the member.
    pub reason: String,
    /// For a silence or suspension: how many days (1–3,650).
    pub days: Option<i64>,
}

/// An appeal's text.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealRequest {
    pub message: String,
}

/// Warns, silences, suspends or bans a member (site moderators), with a reason they see.
#[utoipa::path(post, path = "/api/v1/members/{username}/sanctions", tag = "moderation",
    params(("username" = String, Path)), request_body = SanctionRequest,
    responses((status = 201, body = SanctionResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn impose(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(username): ApiPath<String>,
    ApiJson(req): ApiJson<SanctionRequest>,
) -> Result<(StatusCode, Json<SanctionResponse>), ApiError> {
    let kind = SanctionKind::parse(&req.kind).ok_or_else(|| {
        Invalid::new(
            "kind",
            "invalid_choice",
            "Choose warning, silence, suspension or ban.",
        )
    })?;
    let s = state
        .agora
        .moderation()
        .sanction(&auth.viewer, &username, kind, &req.reason, req.days)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(SanctionResponse::new(&s, state.agora.now())),
    ))
}

/// Lifts a sanction (site moderators).
#[utoipa::path(post, path = "/api/v1/sanctions/{id}/lift", tag = "moderation", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn lift(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .agora
        .moderation()
        .lift_sanction(&auth.viewer, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in member's sanctions, with every reason.
#[utoipa::path(get, path = "/api/v1/me/sanctions", tag = "moderation",
    responses((status = 200, body = [SanctionResponse]), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn mine(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<SanctionResponse>>, ApiError> {
    let rows = state.agora.moderation().my_sanctions(&auth.viewer).await?;
    let now = state.agora.now();
    Ok(Json(
        rows.iter().map(|s| SanctionResponse::new(s, now)).collect(),
    ))
}

/// Appeals one's own sanction to the moderators.
#[utoipa::path(post, path = "/api/v1/me/sanctions/{id}/appeal", tag = "moderation", params(("id" = i64, Path)),
    request_body = AppealRequest,
    responses((status = 201), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn appeal(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<AppealRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .agora
        .moderation()
        .appeal(&auth.viewer, id, &req.message)
        .await?;
    Ok(StatusCode::CREATED)
}

/// Appeals, newest first (site moderators).
#[utoipa::path(get, path = "/api/v1/appeals", tag = "moderation",
    responses((status = 200, body = [AppealResponse]), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn appeals(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<AppealResponse>>, ApiError> {
    let rows = state.agora.moderation().appeals(&auth.viewer).await?;
    Ok(Json(rows.iter().map(AppealResponse::from).collect()))
}
