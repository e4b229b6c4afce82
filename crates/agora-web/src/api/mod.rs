//! The JSON API under `/api/v1`, and the OpenAPI 3.1 document generated from its handlers.

pub mod auth;
pub mod dto;
pub mod forum;
pub mod groups;
pub mod members;
pub mod search;
pub mod site;

use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "agora API",
        description = "The JSON API of an agora community: members, groups (public, closed, secret), \
            forums and search. Authenticate with `Authorization: Bearer <token>` from `/api/v1/auth/login`. \
            Every error is `{\"error\":{\"code\",\"message\",\"field\"}}`.",
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Registration and sessions"),
        (name = "members", description = "Accounts and profiles"),
        (name = "groups", description = "Groups, membership, requests and invitations"),
        (name = "forum", description = "Topics and posts"),
        (name = "search", description = "Full-text search"),
        (name = "site", description = "Site settings"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API routes with their OpenAPI description.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(members::me, members::update_me))
        .routes(routes!(members::my_invitations))
        .routes(routes!(members::profile))
        .routes(routes!(groups::list, groups::create))
        .routes(routes!(groups::show))
        .routes(routes!(groups::join))
        .routes(routes!(groups::leave))
        .routes(routes!(groups::members))
        .routes(routes!(groups::remove_member))
        .routes(routes!(groups::set_role))
        .routes(routes!(groups::requests))
        .routes(routes!(groups::approve))
        .routes(routes!(groups::reject))
        .routes(routes!(groups::invite))
        .routes(routes!(groups::accept))
        .routes(routes!(forum::list, forum::create))
        .routes(routes!(forum::show, forum::update))
        .routes(routes!(forum::reply))
        .routes(routes!(
            forum::show_post,
            forum::edit_post,
            forum::delete_post
        ))
        .routes(routes!(forum::restore_post))
        .routes(routes!(forum::revisions))
        .routes(routes!(search::search))
        .routes(routes!(site::show, site::update))
}

/// The OpenAPI document, as served at `/api/v1/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api_routes().split_for_parts().1
}

/// All routes: the API, its document, the health check, and JSON 404s under `/api`.
pub fn router(state: AppState) -> Router {
    let (api, doc) = api_routes().split_for_parts();
    let doc = std::sync::Arc::new(doc);
    api.route(
        "/api/v1/openapi.json",
        get(move || {
            let doc = doc.clone();
            async move { Json(doc.as_ref().clone()) }
        }),
    )
    .route("/health", get(health))
    .route("/", get(home))
    .fallback(fallback)
    .method_not_allowed_fallback(method_not_allowed)
    .with_state(state)
}

/// Liveness and database reachability.
async fn health(State(state): State<AppState>) -> Response {
    match state.agora.store().count_members().await {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(e) => ApiError::internal(&e).into_response(),
    }
}

/// Where to go from the root, until the site's pages arrive.
async fn home(State(state): State<AppState>) -> Result<Html<String>, ApiError> {
    let site = state.agora.site_settings().await?;
    let name = escape(&site.name);
    let goal = escape(&site.goal);
    Ok(Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{name}</title></head>\
         <body><main><h1>{name}</h1><p>{goal}</p>\
         <p>This community runs on agora. Its JSON API is at <a href=\"/api/v1/groups\">/api/v1</a>, \
         described by <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>.</p></main></body></html>"
    )))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn fallback(method: Method, uri: Uri) -> ApiError {
    tracing::debug!(%method, %uri, "no route");
    ApiError::not_found()
}

async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{method} is not allowed here; see /api/v1/openapi.json."),
    )
}
