//! Domain events and the worker that acts on them.
//!
//! A use case that changes something others must act on records a typed [`Event`] in the
//! `outbox` table, in the same transaction as the change: the change and the news of it commit
//! together or not at all. The worker ([`Agora::work`]) hands each event to every consumer at
//! least once, in the order the events were recorded, and remembers per consumer how far it
//! got. Several workers may share one database (several `agora serve` nodes, or `agora worker`
//! processes): a consumer is leased to one worker at a time, and a lease that is not renewed
//! (its worker died) lapses after [`LEASE_SECS`], so another worker takes over where the first
//! one's last recorded position was. Consumers must therefore be idempotent, or as near as the
//! outside world allows: a bulletin's delivery records its progress after every mail, so a
//! worker killed mid-way mails at most one member twice.

use crate::agora::Events;
use serde::{Deserialize, Serialize};

use crate::Agora;
use crate::error::StoreError;
use crate::items::refs::ItemRef;

mod kind;

use crate::time::Timestamp;
pub use kind::{KindEvent, KindEventSpec};

/// Something that happened, as consumers read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A post was published to its audience: a new topic's opening post, or a reply (not one
    /// held for review). Read by the `trust` consumer (the author's level may rise), and by
    /// notifications and feeds to come.
    ItemPublished {
        topic: i64,
        post: i64,
        group: i64,
        author: i64,
    },
    /// A published post was edited (its body, or its topic's title).
    ItemEdited {
        topic: i64,
        post: i64,
        group: i64,
        author: i64,
        by: i64,
    },
    /// A post was taken from its audience: deleted by its author, hidden by a moderator or by
    /// members' flags, or pending a legal complaint (`by` is `None` when a guest's complaint
    /// hid it). An opening post takes its topic along.
    ItemHidden {
        topic: i64,
        post: i64,
        group: i64,
        author: i64,
        by: Option<i64>,
    },
    /// A hidden post was given back to its audience.
    ItemRestored {
        topic: i64,
        post: i64,
        group: i64,
        author: i64,
        by: Option<i64>,
    },
    /// A post mentioned `member` by name (`@name`), written or edited in by `by`, and the
    /// member may read it: recorded once per post and member, when the post is published (a
    /// held post's when it is approved), never for the writer themself. Read by notifications
    /// to come.
    MemberMentioned {
        member: i64,
        by: i64,
        topic: i64,
        post: i64,
        group: i64,
    },
    /// A topic was pinned or unpinned, locked or unlocked.
    TopicChanged { topic: i64, group: i64 },
    /// A group was created.
    GroupCreated { group: i64 },
    /// A group was edited (`edited`: its name, description or visibility), archived,
    /// unarchived or deleted, by `by`. Who may see it, and what, may have changed everywhere.
    GroupChanged { group: i64, by: i64, what: String },
    /// What others see of a member changed: their profile, their site role, or their erasure
    /// (which may take their posts along).
    MemberChanged { member: i64 },
    /// A member was sanctioned (warned, silenced, suspended or banned).
    MemberSanctioned {
        member: i64,
        sanction: i64,
        kind: String,
    },
    /// A sanction was lifted before its end.
    SanctionLifted { member: i64, sanction: i64 },
    /// The site's settings changed, or a new version of a legal document was published.
    SiteChanged { what: String },
    /// An admin sent a bulletin: its mails are to be delivered to the members who opted in.
    BulletinSent { bulletin: i64 },
    /// A member reacted to an item (`by` to `author`'s item), with one emoji of the site's set.
    /// `places` are where the item shows, as its kind said when the reaction was given.
    ReactionGiven {
        item: ItemRef,
        emoji: String,
        by: i64,
        author: i64,
        places: Vec<Place>,
    },
    /// A member took a reaction back.
    ReactionTaken {
        item: ItemRef,
        emoji: String,
        by: i64,
        author: i64,
        places: Vec<Place>,
    },
    /// An event a kind declares in its folder (an answer accepted, an idea voted for), stored
    /// as its kind shapes it.
    #[serde(untagged)]
    Kind(KindEvent),
}

