//! Reading: the inbox (latest activity first), a conversation as one participant sees it, read
//! marks and unread counts. A conversation exists only for its participants (and, read-only,
//! for a member it was requested of); for everyone else, admins included, it answers exactly as
//! one that never existed. Unread counts are the conversation's last number minus the
//! participant's last read one: never a count of messages.

use serde::Serialize;

use super::{Conversation, ConversationId, Message, MessageError, Participant, ParticipantState};
use super::Messages;
use crate::audience::{Audience, Participation, reach};
use crate::error::Refused;
use crate::groups::policy::Access;
use crate::guard::Needs;
use crate::paging::Cursor;
use crate::viewer::Viewer;

/// Which of a member's conversations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxBox {
    /// Those they take part in.
    Inbox,
    /// First messages waiting for them to accept.
    Requests,
}

/// A conversation in a member's inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InboxEntry {
    pub conversation: Conversation,
    /// The other members taking part or asked, by username.
    pub with: Vec<String>,
    pub unread: i64,
}

/// A page of the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InboxPage {
    pub entries: Vec<InboxEntry>,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
    pub unread_conversations: i64,
    pub requests: i64,
}

/// A conversation as one participant sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationPage {
    pub conversation: Conversation,
    pub me: Participant,
    pub access: Access,
    pub participants: Vec<Participant>,
    /// The messages shown, oldest first.
    pub messages: Vec<Message>,
    /// Whether earlier messages the viewer may read are not shown.
    pub earlier: bool,
    /// The first message shown; the number to ask for the page before is this one minus one.
    pub first_seq: i64,
}

/// Messages on a conversation's page.
pub const PAGE: u32 = 50;

impl Messages<'_> {
    /// The conversation `id` and the viewer's row in it, if the viewer may read it.
    pub(crate) async fn readable(
        self,
        viewer: &Viewer,
        id: ConversationId,
    ) -> Result<(Conversation, Participant, Access), MessageError> {
        let me = viewer.id().ok_or(Refused::NotFound)?;
        let (conversation, row) = self
            .store
            .conversation(id, me)
            .await?
            .ok_or(Refused::NotFound)?;
        let participation = row
            .as_ref()
            .map_or(Participation::Outsider, |p| p.state.participation());
        let access = reach(viewer, Audience::Conversation { participation });
        match row {
            Some(p) if access >= Access::Read => Ok((conversation, p, access)),
            _ => Err(Refused::NotFound.into()),
        }
    }

    /// One page of the viewer's inbox or requests.
    pub async fn inbox(
        self,
        viewer: &Viewer,
        inbox: InboxBox,
        cursor: Option<&str>,
    ) -> Result<InboxPage, MessageError> {
        let actor = self.guard(viewer, Needs::SignedIn).await?;
        let after = cursor.map(Cursor::decode).transpose()?;
        let limit = 30;
        let mut entries = self.store.inbox(actor.id, inbox, after, limit + 1).await?;
        let next = (entries.len() > limit as usize).then(|| {
            entries.truncate(limit as usize);
            let last = &entries[entries.len() - 1].conversation;
            Cursor {
                key: last.last_message_at.0,
                id: last.id.0,
            }
            .encode()
        });
        let (unread_conversations, requests) = self.store.unread_counts(actor.id).await?;
        Ok(InboxPage {
            entries,
            next,
            unread_conversations,
            requests,
        })
    }

    /// How many conversations have unread messages for the viewer, and how many requests
    /// wait: the header's count. Zero for a guest.
    pub async fn unread(self, viewer: &Viewer) -> Result<(i64, i64), Refused> {
        match viewer.id() {
            Some(me) => Ok(self.store.unread_counts(me).await?),
            None => Ok((0, 0)),
        }
    }

    /// A conversation with its messages up to `before` (the latest when `None`), marked read
    /// up to the last one shown.
    pub async fn conversation(
        self,
        viewer: &Viewer,
        id: ConversationId,
        before: Option<i64>,
    ) -> Result<ConversationPage, MessageError> {
        let (conversation, me, access) = self.readable(viewer, id).await?;
        // Any number a client sends is a place in the conversation (none before the first).
        let to_seq = before
            .map_or(conversation.last_seq, |b| b.saturating_sub(1))
            .clamp(0, conversation.last_seq.max(0));
        let from_seq = me.history_from.max(to_seq - i64::from(PAGE) + 1).max(1);
        let messages = self.store.messages(id, from_seq, to_seq, PAGE).await?;
        let participants = self.store.participants(id).await?;
        if me.state == ParticipantState::Active && to_seq > me.last_read {
            self.store.mark_read(id, me.member, to_seq).await?;
        }
        Ok(ConversationPage {
            earlier: from_seq > me.history_from,
            first_seq: from_seq,
            conversation,
            me,
            access,
            participants,
            messages,
        })
    }

    /// Marks the conversation read up to `seq` for the viewer.
    pub async fn mark_read(
        self,
        viewer: &Viewer,
        id: ConversationId,
        seq: i64,
    ) -> Result<(), MessageError> {
        let (conversation, me, _) = self.readable(viewer, id).await?;
        let seq = seq.clamp(0, conversation.last_seq);
        self.store.mark_read(id, me.member, seq).await?;
        Ok(())
    }
}
