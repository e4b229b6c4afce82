//! `/admin/outbox`: each consumer of the outbox with how far behind it is and why it waits,
//! and the events parked after their last attempt, to retry or dismiss (admins).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::error::Refused;

use crate::api::outbox::OutboxResponse;
use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path, ApiQuery as Query};
use crate::pages::view::Layout;
use crate::pages::{Page, render, see_other};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin_outbox.html")]
struct Outbox {
    layout: Layout,
    tab: &'static str,
    outbox: OutboxResponse,
    notice: Option<&'static str>,
    error: Option<String>,
    max_attempts: i64,
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn outbox_page(state: &AppState, page: &Page) -> Result<Outbox, ApiError> {
    let outbox = state.agora.events().state(&page.viewer).await?;
    Ok(Outbox {
        layout: page.layout(
            "Admin: outbox",
            "The outbox's consumers and parked events.",
            "admin",
            true,
        ),
        tab: "outbox",
        outbox: OutboxResponse::new(outbox, state.agora.now()),
        notice: None,
        error: None,
        max_attempts: agora_core::events::MAX_ATTEMPTS,
    })
}

/// `/admin/outbox`.
pub async fn outbox(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, ApiError> {
    let mut view = outbox_page(&state, &page).await?;
    view.notice = match q.notice.as_deref() {
        Some("retried") => Some("The event was handled and is no longer parked."),
        Some("dismissed") => Some("The event was dismissed without being handled."),
        _ => None,
    };
    Ok(render(&view))
}

/// Hands a parked event to its consumer again; if it fails again, the page says why (422).
pub async fn retry(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    match state.agora.events().retry_parked(&page.viewer, id).await {
        Ok(()) => Ok(see_other("/admin/outbox?notice=retried")),
        Err(Refused::Invalid(i)) => {
            let mut view = outbox_page(&state, &page).await?;
            let e = ApiError::from(i);
            view.error = Some(format!("It failed again: {}", e.message));
            let mut res = render(&view);
            *res.status_mut() = e.status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

/// Deletes a parked event without handling it.
pub async fn dismiss(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    state
        .agora
        .events()
        .dismiss_parked(&page.viewer, id)
        .await?;
    Ok(see_other("/admin/outbox?notice=dismissed"))
}
