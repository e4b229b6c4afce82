//! Groups: directory, creation, joining and leaving, members, requests, invitations.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use agora_core::groups::{GroupEdit, GroupRole, JoinOutcome, NewGroupInput};
use agora_core::paging::{NameCursor, page_size};
use agora_core::{Invalid, InvitationId, MemberId};

use crate::api::dto::{
    GroupListResponse, GroupMemberResponse, GroupMembersResponse, GroupResponse,
    InvitationResponse, JoinRequestResponse, JoinResponse,
};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Auth};
use crate::state::AppState;

/// Paging of a list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1–100, default 30.
    pub limit: Option<u32>,
}

/// A new group.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGroupRequest {
    pub name: String,
    /// The group's short name in URLs; derived from the name when absent.
    pub slug: Option<String>,
    #[serde(default)]
    pub description: String,
    /// `public`, `closed` or `secret`.
    pub visibility: String,
}

/// Changes to a group; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditGroupRequest {
    pub name: Option<String>,
    pub description: Option<String>,
    /// `public`, `closed` or `secret`. Public: everyone, guests too, reads everything in it,
    /// including what was posted while it was closed or secret; closed: everyone sees it
    /// exists, members read; secret: it disappears for everyone who is not a member or invited.
    pub visibility: Option<String>,
    /// `true` archives it (read-only: every topic locked, no new topics, votes or members;
    /// its moderators may still write), `false` makes it active again.
    pub archived: Option<bool>,
}

/// Deleting a group.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteGroupRequest {
    /// The group's address, repeated: a deletion cannot be undone.
    pub confirm: String,
    /// Why, for the audit log (up to 500 characters).
    #[serde(default)]
    pub reason: String,
}

/// Whom to invite.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    pub username: String,
}

/// A member's new role in a group.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleRequest {
    /// `owner`, `moderator` or `member`.
    pub role: String,
}

