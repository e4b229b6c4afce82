//! `/search?q=`: one result per topic with highlighted snippets, only from what the viewer may
//! read, and the filters as form controls (a plain GET form: they work without JavaScript).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::kinds::StatusLabels;
use agora_core::search::{
    MAX_OFFSET, SearchControls, SearchError, SearchQuery as Parsed, SearchResults, snippet_html,
    states,
};

use crate::error::ApiError;
use crate::extract::ApiQuery as Query;
use crate::pages::view::{Layout, ago};
use crate::pages::{Page, render, urlencode};
use crate::state::AppState;

pub struct ResultRow {
    url: String,
    topic_title: String,
    group_slug: String,
    group_name: String,
    username: String,
    display_name: String,
    iso: String,
    ago: String,
    snippet_html: String,
    /// A badge: `Solved`, `Question`, an idea's status, or empty.
    badge: String,
    /// Whether the badge says the topic is settled.
    badge_done: bool,
    /// What the kind calls its featured post: (beside this result, on this result).
    featured_words: (&'static str, &'static str),
    /// The best answer's opening words and address, for a solved question, when the result
    /// is another post of it.
    featured: Option<(String, String)>,
    /// The result is the question's best answer itself (its words are the snippet already).
    is_best: bool,
    /// "3 more matches in this topic", or empty.
    more: String,
    /// The viewer ignores its author: shown collapsed.
    ignored: bool,
}

/// One choice of a select: its value, its label, whether it is chosen.
pub struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    query: String,
    count_text: String,
    error: Option<String>,
    /// The control at fault (`q`, `kind`, `is`, `group`, `author`).
    error_field: &'static str,
    kinds: Vec<Choice>,
    states: Vec<Choice>,
    group: String,
    author: String,
    results: Vec<ResultRow>,
    /// What the words found beyond the forum (the viewer's private messages), under each
    /// kind's heading (first page only).
    items: Vec<(&'static str, Vec<ItemRow>)>,
    previous: Option<String>,
    next: Option<String>,
}

/// An item found beyond the forum (a private message), as the page lists it.
pub struct ItemRow {
    url: String,
    title: String,
    author: String,
    iso: String,
    ago: String,
    snippet_html: String,
    /// The viewer ignores its author: shown collapsed.
    ignored: bool,
}

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    kind: Option<String>,
    is: Option<String>,
    group: Option<String>,
    author: Option<String>,
    offset: Option<u32>,
}

const PER_PAGE: u32 = 20;

/// The words a search looked for, space-separated, if it looked for every word typed and
/// nothing narrowed it.
fn searched_words(raw: &str, controls: &SearchControls) -> Option<String> {
    let parsed = Parsed::parse_with(raw, controls).ok()?;
    let typed: Vec<String> = raw
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    (!parsed.is_narrowed() && typed == parsed.terms()).then(|| parsed.terms().join(" "))
}

/// The address of this search at `offset`, with the controls as sent.
fn address(query: &str, controls: &SearchControls, offset: u32) -> String {
    let mut url = format!("/search?q={}", urlencode(query));
    for (name, value) in [
        ("kind", &controls.kind),
        ("is", &controls.is),
        ("group", &controls.group),
        ("author", &controls.author),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            url.push_str(&format!("&{name}={}", urlencode(v)));
        }
    }
    if offset > 0 {
        url.push_str(&format!("&offset={offset}"));
    }
    url
}

/// What the page says of the results: how many topics, and which are shown.
fn count_text(found: &SearchResults, offset: u32) -> String {
    let shown = u32::try_from(found.hits.len()).unwrap_or(u32::MAX);
    let total = if found.exact {
        found.total.to_string()
    } else {
        format!("at least {}", found.total)
    };
    match (found.total, shown) {
        (0, _) => "Nothing found. Try other words or fewer filters.".into(),
        (1, _) if found.exact => "1 topic found.".into(),
        (n, s) if found.exact && offset == 0 && s == n => format!("{n} topics found."),
        (_, s) => format!(
            "Topics {} to {} of {total}.",
            offset + 1,
            offset.saturating_add(s)
        ),
    }
}

fn row(
    h: &agora_core::search::SearchHit,
    labels: &StatusLabels,
    viewer: &agora_core::Viewer,
) -> ResultRow {
    ResultRow {
        ignored: viewer.ignores(h.author.id),
        url: crate::pages::topics::post_url(h.topic_id.0, &h.topic_slug, h.post_number),
        topic_title: h.topic_title.clone(),
        group_slug: h.group_slug.clone(),
        group_name: h.group_name.clone(),
        username: h.author.username.clone(),
        display_name: h.author.display_name.clone(),
        iso: h.created_at.to_rfc3339(),
        ago: ago(h.created_at),
        snippet_html: snippet_html(&h.snippet),
        badge: labels.badge(h.topic_kind, &h.topic_status),
        badge_done: agora_core::kinds::is_done(h.topic_kind, &h.topic_status),
        featured_words: agora_core::kinds::featured_words(h.topic_kind),
        is_best: h
            .featured
            .as_ref()
            .is_some_and(|(number, _)| *number == h.post_number),
        featured: h
            .featured
            .as_ref()
            .filter(|(number, _)| *number != h.post_number)
            .map(|(number, excerpt)| {
                (
                    excerpt.clone(),
                    crate::pages::topics::post_url(h.topic_id.0, &h.topic_slug, *number),
                )
            }),
        more: match h.more_matches {
            0 => String::new(),
            1 => "1 more match in this topic".into(),
            n => format!("{n} more matches in this topic"),
        },
    }
}

