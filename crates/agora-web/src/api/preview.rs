//! Markdown preview, for the compose forms' live preview.

use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use agora_core::content::markdown;
use agora_core::forum::PostBody;

use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiJson;

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

/// Renders markdown exactly as a post would be rendered.
#[utoipa::path(post, path = "/api/v1/markdown/preview", tag = "forum", request_body = PreviewRequest,
    responses((status = 200, body = PreviewResponse), (status = 422, body = ErrorBody)))]
pub async fn preview(
    ApiJson(req): ApiJson<PreviewRequest>,
) -> Result<Json<PreviewResponse>, ApiError> {
    let body = PostBody::parse(&req.body)?;
    Ok(Json(PreviewResponse {
        html: markdown::render(body.as_str()).html,
    }))
}
