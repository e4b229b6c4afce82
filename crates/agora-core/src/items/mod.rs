//! Items: what a viewer may do with one piece of content, decided once.
//!
//! Every piece of content (a topic's opening post, a reply, a private message, and whatever a
//! kind declares) is an item with an author and a state. The group
//! policy ([`crate::groups::policy::access`]) says how far the viewer reaches into the item's
//! audience; [`decide`] adds the item's state, its author and the viewer's sanctions and says
//! whether one action is allowed, and why not. [`Capabilities`] is the same rule asked for
//! every action at once: pages and API responses render it instead of deciding again, and the
//! use cases call [`decide`] before they act, so a button is shown exactly when its action
//! would be accepted. The shared actions are here; a kind declares its own ([`KindAction`]:
//! accepting an answer, voting for an idea) with their rule in its folder, and the rule here
//! asks them after what every action shares, so it names no kind.
//!
//! Here an item's state and the facts the rule reads; the actions in `actions.rs`, the rule in
//! `decide.rs`, every action at once in `capabilities.rs`; reading an item of any kind in
//! `readable.rs`, item references and their sources in `refs.rs`, what moderators are shown of
//! a reported item in `reported.rs`.

use serde::Serialize;

use crate::forum::TopicKind;
use crate::ids::MemberId;

mod actions;
mod capabilities;
mod decide;
mod readable;
pub mod refs;
pub mod reported;

pub use actions::{Action, Asked, KindAction};
pub use capabilities::{Capabilities, KindCapabilities, Shown};
pub use decide::{Denied, decide, reads_redacted};

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// Everyone who reads the audience reads it.
    Published,
    /// Saved and held by the system for a moderator's approval (a word filter, the spam
    /// check, a new member's first posts): moderators and its author read it.
    Held,
    /// Hidden after members flagged it, until a moderator decides: moderators and its author
    /// read it.
    Hidden,
    /// Deleted by its author or a moderator: a placeholder for others, whole for moderators.
    Deleted,
}

impl ItemState {
    /// Whether others than moderators read it.
    pub fn is_published(self) -> bool {
        self == Self::Published
    }

    /// Whether a moderator's decision is awaited (held or hidden).
    pub fn awaits_moderator(self) -> bool {
        matches!(self, Self::Held | Self::Hidden)
    }

    /// The word the API and the pages use: `published`, `held`, `hidden` or `deleted`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Published => "published",
            Self::Held => "held",
            Self::Hidden => "hidden",
            Self::Deleted => "deleted",
        }
    }
}

/// What the rule needs to know of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemFacts {
    pub author: MemberId,
    pub state: ItemState,
    /// Whether the topic it belongs to is locked (no replies or edits but by moderators).
    pub locked: bool,
    /// Whether it opens its topic (a question, an idea), not a reply to one.
    pub opening: bool,
    /// For an item of a topic (a post): the topic's facts, which the kinds' actions read.
    pub topic: Option<TopicFacts>,
}

/// What a kind's action may need to know of the topic an item belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicFacts {
    pub kind: TopicKind,
    /// Who opened it (a question's asker).
    pub author: MemberId,
    /// Whether its status closes it to its kind's actions (a merged idea: its votes moved to
    /// the original, and it takes no more).
    pub closed: bool,
}

#[cfg(test)]
mod tests;
