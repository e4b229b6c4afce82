//! Private messages: the inbox and requests, conversations, their messages, members, and blocks.
//! A conversation answers 404 to everyone who is not in it, admins included, exactly as one that
//! never existed.

mod blocks;
mod conversations;
mod edits;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use agora_core::kinds::messages::{ConversationPage, InboxBox, Message, Participant, ParticipantState};

use crate::error::ApiError;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(tags((name = "messages", description = "Private messages: conversations, requests, blocks")))]
struct MessagesDoc;

impl From<agora_core::kinds::messages::MessageError> for ApiError {
    fn from(e: agora_core::kinds::messages::MessageError) -> Self {
        use agora_core::kinds::messages::MessageError;
        match e {
            MessageError::Refused(r) => r.into(),
            MessageError::DailyLimit {
                allowed,
                retry_after_secs,
            } => {
                let mut e = Self::rate_limited(retry_after_secs);
                e.code = "new_conversations_limit";
                e.message = format!(
                    "New members may start {allowed} conversations a day. Reply in the ones you \
                     have, or start another in {}; the limit lifts as you take part.",
                    crate::error::human_seconds(retry_after_secs)
                );
                e
            }
        }
    }
}

/// The messages of this kind's refusal codes.
pub(crate) const FORBIDDEN: &[(&str, &str)] = &[
    (
        "accept_first",
        "Accept this conversation first: until then you can read it, not write in it.",
    ),
    (
        "not_a_request",
        "This conversation is not a request waiting for you.",
    ),
    (
        "you_block",
        "You block one of these members: unblock them first (Settings, Blocked members).",
    ),
    (
        "strangers_not_allowed",
        "New members can write only to members they have talked with. Take part in the forums for a while, or reply to a conversation someone starts with you.",
    ),
    (
        "staff_only",
        "Only the site's staff can send moderation messages.",
    ),
    (
        "staff_cannot_be_blocked",
        "The site's staff cannot be blocked or ignored.",
    ),
];

/// Where a message is read: its conversation's page, at the message.
pub(crate) fn link(_id: i64, conversation: i64, seq: i64) -> String {
    format!("/messages/{conversation}#m{seq}")
}

/// The routes of private messages, with their OpenAPI description.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(MessagesDoc::openapi())
        .routes(routes!(conversations::inbox, conversations::start))
        .routes(routes!(conversations::show))
        .routes(routes!(conversations::send))
        .routes(routes!(conversations::read))
        .routes(routes!(conversations::accept))
        .routes(routes!(conversations::decline))
        .routes(routes!(conversations::leave))
        .routes(routes!(conversations::add_members))
        .routes(routes!(edits::edit, edits::delete))
        .routes(routes!(edits::revisions))
        .routes(routes!(blocks::blocks))
        .routes(routes!(blocks::block, blocks::unblock))
        .routes(routes!(blocks::ignore, blocks::unignore))
}

/// Which conversations.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// `inbox` (default: the conversations you take part in) or `requests` (first messages
    /// waiting for you to accept).
    #[serde(rename = "box")]
    pub inbox: Option<String>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// A conversation in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationSummary {
    pub id: i64,
    pub subject: String,
    /// A moderation message from the site's staff.
    pub moderation: bool,
    /// The other members taking part or asked, by username.
    pub with: Vec<String>,
    pub unread: i64,
    pub message_count: i64,
    pub last_message_at: String,
}

/// A page of the inbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboxResponse {
    pub conversations: Vec<ConversationSummary>,
    pub next_cursor: Option<String>,
    /// Conversations with unread messages.
    pub unread_conversations: i64,
    /// Requests waiting.
    pub requests: i64,
}

/// A member of a conversation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantResponse {
    pub username: String,
    pub display_name: String,
    /// `active`, `not_accepted` (asked, and not accepted: whether they declined is theirs to
    /// know) or `left`; your own row says `requested` or `declined` precisely.
    pub state: String,
}

/// A message.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageResponse {
    pub id: i64,
    pub conversation_id: i64,
    /// Its number in the conversation, from 1.
    pub seq: i64,
    pub author: String,
    pub author_display_name: String,
    /// Empty once deleted.
    pub body_markdown: String,
    pub body_html: String,
    pub created_at: String,
    pub edited_at: Option<String>,
    pub deleted: bool,
    /// You ignore its author: a client shows it collapsed, as the site does.
    pub author_ignored: bool,
}