impl Event {
    /// What the event is about: events of one stream are handled in the order they happened.
    pub fn stream(&self) -> String {
        match self {
            Event::BulletinSent { bulletin } => format!("bulletin:{bulletin}"),
            Event::GroupCreated { group } | Event::GroupChanged { group, .. } => {
                format!("group:{group}")
            }
            Event::MemberChanged { member }
            | Event::MemberSanctioned { member, .. }
            | Event::SanctionLifted { member, .. } => format!("member:{member}"),
            Event::SiteChanged { .. } => "site".to_owned(),
            Event::ItemPublished { topic, .. }
            | Event::ItemEdited { topic, .. }
            | Event::ItemHidden { topic, .. }
            | Event::ItemRestored { topic, .. }
            | Event::MemberMentioned { topic, .. }
            | Event::TopicChanged { topic, .. } => format!("topic:{topic}"),
            Event::Kind(e) => e.stream(),
            Event::ReactionGiven { item, .. } | Event::ReactionTaken { item, .. } => {
                format!("item:{item}")
            }
        }
    }

    /// The event's name, as stored and logged.
    pub fn name(&self) -> &'static str {
        match self {
            Event::BulletinSent { .. } => "bulletin_sent",
            Event::ItemPublished { .. } => "item_published",
            Event::ItemEdited { .. } => "item_edited",
            Event::ItemHidden { .. } => "item_hidden",
            Event::ItemRestored { .. } => "item_restored",
            Event::MemberMentioned { .. } => "member_mentioned",
            Event::TopicChanged { .. } => "topic_changed",
            Event::GroupCreated { .. } => "group_created",
            Event::GroupChanged { .. } => "group_changed",
            Event::MemberChanged { .. } => "member_changed",
            Event::MemberSanctioned { .. } => "member_sanctioned",
            Event::SanctionLifted { .. } => "sanction_lifted",
            Event::SiteChanged { .. } => "site_changed",
            Event::Kind(e) => e.name(),
            Event::ReactionGiven { .. } => "reaction_given",
            Event::ReactionTaken { .. } => "reaction_taken",
        }
    }

    /// Where the change it tells of happened, for those who keep copies of what others see
    /// (the guest cache): a group (and one of its topics), a topic, everywhere, or nowhere
    /// anyone else sees.
    pub fn places(&self) -> Vec<Place> {
        match self {
            Event::ItemPublished { topic, group, .. }
            | Event::ItemEdited { topic, group, .. }
            | Event::ItemHidden { topic, group, .. }
            | Event::ItemRestored { topic, group, .. }
            | Event::MemberMentioned { topic, group, .. }
            | Event::TopicChanged { topic, group } => vec![Place::Group {
                group: *group,
                topic: Some(*topic),
            }],
            Event::GroupCreated { group } => vec![Place::Group {
                group: *group,
                topic: None,
            }],
            Event::Kind(e) => e.places(),
            Event::MemberChanged { .. }
            | Event::MemberSanctioned { .. }
            | Event::SanctionLifted { .. }
            | Event::GroupChanged { .. }
            | Event::SiteChanged { .. } => vec![Place::Everywhere],
            Event::BulletinSent { .. } => Vec::new(),
            Event::ReactionGiven { places, .. } | Event::ReactionTaken { places, .. } => {
                places.clone()
            }
        }
    }

    /// The event as stored (JSON).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Where a change happened (see [`Event::places`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "place", rename_all = "snake_case")]
pub enum Place {
    /// In a group: one of its items when `topic` is set, else the group itself (new).
    Group { group: i64, topic: Option<i64> },
    /// In a topic, whose group is looked up.
    Topic { topic: i64 },
    /// Anywhere: a member's name, role or sanctions show beside their posts in every group,
    /// and the site's settings on every page.
    Everywhere,
}

/// What a change may have altered among the pages every guest sees alike, as the group
/// policy decides for a guest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuestReach {
    /// Nothing a guest may see: the change was in a group whose content guests cannot read
    /// (closed or secret).
    Nothing,
    /// The pages of one group guests may see (its page and topic list, and the site-wide lists
    /// drawn from it) and, if set, of one of its topics.
    Group { slug: String, topic: Option<i64> },
    /// Any page.
    Everything,
}

/// An event as it was recorded.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Its place in the outbox: consumers handle events in order of id.
    pub id: i64,
    pub at: Timestamp,
    /// The event, or `None` if this version of agora does not know its type (a newer node
    /// recorded it); consumers skip it.
    pub event: Option<Event>,
    /// The stored name, for the log when the event is unknown.
    pub name: String,
}

