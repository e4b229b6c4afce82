//! The complaint form under every item (guests too), filing it, and the confirmation link a
//! guest follows.

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
use crate::pages::view::{Field, Layout, attach_error};
use crate::pages::{Page, render};
use crate::state::AppState;

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
