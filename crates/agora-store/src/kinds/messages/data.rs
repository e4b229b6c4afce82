//! The messages kind's part in a member's archive and erasure: the archive holds the
//! conversations the member could read, with the messages they could read; erasure leaves the
//! conversations to the others (the author's name is the anonymised account's) and, when the
//! member chose to remove their contributions, removes the words of their messages.

use serde::Serialize;

use crate::kinds::{KindData, to_json};

#[derive(sqlx::FromRow, Serialize)]
struct ArchivedConversation {
    id: i64,
    subject: String,
    state: String,
    history_from: i64,
    left_at: Option<i64>,
}

#[derive(sqlx::FromRow, Serialize)]
struct ArchivedMessage {
    conversation_id: i64,
    seq: i64,
    author: String,
    body_markdown: String,
    created_at: i64,
    edited_at: Option<i64>,
    deleted: bool,
}

#[derive(sqlx::FromRow, Serialize)]
struct ArchivedBlock {
    username: String,
    kind: String,
    created_at: i64,
}

#[derive(Serialize)]
struct Archive {
    conversations: Vec<ArchivedConversation>,
    messages: Vec<ArchivedMessage>,
    blocks: Vec<ArchivedBlock>,
}

/// The conversations with messages the member has not read: the count beside "Messages" in
/// the site's header, read in the session's query (over the member `m.id`).
const UNREAD_CONVERSATIONS: &str = "SELECT COUNT(*) FROM conversation_members cm \
     WHERE cm.member_id = m.id AND cm.state = 'active' AND cm.last_seq > cm.last_read";

pub(crate) const DATA: KindData = KindData {
    kind: "message",
    tables: &[
        "conversations",
        "conversation_members",
        "messages",
        "message_revisions",
        "member_blocks",
    ],
    export: |db, member| {
        Box::pin(async move {
            let conversations = db
                .all::<ArchivedConversation>(
                    "SELECT c.id, c.subject, cm.state, cm.history_from, cm.left_at \
                     FROM conversation_members cm JOIN conversations c ON c.id = cm.conversation_id \
                     WHERE cm.member_id = $1 AND cm.state <> 'declined' ORDER BY c.id",
                    &[member.into()],
                )
                .await?;
            // What the member could read: from their first message on, and up to when they
            // left; their own deleted messages with their words, others' without.
            let messages = db
                .all::<ArchivedMessage>(
                    "SELECT ms.conversation_id, ms.seq, m.username AS author, \
                     CASE WHEN ms.deleted_at IS NULL OR ms.author_id = $1 THEN ms.body_markdown \
                     ELSE '' END AS body_markdown, ms.created_at, ms.edited_at, \
                     (ms.deleted_at IS NOT NULL) AS deleted \
                     FROM conversation_members cm JOIN messages ms ON ms.conversation_id = cm.conversation_id \
                     JOIN members m ON m.id = ms.author_id \
                     WHERE cm.member_id = $1 AND cm.state <> 'declined' AND ms.seq >= cm.history_from \
                     AND (cm.left_at IS NULL OR ms.created_at <= cm.left_at) \
                     ORDER BY ms.conversation_id, ms.seq",
                    &[member.into()],
                )
                .await?;
            let blocks = db
                .all::<ArchivedBlock>(
                    "SELECT m.username, b.kind, b.created_at FROM member_blocks b \
                     JOIN members m ON m.id = b.other_id WHERE b.member_id = $1 ORDER BY b.created_at",
                    &[member.into()],
                )
                .await?;
            to_json(&Archive {
                conversations,
                messages,
                blocks,
            })
        })
    },
    erase: |tx, member, remove_contributions| {
        Box::pin(async move {
            tx.execute(
                "DELETE FROM member_blocks WHERE member_id = $1 OR other_id = $1",
                &[member.into()],
            )
            .await?;
            tx.execute(
                "UPDATE conversation_members SET state = 'left' \
                 WHERE member_id = $1 AND state IN ('active', 'requested')",
                &[member.into()],
            )
            .await?;
            if remove_contributions {
                tx.execute(
                    "DELETE FROM message_revisions WHERE message_id IN \
                     (SELECT id FROM messages WHERE author_id = $1)",
                    &[member.into()],
                )
                .await?;
                tx.execute(
                    "UPDATE messages SET body_markdown = '', body_html = '', \
                     deleted_at = COALESCE(deleted_at, created_at) WHERE author_id = $1",
                    &[member.into()],
                )
                .await?;
            }
            Ok(())
        })
    },
    header_count: Some(UNREAD_CONVERSATIONS),
};
