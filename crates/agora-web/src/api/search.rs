//! Full-text search over what the viewer may read.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use agora_core::paging::page_size;

use crate::api::dto::{SearchHitResponse, SearchResponse};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiQuery, Auth};
use crate::state::AppState;

/// A search.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQueryParams {
    /// Words to find (up to 200 characters); every word must match.
    pub q: Option<String>,
    /// 1–100, default 30.
    pub limit: Option<u32>,
    /// From a previous response's `next_offset`.
    pub offset: Option<u32>,
}

/// Searches topics and replies, ranked, with highlighted snippets; only groups the viewer
/// may read are searched.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchQueryParams),
    responses((status = 200, body = SearchResponse), (status = 422, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<SearchQueryParams>,
) -> Result<Json<SearchResponse>, ApiError> {
    let limit = page_size(p.limit)?;
    let offset = p.offset.unwrap_or(0);
    let hits = state
        .agora
        .search(&auth.viewer, p.q.as_deref().unwrap_or(""), limit, offset)
        .await?;
    let next_offset = (hits.len() == limit as usize).then_some(offset + limit);
    Ok(Json(SearchResponse {
        results: hits.iter().map(SearchHitResponse::from).collect(),
        next_offset,
    }))
}
