//! The group directory here; a group's page (topics, requests to decide, the invitation form)
//! in `show.rs`, joining, leaving and deciding requests in `membership.rs`, its members in
//! `members.rs`, creating a group in `create.rs`, and one's invitations in `invitations.rs`.

mod create;
mod invitations;
mod members;
mod membership;
mod show;

pub use create::{create, new_form};
pub use invitations::{accept, invitations};
pub use members::{members, remove_member};
pub use membership::{decide, join, leave};
pub use show::{invite, show};

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::groups::policy::Access;
use agora_core::paging::NameCursor;

use crate::error::ApiError;
use crate::extract::ApiQuery as Query;
use crate::pages::view::{GroupCard, Layout};
use crate::pages::{Page, render};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "groups.html")]
struct Directory {
    layout: Layout,
    groups: Vec<GroupCard>,
    next_cursor: Option<String>,
    can_create: bool,
    notice: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
pub struct CursorQuery {
    cursor: Option<String>,
    notice: Option<String>,
}

/// `/groups`: every group the viewer may see.
pub async fn directory(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<CursorQuery>,
) -> Result<Response, ApiError> {
    let after = q.cursor.as_deref().map(NameCursor::decode).transpose()?;
    let (groups, next) = state
        .agora
        .groups()
        .list_groups(&page.viewer, after.as_ref(), 48)
        .await?;
    if after.is_some() && groups.is_empty() {
        return Err(ApiError::past_the_end());
    }
    let can_create = agora_core::audience::holds(&page.viewer, agora_core::audience::Duty::RunSite)
        || (page.viewer.id().is_some() && page.site.members_may_create_groups);
    Ok(render(&Directory {
        layout: page.layout(
            "Groups",
            &format!("The groups of {}.", page.site.name),
            "groups",
            false,
        ),
        groups: open_first(&groups),
        next_cursor: next.map(|c| c.encode()),
        can_create,
        notice: (q.notice.as_deref() == Some("deleted")).then_some("The group was deleted."),
    }))
}

/// The groups of a page, those the viewer may read first (for a guest: the public ones), each
/// part by name as the store gave them.
fn open_first(groups: &[agora_core::groups::GroupView]) -> Vec<GroupCard> {
    let (open, shut): (Vec<_>, Vec<_>) = groups.iter().partition(|g| g.access >= Access::Read);
    open.into_iter().chain(shut).map(GroupCard::from).collect()
}
