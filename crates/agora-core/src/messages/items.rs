//! Messages as items: the kind's declaration in the registry of item kinds, through which
//! reports, reactions and bookmarks reach a message with the conversation's audience applied,
//! and the slice of a reported conversation a moderator may see.

use async_trait::async_trait;

use super::{Message, MessageId};
use crate::agora::{Agora, Messages};
use crate::audience::AudienceRef;
use crate::error::Refused;
use crate::items::refs::{ItemKind, ItemRef, ItemSeen, ItemSource};
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
        asker: None,
        votable: false,
        merged: false,
    }
}

#[async_trait]
impl ItemSource for MessageItems {
    fn kind(&self) -> ItemKind {
        MESSAGE
    }

    async fn seen(&self, agora: &Agora, viewer: &Viewer, id: i64) -> Result<ItemSeen, Refused> {
        let messages = agora.messages();
        let (message, access, _) = messages
            .readable_message(viewer, MessageId(id))
            .await
            .map_err(refused)?;
        let (conversation, _, _) = messages
            .readable(viewer, message.conversation)
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
}

fn refused(e: super::MessageError) -> Refused {
    match e {
        super::MessageError::Refused(r) => r,
        super::MessageError::DailyLimit { .. } => Refused::NotFound,
    }
}

impl Messages<'_> {
    /// What the site's staff see of a reported message: the message and up to
    /// [`REPORT_CONTEXT`] before it, never the rest of the conversation; every look is an audit
    /// entry naming the moderator and the conversation. `reported` says the message is the
    /// subject of a report; the caller (the reports' service) has checked that.
    pub async fn report_slice(
        self,
        viewer: &Viewer,
        id: MessageId,
    ) -> Result<Vec<Message>, Refused> {
        if !crate::audience::handles_reports_outside_groups(viewer) {
            return Err(Refused::NotFound);
        }
        let message = self.store.message(id).await?.ok_or(Refused::NotFound)?;
        let from = (message.seq - REPORT_CONTEXT).max(1);
        let entry = self.audit_entry(
            viewer,
            "message.report_viewed",
            crate::audit::Target::item(
                message_ref(id),
                format!("message:{id} in conversation:{}", message.conversation),
            ),
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
        Ok(slice)
    }
}
