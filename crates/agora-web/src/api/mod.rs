//! The JSON API under `/api/v1`, and the OpenAPI 3.1 document generated from its handlers.

pub mod auth;
pub mod bookmarks;
pub mod complaints;
pub mod documents;
pub mod dto;
pub mod flags;
pub mod forum;
pub mod groups;
pub mod latest;
pub mod mailings;
pub mod media;
pub mod members;
pub mod outbox;
pub mod preview;
pub mod reactions;
pub mod roster;
pub mod sanctions;
pub mod search;
pub mod site;
pub mod trust;

use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
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
        (name = "moderation", description = "Flags, the moderation queue, sanctions and appeals"),
        (name = "trust", description = "Trust levels and the reading record behind them"),
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
    crate::kinds::KINDS
        .iter()
        .fold(shared_api_routes(), |r, k| r.merge((k.api)()))
}

/// The routes every kind shares.
fn shared_api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::verify))
        .routes(routes!(auth::resend_verification))
        .routes(routes!(auth::request_reset))
        .routes(routes!(auth::confirm_reset))
        .routes(routes!(members::change_email))
        .routes(routes!(members::me, members::update_me, members::erase_me))
        .routes(routes!(members::export))
        .routes(routes!(members::erase))
        .routes(routes!(members::my_invitations))
        .routes(routes!(members::profile))
        .routes(routes!(groups::list, groups::create))
        .routes(routes!(groups::show, groups::update, groups::delete))
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
        .routes(routes!(latest::latest))
        .routes(routes!(latest::tags))
        .routes(routes!(site::show, site::update))
        .routes(routes!(preview::preview))
        .routes(routes!(site::audit))
        .routes(routes!(documents::list))
        .routes(routes!(documents::publish))
        .routes(routes!(documents::pending))
        .routes(routes!(documents::accept, documents::mine))
        .routes(routes!(documents::of_member))
        .routes(routes!(sanctions::impose))
        .routes(routes!(sanctions::lift))
        .routes(routes!(sanctions::mine))
        .routes(routes!(sanctions::appeal))
        .routes(routes!(sanctions::appeals))
        .routes(routes!(flags::flag))
        .routes(routes!(flags::report))
        .routes(routes!(flags::queue))
        .routes(routes!(flags::item_reports))
        .routes(routes!(flags::resolve))
        .routes(routes!(flags::resolve_item))
        .routes(routes!(flags::flag_member))
        .routes(routes!(flags::member_queue))
        .routes(routes!(flags::resolve_member))
        .routes(routes!(complaints::file))
        .routes(routes!(complaints::file_item))
        .routes(routes!(complaints::confirm))
        .routes(routes!(complaints::list))
        .routes(routes!(complaints::show))
        .routes(routes!(complaints::note))
        .routes(routes!(complaints::decide))
        .routes(routes!(mailings::preferences, mailings::set_preferences))
        .routes(routes!(mailings::unsubscribe))
        .routes(routes!(mailings::bulletins, mailings::send))
        .routes(routes!(outbox::state))
        .routes(routes!(outbox::retry))
        .routes(routes!(outbox::dismiss))
        .routes(routes!(trust::mine))
        .routes(routes!(trust::of_member, trust::set))
        .routes(routes!(members::set_site_role))
        .routes(routes!(roster::list))
        .routes(routes!(roster::export))
        .merge(media::routes())
        .merge(reactions::routes())
        .merge(bookmarks::routes())
}

/// The OpenAPI document, as served at `/api/v1/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api_routes().split_for_parts().1
}

/// The API's routes, its document and the health check.
pub fn routes() -> Router<AppState> {
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
    .route("/ready", get(ready))
}

/// Liveness: the process answers. Nothing else is touched, so a load balancer's probe costs
/// nothing (and the load benchmark measures the server's own floor with it).
async fn health() -> &'static str {
    "ok"
}

/// Readiness: the database answers reads and commits a write in time. Otherwise 503 with
/// the reason, for a load balancer to stop sending traffic and an operator to read.
async fn ready(State(state): State<AppState>) -> Response {
    match state.agora.ready().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, format!("not ready: {e}\n")).into_response()
        }
    }
}

/// No route here: 404 (as JSON under `/api`, as a page elsewhere), saying so: a client that
/// built a wrong address learns where the routes are listed.
pub async fn fallback(method: Method, uri: Uri) -> ApiError {
    tracing::debug!(%method, %uri, "no route");
    metrics::counter!("agora_http_requests_total", "method" => crate::measure::method_label(&method), "route" => "unmatched", "status" => "404")
        .increment(1);
    let mut e = ApiError::not_found();
    if uri.path().starts_with("/api/") {
        e.message = NO_ROUTE.to_owned();
    }
    e
}

/// The message of a 404 for an address no route answers.
pub const NO_ROUTE: &str =
    "There is no such address in the API; its routes are listed in /api/v1/openapi.json.";

/// A route without this method: 405.
pub async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{method} is not allowed here; see /api/v1/openapi.json."),
    )
}
