//! The consumers of the outbox: what one is ([`Consumer`]), the registry of every module's and
//! kind's, where each stands ([`OutboxState`]), and the events parked after their last attempt,
//! which admins retry or dismiss.

use crate::Agora;
use crate::agora::Events;
use crate::audit::Target;
use crate::error::{Refused, StoreError};
use crate::time::Timestamp;
use crate::viewer::Viewer;

use super::{Event, Position, Recorded};

/// What a consumer did with an event.
pub enum Handled {
    /// Finished with it: the position may move past it.
    Done,
    /// More to do (a long delivery does its work in pieces, renewing the lease between them).
    More,
}

/// Where a consumer seen for the first time starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// At the events recorded from its first round on: a consumer deployed on a live site
    /// does not act on years of history (notifications about old posts).
    Head,
    /// At the oldest event the outbox still keeps (see the retention).
    Backfill,
}

/// A consumer's handling of one event.
pub type ConsumeFuture<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<Handled, StoreError>> + Send + 'a>>;

/// A consumer of the outbox, declared in the folder of the module or kind it belongs to. The
/// worker hands it every event at least once, in order; it must be idempotent (a worker that
/// stops mid-way hands the events since its last recorded position again), and acts only on
/// the events it cares about (`Ok(Handled::Done)` for the others).
pub struct Consumer {
    /// Its name, unique, kept with its position: renaming it starts a new consumer.
    pub name: &'static str,
    pub start: Start,
    pub handle: for<'a> fn(&'a Agora, &'a Recorded, &'a Event) -> ConsumeFuture<'a>,
}

/// The consumers of the shared modules; each kind's are declared in its `Kind::consumers`.
const MODULE_CONSUMERS: &[&Consumer] = &[&crate::mailings::MAIL, &crate::trust::TRUST];

/// Attempts at one event before it is parked: the delays between them grow from
/// [`FIRST_RETRY_SECS`], doubling, to at most [`MAX_RETRY_SECS`] (about ten minutes in all).
pub const MAX_ATTEMPTS: i64 = 8;
const FIRST_RETRY_SECS: i64 = 5;
const MAX_RETRY_SECS: i64 = 3600;

/// The delay before the attempt after the `failures`th failure.
pub(crate) fn retry_delay(failures: i64) -> i64 {
    let doublings = u32::try_from(failures.clamp(1, 20) - 1).unwrap_or(0);
    (FIRST_RETRY_SECS << doublings).min(MAX_RETRY_SECS)
}

impl Agora {
    /// Every consumer this application runs: the shared modules', then each kind's.
    pub fn consumers(&self) -> Vec<&'static Consumer> {
        MODULE_CONSUMERS
            .iter()
            .copied()
            .chain(self.kinds.iter().flat_map(|k| k.consumers.iter()))
            .collect()
    }
}

/// Where a consumer stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerState {
    pub name: String,
    pub position: Position,
    /// Events readable now that it has not handled.
    pub behind: i64,
    /// When the oldest of them was recorded.
    pub oldest_waiting: Option<Timestamp>,
    /// The worker holding it, if any, and until when.
    pub holder: String,
    pub leased_until: Timestamp,
    /// Failures of the event after its position so far, the last error, and when it tries
    /// again.
    pub failures: i64,
    pub last_error: String,
    pub retry_at: Timestamp,
    /// Its events parked now.
    pub parked: i64,
}

/// An event a consumer failed on [`MAX_ATTEMPTS`] times: kept with its last error until an
/// admin retries or dismisses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parked {
    pub id: i64,
    pub consumer: String,
    pub event: i64,
    pub event_tx: i64,
    pub name: String,
    pub payload: String,
    /// When the event was recorded.
    pub at: Timestamp,
    pub error: String,
    pub attempts: i64,
    pub parked_at: Timestamp,
}

/// The outbox as the admins see it: each consumer, registered or left from an older version,
/// and the parked events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxState {
    /// Each consumer the database knows, and whether this version runs it.
    pub consumers: Vec<(ConsumerState, bool)>,
    pub parked: Vec<Parked>,
}

