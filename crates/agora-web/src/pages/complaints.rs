//! Legal complaints on the site: the form under every post (guests too), the confirmation link
//! a guest follows, and the moderators' cases with every step.

use agora_core::error::Refused;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::PostId;
use agora_core::complaints::{CaseStatus, ComplaintError, ComplaintInput, KINDS};
use agora_core::forum::items::post_ref;
use agora_core::items::refs::ItemRef;

use crate::error::ApiError;
use crate::extract::ClientAddr;
use crate::extract::{ApiForm as Form, ApiPath as Path};
use crate::pages::email::message;
use crate::pages::view::{Field, Layout, attach_error, date};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;
use agora_core::content::markdown::excerpt;

#[derive(Template)]
#[template(path = "complaint.html")]
struct ComplaintPage {
    layout: Layout,
    /// What the item is called (its kind's word), where the form posts, and where the item
    /// is flagged instead.
    noun: String,
    action: String,
    flag: String,
    excerpt: String,
    guest: bool,
    guest_fields: Vec<Field>,
    kinds: Vec<(&'static str, &'static str)>,
    kind: String,
    kind_error: Option<String>,
    fields: Vec<Field>,
    form_error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ComplaintForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    statement: String,
    good_faith: Option<String>,
}

/// Where an item's complaint form posts and where the item is flagged instead: a post's at
/// `/p/{id}`, any item's at `/items/{kind}/{id}`.
struct Addresses {
    item: ItemRef,
    action: String,
    flag: String,
}

impl Addresses {
    fn post(id: i64) -> Self {
        Self {
            item: post_ref(PostId(id)),
            action: format!("/p/{id}/complaint"),
            flag: format!("/p/{id}/flag"),
        }
    }

    fn item(state: &AppState, kind: &str, id: i64) -> Result<Self, ApiError> {
        Ok(Self {
            item: crate::pages::flags::item_ref(state, kind, id)?,
            action: format!("/items/{kind}/{id}/complaint"),
            flag: format!("/items/{kind}/{id}/report"),
        })
    }
}

fn complaint_page(
    page: &Page,
    at: &Addresses,
    excerpt: String,
    form: &ComplaintForm,
) -> ComplaintPage {
    let noun = at.item.kind.as_str();
    ComplaintPage {
        layout: page.layout(
            "Report a legal problem",
            &format!("Report a legal problem with a {noun}."),
            "",
            true,
        ),
        noun: noun.to_owned(),
        action: at.action.clone(),
        flag: at.flag.clone(),
        excerpt,
        guest: page.viewer.id().is_none(),
        guest_fields: vec![
            Field::new("name", "Your name", "text", form.name.as_str()).autocomplete("name"),
            Field::new("email", "Your email address", "email", form.email.as_str())
                .autocomplete("email")
                .hint("We write to you about the complaint; nobody else sees it."),
        ],
        kinds: KINDS.to_vec(),
        kind: form.kind.clone(),
        kind_error: None,
        fields: vec![
            Field::new(
                "statement",
                "What is unlawful about it, and why?",
                "textarea",
                form.statement.as_str(),
            )
            .hint(
                "Quote the words at issue and say whose rights they harm (at least 20 characters).",
            ),
            Field::new(
                "good_faith",
                "I declare in good faith that this complaint is accurate.",
                "checkbox",
                form.good_faith.clone().unwrap_or_default(),
            ),
        ],
        form_error: None,
    }
}

/// The form for the item at `at`.
async fn show_form(state: &AppState, page: &Page, at: Addresses) -> Result<Response, ApiError> {
    let seen = state.agora.seen_item(&page.viewer, at.item).await?;
    Ok(render(&complaint_page(
        page,
        &at,
        seen.excerpt,
        &ComplaintForm::default(),
    )))
}

/// `/p/{id}/complaint`: the form.
pub async fn form(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    show_form(&state, &page, Addresses::post(id)).await
}

