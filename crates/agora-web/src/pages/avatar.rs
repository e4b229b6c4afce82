//! `/settings/avatar`: a member's picture, uploaded from a file field (no JavaScript needed)
//! or removed.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::trust::Knob;

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiQuery as Query};
use crate::pages::auth::CsrfOnly;
use crate::pages::view::{Layout, hue, initial};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;
use crate::upload::UploadForm;

#[derive(Template)]
#[template(path = "avatar.html")]
struct AvatarPage {
    layout: Layout,
    avatar: Option<String>,
    initial: String,
    hue: u8,
    max_kib: i64,
    form_error: Option<String>,
    notice: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
pub struct AvatarQuery {
    notice: Option<String>,
}

async fn avatar_page(
    state: &AppState,
    page: &Page,
    form_error: Option<String>,
    notice: Option<&'static str>,
) -> Result<AvatarPage, ApiError> {
    let Some(actor) = page.viewer.actor() else {
        return Err(ApiError::sign_in_required());
    };
    let avatar = state.agora.media().avatar_of(actor.id).await?;
    let max_kib = state.agora.trust().trust_settings().await?[Knob::AvatarMaxKib];
    Ok(AvatarPage {
        layout: page.layout("Your avatar", "Choose your avatar.", "", true),
        avatar: avatar.map(|a| a.url(192).to_owned()),
        initial: initial(&page.display_name, &actor.username),
        hue: hue(&actor.username),
        max_kib,
        form_error,
        notice,
    })
}

/// The avatar form.
pub async fn form(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<AvatarQuery>,
) -> Result<Response, ApiError> {
    let notice = match q.notice.as_deref() {
        Some("saved") => Some("Your avatar is saved."),
        Some("removed") => Some("Your avatar is removed."),
        _ => None,
    };
    Ok(render(&avatar_page(&state, &page, None, notice).await?))
}

/// Uploads the avatar; a refused file comes back with what to fix.
pub async fn upload(
    State(state): State<AppState>,
    page: Page,
    form: UploadForm,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.text("csrf"))?;
    let refused = match state
        .agora
        .media()
        .set_avatar(&page.viewer, form.file)
        .await
    {
        Ok(_) => return Ok(see_other("/settings/avatar?notice=saved")),
        Err(e) => ApiError::from(e),
    };
    if refused.field.is_none() {
        return Err(refused);
    }
    let mut res = render(&avatar_page(&state, &page, Some(refused.message.clone()), None).await?);
    *res.status_mut() = refused.status;
    Ok(res)
}

/// Removes the avatar.
pub async fn remove(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    state.agora.media().remove_avatar(&page.viewer).await?;
    Ok(see_other("/settings/avatar?notice=removed"))
}
