//! Rate limits: a counter per key in a window that restarts when it has run out. Limits that
//! must hold across app nodes (sign-up, sign-in, password reset, mail, appeals, complaints,
//! newcomers' posts a day) count in the database; the per-minute posting limits, checked on
//! every post and there to slow down a fast writer, count in this node's memory (with several
//! nodes, a writer may get the limit once per node), so a reply costs no extra commits.

use crate::agora::Agora;
use crate::error::StoreError;
use crate::time::Timestamp;

impl Agora {
    /// Counts one more hit on `key`. More than `allowed` within `window` seconds answers
    /// `Some(seconds until the window ends)`; otherwise `None`.
    pub(crate) async fn over_limit(
        &self,
        key: &str,
        allowed: i64,
        window: i64,
    ) -> Result<Option<i64>, StoreError> {
        let now = self.now();
        let count = self
            .store
            .bump_counter(key, now, now.plus_seconds(-window))
            .await?;
        Ok((count.hits > allowed).then(|| retry_after(count.window_start, window, now)))
    }

    /// Like [`Agora::over_limit`], counted in this node's memory.
    pub(crate) fn over_limit_here(&self, key: &str, allowed: i64, window: i64) -> Option<i64> {
        let now = self.now();
        let floor = now.plus_seconds(-window);
        let Ok(mut counters) = self.local_counters.lock() else {
            return None;
        };
        if counters.len() > 50_000 {
            counters.retain(|_, (start, _)| *start > floor);
        }
        let entry = counters.entry(key.to_owned()).or_insert((now, 0));
        if entry.0 <= floor {
            *entry = (now, 0);
        }
        entry.1 += 1;
        (entry.1 > allowed).then(|| retry_after(entry.0, window, now))
    }
}

/// Seconds until a window that started at `start` and lasts `window` seconds is over.
pub(crate) fn retry_after(start: Timestamp, window: i64, now: Timestamp) -> i64 {
    let end = start.plus_seconds(window);
    ((end.0 - now.0) / 1_000_000).max(1)
}
