//! Reading a topic: its short link, a post's permalink, one page of its posts (with a quote
//! drafted into the reply), and the page's view model.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::forum::TopicView;
use agora_core::groups::Visibility;
use agora_core::items::Denied;
use agora_core::{PostId, TopicId};

use crate::error::ApiError;
use crate::extract::{ApiPath as Path, ApiQuery as Query};
use crate::kinds::{TopicPart, topic_part};
use crate::pages::context::truncate;
use crate::pages::view::{Layout, ago, hue, initial};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;

use super::{PAGE_SIZE, pages, post_url};

pub struct PostView {
    id: i64,
    number: i64,
    username: String,
    display_name: String,
    initial: String,
    hue: u8,
    /// The author's avatar (96 pixels), if they have one.
    avatar: Option<String>,
    created_iso: String,
    created_ago: String,
    revision_count: i64,
    body_html: String,
    deleted: bool,
    /// `published`, `held`, `hidden` or `deleted` (the item's state).
    state: &'static str,
    /// Whether the viewer wrote it (to tell them why a held or hidden post is not shown).
    own: bool,
    /// Whether the viewer moderates it.
    moderates: bool,
    can_edit: bool,
    can_delete: bool,
    can_restore: bool,
    can_flag: bool,
    /// What the topic's kind shows beside the author (HTML: an accepted answer's badge).
    marks: String,
    /// What the topic's kind offers among the actions (HTML: the accept buttons).
    kind_actions: String,
    /// Its reactions and bookmark button (HTML).
    reactions: String,
    /// Written by a member the viewer ignores: collapsed.
    ignored: bool,
}

#[derive(Template)]
#[template(path = "topic.html")]
pub(super) struct TopicPage {
    layout: Layout,
    id: i64,
    slug: String,
    title: String,
    group_slug: String,
    group_name: String,
    tags: Vec<String>,
    pinned: bool,
    locked: bool,
    deleted: bool,
    topic_state: &'static str,
    reply_count: i64,
    post_count: i64,
    posts: Vec<PostView>,
    page: i64,
    pages: i64,
    can_reply: bool,
    can_moderate: bool,
    /// Why the viewer may not reply: `signin`, `join`, `locked`, or a sentence to show.
    reply_blocked: String,
    /// What its kind and status say, as a badge (`Question`, `Solved`, an idea's status); empty
    /// for a discussion.
    badge: String,
    /// Whether the badge says the topic is settled (a solved question).
    badge_done: bool,
    /// What its kind shows under the opening post (HTML).
    below_opening: String,
    reply_draft: String,
    reply_error: Option<String>,
    notice: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
pub struct TopicQuery {
    page: Option<i64>,
    quote: Option<i64>,
    notice: Option<String>,
}

/// `/t/{id}`: the canonical address with the slug.
pub async fn short_link(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let view = state
        .agora
        .forum()
        .topic(&page.viewer, TopicId(id), 1, 1)
        .await?;
    Ok(see_other(&format!("/t/{id}/{}", view.topic.slug)))
}

/// `/p/{id}`: a post's permalink, to its page of the topic.
pub async fn post_link(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (post, topic, _) = state.agora.forum().post(&page.viewer, PostId(id)).await?;
    Ok(see_other(&post_url(topic.id.0, &topic.slug, post.number)))
}

/// `/t/{id}/{slug}?page=N`: one page of a topic. A wrong slug redirects to the right one.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path((id, slug)): Path<(i64, String)>,
    Query(q): Query<TopicQuery>,
) -> Result<Response, ApiError> {
    // Pages are numbered from 1; one that cannot exist is not found (and no arithmetic on
    // the number may overflow).
    let number = q.page.unwrap_or(1);
    let from = Some(number)
        .filter(|n| *n >= 1)
        .and_then(|n| (n - 1).checked_mul(PAGE_SIZE))
        .and_then(|n| n.checked_add(1))
        .ok_or_else(ApiError::not_found)?;
    let view = state
        .agora
        .trust()
        .read_topic(&page.viewer, TopicId(id), from, PAGE_SIZE as u32)
        .await?;
    if view.topic.slug != slug {
        return Ok(see_other(&format!(
            "/t/{id}/{}?page={number}",
            view.topic.slug
        )));
    }
    if number > pages(view.topic.post_count) {
        return Err(ApiError::past_the_end());
    }
    let draft = match q.quote {
        Some(post) => quote(&state, &page, post).await,
        None => String::new(),
    };
    let notice = match q.notice.as_deref() {
        Some("deleted") => Some("The post was deleted."),
        Some("restored") => Some("The post was restored."),
        Some("held") => {
            Some("Thank you: your post waits for a moderator's look before others see it.")
        }
        Some("flagged") => Some("Thank you: the moderators will look at it."),
        Some("hidden") => {
            Some("Thank you: enough members agreed, so the post is hidden until a moderator looks.")
        }
        _ => None,
    };
    let kinds = topic_part(&state, &page, &view).await?;
    if let Some(to) = kinds.redirect.as_deref() {
        return Ok(see_other(to));
    }
    // An answered kind's accepted answer (a question's) for search engines, when it is not on
    // this page.
    let accepted = match view.topic.featured_post {
        Some(best) if agora_core::kinds::is_answered(view.topic.kind) && number == 1 => {
            match view.posts.iter().find(|s| s.item.id == best) {
                Some(shown) => Some(shown.item.clone()),
                None => state
                    .agora
                    .forum()
                    .post(&page.viewer, best)
                    .await
                    .ok()
                    .map(|(post, _, _)| post),
            }
        }
        _ => None,
    };
    let mut shown = view.shown.clone();
    let mut html = topic_page(
        &page,
        &view,
        number,
        draft,
        None,
        notice,
        kinds,
        &shown.ignored,
    );
    let authors: Vec<_> = view.posts.iter().map(|p| p.item.author.id).collect();
    let avatars = state.agora.media().avatars_of(&authors).await?;
    let mut bars = crate::pages::reactions::bars(&page, &view, &mut shown)?;
    for (post, p) in html.posts.iter_mut().zip(&view.posts) {
        post.avatar = avatars.get(&p.item.author.id).map(|a| a.url(96).to_owned());
        post.reactions = bars.remove(&p.item.id.0).unwrap_or_default();
    }
    html.layout.json_ld =
        crate::pages::structured::topic_json_ld(&page.public_url, &view, number, accepted.as_ref());
    Ok(render(&html))
}

