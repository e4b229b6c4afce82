//! Reports (flags) on items of every kind and on members, the moderation queue, and one item's
//! reports.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use agora_core::flags::QueueItem;
use agora_core::forum::items::POST;
use agora_core::items::refs::ItemRef;

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Auth};
use crate::state::AppState;

/// A flag (report) on an item.
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
    /// Whether enough members agreed and the item is now hidden until a moderator looks.
    pub hidden: bool,
}

/// A decision on a reported item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    /// `uphold` (the item stays hidden; a confirmed flag counts against the author's trust)
    /// or `dismiss` (it is shown again); for a held post also `reject` or `approve`.
    pub decision: String,
    pub reason: String,
}

/// An item, by reference: its kind's word and its id (`post` 12, `message` 7).
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemRefResponse {
    pub kind: String,
    pub id: i64,
}

impl From<ItemRef> for ItemRefResponse {
    fn from(r: ItemRef) -> Self {
        Self {
            kind: r.kind.as_str().to_owned(),
            id: r.id,
        }
    }
}

/// One entry of what a moderator is shown of a reported item: the item, or one around it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContextEntryResponse {
    pub item: ItemRefResponse,
    pub author: String,
    /// Its words as written (markdown).
    pub body: String,
    pub created_at: String,
    /// Whether this is the reported item.
    pub reported: bool,
    /// The words of its earlier versions, oldest first, where its kind keeps them from the
    /// moderator otherwise (a message): an edit after the report hides nothing.
    pub earlier: Vec<String>,
}

/// A reported item awaiting a decision, as its kind shows it to the moderator.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItemResponse {
    /// The item, by reference.
    pub item: ItemRefResponse,
    /// Its audience's kind: `group`, `conversation`, `site` or `staff`; it decides who sees
    /// the report (a group's moderators and the site's staff, or the site's staff only).
    pub audience: String,
    /// For a post, its id (as `item.id`); none for other kinds.
    pub post_id: Option<i64>,
    /// For a post, its topic; none for other kinds.
    pub topic_id: Option<i64>,
    /// What it belongs to: a topic's title, a conversation's subject.
    pub topic_title: String,
    /// A group's address (empty beyond groups).
    pub group: String,
    pub author: String,
    /// Its opening words (up to 300 characters).
    pub excerpt: String,
    pub flags: i64,
    pub reasons: String,
    /// What the flaggers wrote (and why the system held the item).
    pub notes: String,
    /// Whether readers do not see the item (held, hidden by flags, or deleted).
    pub hidden: bool,
    /// The item's state: `published` (flagged, still shown), `held` (held by the system),
    /// `hidden` (hidden by members' flags) or `deleted` (hidden under a legal complaint, or
    /// deleted).
    pub state: String,
    /// Held by the system (word filter, spam check, a new member's first posts): `dismiss`
    /// (or `approve`) publishes it, `uphold` (or `reject`) keeps it hidden.
    pub held: bool,
    pub first_flagged_at: String,
    /// An open legal complaint about the item (decide it at `/api/v1/legal-cases/{id}`);
    /// items with one come first, the soonest due first.
    pub legal_case: Option<QueuedCaseResponse>,
    /// On a report's own page, what the item's kind shows around it (a post: itself; a
    /// message: itself and up to five before it); in the queue, the item alone.
    pub context: Vec<ContextEntryResponse>,
}

impl From<QueueItem> for QueueItemResponse {
    fn from(i: QueueItem) -> Self {
        let post = (i.item.kind == POST).then_some(i.item.id);
        Self {
            audience: i.view.audience.kind.as_str().to_owned(),
            post_id: post,
            topic_id: post.map(|_| i.view.container),
            topic_title: i.view.title.clone(),
            group: i.view.place.clone(),
            author: i.view.author_name.clone(),
            excerpt: i.view.body().chars().take(300).collect(),
            flags: i.flags,
            reasons: i.reasons.clone(),
            notes: i.notes.clone(),
            hidden: i.hidden(),
            state: i.view.state.as_str().to_owned(),
            held: i.held,
            first_flagged_at: i.first_flagged_at.to_rfc3339(),
            legal_case: i.legal_case.map(|c| QueuedCaseResponse {
                id: c.id,
                reference: c.reference,
                kind: c.kind,
                due_at: c.due_at.to_rfc3339(),
            }),
            context: i
                .view
                .context
                .into_iter()
                .map(|e| ContextEntryResponse {
                    item: e.item.into(),
                    author: e.author_name,
                    body: e.body,
                    created_at: e.created_at.to_rfc3339(),
                    reported: e.reported,
                    earlier: e.earlier,
                })
                .collect(),
            item: i.item.into(),
        }
    }
}

