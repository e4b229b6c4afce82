//! The documents members accept: read one, accept the new versions, and (admins) publish.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::consent::{Acceptance, KINDS};

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path, ApiQuery as Query};
use crate::pages::view::{Layout, date};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "legal.html")]
struct Legal {
    layout: Layout,
    title: &'static str,
    version: i64,
    published: String,
    body_html: String,
}

/// `/legal/{kind}`: the current version of a document.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(kind): Path<String>,
) -> Result<Response, ApiError> {
    let (doc, body_html) = state.agora.consent().rendered_document(&kind).await?;
    Ok(render(&Legal {
        layout: page.layout(doc.title(), doc.title(), "about", false),
        title: doc.title(),
        version: doc.version,
        published: date(doc.published_at),
        body_html,
    }))
}

#[derive(Template)]
#[template(path = "accept.html")]
struct Accept {
    layout: Layout,
    documents: Vec<(String, &'static str, i64)>,
}

/// `/legal/accept`: the new versions the member has not accepted.
pub async fn accept_form(State(state): State<AppState>, page: Page) -> Result<Response, ApiError> {
    if page.viewer.id().is_none() {
        return Err(ApiError::sign_in_required());
    }
    let pending = state
        .agora
        .consent()
        .pending_documents(&page.viewer)
        .await?;
    Ok(render(&Accept {
        layout: page.layout(
            "Please read and accept",
            "New versions of our rules.",
            "",
            true,
        ),
        documents: pending
            .iter()
            .map(|d| (d.kind.clone(), d.title(), d.version))
            .collect(),
    }))
}

#[derive(Debug, Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    csrf: String,
    v_netiquette: Option<i64>,
    v_terms: Option<i64>,
    v_privacy: Option<i64>,
}

/// Records the acceptance of the versions the form showed.
pub async fn accept(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<AcceptForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let accepted: Vec<Acceptance> = [
        ("netiquette", form.v_netiquette),
        ("terms", form.v_terms),
        ("privacy", form.v_privacy),
    ]
    .into_iter()
    .filter_map(|(kind, v)| {
        v.map(|version| Acceptance {
            kind: kind.to_owned(),
            version,
        })
    })
    .collect();
    state
        .agora
        .consent()
        .accept_documents(&page.viewer, &accepted)
        .await?;
    Ok(see_other("/legal/accept"))
}

pub struct DocumentForm {
    kind: &'static str,
    title: &'static str,
    version: i64,
    body: String,
}

#[derive(Template)]
#[template(path = "admin_documents.html")]
struct AdminDocuments {
    layout: Layout,
    tab: &'static str,
    documents: Vec<DocumentForm>,
    notice: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// `/admin/documents`.
pub async fn admin(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, ApiError> {
    agora_core::audience::require(&page.viewer, agora_core::audience::Duty::RunSite)?;
    let current = state.agora.consent().documents().await?;
    Ok(render(&AdminDocuments {
        layout: page.layout("Admin: documents", "Documents.", "admin", true),
        tab: "documents",
        documents: KINDS
            .iter()
            .map(|(kind, title)| {
                let doc = current.iter().find(|d| d.kind == *kind);
                DocumentForm {
                    kind,
                    title,
                    version: doc.map_or(0, |d| d.version),
                    body: doc.map(|d| d.body.clone()).unwrap_or_default(),
                }
            })
            .collect(),
        notice: (q.notice.as_deref() == Some("published"))
            .then_some("Published. Members will be asked to accept it."),
    }))
}

#[derive(Debug, Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
}

/// Publishes a new version.
pub async fn publish(
    State(state): State<AppState>,
    page: Page,
    Path(kind): Path<String>,
    Form(form): Form<PublishForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    state
        .agora
        .consent()
        .publish_document(&page.viewer, &kind, &form.body)
        .await?;
    Ok(see_other("/admin/documents?notice=published"))
}