/// A conversation with its latest messages.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationResponse {
    pub id: i64,
    pub subject: String,
    pub moderation: bool,
    /// Your place in it: `active` or `requested`.
    pub state: String,
    /// Whether you may write in it (accept a request first).
    pub can_reply: bool,
    pub participants: Vec<ParticipantResponse>,
    /// Oldest first.
    pub messages: Vec<MessageResponse>,
    /// When earlier messages exist: the `before` that asks for them.
    pub earlier_before: Option<i64>,
    pub last_seq: i64,
}

/// Starting a conversation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartRequest {
    /// Usernames of the members to write to (1 to the site's maximum less one).
    pub to: Vec<String>,
    pub subject: String,
    /// Markdown.
    pub body: String,
    /// A moderation message (site staff only): marked as such; no block or request stops it.
    #[serde(default)]
    pub moderation: bool,
}

/// A message to send or a new text for one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    /// Markdown.
    pub body: String,
}

/// How far you have read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadRequest {
    /// The number of the last message read.
    pub seq: i64,
}

/// Members to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMembersRequest {
    pub usernames: Vec<String>,
    /// Whether they read the messages written before they were added.
    #[serde(default)]
    pub history: bool,
}

/// Which messages of a conversation.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConversationQuery {
    /// Messages before this number (the latest page when absent).
    pub before: Option<i64>,
}

/// A version of a message an edit replaced.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageRevisionResponse {
    pub body_markdown: String,
    pub replaced_at: String,
}

/// A member you block or ignore.
#[derive(Debug, Serialize, ToSchema)]
pub struct BlockResponse {
    pub username: String,
    pub display_name: String,
    /// `block` or `ignore`.
    pub kind: String,
    pub since: String,
}

pub(crate) fn message_response(m: &Message) -> MessageResponse {
    MessageResponse {
        id: m.id.0,
        conversation_id: m.conversation.0,
        seq: m.seq,
        author: m.author_username.clone(),
        author_display_name: m.author_display_name.clone(),
        body_markdown: m.body_markdown.clone(),
        body_html: m.body_html.clone(),
        created_at: m.created_at.to_rfc3339(),
        edited_at: m.edited_at.map(|t| t.to_rfc3339()),
        deleted: m.deleted,
        author_ignored: false,
    }
}

/// A participant's state as `viewer_id` may know it.
pub(crate) fn shown_state(p: &Participant, me: agora_core::MemberId) -> &'static str {
    match p.state {
        _ if p.member == me => p.state.as_str(),
        ParticipantState::Active => "active",
        ParticipantState::Requested | ParticipantState::Declined => "not_accepted",
        ParticipantState::Left => "left",
    }
}

pub(super) fn conversation_response(
    page: &ConversationPage,
    viewer: &agora_core::Viewer,
) -> ConversationResponse {
    let me = page.me.member;
    ConversationResponse {
        id: page.conversation.id.0,
        subject: page.conversation.subject.clone(),
        moderation: page.conversation.moderation,
        state: page.me.state.as_str().into(),
        can_reply: page.me.state == ParticipantState::Active,
        participants: page
            .participants
            .iter()
            .map(|p| ParticipantResponse {
                username: p.username.clone(),
                display_name: p.display_name.clone(),
                state: shown_state(p, me).into(),
            })
            .collect(),
        messages: page
            .messages
            .iter()
            .map(|m| MessageResponse {
                author_ignored: viewer.ignores(m.author),
                ..message_response(m)
            })
            .collect(),
        earlier_before: page.earlier.then_some(page.first_seq),
        last_seq: page.conversation.last_seq,
    }
}

pub(super) fn parse_box(raw: Option<&str>) -> Result<InboxBox, ApiError> {
    match raw.unwrap_or("inbox") {
        "inbox" => Ok(InboxBox::Inbox),
        "requests" => Ok(InboxBox::Requests),
        _ => Err(agora_core::Invalid::new(
            "box",
            "invalid_box",
            "Ask for box=inbox or box=requests.",
        )
        .into()),
    }
}
