//! The middleware, and which requests it serves from the cache, fills it with, or reads the
//! outbox after.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::{Body, HttpBody as _};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{CACHE_HEADER, MAX_ENTRY_BYTES};
use crate::extract::SESSION_COOKIE;
use crate::state::AppState;

/// The middleware: serves guests from the cache, fills it, and reads the outbox after changes.
pub async fn guest_cache(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let ttl = Duration::from_secs(state.config.guest_cache_secs);
    let cache = &state.guest_cache;
    if changes_things(req.method(), req.uri().path()) {
        let res = next.run(req).await;
        if !ttl.is_zero() {
            // Before answering: this node's guests never see the old state after the change's
            // response (this runs to its end even if the client hangs up: `finish.rs`).
            cache.after_change(&state.agora).await;
        }
        return res;
    }
    if ttl.is_zero()
        || req.method() != Method::GET
        || !is_guest(req.headers())
        || !cacheable(req.uri().path())
    {
        return next.run(req).await;
    }
    let key = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_owned(), |p| p.as_str().to_owned());
    if let Some((headers, body)) = cache.get(&key, ttl) {
        let mut res = (StatusCode::OK, body).into_response();
        *res.headers_mut() = headers;
        res.headers_mut()
            .insert(CACHE_HEADER, HeaderValue::from_static("hit"));
        metrics::counter!("agora_guest_cache_total", "result" => "hit").increment(1);
        return res;
    }
    metrics::counter!("agora_guest_cache_total", "result" => "miss").increment(1);
    // Counted from before the generation is read until the page is stored or given up.
    let rendering = Rendering::start(&cache.rendering);
    if cache.follower.behind.load(Ordering::SeqCst) {
        cache.catch_up(&state.agora).await;
    }
    let generation = cache.generation.load(Ordering::SeqCst);
    let res = next.run(req).await;
    // Only a body of known size small enough to keep is read into memory; a larger one (a
    // big community's sitemap, a topic's fifty long posts as JSON) streams through untouched.
    let small = res
        .body()
        .size_hint()
        .upper()
        .is_some_and(|n| n <= MAX_ENTRY_BYTES as u64);
    if res.status() != StatusCode::OK || res.headers().contains_key(header::SET_COOKIE) || !small {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ENTRY_BYTES).await else {
        // A body that failed while being read: the answer is lost either way.
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    cache.put(key, generation, parts.headers.clone(), bytes.clone(), ttl);
    drop(rendering);
    parts
        .headers
        .insert(CACHE_HEADER, HeaderValue::from_static("miss"));
    Response::from_parts(parts, Body::from(bytes))
}

/// One guest page being rendered; counted until dropped (also when its request is dropped).
struct Rendering<'a>(&'a AtomicUsize);

impl<'a> Rendering<'a> {
    fn start(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Self(count)
    }
}

impl Drop for Rendering<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Requests that are not `GET`s yet change nothing a guest sees: a markdown preview (sent at
/// every pause while a member types), signing in and signing out.
const CHANGE_NOTHING_PUBLIC: &[&str] = &[
    "/api/v1/markdown/preview",
    "/api/v1/auth/login",
    "/api/v1/auth/logout",
    "/signin",
    "/signout",
];

/// A request that may change what guests see: every method but `GET` and `HEAD` (except the
/// few that change nothing public).
fn changes_things(method: &Method, path: &str) -> bool {
    crate::finish::may_change(method) && !CHANGE_NOTHING_PUBLIC.contains(&path)
}

/// No session cookie and no bearer token: a guest, like every other guest.
pub(super) fn is_guest(headers: &HeaderMap) -> bool {
    if headers.contains_key(header::AUTHORIZATION) {
        return false;
    }
    !headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|c| {
            c.trim_start()
                .strip_prefix(SESSION_COOKIE)
                .is_some_and(|rest| rest.starts_with('='))
        })
}

/// The public read paths: the landing page, the groups directory, a group's page, a topic's
/// page, a profile, a published document, the sitemap, and their API reads.
pub(super) fn cacheable(path: &str) -> bool {
    if path != "/" && (path.ends_with('/') || path.contains("//")) {
        return false;
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    matches!(
        segments.as_slice(),
        [""] | ["about"]
            | ["groups"]
            | ["sitemap.xml"]
            | ["g", _]
            | ["t", _, _]
            | ["u", _]
            | ["legal", _]
            | ["api", "v1", "groups"]
            | ["api", "v1", "groups", _]
            | ["api", "v1", "groups", _, "topics"]
            | ["api", "v1", "topics", _]
    )
}
