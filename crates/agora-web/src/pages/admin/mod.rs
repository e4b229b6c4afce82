//! The admin pages: site settings (name, goal, netiquette, who may create groups), members
//! with their roles, and every group.
//! Members' roles and the groups here; the settings in `settings.rs`, the audit log in
//! `audit.rs`.

mod audit;
mod outbox;
mod settings;

pub use audit::audit;
pub use outbox::{dismiss as dismiss_parked, outbox, retry as retry_parked};
pub use settings::{settings, settings_form};

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::paging::NameCursor;
use agora_core::viewer::SiteRole;

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path, ApiQuery as Query};
use crate::pages::view::{GroupCard, Layout};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;

pub(crate) fn require_admin(page: &Page) -> Result<(), ApiError> {
    agora_core::audience::require(&page.viewer, agora_core::audience::Duty::RunSite)?;
    Ok(())
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
    cursor: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    role: String,
}

/// Changes a member's site role.
pub async fn set_role(
    State(state): State<AppState>,
    page: Page,
    Path(username): Path<String>,
    Form(form): Form<RoleForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let role = SiteRole::parse(&form.role).ok_or_else(|| {
        agora_core::Invalid::new(
            "role",
            "invalid_choice",
            "Choose member, moderator or admin.",
        )
    })?;
    state
        .agora
        .site()
        .set_site_role(&page.viewer, &username, role)
        .await?;
    Ok(see_other("/admin/members?notice=role"))
}

#[derive(Template)]
#[template(path = "admin_groups.html")]
struct Groups {
    layout: Layout,
    tab: &'static str,
    groups: Vec<GroupCard>,
    next_cursor: Option<String>,
}

/// `/admin/groups`: every group, secret ones included.
pub async fn groups(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, ApiError> {
    require_admin(&page)?;
    let after = q.cursor.as_deref().map(NameCursor::decode).transpose()?;
    let (groups, next) = state
        .agora
        .groups()
        .list_groups(&page.viewer, after.as_ref(), 100)
        .await?;
    if after.is_some() && groups.is_empty() {
        return Err(ApiError::past_the_end());
    }
    Ok(render(&Groups {
        layout: page.layout("Admin: groups", "Groups.", "admin", true),
        tab: "groups",
        groups: groups.iter().map(GroupCard::from).collect(),
        next_cursor: next.map(|c| c.encode()),
    }))
}
