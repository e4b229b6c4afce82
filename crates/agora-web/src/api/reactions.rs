//! Reactions on any item, named by its reference (`/items/{kind}/{id}`): who reacted and the
//! counts, reacting and taking a reaction back. An unknown kind, and an item the viewer may
//! not read, are the same 404 as an item that does not exist.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use agora_core::forum::items::post_ref;
use agora_core::items::refs::ItemRef;
use agora_core::paging::{Cursor, page_size};
use agora_core::reactions::{ItemReactions, ReactionCount, WhoReacted};
use agora_core::{PostId, Viewer};

use crate::api::dto::PostResponse;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Auth};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(tags(
    (name = "reactions", description = "Reactions on any item: a like and the site's other emoji")
))]
struct ReactionsDoc;

/// The routes of reactions, with their OpenAPI description.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ReactionsDoc::openapi()).routes(routes!(who, react, unreact))
}

/// The item a path names: a registered kind and an id; anything else does not exist.
pub(crate) fn item(kind: &str, id: i64) -> Result<ItemRef, ApiError> {
    ItemRef::parse(kind, id).ok_or_else(ApiError::not_found)
}

/// How many reacted with one emoji.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReactionCountResponse {
    pub emoji: String,
    pub count: i64,
    /// Whether the viewer is one of them.
    pub mine: bool,
}

impl From<&ReactionCount> for ReactionCountResponse {
    fn from(c: &ReactionCount) -> Self {
        Self {
            emoji: c.emoji.clone(),
            count: c.count,
            mine: c.mine,
        }
    }
}

/// An item's reactions.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemReactionsResponse {
    /// The item's kind (`post`) and id.
    pub kind: String,
    pub id: i64,
    /// Per emoji with at least one reaction: the site's set in its order, then emoji that
    /// left the set.
    pub reactions: Vec<ReactionCountResponse>,
    /// Whether the viewer may react to it (not to their own item, not signed out).
    pub can_react: bool,
}

impl From<&ItemReactions> for ItemReactionsResponse {
    fn from(r: &ItemReactions) -> Self {
        Self {
            kind: r.item.kind.as_str().to_owned(),
            id: r.item.id,
            reactions: r.counts.iter().map(Into::into).collect(),
            can_react: r.can_react,
        }
    }
}

/// A member who reacted.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReactorResponse {
    pub username: String,
    pub display_name: String,
    pub emoji: String,
    pub at: String,
}

/// An item's reactions and one page of who reacted, the latest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct WhoReactedResponse {
    #[serde(flatten)]
    pub reactions: ItemReactionsResponse,
    pub reactors: Vec<ReactorResponse>,
    pub next_cursor: Option<String>,
}

impl From<&WhoReacted> for WhoReactedResponse {
    fn from(w: &WhoReacted) -> Self {
        Self {
            reactions: (&w.reactions).into(),
            reactors: w
                .reactors
                .items
                .iter()
                .map(|r| ReactorResponse {
                    username: r.username.clone(),
                    display_name: r.display_name.clone(),
                    emoji: r.emoji.clone(),
                    at: r.at.to_rfc3339(),
                })
                .collect(),
            next_cursor: w.reactors.next.map(Cursor::encode),
        }
    }
}

/// Which reactors to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WhoQuery {
    /// Only those who reacted with this emoji.
    pub emoji: Option<String>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1–100, default 30.
    pub limit: Option<u32>,
}

/// A reaction.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReactRequest {
    /// One emoji of the site's set (`GET /api/v1/site`, `reactions`; the first is the like).
    pub emoji: String,
}

/// Which reaction to take back.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnreactQuery {
    pub emoji: String,
}

/// Who reacted to an item, and the counts (whoever may read the item).
#[utoipa::path(get, path = "/api/v1/items/{kind}/{id}/reactions", tag = "reactions",
    params(("kind" = String, Path, description = "The item's kind, e.g. `post`"), ("id" = i64, Path), WhoQuery),
    responses((status = 200, body = WhoReactedResponse), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn who(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((kind, id)): ApiPath<(String, i64)>,
    ApiQuery(q): ApiQuery<WhoQuery>,
) -> Result<Json<WhoReactedResponse>, ApiError> {
    let item = item(&kind, id)?;
    let limit = page_size(q.limit)?;
    let cursor = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let who = state
        .agora
        .reactions()
        .who(&auth.viewer, item, q.emoji.as_deref(), cursor, limit)
        .await?;
    Ok(Json(WhoReactedResponse::from(&who)))
}

/// Reacts to an item with one emoji of the site's set. Reacting again with the same emoji
/// changes nothing (take it back with `DELETE`).
#[utoipa::path(post, path = "/api/v1/items/{kind}/{id}/reactions", tag = "reactions",
    params(("kind" = String, Path), ("id" = i64, Path)), request_body = ReactRequest,
    responses((status = 200, body = ItemReactionsResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "own_item, topic_locked, email_unverified, suspended"),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "not_in_set: the emoji is not one of the site's")),
    security(("bearer" = [])))]
pub async fn react(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((kind, id)): ApiPath<(String, i64)>,
    ApiJson(req): ApiJson<ReactRequest>,
) -> Result<Json<ItemReactionsResponse>, ApiError> {
    let item = item(&kind, id)?;
    let reactions = state
        .agora
        .reactions()
        .react(&auth.viewer, item, &req.emoji)
        .await?;
    Ok(Json(ItemReactionsResponse::from(&reactions)))
}

/// Takes the viewer's reaction back. Taking back one never given changes nothing.
#[utoipa::path(delete, path = "/api/v1/items/{kind}/{id}/reactions", tag = "reactions",
    params(("kind" = String, Path), ("id" = i64, Path), UnreactQuery),
    responses((status = 200, body = ItemReactionsResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unreact(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((kind, id)): ApiPath<(String, i64)>,
    ApiQuery(q): ApiQuery<UnreactQuery>,
) -> Result<Json<ItemReactionsResponse>, ApiError> {
    let item = item(&kind, id)?;
    let reactions = state
        .agora
        .reactions()
        .unreact(&auth.viewer, item, &q.emoji)
        .await?;
    Ok(Json(ItemReactionsResponse::from(&reactions)))
}

/// Fills in the reactions of a topic's posts the viewer may read from what the forum read
/// with them (`TopicView::shown`): no query of its own.
pub(crate) fn fill_shown(shown: &agora_core::reactions::shown::Shown, posts: &mut [PostResponse]) {
    for p in posts.iter_mut() {
        p.author_ignored = shown.ignored.contains(&p.author.id);
        if !p.capabilities.read {
            continue;
        }
        if let Some(counts) = shown.reactions.get(&post_ref(PostId(p.id))) {
            p.reactions = counts.iter().map(Into::into).collect();
        }
    }
}

/// Fills in the reactions of posts the viewer was shown (those they may read), in one query.
pub(crate) async fn fill(
    state: &AppState,
    viewer: &Viewer,
    posts: &mut [PostResponse],
) -> Result<(), ApiError> {
    let items: Vec<ItemRef> = posts
        .iter()
        .filter(|p| p.capabilities.read)
        .map(|p| post_ref(PostId(p.id)))
        .collect();
    let mut tally = state.agora.reactions().tally(viewer, &items).await?;
    for p in posts {
        p.author_ignored = viewer.ignores(p.author.id);
        if let Some(counts) = tally.remove(&post_ref(PostId(p.id))) {
            p.reactions = counts.iter().map(Into::into).collect();
        }
    }
    Ok(())
}
