//! Uploads: a member's avatar, and images for posts in a group. The image is the request's
//! raw body (any `Content-Type`: the format is read from the bytes) or the `file` part of a
//! `multipart/form-data` body; PNG, JPEG and WebP are accepted, and kept re-encoded, without
//! metadata.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use agora_core::content::uploads::{Avatar, Upload};

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, Auth};
use crate::state::AppState;
use crate::upload::UploadBody;

/// The upload routes, which read bodies up to the largest upload the settings allow.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(set_avatar, remove_avatar))
        .routes(routes!(upload))
        .layer(crate::upload::body_limit())
}

/// A member's avatar: the address of each square size.
#[derive(Debug, Serialize, ToSchema)]
pub struct AvatarResponse {
    /// 48 × 48 pixels.
    pub url_48: String,
    /// 96 × 96 pixels.
    pub url_96: String,
    /// 192 × 192 pixels.
    pub url_192: String,
}

impl From<&Avatar> for AvatarResponse {
    fn from(a: &Avatar) -> Self {
        Self {
            url_48: a.url(48).to_owned(),
            url_96: a.url(96).to_owned(),
            url_192: a.url(192).to_owned(),
        }
    }
}

/// An uploaded image, and the markdown that shows it in a post.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadResponse {
    /// Where it is served (`/media/NAME`): to everyone for a public group, to those who may
    /// read the group otherwise.
    pub url: String,
    /// `![](URL)`, to put in a post's body.
    pub markdown: String,
    pub width: u32,
    pub height: u32,
    /// Its size as kept, in bytes.
    pub bytes: usize,
}

impl From<Upload> for UploadResponse {
    fn from(u: Upload) -> Self {
        Self {
            url: u.url,
            markdown: u.markdown,
            width: u.width,
            height: u.height,
            bytes: u.bytes,
        }
    }
}

/// Sets the signed-in member's avatar from a PNG, JPEG or WebP image (the raw body, or the
/// `file` part of a multipart form): cut to its central square, kept at 48, 96 and 192 pixels
/// without metadata. At most `avatar_max_kib` KiB (a site setting; 413 `file_too_large`
/// beyond); anything else is 422 `not_an_image`.
#[utoipa::path(post, path = "/api/v1/me/avatar", tag = "members",
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = AvatarResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_avatar(
    State(state): State<AppState>,
    auth: Auth,
    UploadBody(bytes): UploadBody,
) -> Result<Json<AvatarResponse>, ApiError> {
    let avatar = state.agora.media().set_avatar(&auth.viewer, bytes).await?;
    Ok(Json((&avatar).into()))
}

/// Deletes the signed-in member's avatar; their initial shows again.
#[utoipa::path(delete, path = "/api/v1/me/avatar", tag = "members",
    responses((status = 204), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn remove_avatar(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<StatusCode, ApiError> {
    state.agora.media().remove_avatar(&auth.viewer).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Uploads an image for posts in a group the member may post in (the raw body, or the `file`
/// part of a multipart form): PNG, JPEG or WebP, scaled down to `upload_max_side` pixels a
/// side, kept without metadata. Served to everyone for a public group and only to those who
/// may read the group otherwise. At most `upload_max_kib` KiB (413 `file_too_large` beyond).
#[utoipa::path(post, path = "/api/v1/groups/{slug}/uploads", tag = "forum",
    params(("slug" = String, Path)),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = UploadResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(slug): ApiPath<String>,
    UploadBody(bytes): UploadBody,
) -> Result<(StatusCode, Json<UploadResponse>), ApiError> {
    let upload = state
        .agora
        .media()
        .upload(&auth.viewer, &slug, bytes)
        .await?;
    Ok((StatusCode::CREATED, Json(upload.into())))
}
