//! Private messages on both databases: conversations, their participants and messages, blocks.
//! Reads here; each change, one transaction, in `write.rs`; the member's archive and erasure in
//! `data.rs`.

mod data;
mod read;
pub(crate) mod rows;
mod write;

use async_trait::async_trait;

use agora_core::MemberId;
use agora_core::StoreError;
use agora_core::kinds::messages::{
    Conversation, ConversationId, InboxBox, InboxEntry, Message, MessageId,
    MessageRevision, MessageStore, NewConversation, NewParticipant, Participant, ParticipantState,
};
use agora_core::paging::Cursor;
use agora_core::members::blocks::BlockKind;
use agora_core::time::Timestamp;

use crate::SqlStore;
use crate::db::Int;
pub(crate) use data::DATA;
use rows::{
    CONVERSATION_COLUMNS, ConversationRow, CountsRow, EarlierRow, MESSAGE_COLUMNS,
    MessageRow, PARTICIPANT_COLUMNS, ParticipantRow, RevisionRow,
};

#[async_trait]
impl MessageStore for SqlStore {
    async fn have_talked(&self, a: MemberId, b: MemberId) -> Result<bool, StoreError> {
        let mut db = self.pools.read().await?;
        Ok(db
            .optional::<Int>(
                // A column, not the literal 1: PostgreSQL's literal is a 4-byte integer.
                "SELECT x.conversation_id FROM conversation_members x JOIN conversation_members y \
                 ON y.conversation_id = x.conversation_id \
                 WHERE x.member_id = $1 AND y.member_id = $2 \
                 AND x.state IN ('active', 'left') AND y.state IN ('active', 'left') LIMIT 1",
                &[a.0.into(), b.0.into()],
            )
            .await?
            .is_some())
    }

    async fn start_conversation(
        &self,
        new: NewConversation,
    ) -> Result<(ConversationId, MessageId), StoreError> {
        self.pools
            .write(move |tx| Box::pin(async move { write::start(tx, &new).await }))
            .await
    }

    async fn conversation(
        &self,
        id: ConversationId,
        member: MemberId,
    ) -> Result<Option<(Conversation, Option<Participant>)>, StoreError> {
        let mut db = self.pools.read().await?;
        let Some(c) = db
            .optional::<ConversationRow>(
                format!("SELECT {CONVERSATION_COLUMNS} FROM conversations c WHERE c.id = $1"),
                &[id.0.into()],
            )
            .await?
        else {
            return Ok(None);
        };
        let me = db
            .optional::<ParticipantRow>(
                format!(
                    "SELECT {PARTICIPANT_COLUMNS} FROM conversation_members cm \
                     JOIN members m ON m.id = cm.member_id \
                     WHERE cm.conversation_id = $1 AND cm.member_id = $2"
                ),
                &[id.0.into(), member.0.into()],
            )
            .await?;
        Ok(Some((c.into(), me.map(Into::into))))
    }

