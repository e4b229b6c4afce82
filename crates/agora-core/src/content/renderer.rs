//! Rendering markdown off the async threads, a few bodies at a time. A render is CPU work of
//! up to tens of milliseconds (a 32,000-character post); on the async worker threads, which
//! are as many as the cores, two renders at once would hold every other request behind them.
//! Here each render runs on a blocking thread, at most as many at once as the machine has
//! cores, and a request that finds too many already waiting is told to come back (503) rather
//! than queued without end. A render, once started, holds its place until it ends, even when
//! the request that asked for it is gone, so hanging up does not let more run at once.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

use crate::error::Refused;

/// Renders on blocking threads, a bounded number at a time, with a bounded queue.
#[derive(Clone)]
pub struct Renderer {
    permits: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
    max_waiting: usize,
    /// Documents rendered before (the terms, the netiquette), by their text: read on every
    /// page that shows them, changed by admins a few times a year.
    documents: Arc<Mutex<HashMap<u64, Arc<str>>>>,
}

/// How many rendered documents are kept (a few kinds, a few versions of each).
const DOCUMENTS_KEPT: usize = 64;

impl Renderer {
    /// At most `at_once` renders running and `max_waiting` waiting for a turn.
    pub fn new(at_once: usize, max_waiting: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(at_once.max(1))),
            waiting: Arc::default(),
            max_waiting,
            documents: Arc::default(),
        }
    }

    /// As many at once as the machine has cores, and 64 waiting per core.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Self::new(cores, 64 * cores)
    }

    /// Runs `work` on a blocking thread when a place is free; `Refused::Busy` when too many
    /// wait already (or the work panicked, which is logged).
    pub async fn run<T, F>(&self, work: F) -> Result<T, Refused>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let permit = {
            let _queued = Queued::join(&self.waiting, self.max_waiting).ok_or(Refused::Busy)?;
            self.permits
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| Refused::Busy)?
        };
        metrics::counter!("agora_renders_total").increment(1);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "a render failed");
            Refused::Busy
        })
    }
}

impl Renderer {
    /// A document's HTML (`markdown::render_document`: headings below the page's own),
    /// rendered in the pool the first time this text is asked for and then kept, so that
    /// reading a document renders nothing.
    pub async fn document(&self, text: &str) -> Result<Arc<str>, Refused> {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        text.hash(&mut hasher);
        let key = hasher.finish();
        if let Some(html) = self
            .documents
            .lock()
            .ok()
            .and_then(|d| d.get(&key).cloned())
        {
            return Ok(html);
        }
        let text = text.to_owned();
        let html: Arc<str> = self
            .run(move || crate::content::markdown::render_document(&text).html)
            .await?
            .into();
        if let Ok(mut kept) = self.documents.lock() {
            if kept.len() >= DOCUMENTS_KEPT {
                kept.clear();
            }
            kept.insert(key, html.clone());
        }
        Ok(html)
    }
}

/// A place in the queue, given back when dropped (also when the waiting request is dropped).
struct Queued<'a>(&'a AtomicUsize);

impl<'a> Queued<'a> {
    fn join(waiting: &'a AtomicUsize, max: usize) -> Option<Self> {
        let before = waiting.fetch_add(1, Ordering::AcqRel);
        let queued = Self(waiting);
        (before < max).then_some(queued)
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Starts a render that holds its place until the sender is used or dropped, and waits
    /// until it runs (with a blocking receive: the tests run on two worker threads).
    fn occupy(
        renderer: &Renderer,
    ) -> (
        tokio::task::JoinHandle<Result<(), Refused>>,
        std::sync::mpsc::Sender<()>,
    ) {
        let (started, started_rx) = std::sync::mpsc::channel();
        let (release, release_rx) = std::sync::mpsc::channel::<()>();
        let r = renderer.clone();
        let running = tokio::spawn(async move {
            r.run(move || {
                let _ = started.send(());
                let _ = release_rx.recv();
            })
            .await
        });
        assert!(started_rx.recv_timeout(Duration::from_secs(10)).is_ok());
        (running, release)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_render_holds_its_place_after_its_caller_is_gone() {
        let renderer = Renderer::new(1, 8);
        let (first, release) = occupy(&renderer);
        // The caller leaves; the render still runs and still holds the only place.
        first.abort();
        let _ = first.await;
        assert_eq!(renderer.permits.available_permits(), 0);
        let second = renderer.run(|| 7);
        tokio::pin!(second);
        assert!(
            tokio::time::timeout(Duration::from_millis(50), &mut second)
                .await
                .is_err(),
            "a second render ran beside the first"
        );
        let _ = release.send(());
        assert_eq!(second.await.ok(), Some(7));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_document_is_rendered_once_and_then_read_without_the_pool() {
        // A pool where nobody may queue refuses every render (each queues, however briefly,
        // for its place).
        let renderer = Renderer::new(1, 0);
        assert!(matches!(
            renderer.document("# Terms").await,
            Err(Refused::Busy)
        ));
        let renderer = Renderer::new(1, 1);
        let first = renderer.document("# Terms\n\nBe kind.").await;
        assert!(
            first.as_deref().is_ok_and(|h| h.contains("<h2>Terms</h2>")),
            "{first:?}"
        );
        let (busy, release) = occupy(&renderer);
        // The pool is taken, yet the kept document is read at once.
        let again = tokio::time::timeout(
            Duration::from_secs(5),
            renderer.document("# Terms\n\nBe kind."),
        )
        .await;
        assert_eq!(
            again.ok().and_then(Result::ok).map(|h| h.to_string()),
            first.ok().map(|h| h.to_string())
        );
        let _ = release.send(());
        assert!(busy.await.is_ok());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn too_many_waiting_are_told_to_come_back_and_a_dropped_wait_gives_its_place_back() {
        let renderer = Renderer::new(1, 1);
        let (running, release) = occupy(&renderer);
        let mut waiting = Box::pin(renderer.run(|| 1));
        assert!(
            tokio::time::timeout(Duration::from_millis(20), &mut waiting)
                .await
                .is_err()
        );
        assert!(matches!(renderer.run(|| 2).await, Err(Refused::Busy)));
        drop(waiting);
        assert_eq!(renderer.waiting.load(Ordering::Acquire), 0);
        let _ = release.send(());
        assert!(running.await.is_ok());
        assert_eq!(renderer.run(|| 3).await.ok(), Some(3));
    }
}
