//! `/admin/outbox`: each consumer of the outbox with how far behind it is and why it waits,
//! and the events parked after their last attempt, to retry or dismiss (admins).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::error::Refused;
use agora_core::events::OutboxState;
use agora_core::time::Timestamp;

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path, ApiQuery as Query};
use crate::pages::view::Layout;
use crate::pages::{Page, render, see_other};
use crate::state::AppState;

/// A time as the page shows it: machine-readable, and in words.
struct When {
    iso: String,
    words: String,
}

impl When {
    fn new(at: Timestamp) -> Self {
        Self {
            iso: at.to_rfc3339(),
            words: crate::pages::view::ago(at),
        }
    }

    /// A time to come, in seconds or minutes from now.
    fn ahead(at: Timestamp, now: Timestamp) -> Self {
        let secs = ((at.0 - now.0) / 1_000_000).max(1);
        let words = if secs < 60 {
            format!("in {secs} s")
        } else {
            format!("in {} min", (secs + 59) / 60)
        };
        Self {
            iso: at.to_rfc3339(),
            words,
        }
    }
}

struct ConsumerRow {
    name: String,
    running: bool,
    behind: i64,
    oldest: Option<When>,
    holder: Option<String>,
    failures: i64,
    error: Option<String>,
    retry: Option<When>,
}

struct ParkedRow {
    id: i64,
    consumer: String,
    event: i64,
    name: String,
    payload: String,
    recorded: When,
    parked: When,
    error: String,
    attempts: i64,
}

#[derive(Template)]
#[template(path = "admin_outbox.html")]
struct Outbox {
    layout: Layout,
    tab: &'static str,
    consumers: Vec<ConsumerRow>,
    parked: Vec<ParkedRow>,
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
        consumers: consumer_rows(&outbox, state.agora.now()),
        parked: outbox
            .parked
            .into_iter()
            .map(|p| ParkedRow {
                id: p.id,
                consumer: p.consumer,
                event: p.event,
                name: p.name,
                payload: p.payload,
                recorded: When::new(p.at),
                parked: When::new(p.parked_at),
                error: p.error,
                attempts: p.attempts,
            })
            .collect(),
        notice: None,
        error: None,
        max_attempts: agora_core::events::MAX_ATTEMPTS,
    })
}

fn consumer_rows(outbox: &OutboxState, now: Timestamp) -> Vec<ConsumerRow> {
    outbox
        .consumers
        .iter()
        .map(|(c, running)| {
            let failing = c.failures > 0;
            ConsumerRow {
                name: c.name.clone(),
                running: *running,
                behind: c.behind,
                oldest: c.oldest_waiting.map(When::new),
                holder: (c.leased_until.0 > now.0 && !c.holder.is_empty())
                    .then(|| c.holder.clone()),
                failures: c.failures,
                error: failing.then(|| c.last_error.clone()),
                retry: (failing && c.retry_at.0 > now.0).then(|| When::ahead(c.retry_at, now)),
            }
        })
        .collect()
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
