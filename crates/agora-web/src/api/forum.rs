//! Topics and posts: list, open, read, reply, edit with history, delete and restore, pin
//! and lock.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use agora_core::forum::{
    NewTopicInput, PostEditInput, Posted, TopicFilter, TopicFlags, TopicKind, TopicSort, TopicView,
};
use agora_core::paging::{Cursor, page_size, post_number};
use agora_core::{Invalid, PostId, TopicId};

use crate::api::dto::{
    PostResponse, RevisionResponse, TopicListResponse, TopicResponse, TopicSummary,
};
use crate::error::{ApiError, ErrorBody, ErrorDetail};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Auth};
use crate::state::AppState;

/// Paging and order of a topic list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TopicListQuery {
    /// `latest` (default: most recent activity first), `replies` (most replies first), `top`
    /// (most replies written in `period` first; pinned topics ranked among the rest) or
    /// `unanswered` (topics no one but their author replied to, newest first).
    pub sort: Option<String>,
    /// With `sort=top`: `day`, `week` (default), `month`, `year` or `all` (the last 24 hours,
    /// 7, 30 or 365 days, or ever). Ignored by the other orders.
    pub period: Option<String>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1–100, default 30.
    pub limit: Option<u32>,
    /// Only topics of this kind (`discussion`, `question`).
    pub kind: Option<String>,
    /// Only topics with this status (a question: `open` or `solved`).
    pub status: Option<String>,
    /// Only topics with replies (`true`) or without (`false`).
    pub replied: Option<bool>,
}

/// Which posts of a topic to show.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TopicPostsQuery {
    /// The number of the first post to show (default 1).
    pub from: Option<i64>,
    /// 1–100, default 30.
    pub limit: Option<u32>,
}

/// A new topic.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTopicRequest {
    /// 3–150 characters.
    pub title: String,
    /// Markdown, up to 32,000 characters.
    pub body: String,
    /// Up to 5 tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// `discussion` (the default), `question` or `idea` (a group's ideas board).
    pub kind: Option<String>,
}

/// A reply.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    /// Markdown, up to 32,000 characters.
    pub body: String,
}

/// An edit; absent fields stay as they are. Title and tags only on an opening post.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditPostRequest {
    pub body: Option<String>,
    pub title: Option<String>,
    pub tags: Option<Vec<String>>,
}

/// Moderator changes to a topic.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicFlagsRequest {
    pub pinned: Option<bool>,
    pub locked: Option<bool>,
}

/// 202: the post is saved and waits for a moderator. The body keeps the envelope clients
/// know (`error.code` is `held_for_review`, though holding is a success, not an error) and
/// says where the post was saved: its author reads it at `/api/v1/posts/{post_id}` (state
/// `held`), no one else but the moderators does until it is approved.
#[derive(Debug, Serialize, ToSchema)]
pub struct HeldBody {
    pub error: ErrorDetail,
    /// Always `held`.
    pub state: &'static str,
    pub topic_id: i64,
    pub post_id: i64,
}

fn held(topic: TopicId, post: PostId) -> Response {
    let body = HeldBody {
        error: ErrorDetail {
            code: "held_for_review",
            message: "Thank you: your post waits for a moderator's look before others see it."
                .into(),
            field: None,
            errors: Vec::new(),
        },
        state: "held",
        topic_id: topic.0,
        post_id: post.0,
    };
    (StatusCode::ACCEPTED, Json(body)).into_response()
}

fn topic_response(v: &TopicView) -> TopicResponse {
    TopicResponse {
        topic: TopicSummary::new(&v.topic, &v.group.group.slug),
        posts: v.posts.iter().map(PostResponse::from).collect(),
        next_from: v.next_number,
        can_reply: v.can_reply(),
        can_moderate: v.can_moderate(),
        capabilities: (&v.can).into(),
    }
}

/// A group's topics by latest activity (pinned first, on the first page), by replies, top
/// over a period, or unanswered; paged by cursor so that any page costs the same.
#[utoipa::path(get, path = "/api/v1/groups/{slug}/topics", tag = "forum",
    params(("slug" = String, Path), TopicListQuery),
    responses((status = 200, body = TopicListResponse), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(q): ApiQuery<TopicListQuery>,
) -> Result<Json<TopicListResponse>, ApiError> {
    let sort = TopicSort::parse(q.sort.as_deref(), q.period.as_deref())?;
    let limit = page_size(q.limit)?;
    let cursor = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let kind = q
        .kind
        .as_deref()
        .map(|k| {
            TopicKind::from_name(k).ok_or_else(|| {
                Invalid::new(
                    "kind",
                    "invalid_choice",
                    format!(
                        "Name a kind of topic: {}.",
                        agora_core::kinds::open_names("")
                    ),
                )
            })
        })
        .transpose()?;
    let filter = TopicFilter {
        kind,
        status: q.status,
        replied: q.replied,
        created_before: None,
    };
    let listing = state
        .agora
        .forum()
        .topics(&auth.viewer, &slug, sort, cursor, limit, &filter)
        .await?;
    let slug = &listing.group.group.slug;
    Ok(Json(TopicListResponse {
        pinned: listing
            .pinned
            .iter()
            .map(|t| TopicSummary::new(t, slug))
            .collect(),
        topics: listing
            .topics
            .items
            .iter()
            .map(|t| TopicSummary::new(t, slug))
            .collect(),
        next_cursor: listing.topics.next.map(Cursor::encode),
    }))
}

