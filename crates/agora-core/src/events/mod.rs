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
//!
//! A consumer is a [`Consumer`] declared in the folder of the module or kind it belongs to
//! and registered once (`consumers.rs`, or a kind's `consumers`). One seen for the first time
//! starts at the head of the outbox unless it asks for a backfill. Consumers are worked apart:
//! one that fails or takes long delays no other. An event a consumer fails on is tried again
//! with a growing delay and, after [`MAX_ATTEMPTS`], parked with its error for the admins
//! (who may retry or dismiss it), never skipped silently. A consumer's place is the position
//! ([`Position`]) of the last event it handled, not a row, so the events behind every
//! consumer are deleted after the retention the operator sets without losing anyone's place.
//!
//! Here the catalogue of events ([`Event`]) and where each change happened ([`Place`]); the
//! kinds' events in `kind.rs`; reading the outbox in `outbox.rs`; what a change means for the
//! guests' pages in `guest_reach.rs`; the consumers, their registry and the parked events in
//! `consumers.rs`; the worker in `worker.rs`.

use serde::{Deserialize, Serialize};

use crate::items::refs::ItemRef;

mod about;
mod consumers;
mod guest_reach;
mod kind;
mod outbox;
mod worker;

pub use about::About;
pub use consumers::{
    ConsumeFuture, Consumer, ConsumerState, Handled, MAX_ATTEMPTS, OutboxState, Parked, Start,
};
pub use guest_reach::GuestReach;
pub use kind::{KindEvent, KindEventSpec};
pub use outbox::{Claim, Position, Recorded};
pub use worker::LEASE_SECS;

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
    /// A topic was pinned or unpinned, locked or unlocked, by `by` (events recorded before
    /// events said who read back with `None`, as every `by` added later).
    TopicChanged {
        topic: i64,
        group: i64,
        #[serde(default)]
        by: Option<i64>,
    },
    /// A group was created by `by`, its first owner.
    GroupCreated {
        group: i64,
        #[serde(default)]
        by: Option<i64>,
    },
    /// A group was edited (`edited`: its name, description or visibility), archived,
    /// unarchived or deleted, by `by`. Who may see it, and what, may have changed everywhere.
    GroupChanged { group: i64, by: i64, what: String },
    /// A member joined a group (`by` themself, or the owner who approved their request), or
    /// accepted an invitation to it.
    MemberJoined { group: i64, member: i64, by: i64 },
    /// A member left a group (`by` themself) or was removed from it (`by` a manager).
    MemberLeft { group: i64, member: i64, by: i64 },
    /// Someone opened an account.
    MemberRegistered { member: i64 },
    /// What others see of a member changed: their profile, their site role, or their erasure
    /// (which may take their posts along), by `by`.
    MemberChanged {
        member: i64,
        #[serde(default)]
        by: Option<i64>,
    },
    /// A member was sanctioned (warned, silenced, suspended or banned) by `by`.
    MemberSanctioned {
        member: i64,
        sanction: i64,
        kind: String,
        #[serde(default)]
        by: Option<i64>,
    },
    /// A sanction was lifted before its end, by `by`.
    SanctionLifted {
        member: i64,
        sanction: i64,
        #[serde(default)]
        by: Option<i64>,
    },
    /// The site's settings changed, or a new version of a legal document was published, by
    /// `by`.
    SiteChanged {
        what: String,
        #[serde(default)]
        by: Option<i64>,
    },
    /// An admin (`by`) sent a bulletin: its mails are to be delivered to the members who
    /// opted in.
    BulletinSent {
        bulletin: i64,
        #[serde(default)]
        by: Option<i64>,
    },
    /// A member (`by`) reported an item or a member; `audience` is where the item shows.
    ReportFiled {
        report: i64,
        item: Option<ItemRef>,
        member: Option<i64>,
        by: i64,
        audience: Option<crate::audience::AudienceRef>,
    },
    /// A legal complaint was filed about an item, by a member (`by`) or a guest (`None`);
    /// `audience` is where the item shows.
    ComplaintFiled {
        case: i64,
        item: ItemRef,
        by: Option<i64>,
        audience: Option<crate::audience::AudienceRef>,
    },
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
            Event::BulletinSent { bulletin, .. } => format!("bulletin:{bulletin}"),
            Event::GroupCreated { group, .. }
            | Event::GroupChanged { group, .. }
            | Event::MemberJoined { group, .. }
            | Event::MemberLeft { group, .. } => format!("group:{group}"),
            Event::ReportFiled { report, .. } => format!("report:{report}"),
            Event::ComplaintFiled { case, .. } => format!("case:{case}"),
            Event::MemberRegistered { member }
            | Event::MemberChanged { member, .. }
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
            Event::MemberJoined { .. } => "member_joined",
            Event::MemberLeft { .. } => "member_left",
            Event::MemberRegistered { .. } => "member_registered",
            Event::ReportFiled { .. } => "report_filed",
            Event::ComplaintFiled { .. } => "complaint_filed",
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
            | Event::TopicChanged { topic, group, .. } => vec![Place::Group {
                group: *group,
                topic: Some(*topic),
            }],
            Event::GroupCreated { group, .. } => vec![Place::Group {
                group: *group,
                topic: None,
            }],
            Event::Kind(e) => e.places(),
            Event::MemberChanged { .. }
            | Event::MemberSanctioned { .. }
            | Event::SanctionLifted { .. }
            | Event::GroupChanged { .. }
            | Event::SiteChanged { .. } => vec![Place::Everywhere],
            // Nothing a guest's page shows changes with them (a group's count of members is
            // a few seconds stale at most, as the guest cache keeps it).
            Event::BulletinSent { .. }
            | Event::MemberJoined { .. }
            | Event::MemberLeft { .. }
            | Event::MemberRegistered { .. }
            | Event::ReportFiled { .. }
            | Event::ComplaintFiled { .. } => Vec::new(),
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
    /// In an audience beyond groups: a conversation, the site's or its staff's.
    Audience {
        audience: crate::audience::AudienceRef,
    },
    /// Anywhere: a member's name, role or sanctions show beside their posts in every group,
    /// and the site's settings on every page.
    Everywhere,
}

#[cfg(test)]
mod tests;
