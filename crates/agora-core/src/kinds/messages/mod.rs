//! Private messages: conversations between 2 and 20 named members (a setting), the
//! conversation audience ([`crate::audience::Audience::Conversation`]). Only the current
//! participants read a conversation; a site admin or moderator who is not in it does not, and
//! sees a reported message only through its report (the message and the few before it).
//!
//! - `start.rs`: starting a conversation, with message requests (a first message from someone
//!   the recipient never talked with, or below a trust level, waits in "Requests"), blocks and
//!   the new members' limits;
//! - `send.rs`: replies, edits with their history, deletion;
//! - `roster.rs`: accepting or declining a request, leaving, adding members;
//! - `read.rs`: the inbox, a conversation, read marks and unread counts;
//! - `blocking.rs`: blocking and ignoring members (read everywhere through `members/blocks.rs`);
//! - `demo.rs`: its part of the demo community;
//! - `items.rs`: messages as items (reports, reactions, bookmarks reach them through it);
//! - `search.rs`: messages found by their participants' search;
//! - `store.rs`: what the kind needs of the database.

mod blocking;
mod demo;
mod items;
mod read;
mod roster;
mod search;
mod send;
mod start;
mod store;

use serde::Serialize;

use crate::error::Refused;
use crate::ids::MemberId;
use crate::time::Timestamp;
use crate::trust::KnobInfo;

use crate::store::MemberStore;

crate::agora::bounded_modules! {
    /// Private messages: conversations, requests, blocks. In `kinds/messages/`.
    Messages => messages, MessagesPort: MessageStore + MemberStore;
}

pub use items::{MESSAGE, MESSAGES, facts as message_facts, message_ref};
pub use read::{ConversationPage, InboxBox, InboxEntry, InboxPage};
pub use roster::Answer;
pub use send::{SENT, sent};
pub use search::SEARCH;
pub use start::StartInput;
pub use store::{MessageStore, NewConversation, NewParticipant};

/// A conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ConversationId(pub i64);

/// A message in a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct MessageId(pub i64);

impl std::fmt::Display for ConversationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::fmt::Display for MessageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A conversation as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conversation {
    pub id: ConversationId,
    pub subject: String,
    pub started_by: MemberId,
    /// Started by the site's staff as a moderation message: marked as such, and no block or
    /// request stands in its way.
    pub moderation: bool,
    pub created_at: Timestamp,
    /// The number of the last message (messages are numbered from 1).
    pub last_seq: i64,
    pub last_message_at: Timestamp,
}

/// Where a member stands in a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParticipantState {
    /// Takes part.
    Active,
    /// Was written to and has not accepted yet: reads, does not reply, is not notified.
    Requested,
    /// Declined (or was written to by a member they block): reads nothing.
    Declined,
    /// Left, or hid it by blocking someone in it: reads nothing.
    Left,
}

impl ParticipantState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Requested => "requested",
            Self::Declined => "declined",
            Self::Left => "left",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Active, Self::Requested, Self::Declined, Self::Left]
            .into_iter()
            .find(|x| x.as_str() == s)
    }

    /// The audience's word for it.
    pub fn participation(self) -> crate::audience::Participation {
        use crate::audience::Participation;
        match self {
            Self::Active => Participation::Participant,
            Self::Requested => Participation::Requested,
            Self::Declined | Self::Left => Participation::Former,
        }
    }
}

/// A member of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Participant {
    pub member: MemberId,
    pub username: String,
    pub display_name: String,
    pub state: ParticipantState,
    /// The first message they read (a member added without the earlier history reads from
    /// the message after they joined).
    pub history_from: i64,
    /// The last message they read.
    pub last_read: i64,
    pub joined_at: Timestamp,
}

/// One message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub id: MessageId,
    pub conversation: ConversationId,
    pub seq: i64,
    pub author: MemberId,
    pub author_username: String,
    pub author_display_name: String,
    pub body_markdown: String,
    pub body_html: String,
    pub created_at: Timestamp,
    pub edited_at: Option<Timestamp>,
    pub deleted: bool,
}

/// A version of a message an edit replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageRevision {
    pub body_markdown: String,
    pub replaced_at: Timestamp,
}

/// Why a messaging use case failed, beyond the common refusals.
#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    #[error(transparent)]
    Refused(Refused),
    /// A new member's daily number of new conversations is used up.
    #[error("too many new conversations today")]
    DailyLimit { allowed: i64, retry_after_secs: i64 },
}

crate::error::refusals!(MessageError);

/// Private messages in the registry of kinds.
pub static KIND: crate::kinds::Kind = crate::kinds::Kind {
    name: "message",
    topic: None,
    actions: &[],
    events: &[&send::SENT],
    settings: SETTINGS,
    jobs: &[],
    consumers: &[],
    items: Some(&MESSAGES),
    search: Some(&SEARCH),
    status_labels: None,
    demo: Some(|demo, data| Box::pin(demo::load(demo, data))),
    audience: Some(crate::kinds::AudienceReach {
        kind: crate::audience::AudienceKind::Conversation,
        reach: |agora, viewer, id| Box::pin(reach(agora, viewer, id)),
    }),
};

/// How far `viewer` reaches into the conversation `id`: its current members read it (those
/// asked read it before answering), everyone else nothing.
async fn reach(
    agora: &crate::agora::Agora,
    viewer: &crate::viewer::Viewer,
    id: i64,
) -> Result<crate::groups::policy::Access, crate::error::StoreError> {
    match agora.messages().readable(viewer, ConversationId(id)).await {
        Ok((_, _, access)) => Ok(access),
        Err(MessageError::Refused(crate::error::Refused::Store(e))) => Err(e),
        Err(_) => Ok(crate::groups::policy::Access::Hidden),
    }
}

/// The kind's settings, edited with the others on the admin's trust page.
pub const SETTINGS: &[KnobInfo] = &[
    KnobInfo::declared(
        "messages_max_participants",
        "Members in one conversation, at most",
        20,
        100,
    ),
    KnobInfo::declared(
        "messages_request_below_level",
        "A first message from a member below this trust level waits in the recipient's requests",
        1,
        4,
    ),
    KnobInfo::declared(
        "messages_strangers_min_level",
        "Trust level needed to write to members one has never talked with",
        1,
        4,
    ),
    KnobInfo::declared(
        "messages_new_per_day",
        "New conversations a member at trust level 0 may start a day",
        3,
        1000,
    ),
];

/// Bodies and subjects: the same bounds as posts and topic titles.
pub const SUBJECT_MAX: usize = 200;
