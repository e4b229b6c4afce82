//! Replying to a topic, with an image uploaded into the draft; a reply that fails its rules
//! comes back with the draft kept.

use agora_core::error::Refused;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::TopicId;
use agora_core::forum::{ForumError, Posted};

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path};
use crate::kinds::topic_part;
use crate::pages::{Page, render, see_other};
use crate::state::AppState;
use crate::upload::UploadForm;

use super::draft_upload::add_upload;
use super::view::topic_page;
use super::{PAGE_SIZE, page_of, post_url};

#[derive(Debug, Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
}

/// Posts a reply and shows it; a reply that fails its rules comes back with the draft kept.
pub async fn reply(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<ReplyForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    post_reply(&state, &page, id, form).await
}

/// The reply form sent with its file ("Upload image", without JavaScript): the image is
/// uploaded for the topic's group and its markdown added to the draft, shown again to be
/// finished. Sent without a file, it is the ordinary reply.
pub async fn reply_upload(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    upload: UploadForm,
) -> Result<Response, ApiError> {
    page.check_csrf(&upload.text("csrf"))?;
    let mut body = upload.text("body");
    if upload.file.is_empty() {
        let form = ReplyForm {
            csrf: String::new(),
            body,
        };
        return post_reply(&state, &page, id, form).await;
    }
    let view = state
        .agora
        .forum()
        .topic(&page.viewer, TopicId(id), 1, PAGE_SIZE as u32)
        .await?;
    let slug = view.group.group.slug.clone();
    let added = add_upload(&state, &page, &slug, upload.file, &mut body).await?;
    let kinds = topic_part(&state, &page, &view).await?;
    let (status, error) = match added {
        Ok(()) => (axum::http::StatusCode::OK, None),
        Err(e) => (e.status, Some(e.message)),
    };
    let ignored = page.viewer.ignoring();
    let mut res = render(&topic_page(
        &page, &view, 1, body, error, None, kinds, ignored,
    ));
    *res.status_mut() = status;
    Ok(res)
}

async fn post_reply(
    state: &AppState,
    page: &Page,
    id: i64,
    form: ReplyForm,
) -> Result<Response, ApiError> {
    match state
        .agora
        .forum()
        .reply(&page.viewer, TopicId(id), &form.body)
        .await
    {
        Ok(Posted::Published((post, topic))) => {
            Ok(see_other(&post_url(id, &topic.slug, post.item.number)))
        }
        Ok(Posted::Held { post, .. }) => {
            let (held, topic, _) = state.agora.forum().post(&page.viewer, post).await?;
            let page = page_of(held.number);
            Ok(see_other(&format!(
                "/t/{id}/{}?page={page}&notice=held#post-{}",
                topic.slug, held.number
            )))
        }
        Err(ForumError::Refused(Refused::Invalid(i))) => {
            let view = state
                .agora
                .forum()
                .topic(&page.viewer, TopicId(id), 1, PAGE_SIZE as u32)
                .await?;
            let e = ApiError::from(i);
            let kinds = topic_part(state, page, &view).await?;
            let ignored = page.viewer.ignoring();
            let mut res = render(&topic_page(
                page,
                &view,
                1,
                form.body,
                Some(e.message.clone()),
                None,
                kinds,
                ignored,
            ));
            *res.status_mut() = e.status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}
