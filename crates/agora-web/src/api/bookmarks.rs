//! Bookmarks: a member's own list of items kept for later (`/bookmarks`), and a bookmark on
//! any item, named by its reference, with an optional reminder and note.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use agora_core::bookmarks::{Kept, parse_rfc3339};
use agora_core::paging::{Cursor, page_size};

use crate::api::reactions::item;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Auth};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(tags((name = "bookmarks", description = "A member's bookmarks on any item, with reminders")))]
struct BookmarksDoc;

/// The routes of bookmarks, with their OpenAPI description.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(BookmarksDoc::openapi())
        .routes(routes!(list))
        .routes(routes!(put, remove))
}

/// A bookmark with its item as the viewer may read it now.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookmarkResponse {
    /// The item's kind (`post`) and id.
    pub kind: String,
    pub id: i64,
    /// What the item belongs to (a topic's title).
    pub title: String,
    /// The item's opening words, as plain text.
    pub excerpt: String,
    pub author: String,
    /// The page that shows the item.
    pub url: String,
    pub created_at: String,
    pub remind_at: Option<String>,
    /// Whether the reminder time has come.
    pub due: bool,
    pub note: String,
}

impl From<&Kept> for BookmarkResponse {
    fn from(k: &Kept) -> Self {
        Self {
            kind: k.item.item.kind.as_str().to_owned(),
            id: k.item.item.id,
            title: k.item.title.clone(),
            excerpt: k.item.excerpt.clone(),
            author: k.item.author_name.clone(),
            url: crate::item_links::link(&k.item),
            created_at: k.bookmark.created_at.to_rfc3339(),
            remind_at: k.bookmark.remind_at.map(|t| t.to_rfc3339()),
            due: k.due,
            note: k.bookmark.note.clone(),
        }
    }
}

/// A page of bookmarks: due reminders first, then the newest. Items the member can no longer
/// read are left out (a page may hold fewer than its limit); there is no total.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookmarkListResponse {
    pub bookmarks: Vec<BookmarkResponse>,
    pub next_cursor: Option<String>,
}

/// Which page of bookmarks.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BookmarkListQuery {
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1–100, default 30.
    pub limit: Option<u32>,
}

/// A bookmark to save (a second replaces the reminder and the note).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookmarkRequest {
    /// When to be reminded, RFC 3339 with its offset (`2026-12-24T18:00:00Z`); in the future.
    pub remind_at: Option<String>,
    /// Up to 200 characters, one line.
    pub note: Option<String>,
}

/// The viewer's bookmarks.
#[utoipa::path(get, path = "/api/v1/bookmarks", tag = "bookmarks", params(BookmarkListQuery),
    responses((status = 200, body = BookmarkListResponse), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<BookmarkListQuery>,
) -> Result<Json<BookmarkListResponse>, ApiError> {
    let limit = page_size(q.limit)?;
    let cursor = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let page = state
        .agora
        .bookmarks()
        .list(&auth.viewer, cursor, limit)
        .await?;
    Ok(Json(BookmarkListResponse {
        bookmarks: page.items.iter().map(BookmarkResponse::from).collect(),
        next_cursor: page.next.map(Cursor::encode),
    }))
}

/// Bookmarks an item the viewer may read, or changes the reminder and note of their bookmark.
#[utoipa::path(put, path = "/api/v1/items/{kind}/{id}/bookmark", tag = "bookmarks",
    params(("kind" = String, Path, description = "The item's kind, e.g. `post`"), ("id" = i64, Path)),
    request_body = BookmarkRequest,
    responses((status = 200, body = BookmarkResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "remind_at in the past or unreadable; note too long")),
    security(("bearer" = [])))]
pub async fn put(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((kind, id)): ApiPath<(String, i64)>,
    ApiJson(req): ApiJson<BookmarkRequest>,
) -> Result<Json<BookmarkResponse>, ApiError> {
    let item = item(&kind, id)?;
    let remind_at = req
        .remind_at
        .as_deref()
        .filter(|r| !r.trim().is_empty())
        .map(parse_rfc3339)
        .transpose()?;
    let kept = state
        .agora
        .bookmarks()
        .put(
            &auth.viewer,
            item,
            remind_at,
            req.note.as_deref().unwrap_or(""),
        )
        .await?;
    Ok(Json(BookmarkResponse::from(&kept)))
}

/// Takes the viewer's bookmark off an item.
#[utoipa::path(delete, path = "/api/v1/items/{kind}/{id}/bookmark", tag = "bookmarks",
    params(("kind" = String, Path), ("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((kind, id)): ApiPath<(String, i64)>,
) -> Result<StatusCode, ApiError> {
    let item = item(&kind, id)?;
    state.agora.bookmarks().remove(&auth.viewer, item).await?;
    Ok(StatusCode::NO_CONTENT)
}
