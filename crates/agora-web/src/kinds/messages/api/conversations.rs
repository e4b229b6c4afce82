//! The inbox and requests, starting a conversation, reading and writing in one, answering a
//! request, leaving, adding members.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Auth};
use crate::state::AppState;

use agora_core::kinds::messages::{Answer, ConversationId, StartInput};

use super::{
    AddMembersRequest, ConversationQuery, ConversationResponse, ConversationSummary, InboxQuery,
    InboxResponse, MessageRequest, MessageResponse, ReadRequest, StartRequest,
    conversation_response, message_response, parse_box,
};

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
    Ok((StatusCode::CREATED, Json(conversation_response(&page, &auth.viewer))))
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
    Ok(Json(conversation_response(&page, &auth.viewer)))
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
