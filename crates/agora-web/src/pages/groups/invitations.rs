//! One's open invitations to groups, and accepting one.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use agora_core::InvitationId;

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path};
use crate::pages::auth::CsrfOnly;
use crate::pages::view::Layout;
use crate::pages::{Page, render, see_other};
use crate::state::AppState;

pub struct InvitationRow {
    id: i64,
    group_name: String,
    visibility: &'static str,
    description: String,
}

#[derive(Template)]
#[template(path = "invitations.html")]
struct Invitations {
    layout: Layout,
    invitations: Vec<InvitationRow>,
}

/// `/invitations`: the viewer's open invitations.
pub async fn invitations(State(state): State<AppState>, page: Page) -> Result<Response, ApiError> {
    let rows = state.agora.groups().my_invitations(&page.viewer).await?;
    Ok(render(&Invitations {
        layout: page.layout("Invitations", "Your invitations.", "", true),
        invitations: rows
            .iter()
            .map(|(inv, view)| InvitationRow {
                id: inv.id.0,
                group_name: view.group.name.clone(),
                visibility: view.group.visibility.as_str(),
                description: view.group.description.clone(),
            })
            .collect(),
    }))
}

/// Accepts an invitation.
pub async fn accept(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let view = state
        .agora
        .groups()
        .accept_invitation(&page.viewer, InvitationId(id))
        .await?;
    Ok(see_other(&format!("/g/{}?notice=joined", view.group.slug)))
}
