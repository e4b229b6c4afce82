//! The inbox (the conversations one takes part in, latest activity first, the unread ones with
//! their count) and the requests (first messages waiting to be accepted, each with its opening
//! words and the buttons that answer it), both paged by cursor.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::content::markdown::excerpt;
use agora_core::kinds::messages::{ConversationId, InboxBox, InboxEntry};

use crate::error::ApiError;
use crate::extract::ApiQuery as Query;
use crate::pages::view::{Layout, ago, hue, initial};
use crate::pages::{Page, render};
use crate::state::AppState;

/// Characters of a request's first message shown in the list.
const OPENING: usize = 160;

/// A conversation in the list.
pub struct Row {
    id: i64,
    subject: String,
    moderation: bool,
    /// The others taking part or asked, by username.
    with: Vec<String>,
    initial: String,
    hue: u8,
    unread: i64,
    messages: i64,
    iso: String,
    ago: String,
    /// A request's first words; empty in the inbox.
    opening: String,
}

#[derive(Template)]
#[template(path = "messages/inbox.html")]
struct Inbox {
    layout: Layout,
    /// The requests rather than the inbox.
    requests_box: bool,
    rows: Vec<Row>,
    next: Option<String>,
    unread: i64,
    requests: i64,
    notice: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
pub struct InboxQuery {
    cursor: Option<String>,
    notice: Option<String>,
}

/// `/messages`: the conversations one takes part in.
pub async fn inbox(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<InboxQuery>,
) -> Result<Response, ApiError> {
    list(&state, &page, InboxBox::Inbox, q).await
}

/// `/messages/requests`: first messages waiting for the viewer to accept them.
pub async fn requests(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<InboxQuery>,
) -> Result<Response, ApiError> {
    list(&state, &page, InboxBox::Requests, q).await
}

async fn list(
    state: &AppState,
    page: &Page,
    which: InboxBox,
    q: InboxQuery,
) -> Result<Response, ApiError> {
    let messages = state.agora.messages();
    let list = messages
        .inbox(&page.viewer, which, q.cursor.as_deref())
        .await?;
    let requests_box = which == InboxBox::Requests;
    let mut rows: Vec<Row> = list.entries.iter().map(row).collect();
    if requests_box {
        // A request's first message (a page of requests holds at most 30, and they are rare).
        for r in &mut rows {
            let first = messages
                .conversation(&page.viewer, ConversationId(r.id), Some(2))
                .await?;
            if let Some(m) = first.messages.first() {
                r.opening = excerpt(&m.body_markdown, OPENING);
            }
        }
    }
    let notice = match q.notice.as_deref() {
        Some("declined") => {
            Some("Declined. The member who wrote sees only that it was not accepted.")
        }
        Some("left") => Some("You left the conversation; it is no longer in your messages."),
        _ => None,
    };
    let (title, description) = if requests_box {
        (
            "Message requests",
            "First messages from members you have not talked with yet.",
        )
    } else {
        ("Messages", "Your private conversations.")
    };
    Ok(render(&Inbox {
        layout: page.layout(title, description, "messages", true),
        requests_box,
        rows,
        next: list.next,
        unread: list.unread_conversations,
        requests: list.requests,
        notice,
    }))
}

fn row(e: &InboxEntry) -> Row {
    let c = &e.conversation;
    let first = e.with.first().map_or("", String::as_str);
    Row {
        id: c.id.0,
        subject: c.subject.clone(),
        moderation: c.moderation,
        with: e.with.clone(),
        initial: initial(first, "?"),
        hue: hue(first),
        unread: e.unread,
        messages: c.last_seq,
        iso: c.last_message_at.to_rfc3339(),
        ago: ago(c.last_message_at),
        opening: String::new(),
    }
}
