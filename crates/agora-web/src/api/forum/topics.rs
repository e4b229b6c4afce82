//! A group's topics, opening one, reading one with a page of its posts, and its pins and locks.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use agora_core::Invalid;
use agora_core::TopicId;
use agora_core::forum::{NewTopicInput, Posted, TopicFilter, TopicFlags, TopicKind, TopicSort};
use agora_core::paging::{Cursor, page_size, post_number};

use super::{
    CreateTopicRequest, HeldBody, TopicFlagsRequest, TopicListQuery, TopicPostsQuery, held,
    topic_response,
};
use crate::api::dto::{TopicListResponse, TopicResponse, TopicSummary};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Auth};
use crate::state::AppState;

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
    crate::api::reactions::fill_shown(&view.shown, &mut topic.posts);
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
