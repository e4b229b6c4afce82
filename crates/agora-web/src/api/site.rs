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

/// Changes to the settings, in the shape `GET /site` reads them; absent fields stay as they
/// are. An unknown field is refused (422 `unknown_field`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteRequest {
    pub name: Option<String>,
    pub goal: Option<String>,
    pub netiquette: Option<String>,
    pub members_may_create_groups: Option<bool>,
    /// Slugs of the groups the landing page features, in order; empty: the most popular. A
    /// secret group is refused (422 `secret_group`).
    pub featured_groups: Option<Vec<String>>,
    /// The registration plausibility rules; absent parts stay as they are.
    pub registration_rules: Option<RulesRequest>,
    /// Word filters, one rule per line: `block WORD`, `hold WORD`, `replace WORD => NEW`.
    pub word_filters: Option<String>,
    /// Trust levels' thresholds, newcomer limits and spam checks to change, by key (see
    /// `trust` in the response, and docs/moderation.md), e.g. `{"new_max_links": 3}`.
    #[schema(value_type = Option<Object>)]
    pub trust: Option<std::collections::BTreeMap<String, i64>>,
    /// The kinds of legal complaint (`defamation`, `copyright`, `privacy`, `other`) whose
    /// post is hidden as soon as the complaint is confirmed; others wait for a moderator.
    pub complaints_hide_at_once: Option<Vec<String>>,
    /// The logo: a path on this site (`/media/NAME`), or an `https://` address, which is
    /// copied here (the pages show only their own origin's images); empty for none.
    pub logo_url: Option<String>,
    /// The accent colour, `#rrggbb` or `#rgb`; empty for agora's own.
    pub accent_color: Option<String>,
    /// The image shown for the site's links on social networks (`og:image`), as the logo.
    pub social_image_url: Option<String>,
    /// The emoji members react with, 1 to 12 single emoji, the like first (422 naming
    /// `reactions` otherwise).
    pub reactions: Option<Vec<String>>,
}

/// Changes to the registration rules, in the shape `GET /site` reads them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesRequest {
    /// Rules switched off: `fake_name`, `keyboard_mash`, `name_is_email`, `name_is_url`,
    /// `disposable_email`, `registration_burst`.
    pub off: Option<Vec<String>>,
    /// Names refused besides the shipped list.
    pub extra_names: Option<Vec<String>>,
    /// Mail domains refused besides the shipped list.
    pub extra_domains: Option<Vec<String>>,
    /// New accounts one network address may open within ten minutes (1–10,000).
    pub burst_per_10_min: Option<i64>,
}

/// The settings' names in the core (and the admin page's form), as this API names them.
const API_FIELDS: &[(&str, &str)] = &[
    ("rules_off", "registration_rules.off"),
    ("rules_extra_names", "registration_rules.extra_names"),
    ("rules_extra_domains", "registration_rules.extra_domains"),
    (
        "registration_burst_per_10_min",
        "registration_rules.burst_per_10_min",
    ),
];

/// The community's name, goal, netiquette and policies (the registration rules for admins);
/// the featured groups the caller may see.
#[utoipa::path(get, path = "/api/v1/site", tag = "site", responses((status = 200, body = SiteResponse)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<SiteResponse>, ApiError> {
    let settings = state.agora.site().settings_for(&auth.viewer).await?;
    Ok(Json(SiteResponse::new(
        settings,
        agora_core::audience::holds(&auth.viewer, agora_core::audience::Duty::RunSite),
    )))
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
    let rules = req.registration_rules;
    let rules = rules.as_ref();
    let patch = SiteSettingsPatch {
        name: req.name,
        goal: req.goal,
        netiquette: req.netiquette,
        members_may_create_groups: req.members_may_create_groups,
        featured_groups: req.featured_groups.map(|g| g.join(" ")),
        rules_off: rules.and_then(|r| r.off.as_ref()).map(|o| o.join(" ")),
        rules_extra_names: rules
            .and_then(|r| r.extra_names.as_ref())
            .map(|n| n.join("\n")),
        rules_extra_domains: rules
            .and_then(|r| r.extra_domains.as_ref())
            .map(|d| d.join("\n")),
        registration_burst_per_10_min: rules.and_then(|r| r.burst_per_10_min),
        word_filters: req.word_filters,
        trust: req
            .trust
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, v.to_string()))
            .collect(),
        complaints_hide_at_once: req.complaints_hide_at_once,
        logo_url: req.logo_url,
        accent_color: req.accent_color,
        social_image_url: req.social_image_url,
        reactions: req.reactions.map(|r| r.join(" ")),
    };
    let settings = state
        .agora
        .site()
        .update_site_settings(&auth.viewer, patch)
        .await
        .map_err(|e| ApiError::from(e).renamed(API_FIELDS))?;
    Ok(Json(SiteResponse::new(settings, true)))
}

/// Paging and search of the audit log.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Words to find in the action, target, actor or detail.
    pub q: Option<String>,
    /// Only entries about this reference, `KIND:ID`: `post:12`, `topic:3`, `member:7`,
    /// `group:2`, `sanction:5`, `case:4` or `bulletin:1` (the `reference` of an entry).
    pub target: Option<String>,
    /// From a previous page's `next_before`.
    pub before: Option<i64>,
    /// 1–100, default 30.
    pub limit: Option<u32>,
}

/// One action of a moderator or admin.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct AuditEntryResponse {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    /// What the entry is about as a reference (`post:12`), to filter the log by; none for
    /// what has no number (the site, a document kind).
    pub reference: Option<String>,
    pub detail: String,
}

/// A page of the audit log.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct AuditResponse {
    pub entries: Vec<AuditEntryResponse>,
    pub next_before: Option<i64>,
}

/// Every moderator and admin action, newest first; append-only. Admins and site moderators.
#[utoipa::path(get, path = "/api/v1/audit", tag = "site", params(AuditQuery),
    responses((status = 200, body = AuditResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn audit(
    State(state): State<AppState>,
    auth: Auth,
    crate::extract::ApiQuery(q): crate::extract::ApiQuery<AuditQuery>,
) -> Result<Json<AuditResponse>, ApiError> {
    let limit = agora_core::paging::page_size(q.limit)?;
    let entries = state
        .agora
        .moderation()
        .audit_log(
            &auth.viewer,
            q.q.as_deref(),
            q.target.as_deref(),
            q.before,
            limit,
        )
        .await?;
    let next_before = (entries.len() == limit as usize)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    Ok(Json(AuditResponse {
        entries: entries
            .into_iter()
            .map(|e| AuditEntryResponse {
                id: e.id,
                at: e.at.to_rfc3339(),
                actor: e.actor_name,
                action: e.action,
                reference: e.target_id.map(|id| format!("{}:{id}", e.target_kind)),
                target: e.target,
                detail: e.detail,
            })
            .collect(),
        next_before,
    }))
}
