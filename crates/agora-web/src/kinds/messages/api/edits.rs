//! A message's edits, with the versions they replaced, and its deletion.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Auth};
use crate::state::AppState;

use agora_core::kinds::messages::MessageId;

use super::{MessageRequest, MessageResponse, MessageRevisionResponse, message_response};

/// Changes the text of your message; the version it replaces is kept.
#[utoipa::path(patch, path = "/api/v1/messages/{id}", tag = "messages",
    params(("id" = i64, Path)), request_body = MessageRequest,
    responses((status = 200, body = MessageResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "author_only, deleted, accept_first"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn edit(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<MessageRequest>,
) -> Result<Json<MessageResponse>, ApiError> {
    let m = state
        .agora
        .messages()
        .edit(&auth.viewer, MessageId(id), &req.body)
        .await?;
    Ok(Json(message_response(&m)))
}

/// Deletes your message: the others see that it was deleted.
#[utoipa::path(delete, path = "/api/v1/messages/{id}", tag = "messages",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "author_only"), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .agora
        .messages()
        .delete(&auth.viewer, MessageId(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The versions of a message its edits replaced, oldest first.
#[utoipa::path(get, path = "/api/v1/messages/{id}/revisions", tag = "messages",
    params(("id" = i64, Path)),
    responses((status = 200, body = Vec<MessageRevisionResponse>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn revisions(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<MessageRevisionResponse>>, ApiError> {
    let list = state
        .agora
        .messages()
        .revisions(&auth.viewer, MessageId(id))
        .await?;
    Ok(Json(
        list.into_iter()
            .map(|r| MessageRevisionResponse {
                body_markdown: r.body_markdown,
                replaced_at: r.replaced_at.to_rfc3339(),
            })
            .collect(),
    ))
}