    async fn participants(&self, id: ConversationId) -> Result<Vec<Participant>, StoreError> {
        let mut db = self.pools.read().await?;
        Ok(db
            .all::<ParticipantRow>(
                format!(
                    "SELECT {PARTICIPANT_COLUMNS} FROM conversation_members cm \
                     JOIN members m ON m.id = cm.member_id \
                     WHERE cm.conversation_id = $1 ORDER BY cm.joined_at, cm.member_id"
                ),
                &[id.0.into()],
            )
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    async fn messages(
        &self,
        id: ConversationId,
        from_seq: i64,
        to_seq: i64,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        let mut db = self.pools.read().await?;
        write::messages(&mut db, id, from_seq, to_seq, limit).await
    }

    async fn audited_slice(
        &self,
        id: ConversationId,
        from_seq: i64,
        to_seq: i64,
        audit: &[agora_core::audit::NewAuditEntry],
    ) -> Result<Vec<(Message, Vec<String>)>, StoreError> {
        let audit = audit.to_vec();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    crate::audit::record(tx, &audit).await?;
                    let n = u32::try_from(to_seq - from_seq + 1).unwrap_or(0);
                    let messages = write::messages(tx, id, from_seq, to_seq, n).await?;
                    let mut earlier = tx
                        .all::<EarlierRow>(
                            "SELECT r.message_id, r.body_markdown FROM message_revisions r \
                             JOIN messages ms ON ms.id = r.message_id \
                             WHERE ms.conversation_id = $1 AND ms.seq >= $2 AND ms.seq <= $3 \
                             ORDER BY r.id",
                            &[id.0.into(), from_seq.into(), to_seq.into()],
                        )
                        .await?;
                    Ok(messages
                        .into_iter()
                        .map(|m| {
                            let (mine, rest) = earlier
                                .drain(..)
                                .partition(|r: &EarlierRow| r.message_id == m.id.0);
                            earlier = rest;
                            (m, mine.into_iter().map(|r| r.body_markdown).collect())
                        })
                        .collect())
                })
            })
            .await
    }

    async fn message(&self, id: MessageId) -> Result<Option<Message>, StoreError> {
        let mut db = self.pools.read().await?;
        Ok(db
            .optional::<MessageRow>(
                format!(
                    "SELECT {MESSAGE_COLUMNS} FROM messages ms JOIN members m ON m.id = ms.author_id \
                     WHERE ms.id = $1"
                ),
                &[id.0.into()],
            )
            .await?
            .map(Into::into))
    }

    async fn send_message(
        &self,
        id: ConversationId,
        author: MemberId,
        body_markdown: &str,
        body_html: &str,
        at: Timestamp,
    ) -> Result<Message, StoreError> {
        let (md, html) = (body_markdown.to_owned(), body_html.to_owned());
        self.pools
            .write(move |tx| {
                Box::pin(async move { write::send(tx, id, author, &md, &html, at).await })
            })
            .await
    }

    async fn edit_message(
        &self,
        id: MessageId,
        body_markdown: &str,
        body_html: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let (md, html) = (body_markdown.to_owned(), body_html.to_owned());
        self.pools
            .write(move |tx| Box::pin(async move { write::edit(tx, id, &md, &html, at).await }))
            .await
    }

    async fn delete_message(&self, id: MessageId, at: Timestamp) -> Result<(), StoreError> {
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    tx.execute(
                        "UPDATE messages SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL",
                        &[id.0.into(), at.0.into()],
                    )
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    async fn message_revisions(&self, id: MessageId) -> Result<Vec<MessageRevision>, StoreError> {
        let mut db = self.pools.read().await?;
        Ok(db
            .all::<RevisionRow>(
                "SELECT body_markdown, replaced_at FROM message_revisions \
                 WHERE message_id = $1 ORDER BY id",
                &[id.0.into()],
            )
            .await?
            .into_iter()
            .map(|r| MessageRevision {
                body_markdown: r.body_markdown,
                replaced_at: Timestamp(r.replaced_at),
            })
            .collect())
    }

    async fn mark_read(
        &self,
        id: ConversationId,
        member: MemberId,
        seq: i64,
    ) -> Result<(), StoreError> {
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    // Never backwards: two pages read at once leave the further mark.
                    tx.execute(
                        "UPDATE conversation_members SET last_read = $3 \
                         WHERE conversation_id = $1 AND member_id = $2 AND last_read < $3",
                        &[id.0.into(), member.0.into(), seq.into()],
                    )
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    async fn set_participant_state(
        &self,
        id: ConversationId,
        member: MemberId,
        state: ParticipantState,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.pools
            .write(move |tx| {
                Box::pin(async move { write::set_state(tx, id, member, state, at).await })
            })
            .await
    }

    async fn add_participants(
        &self,
        id: ConversationId,
        added_by: MemberId,
        members: &[NewParticipant],
        history_from: i64,
        max: i64,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let members = members.to_vec();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    write::add(tx, id, added_by, &members, history_from, max, at).await
                })
            })
            .await
    }

    async fn inbox(
        &self,
        member: MemberId,
        inbox: InboxBox,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Vec<InboxEntry>, StoreError> {
        let mut db = self.pools.read().await?;
        read::inbox(&mut db, member, inbox, after, limit).await
    }

    async fn unread_counts(&self, member: MemberId) -> Result<(i64, i64), StoreError> {
        let mut db = self.pools.read().await?;
        let r = db
            .one::<CountsRow>(
                "SELECT COALESCE(SUM(CASE WHEN cm.state = 'active' AND cm.last_seq > cm.last_read \
                 THEN 1 ELSE 0 END), 0) AS unread, \
                 COALESCE(SUM(CASE WHEN cm.state = 'requested' THEN 1 ELSE 0 END), 0) AS requests \
                 FROM conversation_members cm \
                 WHERE cm.member_id = $1 AND cm.state IN ('active', 'requested')",
                &[member.0.into()],
            )
            .await?;
        Ok((r.unread, r.requests))
    }

    async fn conversations_started(
        &self,
        member: MemberId,
        since: Timestamp,
    ) -> Result<i64, StoreError> {
        let mut db = self.pools.read().await?;
        Ok(db
            .one::<Int>(
                "SELECT COUNT(*) FROM conversations WHERE started_by = $1 AND created_at >= $2",
                &[member.0.into(), since.0.into()],
            )
            .await?
            .0)
    }

    async fn set_block(
        &self,
        member: MemberId,
        other: MemberId,
        kind: BlockKind,
        on: bool,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.pools
            .write(move |tx| {
                Box::pin(async move { write::set_block(tx, member, other, kind, on, at).await })
            })
            .await
    }

    async fn search_messages(
        &self,
        member: MemberId,
        terms: &[String],
        limit: u32,
    ) -> Result<Vec<(String, Message)>, StoreError> {
        let mut db = self.pools.read().await?;
        read::search(&mut db, member, terms, limit).await
    }

}