/// How long one retry of a parked event may hold it before another admin may try.
const PARKED_RETRY_SECS: i64 = 300;

impl Events<'_> {
    /// Each consumer's standing and the parked events (admins; also read by `/metrics`
    /// through [`Events::state_for_metrics`]).
    pub async fn state(self, viewer: &Viewer) -> Result<OutboxState, Refused> {
        crate::audience::require(viewer, crate::audience::Duty::RunSite)?;
        Ok(self.state_for_metrics().await?)
    }

    /// [`Events::state`] for the metrics listener, which answers no viewer (it listens on an
    /// address of the operator's choice, not the site's).
    pub async fn state_for_metrics(self) -> Result<OutboxState, StoreError> {
        let registered = self.consumers();
        let consumers = self
            .store
            .consumer_states()
            .await?
            .into_iter()
            .map(|c| {
                let runs = registered.iter().any(|r| r.name == c.name);
                (c, runs)
            })
            .collect();
        let parked = self.store.parked_events(200).await?;
        Ok(OutboxState { consumers, parked })
    }

    /// Hands the parked event `id` to its consumer again (an admin, once the cause is fixed):
    /// handled, it is deleted with an audit entry; failing again, it stays with the new error,
    /// which is returned as an `Invalid` for the admin to read.
    pub async fn retry_parked(self, viewer: &Viewer, id: i64) -> Result<(), Refused> {
        crate::audience::require(viewer, crate::audience::Duty::RunSite)?;
        let now = self.now();
        let Some(parked) = self
            .store
            .claim_parked(id, now, now.plus_seconds(PARKED_RETRY_SECS))
            .await?
        else {
            return Err(Refused::NotFound);
        };
        let consumer = self
            .consumers()
            .into_iter()
            .find(|c| c.name == parked.consumer);
        let recorded = Recorded::parse(
            parked.event,
            parked.event_tx,
            parked.at,
            parked.name.clone(),
            parked.payload.clone(),
        );
        let outcome = match (consumer, &recorded.event) {
            (None, _) => Err(format!(
                "this version of agora runs no consumer named {}",
                parked.consumer
            )),
            (Some(_), None) => Err(unknown(&recorded)),
            (Some(consumer), Some(event)) => loop {
                match (consumer.handle)(&self, &recorded, event).await {
                    Ok(Handled::Done) => break Ok(()),
                    Ok(Handled::More) => {}
                    Err(e) => break Err(e.to_string()),
                }
            },
        };
        match outcome {
            Ok(()) => {
                let audit = self.audit_entry(
                    viewer,
                    "outbox.retry",
                    target(&parked),
                    None,
                    parked.consumer.clone(),
                );
                self.store.delete_parked(id, &audit).await?;
                Ok(())
            }
            Err(error) => {
                self.store.parked_failed(id, &error).await?;
                Err(crate::error::Invalid::new("event", "failed_again", error).into())
            }
        }
    }

    /// Deletes the parked event `id` without handling it (an admin decided it needs none),
    /// with an audit entry that keeps its name and consumer.
    pub async fn dismiss_parked(self, viewer: &Viewer, id: i64) -> Result<(), Refused> {
        crate::audience::require(viewer, crate::audience::Duty::RunSite)?;
        let Some(p) = self.store.parked_event(id).await? else {
            return Err(Refused::NotFound);
        };
        let detail = format!("{}: {}", p.consumer, p.error);
        let audit = self.audit_entry(viewer, "outbox.dismiss", target(&p), None, detail);
        if self.store.delete_parked(id, &audit).await? {
            Ok(())
        } else {
            Err(Refused::NotFound)
        }
    }
}

/// The audit log's words for a parked event: `event:42 reaction_given`.
fn target(p: &Parked) -> Target {
    Target {
        kind: "event",
        id: Some(p.event),
        label: format!("event:{} {}", p.event, p.name),
    }
}

/// The error for an event this version does not know.
pub(crate) fn unknown(recorded: &Recorded) -> String {
    format!(
        "an event of a type this version of agora does not know ({}); a newer version handles it",
        recorded.name
    )
}
