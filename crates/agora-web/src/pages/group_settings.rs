//! A group's settings page, for its owners and site admins: name, description, who can see it
//! (a change of visibility is confirmed on a second step that says what changes for whom),
//! archiving, and, for site admins, deleting it.

use askama::Template;
use axum::response::Response;
use serde::Deserialize;

use agora_core::groups::{GroupEdit, GroupView, Visibility};

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path};
use crate::pages::view::{Field, Layout, attach_error};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "group_settings.html")]
struct SettingsPage {
    layout: Layout,
    slug: String,
    name: String,
    fields: Vec<Field>,
    visibility: String,
    archived: bool,
    /// What a change of visibility does, to confirm before it is saved.
    confirm_visibility: Option<String>,
    form_error: Option<String>,
    /// Site admins also see the form that deletes the group (once it is archived).
    can_delete: bool,
    /// Whether it is archived now (as stored, not as the form asks).
    is_archived: bool,
    delete_error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    visibility: String,
    /// The archive box: present when ticked.
    archived: Option<String>,
    /// Set by the confirmation step of a visibility change.
    confirmed: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirm: String,
    #[serde(default)]
    reason: String,
}

/// What changing a group from `from` to `to` does, for whom, in words.
pub fn visibility_effect(from: Visibility, to: Visibility, topics: i64) -> String {
    let content = match topics {
        0 => "its content".to_owned(),
        1 => "its topic".to_owned(),
        n => format!("all {n} of its topics"),
    };
    match (from, to) {
        (Visibility::Public, Visibility::Closed) => format!(
            "Guests and members who have not joined will no longer read {content}: they will see only its name, description and member count, and will have to ask to join."
        ),
        (Visibility::Public | Visibility::Closed, Visibility::Secret) => format!(
            "The group disappears for everyone who is not a member or invited: from the directory, search and profiles, and its address answers as if it never existed. Members keep reading {content}."
        ),
        (Visibility::Closed | Visibility::Secret, Visibility::Public) => format!(
            "Everyone, guests and search engines too, will read {content}, including everything written while it was {}. Anyone may join at once.",
            from.as_str()
        ),
        (Visibility::Secret, Visibility::Closed) => format!(
            "Everyone will see that the group exists (its name, description and member count) and may ask to join; only members read {content}."
        ),
        _ => String::new(),
    }
}

fn settings_page(page: &Page, view: &GroupView, form: &SettingsForm) -> SettingsPage {
    let g = &view.group;
    SettingsPage {
        layout: page.layout(
            &format!("Settings of {}", g.name),
            "A group's settings.",
            "groups",
            true,
        ),
        slug: g.slug.clone(),
        name: g.name.clone(),
        fields: vec![
            Field::new("name", "Name", "text", form.name.as_str()),
            Field::new(
                "description",
                "Description",
                "textarea",
                form.description.as_str(),
            )
            .optional(),
        ],
        visibility: form.visibility.clone(),
        archived: form.archived.is_some(),
        confirm_visibility: None,
        form_error: None,
        can_delete: agora_core::audience::holds(&page.viewer, agora_core::audience::Duty::RunSite),
        is_archived: g.archived_at.is_some(),
        delete_error: None,
    }
}

fn current(view: &GroupView) -> SettingsForm {
    let g = &view.group;
    SettingsForm {
        name: g.name.clone(),
        description: g.description.clone(),
        visibility: g.visibility.as_str().to_owned(),
        archived: g.archived_at.map(|_| "true".to_owned()),
        ..SettingsForm::default()
    }
}

/// The group, if the viewer may change it (else the refusal the API gives).
async fn editable(state: &AppState, page: &Page, slug: &str) -> Result<GroupView, ApiError> {
    let view = state.agora.groups().group(&page.viewer, slug).await?;
    if page.viewer.id().is_none() {
        return Err(ApiError::sign_in_required());
    }
    if !view.can_edit {
        return Err(ApiError::forbidden("owners_only"));
    }
    Ok(view)
}

/// `/g/{slug}/settings`.
pub async fn form(
    axum::extract::State(state): axum::extract::State<AppState>,
    page: Page,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let view = editable(&state, &page, &slug).await?;
    Ok(render(&settings_page(&page, &view, &current(&view))))
}

/// Saves the settings; a change of visibility first asks for confirmation.
pub async fn save(
    axum::extract::State(state): axum::extract::State<AppState>,
    page: Page,
    Path(slug): Path<String>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let view = editable(&state, &page, &slug).await?;
    let g = &view.group;
    if let Some(to) = Visibility::parse(&form.visibility)
        && to != g.visibility
        && form.confirmed.is_none()
    {
        let mut p = settings_page(&page, &view, &form);
        p.confirm_visibility = Some(visibility_effect(g.visibility, to, g.topic_count));
        return Ok(render(&p));
    }
    let edit = GroupEdit {
        name: Some(form.name.clone()),
        description: Some(form.description.clone()),
        visibility: Some(form.visibility.clone()),
        archived: Some(form.archived.is_some()),
    };
    match state
        .agora
        .groups()
        .edit_group(&page.viewer, &slug, edit)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/g/{slug}?notice=saved"))),
        Err(e) => {
            let e = ApiError::from(e);
            if e.status.is_server_error() || matches!(e.status.as_u16(), 401 | 403 | 404) {
                return Err(e);
            }
            let mut p = settings_page(&page, &view, &form);
            if !attach_error(&mut p.fields, e.field.as_deref(), &e.message) {
                p.form_error = Some(e.message.clone());
            }
            let mut res = render(&p);
            *res.status_mut() = e.status;
            Ok(res)
        }
    }
}

/// Deletes the group (site admins).
pub async fn delete(
    axum::extract::State(state): axum::extract::State<AppState>,
    page: Page,
    Path(slug): Path<String>,
    Form(form): Form<DeleteForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let view = editable(&state, &page, &slug).await?;
    match state
        .agora
        .groups()
        .delete_group(&page.viewer, &slug, &form.confirm, &form.reason)
        .await
    {
        Ok(()) => Ok(see_other("/groups?notice=deleted")),
        Err(e) => {
            let e = ApiError::from(e);
            if e.status.is_server_error() || matches!(e.status.as_u16(), 401 | 403 | 404) {
                return Err(e);
            }
            let mut p = settings_page(&page, &view, &current(&view));
            p.delete_error = Some(e.message.clone());
            let mut res = render(&p);
            *res.status_mut() = e.status;
            Ok(res)
        }
    }
}
