//! A group's members, and removing one (owners and admins).

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use agora_core::MemberId;
use agora_core::groups::Visibility;

use super::CursorQuery;
use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path, ApiQuery as Query};
use crate::pages::auth::CsrfOnly;
use crate::pages::view::{Layout, hue, initial};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;

pub struct MemberRow {
    username: String,
    display_name: String,
    role: &'static str,
    initial: String,
    hue: u8,
}

#[derive(Template)]
#[template(path = "members.html")]
struct Members {
    layout: Layout,
    slug: String,
    group_name: String,
    members: Vec<MemberRow>,
    can_manage: bool,
    next_cursor: Option<String>,
}

/// `/g/{slug}/members`.
pub async fn members(
    State(state): State<AppState>,
    page: Page,
    Path(slug): Path<String>,
    Query(q): Query<CursorQuery>,
) -> Result<Response, ApiError> {
    let after = q
        .cursor
        .as_deref()
        .and_then(|c| c.parse().ok())
        .map(MemberId);
    let (view, mut rows) = state
        .agora
        .groups()
        .group_members(&page.viewer, &slug, after, 101)
        .await?;
    if after.is_some() && rows.is_empty() {
        return Err(ApiError::past_the_end());
    }
    let next = (rows.len() > 100).then(|| {
        rows.truncate(100);
        rows.last().map(|m| m.member_id.0.to_string())
    });
    let can_manage = agora_core::groups::policy::manages(&page.viewer, view.relation);
    let noindex = view.group.visibility != Visibility::Public;
    Ok(render(&Members {
        layout: page.layout(
            &format!("Members of {}", view.group.name),
            &view.group.description,
            "groups",
            noindex,
        ),
        members: rows
            .iter()
            .map(|m| MemberRow {
                username: m.username.clone(),
                display_name: m.display_name.clone(),
                role: m.role.as_str(),
                initial: initial(&m.display_name, &m.username),
                hue: hue(&m.username),
            })
            .collect(),
        slug,
        group_name: view.group.name,
        can_manage,
        next_cursor: next.flatten(),
    }))
}

/// Removes a member (owners and admins).
pub async fn remove_member(
    State(state): State<AppState>,
    page: Page,
    Path((slug, username)): Path<(String, String)>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    state
        .agora
        .groups()
        .remove_member(&page.viewer, &slug, &username)
        .await?;
    Ok(see_other(&format!("/g/{slug}/members")))
}
