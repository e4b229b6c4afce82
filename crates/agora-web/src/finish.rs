//! Every request that changes something runs to its end on a task of its own, whatever its
//! client does.
//!
//! hyper drops a request's future when its client hangs up (a closed tab, a phone losing
//! signal, a proxy's timeout), at whatever `.await` it stands on. Each write transaction is
//! safe from that by itself (the store runs it on a task of its own), but a use case may make
//! more than one write, or a write and a mail; dropped between the two, it would leave the
//! first without the second. So the router's work for a POST, PUT, PATCH or DELETE runs on a
//! spawned task, which hyper cannot drop: a client that leaves only discards the answer, and a
//! panic in a handler becomes a 500 instead of a dropped connection.
//!
//! A GET or HEAD runs on the connection's own task (except the links in mails that confirm
//! something), as before: the writes a read makes (the
//! reading record, a session's expiry slid forward, a day's visit) are each one transaction,
//! and what follows them (a trust level recounted) is derived and recounted later anyway. A
//! spawn costs a hand-over between threads, which on `/health` was a third of its time.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument as _;

use crate::ApiError;
use crate::state::AppState;

/// The requests that may change something and are still running, their clients gone or not:
/// what a shutting-down server waits for before it closes the store, so that no write a
/// client was told of, or had sent, is refused half-way.
#[derive(Clone, Default)]
pub struct InFlight(Arc<InFlightState>);

#[derive(Default)]
struct InFlightState {
    running: AtomicUsize,
    idle: tokio::sync::Notify,
}

/// Counts one running request until dropped (its task ended, or panicked).
struct Running(Arc<InFlightState>);

impl Drop for Running {
    fn drop(&mut self) {
        if self.0.running.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

impl InFlight {
    fn start(&self) -> Running {
        self.0.running.fetch_add(1, Ordering::SeqCst);
        Running(self.0.clone())
    }

    /// How many are running now.
    pub fn running(&self) -> usize {
        self.0.running.load(Ordering::SeqCst)
    }

    /// Waits until none is running, or `bound` has passed; returns how many still run.
    pub async fn settle(&self, bound: Duration) -> usize {
        let wait = async {
            loop {
                let idle = self.0.idle.notified();
                if self.running() == 0 {
                    return;
                }
                idle.await;
            }
        };
        let _ = tokio::time::timeout(bound, wait).await;
        self.running()
    }
}

/// Whether a request may change something: every method but `GET` and `HEAD` (a link in a
/// mail opens a page that asks, and its button posts).
pub(crate) fn may_change(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD)
}

/// Runs the rest of the router for a request that may change something on a task of its
/// own, and waits for its answer.
pub async fn run_to_end(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !may_change(req.method()) {
        return next.run(req).await;
    }
    let running = state.in_flight.start();
    let work = next.run(req).instrument(tracing::Span::current());
    let work = async move {
        let res = work.await;
        drop(running);
        res
    };
    match tokio::spawn(work).await {
        Ok(res) => res,
        Err(e) => {
            tracing::error!(error = %e, "a request's task failed");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "Something went wrong on our side; try again in a moment.",
            )
            .into_response()
        }
    }
}
