//! `/media/{name}`: the files of the media folder, each served to those who may see it.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

use super::assets::asset;

/// A file of the media folder: a copy of a remote image or an uploaded image, named by its
/// content (see `agora_core::content::uploads`). A public one is cached for a year by anyone;
/// one recorded for a closed or secret group is served only to those who may read the group
/// (`Cache-Control: private`), is 403 to others who see the group, and 404 where the group is
/// secret to them, as a missing name is. Only names the media folder makes are looked up.
pub(super) async fn media(
    State(state): State<AppState>,
    auth: crate::extract::Auth,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Response {
    let Some(dir) = &state.config.media_dir else {
        return crate::ApiError::not_found().into_response();
    };
    let Some(content_type) = media_type(&name) else {
        return crate::ApiError::not_found().into_response();
    };
    let reach = match state.agora.media().reach(&auth.viewer, &name).await {
        Ok(reach) => reach,
        Err(e) => return crate::ApiError::from(e).into_response(),
    };
    match tokio::fs::read(dir.join(&name)).await {
        Ok(bytes) => {
            let mut res = asset(bytes, content_type);
            let brief = match reach {
                agora_core::content::uploads::Reach::Public => None,
                agora_core::content::uploads::Reach::PublicForNow => Some("public, max-age=300"),
                agora_core::content::uploads::Reach::Private => Some("private, max-age=600"),
            };
            if let Some(value) = brief {
                res.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
            }
            res
        }
        Err(_) => crate::ApiError::not_found().into_response(),
    }
}

/// The type of a name the media folder makes (32 lowercase hexadecimal digits, an avatar's
/// size, an image extension), or none.
fn media_type(name: &str) -> Option<&'static str> {
    let (stem, ext) = name.split_once('.')?;
    let content_type = match ext {
        "png" => "image/png",
        "jpg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        _ => return None,
    };
    let (hash, size) = stem.split_once('-').unwrap_or((stem, ""));
    let hex = hash.len() == 32
        && hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    let sized = size.is_empty() || matches!(size, "48" | "96" | "192");
    (hex && sized).then_some(content_type)
}
