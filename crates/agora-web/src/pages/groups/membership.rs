//! Joining a public group or asking to join a closed one, leaving, and deciding a request to
//! join.

use axum::extract::State;
use axum::response::Response;

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path};
use crate::pages::auth::CsrfOnly;
use crate::pages::{Page, see_other};
use crate::state::AppState;

/// Joins a public group or asks to join a closed one.
pub async fn join(
    State(state): State<AppState>,
    page: Page,
    Path(slug): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let outcome = state.agora.groups().join(&page.viewer, &slug).await?;
    let notice = match outcome {
        agora_core::groups::JoinOutcome::Member => "joined",
        agora_core::groups::JoinOutcome::Pending => "requested",
    };
    Ok(see_other(&format!("/g/{slug}?notice={notice}")))
}

/// Leaves a group.
pub async fn leave(
    State(state): State<AppState>,
    page: Page,
    Path(slug): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    match state.agora.groups().leave(&page.viewer, &slug).await {
        Ok(()) => Ok(see_other(&format!("/g/{slug}?notice=left"))),
        Err(agora_core::groups::GroupError::LastOwner) => {
            Ok(see_other(&format!("/g/{slug}?notice=last-owner")))
        }
        Err(e) => Err(e.into()),
    }
}

/// Approves or rejects a request to join.
pub async fn decide(
    State(state): State<AppState>,
    page: Page,
    Path((slug, username, decision)): Path<(String, String, String)>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let approve = match decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(ApiError::not_found()),
    };
    state
        .agora
        .groups()
        .decide_request(&page.viewer, &slug, &username, approve)
        .await?;
    let notice = if approve { "approved" } else { "rejected" };
    Ok(see_other(&format!("/g/{slug}?notice={notice}")))
}
