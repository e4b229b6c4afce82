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
    /// Registration rules to switch off (`fake_name`, `keyboard_mash`, `name_is_email`,
    /// `name_is_url`, `disposable_email`), separated by commas.
    pub rules_off: Option<String>,
    /// More names registration refuses, one per line.
    pub rules_extra_names: Option<String>,
    /// More mail domains registration refuses, one per line.
    pub rules_extra_domains: Option<String>,
}

/// The community's name, goal, netiquette and policies (the registration rules for admins).
#[utoipa::path(get, path = "/api/v1/site", tag = "site", responses((status = 200, body = SiteResponse)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<SiteResponse>, ApiError> {
    let settings = state.agora.site_settings().await?;
    Ok(Json(SiteResponse::new(settings, auth.viewer.is_admin())))
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
        rules_off: req.rules_off,
        rules_extra_names: req.rules_extra_names,
        rules_extra_domains: req.rules_extra_domains,
    };
    let settings = state
        .agora
        .update_site_settings(&auth.viewer, patch)
        .await?;
    Ok(Json(SiteResponse::new(settings, true)))
}
