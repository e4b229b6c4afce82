//! Ideas: boards sorted by votes, trending or newest; voting; statuses with a public history;
//! merging duplicates (and undoing it); the shipped changelog; the list of statuses.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use agora_core::TopicId;
use agora_core::kinds::ideas::{IdeaSort, IdeaStatus, IdeaView, StatusChange, StatusSet};
use agora_core::paging::{Cursor, page_size};

use crate::api::dto::TopicSummary;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Auth};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(tags((name = "ideas", description = "Ideas: votes, statuses, merges and the shipped changelog")))]
struct IdeasDoc;

/// The routes of this kind, with their OpenAPI description.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(IdeasDoc::openapi())
        .routes(routes!(list))
        .routes(routes!(changelog))
        .routes(routes!(show))
        .routes(routes!(vote, unvote))
        .routes(routes!(set_status))
        .routes(routes!(merge, unmerge))
        .routes(routes!(statuses, set_statuses))
}

/// The order and page of a board.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IdeaListQuery {
    /// `votes` (default), `trending` (votes in the last 14 days) or `newest`.
    pub sort: Option<String>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1–100, default 30.
    pub limit: Option<u32>,
}

/// A status ideas can have.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdeaStatusBody {
    /// Lowercase letters and underscores, as searched (`is:planned`).
    pub name: String,
    pub label: String,
    /// `open`, `active` or `closed`.
    pub set: String,
}

impl From<&IdeaStatus> for IdeaStatusBody {
    fn from(s: &IdeaStatus) -> Self {
        Self {
            name: s.name.clone(),
            label: s.label.clone(),
            set: s.set.as_str().to_owned(),
        }
    }
}

/// The whole list of statuses, replacing the current one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdeaStatusesRequest {
    pub statuses: Vec<IdeaStatusBody>,
}

/// A status change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdeaStatusRequest {
    pub status: String,
    /// Shown to everyone in the idea's history (and in the changelog when shipped).
    #[serde(default)]
    pub note: String,
}

/// Which idea a duplicate is merged into.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The original idea's topic id.
    pub into: i64,
}

/// One change of an idea's status.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusChangeResponse {
    pub from: String,
    pub to: String,
    pub note: String,
    pub by: Option<String>,
    pub at: String,
}

impl From<&StatusChange> for StatusChangeResponse {
    fn from(c: &StatusChange) -> Self {
        Self {
            from: c.from.clone(),
            to: c.to.clone(),
            note: c.note.clone(),
            by: c.by.clone(),
            at: c.at.to_rfc3339(),
        }
    }
}

/// An idea's votes, status and history.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdeaResponse {
    pub topic_id: i64,
    pub status: String,
    /// The status's label, and its set (`open`, `active`, `closed`); null for `merged`.
    pub status_label: Option<String>,
    pub status_set: Option<String>,
    pub votes: i64,
    /// Whether the viewer voted for it.
    pub voted: bool,
    /// How many of its votes were cast on ideas merged into it.
    pub merged_votes: i64,
    /// The original it was merged into (its page leads there).
    pub merged_into: Option<i64>,
    pub merged_from: Vec<i64>,
    pub history: Vec<StatusChangeResponse>,
}

impl From<&IdeaView> for IdeaResponse {
    fn from(v: &IdeaView) -> Self {
        Self {
            topic_id: v.topic.id.0,
            status: v.topic.status.clone(),
            status_label: v.status.as_ref().map(|s| s.label.clone()),
            status_set: v.status.as_ref().map(|s| s.set.as_str().to_owned()),
            votes: v.record.votes,
            voted: v.record.voted,
            merged_votes: v.record.merged_votes,
            merged_into: v.record.merged_into.map(|t| t.0),
            merged_from: v.record.merged_from.iter().map(|t| t.0).collect(),
            history: v
                .record
                .history
                .iter()
                .map(StatusChangeResponse::from)
                .collect(),
        }
    }
}

/// An idea on a board.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdeaSummaryResponse {
    #[serde(flatten)]
    pub topic: TopicSummary,
    pub votes: i64,
    /// Votes in the last 14 days.
    pub recent_votes: i64,
}

/// A page of a board.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdeaListResponse {
    pub ideas: Vec<IdeaSummaryResponse>,
    pub next_cursor: Option<String>,
}

/// A shipped idea in a board's changelog.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShippedResponse {
    #[serde(flatten)]
    pub topic: TopicSummary,
    pub note: String,
    pub shipped_at: String,
}

/// A group's ideas by votes, trending or newest (merged ones are left out).
#[utoipa::path(get, path = "/api/v1/groups/{slug}/ideas", tag = "ideas",
    params(("slug" = String, Path), IdeaListQuery),
    responses((status = 200, body = IdeaListResponse), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(q): ApiQuery<IdeaListQuery>,
) -> Result<Json<IdeaListResponse>, ApiError> {
    let sort = IdeaSort::parse(q.sort.as_deref())?;
    let limit = page_size(q.limit)?;
    let cursor = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let board = state
        .agora
        .ideas()
        .list(&auth.viewer, &slug, sort, cursor, limit)
        .await?;
    let slug = &board.group.group.slug;
    Ok(Json(IdeaListResponse {
        ideas: board
            .ideas
            .items
            .iter()
            .map(|i| IdeaSummaryResponse {
                topic: TopicSummary::new(&i.topic, slug),
                votes: i.votes,
                recent_votes: i.recent_votes,
            })
            .collect(),
        next_cursor: board.ideas.next.map(Cursor::encode),
    }))
}

