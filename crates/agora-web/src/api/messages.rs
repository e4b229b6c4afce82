//! Private messages: the inbox and requests, conversations, their messages, members, and blocks.
//! A conversation answers 404 to everyone who is not in it, admins included, exactly as one that
//! never existed.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use agora_core::messages::{
    Answer, BlockKind, ConversationId, ConversationPage, InboxBox, Message, MessageId, Participant,
    ParticipantState, StartInput,
};

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Auth};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(tags((name = "messages", description = "Private messages: conversations, requests, blocks")))]
struct MessagesDoc;

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
pub(crate) fn link(conversation: i64, seq: i64) -> String {
    format!("/messages/{conversation}#m{seq}")
}

/// The routes of private messages, with their OpenAPI description.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(MessagesDoc::openapi())
        .routes(routes!(inbox, start))
        .routes(routes!(show))
        .routes(routes!(send))
        .routes(routes!(read))
        .routes(routes!(accept))
        .routes(routes!(decline))
        .routes(routes!(leave))
        .routes(routes!(add_members))
        .routes(routes!(edit, delete))
        .routes(routes!(revisions))
        .routes(routes!(blocks))
        .routes(routes!(block, unblock))
        .routes(routes!(ignore, unignore))
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

fn conversation_response(page: &ConversationPage) -> ConversationResponse {
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
        messages: page.messages.iter().map(message_response).collect(),
        earlier_before: page.earlier.then_some(page.first_seq),
        last_seq: page.conversation.last_seq,
    }
}

fn parse_box(raw: Option<&str>) -> Result<InboxBox, ApiError> {
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

/// Your conversations (or requests), latest activity first.
#[utoipa::path(get, path = "/api/v1/conversations", tag = "messages", params(InboxQuery),
    responses((status = 200, body = InboxResponse), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn inbox(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<InboxQuery>,
) -> Result<Json<InboxResponse>, ApiError> {
    let inbox = parse_box(q.inbox.as_deref())?;
    let page = state
        .agora
        .messages()
        .inbox(&auth.viewer, inbox, q.cursor.as_deref())
        .await?;
    Ok(Json(InboxResponse {
        conversations: page
            .entries
            .iter()
            .map(|e| ConversationSummary {
                id: e.conversation.id.0,
                subject: e.conversation.subject.clone(),
                moderation: e.conversation.moderation,
                with: e.with.clone(),
                unread: e.unread,
                message_count: e.conversation.last_seq,
                last_message_at: e.conversation.last_message_at.to_rfc3339(),
            })
            .collect(),
        next_cursor: page.next,
        unread_conversations: page.unread_conversations,
        requests: page.requests,
    }))
}

/// Starts a conversation. A first message to someone you never talked with (or from a member
/// below the site's trust level) waits in their requests.
#[utoipa::path(post, path = "/api/v1/conversations", tag = "messages", request_body = StartRequest,
    responses((status = 201, body = ConversationResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "strangers_not_allowed, you_block, staff_only, suspended, silenced, email_unverified"),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody, description = "new_conversations_limit")),
    security(("bearer" = [])))]
pub async fn start(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<StartRequest>,
) -> Result<(StatusCode, Json<ConversationResponse>), ApiError> {
    let messages = state.agora.messages();
    let id = messages
        .start(
            &auth.viewer,
            StartInput {
                to: req.to,
                subject: req.subject,
                body: req.body,
                moderation: req.moderation,
            },
        )
        .await?;
    let page = messages.conversation(&auth.viewer, id, None).await?;
    Ok((StatusCode::CREATED, Json(conversation_response(&page))))
}

/// A conversation and its latest messages (or those before `before`); reading it marks them
/// read.
#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "messages",
    params(("id" = i64, Path), ConversationQuery),
    responses((status = 200, body = ConversationResponse), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ConversationQuery>,
) -> Result<Json<ConversationResponse>, ApiError> {
    let page = state
        .agora
        .messages()
        .conversation(&auth.viewer, ConversationId(id), q.before)
        .await?;
    Ok(Json(conversation_response(&page)))
}

