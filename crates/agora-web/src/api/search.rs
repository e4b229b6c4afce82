//! Full-text search over what the viewer may read.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use agora_core::paging::page_size;
use agora_core::search::{MAX_OFFSET, SearchControls};

use crate::api::dto::{ItemHitResponse, SearchHitResponse, SearchResponse};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiQuery, Auth};
use crate::state::AppState;

/// A search.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQueryParams {
    /// Words to find (up to 200 characters); every word must match. Operators narrow:
    /// `kind:question`, `is:solved` (or any state), `group:SLUG`, `author:USERNAME`; operators
    /// alone list what they match, newest first.
    pub q: Option<String>,
    /// Topics per page, 1–100, default 30.
    pub limit: Option<u32>,
    /// Topics to skip, at most 1,000: from a previous response's `next_offset`.
    pub offset: Option<u32>,
}

/// Searches topics and replies, ranked, with highlighted snippets, one result per topic (its
/// best-matching post); only groups the viewer may read are searched. A signed-in viewer's
/// private messages that hold every word come in `items`. An offset past the end
/// gives an empty page with the total.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchQueryParams),
    responses((status = 200, body = SearchResponse), (status = 422, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<SearchQueryParams>,
) -> Result<Json<SearchResponse>, ApiError> {
    let limit = page_size(p.limit)?;
    let offset = p.offset.unwrap_or(0);
    let found = state
        .agora
        .search(
            &auth.viewer,
            p.q.as_deref().unwrap_or(""),
            &SearchControls::default(),
            limit,
            offset,
        )
        .await?;
    let items = if offset == 0 {
        state
            .agora
            .search_items(&auth.viewer, p.q.as_deref().unwrap_or(""), 10)
            .await?
    } else {
        Vec::new()
    };
    let end = offset.saturating_add(limit);
    let next_offset = (end < found.total && end <= MAX_OFFSET).then_some(end);
    Ok(Json(SearchResponse {
        results: found
            .hits
            .iter()
            .map(|h| SearchHitResponse {
                author_ignored: auth.viewer.ignores(h.author.id),
                ..h.into()
            })
            .collect(),
        next_offset,
        total: found.total,
        total_exact: found.exact,
        items: items
            .iter()
            .map(|h| ItemHitResponse {
                author_ignored: auth.viewer.ignores(h.author_id),
                ..h.into()
            })
            .collect(),
    }))
}
