//! One message: its edit form (its author's, while they take part), its deletion, and the
//! versions its edits replaced, to the conversation's readers.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use agora_core::kinds::messages::{Message, MessageId};

use super::{BodyForm, on_form, refused};
use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path};
use crate::pages::auth::{CsrfOnly, FormPage};
use crate::pages::view::{Field, Layout, ago, attach_error};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;

/// Where a message is on its conversation's page.
fn place(m: &Message) -> String {
    format!("/messages/{}#message-{}", m.conversation, m.seq)
}

fn edit_page(page: &Page, id: i64, back: &str, body: &str) -> FormPage {
    FormPage {
        layout: page.layout("Edit message", "Edit a message.", "messages", true),
        heading: "Edit message".into(),
        intro: "The others can read the version it replaces in its history.".into(),
        action: format!("/messages/m/{id}/edit"),
        fields: vec![Field::new("body", "Message", "textarea", body).preview("edit-preview")],
        submit: "Save changes",
        footer: format!("<a href=\"{back}\">Back to the conversation</a>"),
        form_error: None,
        preview_id: Some("edit-preview"),
        hidden: Vec::new(),
        honeypot: false,
    }
}

/// `/messages/m/{id}/edit`: the form, filled with the message as it is.
pub async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let m = state
        .agora
        .messages()
        .message(&page.viewer, MessageId(id))
        .await?;
    if Some(m.author) != page.viewer.id() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "author_only",
            "Only its author can change a message.",
        ));
    }
    if m.deleted {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "deleted",
            "This message was deleted; it cannot be changed.",
        ));
    }
    Ok(render(&edit_page(&page, id, &place(&m), &m.body_markdown)))
}

/// Saves an edit; one that fails its rules comes back with the text kept.
pub async fn edit(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<BodyForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let messages = state.agora.messages();
    match messages.edit(&page.viewer, MessageId(id), &form.body).await {
        Ok(m) => Ok(see_other(&place(&m))),
        Err(e) => {
            let e = ApiError::from(e);
            if !on_form(&e) || e.status == StatusCode::FORBIDDEN {
                return Err(e);
            }
            let m = messages.message(&page.viewer, MessageId(id)).await?;
            let mut view = edit_page(&page, id, &place(&m), &form.body);
            if !attach_error(&mut view.fields, e.field.as_deref(), &e.message) {
                view.form_error = Some(e.message.clone());
            }
            Ok(refused(render(&view), &e))
        }
    }
}

/// Deletes one's own message: the others see that it was deleted.
pub async fn delete(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let messages = state.agora.messages();
    let m = messages.message(&page.viewer, MessageId(id)).await?;
    messages.delete(&page.viewer, MessageId(id)).await?;
    Ok(see_other(&place(&m)))
}

pub struct Version {
    number: usize,
    iso: String,
    ago: String,
    body: String,
}

#[derive(Template)]
#[template(path = "messages/history.html")]
struct History {
    layout: Layout,
    back: String,
    author: String,
    current: String,
    deleted: bool,
    versions: Vec<Version>,
}

/// `/messages/m/{id}/history`: the versions its edits replaced, newest first.
pub async fn history(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let messages = state.agora.messages();
    let m = messages.message(&page.viewer, MessageId(id)).await?;
    // A deleted message's words are gone for its readers, earlier versions too.
    let revisions = if m.deleted {
        Vec::new()
    } else {
        messages.revisions(&page.viewer, MessageId(id)).await?
    };
    Ok(render(&History {
        layout: page.layout("History of a message", "Edit history.", "messages", true),
        back: place(&m),
        author: m.author_display_name.clone(),
        current: m.body_markdown.clone(),
        deleted: m.deleted,
        versions: revisions
            .iter()
            .enumerate()
            .rev()
            .map(|(n, r)| Version {
                number: n + 1,
                iso: r.replaced_at.to_rfc3339(),
                ago: ago(r.replaced_at),
                body: r.body_markdown.clone(),
            })
            .collect(),
    }))
}