/// `/items/{kind}/{id}/complaint`: the form for an item of any kind.
pub async fn item_form(
    State(state): State<AppState>,
    page: Page,
    Path((kind, id)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    show_form(&state, &page, Addresses::item(&state, &kind, id)?).await
}

/// Files the complaint about a post; a field that fails its rules is shown beside the field.
pub async fn file(
    State(state): State<AppState>,
    page: Page,
    ClientAddr(client): ClientAddr,
    Path(id): Path<i64>,
    Form(form): Form<ComplaintForm>,
) -> Result<Response, ApiError> {
    file_at(&state, &page, &client, Addresses::post(id), form).await
}

/// Files the complaint about an item of any kind.
pub async fn item_file(
    State(state): State<AppState>,
    page: Page,
    ClientAddr(client): ClientAddr,
    Path((kind, id)): Path<(String, i64)>,
    Form(form): Form<ComplaintForm>,
) -> Result<Response, ApiError> {
    let at = Addresses::item(&state, &kind, id)?;
    file_at(&state, &page, &client, at, form).await
}

async fn file_at(
    state: &AppState,
    page: &Page,
    client: &str,
    at: Addresses,
    form: ComplaintForm,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let seen = state.agora.seen_item(&page.viewer, at.item).await?;
    let input = ComplaintInput {
        name: form.name.clone(),
        email: form.email.clone(),
        kind: form.kind.clone(),
        statement: form.statement.clone(),
        good_faith: form.good_faith.as_deref() == Some("true"),
    };
    let noun = at.item.kind.as_str();
    match state
        .agora
        .legal()
        .file_complaint(&page.viewer, client, at.item, input)
        .await
    {
        Ok(filed) => {
            let text = match filed.status {
                CaseStatus::Unconfirmed => format!(
                    "Thank you. We mailed you a link: open it to confirm your complaint {}, and our moderators review the {noun} within two days.",
                    filed.reference
                ),
                _ => format!(
                    "Thank you: your complaint {} is open. Our moderators review the {noun} within two days, and we write to you with the outcome.",
                    filed.reference
                ),
            };
            Ok(message(
                page,
                "Complaint filed",
                &text,
                ("/", "Back to the community"),
            ))
        }
        Err(ComplaintError::Refused(Refused::Invalid(i))) => {
            let mut view = complaint_page(page, &at, seen.excerpt, &form);
            let e = ApiError::from(i);
            if e.field.as_deref() == Some("kind") {
                view.kind_error = Some(e.message.clone());
            } else if !attach_error(&mut view.guest_fields, e.field.as_deref(), &e.message)
                && !attach_error(&mut view.fields, e.field.as_deref(), &e.message)
            {
                view.form_error = Some(e.message.clone());
            }
            let mut res = render(&view);
            *res.status_mut() = e.status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

/// `/legal/complaints/confirm/{token}`: the link in a guest's mail opens a page that asks;
/// opening it confirms nothing (mail scanners open links).
pub async fn confirm_form(page: Page, Path(token): Path<String>) -> Result<Response, ApiError> {
    Ok(render(&crate::pages::view::ConfirmLink {
        layout: page.layout(
            "Confirm your complaint",
            "Confirm a legal complaint.",
            "",
            true,
        ),
        heading: "Confirm your complaint",
        text: "You filed a legal complaint about a post and we mailed you this link to make sure \
               the address is yours. Confirm it, and our moderators review the post within two \
               days; we write to you with the outcome.",
        otherwise: "If you did not file a complaint, close this page and nothing happens.",
        action: format!("/legal/complaints/confirm/{token}"),
        button: "Confirm the complaint",
    }))
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    csrf: String,
}

/// The page's button: confirms the complaint.
pub async fn confirm(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let filed = state.agora.legal().confirm_complaint(&token).await?;
    let text = format!(
        "Thank you: your complaint {} is open. Our moderators review the post within two days, and we write to you with the outcome.",
        filed.reference
    );
    Ok(message(
        &page,
        "Complaint confirmed",
        &text,
        ("/", "Back to the community"),
    ))
}

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
