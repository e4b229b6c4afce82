//! Blocking and ignoring members.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, Auth};
use crate::state::AppState;

use agora_core::members::blocks::BlockKind;

use super::BlockResponse;

/// The members you block or ignore.
#[utoipa::path(get, path = "/api/v1/blocks", tag = "messages",
    responses((status = 200, body = Vec<BlockResponse>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn blocks(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<BlockResponse>>, ApiError> {
    let list = state.agora.accounts().blocks(&auth.viewer).await?;
    Ok(Json(
        list.into_iter()
            .map(|b| BlockResponse {
                username: b.username,
                display_name: b.display_name,
                kind: b.kind.as_str().into(),
                since: b.since.to_rfc3339(),
            })
            .collect(),
    ))
}

async fn set_block(
    state: &AppState,
    auth: &Auth,
    username: &str,
    kind: BlockKind,
    on: bool,
) -> Result<StatusCode, ApiError> {
    state
        .agora
        .messages()
        .set_block(&auth.viewer, username, kind, on)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Blocks a member: no conversations either way; the ones they take part in leave your inbox.
/// They are not told.
#[utoipa::path(put, path = "/api/v1/members/{username}/block", tag = "messages",
    params(("username" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "not_yourself, staff_cannot_be_blocked"),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn block(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(username): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    set_block(&state, &auth, &username, BlockKind::Block, true).await
}

/// Unblocks a member.
#[utoipa::path(delete, path = "/api/v1/members/{username}/block", tag = "messages",
    params(("username" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unblock(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(username): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    set_block(&state, &auth, &username, BlockKind::Block, false).await
}

/// Ignores a member: their posts and messages are collapsed for you and their mentions of you
/// dropped.
#[utoipa::path(put, path = "/api/v1/members/{username}/ignore", tag = "messages",
    params(("username" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "not_yourself, staff_cannot_be_blocked"),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn ignore(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(username): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    set_block(&state, &auth, &username, BlockKind::Ignore, true).await
}

/// Stops ignoring a member.
#[utoipa::path(delete, path = "/api/v1/members/{username}/ignore", tag = "messages",
    params(("username" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unignore(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(username): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    set_block(&state, &auth, &username, BlockKind::Ignore, false).await
}
