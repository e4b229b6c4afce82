//! Rows of the messages kind and their conversion.

use agora_core::MemberId;
use agora_core::kinds::messages::{
    Conversation, ConversationId, Message, MessageId, Participant, ParticipantState,
};
use agora_core::time::Timestamp;

/// The columns of a message with its author's names, for `FROM messages ms JOIN members m`.
pub(super) const MESSAGE_COLUMNS: &str = "ms.id, ms.conversation_id, ms.seq, ms.author_id, \
     m.username AS author_username, m.display_name AS author_display_name, \
     CASE WHEN ms.deleted_at IS NULL THEN ms.body_markdown ELSE '' END AS body_markdown, \
     CASE WHEN ms.deleted_at IS NULL THEN ms.body_html ELSE '' END AS body_html, \
     ms.created_at, ms.edited_at, ms.deleted_at";

/// The columns of a conversation, for `FROM conversations c`.
pub(super) const CONVERSATION_COLUMNS: &str =
    "c.id, c.subject, c.started_by, c.moderation, c.created_at, c.last_seq, c.last_message_at";

/// The columns of a participant, for `FROM conversation_members cm JOIN members m`.
pub(super) const PARTICIPANT_COLUMNS: &str = "cm.member_id, m.username, m.display_name, cm.state, \
     cm.history_from, cm.last_read, cm.joined_at";

#[derive(sqlx::FromRow)]
pub(super) struct MessageRow {
    id: i64,
    conversation_id: i64,
    seq: i64,
    author_id: i64,
    author_username: String,
    author_display_name: String,
    body_markdown: String,
    body_html: String,
    created_at: i64,
    edited_at: Option<i64>,
    deleted_at: Option<i64>,
}

impl From<MessageRow> for Message {
    fn from(r: MessageRow) -> Self {
        Self {
            id: MessageId(r.id),
            conversation: ConversationId(r.conversation_id),
            seq: r.seq,
            author: MemberId(r.author_id),
            author_username: r.author_username,
            author_display_name: r.author_display_name,
            body_markdown: r.body_markdown,
            body_html: r.body_html,
            created_at: Timestamp(r.created_at),
            edited_at: r.edited_at.map(Timestamp),
            deleted: r.deleted_at.is_some(),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ConversationRow {
    id: i64,
    subject: String,
    started_by: i64,
    moderation: bool,
    created_at: i64,
    last_seq: i64,
    last_message_at: i64,
}

impl ConversationRow {
    pub(super) fn id(&self) -> i64 {
        self.id
    }
}

impl From<ConversationRow> for Conversation {
    fn from(r: ConversationRow) -> Self {
        Self {
            id: ConversationId(r.id),
            subject: r.subject,
            started_by: MemberId(r.started_by),
            moderation: r.moderation,
            created_at: Timestamp(r.created_at),
            last_seq: r.last_seq,
            last_message_at: Timestamp(r.last_message_at),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ParticipantRow {
    member_id: i64,
    username: String,
    display_name: String,
    state: String,
    history_from: i64,
    last_read: i64,
    joined_at: i64,
}

impl From<ParticipantRow> for Participant {
    fn from(r: ParticipantRow) -> Self {
        Self {
            member: MemberId(r.member_id),
            username: r.username,
            display_name: r.display_name,
            state: ParticipantState::parse(&r.state).unwrap_or(ParticipantState::Left),
            history_from: r.history_from,
            last_read: r.last_read,
            joined_at: Timestamp(r.joined_at),
        }
    }
}

/// A conversation with the reading member's mark, for the inbox.
#[derive(sqlx::FromRow)]
pub(super) struct InboxRow {
    #[sqlx(flatten)]
    pub conversation: ConversationRow,
    pub last_read: i64,
}

#[derive(sqlx::FromRow)]
pub(super) struct WithRow {
    pub conversation_id: i64,
    pub username: String,
}

#[derive(sqlx::FromRow)]
pub(super) struct CountsRow {
    pub unread: i64,
    pub requests: i64,
}

#[derive(sqlx::FromRow)]
pub(super) struct RevisionRow {
    pub body_markdown: String,
    pub replaced_at: i64,
}

/// A message found by search, with its conversation's subject.
#[derive(sqlx::FromRow)]
pub(super) struct FoundRow {
    pub subject: String,
    #[sqlx(flatten)]
    pub message: MessageRow,
}

/// `term` as a `LIKE` pattern that finds it anywhere (its `%`, `_` and `\` escaped with `\`).
pub(super) fn contains_pattern(term: &str) -> String {
    let mut p = String::from("%");
    for c in term.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// An earlier version's words of a message in a reported slice.
#[derive(sqlx::FromRow)]
pub(super) struct EarlierRow {
    pub(super) message_id: i64,
    pub(super) body_markdown: String,
}