impl Recorded {
    /// Reads a stored event.
    pub fn parse(id: i64, at: Timestamp, name: String, payload: &str) -> Self {
        Self {
            id,
            at,
            event: serde_json::from_str(payload).ok(),
            name,
        }
    }
}

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
    /// The position of the last event a reader may read now; a reader that starts here reads
    /// only events recorded from now on (a node's guest cache, which starts empty).
    pub async fn head(self) -> Result<i64, StoreError> {
        self.store.head().await
    }

    /// Up to `limit` events recorded after `position`, in order, for a reader that keeps its
    /// own position (one per node, unlike the consumers, which share theirs).
    pub async fn after(self, position: i64, limit: u32) -> Result<Vec<Recorded>, StoreError> {
        self.store.events_after(position, limit).await
    }

    /// Up to `limit` events committed after `position` but not yet readable in order by
    /// [`Events::after`] (PostgreSQL: a transaction older than theirs is still running), for a
    /// reader that acts on a change as soon as it commits and may see it twice.
    pub async fn fresh_after(self, position: i64, limit: u32) -> Result<Vec<Recorded>, StoreError> {
        self.store.fresh_events_after(position, limit).await
    }

    /// What a change at `place` may have altered among the pages guests see. The group
    /// policy decides for a guest viewer: a change among items guests may not read reaches
    /// nothing of theirs, while a new group they may see listed reaches the lists.
    pub async fn guest_reach(self, place: Place) -> Result<GuestReach, StoreError> {
        use crate::groups::policy::{Access, Relation, access};
        let (group, topic) = match place {
            Place::Everywhere => return Ok(GuestReach::Everything),
            Place::Group { group, topic } => {
                let found = self
                    .store
                    .group_by_id(crate::ids::GroupId(group), None)
                    .await?;
                (found.map(|(g, _)| g), topic)
            }
            Place::Topic { topic } => {
                let found = self
                    .store
                    .topic_in_group(crate::ids::TopicId(topic), None)
                    .await?;
                (found.map(|(_, g, _)| g), Some(topic))
            }
        };
        let Some(group) = group else {
            return Ok(GuestReach::Nothing);
        };
        let guest = access(
            &crate::viewer::Viewer::guest(),
            group.visibility,
            Relation::Stranger,
        );
        // A change among its items matters if guests read them; a new group, if they see it.
        let needed = if topic.is_some() {
            Access::Read
        } else {
            Access::Listed
        };
        Ok(if guest >= needed {
            GuestReach::Group {
                slug: group.slug,
                topic,
            }
        } else {
            GuestReach::Nothing
        })
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_reads_back_as_it_was_stored_and_an_unknown_one_as_none() {
        let event = Event::BulletinSent { bulletin: 7 };
        assert_eq!(event.to_json(), r#"{"type":"bulletin_sent","bulletin":7}"#);
        let back = Recorded::parse(1, Timestamp(0), event.name().into(), &event.to_json());
        assert_eq!(back.event, Some(event));
        let unknown = Recorded::parse(2, Timestamp(0), "later".into(), r#"{"type":"later"}"#);
        assert_eq!(unknown.event, None);
    }

    #[test]
    fn a_reaction_names_its_item_and_where_it_shows() {
        let event = Event::ReactionGiven {
            item: crate::forum::items::post_ref(crate::ids::PostId(9)),
            emoji: "👍".into(),
            by: 2,
            author: 3,
            places: vec![Place::Topic { topic: 4 }],
        };
        assert_eq!(
            event.to_json(),
            r#"{"type":"reaction_given","item":{"kind":"post","id":9},"emoji":"👍","by":2,"author":3,"places":[{"place":"topic","topic":4}]}"#
        );
        let back = Recorded::parse(1, Timestamp(0), event.name().into(), &event.to_json());
        assert_eq!(back.event, Some(event.clone()));
        assert_eq!(event.places(), vec![Place::Topic { topic: 4 }]);
        assert_eq!(event.stream(), "item:post/9");
        // A kind this version does not know makes the event unknown, not a wrong one.
        let later = r#"{"type":"reaction_given","item":{"kind":"hologram","id":9},"emoji":"👍","by":2,"author":3,"places":[]}"#;
        assert_eq!(
            Recorded::parse(2, Timestamp(0), "reaction_given".into(), later).event,
            None
        );
    }

    #[test]
    fn a_mention_is_stored_with_who_was_mentioned_by_whom_and_where() {
        let event = Event::MemberMentioned {
            member: 4,
            by: 2,
            topic: 9,
            post: 31,
            group: 3,
        };
        assert_eq!(
            event.to_json(),
            r#"{"type":"member_mentioned","member":4,"by":2,"topic":9,"post":31,"group":3}"#
        );
        assert_eq!(
            (event.name(), event.stream().as_str()),
            ("member_mentioned", "topic:9")
        );
    }
}
