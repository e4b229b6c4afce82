//! A conversation's page: its subject (and the mark of a moderation message), its members as
//! the viewer may know them, its messages (the latest page, or those before `?before=`), and
//! the forms: reply (with "Quote" filling it), add members, leave; for a request, accept and
//! decline at the top and no reply. Reading it marks it read.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::kinds::messages::{Answer, ConversationId, ConversationPage, MessageId, ParticipantState};
use agora_core::Viewer;

use super::conversation_view::{Extras, draw};
use super::{BodyForm, on_form, refused, usernames};
use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path, ApiQuery as Query};
use crate::pages::auth::CsrfOnly;
use crate::pages::{Page, render, see_other};
use crate::state::AppState;


#[derive(Debug, Deserialize)]
pub struct ConversationQuery {
    before: Option<i64>,
    quote: Option<i64>,
    notice: Option<String>,
}

/// `/messages/{id}`.
pub async fn show(
    State(state): State<AppState>,
    mut page: Page,
    Path(id): Path<i64>,
    Query(q): Query<ConversationQuery>,
) -> Result<Response, ApiError> {
    let notice = match q.notice.as_deref() {
        Some("accepted") => {
            Some("Accepted: the conversation is in your messages and you can reply.")
        }
        Some("added") => {
            Some("Added. Those who have not talked with you before see it in their requests first.")
        }
        _ => None,
    };
    // Messages are numbered from 1: before the first there is nothing to show.
    if q.before.is_some_and(|b| b < 1) {
        return Err(ApiError::past_the_end());
    }
    let mut extras = Extras {
        notice,
        ..Extras::default()
    };
    let view = conversation(&state, &page, id, q.before).await?;
    if read_to_the_end(&view) {
        page.read_one("messages");
    }
    if let Some(quoted) = q.quote {
        extras.draft = quote(&state, &page.viewer, &view, quoted).await;
    }
    Ok(render(&draw(&state, &page, &view, q.before, extras).await?))
}

/// Whether showing this page read the last unread messages of the conversation.
fn read_to_the_end(view: &ConversationPage) -> bool {
    let last = view.conversation.last_seq;
    view.me.state == ParticipantState::Active
        && view.me.last_read < last
        && view.messages.last().is_some_and(|m| m.seq == last)
}

async fn conversation(
    state: &AppState,
    page: &Page,
    id: i64,
    before: Option<i64>,
) -> Result<ConversationPage, ApiError> {
    Ok(state
        .agora
        .messages()
        .conversation(&page.viewer, ConversationId(id), before)
        .await?)
}

/// The reply form's text quoting a message, attributed to its author; empty for a message the
/// viewer cannot read or that was deleted.
async fn quote(state: &AppState, viewer: &Viewer, view: &ConversationPage, id: i64) -> String {
    let shown = view.messages.iter().find(|m| m.id.0 == id).cloned();
    let message = match shown {
        Some(m) => Some(m),
        None => state
            .agora
            .messages()
            .message(viewer, MessageId(id))
            .await
            .ok(),
    };
    match message {
        Some(m) if !m.deleted && m.conversation == view.conversation.id => {
            let quoted: Vec<String> = m.body_markdown.lines().map(|l| format!("> {l}")).collect();
            format!("@{} wrote:\n{}\n\n", m.author_username, quoted.join("\n"))
        }
        _ => String::new(),
    }
}


/// The conversation's latest page again, with what a refused form needs shown.
async fn again(
    state: &AppState,
    mut page: Page,
    id: i64,
    e: &ApiError,
    extras: Extras,
) -> Result<Response, ApiError> {
    let view = conversation(state, &page, id, None).await?;
    if read_to_the_end(&view) {
        page.read_one("messages");
    }
    Ok(refused(
        render(&draw(state, &page, &view, None, extras).await?),
        e,
    ))
}

/// Sends a reply; one that fails its rules comes back with the draft kept.
pub async fn reply(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<BodyForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    match state
        .agora
        .messages()
        .send(&page.viewer, ConversationId(id), &form.body)
        .await
    {
        Ok(m) => Ok(see_other(&format!("/messages/{id}#message-{}", m.seq))),
        Err(e) => {
            let e = ApiError::from(e);
            if !on_form(&e) || e.status == axum::http::StatusCode::FORBIDDEN {
                return Err(e);
            }
            let extras = Extras {
                draft: form.body,
                reply_error: Some(e.message.clone()),
                ..Extras::default()
            };
            again(&state, page, id, &e, extras).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct AddForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    usernames: String,
    #[serde(default)]
    history: bool,
}

/// Adds members; a refusal (a name that is no member, the most members a conversation has)
/// comes back on the form.
pub async fn add(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<AddForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let names = usernames(&form.usernames);
    match state
        .agora
        .messages()
        .add(&page.viewer, ConversationId(id), &names, form.history)
        .await
    {
        Ok(()) => Ok(see_other(&format!("/messages/{id}?notice=added"))),
        Err(e) => {
            let e = ApiError::from(e);
            if !on_form(&e) || e.code == "accept_first" {
                return Err(e);
            }
            let extras = Extras {
                add_value: form.usernames,
                add_history: form.history,
                add_error: Some(e.message.clone()),
                ..Extras::default()
            };
            again(&state, page, id, &e, extras).await
        }
    }
}

async fn answer(
    state: &AppState,
    page: &Page,
    id: i64,
    form: &CsrfOnly,
    answer: Answer,
) -> Result<(), ApiError> {
    page.check_csrf(&form.csrf)?;
    Ok(state
        .agora
        .messages()
        .answer(&page.viewer, ConversationId(id), answer)
        .await?)
}

/// Accepts a request: the conversation moves to the inbox.
pub async fn accept(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    answer(&state, &page, id, &form, Answer::Accept).await?;
    Ok(see_other(&format!("/messages/{id}?notice=accepted")))
}

/// Declines a request: the one who wrote sees only that it was not accepted.
pub async fn decline(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    answer(&state, &page, id, &form, Answer::Decline).await?;
    Ok(see_other("/messages/requests?notice=declined"))
}

/// Leaves the conversation.
pub async fn leave(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    answer(&state, &page, id, &form, Answer::Leave).await?;
    Ok(see_other("/messages?notice=left"))
}
