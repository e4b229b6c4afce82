//! Reactions and bookmarks on the pages: the bar under each post of a topic page (the like
//! and the other emoji as toggle buttons, the counts, "who reacted", the bookmark button),
//! the form those buttons send, and the "who reacted" page. Every form works without
//! JavaScript: a button says what it does (`add` or `remove` an emoji), so sending it twice
//! changes nothing more.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::forum::TopicView;
use agora_core::forum::items::post_ref;
use agora_core::items::refs::ItemRef;
use agora_core::paging::{Cursor, page_size};
use agora_core::reactions::ReactionCount;
use agora_core::reactions::shown::Shown;

use crate::api::reactions::item;
use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path, ApiQuery as Query};
use crate::pages::view::{Layout, ago, hue, initial};
use crate::pages::{Page, fragment, render, see_other, urlencode};
use crate::state::AppState;

/// One emoji on a post's bar.
pub(crate) struct Chip {
    emoji: String,
    count: i64,
    mine: bool,
    /// The site's like (the set's first emoji), named for screen readers.
    like: bool,
    /// Whether it is a button: the viewer may react, and may give it (it is in the set) or
    /// take it back (it is theirs).
    button: bool,
}

/// The bar under one post.
#[derive(Template)]
#[template(path = "reactions_bar.html")]
struct Bar {
    kind: &'static str,
    id: i64,
    csrf: String,
    can_react: bool,
    /// The like, then every emoji with reactions.
    chips: Vec<Chip>,
    /// The set's other emoji, offered under "React".
    more: Vec<String>,
    any: bool,
    signed_in: bool,
    bookmarked: bool,
}

/// The bar of each readable post of a topic page, by post id, from what the forum read with
/// the posts (`TopicView::shown`).
pub(crate) fn bars(
    page: &Page,
    view: &TopicView,
    shown: &mut Shown,
) -> Result<HashMap<i64, String>, ApiError> {
    let posts: Vec<(i64, ItemRef, bool)> = view
        .posts
        .iter()
        .filter(|p| p.can.read && !p.item.deleted)
        .map(|p| (p.item.id.0, post_ref(p.item.id), p.can.react))
        .collect();
    let csrf = page.csrf();
    let mut out = HashMap::new();
    for (id, r, can_react) in posts {
        if let Some(bar) = item_bar(page, &csrf, r, shown, can_react)? {
            out.insert(id, bar);
        }
    }
    Ok(out)
}

/// The bar under one item a page shows (a post, a message), from what the page read beside
/// its items (`Reactions::shown`, or the posts' own query): `None` when there is nothing to
/// show, a guest under an item nobody reacted to. `csrf` is the page's masked token.
pub(crate) fn item_bar(
    page: &Page,
    csrf: &str,
    item: ItemRef,
    shown: &mut Shown,
    can_react: bool,
) -> Result<Option<String>, ApiError> {
    let counts = shown.reactions.remove(&item).unwrap_or_default();
    let bookmarked = shown.bookmarked.contains(&item);
    let bar = bar(
        item,
        &page.site.reactions,
        counts,
        can_react,
        csrf,
        page,
        bookmarked,
    );
    if bar.can_react || bar.any || bar.signed_in {
        Ok(Some(fragment(&bar)?))
    } else {
        Ok(None)
    }
}

fn bar(
    item: ItemRef,
    set: &[String],
    counts: Vec<ReactionCount>,
    can_react: bool,
    csrf: &str,
    page: &Page,
    bookmarked: bool,
) -> Bar {
    let like = set.first().cloned().unwrap_or_default();
    let any = !counts.is_empty();
    let mut chips: Vec<Chip> = Vec::new();
    if can_react && !counts.iter().any(|c| c.emoji == like) {
        chips.push(Chip {
            emoji: like.clone(),
            count: 0,
            mine: false,
            like: true,
            button: true,
        });
    }
    for c in counts {
        // An emoji that left the set is shown, and may be taken back, but not given again.
        let button = can_react && (c.mine || set.contains(&c.emoji));
        chips.push(Chip {
            like: c.emoji == like,
            button,
            emoji: c.emoji,
            count: c.count,
            mine: c.mine,
        });
    }
    let more = set
        .iter()
        .filter(|e| !chips.iter().any(|c| &c.emoji == *e))
        .cloned()
        .collect();
    Bar {
        kind: item.kind.as_str(),
        id: item.id,
        csrf: csrf.to_owned(),
        can_react,
        chips,
        more,
        any,
        signed_in: page.viewer.id().is_some(),
        bookmarked,
    }
}

