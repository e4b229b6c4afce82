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
//! Staleness is bounded twice. An entry lives `guest_cache_secs`. And the cache follows the
//! outbox of domain events: each event says where its change happened ([`Event::places`]),
//! the core's group policy says what of that a guest may see ([`GuestReach`]), and only the
//! entries showing it are dropped: a reply in a public group drops its topic, its group's
//! pages and the site-wide lists, and nothing else; a reply in a closed or secret group, a
//! markdown preview, a flag or a vote in a private board drops nothing. A member's name,
//! sanctions or erasure and the site's settings drop everything. The node that made a change
//! reads the outbox before it answers, so its own guests never see the old state after the
//! change's response (unless it keeps no page and renders none: then none can show the old
//! state, and the read is saved); every node reads it every `FOLLOW_EVERY` for changes made
//! elsewhere. A page rendered while a change to what it shows was under way is not stored, so
//! a hidden post never comes back from the cache. Counters no event tells of (a member who
//! joins a group) lag by at most `guest_cache_secs`. Memory is bounded by `MAX_BYTES`.
//!
//! [`Event::places`]: agora_core::events::Event::places
//! [`GuestReach`]: agora_core::events::GuestReach

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes, HttpBody as _};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use agora_core::Agora;
use agora_core::events::{GuestReach, Place};

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
/// How often a node reads the outbox for changes made by other nodes.
pub const FOLLOW_EVERY: Duration = Duration::from_millis(500);
/// Events read from the outbox at once.
const FOLLOW_BATCH: u32 = 500;
/// Past this many remembered evictions (or places), the memory is reset.
const MAX_REMEMBERED: usize = 10_000;

/// What a cached page shows, so that a change drops exactly the pages that show it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Shows {
    /// The site-wide lists: the landing page, the groups directory, the sitemap.
    Lists,
    /// A member's profile, with their latest posts.
    Profiles,
    /// One group's page and topic list.
    Group(String),
    /// One topic.
    Topic(i64),
    /// The site's documents.
    Site,
}

impl Shows {
    /// What the page at a cacheable `path` shows.
    fn of(path: &str) -> Option<Self> {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        Some(match segments.as_slice() {
            [""] | ["about"] | ["groups"] | ["sitemap.xml"] | ["api", "v1", "groups"] => {
                Shows::Lists
            }
            ["g", slug]
            | ["api", "v1", "groups", slug]
            | ["api", "v1", "groups", slug, "topics"] => Shows::Group((*slug).to_owned()),
            ["t", id, _] | ["api", "v1", "topics", id] => Shows::Topic(id.parse().ok()?),
            ["u", _] => Shows::Profiles,
            ["legal", _] => Shows::Site,
            _ => return None,
        })
    }

    /// The pages a change of this reach drops (`None`: all of them).
    fn reached(reach: &GuestReach) -> Option<Vec<Shows>> {
        match reach {
            GuestReach::Nothing => Some(Vec::new()),
            GuestReach::Group { slug, topic } => {
                let mut shows = vec![Shows::Lists, Shows::Profiles, Shows::Group(slug.clone())];
                shows.extend(topic.map(Shows::Topic));
                Some(shows)
            }
            GuestReach::Everything => None,
        }
    }
}

struct Entry {
    stored: Instant,
    shows: Shows,
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    bytes: usize,
    /// The generation at which pages showing each thing were last dropped.
    dropped: HashMap<Shows, u64>,
    /// Pages rendered before this generation are not stored (everything was dropped).
    floor: u64,
}

/// Where this node stands in the outbox.
#[derive(Default)]
struct Follower {
    /// The last event read in order (`None` until the first reading), and the events past it
    /// already acted on because they committed before an older transaction did.
    position: tokio::sync::Mutex<Option<(i64, HashSet<i64>)>>,
    /// Set by every request that asks for a reading; the reader reads again while it is set.
    again: AtomicBool,
    /// Whether the first reading (which finds the position) is done.
    started: AtomicBool,
    /// A change was made through this node while no page was kept or rendered, and its
    /// reading was saved: the first guest page rendered after it reads the outbox first, so
    /// that the saved events are not taken for news once pages are kept again.
    behind: AtomicBool,
    /// What a guest may see of each place, as the policy decided (groups and topics do not
    /// change audience; an event that reaches everything resets it).
    reach: Mutex<HashMap<Place, GuestReach>>,
}

/// The cache of one node.
#[derive(Clone, Default)]
pub struct GuestCache {
    inner: Arc<Mutex<Inner>>,
    /// Bumped by every drop: a page rendered across one is checked before it is stored.
    generation: Arc<AtomicU64>,
    /// Guest pages being rendered now, to be stored when done.
    rendering: Arc<AtomicUsize>,
    follower: Arc<Follower>,
}

impl GuestCache {
    fn get(&self, key: &str, ttl: Duration) -> Option<(HeaderMap, Bytes)> {
        let inner = self.inner.lock().ok()?;
        let e = inner.entries.get(key)?;
        (e.stored.elapsed() < ttl).then(|| (e.headers.clone(), e.body.clone()))
    }

