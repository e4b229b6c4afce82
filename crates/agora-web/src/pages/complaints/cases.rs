//! The moderators' cases: the list, one case with every step, a note, and the decision.

use agora_core::error::Refused;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::complaints::{CaseStatus, ComplaintError};

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path};
use crate::pages::view::{Layout, date};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;
use agora_core::content::markdown::excerpt;

pub struct CaseRow {
    id: i64,
    reference: String,
    status: &'static str,
    kind: String,
    /// The item's kind, what it belongs to and its author, as its kind shows them.
    noun: String,
    topic_title: String,
    post_author: String,
    filed: String,
    filed_iso: String,
}

#[derive(Template)]
#[template(path = "admin_cases.html")]
struct Cases {
    layout: Layout,
    tab: &'static str,
    cases: Vec<CaseRow>,
}

/// `/admin/cases`: every case the moderator may see, open ones first.
pub async fn cases(State(state): State<AppState>, page: Page) -> Result<Response, ApiError> {
    let cases = state.agora.legal().legal_cases(&page.viewer).await?;
    Ok(render(&Cases {
        layout: page.layout(
            "Admin: legal complaints",
            "Legal complaints.",
            "admin",
            true,
        ),
        tab: "cases",
        cases: cases
            .into_iter()
            .map(|v| CaseRow {
                noun: v.case.noun().to_owned(),
                topic_title: v.title().to_owned(),
                post_author: v.author_name().to_owned(),
                id: v.case.id,
                reference: v.case.reference,
                status: v.case.status.as_str(),
                kind: v.case.kind,
                filed: date(v.case.created_at),
                filed_iso: v.case.created_at.to_rfc3339(),
            })
            .collect(),
    }))
}

#[derive(Template)]
#[template(path = "admin_case.html")]
struct CasePage {
    layout: Layout,
    tab: &'static str,
    id: i64,
    reference: String,
    status: &'static str,
    open: bool,
    kind: String,
    complainant: String,
    statement: String,
    /// The item's kind, its page (if its kind has one and it is still there), what it belongs
    /// to, its author and its words, as its kind shows them to a moderator.
    noun: String,
    item: Option<Option<String>>,
    topic_title: String,
    post_author: String,
    post_excerpt: String,
    /// When an open case should be decided by: (shown, ISO, overdue).
    due: Option<(String, String, bool)>,
    post_hidden: bool,
    /// (iso time, shown time, actor, action, note)
    events: Vec<(String, String, String, String, String)>,
    form_error: Option<String>,
}

async fn case_page(state: &AppState, page: &Page, id: i64) -> Result<CasePage, ApiError> {
    let (v, events) = state.agora.legal().legal_case(&page.viewer, id).await?;
    let item = v.item.as_ref().map(|i| {
        crate::items::link(crate::items::Place {
            item: i.item,
            container: i.container,
            position: i.position,
        })
    });
    let (topic_title, post_author) = (v.title().to_owned(), v.author_name().to_owned());
    let post_excerpt = excerpt(v.body(), 500);
    let noun = v.case.noun().to_owned();
    let c = v.case;
    let complainant = match &c.complainant_member {
        Some(u) => format!("{} (@{u}, a member)", c.complainant_name),
        None => format!("{} (a guest; agora writes to them)", c.complainant_name),
    };
    Ok(CasePage {
        layout: page.layout(
            &format!("Case {}", c.reference),
            "A legal complaint.",
            "admin",
            true,
        ),
        tab: "cases",
        id: c.id,
        reference: c.reference,
        status: c.status.as_str(),
        open: c.status == CaseStatus::Open,
        kind: c.kind,
        complainant,
        statement: c.statement,
        noun,
        item,
        topic_title,
        post_author,
        post_excerpt,
        due: c
            .due_at
            .filter(|_| c.status == CaseStatus::Open)
            .map(|d| (date(d), d.to_rfc3339(), d < state.agora.now())),
        post_hidden: c.item_hidden,
        events: events
            .into_iter()
            .map(|e| (e.at.to_rfc3339(), date(e.at), e.actor, e.action, e.note))
            .collect(),
        form_error: None,
    })
}

/// `/admin/cases/{id}`: one case with every step.
pub async fn case(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(render(&case_page(&state, &page, id).await?))
}

#[derive(Debug, Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    note: String,
    to_complainant: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

/// Draws the case again with the error on top.
async fn case_error(
    state: &AppState,
    page: &Page,
    id: i64,
    e: ApiError,
) -> Result<Response, ApiError> {
    let mut view = case_page(state, page, id).await?;
    view.form_error = Some(e.message.clone());
    let mut res = render(&view);
    *res.status_mut() = e.status;
    Ok(res)
}

/// Adds a note or a message to the complainant.
pub async fn note(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<NoteForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let to_complainant = form.to_complainant.as_deref() == Some("true");
    match state
        .agora
        .legal()
        .note_case(&page.viewer, id, &form.note, to_complainant)
        .await
    {
        Ok(()) => Ok(see_other(&format!("/admin/cases/{id}"))),
        Err(ComplaintError::Refused(Refused::Invalid(i))) => {
            case_error(&state, &page, id, i.into()).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Decides the case.
pub async fn decide(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<DecideForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    match state
        .agora
        .legal()
        .decide_case(&page.viewer, id, &form.decision, &form.reason)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/admin/cases/{id}"))),
        Err(ComplaintError::Refused(Refused::Invalid(i))) => {
            case_error(&state, &page, id, i.into()).await
        }
        Err(e) => Err(e.into()),
    }
}
