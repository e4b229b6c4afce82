//! Legal complaints about items of every kind (anyone who can read the item, guests too) and
//! the cases the moderators review.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use agora_core::PostId;
use agora_core::complaints::{CaseEvent, CaseView, ComplaintInput, Filed};
use agora_core::forum::items::{POST, post_ref};
use agora_core::items::refs::ItemRef;

use crate::api::flags::{ItemRefResponse, item_ref};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Auth, ClientAddr};
use crate::state::AppState;

/// A legal complaint about a post.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintRequest {
    /// Your name (guests; a member's display name is used).
    #[serde(default)]
    pub name: String,
    /// Where we write to you (guests; a member's address is used). Never shown to anyone.
    #[serde(default)]
    pub email: String,
    /// `defamation`, `copyright`, `privacy` or `other`.
    pub kind: String,
    /// What is unlawful about the post, and why (20–10,000 characters).
    pub statement: String,
    /// You declare in good faith that the complaint is accurate; must be true.
    #[serde(default)]
    pub good_faith: bool,
}

/// A filed complaint.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiledResponse {
    /// Quote it when you write to the community.
    pub reference: String,
    /// `open` (first in the moderators' queue) or `unconfirmed` (open the link we mailed and
    /// confirm).
    pub status: &'static str,
}

impl From<Filed> for FiledResponse {
    fn from(f: Filed) -> Self {
        Self {
            reference: f.reference,
            status: f.status.as_str(),
        }
    }
}

/// The token from a confirmation mail.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    pub token: String,
}

/// A case, as moderators see it (the complainant's address is never shown).
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseResponse {
    pub id: i64,
    pub reference: String,
    /// `unconfirmed`, `open`, `removed` or `restored`.
    pub status: &'static str,
    pub kind: String,
    pub statement: String,
    pub complainant_name: String,
    /// The complainant's username, when a member filed it.
    pub complainant_member: Option<String>,
    /// What the complaint is about, by reference (none if it is gone).
    pub item: Option<ItemRefResponse>,
    /// For a post, its id; none for other kinds.
    pub post_id: Option<i64>,
    /// For a post, its topic.
    pub topic_id: Option<i64>,
    /// What the item belongs to: a topic's title, a conversation's subject.
    pub topic_title: String,
    /// The item's author.
    pub post_author: String,
    /// The item's words (up to 500 characters), as its kind shows them to a moderator.
    pub post_excerpt: String,
    pub created_at: String,
    pub decided_at: Option<String>,
    /// When the moderators should decide an open case by (two days after it opened).
    pub due_at: Option<String>,
    /// Whether the case hid the item: at once (the site hides complaints of this kind at
    /// once) or by upholding the complaint.
    pub post_hidden: bool,
}

impl From<&CaseView> for CaseResponse {
    fn from(v: &CaseView) -> Self {
        let c = &v.case;
        let item: Option<ItemRef> = v.item.as_ref().map(|i| i.item);
        let post = item.filter(|i| i.kind == POST).map(|i| i.id);
        Self {
            id: c.id,
            reference: c.reference.clone(),
            status: c.status.as_str(),
            kind: c.kind.clone(),
            statement: c.statement.clone(),
            complainant_name: c.complainant_name.clone(),
            complainant_member: c.complainant_member.clone(),
            item: item.map(ItemRefResponse::from),
            post_id: post,
            topic_id: v
                .item
                .as_ref()
                .filter(|_| post.is_some())
                .map(|i| i.container),
            topic_title: v.title().to_owned(),
            post_author: v.author_name().to_owned(),
            post_excerpt: v.body().chars().take(500).collect(),
            created_at: c.created_at.to_rfc3339(),
            decided_at: c.decided_at.map(|d| d.to_rfc3339()),
            due_at: c.due_at.map(|d| d.to_rfc3339()),
            post_hidden: c.item_hidden,
        }
    }
}

/// One step of a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseEventResponse {
    pub at: String,
    pub actor: String,
    /// `filed`, `confirmed`, `opened`, `note`, `message`, `removed` or `restored`.
    pub action: String,
    pub note: String,
}

impl From<&CaseEvent> for CaseEventResponse {
    fn from(e: &CaseEvent) -> Self {
        Self {
            at: e.at.to_rfc3339(),
            actor: e.actor.clone(),
            action: e.action.clone(),
            note: e.note.clone(),
        }
    }
}

/// A case with every step.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseDetailResponse {
    #[serde(flatten)]
    pub case: CaseResponse,
    pub events: Vec<CaseEventResponse>,
}

/// A note on a case.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseNoteRequest {
    pub note: String,
    /// Mail the note to the complainant (it is kept as a `message` step); otherwise internal.
    #[serde(default)]
    pub to_complainant: bool,
}

/// A decision on an open case.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseDecisionRequest {
    /// `remove` (the item stays hidden) or `restore` (it is shown again).
    pub decision: String,
    /// Mailed to the complainant and the author, and kept in the case and the audit log.
    pub reason: String,
}

