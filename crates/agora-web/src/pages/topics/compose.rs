//! Opening a topic: the composer (a discussion or any open kind's topic), the composer sent
//! with an image to upload (without JavaScript), and the submission.

use agora_core::error::Refused;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::forum::{ForumError, NewTopicInput, Posted, TopicKind};
use agora_core::groups::policy::Access;

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path, ApiQuery as Query};
use crate::pages::auth::FormPage;
use crate::pages::view::{Field, ImageUpload, attach_error};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;
use crate::upload::UploadForm;

use super::draft_upload::{add_upload, shown_refusal};

#[derive(Debug, Default, Deserialize)]
pub struct ComposeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    tags: String,
    /// A kind's name to open one of that kind (`question`); empty for a discussion.
    #[serde(default)]
    kind: String,
}

/// `?kind=question` (any kind's name) on the form for a new topic.
#[derive(Debug, Deserialize)]
pub struct ComposeQuery {
    kind: Option<String>,
}

fn compose_page(page: &Page, slug: &str, group_name: &str, form: &ComposeForm) -> FormPage {
    let spec = TopicKind::from_name(&form.kind).and_then(agora_core::kinds::spec);
    let (title, submit) = spec.map_or(("New topic", "Post topic"), |k| k.compose);
    let heading = format!("{title} in {group_name}");
    FormPage {
        layout: page.layout(
            title,
            &format!("Start a topic in {group_name}."),
            "groups",
            true,
        ),
        heading,
        intro: String::new(),
        action: format!("/g/{slug}/new"),
        fields: vec![
            Field::new("title", "Title", "text", form.title.as_str())
                .hint("3–150 characters: what is it about?"),
            Field::new("body", "Message", "textarea", form.body.as_str())
                .preview("compose-preview")
                .upload(ImageUpload::for_group(
                    slug,
                    format!("/g/{slug}/new/upload"),
                ))
                .hint("Markdown: **bold**, _italic_, [links](https://…), lists, > quotes, `code`."),
            Field::new("tags", "Tags", "text", form.tags.as_str())
                .optional()
                .hint("Up to 5, separated by commas, e.g. battery, winter."),
        ],
        submit,
        footer: String::new(),
        form_error: None,
        preview_id: Some("compose-preview"),
        hidden: if spec.is_some() {
            vec![("kind", form.kind.clone())]
        } else {
            Vec::new()
        },
        honeypot: false,
    }
}

/// The form for a new topic.
pub async fn compose(
    State(state): State<AppState>,
    page: Page,
    Path(slug): Path<String>,
    Query(q): Query<ComposeQuery>,
) -> Result<Response, ApiError> {
    if page.viewer.id().is_none() {
        return Err(ApiError::sign_in_required());
    }
    if let Some(kind) = q.kind.as_deref()
        && !TopicKind::from_name(kind).is_some_and(agora_core::kinds::is_open)
    {
        return Err(agora_core::Invalid::new(
            "kind",
            "invalid_choice",
            format!("A topic is a {}.", agora_core::kinds::open_names("")),
        )
        .into());
    }
    let view = state.agora.groups().group(&page.viewer, &slug).await?;
    if view.access < Access::Participate {
        return Err(ApiError::forbidden("join_required"));
    }
    Ok(render(&compose_page(
        &page,
        &slug,
        &view.group.name,
        &ComposeForm {
            kind: q.kind.unwrap_or_default(),
            ..ComposeForm::default()
        },
    )))
}

/// Opens the topic and shows it.
pub async fn create(
    State(state): State<AppState>,
    page: Page,
    Path(slug): Path<String>,
    Form(form): Form<ComposeForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    open_topic(&state, &page, &slug, form).await
}

/// The composer sent with its file ("Upload image", without JavaScript): the image is
/// uploaded for the group and its markdown added to the draft, which comes back to be
/// finished. Sent without a file (Enter in the title), it is the ordinary submission.
pub async fn compose_upload(
    State(state): State<AppState>,
    page: Page,
    Path(slug): Path<String>,
    upload: UploadForm,
) -> Result<Response, ApiError> {
    page.check_csrf(&upload.text("csrf"))?;
    let mut form = ComposeForm {
        csrf: String::new(),
        title: upload.text("title"),
        body: upload.text("body"),
        tags: upload.text("tags"),
        kind: upload.text("kind"),
    };
    if upload.file.is_empty() {
        return open_topic(&state, &page, &slug, form).await;
    }
    let group = state.agora.groups().group(&page.viewer, &slug).await?;
    let added = add_upload(&state, &page, &slug, upload.file, &mut form.body).await?;
    let mut view = compose_page(&page, &slug, &group.group.name, &form);
    let status = shown_refusal(added, &mut view.form_error);
    let mut res = render(&view);
    *res.status_mut() = status;
    Ok(res)
}

async fn open_topic(
    state: &AppState,
    page: &Page,
    slug: &str,
    form: ComposeForm,
) -> Result<Response, ApiError> {
    let slug = slug.to_owned();
    let input = NewTopicInput {
        title: form.title.clone(),
        body: form.body.clone(),
        tags: split_tags(&form.tags),
        kind: (!form.kind.is_empty()).then(|| form.kind.clone()),
    };
    match state
        .agora
        .forum()
        .create_topic(&page.viewer, &slug, input)
        .await
    {
        Ok(Posted::Published(view)) => Ok(see_other(&format!(
            "/t/{}/{}",
            view.topic.id.0, view.topic.slug
        ))),
        Ok(Posted::Held { topic, .. }) => {
            // Its author reads it while it waits; the page says so.
            let view = state.agora.forum().topic(&page.viewer, topic, 1, 1).await?;
            Ok(see_other(&format!(
                "/t/{}/{}?notice=held",
                topic.0, view.topic.slug
            )))
        }
        Err(ForumError::Refused(Refused::Invalid(i))) => {
            let group = state.agora.groups().group(&page.viewer, &slug).await?;
            let mut view = compose_page(page, &slug, &group.group.name, &form);
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

pub(super) fn split_tags(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(|t| t.trim().trim_start_matches('#').to_owned())
        .filter(|t| !t.is_empty())
        .collect()
}
