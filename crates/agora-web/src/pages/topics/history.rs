//! A post's edit history.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use agora_core::PostId;

use crate::error::ApiError;
use crate::extract::ApiPath as Path;
use crate::pages::view::{Layout, ago};
use crate::pages::{Page, render};
use crate::state::AppState;

use super::post_url;

pub struct RevisionView {
    number: i64,
    editor: String,
    iso: String,
    ago: String,
    title: Option<String>,
    body: String,
    /// A moderator's edit of someone else's post replaced it (or a later version).
    redacted: bool,
    /// Its text is for the group's moderators and site staff only.
    withheld: bool,
}

#[derive(Template)]
#[template(path = "history.html")]
struct History {
    layout: Layout,
    back: String,
    current: String,
    revisions: Vec<RevisionView>,
}

/// A post's earlier versions, newest first.
pub async fn history(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (post, topic, _) = state.agora.forum().post(&page.viewer, PostId(id)).await?;
    let revisions = state
        .agora
        .forum()
        .revisions(&page.viewer, PostId(id))
        .await?;
    Ok(render(&History {
        layout: page.layout(
            &format!("History of a post in {}", topic.title),
            "Edit history.",
            "groups",
            true,
        ),
        back: post_url(topic.id.0, &topic.slug, post.number),
        current: post.body_markdown.clone(),
        revisions: revisions
            .iter()
            .rev()
            .map(|r| RevisionView {
                number: r.number,
                editor: r.editor.display_name.clone(),
                iso: r.replaced_at.to_rfc3339(),
                ago: ago(r.replaced_at),
                title: r.title.clone(),
                body: r.body_markdown.clone(),
                redacted: r.redacted,
                withheld: r.withheld,
            })
            .collect(),
    }))
}
