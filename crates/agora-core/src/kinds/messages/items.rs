//! Messages as items: the kind's declaration in the registry of item kinds, through which
//! reports, reactions and bookmarks reach a message with the conversation's audience applied,
//! and the slice of a reported conversation a moderator may see.

use async_trait::async_trait;

use super::{Message, MessageId};
use super::Messages;
use crate::agora::Agora;
use crate::audience::AudienceRef;
use crate::error::Refused;
use crate::items::refs::{ItemKind, ItemRef, ItemSeen, ItemSource};
use crate::items::reported::{ContextEntry, Look, ReportedItem};
use crate::items::{ItemFacts, ItemState};
use crate::viewer::Viewer;

/// The word references use for a message.
pub const MESSAGE: ItemKind = ItemKind::new("message");

/// The kind's item source.
pub struct MessageItems;

/// The one instance the registry lists.
pub static MESSAGES: MessageItems = MessageItems;

/// A message's reference.
pub fn message_ref(id: MessageId) -> ItemRef {
    ItemRef::new(MESSAGE, id.0)
}

/// Messages a moderator sees of a reported one: it and up to this many before it.
pub const REPORT_CONTEXT: i64 = 5;

/// What the item rule needs to know of a message.
pub fn facts(message: &Message) -> ItemFacts {
    ItemFacts {
        author: message.author,
        state: if message.deleted {
            ItemState::Deleted
        } else {
            ItemState::Published
        },
        locked: false,
        opening: message.seq == 1,
        topic: None,
    }
}

#[async_trait]
impl ItemSource for MessageItems {
    fn kind(&self) -> ItemKind {
        MESSAGE
    }

    async fn seen(&self, agora: &Agora, viewer: &Viewer, id: i64) -> Result<ItemSeen, Refused> {
        // One lookup of the conversation: the message's read check returns it.
        let (message, access, conversation) = agora
            .messages()
            .readable_message(viewer, MessageId(id))
            .await
            .map_err(refused)?;
        Ok(ItemSeen {
            item: message_ref(message.id),
            audience: AudienceRef::conversation(conversation.id.0),
            access,
            facts: facts(&message),
            title: conversation.subject,
            excerpt: crate::content::markdown::excerpt(&message.body_markdown, 200),
            author: message.author,
            author_name: message.author_username.clone(),
            created_at: message.created_at,
            container: message.conversation.0,
            position: message.seq,
        })
    }

    async fn reported(
        &self,
        agora: &Agora,
        moderator: &Viewer,
        id: i64,
        look: Look,
    ) -> Result<ReportedItem, Refused> {
        agora
            .messages()
            .reported(moderator, MessageId(id), look)
            .await
    }
}

fn refused(e: super::MessageError) -> Refused {
    match e {
        super::MessageError::Refused(r) => r,
        super::MessageError::DailyLimit { .. } => Refused::NotFound,
    }
}

impl Messages<'_> {
    /// What the site's staff see of a reported message: in a list the message alone; on its
    /// report's page the message and up to [`REPORT_CONTEXT`] before it, never the rest of the
    /// conversation. Every look is an audit entry naming the moderator, the message and the
    /// conversation, written in the transaction that reads the messages. The reports' service
    /// has asked the policy whether the viewer decides the message's reports.
    pub(crate) async fn reported(
        self,
        moderator: &Viewer,
        id: MessageId,
        look: Look,
    ) -> Result<ReportedItem, Refused> {
        if !crate::audience::handles_reports_outside_groups(moderator) {
            return Err(Refused::NotFound);
        }
        let message = self.store.message(id).await?.ok_or(Refused::NotFound)?;
        let from = match look {
            Look::Line => message.seq,
            Look::Whole => (message.seq - REPORT_CONTEXT).max(1),
        };
        let entry = self.audit_entry(
            moderator,
            "message.report_viewed",
            crate::audit::Target::item(message_ref(id), &message.author_username),
            None,
            format!(
                "conversation {}, messages {from} to {}",
                message.conversation, message.seq
            ),
        );
        let slice = self
            .store
            .audited_slice(message.conversation, from, message.seq, &entry)
            .await?;
        let subject = self
            .store
            .conversation(message.conversation, message.author)
            .await?
            .map(|(c, _)| c.subject)
            .unwrap_or_default();
        Ok(ReportedItem {
            item: message_ref(id),
            audience: AudienceRef::conversation(message.conversation.0),
            place: "a private conversation".into(),
            title: subject,
            author: message.author,
            author_name: message.author_username.clone(),
            state: facts(&message).state,
            container: message.conversation.0,
            position: message.seq,
            context: slice
                .into_iter()
                .map(|(m, earlier)| ContextEntry {
                    item: message_ref(m.id),
                    reported: m.id == id,
                    author_name: m.author_username,
                    body: m.body_markdown,
                    created_at: m.created_at,
                    earlier,
                })
                .collect(),
        })
    }
}