/// What a reaction button sends.
#[derive(Debug, Deserialize)]
pub struct ReactForm {
    #[serde(default)]
    csrf: String,
    /// The emoji to react with.
    add: Option<String>,
    /// The emoji to take back.
    remove: Option<String>,
}

/// Reacts or takes a reaction back, then back to the item.
pub async fn react(
    State(state): State<AppState>,
    page: Page,
    Path((kind, id)): Path<(String, i64)>,
    Form(form): Form<ReactForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let item = item(&kind, id)?;
    let reactions = state.agora.reactions();
    match (form.add, form.remove) {
        (Some(emoji), None) => reactions.react(&page.viewer, item, &emoji).await?,
        (None, Some(emoji)) => reactions.unreact(&page.viewer, item, &emoji).await?,
        _ => {
            return Err(agora_core::Invalid::new(
                "add",
                "invalid_choice",
                "Choose one emoji to add or to take back.",
            )
            .into());
        }
    };
    back_to(&state, &page, item).await
}

/// Back to the page of the item a form changed something on.
pub(crate) async fn back_to(
    state: &AppState,
    page: &Page,
    item: ItemRef,
) -> Result<Response, ApiError> {
    let seen = state.agora.seen_item(&page.viewer, item).await?;
    Ok(see_other(&crate::item_links::link(&seen)))
}

/// A member on the "who reacted" page.
pub struct ReactorRow {
    username: String,
    display_name: String,
    initial: String,
    hue: u8,
    emoji: String,
    ago: String,
    iso: String,
}

#[derive(Template)]
#[template(path = "reactions.html")]
struct WhoPage {
    layout: Layout,
    kind: &'static str,
    id: i64,
    title: String,
    excerpt: String,
    url: String,
    /// (emoji, count, the address of its filter)
    tabs: Vec<(String, i64, String)>,
    /// The emoji filtered on, if any.
    emoji: Option<String>,
    total: i64,
    reactors: Vec<ReactorRow>,
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct WhoQuery {
    emoji: Option<String>,
    cursor: Option<String>,
}

/// Who reacted to an item: to whoever may read it.
pub async fn who(
    State(state): State<AppState>,
    page: Page,
    Path((kind, id)): Path<(String, i64)>,
    Query(q): Query<WhoQuery>,
) -> Result<Response, ApiError> {
    let item = item(&kind, id)?;
    let cursor = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let emoji = q.emoji.filter(|e| !e.is_empty());
    let who = state
        .agora
        .reactions()
        .who(
            &page.viewer,
            item,
            emoji.as_deref(),
            cursor,
            page_size(None)?,
        )
        .await?;
    let base = format!("/items/{kind}/{id}/reactions");
    let tabs = who
        .reactions
        .counts
        .iter()
        .map(|c| {
            let to = format!("{base}?emoji={}", urlencode(&c.emoji));
            (c.emoji.clone(), c.count, to)
        })
        .collect();
    let next = who.reactors.next.map(|c| {
        let filter = emoji
            .as_deref()
            .map(|e| format!("emoji={}&", urlencode(e)))
            .unwrap_or_default();
        format!("{base}?{filter}cursor={}", c.encode())
    });
    let title = format!("Reactions: {}", who.item.title);
    let view = WhoPage {
        layout: page.layout(&title, &title, "groups", true),
        kind: item.kind.as_str(),
        id: item.id,
        title: who.item.title.clone(),
        excerpt: who.item.excerpt.clone(),
        url: crate::item_links::link(&who.item),
        tabs,
        total: who.reactions.counts.iter().map(|c| c.count).sum(),
        emoji,
        reactors: who
            .reactors
            .items
            .iter()
            .map(|r| ReactorRow {
                initial: initial(&r.display_name, &r.username),
                hue: hue(&r.username),
                username: r.username.clone(),
                display_name: r.display_name.clone(),
                emoji: r.emoji.clone(),
                ago: ago(r.at),
                iso: r.at.to_rfc3339(),
            })
            .collect(),
        next,
    };
    Ok(render(&view))
}
