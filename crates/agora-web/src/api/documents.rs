//! Versioned documents (netiquette, terms, privacy policy) and the consent ledger.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use agora_core::consent::{Acceptance, ConsentRecord, Document};

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Auth};
use crate::state::AppState;

/// A document's current version.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentResponse {
    /// `netiquette`, `terms` or `privacy`.
    pub kind: String,
    pub title: &'static str,
    pub version: i64,
    /// Markdown.
    pub body: String,
    pub published_at: String,
}

impl From<&Document> for DocumentResponse {
    fn from(d: &Document) -> Self {
        Self {
            kind: d.kind.clone(),
            title: d.title(),
            version: d.version,
            body: d.body.clone(),
            published_at: d.published_at.to_rfc3339(),
        }
    }
}

/// One row of a consent ledger.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentResponse {
    pub subject: String,
    pub version: i64,
    pub granted: bool,
    pub at: String,
}

impl From<&ConsentRecord> for ConsentResponse {
    fn from(c: &ConsentRecord) -> Self {
        Self {
            subject: c.subject.clone(),
            version: c.version,
            granted: c.granted,
            at: c.at.to_rfc3339(),
        }
    }
}

/// A new version's text.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// Markdown.
    pub body: String,
}

/// What the member read and accepts.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    pub documents: Vec<AcceptedDocument>,
}

/// A document kind and the version read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptedDocument {
    pub kind: String,
    pub version: i64,
}

/// The current version of every published document.
#[utoipa::path(get, path = "/api/v1/documents", tag = "site", responses((status = 200, body = [DocumentResponse])))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<DocumentResponse>>, ApiError> {
    let docs = state.agora.consent().documents().await?;
    Ok(Json(docs.iter().map(DocumentResponse::from).collect()))
}

/// Publishes a new version (admins); members accept it before they post again.
#[utoipa::path(post, path = "/api/v1/documents/{kind}", tag = "site", params(("kind" = String, Path)),
    request_body = PublishRequest,
    responses((status = 201, body = DocumentResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn publish(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(kind): ApiPath<String>,
    ApiJson(req): ApiJson<PublishRequest>,
) -> Result<(StatusCode, Json<DocumentResponse>), ApiError> {
    let doc = state
        .agora
        .consent()
        .publish_document(&auth.viewer, &kind, &req.body)
        .await?;
    Ok((StatusCode::CREATED, Json(DocumentResponse::from(&doc))))
}

/// Current documents the signed-in member has not accepted yet.
#[utoipa::path(get, path = "/api/v1/me/documents", tag = "members",
    responses((status = 200, body = [DocumentResponse]), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn pending(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<DocumentResponse>>, ApiError> {
    if auth.viewer.id().is_none() {
        return Err(ApiError::sign_in_required());
    }
    let docs = state
        .agora
        .consent()
        .pending_documents(&auth.viewer)
        .await?;
    Ok(Json(docs.iter().map(DocumentResponse::from).collect()))
}

/// Records that the signed-in member accepts these versions.
#[utoipa::path(post, path = "/api/v1/me/consents", tag = "members", request_body = AcceptRequest,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn accept(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<AcceptRequest>,
) -> Result<StatusCode, ApiError> {
    let accepted: Vec<Acceptance> = req
        .documents
        .into_iter()
        .map(|d| Acceptance {
            kind: d.kind,
            version: d.version,
        })
        .collect();
    state
        .agora
        .consent()
        .accept_documents(&auth.viewer, &accepted)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in member's consent ledger.
#[utoipa::path(get, path = "/api/v1/me/consents", tag = "members",
    responses((status = 200, body = [ConsentResponse]), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn mine(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<ConsentResponse>>, ApiError> {
    let rows = state.agora.consent().my_consents(&auth.viewer).await?;
    Ok(Json(rows.iter().map(ConsentResponse::from).collect()))
}

/// A member's consent ledger, for an auditor (admins).
#[utoipa::path(get, path = "/api/v1/members/{username}/consents", tag = "members",
    params(("username" = String, Path)),
    responses((status = 200, body = [ConsentResponse]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn of_member(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(username): ApiPath<String>,
) -> Result<Json<Vec<ConsentResponse>>, ApiError> {
    let rows = state
        .agora
        .consent()
        .consents_of(&auth.viewer, &username)
        .await?;
    Ok(Json(rows.iter().map(ConsentResponse::from).collect()))
}
