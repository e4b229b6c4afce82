//! Markdown preview, for the compose forms' live preview (signed-in members, limited a minute).

use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use axum::extract::State;

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, Auth};
use crate::state::AppState;

/// Markdown to render.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    pub body: String,
}

/// The rendered, sanitised HTML.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewResponse {
    pub html: String,
}

/// Renders markdown exactly as a post would be rendered, for a signed-in member (60 a minute).
#[utoipa::path(post, path = "/api/v1/markdown/preview", tag = "forum", request_body = PreviewRequest,
    responses((status = 200, body = PreviewResponse), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn preview(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<PreviewRequest>,
) -> Result<Json<PreviewResponse>, ApiError> {
    let html = state.agora.forum().preview(&auth.viewer, &req.body).await?;
    Ok(Json(PreviewResponse { html }))
}
