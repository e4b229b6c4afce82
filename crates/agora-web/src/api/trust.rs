//! Trust levels: one's own, and a member's for the admins, who may also set it by hand.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use agora_core::trust::{TrustReport, TrustStats};

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Auth};
use crate::state::AppState;

/// The record a level is computed from.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrustStatsResponse {
    pub days_visited: i64,
    pub topics_entered: i64,
    pub posts_read: i64,
    pub read_minutes: i64,
    pub topics_replied: i64,
    pub posts_written: i64,
    /// Posts on which moderators upheld flags, within the counted window.
    pub confirmed_flags: i64,
}

impl From<TrustStats> for TrustStatsResponse {
    fn from(s: TrustStats) -> Self {
        Self {
            days_visited: s.days_visited,
            topics_entered: s.topics_entered,
            posts_read: s.posts_read,
            read_minutes: s.read_minutes,
            topics_replied: s.topics_replied,
            posts_written: s.posts_written,
            confirmed_flags: s.confirmed_flags,
        }
    }
}

/// What is still missing for the next level.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrustMissing {
    pub what: &'static str,
    pub have: i64,
    pub need: i64,
}

/// A member's trust level and the record behind it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrustResponse {
    /// 0 new, 1 basic, 2 member, 3 regular, 4 leader.
    pub level: i64,
    pub name: &'static str,
    /// Whether an admin set the level by hand (it then stays).
    pub locked: bool,
    pub stats: TrustStatsResponse,
    pub next: Vec<TrustMissing>,
}

impl From<TrustReport> for TrustResponse {
    fn from(r: TrustReport) -> Self {
        Self {
            level: r.level.number(),
            name: r.level.name(),
            locked: r.locked,
            stats: r.stats.into(),
            next: r
                .next
                .into_iter()
                .map(|(what, have, need)| TrustMissing { what, have, need })
                .collect(),
        }
    }
}

/// A level set by hand.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustRequest {
    /// 0–4, or null to compute the level from activity again.
    pub level: Option<i64>,
}

/// The signed-in member's trust level, the record behind it, and what the next level needs.
#[utoipa::path(get, path = "/api/v1/me/trust", tag = "trust",
    responses((status = 200, body = TrustResponse), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn mine(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<TrustResponse>, ApiError> {
    Ok(Json(
        state.agora.trust().my_trust(&auth.viewer).await?.into(),
    ))
}

/// A member's trust level and record (admins).
#[utoipa::path(get, path = "/api/v1/members/{username}/trust", tag = "trust",
    params(("username" = String, Path)),
    responses((status = 200, body = TrustResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn of_member(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(username): ApiPath<String>,
) -> Result<Json<TrustResponse>, ApiError> {
    let report = state
        .agora
        .trust()
        .member_trust(&auth.viewer, &username)
        .await?;
    Ok(Json(report.into()))
}

/// Sets a member's trust level by hand, or returns it to being computed (admins).
#[utoipa::path(put, path = "/api/v1/members/{username}/trust", tag = "trust",
    params(("username" = String, Path)), request_body = TrustRequest,
    responses((status = 200, body = TrustResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(username): ApiPath<String>,
    ApiJson(req): ApiJson<TrustRequest>,
) -> Result<Json<TrustResponse>, ApiError> {
    let report = state
        .agora
        .trust()
        .set_trust_level(&auth.viewer, &username, req.level)
        .await?;
    Ok(Json(report.into()))
}
