//! The form for a new conversation: to whom (usernames, prefilled by `?to=` from a profile's
//! "Send a message"), a subject and the first message; the site's staff may mark it a
//! moderation message. A refusal (a name that is no member, a block, a new member's limits)
//! comes back on the form with the draft kept.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::members::Username;
use agora_core::kinds::messages::StartInput;

use super::{on_form, refused, usernames};
use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiQuery as Query};
use crate::pages::auth::FormPage;
use crate::pages::view::{Field, attach_error};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct ComposeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    moderation: bool,
}

#[derive(Debug, Deserialize)]
pub struct ComposeQuery {
    to: Option<String>,
}

fn compose_page(page: &Page, form: &ComposeForm) -> FormPage {
    let max = page.site.trust.get("messages_max_participants");
    let mut fields = vec![
        Field::new("to", "To", "text", form.to.as_str())
            .autocomplete("off")
            .hint(format!(
                "Usernames, separated by commas: up to {} members besides you.",
                max - 1
            )),
        Field::new("subject", "Subject", "text", form.subject.as_str())
            .hint("What is it about? Up to 200 characters."),
        Field::new("body", "Message", "textarea", form.body.as_str())
            .preview("compose-preview")
            .hint("Markdown: **bold**, _italic_, [links](https://…), lists, > quotes, `code`."),
    ];
    if agora_core::audience::speaks_for_the_site(&page.viewer) {
        fields.push(
            Field::new(
                "moderation",
                "Send it as a moderation message",
                "checkbox",
                if form.moderation { "true" } else { "" },
            )
            .optional()
            .hint("Marked as one from the site's staff; no block or request stops it."),
        );
    }
    FormPage {
        layout: page.layout("New message", "Start a private conversation.", "messages", true),
        heading: "New message".into(),
        intro: "Only the members you write to read it. A first message to someone you have not talked with waits in their requests until they accept.".into(),
        action: "/messages/new".into(),
        fields,
        submit: "Send",
        footer: "<a href=\"/messages\">Back to your messages</a> · <a href=\"/settings/blocks\">Members you block or ignore</a>".into(),
        form_error: None,
        preview_id: Some("compose-preview"),
        hidden: Vec::new(),
        honeypot: false,
    }
}

/// `/messages/new`, with `?to=username` from a profile.
pub async fn form(page: Page, Query(q): Query<ComposeQuery>) -> Result<Response, ApiError> {
    if page.viewer.id().is_none() {
        return Err(ApiError::sign_in_required());
    }
    let form = ComposeForm {
        to: q.to.unwrap_or_default(),
        ..ComposeForm::default()
    };
    // A name that cannot be one is said at once, not after the message is written.
    let wrong = usernames(&form.to)
        .into_iter()
        .find(|name| Username::parse(name).is_err());
    let mut view = compose_page(&page, &form);
    match wrong {
        None => Ok(render(&view)),
        Some(name) => {
            let e = ApiError::from(agora_core::Invalid::new(
                "to",
                "unknown_member",
                format!("There is no member named {name}; check the spelling."),
            ));
            attach_error(&mut view.fields, Some("to"), &e.message);
            Ok(refused(render(&view), &e))
        }
    }
}

/// Starts the conversation and opens it.
pub async fn start(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<ComposeForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let input = StartInput {
        to: usernames(&form.to),
        subject: form.subject.clone(),
        body: form.body.clone(),
        moderation: form.moderation,
    };
    match state.agora.messages().start(&page.viewer, input).await {
        Ok(id) => Ok(see_other(&format!("/messages/{id}"))),
        Err(e) => {
            let e = ApiError::from(e);
            if !on_form(&e) {
                return Err(e);
            }
            let mut view = compose_page(&page, &form);
            if !attach_error(&mut view.fields, e.field.as_deref(), &e.message) {
                view.form_error = Some(e.message.clone());
            }
            Ok(refused(render(&view), &e))
        }
    }
}