    /// Keeps a page rendered from `generation` on, unless what it shows was dropped since.
    fn put(&self, key: String, generation: u64, headers: HeaderMap, body: Bytes, ttl: Duration) {
        let Some(shows) = Shows::of(key.split('?').next().unwrap_or_default()) else {
            return;
        };
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        // Checked under the lock that `drop_shown` also takes: a page rendered while a change
        // to what it shows was under way is never stored after that change dropped the rest.
        if generation < inner.floor || inner.dropped.get(&shows).is_some_and(|&g| g > generation) {
            return;
        }
        if inner.bytes + body.len() > MAX_BYTES {
            expire(&mut inner, ttl);
            if inner.bytes + body.len() > MAX_BYTES {
                return;
            }
        }
        inner.bytes += body.len();
        let entry = Entry {
            stored: Instant::now(),
            shows,
            headers,
            body,
        };
        if let Some(old) = inner.entries.insert(key, entry) {
            inner.bytes -= old.body.len();
        }
    }

    /// Lets go of the pages older than `ttl`.
    fn let_go_of_expired(&self, ttl: Duration) {
        if let Ok(mut inner) = self.inner.lock() {
            expire(&mut inner, ttl);
        }
    }

    /// Drops the pages that show any of `shows`, or every page if `None`.
    fn drop_shown(&self, shows: Option<&[Shows]>) {
        if shows.is_some_and(<[Shows]>::is_empty) {
            return;
        }
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let Inner {
            entries,
            bytes,
            dropped,
            floor,
        } = &mut *inner;
        match shows {
            Some(shows) if dropped.len() < MAX_REMEMBERED => {
                for s in shows {
                    dropped.insert(s.clone(), generation);
                }
                entries.retain(|_, e| {
                    let keep = !shows.contains(&e.shows);
                    if !keep {
                        *bytes -= e.body.len();
                    }
                    keep
                });
            }
            _ => {
                *floor = generation;
                dropped.clear();
                entries.clear();
                *bytes = 0;
            }
        }
    }

    /// After a change made through this node, before its response: reads the outbox (see
    /// `catch_up`) unless nothing could show the old state, that is no page is kept and none
    /// is being rendered (a page rendered from now on sees the change). The follower reads the
    /// events in its next round all the same; a node whose guests are not reading pays no
    /// read per write.
    async fn after_change(&self, agora: &Agora) {
        let idle = self.follower.started.load(Ordering::SeqCst)
            && self.rendering.load(Ordering::SeqCst) == 0
            && self
                .inner
                .lock()
                .is_ok_and(|inner| inner.entries.is_empty());
        if idle {
            self.follower.behind.store(true, Ordering::SeqCst);
        } else {
            self.catch_up(agora).await;
        }
    }

    /// Reads the outbox from this node's position and drops what its events reached. If
    /// another reading is under way, asks it to read once more and returns at once.
    pub async fn catch_up(&self, agora: &Agora) {
        let follower = &self.follower;
        follower.again.store(true, Ordering::SeqCst);
        loop {
            {
                let Ok(mut position) = follower.position.try_lock() else {
                    return;
                };
                while follower.again.swap(false, Ordering::SeqCst) {
                    follower.behind.store(false, Ordering::SeqCst);
                    if let Err(e) = self.read_outbox(agora, &mut position).await {
                        // What changed is unknown: everything may have.
                        tracing::warn!(error = %e, "the guest cache could not read the outbox");
                        self.drop_shown(None);
                    }
                }
            }
            // A request that asked while the reading above ended found the lock taken.
            if !follower.again.load(Ordering::SeqCst) {
                return;
            }
        }
    }

    /// Acts on the events past `position`: those committed past the ones readable in order
    /// (on PostgreSQL, behind a transaction still running), remembered so that each is acted
    /// on once, and those readable in order (moving the position).
    async fn read_outbox(
        &self,
        agora: &Agora,
        position: &mut Option<(i64, HashSet<i64>)>,
    ) -> Result<(), agora_core::StoreError> {
        let Some((at, applied)) = position else {
            // The first reading: what was stored before it may predate any event read now.
            let head = agora.events().head().await?;
            self.drop_shown(None);
            *position = Some((head, HashSet::new()));
            self.follower.started.store(true, Ordering::SeqCst);
            return Ok(());
        };
        // The events committed past those readable in order first, then those: an event is
        // in one reading or the other even if the oldest running transaction ends between
        // them (read the other way round, one that became readable in order between the two
        // readings would be in neither until the next round).
        for recorded in agora.events().fresh_after(*at, FOLLOW_BATCH).await? {
            if applied.len() >= MAX_REMEMBERED {
                // Acting on an event twice costs a few pages; remembering forever, memory.
                applied.clear();
            }
            if applied.insert(recorded.id) {
                self.apply(agora, &recorded).await?;
            }
        }
        loop {
            let events = agora.events().after(*at, FOLLOW_BATCH).await?;
            let Some(last) = events.last().map(|r| r.id) else {
                break;
            };
            for recorded in &events {
                if !applied.remove(&recorded.id) {
                    self.apply(agora, recorded).await?;
                }
            }
            *at = last;
        }
        Ok(())
    }

