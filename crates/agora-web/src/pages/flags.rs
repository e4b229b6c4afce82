//! Flagging a post, and the moderators' queue of flagged posts.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::PostId;
use agora_core::flags::REASONS;

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path};
use crate::pages::view::Layout;
use crate::pages::{Page, render, see_other};
use crate::state::AppState;
use agora_core::content::markdown::excerpt;

#[derive(Template)]
#[template(path = "flag.html")]
struct FlagPage {
    layout: Layout,
    id: i64,
    excerpt: String,
    reasons: Vec<(&'static str, &'static str)>,
}

/// `/p/{id}/flag`: why is this post a problem?
pub async fn form(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    if page.viewer.id().is_none() {
        return Err(ApiError::sign_in_required());
    }
    let (post, _, _) = state.agora.forum().post(&page.viewer, PostId(id)).await?;
    Ok(render(&FlagPage {
        layout: page.layout(
            "Flag a post",
            "Flag a post for the moderators.",
            "groups",
            true,
        ),
        id,
        excerpt: excerpt(&post.body_markdown, 300),
        reasons: REASONS.to_vec(),
    }))
}

#[derive(Debug, Deserialize)]
pub struct FlagForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

/// Sends the flag and goes back to the topic.
pub async fn flag(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<FlagForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let (post, topic, _) = state.agora.forum().post(&page.viewer, PostId(id)).await?;
    let hidden = state
        .agora
        .moderation()
        .flag_post(&page.viewer, post.id, &form.reason, &form.note)
        .await?;
    let notice = if hidden { "hidden" } else { "flagged" };
    let page_number = crate::pages::topics::page_of(post.number);
    Ok(see_other(&format!(
        "/t/{}/{}?page={page_number}&notice={notice}",
        topic.id.0, topic.slug
    )))
}

pub struct QueueRow {
    post_id: i64,
    topic_id: i64,
    topic_title: String,
    group: String,
    author: String,
    excerpt: String,
    flags: i64,
    reasons: String,
    notes: String,
    hidden: bool,
    held: bool,
    /// (case id, reference, kind, due date, due time ISO, overdue)
    legal_case: Option<(i64, String, String, String, String, bool)>,
}

#[derive(Template)]
#[template(path = "admin_queue.html")]
struct Queue {
    layout: Layout,
    tab: &'static str,
    items: Vec<QueueRow>,
    members: Vec<agora_core::flags::MemberQueueItem>,
}

/// `/admin/queue`: flagged and held posts, and flagged members (site moderators).
pub async fn queue(State(state): State<AppState>, page: Page) -> Result<Response, ApiError> {
    let items = state
        .agora
        .moderation()
        .moderation_queue(&page.viewer)
        .await?;
    let members = state.agora.moderation().member_queue(&page.viewer).await?;
    Ok(render(&Queue {
        layout: page.layout("Admin: queue", "The moderation queue.", "admin", true),
        tab: "queue",
        members,
        items: items
            .into_iter()
            .map(|i| QueueRow {
                post_id: i.post_id.0,
                topic_id: i.topic_id.0,
                topic_title: i.topic_title,
                group: i.group_slug,
                author: i.author,
                excerpt: excerpt(&i.excerpt, 300),
                flags: i.flags,
                reasons: i.reasons,
                notes: i.notes,
                hidden: i.hidden,
                held: i.held,
                legal_case: i.legal_case.map(|c| {
                    let overdue = c.due_at < state.agora.now();
                    let due = crate::pages::view::date(c.due_at);
                    (
                        c.id,
                        c.reference,
                        c.kind,
                        due,
                        c.due_at.to_rfc3339(),
                        overdue,
                    )
                }),
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

/// Resolves the flags on a post.
pub async fn resolve(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<ResolveForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    state
        .agora
        .moderation()
        .resolve_flags(&page.viewer, PostId(id), &form.decision, &form.reason)
        .await?;
    Ok(see_other("/admin/queue"))
}

/// Resolves the flags on a member.
pub async fn resolve_member(
    State(state): State<AppState>,
    page: Page,
    Path(username): Path<String>,
    Form(form): Form<ResolveForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    state
        .agora
        .moderation()
        .resolve_member_flags(&page.viewer, &username, &form.decision, &form.reason)
        .await?;
    Ok(see_other("/admin/queue"))
}
