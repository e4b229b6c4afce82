//! What private messages need of the database: `agora-store/src/messages/` implements it on
//! both databases, each change in one transaction.

use async_trait::async_trait;

use crate::members::blocks::BlockKind;
use super::read::{InboxBox, InboxEntry};
use super::{
    Conversation, ConversationId, Message, MessageId, MessageRevision, Participant,
    ParticipantState,
};
use crate::error::StoreError;
use crate::ids::MemberId;
use crate::paging::Cursor;
use crate::time::Timestamp;

/// A member written to in a new conversation (or added to one), and where they start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewParticipant {
    pub member: MemberId,
    pub state: ParticipantState,
}

/// A conversation to start, with its first message.
#[derive(Debug, Clone)]
pub struct NewConversation {
    pub subject: String,
    pub started_by: MemberId,
    pub moderation: bool,
    /// Everyone but the starter.
    pub others: Vec<NewParticipant>,
    pub body_markdown: String,
    pub body_html: String,
    /// The files of the media folder the first message's remote images were copied to,
    /// recorded as the new conversation's in the transaction that starts it.
    pub copies: Vec<String>,
    pub at: Timestamp,
    /// For a new member: (the conversations they may start a day, the start of the day
    /// counted). The store counts and starts in one transaction holding the starter's row, so
    /// simultaneous starts cannot pass the limit together; over it, it refuses with the
    /// `Conflict` on `messages_new_per_day`.
    pub daily_limit: Option<(i64, Timestamp)>,
}

#[async_trait]
pub trait MessageStore: crate::members::blocks::BlockStore + Send + Sync {
    /// Whether `a` and `b` both take part in a conversation, or took part in one both
    /// accepted: whether they have talked.
    async fn have_talked(&self, a: MemberId, b: MemberId) -> Result<bool, StoreError>;


    /// Starts a conversation: the conversation, its participants (the starter active) and the
    /// first message, in one transaction.
    async fn start_conversation(
        &self,
        new: NewConversation,
    ) -> Result<(ConversationId, MessageId), StoreError>;

    /// A conversation and the row of `member` in it, if any.
    async fn conversation(
        &self,
        id: ConversationId,
        member: MemberId,
    ) -> Result<Option<(Conversation, Option<Participant>)>, StoreError>;

    /// Everyone who ever took part, in the order they joined.
    async fn participants(&self, id: ConversationId) -> Result<Vec<Participant>, StoreError>;

    /// Up to `limit` messages numbered from `from_seq` to `to_seq`, newest last.
    async fn messages(
        &self,
        id: ConversationId,
        from_seq: i64,
        to_seq: i64,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError>;

    /// Messages `from_seq..=to_seq` of a conversation, each with its earlier versions' words
    /// (oldest first), read in one transaction with `audit` (a moderator's look at a reported
    /// message is recorded, or not made).
    async fn audited_slice(
        &self,
        id: ConversationId,
        from_seq: i64,
        to_seq: i64,
        audit: &[crate::audit::NewAuditEntry],
    ) -> Result<Vec<(Message, Vec<String>)>, StoreError>;

    /// One message.
    async fn message(&self, id: MessageId) -> Result<Option<Message>, StoreError>;

    /// Adds a message (numbered after the last one; the author has read it), in one
    /// transaction with the conversation's and its participants' latest activity.
    async fn send_message(
        &self,
        id: ConversationId,
        author: MemberId,
        body_markdown: &str,
        body_html: &str,
        at: Timestamp,
    ) -> Result<Message, StoreError>;

    /// Replaces a message's text, keeping the version it replaces.
    async fn edit_message(
        &self,
        id: MessageId,
        body_markdown: &str,
        body_html: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;

    /// Marks a message deleted (its text stays for the export of its author only).
    async fn delete_message(&self, id: MessageId, at: Timestamp) -> Result<(), StoreError>;

    /// The versions an edit replaced, oldest first.
    async fn message_revisions(&self, id: MessageId) -> Result<Vec<MessageRevision>, StoreError>;

    /// Marks messages up to `seq` read by `member` (never moves backwards).
    async fn mark_read(
        &self,
        id: ConversationId,
        member: MemberId,
        seq: i64,
    ) -> Result<(), StoreError>;

    /// Sets `member`'s state in the conversation.
    async fn set_participant_state(
        &self,
        id: ConversationId,
        member: MemberId,
        state: ParticipantState,
        at: Timestamp,
    ) -> Result<(), StoreError>;

    /// Adds members (or brings back former ones) reading from `history_from`, under the
    /// conversation's lock; refuses with `Conflict { constraint: "messages_max_participants" }`
    /// past `max` members taking part or asked.
    async fn add_participants(
        &self,
        id: ConversationId,
        added_by: MemberId,
        members: &[NewParticipant],
        history_from: i64,
        max: i64,
        at: Timestamp,
    ) -> Result<(), StoreError>;

    /// One page of `member`'s conversations in `inbox`, latest activity first.
    async fn inbox(
        &self,
        member: MemberId,
        inbox: InboxBox,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Vec<InboxEntry>, StoreError>;

    /// How many of `member`'s conversations have unread messages, and how many requests wait.
    async fn unread_counts(&self, member: MemberId) -> Result<(i64, i64), StoreError>;

    /// New conversations `member` started since `since`.
    async fn conversations_started(
        &self,
        member: MemberId,
        since: Timestamp,
    ) -> Result<i64, StoreError>;


    /// Blocks or ignores `other` (`on`) or takes it back. Blocking also hides from `member`
    /// the conversations `other` takes part in.
    async fn set_block(
        &self,
        member: MemberId,
        other: MemberId,
        kind: BlockKind,
        on: bool,
        at: Timestamp,
    ) -> Result<(), StoreError>;

    /// Up to `limit` messages holding every one of `terms` (ignoring case) that `member` may
    /// read, newest first, with their conversation's subject.
    async fn search_messages(
        &self,
        member: MemberId,
        terms: &[String],
        limit: u32,
    ) -> Result<Vec<(String, Message)>, StoreError>;

}
