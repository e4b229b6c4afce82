//! Site-wide lists: the latest topics across every group the viewer may read (all, or those
//! with a tag), and the tags in use.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use agora_core::forum::TopicSort;
use agora_core::paging::{Cursor, page_size};

use crate::api::dto::{AuthorResponse, TopicSummary};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiQuery, Auth};
use crate::state::AppState;

/// A page of the latest list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LatestQuery {
    /// Only topics with this tag.
    pub tag: Option<String>,
    /// `latest` (default: most recent activity first), `top` (most replies written in
    /// `period` first) or `unanswered` (topics no one but their author replied to, newest
    /// first).
    pub sort: Option<String>,
    /// With `sort=top`: `day`, `week` (default), `month`, `year` or `all`. Ignored by the
    /// other orders.
    pub period: Option<String>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1–100, default 30.
    pub limit: Option<u32>,
}

/// A topic in a site-wide list.
#[derive(Debug, Serialize, ToSchema)]
pub struct LatestTopic {
    #[serde(flatten)]
    pub topic: TopicSummary,
    /// The group's name (`group` is its address).
    pub group_name: String,
    /// Who wrote its newest published post (its author when no one replied).
    pub last_poster: AuthorResponse,
    /// How many members have opened it (guests are not counted).
    pub readers: i64,
}

/// The latest topics.
#[derive(Debug, Serialize, ToSchema)]
pub struct LatestResponse {
    pub topics: Vec<LatestTopic>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// A tag in use.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagCount {
    pub tag: String,
    /// Topics the viewer may read that carry it.
    pub topics: i64,
}

/// The tags in use.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagsResponse {
    pub tags: Vec<TagCount>,
}

/// The topics of every group the viewer may read: latest activity first, top over a period,
/// or unanswered; `tag` narrows to one tag.
#[utoipa::path(get, path = "/api/v1/latest", tag = "forum", params(LatestQuery),
    responses((status = 200, body = LatestResponse), (status = 422, body = ErrorBody)))]
pub async fn latest(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<LatestQuery>,
) -> Result<Json<LatestResponse>, ApiError> {
    let sort = TopicSort::parse(q.sort.as_deref(), q.period.as_deref())?;
    let limit = page_size(q.limit)?;
    let before = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let (topics, next) = state
        .agora
        .site()
        .latest(&auth.viewer, q.tag.as_deref(), sort, before, limit)
        .await?;
    Ok(Json(LatestResponse {
        topics: topics
            .iter()
            .map(|t| LatestTopic {
                topic: TopicSummary::new(&t.topic, &t.group_slug),
                group_name: t.group_name.clone(),
                last_poster: (&t.last_poster).into(),
                readers: t.readers,
            })
            .collect(),
        next_cursor: next.map(Cursor::encode),
    }))
}

/// The tags of the topics the viewer may read, most used first (up to 200).
#[utoipa::path(get, path = "/api/v1/tags", tag = "forum",
    responses((status = 200, body = TagsResponse)))]
pub async fn tags(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<TagsResponse>, ApiError> {
    let tags = state.agora.site().tags(&auth.viewer, 200).await?;
    Ok(Json(TagsResponse {
        tags: tags
            .into_iter()
            .map(|(tag, topics)| TagCount { tag, topics })
            .collect(),
    }))
}
