//! Site-wide lists: `/latest` (every group the viewer may read, latest activity first, with
//! a "more" link), `/tags` (the tags in use) and `/tags/{tag}` (the latest with one tag).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::forum::TopicSort;
use agora_core::paging::Cursor;

use crate::error::ApiError;
use crate::extract::{ApiPath as Path, ApiQuery as Query};
use crate::pages::sorts::SortControls;
use crate::pages::view::{Layout, TopicRow};
use crate::pages::{Page, render};
use crate::state::AppState;

/// Topics a page of `/latest` shows.
const PAGE: u32 = 30;

#[derive(Template)]
#[template(path = "latest.html")]
struct LatestPage {
    layout: Layout,
    heading: String,
    /// The tag whose list this is, if any.
    tag: Option<String>,
    topics: Vec<TopicRow>,
    /// The address of the next page, if there is one.
    more: Option<String>,
    first_page: bool,
    /// The list's order: its links, the period form, its pages' addresses.
    controls: SortControls,
}

/// The orders the site-wide lists offer.
const SORTS: &[(&str, &str)] = &[
    ("latest", "Latest"),
    ("top", "Top"),
    ("unanswered", "Unanswered"),
];

#[derive(Template)]
#[template(path = "tags.html")]
struct TagsPage {
    layout: Layout,
    tags: Vec<(String, i64)>,
}

#[derive(Debug, Deserialize)]
pub struct MoreQuery {
    sort: Option<String>,
    period: Option<String>,
    cursor: Option<String>,
}

/// `/latest`.
pub async fn latest(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<MoreQuery>,
) -> Result<Response, ApiError> {
    list(&state, &page, None, &q).await
}

/// `/tags/{tag}`.
pub async fn tag(
    State(state): State<AppState>,
    page: Page,
    Path(tag): Path<String>,
    Query(q): Query<MoreQuery>,
) -> Result<Response, ApiError> {
    list(&state, &page, Some(&tag), &q).await
}

async fn list(
    state: &AppState,
    page: &Page,
    tag: Option<&str>,
    q: &MoreQuery,
) -> Result<Response, ApiError> {
    let sort = TopicSort::parse(q.sort.as_deref(), q.period.as_deref())?;
    let before = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let (topics, next) = match state
        .agora
        .site()
        .latest(&page.viewer, tag, sort, before, PAGE)
        .await
    {
        Ok(found) => found,
        // No such tag can exist: nothing to list here.
        Err(agora_core::error::Refused::Invalid(_)) => return Err(ApiError::not_found()),
        Err(e) => return Err(e.into()),
    };
    // A page past the last is not a page, nor is a tag no readable topic carries.
    if topics.is_empty() && before.is_some() {
        return Err(ApiError::past_the_end());
    }
    if topics.is_empty() && tag.is_some() && sort == TopicSort::Latest {
        return Err(ApiError::not_found());
    }
    let labels = state.agora.status_labels().await?;
    let base = match tag {
        Some(t) => format!("/tags/{}", urlencoding(t)),
        None => "/latest".to_owned(),
    };
    let which = match sort {
        TopicSort::Top(_) => "most replied-to",
        TopicSort::Unanswered => "unanswered",
        _ => "latest",
    };
    let (heading, description) = match tag {
        Some(t) => (
            format!("#{t}"),
            format!(
                "The {which} conversations tagged {t} in {}.",
                page.site.name
            ),
        ),
        None => (
            SORTS
                .iter()
                .find(|(name, _)| *name == sort.name())
                .map_or("Latest", |(_, label)| label)
                .to_owned(),
            format!("The {which} conversations in {}.", page.site.name),
        ),
    };
    let controls = SortControls::new(&base, sort, SORTS);
    Ok(render(&LatestPage {
        layout: page.layout(&heading, &description, "latest", before.is_some()),
        heading,
        tag: tag.map(str::to_owned),
        topics: topics
            .iter()
            .map(|t| TopicRow::in_group(t, &labels, &page.viewer))
            .collect(),
        more: next.map(|c| controls.next(&c.encode())),
        first_page: before.is_none(),
        controls,
    }))
}

/// `/tags`.
pub async fn tags(State(state): State<AppState>, page: Page) -> Result<Response, ApiError> {
    let tags = state.agora.site().tags(&page.viewer, 200).await?;
    Ok(render(&TagsPage {
        layout: page.layout(
            "Tags",
            &format!("The tags of the conversations in {}.", page.site.name),
            "latest",
            false,
        ),
        tags,
    }))
}

/// `s` for a path segment: letters, digits and dashes as they are, the rest percent-encoded.
fn urlencoding(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
