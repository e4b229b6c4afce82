//! `/search?q=`: results with highlighted snippets, only from what the viewer may read.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::search::{SearchError, snippet_html};

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
    /// The best answer's opening words and address, for a solved question, when the result
    /// is another post of it.
    featured: Option<(String, String)>,
    /// The result is the question's best answer itself (its words are the snippet already).
    is_best: bool,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    query: String,
    query_url: String,
    count_text: String,
    error: Option<String>,
    results: Vec<ResultRow>,
    previous_offset: Option<u32>,
    next_offset: Option<u32>,
}

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    offset: Option<u32>,
}

const PER_PAGE: u32 = 20;

/// Runs a search; an empty query shows the form.
/// The words a search looked for, space-separated, if it looked for every word typed.
fn searched_words(raw: &str) -> Option<String> {
    let parsed = agora_core::search::SearchQuery::parse(raw).ok()?;
    let typed: Vec<String> = raw
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    (typed == parsed.terms()).then(|| parsed.terms().join(" "))
}

pub async fn search(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<SearchQuery>,
) -> Result<Response, ApiError> {
    let query = q.q.unwrap_or_default();
    let offset = q.offset.unwrap_or(0).min(1_000);
    let mut view = SearchPage {
        layout: page.layout(
            if query.is_empty() {
                "Search"
            } else {
                "Search results"
            },
            "Search the community.",
            "search",
            true,
        ),
        query_url: urlencode(&query),
        query: query.clone(),
        count_text: String::new(),
        error: None,
        results: Vec::new(),
        previous_offset: (offset > 0).then(|| offset.saturating_sub(PER_PAGE)),
        next_offset: None,
    };
    view.layout.query = query.clone();
    if query.trim().is_empty() {
        return Ok(render(&view));
    }
    match state
        .agora
        .search(&page.viewer, &query, PER_PAGE, offset)
        .await
    {
        Ok(hits) => {
            view.next_offset = (hits.len() == PER_PAGE as usize).then_some(offset + PER_PAGE);
            view.count_text = match (hits.len(), offset) {
                (0, 0) => "Nothing found. Try other words.".into(),
                (n, 0) if n < PER_PAGE as usize => {
                    format!("{n} result{}.", if n == 1 { "" } else { "s" })
                }
                (n, o) => format!("Results {} to {}.", o + 1, o as usize + n),
            };
            let labels = state.agora.ideas().status_labels().await?;
            view.results = hits
                .iter()
                .map(|h| ResultRow {
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
                                crate::pages::topics::post_url(
                                    h.topic_id.0,
                                    &h.topic_slug,
                                    *number,
                                ),
                            )
                        }),
                })
                .collect();
            // Results that found something are a page worth finding (like a tag page); a
            // query that found nothing stays out of search engines, so a link to a made-up
            // query cannot put a page of ours with its words in the title into their index.
            // Nor can one whose words the search partly ignored (past the eighth, say): the
            // page is indexable only as the words searched for, and its address is theirs.
            if let Some(words) = searched_words(&query).filter(|_| !view.results.is_empty()) {
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
            view.error = Some(i.message);
            let mut res = render(&view);
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}
