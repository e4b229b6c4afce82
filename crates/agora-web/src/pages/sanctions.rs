//! `/sanctions`: a member's sanctions with every reason, and their appeals.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::sanctions::SanctionKind;

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path, ApiQuery as Query};
use crate::pages::view::{Layout, date};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;

pub struct SanctionRow {
    id: i64,
    title: &'static str,
    reason: String,
    since: String,
    until: Option<String>,
    lifted: bool,
    active: bool,
}

#[derive(Template)]
#[template(path = "sanctions.html")]
struct Sanctions {
    layout: Layout,
    sanctions: Vec<SanctionRow>,
    notice: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// The member's sanctions.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, ApiError> {
    let rows = state.agora.moderation().my_sanctions(&page.viewer).await?;
    let now = state.agora.now();
    Ok(render(&Sanctions {
        layout: page.layout(
            "Your account's standing",
            "Sanctions and appeals.",
            "",
            true,
        ),
        sanctions: rows
            .iter()
            .map(|s| SanctionRow {
                id: s.id,
                title: match s.kind {
                    SanctionKind::Warning => "Warning",
                    SanctionKind::Silence => "Silenced",
                    SanctionKind::Suspension => "Suspended",
                    SanctionKind::Ban => "Banned",
                },
                reason: s.reason.clone(),
                since: date(s.starts_at),
                until: s.ends_at.map(date),
                lifted: s.lifted,
                active: s.active(now),
            })
            .collect(),
        notice: (q.notice.as_deref() == Some("appealed"))
            .then_some("Your appeal was sent to the moderators."),
    }))
}

#[derive(Debug, Deserialize)]
pub struct AppealForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    message: String,
}

/// Sends an appeal.
pub async fn appeal(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<AppealForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    state
        .agora
        .moderation()
        .appeal(&page.viewer, id, &form.message)
        .await?;
    Ok(see_other("/sanctions?notice=appealed"))
}
