//! A conversation's page: its subject (and the mark of a moderation message), its members as
//! the viewer may know them, its messages (the latest page, or those before `?before=`), and
//! the forms: reply (with "Quote" filling it), add members, leave; for a request, accept and
//! decline at the top and no reply. Reading it marks it read.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::kinds::messages::{Answer, ConversationId, ConversationPage, MessageId, ParticipantState};
use agora_core::items::Capabilities;
use agora_core::items::refs::ItemRef;
use agora_core::kinds::messages::{message_facts, message_ref};
use agora_core::{MemberId, Viewer};

use super::{BodyForm, on_form, refused, state_label, usernames};
use crate::kinds::messages::api::shown_state;
use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path, ApiQuery as Query};
use crate::pages::auth::CsrfOnly;
use crate::pages::reactions::item_bar;
use crate::pages::view::{Layout, ago, hue, initial};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;

/// A message as the page draws it.
pub struct MessageView {
    id: i64,
    seq: i64,
    username: String,
    display_name: String,
    initial: String,
    hue: u8,
    avatar: Option<String>,
    iso: String,
    ago: String,
    edited: bool,
    deleted: bool,
    body_html: String,
    /// The viewer wrote it.
    own: bool,
    /// Written by a member the viewer ignores: collapsed.
    ignored: bool,
    /// The reactions and bookmark bar under it (HTML), as under a post.
    bar: Option<String>,
    /// The viewer may report it to the site's staff.
    can_report: bool,
}

/// A member of the conversation as the viewer may know them.
pub struct Member {
    username: String,
    display_name: String,
    initial: String,
    hue: u8,
    /// Empty while taking part; "not accepted", "left"…
    label: &'static str,
    me: bool,
}

#[derive(Template)]
#[template(path = "messages/conversation.html")]
struct ConversationView {
    layout: Layout,
    id: i64,
    subject: String,
    moderation: bool,
    /// The viewer was asked and has not answered: accept or decline, no reply.
    request: bool,
    /// Who started it (display name).
    starter: String,
    can_reply: bool,
    members: Vec<Member>,
    messages: Vec<MessageView>,
    /// The `before` that shows the messages before these, when there are some.
    earlier: Option<i64>,
    /// Later messages exist than those shown.
    later: bool,
    /// The `before` of this page, kept by its links.
    before: Option<i64>,
    draft: String,
    reply_error: Option<String>,
    add_value: String,
    add_history: bool,
    add_error: Option<String>,
    notice: Option<&'static str>,
}

/// What a page shows beyond the conversation: a draft, a form's refusal, a notice.
#[derive(Default)]
struct Extras {
    draft: String,
    reply_error: Option<String>,
    add_value: String,
    add_history: bool,
    add_error: Option<String>,
    notice: Option<&'static str>,
}

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

async fn draw(
    state: &AppState,
    page: &Page,
    view: &ConversationPage,
    before: Option<i64>,
    extras: Extras,
) -> Result<ConversationView, ApiError> {
    let me = view.me.member;
    // The reactions, the viewer's bookmarks and whom the viewer ignores: one read, as for a
    // topic's posts.
    let refs: Vec<ItemRef> = view
        .messages
        .iter()
        .filter(|m| !m.deleted)
        .map(|m| message_ref(m.id))
        .collect();
    let mut shown = state.agora.reactions().shown(&page.viewer, &refs).await?;
    let csrf = page.csrf();
    let mut messages = Vec::with_capacity(view.messages.len());
    for m in &view.messages {
        let can = Capabilities::of(&page.viewer, view.access, &message_facts(m));
        let bar = if m.deleted {
            None
        } else {
            item_bar(page, &csrf, message_ref(m.id), &mut shown, can.react)?
        };
        messages.push((m, bar, can.flag && m.author != me));
    }
    let authors: Vec<MemberId> = view.messages.iter().map(|m| m.author).collect();
    let avatars = state.agora.media().avatars_of(&authors).await?;
    let avatars: HashMap<MemberId, String> = avatars
        .iter()
        .map(|(id, a)| (*id, a.url(96).to_owned()))
        .collect();
    let c = &view.conversation;
    let starter = view
        .participants
        .iter()
        .find(|p| p.member == c.started_by)
        .map(|p| p.display_name.clone())
        .unwrap_or_default();
    let last_shown = view.messages.last().map_or(0, |m| m.seq);
    Ok(ConversationView {
        layout: page.layout(&c.subject, "A private conversation.", "messages", true),
        id: c.id.0,
        subject: c.subject.clone(),
        moderation: c.moderation,
        request: view.me.state == ParticipantState::Requested,
        starter,
        can_reply: view.me.state == ParticipantState::Active,
        members: view
            .participants
            .iter()
            .map(|p| Member {
                username: p.username.clone(),
                display_name: p.display_name.clone(),
                initial: initial(&p.display_name, &p.username),
                hue: hue(&p.username),
                label: state_label(shown_state(p, me)),
                me: p.member == me,
            })
            .collect(),
        messages: messages
            .into_iter()
            .map(|(m, bar, can_report)| MessageView {
                id: m.id.0,
                seq: m.seq,
                username: m.author_username.clone(),
                display_name: m.author_display_name.clone(),
                initial: initial(&m.author_display_name, &m.author_username),
                hue: hue(&m.author_username),
                avatar: avatars.get(&m.author).cloned(),
                iso: m.created_at.to_rfc3339(),
                ago: ago(m.created_at),
                edited: m.edited_at.is_some(),
                deleted: m.deleted,
                body_html: m.body_html.clone(),
                own: m.author == me,
                ignored: shown.ignored.contains(&m.author),
                bar,
                can_report,
            })
            .collect(),
        earlier: view.earlier.then_some(view.first_seq),
        later: last_shown < c.last_seq && before.is_some(),
        before,
        draft: extras.draft,
        reply_error: extras.reply_error,
        add_value: extras.add_value,
        add_history: extras.add_history,
        add_error: extras.add_error,
        notice: extras.notice,
    })
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
