//! Rate limits shared by every app node: a counter per key in the database, in a window that
//! restarts when it has run out. One helper, so every limit counts and answers alike.

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
        let now = Timestamp::now();
        let count = self
            .store
            .bump_counter(key, now, now.plus_seconds(-window))
            .await?;
        Ok((count.hits > allowed).then(|| retry_after(count.window_start, window, now)))
    }
}

/// Seconds until a window that started at `start` and lasts `window` seconds is over.
pub(crate) fn retry_after(start: Timestamp, window: i64, now: Timestamp) -> i64 {
    let end = start.plus_seconds(window);
    ((end.0 - now.0) / 1_000_000).max(1)
}
