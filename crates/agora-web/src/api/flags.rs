//! Flags on posts and members, and the moderation queue.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Auth};
use crate::state::AppState;

/// A flag on a post.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagRequest {
    /// `spam`, `abuse`, `defamation`, `off_topic` or `other`.
    pub reason: String,
    /// Anything the moderators should know.
    #[serde(default)]
    pub note: String,
}

/// What flagging did.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlagResponse {
    /// Whether enough members agreed and the post is now hidden until a moderator looks.
    pub hidden: bool,
}

/// A decision on a flagged post.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    /// `uphold` (the post stays hidden; a confirmed flag counts against the author's trust)
    /// or `dismiss` (it is shown again); for a held post also `reject` or `approve`.
    pub decision: String,
    pub reason: String,
}

/// A flagged post awaiting a decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItemResponse {
    pub post_id: i64,
    pub topic_id: i64,
    pub topic_title: String,
    pub group: String,
    pub author: String,
    pub excerpt: String,
    pub flags: i64,
    pub reasons: String,
    /// What the flaggers wrote (and why the system held the post).
    pub notes: String,
    /// Whether readers do not see the post (held, hidden by flags, or deleted).
    pub hidden: bool,
    /// The post's state as `GET /posts/{id}` gives it: `published` (flagged, still shown),
    /// `held` (held by the system), `hidden` (hidden by members' flags) or `deleted` (hidden
    /// under a legal complaint, or deleted).
    pub state: String,
    /// Held by the system (word filter, spam check, a new member's first posts): `dismiss`
    /// (or `approve`) publishes it, `uphold` (or `reject`) keeps it hidden.
    pub held: bool,
    pub first_flagged_at: String,
    /// An open legal complaint about the post (decide it at `/api/v1/legal-cases/{id}`);
    /// posts with one come first, the soonest due first.
    pub legal_case: Option<QueuedCaseResponse>,
}

/// The open legal complaint about a post in the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueuedCaseResponse {
    pub id: i64,
    pub reference: String,
    /// `defamation`, `copyright`, `privacy` or `other`.
    pub kind: String,
    /// When the moderators should have decided it by.
    pub due_at: String,
}

/// Flags a post for the moderators: once per member while the flag is open (409
/// `already_flagged`), 20 flags an hour (429).
#[utoipa::path(post, path = "/api/v1/posts/{id}/flags", tag = "moderation", params(("id" = i64, Path)),
    request_body = FlagRequest,
    responses((status = 201, body = FlagResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn flag(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<FlagRequest>,
) -> Result<(StatusCode, Json<FlagResponse>), ApiError> {
    let hidden = state
        .agora
        .moderation()
        .flag_post(&auth.viewer, agora_core::PostId(id), &req.reason, &req.note)
        .await?;
    Ok((StatusCode::CREATED, Json(FlagResponse { hidden })))
}

/// Posts awaiting a decision (flagged, held, or under a legal complaint: those first), in
/// groups the moderator may read.
#[utoipa::path(get, path = "/api/v1/moderation/queue", tag = "moderation",
    responses((status = 200, body = [QueueItemResponse]), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn queue(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<QueueItemResponse>>, ApiError> {
    let items = state
        .agora
        .moderation()
        .moderation_queue(&auth.viewer)
        .await?;
    Ok(Json(
        items
            .into_iter()
            .map(|i| QueueItemResponse {
                post_id: i.post_id.0,
                topic_id: i.topic_id.0,
                topic_title: i.topic_title,
                group: i.group_slug,
                author: i.author,
                excerpt: i.excerpt,
                flags: i.flags,
                reasons: i.reasons,
                notes: i.notes,
                hidden: i.hidden,
                state: i.state.as_str().to_owned(),
                held: i.held,
                first_flagged_at: i.first_flagged_at.to_rfc3339(),
                legal_case: i.legal_case.map(|c| QueuedCaseResponse {
                    id: c.id,
                    reference: c.reference,
                    kind: c.kind,
                    due_at: c.due_at.to_rfc3339(),
                }),
            })
            .collect(),
    ))
}

/// Resolves the flags on a post, with a reason.
#[utoipa::path(post, path = "/api/v1/posts/{id}/flags/resolve", tag = "moderation", params(("id" = i64, Path)),
    request_body = ResolveRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn resolve(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ResolveRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .agora
        .moderation()
        .resolve_flags(
            &auth.viewer,
            agora_core::PostId(id),
            &req.decision,
            &req.reason,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A flag on a member.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberFlagRequest {
    /// `spam`, `abuse`, `defamation`, `fake` or `other`.
    pub reason: String,
    /// Anything the moderators should know.
    #[serde(default)]
    pub note: String,
}

/// A flagged member awaiting a decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberQueueItemResponse {
    pub username: String,
    pub display_name: String,
    pub flags: i64,
    pub reasons: String,
    pub notes: String,
    pub first_flagged_at: String,
}

/// Flags a member for the moderators (a spammer, a fake account, abuse): once per member
/// while the flag is open (409 `already_flagged`), 20 flags an hour (429).
#[utoipa::path(post, path = "/api/v1/members/{username}/flags", tag = "moderation",
    params(("username" = String, Path)), request_body = MemberFlagRequest,
    responses((status = 201), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn flag_member(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(username): ApiPath<String>,
    ApiJson(req): ApiJson<MemberFlagRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .agora
        .moderation()
        .flag_member(&auth.viewer, &username, &req.reason, &req.note)
        .await?;
    Ok(StatusCode::CREATED)
}

/// Flagged members awaiting a decision (site moderators).
#[utoipa::path(get, path = "/api/v1/moderation/members", tag = "moderation",
    responses((status = 200, body = [MemberQueueItemResponse]), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn member_queue(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<MemberQueueItemResponse>>, ApiError> {
    let items = state.agora.moderation().member_queue(&auth.viewer).await?;
    Ok(Json(
        items
            .into_iter()
            .map(|i| MemberQueueItemResponse {
                username: i.username,
                display_name: i.display_name,
                flags: i.flags,
                reasons: i.reasons,
                notes: i.notes,
                first_flagged_at: i.first_flagged_at.to_rfc3339(),
            })
            .collect(),
    ))
}

/// Resolves the flags on a member, with a reason (site moderators). Upholding records the
/// decision; a sanction is imposed separately.
#[utoipa::path(post, path = "/api/v1/members/{username}/flags/resolve", tag = "moderation",
    params(("username" = String, Path)), request_body = ResolveRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn resolve_member(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(username): ApiPath<String>,
    ApiJson(req): ApiJson<ResolveRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .agora
        .moderation()
        .resolve_member_flags(&auth.viewer, &username, &req.decision, &req.reason)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
