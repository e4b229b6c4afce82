//! The pages kept: what each shows, keeping one, letting go of the expired ones, and dropping
//! those a change reached.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::HeaderMap;

use agora_core::events::GuestReach;

use super::{GuestCache, MAX_BYTES, MAX_REMEMBERED};

/// What a cached page shows, so that a change drops exactly the pages that show it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Shows {
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
    pub(super) fn reached(reach: &GuestReach) -> Option<Vec<Shows>> {
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

pub(super) struct Entry {
    stored: Instant,
    shows: Shows,
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Default)]
pub(super) struct Inner {
    pub(super) entries: HashMap<String, Entry>,
    pub(super) bytes: usize,
    /// The generation at which pages showing each thing were last dropped.
    dropped: HashMap<Shows, u64>,
    /// Pages rendered before this generation are not stored (everything was dropped).
    floor: u64,
}

impl GuestCache {
    pub(super) fn get(&self, key: &str, ttl: Duration) -> Option<(HeaderMap, Bytes)> {
        let inner = self.inner.lock().ok()?;
        let e = inner.entries.get(key)?;
        (e.stored.elapsed() < ttl).then(|| (e.headers.clone(), e.body.clone()))
    }

    /// Keeps a page rendered from `generation` on, unless what it shows was dropped since.
    pub(super) fn put(
        &self,
        key: String,
        generation: u64,
        headers: HeaderMap,
        body: Bytes,
        ttl: Duration,
    ) {
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
    pub(super) fn let_go_of_expired(&self, ttl: Duration) {
        if let Ok(mut inner) = self.inner.lock() {
            expire(&mut inner, ttl);
        }
    }

    /// Drops the pages that show any of `shows`, or every page if `None`.
    pub(super) fn drop_shown(&self, shows: Option<&[Shows]>) {
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
