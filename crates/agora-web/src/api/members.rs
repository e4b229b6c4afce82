//! The signed-in member's account and other members' public profiles.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

use agora_core::members::ProfileUpdate;

use crate::api::dto::{GroupResponse, MeResponse, MyInvitationResponse, ProfileResponse};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Auth};
use crate::state::AppState;

/// Changes to one's profile; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileRequest {
    pub display_name: Option<String>,
    pub bio: Option<String>,
}

/// The signed-in member's own account, email included.
#[utoipa::path(get, path = "/api/v1/me", tag = "members",
    responses((status = 200, body = MeResponse), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn me(State(state): State<AppState>, auth: Auth) -> Result<Json<MeResponse>, ApiError> {
    let member = state.agora.accounts().me(&auth.viewer).await?;
    Ok(Json(MeResponse::from(&member)))
}

/// Edits the signed-in member's display name and bio.
#[utoipa::path(patch, path = "/api/v1/me", tag = "members", request_body = ProfileRequest,
    responses((status = 200, body = MeResponse), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_me(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<ProfileRequest>,
) -> Result<Json<MeResponse>, ApiError> {
    let update = ProfileUpdate {
        display_name: req.display_name,
        bio: req.bio,
    };
    let member = state
        .agora
        .accounts()
        .update_profile(&auth.viewer, update)
        .await?;
    Ok(Json(MeResponse::from(&member)))
}

/// Pending invitations addressed to the signed-in member.
#[utoipa::path(get, path = "/api/v1/me/invitations", tag = "groups",
    responses((status = 200, body = [MyInvitationResponse]), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn my_invitations(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<MyInvitationResponse>>, ApiError> {
    let rows = state.agora.groups().my_invitations(&auth.viewer).await?;
    Ok(Json(
        rows.iter()
            .map(|(inv, view)| MyInvitationResponse {
                id: inv.id.0,
                group: GroupResponse::from(view),
                created_at: inv.created_at.to_rfc3339(),
            })
            .collect(),
    ))
}

/// A member's public profile: only what the viewer may see (no email, only readable groups).
#[utoipa::path(get, path = "/api/v1/members/{username}", tag = "members",
    params(("username" = String, Path)),
    responses((status = 200, body = ProfileResponse), (status = 404, body = ErrorBody)))]
pub async fn profile(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(username): ApiPath<String>,
) -> Result<Json<ProfileResponse>, ApiError> {
    let profile = state
        .agora
        .accounts()
        .profile(&auth.viewer, &username)
        .await?;
    let groups = state
        .agora
        .groups()
        .groups_of(&auth.viewer, profile.member.id)
        .await?;
    Ok(Json(ProfileResponse::new(&profile, groups)))
}

/// A new site role.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteRoleRequest {
    /// `admin`, `moderator` or `member`.
    pub role: String,
}

/// Changes a member's site role (admins; not their own).
#[utoipa::path(put, path = "/api/v1/members/{username}/role", tag = "members",
    params(("username" = String, Path)), request_body = SiteRoleRequest,
    responses((status = 200, body = crate::api::dto::MemberResponse), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_site_role(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(username): ApiPath<String>,
    ApiJson(req): ApiJson<SiteRoleRequest>,
) -> Result<Json<crate::api::dto::MemberResponse>, ApiError> {
    let role = agora_core::viewer::SiteRole::parse(&req.role).ok_or_else(|| {
        agora_core::Invalid::new(
            "role",
            "invalid_choice",
            "Choose admin, moderator or member.",
        )
    })?;
    let member = state
        .agora
        .site()
        .set_site_role(&auth.viewer, &username, role)
        .await?;
    Ok(Json((&member).into()))
}

/// A new email address.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailChangeRequest {
    pub email: String,
    /// The current password.
    pub password: String,
}

/// Starts changing the email address: a link goes to the new address, which replaces the
/// old one when it is followed.
#[utoipa::path(post, path = "/api/v1/me/email", tag = "members", request_body = EmailChangeRequest,
    responses((status = 202), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn change_email(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<EmailChangeRequest>,
) -> Result<axum::http::StatusCode, ApiError> {
    state
        .agora
        .accounts()
        .change_email(&auth.viewer, &req.email, &req.password)
        .await?;
    Ok(axum::http::StatusCode::ACCEPTED)
}

/// Everything agora holds about the signed-in member, as one JSON archive.
#[utoipa::path(get, path = "/api/v1/me/export", tag = "members",
    responses((status = 200, description = "The archive (JSON, as a download)"), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn export(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<axum::response::Response, ApiError> {
    let archive = state.agora.accounts().export_my_data(&auth.viewer).await?;
    Ok(archive_download(&archive))
}

/// The archive as a JSON file download.
pub fn archive_download(
    archive: &agora_core::members::data::MemberArchive,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let name = format!(
        "agora-{}-{}.json",
        archive.account.username,
        archive.exported_at.to_datetime().date()
    );
    let mut res = Json(archive).into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        res.headers_mut()
            .insert(axum::http::header::CONTENT_DISPOSITION, v);
    }
    res
}

/// Erasing one's account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EraseMeRequest {
    /// The current password.
    pub password: String,
    /// Remove the words of every post too (otherwise they stay, signed "a former member").
    #[serde(default)]
    pub remove_posts: bool,
}

/// Erases the signed-in member's account: personal data is deleted in one transaction and
/// cannot be restored; posts stay as "a former member" unless `remove_posts`.
#[utoipa::path(delete, path = "/api/v1/me", tag = "members", request_body = EraseMeRequest,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn erase_me(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<EraseMeRequest>,
) -> Result<axum::http::StatusCode, ApiError> {
    state
        .agora
        .accounts()
        .erase_my_account(&auth.viewer, &req.password, req.remove_posts)
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// An erasure requested another way (by mail, by letter).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EraseRequest {
    #[serde(default)]
    pub remove_posts: bool,
}

/// Erases a member's account (admins), as `DELETE /me` does; logged in the audit log.
#[utoipa::path(post, path = "/api/v1/members/{username}/erase", tag = "members",
    params(("username" = String, Path)), request_body = EraseRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn erase(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(username): ApiPath<String>,
    ApiJson(req): ApiJson<EraseRequest>,
) -> Result<axum::http::StatusCode, ApiError> {
    state
        .agora
        .accounts()
        .erase_member(&auth.viewer, &username, req.remove_posts)
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