/// Writes a message in the conversation.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", tag = "messages",
    params(("id" = i64, Path)), request_body = MessageRequest,
    responses((status = 201, body = MessageResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "accept_first, suspended, silenced"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn send(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<MessageRequest>,
) -> Result<(StatusCode, Json<MessageResponse>), ApiError> {
    let m = state
        .agora
        .messages()
        .send(&auth.viewer, ConversationId(id), &req.body)
        .await?;
    Ok((StatusCode::CREATED, Json(message_response(&m))))
}

/// Marks the conversation read up to a message.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/read", tag = "messages",
    params(("id" = i64, Path)), request_body = ReadRequest,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ReadRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .agora
        .messages()
        .mark_read(&auth.viewer, ConversationId(id), req.seq)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn answer(state: &AppState, auth: &Auth, id: i64, a: Answer) -> Result<StatusCode, ApiError> {
    state
        .agora
        .messages()
        .answer(&auth.viewer, ConversationId(id), a)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accepts a request: the conversation moves to your inbox and you may reply.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/accept", tag = "messages",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "not_a_request"), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn accept(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    answer(&state, &auth, id, Answer::Accept).await
}

/// Declines a request: the one who wrote sees only that it was not accepted.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/decline", tag = "messages",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "not_a_request"), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn decline(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    answer(&state, &auth, id, Answer::Decline).await
}

/// Leaves the conversation: you read nothing of it any more.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/leave", tag = "messages",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn leave(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    answer(&state, &auth, id, Answer::Leave).await
}

/// Adds members; `history` lets them read the earlier messages.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/members", tag = "messages",
    params(("id" = i64, Path)), request_body = AddMembersRequest,
    responses((status = 204), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "accept_first, you_block, strangers_not_allowed"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_members(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<AddMembersRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .agora
        .messages()
        .add(
            &auth.viewer,
            ConversationId(id),
            &req.usernames,
            req.history,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes the text of your message; the version it replaces is kept.
#[utoipa::path(patch, path = "/api/v1/messages/{id}", tag = "messages",
    params(("id" = i64, Path)), request_body = MessageRequest,
    responses((status = 200, body = MessageResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "author_only, deleted, accept_first"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn edit(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<MessageRequest>,
) -> Result<Json<MessageResponse>, ApiError> {
    let m = state
        .agora
        .messages()
        .edit(&auth.viewer, MessageId(id), &req.body)
        .await?;
    Ok(Json(message_response(&m)))
}

/// Deletes your message: the others see that it was deleted.
#[utoipa::path(delete, path = "/api/v1/messages/{id}", tag = "messages",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "author_only"), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .agora
        .messages()
        .delete(&auth.viewer, MessageId(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The versions of a message its edits replaced, oldest first.
#[utoipa::path(get, path = "/api/v1/messages/{id}/revisions", tag = "messages",
    params(("id" = i64, Path)),
    responses((status = 200, body = Vec<MessageRevisionResponse>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn revisions(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<MessageRevisionResponse>>, ApiError> {
    let list = state
        .agora
        .messages()
        .revisions(&auth.viewer, MessageId(id))
        .await?;
    Ok(Json(
        list.into_iter()
            .map(|r| MessageRevisionResponse {
                body_markdown: r.body_markdown,
                replaced_at: r.replaced_at.to_rfc3339(),
            })
            .collect(),
    ))
}

/// The members you block or ignore.
#[utoipa::path(get, path = "/api/v1/blocks", tag = "messages",
    responses((status = 200, body = Vec<BlockResponse>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn blocks(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<BlockResponse>>, ApiError> {
    let list = state.agora.messages().blocks(&auth.viewer).await?;
    Ok(Json(
        list.into_iter()
            .map(|b| BlockResponse {
                username: b.username,
                display_name: b.display_name,
                kind: b.kind.as_str().into(),
                since: b.since.to_rfc3339(),
            })
            .collect(),
    ))
}

async fn set_block(
    state: &AppState,
    auth: &Auth,
    username: &str,
    kind: BlockKind,
    on: bool,
) -> Result<StatusCode, ApiError> {
    state
        .agora
        .messages()
        .set_block(&auth.viewer, username, kind, on)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Blocks a member: no conversations either way; the ones they take part in leave your inbox.
/// They are not told.
#[utoipa::path(put, path = "/api/v1/members/{username}/block", tag = "messages",
    params(("username" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "not_yourself, staff_cannot_be_blocked"),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn block(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(username): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    set_block(&state, &auth, &username, BlockKind::Block, true).await
}

/// Unblocks a member.
#[utoipa::path(delete, path = "/api/v1/members/{username}/block", tag = "messages",
    params(("username" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unblock(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(username): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    set_block(&state, &auth, &username, BlockKind::Block, false).await
}

/// Ignores a member: their posts and messages are collapsed for you and their mentions of you
/// dropped.
#[utoipa::path(put, path = "/api/v1/members/{username}/ignore", tag = "messages",
    params(("username" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "not_yourself, staff_cannot_be_blocked"),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn ignore(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(username): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    set_block(&state, &auth, &username, BlockKind::Ignore, true).await
}

/// Stops ignoring a member.
#[utoipa::path(delete, path = "/api/v1/members/{username}/ignore", tag = "messages",
    params(("username" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unignore(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(username): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    set_block(&state, &auth, &username, BlockKind::Ignore, false).await
}