/// Files a legal complaint about a post you can read; no account needed. A verified member's
/// complaint opens a case at once; a guest's once they follow the link we mail. The same as
/// `POST /api/v1/items/post/{id}/complaints`.
#[utoipa::path(post, path = "/api/v1/posts/{id}/complaints", tag = "moderation",
    params(("id" = i64, Path)), request_body = ComplaintRequest,
    responses((status = 201, body = FiledResponse), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn file(
    State(state): State<AppState>,
    auth: Auth,
    ClientAddr(client): ClientAddr,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ComplaintRequest>,
) -> Result<(StatusCode, Json<FiledResponse>), ApiError> {
    file_about(&state, &auth, &client, post_ref(PostId(id)), req).await
}

/// Files the complaint about `item`.
async fn file_about(
    state: &AppState,
    auth: &Auth,
    client: &str,
    item: ItemRef,
    req: ComplaintRequest,
) -> Result<(StatusCode, Json<FiledResponse>), ApiError> {
    let input = ComplaintInput {
        name: req.name,
        email: req.email,
        kind: req.kind,
        statement: req.statement,
        good_faith: req.good_faith,
    };
    let filed = state
        .agora
        .legal()
        .file_complaint(&auth.viewer, client, item, input)
        .await?;
    Ok((StatusCode::CREATED, Json(filed.into())))
}

/// Files a legal complaint about an item of any kind you can read (a post, a message…); no
/// account needed. A verified member's complaint opens a case at once; a guest's once they
/// follow the link we mail.
#[utoipa::path(post, path = "/api/v1/items/{kind}/{id}/complaints", tag = "moderation",
    params(("kind" = String, Path), ("id" = i64, Path)), request_body = ComplaintRequest,
    responses((status = 201, body = FiledResponse), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn file_item(
    State(state): State<AppState>,
    auth: Auth,
    ClientAddr(client): ClientAddr,
    ApiPath((kind, id)): ApiPath<(String, i64)>,
    ApiJson(req): ApiJson<ComplaintRequest>,
) -> Result<(StatusCode, Json<FiledResponse>), ApiError> {
    let item = item_ref(&state, &kind, id)?;
    file_about(&state, &auth, &client, item, req).await
}

/// Confirms a guest's complaint with the token from the mail; the post is hidden pending review.
#[utoipa::path(post, path = "/api/v1/complaints/confirm", tag = "moderation",
    request_body = ConfirmRequest,
    responses((status = 200, body = FiledResponse), (status = 404, body = ErrorBody)))]
pub async fn confirm(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ConfirmRequest>,
) -> Result<Json<FiledResponse>, ApiError> {
    Ok(Json(
        state
            .agora
            .legal()
            .confirm_complaint(&req.token)
            .await?
            .into(),
    ))
}

/// Legal cases about items you decide complaints about, open ones first (the site's staff: a
/// group's items where they read the group, every audience beyond groups).
#[utoipa::path(get, path = "/api/v1/legal-cases", tag = "moderation",
    responses((status = 200, body = [CaseResponse]), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<CaseResponse>>, ApiError> {
    let cases = state.agora.legal().legal_cases(&auth.viewer).await?;
    Ok(Json(cases.iter().map(CaseResponse::from).collect()))
}

/// A legal case with every step (site moderators).
#[utoipa::path(get, path = "/api/v1/legal-cases/{id}", tag = "moderation", params(("id" = i64, Path)),
    responses((status = 200, body = CaseDetailResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CaseDetailResponse>, ApiError> {
    let (case, events) = state.agora.legal().legal_case(&auth.viewer, id).await?;
    Ok(Json(CaseDetailResponse {
        case: (&case).into(),
        events: events.iter().map(CaseEventResponse::from).collect(),
    }))
}

/// Adds a note to a case, or a message mailed to the complainant (site moderators).
#[utoipa::path(post, path = "/api/v1/legal-cases/{id}/notes", tag = "moderation", params(("id" = i64, Path)),
    request_body = CaseNoteRequest,
    responses((status = 201), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn note(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CaseNoteRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .agora
        .legal()
        .note_case(&auth.viewer, id, &req.note, req.to_complainant)
        .await?;
    Ok(StatusCode::CREATED)
}

/// Decides an open case: the post stays removed, or is restored (site moderators).
#[utoipa::path(post, path = "/api/v1/legal-cases/{id}/decision", tag = "moderation", params(("id" = i64, Path)),
    request_body = CaseDecisionRequest,
    responses((status = 200, body = CaseResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn decide(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CaseDecisionRequest>,
) -> Result<Json<CaseResponse>, ApiError> {
    let case = state
        .agora
        .legal()
        .decide_case(&auth.viewer, id, &req.decision, &req.reason)
        .await?;
    Ok(Json((&case).into()))
}