/// The open legal complaint about an item in the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueuedCaseResponse {
    pub id: i64,
    pub reference: String,
    /// `defamation`, `copyright`, `privacy` or `other`.
    pub kind: String,
    /// When the moderators should have decided it by.
    pub due_at: String,
}

/// The item named by a kind's word and an id; an unknown kind is a page that does not exist.
pub(crate) fn item_ref(state: &AppState, kind: &str, id: i64) -> Result<ItemRef, ApiError> {
    state
        .agora
        .item_ref(kind, id)
        .ok_or_else(ApiError::not_found)
}

/// Flags a post for the moderators: once per member while the flag is open (409
/// `already_flagged`), 20 flags an hour (429). The same as `POST /api/v1/items/post/{id}/report`.
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

/// Reports an item of any kind you may read (a post, a message…) to the moderators who decide
/// its audience's reports: once per member while the report is open (409 `already_flagged`),
/// 20 an hour (429).
#[utoipa::path(post, path = "/api/v1/items/{kind}/{id}/report", tag = "moderation",
    params(("kind" = String, Path, description = "The item's kind: `post`, `message`…"), ("id" = i64, Path)),
    request_body = FlagRequest,
    responses((status = 201, body = FlagResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn report(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((kind, id)): ApiPath<(String, i64)>,
    ApiJson(req): ApiJson<FlagRequest>,
) -> Result<(StatusCode, Json<FlagResponse>), ApiError> {
    let item = item_ref(&state, &kind, id)?;
    let hidden = state
        .agora
        .moderation()
        .flag_item(&auth.viewer, item, &req.reason, &req.note)
        .await?;
    Ok((StatusCode::CREATED, Json(FlagResponse { hidden })))
}

/// Items awaiting a decision (flagged, held, or under a legal complaint: those first) that are
/// yours to decide: your groups' items if you moderate a group; as the site's staff, the items
/// of the groups you read and of every audience beyond groups.
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
        items.into_iter().map(QueueItemResponse::from).collect(),
    ))
}

/// One item's open reports with what its kind shows a moderator around it (404 unless they are
/// yours to decide).
#[utoipa::path(get, path = "/api/v1/items/{kind}/{id}/reports", tag = "moderation",
    params(("kind" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = QueueItemResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn item_reports(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((kind, id)): ApiPath<(String, i64)>,
) -> Result<Json<QueueItemResponse>, ApiError> {
    let item = item_ref(&state, &kind, id)?;
    let reports = state
        .agora
        .moderation()
        .item_reports(&auth.viewer, item)
        .await?;
    Ok(Json(reports.into()))
}

/// Resolves the flags on a post, with a reason. The same as
/// `POST /api/v1/items/post/{id}/reports/resolve`.
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

/// Resolves the open reports on an item of any kind, with a reason (those who decide its
/// audience's reports).
#[utoipa::path(post, path = "/api/v1/items/{kind}/{id}/reports/resolve", tag = "moderation",
    params(("kind" = String, Path), ("id" = i64, Path)),
    request_body = ResolveRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn resolve_item(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((kind, id)): ApiPath<(String, i64)>,
    ApiJson(req): ApiJson<ResolveRequest>,
) -> Result<StatusCode, ApiError> {
    let item = item_ref(&state, &kind, id)?;
    state
        .agora
        .moderation()
        .resolve_item(&auth.viewer, item, &req.decision, &req.reason)
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
