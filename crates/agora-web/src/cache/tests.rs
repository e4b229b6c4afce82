//! Tests of the guest cache: which paths are kept, who counts as a guest, and a change that
//! drops only the pages that show it.

use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};

use agora_core::events::GuestReach;

use super::GuestCache;
use super::middleware::{cacheable, is_guest};
use super::pages::Shows;

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
