//! Mail a member chose to get: their opt-ins, the one-click unsubscribe, and bulletins.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use agora_core::mailings::{Bulletin, OptIn};

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, Auth};
use crate::state::AppState;

/// One kind of mail and whether the member gets it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OptInResponse {
    /// `email_bulletins` (the only mail members opt into so far).
    pub subject: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub granted: bool,
}

impl From<OptIn> for OptInResponse {
    fn from(o: OptIn) -> Self {
        Self {
            subject: o.subject,
            name: o.name,
            description: o.description,
            granted: o.granted,
        }
    }
}

/// An unsubscribe link's token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnsubscribeRequest {
    pub token: String,
}

/// What was unsubscribed.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnsubscribeResponse {
    /// The kind of mail, e.g. `Bulletins`.
    pub unsubscribed: &'static str,
}

/// A bulletin to send.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulletinRequest {
    /// One line, up to 150 characters.
    pub subject: String,
    /// Plain text (markdown is sent as written), up to 50,000 characters.
    pub body: String,
}

/// A bulletin.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulletinResponse {
    pub id: i64,
    pub subject: String,
    pub body: String,
    pub sent_by: String,
    pub created_at: String,
    /// Members who had opted in when it was sent.
    pub recipients: i64,
    /// Mails handed over so far; equals `recipients` when done.
    pub sent: i64,
}

impl From<Bulletin> for BulletinResponse {
    fn from(b: Bulletin) -> Self {
        Self {
            id: b.id,
            subject: b.subject,
            body: b.body,
            sent_by: b.sent_by,
            created_at: b.created_at.to_rfc3339(),
            recipients: b.recipients,
            sent: b.sent,
        }
    }
}

/// The kinds of mail the signed-in member gets; all off until switched on.
#[utoipa::path(get, path = "/api/v1/me/email-preferences", tag = "members",
    responses((status = 200, body = [OptInResponse]), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn preferences(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<OptInResponse>>, ApiError> {
    let rows = state
        .agora
        .mailings()
        .email_preferences(&auth.viewer)
        .await?;
    Ok(Json(rows.into_iter().map(OptInResponse::from).collect()))
}

/// Kinds of mail to switch on or off; absent ones stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesRequest {
    /// The community's newsletter: news, events and surveys.
    pub email_bulletins: Option<bool>,
}

/// Switches kinds of mail on or off, e.g. `{"email_bulletins": true}`; every change is a row of
/// the consent ledger.
#[utoipa::path(put, path = "/api/v1/me/email-preferences", tag = "members",
    request_body = PreferencesRequest,
    responses((status = 200, body = [OptInResponse]), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_preferences(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<PreferencesRequest>,
) -> Result<Json<Vec<OptInResponse>>, ApiError> {
    let choices: Vec<(String, bool)> = [("email_bulletins", req.email_bulletins)]
        .into_iter()
        .filter_map(|(subject, on)| on.map(|on| (subject.to_owned(), on)))
        .collect();
    let rows = state
        .agora
        .mailings()
        .set_email_preferences(&auth.viewer, &choices)
        .await?;
    Ok(Json(rows.into_iter().map(OptInResponse::from).collect()))
}

/// Unsubscribes with the token of a mail's unsubscribe link; no sign-in needed.
#[utoipa::path(post, path = "/api/v1/unsubscribe", tag = "members", request_body = UnsubscribeRequest,
    responses((status = 200, body = UnsubscribeResponse), (status = 404, body = ErrorBody)))]
pub async fn unsubscribe(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<UnsubscribeRequest>,
) -> Result<Json<UnsubscribeResponse>, ApiError> {
    let unsubscribed = state.agora.mailings().unsubscribe(&req.token).await?;
    Ok(Json(UnsubscribeResponse { unsubscribed }))
}

/// Bulletins sent, newest first (admins).
#[utoipa::path(get, path = "/api/v1/bulletins", tag = "site",
    responses((status = 200, body = [BulletinResponse]), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn bulletins(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<BulletinResponse>>, ApiError> {
    let rows = state.agora.mailings().bulletins(&auth.viewer).await?;
    Ok(Json(rows.into_iter().map(BulletinResponse::from).collect()))
}

/// Sends a bulletin to every member who opted in (admins). 202: the mails go out in the
/// background; `sent` shows the progress.
#[utoipa::path(post, path = "/api/v1/bulletins", tag = "site", request_body = BulletinRequest,
    responses((status = 202, body = BulletinResponse), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn send(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<BulletinRequest>,
) -> Result<(StatusCode, Json<BulletinResponse>), ApiError> {
    let b = state
        .agora
        .mailings()
        .send_bulletin(&auth.viewer, &req.subject, &req.body)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(b.into())))
}
