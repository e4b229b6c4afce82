//! agora's HTTP face, the only crate that knows HTTP: the JSON API under `/api/v1` with its
//! generated OpenAPI document, the error envelope, authentication from bearer tokens and the
//! session cookie, and the security headers every response carries.
//!
//! Handlers are thin: extract, make one call into `agora_core::Agora`, map the result.

pub mod api;
mod cache;
pub mod client;
mod error;
mod extract;
mod finish;
mod item_links;
mod items;
mod kinds;
mod measure;
mod pages;
mod security;
mod state;
mod upload;

pub use cache::{CACHE_HEADER, GuestCache};
pub use error::{ApiError, ErrorBody};
pub use finish::InFlight;
#[doc(hidden)]
pub use pages::render_sample_topic;
pub use state::{AppState, WebConfig};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::response::IntoResponse;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::csrf::{CsrfLayer, ProtectionError};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// Largest request body accepted, in bytes; larger ones get 413.
pub const MAX_BODY_BYTES: usize = 512 * 1024;

/// The whole application as one router.
pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    // Forms are protected by the browser's own Origin and Sec-Fetch-Site headers (and a
    // session-bound token in each form); the API checks cookie-authenticated writes itself.
    let reject = |_: ProtectionError| ApiError::forbidden("csrf_failed").into_response();
    let csrf = CsrfLayer::new()
        .add_trusted_origin(&state.config.public_url)
        .unwrap_or_else(|_| CsrfLayer::new())
        .with_rejection_response(reject);
    Router::new()
        .merge(api::routes())
        .merge(pages::routes().layer(csrf))
        // Inside the router, where the matched route template is known.
        .route_layer(axum::middleware::from_fn(measure::track))
        .fallback(api::fallback)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(state.clone(), pages::html_errors))
        .layer(axum::middleware::from_fn_with_state(state.clone(), cache::guest_cache))
        .with_state(state.clone())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(security::headers))
        // Browsers get brotli or gzip (a topic page shrinks about fivefold). Outside the guest
        // cache, which keeps pages as rendered; the fastest level costs less than rendering.
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        // Below this, a request that changes something runs to its end even if its client
        // hangs up.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            finish::run_to_end,
        ))
        // Who the client is: the peer, or behind a trusted proxy whom it forwards for.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            client::identify,
        ))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}
