//! The audit log, searchable (admins and site moderators).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::ApiQuery as Query;
use crate::pages::view::Layout;
use crate::pages::{Page, render};
use crate::state::AppState;

pub struct AuditRow {
    iso: String,
    when: String,
    actor: String,
    action: String,
    target: String,
    /// `post:12`: links to everything done to it.
    reference: Option<String>,
    detail: String,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct Audit {
    layout: Layout,
    tab: &'static str,
    query: String,
    query_url: String,
    /// Only entries about this reference (`post:12`), if given.
    target: String,
    target_url: String,
    entries: Vec<AuditRow>,
    next_before: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    q: Option<String>,
    target: Option<String>,
    before: Option<i64>,
}

/// `/admin/audit`: the audit log, searchable (admins and site moderators).
pub async fn audit(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<AuditQuery>,
) -> Result<Response, ApiError> {
    let query = q.q.unwrap_or_default();
    let target = q.target.unwrap_or_default();
    // One more than a page, only to know whether an older page follows.
    let mut entries = state
        .agora
        .moderation()
        .audit_log(&page.viewer, Some(&query), Some(&target), q.before, 51)
        .await?;
    if q.before.is_some() && entries.is_empty() {
        return Err(ApiError::past_the_end());
    }
    let more = entries.len() > 50;
    entries.truncate(50);
    let next_before = more.then(|| entries.last().map(|e| e.id)).flatten();
    Ok(render(&Audit {
        layout: page.layout("Admin: audit log", "The audit log.", "admin", true),
        tab: "audit",
        query_url: crate::pages::urlencode(&query),
        query,
        target_url: crate::pages::urlencode(&target),
        target,
        entries: entries
            .into_iter()
            .map(|e| AuditRow {
                iso: e.at.to_rfc3339(),
                when: crate::pages::view::ago(e.at),
                actor: e.actor_name,
                action: e.action,
                reference: e.target_id.map(|id| format!("{}:{id}", e.target_kind)),
                target: e.target,
                detail: e.detail,
            })
            .collect(),
        next_before,
    }))
}
