//! The worker: hands every recorded event to each consumer at least once and in order, one
//! worker holding a consumer's lease at a time, each consumer on its own (one that fails or
//! takes long delays no other); retries a failing event with a growing delay and parks it after
//! [`MAX_ATTEMPTS`]; sweeps for what is due by time (the kinds' periodic jobs) and prunes the
//! outbox; and runs until it is stopped.

use crate::Agora;
use crate::agora::Events;
use crate::error::StoreError;

use super::consumers::{retry_delay, unknown};
use super::{Consumer, Handled, MAX_ATTEMPTS, Position, Recorded};

/// How long a worker holds a consumer before another worker may take it over, in seconds.
pub const LEASE_SECS: i64 = 60;

/// How often a node's worker looks for what is due by time, in seconds.
const SWEEP_SECS: i64 = 60;

/// Events read at once by a worker.
const BATCH: u32 = 1000;

/// Events deleted at once when the outbox is pruned (once a minute per node at most).
const PRUNE_BATCH: u32 = 10_000;

/// What became of one event.
enum Outcome {
    Handled,
    /// The consumer failed on it; `transient` when the database could not be reached, which
    /// is not the event's fault and does not bring it nearer to being parked.
    Failed {
        error: String,
        transient: bool,
    },
    /// Another worker took the consumer over.
    LeaseLost,
}

