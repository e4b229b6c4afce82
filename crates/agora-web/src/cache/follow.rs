//! Following the outbox: after a change through this node and every `FOLLOW_EVERY`, the
//! events past this node's position drop the pages they reached.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use agora_core::Agora;
use agora_core::events::{GuestReach, Place, Position, Recorded};

use super::pages::Shows;
use super::{FOLLOW_BATCH, FOLLOW_EVERY, GuestCache, MAX_REMEMBERED};

/// Where this node stands in the outbox.
#[derive(Default)]
pub(super) struct Follower {
    /// The last event read in order (`None` until the first reading), and the events past it
    /// already acted on because they committed before an older transaction did.
    position: tokio::sync::Mutex<Option<(Position, HashSet<i64>)>>,
    /// Set by every request that asks for a reading; the reader reads again while it is set.
    again: AtomicBool,
    /// Whether the first reading (which finds the position) is done.
    started: AtomicBool,
    /// A change was made through this node while no page was kept or rendered, and its
    /// reading was saved: the first guest page rendered after it reads the outbox first, so
    /// that the saved events are not taken for news once pages are kept again.
    pub(super) behind: AtomicBool,
    /// What a guest may see of each place, as the policy decided (groups and topics do not
    /// change audience; an event that reaches everything resets it).
    reach: Mutex<HashMap<Place, GuestReach>>,
}

impl GuestCache {
    /// After a change made through this node, before its response: reads the outbox (see
    /// `catch_up`) unless nothing could show the old state, that is no page is kept and none
    /// is being rendered (a page rendered from now on sees the change). The follower reads the
    /// events in its next round all the same; a node whose guests are not reading pays no
    /// read per write.
    pub(super) async fn after_change(&self, agora: &Agora) {
        let idle = self.follower.started.load(Ordering::SeqCst)
            && self.rendering.load(Ordering::SeqCst) == 0
            && self
                .inner
                .lock()
                .is_ok_and(|inner| inner.entries.is_empty());
        if idle {
            self.follower.behind.store(true, Ordering::SeqCst);
        } else {
            self.catch_up(agora).await;
        }
    }

    /// Reads the outbox from this node's position and drops what its events reached. If
    /// another reading is under way, asks it to read once more and returns at once.
    pub async fn catch_up(&self, agora: &Agora) {
        let follower = &self.follower;
        follower.again.store(true, Ordering::SeqCst);
        loop {
            {
                let Ok(mut position) = follower.position.try_lock() else {
                    return;
                };
                while follower.again.swap(false, Ordering::SeqCst) {
                    follower.behind.store(false, Ordering::SeqCst);
                    if let Err(e) = self.read_outbox(agora, &mut position).await {
                        // What changed is unknown: everything may have.
                        tracing::warn!(error = %e, "the guest cache could not read the outbox");
                        self.drop_shown(None);
                    }
                }
            }
            // A request that asked while the reading above ended found the lock taken.
            if !follower.again.load(Ordering::SeqCst) {
                return;
            }
        }
    }

    /// Acts on the events past `position`: those committed past the ones readable in order
    /// (on PostgreSQL, behind a transaction still running), remembered so that each is acted
    /// on once, and those readable in order (moving the position).
    async fn read_outbox(
        &self,
        agora: &Agora,
        position: &mut Option<(Position, HashSet<i64>)>,
    ) -> Result<(), agora_core::StoreError> {
        let Some((at, applied)) = position else {
            // The first reading: what was stored before it may predate any event read now, so
            // everything goes. The events already committed past the head (behind an older
            // transaction, on PostgreSQL possibly another database's) are covered by that drop:
            // remembered as acted on, they do not drop the pages kept from now on when they
            // become readable in order.
            let head = agora.events().head().await?;
            let committed = agora.events().fresh_after(head, FOLLOW_BATCH).await?;
            self.drop_shown(None);
            *position = Some((head, committed.iter().map(|r| r.id).collect()));
            self.follower.started.store(true, Ordering::SeqCst);
            return Ok(());
        };
        // The events committed past those readable in order first, then those: an event is
        // in one reading or the other even if the oldest running transaction ends between
        // them (read the other way round, one that became readable in order between the two
        // readings would be in neither until the next round).
        for recorded in agora.events().fresh_after(*at, FOLLOW_BATCH).await? {
            if applied.len() >= MAX_REMEMBERED {
                // Acting on an event twice costs a few pages; remembering forever, memory.
                applied.clear();
            }
            if applied.insert(recorded.id) {
                self.apply(agora, &recorded).await?;
            }
        }
        loop {
            let events = agora.events().after(*at, FOLLOW_BATCH).await?;
            let Some(last) = events.last().map(Recorded::position) else {
                break;
            };
            for recorded in &events {
                if !applied.remove(&recorded.id) {
                    self.apply(agora, recorded).await?;
                }
            }
            *at = last;
        }
        Ok(())
    }

    /// Drops what one event reached.
    async fn apply(
        &self,
        agora: &Agora,
        recorded: &agora_core::events::Recorded,
    ) -> Result<(), agora_core::StoreError> {
        let Some(event) = &recorded.event else {
            return Ok(());
        };
        for place in event.places() {
            let reach = self.reach(agora, place).await?;
            self.drop_shown(Shows::reached(&reach).as_deref());
        }
        Ok(())
    }

    /// What a guest may see of `place`, remembered.
    async fn reach(
        &self,
        agora: &Agora,
        place: Place,
    ) -> Result<GuestReach, agora_core::StoreError> {
        if let Some(known) = self
            .follower
            .reach
            .lock()
            .ok()
            .and_then(|m| m.get(&place).cloned())
        {
            return Ok(known);
        }
        let reach = agora.events().guest_reach(place).await?;
        if let Ok(mut known) = self.follower.reach.lock() {
            if reach == GuestReach::Everything || known.len() >= MAX_REMEMBERED {
                known.clear();
            }
            if reach != GuestReach::Everything {
                known.insert(place, reach.clone());
            }
        }
        Ok(reach)
    }

    /// Reads the outbox every `FOLLOW_EVERY` until `stop` completes: changes made through
    /// other nodes (or `agora` commands) reach this node's guests within that time. Pages
    /// older than `ttl` are let go on the way, so that memory is not held by pages no guest
    /// will be served (and a node whose guests left saves its reads again).
    pub async fn follow(
        self,
        agora: Agora,
        ttl: Duration,
        stop: impl std::future::Future<Output = ()>,
    ) {
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => return,
                () = self.catch_up(&agora) => {}
            }
            self.let_go_of_expired(ttl);
            tokio::select! {
                () = &mut stop => return,
                () = tokio::time::sleep(FOLLOW_EVERY) => {}
            }
        }
    }
}