/// Groups the viewer may see: public and closed ones, and secret ones they belong to or are
/// invited to.
#[utoipa::path(get, path = "/api/v1/groups", tag = "groups", params(PageQuery),
    responses((status = 200, body = GroupListResponse), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<GroupListResponse>, ApiError> {
    let limit = page_size(q.limit)?;
    let after = q.cursor.as_deref().map(NameCursor::decode).transpose()?;
    let (groups, next) = state
        .agora
        .groups()
        .list_groups(&auth.viewer, after.as_ref(), limit)
        .await?;
    Ok(Json(GroupListResponse {
        groups: groups.iter().map(GroupResponse::from).collect(),
        next_cursor: next.map(|c| c.encode()),
    }))
}

/// Creates a group (admins, or members when the site allows it, 10 an hour); the creator owns
/// it. An address in use is 409 `slug_unavailable`, whoever holds it.
#[utoipa::path(post, path = "/api/v1/groups", tag = "groups", request_body = CreateGroupRequest,
    responses((status = 201, body = GroupResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<CreateGroupRequest>,
) -> Result<(StatusCode, Json<GroupResponse>), ApiError> {
    let input = NewGroupInput {
        name: req.name,
        slug: req.slug,
        description: req.description,
        visibility: req.visibility,
    };
    let view = state
        .agora
        .groups()
        .create_group(&auth.viewer, input)
        .await?;
    Ok((StatusCode::CREATED, Json(GroupResponse::from(&view))))
}

/// One group. A secret group is 404 to anyone who is neither a member nor invited.
#[utoipa::path(get, path = "/api/v1/groups/{slug}", tag = "groups", params(("slug" = String, Path)),
    responses((status = 200, body = GroupResponse), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<GroupResponse>, ApiError> {
    let view = state.agora.groups().group(&auth.viewer, &slug).await?;
    Ok(Json(GroupResponse::from(&view)))
}

/// Edits a group: name, description, visibility, archived (its owners and site admins;
/// audited).
#[utoipa::path(patch, path = "/api/v1/groups/{slug}", tag = "groups", params(("slug" = String, Path)),
    request_body = EditGroupRequest,
    responses((status = 200, body = GroupResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "owners_only"), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(slug): ApiPath<String>,
    ApiJson(req): ApiJson<EditGroupRequest>,
) -> Result<Json<GroupResponse>, ApiError> {
    let edit = GroupEdit {
        name: req.name,
        description: req.description,
        visibility: req.visibility,
        archived: req.archived,
    };
    let view = state
        .agora
        .groups()
        .edit_group(&auth.viewer, &slug, edit)
        .await?;
    Ok(Json(GroupResponse::from(&view)))
}

/// Deletes an archived group (site admins; audited). It is gone for everyone at once and its
/// address is free again; legal cases about its posts and the audit log keep what they hold.
#[utoipa::path(delete, path = "/api/v1/groups/{slug}", tag = "groups", params(("slug" = String, Path)),
    request_body = DeleteGroupRequest,
    responses((status = 204), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "admins_only"), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "not_archived: archive it first"),
        (status = 422, body = ErrorBody, description = "confirm does not repeat the address")),
    security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(slug): ApiPath<String>,
    ApiJson(req): ApiJson<DeleteGroupRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .agora
        .groups()
        .delete_group(&auth.viewer, &slug, &req.confirm, &req.reason)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Joins a public group, or asks to join a closed one.
#[utoipa::path(post, path = "/api/v1/groups/{slug}/join", tag = "groups", params(("slug" = String, Path)),
    responses((status = 200, body = JoinResponse, description = "`member` or `pending`"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn join(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<JoinResponse>, ApiError> {
    let outcome = state.agora.groups().join(&auth.viewer, &slug).await?;
    Ok(Json(JoinResponse {
        state: match outcome {
            JoinOutcome::Member => "member",
            JoinOutcome::Pending => "pending",
        },
    }))
}

/// Leaves a group.
#[utoipa::path(post, path = "/api/v1/groups/{slug}/leave", tag = "groups", params(("slug" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "not_a_member or last_owner")),
    security(("bearer" = [])))]
pub async fn leave(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(slug): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    state.agora.groups().leave(&auth.viewer, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A group's members, for those who may read the group.
#[utoipa::path(get, path = "/api/v1/groups/{slug}/members", tag = "groups",
    params(("slug" = String, Path), PageQuery),
    responses((status = 200, body = GroupMembersResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn members(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<GroupMembersResponse>, ApiError> {
    let limit = page_size(q.limit)?;
    let after = match q.cursor.as_deref() {
        Some(c) => Some(MemberId(c.parse().map_err(|_| {
            Invalid::new("cursor", "invalid_cursor", "This page link is not valid.")
        })?)),
        None => None,
    };
    let (_, mut members) = state
        .agora
        .groups()
        .group_members(&auth.viewer, &slug, after, limit + 1)
        .await?;
    let next = (members.len() > limit as usize).then(|| {
        members.truncate(limit as usize);
        members.last().map(|m| m.member_id.0.to_string())
    });
    Ok(Json(GroupMembersResponse {
        members: members.iter().map(GroupMemberResponse::from).collect(),
        next_cursor: next.flatten(),
    }))
}

/// Removes a member (group owners and site admins).
#[utoipa::path(delete, path = "/api/v1/groups/{slug}/members/{username}", tag = "groups",
    params(("slug" = String, Path), ("username" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn remove_member(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((slug, username)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state
        .agora
        .groups()
        .remove_member(&auth.viewer, &slug, &username)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets a member's role in the group (group owners and site admins).
#[utoipa::path(put, path = "/api/v1/groups/{slug}/members/{username}/role", tag = "groups",
    params(("slug" = String, Path), ("username" = String, Path)), request_body = RoleRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_role(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((slug, username)): ApiPath<(String, String)>,
    ApiJson(req): ApiJson<RoleRequest>,
) -> Result<StatusCode, ApiError> {
    let role = GroupRole::parse(&req.role).ok_or_else(|| {
        Invalid::new(
            "role",
            "invalid_choice",
            "Choose owner, moderator or member.",
        )
    })?;
    state
        .agora
        .groups()
        .set_group_role(&auth.viewer, &slug, &username, role)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Pending requests to join (the group's moderators).
#[utoipa::path(get, path = "/api/v1/groups/{slug}/requests", tag = "groups", params(("slug" = String, Path)),
    responses((status = 200, body = [JoinRequestResponse]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn requests(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<Vec<JoinRequestResponse>>, ApiError> {
    let rows = state
        .agora
        .groups()
        .join_requests(&auth.viewer, &slug)
        .await?;
    Ok(Json(rows.iter().map(JoinRequestResponse::from).collect()))
}

/// Approves a request to join.
#[utoipa::path(post, path = "/api/v1/groups/{slug}/requests/{username}/approve", tag = "groups",
    params(("slug" = String, Path), ("username" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn approve(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((slug, username)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state
        .agora
        .groups()
        .decide_request(&auth.viewer, &slug, &username, true)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Rejects a request to join.
#[utoipa::path(post, path = "/api/v1/groups/{slug}/requests/{username}/reject", tag = "groups",
    params(("slug" = String, Path), ("username" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn reject(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((slug, username)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state
        .agora
        .groups()
        .decide_request(&auth.viewer, &slug, &username, false)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Invites a member: any member of a secret group; the moderators of other groups.
#[utoipa::path(post, path = "/api/v1/groups/{slug}/invitations", tag = "groups",
    params(("slug" = String, Path)), request_body = InviteRequest,
    responses((status = 201, body = InvitationResponse), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn invite(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(slug): ApiPath<String>,
    ApiJson(req): ApiJson<InviteRequest>,
) -> Result<(StatusCode, Json<InvitationResponse>), ApiError> {
    let inv = state
        .agora
        .groups()
        .invite(&auth.viewer, &slug, &req.username)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(InvitationResponse::new(&inv, &slug)),
    ))
}

/// Accepts an invitation addressed to the signed-in member.
#[utoipa::path(post, path = "/api/v1/invitations/{id}/accept", tag = "groups", params(("id" = i64, Path)),
    responses((status = 200, body = GroupResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn accept(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<GroupResponse>, ApiError> {
    let view = state
        .agora
        .groups()
        .accept_invitation(&auth.viewer, InvitationId(id))
        .await?;
    Ok(Json(GroupResponse::from(&view)))
}
