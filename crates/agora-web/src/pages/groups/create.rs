//! Creating a group: the form, and drawing it again beside the field that failed.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::groups::NewGroupInput;

use crate::error::ApiError;
use crate::extract::ApiForm as Form;
use crate::pages::view::{Field, Layout, attach_error};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "group_new.html")]
struct NewGroupPage {
    layout: Layout,
    fields: Vec<Field>,
    visibility: String,
    visibility_error: Option<String>,
    form_error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct NewGroupForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    visibility: String,
}

fn new_group_page(page: &Page, form: &NewGroupForm) -> NewGroupPage {
    NewGroupPage {
        layout: page.layout("New group", "Create a group.", "groups", true),
        fields: vec![
            Field::new("name", "Name", "text", form.name.as_str()),
            Field::new(
                "slug",
                "Short name for the address",
                "text",
                form.slug.as_str(),
            )
            .optional()
            .hint("Lowercase letters, digits and dashes; made from the name if left empty."),
            Field::new(
                "description",
                "Description",
                "textarea",
                form.description.as_str(),
            )
            .optional(),
        ],
        visibility: if form.visibility.is_empty() {
            "public".into()
        } else {
            form.visibility.clone()
        },
        visibility_error: None,
        form_error: None,
    }
}

/// The form to create a group.
pub async fn new_form(page: Page) -> Result<Response, ApiError> {
    if page.viewer.id().is_none() {
        return Err(ApiError::sign_in_required());
    }
    Ok(render(&new_group_page(&page, &NewGroupForm::default())))
}

/// Creates a group.
pub async fn create(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<NewGroupForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let input = NewGroupInput {
        name: form.name.clone(),
        slug: Some(form.slug.clone()),
        description: form.description.clone(),
        visibility: form.visibility.clone(),
    };
    match state.agora.groups().create_group(&page.viewer, input).await {
        Ok(view) => Ok(see_other(&format!("/g/{}", view.group.slug))),
        Err(e) => {
            let e = ApiError::from(e);
            if e.status.is_server_error() || e.status.as_u16() == 401 || e.status.as_u16() == 403 {
                return Err(e);
            }
            let mut view = new_group_page(&page, &form);
            if e.field.as_deref() == Some("visibility") {
                view.visibility_error = Some(e.message.clone());
            } else if !attach_error(&mut view.fields, e.field.as_deref(), &e.message) {
                view.form_error = Some(e.message.clone());
            }
            let mut res = render(&view);
            *res.status_mut() = e.status;
            Ok(res)
        }
    }
}
