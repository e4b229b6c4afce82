//! The guest cache: public pages and API reads as a signed-out visitor sees them, kept in this
//! node's memory for a few seconds, the way Discourse's anonymous cache and a proxy's
//! micro-cache serve the crowd that arrives from a search engine or a shared link.
//!
//! Only what every guest sees alike is kept: a `GET` without a session cookie or a bearer
//! token, for one of the public read paths (`cacheable`), answered `200` without setting a
//! cookie. A member's request never reads from it or writes to it, so nothing a viewer may
//! see depends on it: the visibility policy decided the page when it was rendered for the
//! first guest, and every guest is the same viewer.
//!
//! Staleness is bounded twice: an entry lives `guest_cache_secs` (a new reply reaches guests on
//! other nodes within that time), and every request that may change what guests see (any
//! method but `GET`/`HEAD` except a markdown preview and signing in or out, and the few `GET`
//! links that confirm something) empties this node's cache at once. A page rendered while such a change was under way is not stored, so a
//! hidden post or a group made secret never comes back from the cache on the node that made
//! the change. Memory is bounded by `MAX_BYTES`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes, HttpBody as _};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::extract::SESSION_COOKIE;
use crate::state::AppState;

/// The most bytes of page bodies kept at once: enough for the topics a crowd of guests reads
/// at once (with 8 MiB, 168 topics of 64 KB overflowed it and the guest topic JSON fell to a
/// quarter of its cached rate; docs/performance.md).
pub const MAX_BYTES: usize = 32 * 1024 * 1024;
/// The largest single body kept.
const MAX_ENTRY_BYTES: usize = 512 * 1024;
/// Tells an operator (and the tests) whether an answer came from the cache.
pub const CACHE_HEADER: &str = "x-agora-cache";

struct Entry {
    stored: Instant,
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    bytes: usize,
}

/// The cache of one node.
#[derive(Clone, Default)]
pub struct GuestCache {
    inner: Arc<Mutex<Inner>>,
    /// Bumped by every request that may change what guests see.
    generation: Arc<AtomicU64>,
}

impl GuestCache {
    fn get(&self, key: &str, ttl: Duration) -> Option<(HeaderMap, Bytes)> {
        let inner = self.inner.lock().ok()?;
        let e = inner.entries.get(key)?;
        (e.stored.elapsed() < ttl).then(|| (e.headers.clone(), e.body.clone()))
    }

    fn put(&self, key: String, generation: u64, headers: HeaderMap, body: Bytes, ttl: Duration) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        // Checked under the lock that `invalidate` also takes: a page rendered while a change
        // was under way is never stored after that change emptied the cache.
        if self.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        if inner.bytes + body.len() > MAX_BYTES {
            let Inner { entries, bytes } = &mut *inner;
            entries.retain(|_, e| {
                let keep = e.stored.elapsed() < ttl;
                if !keep {
                    *bytes -= e.body.len();
                }
                keep
            });
            if inner.bytes + body.len() > MAX_BYTES {
                return;
            }
        }
        inner.bytes += body.len();
        let entry = Entry {
            stored: Instant::now(),
            headers,
            body,
        };
        if let Some(old) = inner.entries.insert(key, entry) {
            inner.bytes -= old.body.len();
        }
    }

    /// Forgets everything: something guests may see has changed, or is about to.
    fn invalidate(&self) {
        if let Ok(mut inner) = self.inner.lock() {
            self.generation.fetch_add(1, Ordering::SeqCst);
            inner.entries.clear();
            inner.bytes = 0;
        }
    }
}

/// The middleware: serves guests from the cache, fills it, and empties it on changes.
pub async fn guest_cache(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let ttl = Duration::from_secs(state.config.guest_cache_secs);
    let cache = &state.guest_cache;
    if changes_things(req.method(), req.uri().path()) {
        // Before (no guest starts rendering the old state after this) and after (a guest who
        // started meanwhile does not store it).
        cache.invalidate();
        let res = next.run(req).await;
        cache.invalidate();
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
    parts
        .headers
        .insert(CACHE_HEADER, HeaderValue::from_static("miss"));
    Response::from_parts(parts, Body::from(bytes))
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
/// few that change nothing public), and the links in mails that confirm something by being
/// opened.
fn changes_things(method: &Method, path: &str) -> bool {
    crate::finish::may_change(method, path) && !CHANGE_NOTHING_PUBLIC.contains(&path)
}

/// No session cookie and no bearer token: a guest, like every other guest.
fn is_guest(headers: &HeaderMap) -> bool {
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
fn cacheable(path: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_reads_are_cacheable() {
        for p in [
            "/",
            "/groups",
            "/g/general",
            "/t/12/a-slug",
            "/u/mara",
            "/legal/terms",
            "/api/v1/topics/12",
            "/api/v1/groups/general/topics",
        ] {
            assert!(cacheable(p), "{p}");
        }
        for p in [
            "/search",
            "/settings/export",
            "/g/general/members",
            "/t/12",
            "/admin",
            "/api/v1/me",
            "/api/v1/search",
            "/g//",
            "/t/12/",
        ] {
            assert!(!cacheable(p), "{p}");
        }
    }

    #[test]
    fn a_session_cookie_or_token_makes_a_member() {
        let mut h = HeaderMap::new();
        assert!(is_guest(&h));
        h.insert(header::COOKIE, HeaderValue::from_static("theme=dark"));
        assert!(is_guest(&h));
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; agora_session=abc"),
        );
        assert!(!is_guest(&h));
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        assert!(!is_guest(&h));
    }

    #[test]
    fn a_change_during_rendering_keeps_the_page_out() {
        let cache = GuestCache::default();
        let ttl = Duration::from_secs(5);
        let before = cache.generation.load(Ordering::SeqCst);
        cache.invalidate();
        cache.put(
            "/".into(),
            before,
            HeaderMap::new(),
            Bytes::from("old"),
            ttl,
        );
        assert!(cache.get("/", ttl).is_none());
        let now = cache.generation.load(Ordering::SeqCst);
        cache.put("/".into(), now, HeaderMap::new(), Bytes::from("new"), ttl);
        assert_eq!(
            cache.get("/", ttl).map(|(_, b)| b),
            Some(Bytes::from("new"))
        );
        assert!(cache.get("/", Duration::ZERO).is_none());
    }
}