impl Events<'_> {
    /// One round: the sweep, then every consumer in turn, each on its own (one whose round
    /// fails is logged and stops no other). Returns how many events were handled; an error if
    /// a consumer's round could not reach the database.
    pub async fn work(self, holder: &str) -> Result<usize, StoreError> {
        self.sweep().await;
        let mut handled = 0;
        let mut failed = None;
        for consumer in self.consumers() {
            match self.work_for(consumer, holder).await {
                Ok(n) => handled += n,
                Err(e) => {
                    tracing::error!(consumer = consumer.name, error = %e, "a consumer's round failed");
                    failed = Some(e);
                }
            }
        }
        failed.map_or(Ok(handled), Err)
    }

    /// One round of one consumer: the events recorded since its position, if no other worker
    /// holds it and it does not wait to try again; how many it handled (parked ones included).
    pub async fn work_for(self, consumer: &Consumer, holder: &str) -> Result<usize, StoreError> {
        let now = self.now();
        // Looking is a read; only a worker with something to do takes the lease (a write).
        if !self.store.pending(consumer.name, now).await? {
            return Ok(0);
        }
        let until = now.plus_seconds(LEASE_SECS);
        let Some(claim) = self
            .store
            .claim_consumer(consumer.name, holder, consumer.start, now, until)
            .await?
        else {
            return Ok(0);
        };
        let (mut position, mut failures) = (claim.position, claim.failures);
        let mut handled = 0;
        let result = async {
            loop {
                let events = self.store.events_after(position, BATCH).await?;
                if events.is_empty() {
                    return Ok(());
                }
                for recorded in events {
                    match self.hand(consumer, holder, position, &recorded).await? {
                        Outcome::Handled => {}
                        Outcome::LeaseLost => return Ok(()),
                        Outcome::Failed { error, transient } => {
                            if !transient {
                                failures += 1;
                            }
                            metrics::counter!("agora_outbox_failures_total", "consumer" => consumer.name)
                                .increment(1);
                            if failures < MAX_ATTEMPTS {
                                let delay = if transient { 1 } else { failures };
                                tracing::warn!(
                                    consumer = consumer.name,
                                    event = recorded.id,
                                    name = %recorded.name,
                                    failures,
                                    error = %error,
                                    "a consumer failed on an event; it tries again later"
                                );
                                let retry_at = self.now().plus_seconds(retry_delay(delay));
                                self.store
                                    .consumer_failed(
                                        consumer.name,
                                        holder,
                                        position,
                                        failures,
                                        retry_at,
                                        &error,
                                    )
                                    .await?;
                                return Ok(());
                            }
                            tracing::error!(
                                consumer = consumer.name,
                                event = recorded.id,
                                name = %recorded.name,
                                error = %error,
                                "a consumer failed on an event {MAX_ATTEMPTS} times: it is parked for the admins"
                            );
                            let parked = self
                                .store
                                .park_event(
                                    consumer.name,
                                    holder,
                                    &recorded,
                                    &error,
                                    failures,
                                    self.now(),
                                )
                                .await?;
                            if !parked {
                                return Ok(());
                            }
                            metrics::counter!("agora_outbox_parked_total", "consumer" => consumer.name)
                                .increment(1);
                        }
                    }
                    position = recorded.position();
                    failures = 0;
                    handled += 1;
                }
                // The position is recorded once a batch: a worker stopped within one hands
                // its events again (consumers are idempotent), and a busy outbox costs one
                // write per batch rather than one per event.
                if !self.keep_lease(consumer.name, holder, position).await? {
                    // Another worker took over (this one stalled past its lease).
                    return Ok(());
                }
            }
        }
        .await;
        // The lease ends now rather than at its time, so the next round (of any worker)
        // starts at once (a no-op if the lease was lost or a failure ended it).
        self.store.release_consumer(consumer.name, holder).await?;
        result.map(|()| handled)
    }

    /// Hands one event to a consumer until it is done with it, renewing the lease between the
    /// pieces of a long piece of work.
    async fn hand(
        self,
        consumer: &Consumer,
        holder: &str,
        position: Position,
        recorded: &Recorded,
    ) -> Result<Outcome, StoreError> {
        let Some(event) = &recorded.event else {
            return Ok(Outcome::Failed {
                error: unknown(recorded),
                transient: false,
            });
        };
        loop {
            match (consumer.handle)(&self, recorded, event).await {
                Ok(Handled::Done) => return Ok(Outcome::Handled),
                Ok(Handled::More) => {
                    if !self.keep_lease(consumer.name, holder, position).await? {
                        return Ok(Outcome::LeaseLost);
                    }
                }
                Err(e) => {
                    return Ok(Outcome::Failed {
                        transient: matches!(e, StoreError::Unavailable(_)),
                        error: e.to_string(),
                    });
                }
            }
        }
    }

    /// Looks, at most once a minute per node, for what is due by time alone and records its
    /// events (each kind's periodic jobs, `kinds::jobs()`: answers that waited too long for
    /// acceptance), and prunes the outbox. Recording is conditional in the store, so workers
    /// on several nodes record each reminder once. A job that fails is logged and tried again
    /// next minute, and stops no other.
    async fn sweep(self) {
        let now = self.now();
        {
            let Ok(mut last) = self.last_sweep.lock() else {
                return;
            };
            if last.is_some_and(|at| at.plus_seconds(SWEEP_SECS).0 > now.0) {
                return;
            }
            *last = Some(now);
        }
        for job in crate::kinds::jobs() {
            match (job.run)(&self).await {
                Ok(0) => {}
                Ok(_) => self.nudge_worker(),
                Err(e) => tracing::warn!(job = job.name, error = %e, "periodic job failed"),
            }
        }
        match self.prune().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(events = n, "old events pruned from the outbox"),
            Err(e) => tracing::warn!(error = %e, "pruning the outbox failed"),
        }
    }

    /// Deletes the events older than the retention (`AgoraConfig::outbox_retention_days`;
    /// 0 keeps every event) that every consumer this version runs has passed; how many.
    pub async fn prune(self) -> Result<u64, StoreError> {
        let days = self.config.outbox_retention_days;
        if days <= 0 {
            return Ok(0);
        }
        let registered = self.consumers();
        let through = self
            .store
            .consumer_positions()
            .await?
            .into_iter()
            .filter(|(name, _)| registered.iter().any(|c| c.name == name))
            .map(|(_, position)| position)
            .min();
        // No consumer has started yet: nothing is known to be passed.
        let Some(through) = through else {
            return Ok(0);
        };
        let before = self.now().plus_seconds(-days * 86_400);
        self.store.prune_outbox(before, through, PRUNE_BATCH).await
    }

    /// Records `position` for `consumer` and renews `holder`'s lease; `false` if another
    /// worker holds it now.
    async fn keep_lease(
        self,
        consumer: &str,
        holder: &str,
        position: Position,
    ) -> Result<bool, StoreError> {
        let until = self.now().plus_seconds(LEASE_SECS);
        self.store
            .advance_consumer(consumer, holder, position, until)
            .await
    }

    /// Runs the worker until `stop` completes: each consumer on its own task, going round
    /// every time a use case of this process records an event and at least every `poll` (for
    /// events recorded by other processes), and the sweep every `poll` (it acts once a minute).
    pub async fn run_worker(
        self,
        holder: &str,
        poll: std::time::Duration,
        stop: impl std::future::Future<Output = ()>,
    ) {
        let agora: Agora = (*self).clone();
        let mut tasks = tokio::task::JoinSet::new();
        for consumer in self.consumers() {
            let (agora, holder) = (agora.clone(), holder.to_owned());
            tasks.spawn(async move {
                agora.events().consumer_loop(consumer, &holder, poll).await;
            });
        }
        let sweeper = agora.clone();
        tasks.spawn(async move {
            loop {
                sweeper.events().sweep().await;
                tokio::time::sleep(poll).await;
            }
        });
        // Stopping drops every round wherever it stands (the tasks are aborted with the set):
        // every step a round took is recorded, and its lease lapses after `LEASE_SECS` for the
        // next worker to go on.
        stop.await;
        tasks.shutdown().await;
    }

    /// One consumer's rounds, for ever.
    async fn consumer_loop(self, consumer: &Consumer, holder: &str, poll: std::time::Duration) {
        let mut nudged = self.events_recorded.subscribe();
        loop {
            nudged.mark_unchanged();
            if let Err(e) = self.work_for(consumer, holder).await {
                tracing::error!(consumer = consumer.name, error = %e, "a consumer's round failed; it tries again");
            }
            tokio::select! {
                changed = nudged.changed() => {
                    if changed.is_err() {
                        tokio::time::sleep(poll).await;
                    }
                }
                () = tokio::time::sleep(poll) => {}
            }
        }
    }
}

impl Agora {
    /// Wakes this process's worker: a use case recorded an event.
    pub(crate) fn nudge_worker(&self) {
        self.events_recorded.send_modify(|n| *n = n.wrapping_add(1));
    }
}
