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
//!
//! The kept pages and what each shows are in `pages.rs`, reading the outbox in `follow.rs`, the
//! middleware and which requests it keeps in `middleware.rs`.

mod follow;
mod middleware;
mod pages;
#[cfg(test)]
mod tests;

pub use middleware::guest_cache;

use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use follow::Follower;
use pages::Inner;

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
