//! Register, sign in, sign out.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;

use agora_core::members::{Registration, SessionKind, SessionToken};

use crate::api::dto::{AuthResponse, MeResponse};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, Auth, ClientAddr, clear_session_cookie, set_session_cookie};
use crate::state::AppState;

/// A new account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// 3–24 characters: letters, digits, `_`, `-`. Unique regardless of case.
    pub username: String,
    /// Never shown to other members.
    pub email: String,
    /// At least 10 characters.
    pub password: String,
    /// Shown beside your posts; defaults to the username.
    #[serde(default)]
    pub display_name: String,
    /// Required once the site has published documents (`GET /documents`): the person read
    /// and accepts their current versions.
    #[serde(default)]
    pub accept_documents: bool,
    /// Kinds of mail to get: `email_bulletins` (the only kind agora sends so far). None unless
    /// asked; recorded in the consent ledger.
    #[serde(default)]
    pub email_opt_ins: Vec<String>,
}

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Username or email address.
    pub login: String,
    pub password: String,
}

/// Creates an account and signs it in. An address another account confirmed is answered like
/// any other (its owner is told instead, and no link that could confirm it is sent).
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, body = AuthResponse, description = "Registered and signed in; also sets the session cookie"),
        (status = 409, body = ErrorBody, description = "username_taken"),
        (status = 422, body = ErrorBody, description = "A field failed its rules"),
        (status = 429, body = ErrorBody, description = "Too many registrations from this address"),
    ))]
pub async fn register(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> Result<Response, ApiError> {
    let form = Registration {
        username: req.username,
        email: req.email,
        password: req.password,
        display_name: req.display_name,
        accept_documents: req.accept_documents,
        email_opt_ins: req.email_opt_ins,
    };
    let (token, member) = state
        .agora
        .accounts()
        .register(form, SessionKind::Api, &client)
        .await?;
    Ok(signed_in(&state, StatusCode::CREATED, &token, &member))
}

/// Signs in with a username or email and a password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, body = AuthResponse, description = "Signed in; also sets the session cookie"),
        (status = 401, body = ErrorBody, description = "invalid_credentials (never says which part was wrong)"),
        (status = 429, body = ErrorBody, description = "Too many failed attempts; see Retry-After"),
    ))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let (token, member) = state
        .agora
        .accounts()
        .login(&req.login, &req.password, SessionKind::Api, &client)
        .await?;
    Ok(signed_in(&state, StatusCode::OK, &token, &member))
}

/// Ends the current session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "Signed out; the cookie is cleared")),
    security(("bearer" = [])))]
pub async fn logout(State(state): State<AppState>, auth: Auth) -> Result<Response, ApiError> {
    if let Some(token) = &auth.token {
        state.agora.accounts().logout(token).await?;
    }
    Ok(clear_session_cookie(StatusCode::NO_CONTENT.into_response()))
}

fn signed_in(
    state: &AppState,
    status: StatusCode,
    token: &SessionToken,
    member: &agora_core::members::Member,
) -> Response {
    let body = AuthResponse {
        token: token.0.clone(),
        member: MeResponse::from(member),
    };
    set_session_cookie((status, Json(body)).into_response(), state, token)
}

/// A token from a mail.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub token: String,
}

/// Confirms an email address with the token from the verification mail (the link in it
/// opens the page `/verify/{token}`, whose button does the same); 409 `email_taken` when
/// another account confirmed the address first.
#[utoipa::path(post, path = "/api/v1/auth/verify", tag = "auth", request_body = TokenRequest,
    responses((status = 200, body = MeResponse), (status = 404, body = ErrorBody, description = "invalid_link"),
        (status = 409, body = ErrorBody, description = "email_taken")))]
pub async fn verify(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<TokenRequest>,
) -> Result<Json<MeResponse>, ApiError> {
    let member = state.agora.accounts().confirm_email(&req.token).await?;
    Ok(Json(MeResponse::from(&member)))
}

/// Sends the verification mail again (three times an hour at most).
#[utoipa::path(post, path = "/api/v1/auth/verify/resend", tag = "auth",
    responses((status = 204), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn resend_verification(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<StatusCode, ApiError> {
    state
        .agora
        .accounts()
        .resend_verification(&auth.viewer)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whose password to reset.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    /// Username or email address.
    pub login: String,
}

/// Mails a password-reset link if the account exists; answers 202 either way.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth", request_body = ResetRequest,
    responses((status = 202, description = "A link was mailed if the account exists"),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn request_reset(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(req): ApiJson<ResetRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .agora
        .accounts()
        .request_password_reset(&req.login, &client)
        .await?;
    Ok(StatusCode::ACCEPTED)
}

/// A new password, with the token from the reset mail.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPasswordRequest {
    pub token: String,
    /// At least 10 characters.
    pub password: String,
}

/// Sets a new password; every session of the account ends.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "auth", request_body = NewPasswordRequest,
    responses((status = 204), (status = 404, body = ErrorBody, description = "invalid_link"), (status = 422, body = ErrorBody)))]
pub async fn confirm_reset(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<NewPasswordRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .agora
        .accounts()
        .reset_password(&req.token, &req.password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
