//! Deleting a post (its author or a moderator) and restoring it (moderators).

use axum::extract::State;
use axum::response::Response;

use agora_core::PostId;
use agora_core::groups::policy::Access;

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path};
use crate::pages::auth::CsrfOnly;
use crate::pages::{Page, see_other};
use crate::state::AppState;

use super::page_of;

/// Deletes a post (its author or a moderator).
pub async fn delete(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let (post, topic, group) = state.agora.forum().post(&page.viewer, PostId(id)).await?;
    state
        .agora
        .forum()
        .delete_post(&page.viewer, PostId(id))
        .await?;
    if post.number == 1 && group.access < Access::Moderate {
        return Ok(see_other(&format!("/g/{}", group.group.slug)));
    }
    let page_number = page_of(post.number);
    Ok(see_other(&format!(
        "/t/{}/{}?page={page_number}&notice=deleted#post-{}",
        topic.id.0, topic.slug, post.number
    )))
}

/// Restores a deleted post (moderators).
pub async fn restore(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let post = state
        .agora
        .forum()
        .restore_post(&page.viewer, PostId(id))
        .await?;
    let (_, topic, _) = state.agora.forum().post(&page.viewer, post.item.id).await?;
    let page_number = page_of(post.item.number);
    Ok(see_other(&format!(
        "/t/{}/{}?page={page_number}&notice=restored#post-{}",
        topic.id.0, topic.slug, post.item.number
    )))
}