async fn quote(state: &AppState, page: &Page, post: i64) -> String {
    match state.agora.forum().post(&page.viewer, PostId(post)).await {
        Ok((p, _, _)) => {
            let quoted: Vec<String> = p.body_markdown.lines().map(|l| format!("> {l}")).collect();
            format!("@{} wrote:\n{}\n\n", p.author.username, quoted.join("\n"))
        }
        Err(_) => String::new(),
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "what one topic page shows, each from its own source"
)]
pub(super) fn topic_page(
    page: &Page,
    view: &TopicView,
    number: i64,
    reply_draft: String,
    reply_error: Option<String>,
    notice: Option<&'static str>,
    mut kinds: TopicPart,
    ignored: &[agora_core::MemberId],
) -> TopicPage {
    let t = &view.topic;
    let viewer_id = page.viewer.id();
    let posts = view
        .posts
        .iter()
        .map(|shown| {
            let p = &shown.item;
            PostView {
                id: p.id.0,
                number: p.number,
                username: p.author.username.clone(),
                display_name: p.author.display_name.clone(),
                initial: initial(&p.author.display_name, &p.author.username),
                hue: hue(&p.author.username),
                avatar: None,
                created_iso: p.created_at.to_rfc3339(),
                created_ago: ago(p.created_at),
                revision_count: p.revision_count,
                body_html: p.body_html.clone(),
                deleted: p.deleted,
                state: p.state().as_str(),
                own: viewer_id == Some(p.author.id),
                moderates: shown.can.moderate,
                can_edit: shown.can.edit,
                can_delete: shown.can.delete,
                can_restore: shown.can.restore,
                can_flag: shown.can.flag,
                marks: kinds.post_marks.remove(&p.id.0).unwrap_or_default(),
                kind_actions: kinds.post_actions.remove(&p.id.0).unwrap_or_default(),
                reactions: String::new(),
                ignored: ignored.contains(&p.author.id),
            }
        })
        .collect();
    let reply_blocked = match view.reply {
        Ok(()) => String::new(),
        Err(Denied::SignInRequired) => "signin".into(),
        Err(Denied::Forbidden("join_required")) => "join".into(),
        Err(Denied::Locked) => "locked".into(),
        Err(Denied::Forbidden(code)) => ApiError::forbidden(code).message,
        Err(Denied::NotFound) => "This topic is deleted; restore it to reply.".into(),
    };
    let description = view
        .posts
        .first()
        .map(|s| &s.item)
        .filter(|p| p.number == 1)
        .map_or_else(
            || t.title.clone(),
            |p| truncate(&strip_tags(&p.body_html), 160),
        );
    let noindex = view.group.group.visibility != Visibility::Public || t.deleted;
    TopicPage {
        layout: page.layout(&t.title, &description, "groups", noindex),
        id: t.id.0,
        slug: t.slug.clone(),
        title: t.title.clone(),
        group_slug: view.group.group.slug.clone(),
        group_name: view.group.group.name.clone(),
        tags: t.tags.clone(),
        pinned: t.pinned,
        locked: t.locked,
        deleted: t.deleted,
        topic_state: t.facts().state.as_str(),
        reply_count: t.reply_count,
        post_count: t.post_count,
        posts,
        page: number,
        pages: pages(t.post_count),
        can_reply: view.can_reply(),
        can_moderate: view.can_moderate(),
        reply_blocked,
        badge_done: agora_core::kinds::is_done(t.kind, &t.status),
        badge: kinds
            .badge
            .take()
            .unwrap_or_else(|| agora_core::kinds::badge(t.kind, &t.status).to_owned()),
        below_opening: kinds.below_opening,
        reply_draft,
        reply_error,
        notice,
    }
}

/// Text of sanitised HTML, for meta descriptions.
pub(crate) fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    // `&amp;` last: `&amp;lt;` is the text `&lt;`, not `<`.
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}
