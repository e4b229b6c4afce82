//! The site's settings: read by anyone, changed by admins.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

use agora_core::site::SiteSettingsPatch;

use crate::api::dto::SiteResponse;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, Auth};
use crate::state::AppState;

/// Changes to the settings; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SiteRequest {
    pub name: Option<String>,
    pub goal: Option<String>,
    pub netiquette: Option<String>,
    pub members_may_create_groups: Option<bool>,
    /// Group slugs separated by commas; empty features the most popular groups.
    pub featured_groups: Option<String>,
}

/// The community's name, goal, netiquette and policies.
#[utoipa::path(get, path = "/api/v1/site", tag = "site", responses((status = 200, body = SiteResponse)))]
pub async fn show(State(state): State<AppState>) -> Result<Json<SiteResponse>, ApiError> {
    Ok(Json(state.agora.site_settings().await?.into()))
}

/// Changes the settings (admins).
#[utoipa::path(patch, path = "/api/v1/site", tag = "site", request_body = SiteRequest,
    responses((status = 200, body = SiteResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<SiteRequest>,
) -> Result<Json<SiteResponse>, ApiError> {
    let patch = SiteSettingsPatch {
        name: req.name,
        goal: req.goal,
        netiquette: req.netiquette,
        members_may_create_groups: req.members_may_create_groups,
        featured_groups: req.featured_groups,
    };
    Ok(Json(
        state
            .agora
            .update_site_settings(&auth.viewer, patch)
            .await?
            .into(),
    ))
}
