//! A topic's posts: replying, reading one, editing it with its history, deleting and restoring.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use agora_core::forum::{PostEditInput, Posted};
use agora_core::{PostId, TopicId};

use super::{EditPostRequest, HeldBody, ReplyRequest, held};
use crate::api::dto::{PostResponse, RevisionResponse};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Auth};
use crate::state::AppState;

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
