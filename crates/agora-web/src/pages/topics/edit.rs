//! Editing a post (and the title and tags of the opening post), with an image uploaded into
//! the text; the version it replaces is kept in the history.

use agora_core::error::Refused;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::PostId;
use agora_core::forum::{ForumError, PostEditInput, Posted};

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path};
use crate::pages::auth::FormPage;
use crate::pages::view::{Field, ImageUpload, attach_error};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;
use crate::upload::UploadForm;

use super::compose::split_tags;
use super::draft_upload::{add_upload, shown_refusal};
use super::post_url;

#[derive(Debug, Default, Deserialize)]
pub struct EditForm {
    #[serde(default)]
    csrf: String,
    title: Option<String>,
    #[serde(default)]
    body: String,
    tags: Option<String>,
}

fn edit_page(page: &Page, id: i64, slug: &str, opening: bool, form: &EditForm) -> FormPage {
    let mut fields = Vec::new();
    if opening {
        fields.push(Field::new(
            "title",
            "Title",
            "text",
            form.title.clone().unwrap_or_default(),
        ));
    }
    fields.push(
        Field::new("body", "Message", "textarea", form.body.as_str())
            .preview("edit-preview")
            .upload(ImageUpload::for_group(slug, format!("/p/{id}/edit/upload"))),
    );
    if opening {
        fields.push(
            Field::new(
                "tags",
                "Tags",
                "text",
                form.tags.clone().unwrap_or_default(),
            )
            .optional()
            .hint("Up to 5, separated by commas."),
        );
    }
    FormPage {
        layout: page.layout("Edit post", "Edit a post.", "groups", true),
        heading: "Edit post".into(),
        intro: "The current version is kept in the post's history.".into(),
        action: format!("/p/{id}/edit"),
        fields,
        submit: "Save changes",
        footer: String::new(),
        form_error: None,
        preview_id: Some("edit-preview"),
        hidden: Vec::new(),
        honeypot: false,
    }
}

/// The edit form, filled with the post as it is.
pub async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    if page.viewer.id().is_none() {
        return Err(ApiError::sign_in_required());
    }
    let (post, topic, group) = state.agora.forum().post(&page.viewer, PostId(id)).await?;
    let opening = post.number == 1;
    let form = EditForm {
        csrf: String::new(),
        title: opening.then(|| topic.title.clone()),
        body: post.body_markdown.clone(),
        tags: opening.then(|| topic.tags.join(", ")),
    };
    Ok(render(&edit_page(
        &page,
        id,
        &group.group.slug,
        opening,
        &form,
    )))
}

/// Saves an edit.
pub async fn edit(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<EditForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    save_edit(&state, &page, id, form).await
}

/// The edit form sent with its file ("Upload image", without JavaScript): the image is
/// uploaded for the post's group and its markdown added to the text, shown again to be saved.
/// Sent without a file, it is the ordinary save.
pub async fn edit_upload(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    upload: UploadForm,
) -> Result<Response, ApiError> {
    page.check_csrf(&upload.text("csrf"))?;
    let (post, _, group) = state.agora.forum().post(&page.viewer, PostId(id)).await?;
    let opening = post.number == 1;
    let mut form = EditForm {
        csrf: String::new(),
        title: opening.then(|| upload.text("title")),
        body: upload.text("body"),
        tags: opening.then(|| upload.text("tags")),
    };
    if upload.file.is_empty() {
        return save_edit(&state, &page, id, form).await;
    }
    let slug = group.group.slug;
    let added = add_upload(&state, &page, &slug, upload.file, &mut form.body).await?;
    let mut view = edit_page(&page, id, &slug, opening, &form);
    let status = shown_refusal(added, &mut view.form_error);
    let mut res = render(&view);
    *res.status_mut() = status;
    Ok(res)
}

async fn save_edit(
    state: &AppState,
    page: &Page,
    id: i64,
    form: EditForm,
) -> Result<Response, ApiError> {
    let input = PostEditInput {
        body: Some(form.body.clone()),
        title: form.title.clone(),
        tags: form.tags.as_deref().map(split_tags),
    };
    let (_, before, group) = state.agora.forum().post(&page.viewer, PostId(id)).await?;
    match state
        .agora
        .forum()
        .edit_post(&page.viewer, PostId(id), input)
        .await
    {
        Ok(Posted::Published(post)) => {
            let (_, topic, _) = state.agora.forum().post(&page.viewer, post.item.id).await?;
            Ok(see_other(&post_url(
                topic.id.0,
                &topic.slug,
                post.item.number,
            )))
        }
        Ok(Posted::Held { .. }) => Ok(see_other(&format!(
            "/t/{}/{}?notice=held",
            before.id.0, before.slug
        ))),
        Err(ForumError::Refused(Refused::Invalid(i))) => {
            let slug = &group.group.slug;
            let mut view = edit_page(page, id, slug, form.title.is_some(), &form);
            let e = ApiError::from(i);
            if !attach_error(&mut view.fields, e.field.as_deref(), &e.message) {
                view.form_error = Some(e.message.clone());
            }
            let mut res = render(&view);
            *res.status_mut() = e.status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}