/// The controls as the search understood them (a typed `is:solved` selects "solved"), or as
/// sent when the search was refused.
fn controls_view(view: &mut SearchPage, parsed: Option<&Parsed>, sent: &SearchControls) {
    let kind = parsed.map_or_else(
        || sent.kind.clone().unwrap_or_default(),
        |p| {
            p.filter()
                .kind
                .map(|k| k.as_str().to_owned())
                .unwrap_or_default()
        },
    );
    let state = parsed.map_or_else(
        || sent.is.clone().unwrap_or_default(),
        |p| p.state().unwrap_or_default(),
    );
    let names = std::iter::once("discussion")
        .chain(agora_core::kinds::topic_kinds().map(|k| k.kind.as_str()));
    view.kinds = names
        .map(|name| Choice {
            value: name.to_owned(),
            label: agora_core::kinds::spec(agora_core::forum::TopicKind::parse(name))
                .map_or("Discussions".to_owned(), |k| format!("{}s", k.badge)),
            selected: name == kind,
        })
        .collect();
    view.states = states()
        .into_iter()
        .map(|(value, label)| Choice {
            selected: value == state,
            value,
            label,
        })
        .collect();
    view.group = parsed.map_or_else(
        || sent.group.clone().unwrap_or_default(),
        |p| p.group().unwrap_or_default().to_owned(),
    );
    view.author = parsed.map_or_else(
        || sent.author.clone().unwrap_or_default(),
        |p| p.author().unwrap_or_default().to_owned(),
    );
}

/// Runs a search; an empty query without filters shows the form. A page past the last
/// result is not found.
pub async fn search(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<SearchQuery>,
) -> Result<Response, ApiError> {
    let query = q.q.unwrap_or_default();
    let controls = SearchControls {
        kind: q.kind,
        is: q.is,
        group: q.group,
        author: q.author,
    };
    let offset = q.offset.unwrap_or(0);
    if offset > MAX_OFFSET {
        return Err(ApiError::past_the_end());
    }
    let blank = query.trim().is_empty()
        && [
            &controls.kind,
            &controls.is,
            &controls.group,
            &controls.author,
        ]
        .iter()
        .all(|c| c.as_deref().is_none_or(|v| v.trim().is_empty()));
    let mut view = SearchPage {
        layout: page.layout(
            if blank { "Search" } else { "Search results" },
            "Search the community.",
            "search",
            true,
        ),
        query: query.clone(),
        count_text: String::new(),
        error: None,
        error_field: "",
        kinds: Vec::new(),
        states: Vec::new(),
        group: String::new(),
        author: String::new(),
        results: Vec::new(),
        items: Vec::new(),
        previous: None,
        next: None,
    };
    view.layout.query = query.clone();
    if blank {
        controls_view(&mut view, None, &controls);
        return Ok(render(&view));
    }
    match state
        .agora
        .search(&page.viewer, &query, &controls, PER_PAGE, offset)
        .await
    {
        Ok(found) => {
            if found.hits.is_empty() && offset > 0 {
                return Err(ApiError::past_the_end());
            }
            if offset == 0 {
                let hits = state.agora.search_items(&page.viewer, &query, 5).await?;
                for kind in crate::kinds::KINDS
                    .iter()
                    .filter_map(|k| k.item_page.as_ref())
                {
                    let rows: Vec<ItemRow> = hits
                        .iter()
                        .filter(|h| h.item.kind == kind.kind)
                        .map(|h| ItemRow {
                            url: crate::item_links::link_to(h.item, h.container, h.position),
                            title: h.title.clone(),
                            author: h.author.clone(),
                            iso: h.created_at.to_rfc3339(),
                            ago: ago(h.created_at),
                            snippet_html: agora_core::search::snippet_html(&h.snippet),
                            ignored: page.viewer.ignores(h.author_id),
                        })
                        .collect();
                    if !rows.is_empty() {
                        view.items.push((kind.found_in, rows));
                    }
                }
            }
            controls_view(
                &mut view,
                Parsed::parse_with(&query, &controls).ok().as_ref(),
                &controls,
            );
            view.count_text = count_text(&found, offset);
            let end = offset.saturating_add(PER_PAGE);
            view.next =
                (end < found.total && end <= MAX_OFFSET).then(|| address(&query, &controls, end));
            view.previous =
                (offset > 0).then(|| address(&query, &controls, offset.saturating_sub(PER_PAGE)));
            let labels = state.agora.status_labels().await?;
            view.results = found
                .hits
                .iter()
                .map(|h| row(h, &labels, &page.viewer))
                .collect();
            // Results that found something are a page worth finding (like a tag page); a
            // query that found nothing stays out of search engines, so a link to a made-up
            // query cannot put a page of ours with its words in the title into their index.
            // Nor can one whose words the search partly ignored (past the eighth, say), or
            // one narrowed by filters: the page is indexable only as the words searched for,
            // and its address is theirs.
            if let Some(words) =
                searched_words(&query, &controls).filter(|_| !view.results.is_empty())
            {
                view.layout.noindex = false;
                view.layout.canonical = format!(
                    "{}/search?q={}{}",
                    state.config.public_url,
                    urlencode(&words),
                    if offset > 0 {
                        format!("&offset={offset}")
                    } else {
                        String::new()
                    }
                );
            }
            Ok(render(&view))
        }
        Err(SearchError::Invalid(i)) => {
            controls_view(&mut view, None, &controls);
            view.error_field = match i.field {
                "kind" => "kind",
                "is" => "is",
                "group" => "group",
                "author" => "author",
                _ => "q",
            };
            view.error = Some(i.message);
            let mut res = render(&view);
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}