/// A board's shipped ideas, the latest first, with the note that shipped each.
#[utoipa::path(get, path = "/api/v1/groups/{slug}/changelog", tag = "ideas",
    params(("slug" = String, Path)),
    responses((status = 200, body = [ShippedResponse]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn changelog(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<Vec<ShippedResponse>>, ApiError> {
    let (group, shipped) = state
        .agora
        .ideas()
        .shipped_ideas(&auth.viewer, &slug)
        .await?;
    Ok(Json(
        shipped
            .iter()
            .map(|(t, c)| ShippedResponse {
                topic: TopicSummary::new(t, &group.group.slug),
                note: c.note.clone(),
                shipped_at: c.at.to_rfc3339(),
            })
            .collect(),
    ))
}

/// An idea's votes, status, history and merges (404 for a topic that is not an idea).
#[utoipa::path(get, path = "/api/v1/topics/{id}/idea", tag = "ideas", params(("id" = i64, Path)),
    responses((status = 200, body = IdeaResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<IdeaResponse>, ApiError> {
    let view = state.agora.ideas().idea(&auth.viewer, TopicId(id)).await?;
    Ok(Json(IdeaResponse::from(&view)))
}

/// Votes for an idea (members of its group, one vote each, within their budget).
#[utoipa::path(post, path = "/api/v1/topics/{id}/vote", tag = "ideas", params(("id" = i64, Path)),
    responses((status = 200, body = IdeaResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "join_required, vote_budget, not_votable, merged"),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn vote(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<IdeaResponse>, ApiError> {
    let view = state.agora.ideas().vote(&auth.viewer, TopicId(id)).await?;
    Ok(Json(IdeaResponse::from(&view)))
}

/// Takes a vote back.
#[utoipa::path(delete, path = "/api/v1/topics/{id}/vote", tag = "ideas", params(("id" = i64, Path)),
    responses((status = 200, body = IdeaResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unvote(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<IdeaResponse>, ApiError> {
    let view = state
        .agora
        .ideas()
        .unvote(&auth.viewer, TopicId(id))
        .await?;
    Ok(Json(IdeaResponse::from(&view)))
}

/// Sets an idea's status with a public note (site moderators, the group's moderators).
#[utoipa::path(put, path = "/api/v1/topics/{id}/status", tag = "ideas", params(("id" = i64, Path)),
    request_body = IdeaStatusRequest,
    responses((status = 200, body = IdeaResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_status(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<IdeaStatusRequest>,
) -> Result<Json<IdeaResponse>, ApiError> {
    let view = state
        .agora
        .ideas()
        .set_idea_status(&auth.viewer, TopicId(id), &req.status, &req.note)
        .await?;
    Ok(Json(IdeaResponse::from(&view)))
}

/// Merges a duplicate into an original: every vote moves, a member who voted on both counts
/// once, and each moved vote remembers where it was cast. Answers with the original.
#[utoipa::path(post, path = "/api/v1/topics/{id}/merge", tag = "ideas", params(("id" = i64, Path)),
    request_body = MergeRequest,
    responses((status = 200, body = IdeaResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn merge(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<MergeRequest>,
) -> Result<Json<IdeaResponse>, ApiError> {
    let view = state
        .agora
        .ideas()
        .merge_idea(&auth.viewer, TopicId(id), TopicId(req.into))
        .await?;
    Ok(Json(IdeaResponse::from(&view)))
}

/// Undoes a merge exactly: the duplicate's votes and status come back. Answers with it.
#[utoipa::path(delete, path = "/api/v1/topics/{id}/merge", tag = "ideas", params(("id" = i64, Path)),
    responses((status = 200, body = IdeaResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unmerge(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<IdeaResponse>, ApiError> {
    let view = state
        .agora
        .ideas()
        .unmerge_idea(&auth.viewer, TopicId(id))
        .await?;
    Ok(Json(IdeaResponse::from(&view)))
}

/// The statuses ideas move through, in order.
#[utoipa::path(get, path = "/api/v1/idea-statuses", tag = "ideas",
    responses((status = 200, body = [IdeaStatusBody])))]
pub async fn statuses(
    State(state): State<AppState>,
) -> Result<Json<Vec<IdeaStatusBody>>, ApiError> {
    let statuses = state.agora.ideas().idea_statuses().await?;
    Ok(Json(statuses.iter().map(IdeaStatusBody::from).collect()))
}

/// Replaces the list of statuses (site admins). `new` must stay; ideas keep a status that
/// left the list.
#[utoipa::path(put, path = "/api/v1/idea-statuses", tag = "ideas", request_body = IdeaStatusesRequest,
    responses((status = 200, body = [IdeaStatusBody]), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_statuses(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<IdeaStatusesRequest>,
) -> Result<Json<Vec<IdeaStatusBody>>, ApiError> {
    let mut statuses = Vec::with_capacity(req.statuses.len());
    for s in req.statuses {
        let set = StatusSet::parse(&s.set).ok_or_else(|| {
            agora_core::Invalid::new("set", "invalid_choice", "A set is open, active or closed.")
        })?;
        statuses.push(IdeaStatus {
            name: s.name,
            label: s.label,
            set,
        });
    }
    let saved = state
        .agora
        .ideas()
        .set_idea_statuses(&auth.viewer, statuses)
        .await?;
    Ok(Json(saved.iter().map(IdeaStatusBody::from).collect()))
}
