//! The landing page and the about page.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::error::ApiError;
use crate::pages::view::{GroupCard, Layout, TopicRow};
use crate::pages::{Page, render};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    layout: Layout,
    goal: String,
    netiquette_html: String,
    member_count: i64,
    group_count: i64,
    featured: Vec<GroupCard>,
    latest: Vec<TopicRow>,
}

/// `/`: the community's goal and netiquette, featured groups, the latest conversations, and a
/// way in for a prospect.
pub async fn home(State(state): State<AppState>, page: Page) -> Result<Response, ApiError> {
    let latest = state.agora.site().latest_activity(&page.viewer, 12).await?;
    let featured = state.agora.site().featured_groups(&page.viewer, 6).await?;
    let group_count = state.agora.site().count_groups(&page.viewer).await?;
    let member_count = state.agora.site().member_count().await?;
    let labels = state.agora.status_labels().await?;
    let description = page.site.goal.clone();
    Ok(render(&Home {
        layout: page.layout("Home", &description, "home", false),
        goal: page.site.goal.clone(),
        netiquette_html: page.site.netiquette_html.clone(),
        member_count,
        group_count,
        featured: featured.iter().map(GroupCard::from).collect(),
        latest: latest
            .iter()
            .map(|t| TopicRow::in_group(t, &labels, &page.viewer))
            .collect(),
    }))
}

#[derive(Template)]
#[template(path = "about.html")]
struct About {
    layout: Layout,
    goal: String,
    netiquette_html: String,
}

/// `/about`: the goal and the full netiquette.
pub async fn about(page: Page) -> Response {
    let description = page.site.goal.clone();
    render(&About {
        layout: page.layout("About", &description, "about", false),
        goal: page.site.goal.clone(),
        netiquette_html: page.site.netiquette_html.clone(),
    })
}
