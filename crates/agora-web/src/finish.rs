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

use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument as _;

use crate::ApiError;

/// Whether a request may change something: every method but `GET` and `HEAD` (a link in a
/// mail opens a page that asks, and its button posts).
pub(crate) fn may_change(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD)
}

/// Runs the rest of the router for a request that may change something on a task of its
/// own, and waits for its answer.
pub async fn run_to_end(req: Request, next: Next) -> Response {
    if !may_change(req.method()) {
        return next.run(req).await;
    }
    let work = next.run(req).instrument(tracing::Span::current());
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
