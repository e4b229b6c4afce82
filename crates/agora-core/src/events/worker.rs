//! The worker: hands every recorded event to each consumer at least once and in order, one
//! worker holding a consumer's lease at a time; sweeps for what is due by time (the kinds'
//! periodic jobs); and runs until it is stopped.

use crate::Agora;
use crate::agora::Events;
use crate::error::StoreError;

use super::{Event, Recorded};

/// How long a worker holds a consumer before another worker may take it over, in seconds.
pub const LEASE_SECS: i64 = 60;

/// The consumers of events, each with its own position in the outbox.
pub const CONSUMERS: &[&str] = &["mail", "trust"];

/// How often a node's worker looks for what is due by time, in seconds.
const SWEEP_SECS: i64 = 60;

/// Events read at once by a worker.
const BATCH: u32 = 1000;

/// What a consumer did with an event.
pub(crate) enum Handled {
    /// Finished with it: the position may move past it.
    Done,
    /// More to do (a long delivery does its work in pieces, renewing the lease between them).
    More,
}

impl Events<'_> {
    /// Hands every event recorded since each consumer's position to that consumer, for the
    /// consumers no other worker holds; returns how many events were handled. `holder` names
    /// this worker (unique per process).
    pub async fn work(self, holder: &str) -> Result<usize, StoreError> {
        self.sweep().await?;
        let mut handled = 0;
        for &consumer in CONSUMERS {
            handled += self.work_for(consumer, holder).await?;
        }
        Ok(handled)
    }

    async fn work_for(self, consumer: &str, holder: &str) -> Result<usize, StoreError> {
        // Looking is a read; only a worker with something to do takes the lease (a write).
        if !self.store.pending(consumer).await? {
            return Ok(0);
        }
        let now = self.now();
        let Some(mut position) = self
            .store
            .claim_consumer(consumer, holder, now, now.plus_seconds(LEASE_SECS))
            .await?
        else {
            return Ok(0);
        };
        let mut handled = 0;
        let result = async {
            loop {
                let events = self.store.events_after(position, BATCH).await?;
                if events.is_empty() {
                    return Ok(());
                }
                for recorded in events {
                    while let Handled::More = self.consume(consumer, &recorded).await? {
                        if !self.keep_lease(consumer, holder, position).await? {
                            return Ok(());
                        }
                    }
                    position = recorded.id;
                    handled += 1;
                }
                // The position is recorded once a batch: a worker stopped within one hands
                // its events again (consumers are idempotent), and a busy outbox costs one
                // write per hundred events rather than one each.
                if !self.keep_lease(consumer, holder, position).await? {
                    // Another worker took over (this one stalled past its lease).
                    return Ok(());
                }
            }
        }
        .await;
        // The lease ends now rather than at its time, so the next round (of any worker)
        // starts at once.
        self.store.release_consumer(consumer, holder).await?;
        result.map(|()| handled)
    }

    /// Looks, at most once a minute per node, for what is due by time alone and records its
    /// events: each kind's periodic jobs (`kinds::jobs()`: answers that waited too long for
    /// acceptance). Recording is conditional in the
    /// store, so workers on several nodes record each reminder once.
    async fn sweep(self) -> Result<(), StoreError> {
        let now = self.now();
        {
            let Ok(mut last) = self.last_sweep.lock() else {
                return Ok(());
            };
            if last.is_some_and(|at| at.plus_seconds(SWEEP_SECS).0 > now.0) {
                return Ok(());
            }
            *last = Some(now);
        }
        // Each kind's job on its own: one that fails is logged and tried again next minute,
        // and stops no other.
        for job in crate::kinds::jobs() {
            match (job.run)(&self).await {
                Ok(0) => {}
                Ok(_) => self.events_recorded.notify_one(),
                Err(e) => tracing::warn!(job = job.name, error = %e, "periodic job failed"),
            }
        }
        Ok(())
    }

    /// Records `position` for `consumer` and renews `holder`'s lease; `false` if another
    /// worker holds it now.
    async fn keep_lease(
        self,
        consumer: &str,
        holder: &str,
        position: i64,
    ) -> Result<bool, StoreError> {
        let until = self.now().plus_seconds(LEASE_SECS);
        self.store
            .advance_consumer(consumer, holder, position, until)
            .await
    }

    async fn consume(self, consumer: &str, recorded: &Recorded) -> Result<Handled, StoreError> {
        let Some(event) = &recorded.event else {
            tracing::warn!(
                event = recorded.id,
                name = %recorded.name,
                "an event of a type this version does not know was skipped"
            );
            return Ok(Handled::Done);
        };
        match (consumer, event) {
            ("mail", Event::BulletinSent { bulletin }) => {
                self.mailings().deliver_bulletin(*bulletin).await
            }
            ("trust", Event::ItemPublished { author, .. }) => {
                self.trust()
                    .after_posting(crate::ids::MemberId(*author))
                    .await?;
                Ok(Handled::Done)
            }
            _ => Ok(Handled::Done),
        }
    }

    /// Runs the worker until `stop` completes: a round every time a use case of this process
    /// records an event, and at least every `poll` (for events recorded by other processes).
    pub async fn run_worker(
        self,
        holder: &str,
        poll: std::time::Duration,
        stop: impl std::future::Future<Output = ()>,
    ) {
        tokio::pin!(stop);
        loop {
            // Stopping drops the round wherever it stands: every step it took is recorded, and
            // its lease lapses after `LEASE_SECS` for the next worker to go on.
            tokio::select! {
                () = &mut stop => return,
                worked = self.work(holder) => {
                    if let Err(e) = worked {
                        tracing::error!(error = %e, "the event worker failed; it tries again");
                    }
                }
            }
            tokio::select! {
                () = &mut stop => return,
                () = self.events_recorded.notified() => {}
                () = tokio::time::sleep(poll) => {}
            }
        }
    }
}

impl Agora {
    /// Wakes this process's worker: a use case recorded an event.
    pub(crate) fn nudge_worker(&self) {
        self.events_recorded.notify_one();
    }
}
