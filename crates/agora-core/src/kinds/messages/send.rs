//! Writing in a conversation: a reply (any participant who took part, not one it was only
//! requested of), an edit of one's own message with the version it replaces kept, a deletion
//! of one's own message.

use std::collections::HashMap;

use tracing::instrument;

use super::{ConversationId, Message, MessageError, MessageId, MessageRevision};
use super::Messages;
use crate::audience::{AudienceRef, Participation};
use crate::content::markdown::Rendered;
use crate::content::media::Copies;
use crate::error::Refused;
use crate::forum::PostBody;
use crate::groups::policy::Access;
use crate::guard::Needs;
use crate::viewer::Viewer;

/// The mentions of `rendered` that name one of `members` (usernames), canonical name →
/// username: a message links the members of its conversation, who read it. Nobody is told of a
/// mention in a message (no `MemberMentioned`): its readers are its members, whom the message
/// itself reaches (their inbox and unread count), and anyone else is never told it exists.
pub(super) fn mentionable(
    rendered: &Rendered,
    members: impl Iterator<Item = String>,
) -> HashMap<String, String> {
    members
        .map(|name| (name.to_ascii_lowercase(), name))
        .filter(|(key, _)| rendered.mentioned.contains(key))
        .collect()
}

/// A message was sent in a conversation (`conversation`, `message`, its number `seq`, `by`):
/// the first of a new conversation or a reply. Only ids: the words stay in the conversation,
/// and whoever reads the outbox (the admins' page of parked events) learns nothing of them.
/// Nobody else's page changes.
pub static SENT: crate::events::KindEventSpec = crate::events::KindEventSpec {
    name: "message_sent",
    topics: &[],
    shown: false,
    who: Some("by"),
    member: None,
    item: Some((super::MESSAGE, "message")),
    audience: Some((crate::audience::AudienceKind::Conversation, "conversation")),
};

/// The event of `message`, number `seq` of `conversation`, sent by `by`.
pub fn sent(
    conversation: ConversationId,
    message: MessageId,
    seq: i64,
    by: crate::ids::MemberId,
) -> crate::events::Event {
    crate::events::Event::Kind(crate::events::KindEvent::new(
        &SENT,
        serde_json::json!({
            "conversation": conversation.0,
            "message": message.0,
            "seq": seq,
            "by": by.0,
        }),
    ))
}

impl Messages<'_> {
    /// Counts one more message (or new conversation) by the member: as many a minute as the
    /// site allows posts, counted on this node, then 429.
    pub(super) fn pace(self, member: crate::ids::MemberId) -> Result<(), MessageError> {
        let key = format!("message:{}", member.0);
        match self.over_limit_here(&key, self.config.posts_per_minute, 60) {
            Some(retry_after_secs) => Err(Refused::RateLimited { retry_after_secs }.into()),
            None => Ok(()),
        }
    }

    /// Writes a message in the conversation.
    #[instrument(skip_all, fields(conversation = %id))]
    pub async fn send(
        self,
        viewer: &Viewer,
        id: ConversationId,
        body: &str,
    ) -> Result<Message, MessageError> {
        let actor = self.guard(viewer, Needs::Posting).await?;
        let (_, _, access) = self.readable(viewer, id).await?;
        if access < Access::Participate {
            return Err(Refused::Forbidden("accept_first").into());
        }
        let body = PostBody::parse(body)?;
        self.pace(actor.id)?;
        let rendered = self.render_new(body.as_str(), "body").await?;
        let rendered = self.copied(id, body.as_str(), rendered).await?;
        let message = self
            .store
            .send_message(id, actor.id, body.as_str(), &rendered.html, self.now())
            .await?;
        Ok(message)
    }

    /// `rendered` again with its remote images copied as the conversation's own, recorded as
    /// its before the message that shows them is written (served to its members only), and its
    /// mentions of the conversation's members as links to their profiles.
    async fn copied(
        self,
        id: ConversationId,
        markdown: &str,
        rendered: Rendered,
    ) -> Result<Rendered, MessageError> {
        let members = if rendered.mentioned.is_empty() {
            HashMap::new()
        } else {
            let taking_part = self.store.participants(id).await?;
            mentionable(
                &rendered,
                taking_part
                    .into_iter()
                    .filter(|p| p.state.participation() != Participation::Former)
                    .map(|p| p.username),
            )
        };
        let copies = Copies::For(AudienceRef::conversation(id.0));
        Ok(self
            .forum()
            .with_links(markdown, rendered, &copies, members)
            .await?
            .0)
    }

    /// A message the viewer may read, with its conversation's reach.
    pub(crate) async fn readable_message(
        self,
        viewer: &Viewer,
        id: MessageId,
    ) -> Result<(Message, Access, super::Conversation), MessageError> {
        let message = self.store.message(id).await?.ok_or(Refused::NotFound)?;
        let (conversation, me, access) = self.readable(viewer, message.conversation).await?;
        if message.seq < me.history_from {
            return Err(Refused::NotFound.into());
        }
        Ok((message, access, conversation))
    }

    /// One message, to a reader of its conversation (a member added without the earlier
    /// history does not read the messages before they joined).
    pub async fn message(self, viewer: &Viewer, id: MessageId) -> Result<Message, MessageError> {
        Ok(self.readable_message(viewer, id).await?.0)
    }

    /// Replaces the text of one of the viewer's own messages.
    #[instrument(skip_all, fields(message = %id))]
    pub async fn edit(
        self,
        viewer: &Viewer,
        id: MessageId,
        body: &str,
    ) -> Result<Message, MessageError> {
        let actor = self.guard(viewer, Needs::Posting).await?;
        let (message, access, _) = self.readable_message(viewer, id).await?;
        if message.author != actor.id {
            return Err(Refused::Forbidden("author_only").into());
        }
        if message.deleted {
            return Err(Refused::Forbidden("deleted").into());
        }
        if access < Access::Participate {
            return Err(Refused::Forbidden("accept_first").into());
        }
        let body = PostBody::parse(body)?;
        let rendered = self.render_new(body.as_str(), "body").await?;
        // Fetching images for the server is outbound work: an edit that asks for it counts
        // against the member's messages a minute, before any fetch.
        if !rendered.remote_images.is_empty() {
            self.pace(actor.id)?;
        }
        let rendered = self
            .copied(message.conversation, body.as_str(), rendered)
            .await?;
        self.store
            .edit_message(id, body.as_str(), &rendered.html, self.now())
            .await?;
        let (message, _, _) = self.readable_message(viewer, id).await?;
        Ok(message)
    }

    /// Deletes one of the viewer's own messages: the others see that it was deleted.
    pub async fn delete(self, viewer: &Viewer, id: MessageId) -> Result<(), MessageError> {
        let actor = self.guard(viewer, Needs::Active).await?;
        let (message, _, _) = self.readable_message(viewer, id).await?;
        if message.author != actor.id {
            return Err(Refused::Forbidden("author_only").into());
        }
        if !message.deleted {
            self.store.delete_message(id, self.now()).await?;
        }
        Ok(())
    }

    /// The versions an edit replaced, oldest first, to the conversation's readers.
    pub async fn revisions(
        self,
        viewer: &Viewer,
        id: MessageId,
    ) -> Result<Vec<MessageRevision>, MessageError> {
        self.readable_message(viewer, id).await?;
        Ok(self.store.message_revisions(id).await?)
    }
}
