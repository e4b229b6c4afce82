//! A member's data from the settings page: download it, or erase the account.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::ApiForm as Form;
use crate::extract::clear_session_cookie;
use crate::pages::email::Message;
use crate::pages::view::{Field, Layout, attach_error};
use crate::pages::{Page, render};
use crate::state::AppState;

/// `/settings/export`: the archive as a download.
pub async fn export(State(state): State<AppState>, page: Page) -> Result<Response, ApiError> {
    let archive = state.agora.accounts().export_my_data(&page.viewer).await?;
    Ok(crate::api::members::archive_download(&archive))
}

#[derive(Template)]
#[template(path = "erase.html")]
struct Erase {
    layout: Layout,
    fields: Vec<Field>,
    form_error: Option<String>,
}

fn erase_page(page: &Page) -> Erase {
    Erase {
        layout: page.layout("Erase your account", "Erase your account.", "", true),
        fields: vec![
            Field::new("password", "Your password, to confirm", "password", "")
                .autocomplete("current-password"),
        ],
        form_error: None,
    }
}

/// The erasure form.
pub async fn erase_form(page: Page) -> Result<Response, ApiError> {
    if page.viewer.id().is_none() {
        return Err(ApiError::sign_in_required());
    }
    Ok(render(&erase_page(&page)))
}

#[derive(Debug, Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
    remove_posts: Option<String>,
}

/// Erases the account, signs out and says so.
pub async fn erase(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<EraseForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let remove = form.remove_posts.as_deref() == Some("true");
    if let Err(e) = state
        .agora
        .accounts()
        .erase_my_account(&page.viewer, &form.password, remove)
        .await
    {
        let e = ApiError::from(e);
        if e.status.is_server_error() || e.status.as_u16() == 401 {
            return Err(e);
        }
        let mut view = erase_page(&page);
        if !attach_error(&mut view.fields, e.field.as_deref(), &e.message) {
            view.form_error = Some(e.message.clone());
        }
        let mut res = render(&view);
        *res.status_mut() = e.status;
        return Ok(res);
    }
    let mut layout = page.layout("Account erased", "Account erased.", "", true);
    layout.viewer = None;
    Ok(clear_session_cookie(render(&Message {
        layout,
        heading: "Your account is erased".into(),
        text: "Your personal data is deleted. Thank you for the time you spent with us.".into(),
        link_href: "/".into(),
        link_text: "Go to the start page".into(),
    })))
}