/// Opens a topic (members of the group).
#[utoipa::path(post, path = "/api/v1/groups/{slug}/topics", tag = "forum",
    params(("slug" = String, Path)), request_body = CreateTopicRequest,
    responses((status = 201, body = TopicResponse),
        (status = 202, body = HeldBody, description = "held_for_review: saved, waiting for a moderator"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "rate_limited: posting too fast (Retry-After)")),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(slug): ApiPath<String>,
    ApiJson(req): ApiJson<CreateTopicRequest>,
) -> Result<Response, ApiError> {
    let input = NewTopicInput {
        title: req.title,
        body: req.body,
        tags: req.tags,
        kind: req.kind,
    };
    match state
        .agora
        .forum()
        .create_topic(&auth.viewer, &slug, input)
        .await?
    {
        Posted::Published(view) => {
            Ok((StatusCode::CREATED, Json(topic_response(&view))).into_response())
        }
        Posted::Held { topic, post } => Ok(held(topic, post)),
    }
}

/// A topic with a page of its posts.
#[utoipa::path(get, path = "/api/v1/topics/{id}", tag = "forum",
    params(("id" = i64, Path), TopicPostsQuery),
    responses((status = 200, body = TopicResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<TopicPostsQuery>,
) -> Result<Json<TopicResponse>, ApiError> {
    let limit = page_size(q.limit)?;
    let view = state
        .agora
        .trust()
        .read_topic(&auth.viewer, TopicId(id), post_number(q.from)?, limit)
        .await?;
    let mut topic = topic_response(&view);
    crate::api::reactions::fill(&state, &auth.viewer, &mut topic.posts).await?;
    Ok(Json(topic))
}

/// Pins, unpins, locks or unlocks a topic (the group's moderators).
#[utoipa::path(patch, path = "/api/v1/topics/{id}", tag = "forum",
    params(("id" = i64, Path)), request_body = TopicFlagsRequest,
    responses((status = 200, body = TopicResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<TopicFlagsRequest>,
) -> Result<Json<TopicResponse>, ApiError> {
    let flags = TopicFlags {
        pinned: req.pinned,
        locked: req.locked,
    };
    let view = state
        .agora
        .forum()
        .set_topic_flags(&auth.viewer, TopicId(id), flags)
        .await?;
    Ok(Json(topic_response(&view)))
}

/// Replies to a topic (members of its group; locked topics only moderators).
#[utoipa::path(post, path = "/api/v1/topics/{id}/posts", tag = "forum",
    params(("id" = i64, Path)), request_body = ReplyRequest,
    responses((status = 201, body = PostResponse),
        (status = 202, body = HeldBody, description = "held_for_review: saved, waiting for a moderator"),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "join_required or topic_locked"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "rate_limited: posting too fast (Retry-After)")),
    security(("bearer" = [])))]
pub async fn reply(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ReplyRequest>,
) -> Result<Response, ApiError> {
    match state
        .agora
        .forum()
        .reply(&auth.viewer, TopicId(id), &req.body)
        .await?
    {
        Posted::Published((post, _)) => {
            Ok((StatusCode::CREATED, Json(PostResponse::from(&post))).into_response())
        }
        Posted::Held { topic, post } => Ok(held(topic, post)),
    }
}

/// One post.
#[utoipa::path(get, path = "/api/v1/posts/{id}", tag = "forum", params(("id" = i64, Path)),
    responses((status = 200, body = PostResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_post(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PostResponse>, ApiError> {
    let post = state
        .agora
        .forum()
        .read_post(&auth.viewer, PostId(id))
        .await?;
    let mut post = [PostResponse::from(&post)];
    crate::api::reactions::fill(&state, &auth.viewer, &mut post).await?;
    let [post] = post;
    Ok(Json(post))
}

/// Edits a post; the previous version is kept (see `/revisions`).
#[utoipa::path(patch, path = "/api/v1/posts/{id}", tag = "forum",
    params(("id" = i64, Path)), request_body = EditPostRequest,
    responses((status = 200, body = PostResponse),
        (status = 202, body = HeldBody, description = "held_for_review: the edit is held for a moderator"),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn edit_post(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<EditPostRequest>,
) -> Result<Response, ApiError> {
    let input = PostEditInput {
        body: req.body,
        title: req.title,
        tags: req.tags,
    };
    match state
        .agora
        .forum()
        .edit_post(&auth.viewer, PostId(id), input)
        .await?
    {
        Posted::Published(post) => Ok(Json(PostResponse::from(&post)).into_response()),
        Posted::Held { topic, post } => Ok(held(topic, post)),
    }
}

/// Deletes a post (its author or a moderator); an opening post takes its topic along.
/// Moderators can restore it.
#[utoipa::path(delete, path = "/api/v1/posts/{id}", tag = "forum", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_post(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .agora
        .forum()
        .delete_post(&auth.viewer, PostId(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Restores a deleted post (the group's moderators).
#[utoipa::path(post, path = "/api/v1/posts/{id}/restore", tag = "forum", params(("id" = i64, Path)),
    responses((status = 200, body = PostResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn restore_post(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PostResponse>, ApiError> {
    let post = state
        .agora
        .forum()
        .restore_post(&auth.viewer, PostId(id))
        .await?;
    Ok(Json(PostResponse::from(&post)))
}

/// The earlier versions of a post, oldest first. The text a moderator's edit of someone
/// else's post replaced (`redacted`) is shown to the group's moderators and site staff only.
#[utoipa::path(get, path = "/api/v1/posts/{id}/revisions", tag = "forum", params(("id" = i64, Path)),
    responses((status = 200, body = [RevisionResponse]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revisions(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<RevisionResponse>>, ApiError> {
    let revisions = state
        .agora
        .forum()
        .revisions(&auth.viewer, PostId(id))
        .await?;
    Ok(Json(revisions.iter().map(RevisionResponse::from).collect()))
}