    /// Drops what one event reached.
    async fn apply(
        &self,
        agora: &Agora,
        recorded: &agora_core::events::Recorded,
    ) -> Result<(), agora_core::StoreError> {
        let Some(event) = &recorded.event else {
            return Ok(());
        };
        for place in event.places() {
            let reach = self.reach(agora, place).await?;
            self.drop_shown(Shows::reached(&reach).as_deref());
        }
        Ok(())
    }

    /// What a guest may see of `place`, remembered.
    async fn reach(
        &self,
        agora: &Agora,
        place: Place,
    ) -> Result<GuestReach, agora_core::StoreError> {
        if let Some(known) = self
            .follower
            .reach
            .lock()
            .ok()
            .and_then(|m| m.get(&place).cloned())
        {
            return Ok(known);
        }
        let reach = agora.events().guest_reach(place).await?;
        if let Ok(mut known) = self.follower.reach.lock() {
            if reach == GuestReach::Everything || known.len() >= MAX_REMEMBERED {
                known.clear();
            }
            if reach != GuestReach::Everything {
                known.insert(place, reach.clone());
            }
        }
        Ok(reach)
    }

    /// Reads the outbox every `FOLLOW_EVERY` until `stop` completes: changes made through
    /// other nodes (or `agora` commands) reach this node's guests within that time. Pages
    /// older than `ttl` are let go on the way, so that memory is not held by pages no guest
    /// will be served (and a node whose guests left saves its reads again).
    pub async fn follow(
        self,
        agora: Agora,
        ttl: Duration,
        stop: impl std::future::Future<Output = ()>,
    ) {
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => return,
                () = self.catch_up(&agora) => {}
            }
            self.let_go_of_expired(ttl);
            tokio::select! {
                () = &mut stop => return,
                () = tokio::time::sleep(FOLLOW_EVERY) => {}
            }
        }
    }
}

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

/// Forgets the pages older than `ttl`.
fn expire(inner: &mut Inner, ttl: Duration) {
    let Inner { entries, bytes, .. } = inner;
    entries.retain(|_, e| {
        let keep = e.stored.elapsed() < ttl;
        if !keep {
            *bytes -= e.body.len();
        }
        keep
    });
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
    fn a_change_drops_only_the_pages_that_show_it() {
        let cache = GuestCache::default();
        let ttl = Duration::from_secs(5);
        let put = |key: &str, generation: u64| {
            cache.put(
                key.into(),
                generation,
                HeaderMap::new(),
                Bytes::from(key.to_owned()),
                ttl,
            );
        };
        let start = cache.generation.load(Ordering::SeqCst);
        for key in [
            "/",
            "/g/open",
            "/g/other",
            "/t/1/a",
            "/t/2/b",
            "/u/mara",
            "/legal/terms",
        ] {
            put(key, start);
        }
        let reach = GuestReach::Group {
            slug: "open".into(),
            topic: Some(1),
        };
        cache.drop_shown(Shows::reached(&reach).as_deref());
        let kept = |key: &str| cache.get(key, ttl).is_some();
        for key in ["/", "/g/open", "/t/1/a", "/u/mara"] {
            assert!(!kept(key), "{key} shows the change");
        }
        for key in ["/g/other", "/t/2/b", "/legal/terms"] {
            assert!(kept(key), "{key} does not");
        }

        // A page of topic 1 rendered while the change was under way is not stored; one of
        // topic 2 is, and so is topic 1's once rendered after the change.
        put("/t/1/a", start);
        assert!(!kept("/t/1/a"));
        put("/t/2/b?page=2", start);
        assert!(kept("/t/2/b?page=2"));
        put("/t/1/a", cache.generation.load(Ordering::SeqCst));
        assert!(kept("/t/1/a"));

        // Nothing a guest sees: nothing dropped. Everything: all of it.
        cache.drop_shown(Shows::reached(&GuestReach::Nothing).as_deref());
        assert!(kept("/g/other"));
        cache.drop_shown(Shows::reached(&GuestReach::Everything).as_deref());
        assert!(!kept("/g/other") && !kept("/legal/terms"));
        put("/g/other", start);
        assert!(!kept("/g/other"), "rendered before everything was dropped");
        assert!(cache.get("/t/1/a", Duration::ZERO).is_none());

        // Expired pages are let go of, with their bytes.
        cache.let_go_of_expired(Duration::ZERO);
        let inner = cache.inner.lock().unwrap_or_else(|e| e.into_inner());
        assert!(inner.entries.is_empty());
        assert_eq!(inner.bytes, 0);
    }
}
