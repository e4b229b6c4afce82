//! The messages kind's changes, each inside the transaction its caller opened.

use agora_core::MemberId;
use agora_core::audience::AudienceRef;
use agora_core::content::uploads::{MediaRecord, Purpose};
use agora_core::StoreError;
use agora_core::kinds::messages::{
    ConversationId, Message, MessageId, NewConversation, NewParticipant,
    ParticipantState,
};
use agora_core::members::blocks::BlockKind;
use agora_core::time::Timestamp;

use super::rows::{MESSAGE_COLUMNS, MessageRow};
use crate::db::{Handle, Int};

/// Messages `from_seq..=to_seq`, oldest first.
pub(super) async fn messages(
    db: &mut Handle,
    id: ConversationId,
    from_seq: i64,
    to_seq: i64,
    limit: u32,
) -> Result<Vec<Message>, StoreError> {
    Ok(db
        .all::<MessageRow>(
            format!(
                "SELECT {MESSAGE_COLUMNS} FROM messages ms JOIN members m ON m.id = ms.author_id \
                 WHERE ms.conversation_id = $1 AND ms.seq >= $2 AND ms.seq <= $3 \
                 ORDER BY ms.seq LIMIT $4"
            ),
            &[
                id.0.into(),
                from_seq.into(),
                to_seq.into(),
                i64::from(limit).into(),
            ],
        )
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// A participant's row, new.
/// A conversation's latest message: when, and its number.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
struct Last {
    last_message_at: i64,
    last_seq: i64,
}

async fn insert_participant(
    tx: &mut Handle,
    id: i64,
    p: &NewParticipant,
    added_by: Option<MemberId>,
    (history_from, last_read): (i64, i64),
    last: Last,
    at: Timestamp,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO conversation_members (conversation_id, member_id, state, added_by, \
         history_from, last_read, last_message_at, joined_at, last_seq) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            id.into(),
            p.member.0.into(),
            p.state.as_str().into(),
            added_by.map(|m| m.0).into(),
            history_from.into(),
            last_read.into(),
            last.last_message_at.into(),
            at.0.into(),
            last.last_seq.into(),
        ],
    )
    .await?;
    Ok(())
}

pub(super) async fn start(
    tx: &mut Handle,
    new: &NewConversation,
) -> Result<(ConversationId, MessageId), StoreError> {
    if let Some((allowed, since)) = new.daily_limit {
        // The starter's row, held to the end of the transaction: another start by the same
        // member waits here and then counts this one (PostgreSQL; SQLite has one writer).
        tx.execute(
            "UPDATE members SET id = id WHERE id = $1",
            &[new.started_by.0.into()],
        )
        .await?;
        let started = tx
            .one::<Int>(
                "SELECT COUNT(*) FROM conversations WHERE started_by = $1 AND created_at >= $2",
                &[new.started_by.0.into(), since.0.into()],
            )
            .await?
            .0;
        if started >= allowed {
            return Err(StoreError::Conflict {
                constraint: "messages_new_per_day".into(),
            });
        }
    }
    let id = tx
        .one::<Int>(
            "INSERT INTO conversations (subject, started_by, moderation, created_at, last_seq, \
             last_message_at) VALUES ($1, $2, $3, $4, 1, $4) RETURNING id",
            &[
                (&new.subject).into(),
                new.started_by.0.into(),
                new.moderation.into(),
                new.at.0.into(),
            ],
        )
        .await?
        .0;
    let starter = NewParticipant {
        member: new.started_by,
        state: ParticipantState::Active,
    };
    // The first message is number 1.
    let last = Last {
        last_message_at: new.at.0,
        last_seq: 1,
    };
    insert_participant(tx, id, &starter, None, (1, 1), last, new.at).await?;
    for p in &new.others {
        insert_participant(tx, id, p, Some(new.started_by), (1, 0), last, new.at).await?;
    }
    let message = tx
        .one::<Int>(
            "INSERT INTO messages (conversation_id, seq, author_id, body_markdown, body_html, \
             created_at) VALUES ($1, 1, $2, $3, $4, $5) RETURNING id",
            &[
                id.into(),
                new.started_by.0.into(),
                (&new.body_markdown).into(),
                (&new.body_html).into(),
                new.at.0.into(),
            ],
        )
        .await?
        .0;
    let event = agora_core::kinds::messages::sent(
        ConversationId(id),
        MessageId(message),
        1,
        new.started_by,
    );
    crate::events::record(tx, new.at, &[event]).await?;
    let copies: Vec<MediaRecord> = new
        .copies
        .iter()
        .map(|name| MediaRecord {
            name: name.clone(),
            purpose: Purpose::Copy,
            owner: None,
            audience: Some(AudienceRef::conversation(id)),
            bytes: 0,
            created_at: new.at,
        })
        .collect();
    crate::media::insert(tx, &copies).await?;
    Ok((ConversationId(id), MessageId(message)))
}

pub(super) async fn send(
    tx: &mut Handle,
    id: ConversationId,
    author: MemberId,
    md: &str,
    html: &str,
    at: Timestamp,
) -> Result<Message, StoreError> {
    // The number moves by one in the statement that takes it: two messages at once get two.
    let seq = tx
        .one::<Int>(
            "UPDATE conversations SET last_seq = last_seq + 1, last_message_at = $2 \
             WHERE id = $1 RETURNING last_seq",
            &[id.0.into(), at.0.into()],
        )
        .await?
        .0;
    let message = tx
        .one::<Int>(
            "INSERT INTO messages (conversation_id, seq, author_id, body_markdown, body_html, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &[
                id.0.into(),
                seq.into(),
                author.0.into(),
                md.into(),
                html.into(),
                at.0.into(),
            ],
        )
        .await?
        .0;
    let event = agora_core::kinds::messages::sent(id, MessageId(message), seq, author);
    crate::events::record(tx, at, &[event]).await?;
    // Every member's row learns the new number (the header's unread count reads it there);
    // two messages at once wrote theirs in the order the conversation's row gave them.
    tx.execute(
        "UPDATE conversation_members SET last_message_at = $2, last_seq = $3 \
         WHERE conversation_id = $1",
        &[id.0.into(), at.0.into(), seq.into()],
    )
    .await?;
    tx.execute(
        "UPDATE conversation_members SET last_read = $3 \
         WHERE conversation_id = $1 AND member_id = $2 AND last_read < $3",
        &[id.0.into(), author.0.into(), seq.into()],
    )
    .await?;
    tx.optional::<MessageRow>(
        format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages ms JOIN members m ON m.id = ms.author_id \
             WHERE ms.id = $1"
        ),
        &[message.into()],
    )
    .await?
    .map(Into::into)
    .ok_or(StoreError::NotFound)
}

pub(super) async fn edit(
    tx: &mut Handle,
    id: MessageId,
    md: &str,
    html: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO message_revisions (message_id, body_markdown, replaced_at) \
         SELECT id, body_markdown, $2 FROM messages WHERE id = $1",
        &[id.0.into(), at.0.into()],
    )
    .await?;
    tx.execute(
        "UPDATE messages SET body_markdown = $2, body_html = $3, edited_at = $4 WHERE id = $1",
        &[id.0.into(), md.into(), html.into(), at.0.into()],
    )
    .await?;
    Ok(())
}

pub(super) async fn set_state(
    tx: &mut Handle,
    id: ConversationId,
    member: MemberId,
    state: ParticipantState,
    at: Timestamp,
) -> Result<(), StoreError> {
    let gone = matches!(state, ParticipantState::Left | ParticipantState::Declined);
    tx.execute(
        "UPDATE conversation_members SET state = $3, left_at = $4 \
         WHERE conversation_id = $1 AND member_id = $2",
        &[
            id.0.into(),
            member.0.into(),
            state.as_str().into(),
            gone.then_some(at.0).into(),
        ],
    )
    .await?;
    Ok(())
}

pub(super) async fn add(
    tx: &mut Handle,
    id: ConversationId,
    added_by: MemberId,
    members: &[NewParticipant],
    history_from: i64,
    max: i64,
    at: Timestamp,
) -> Result<(), StoreError> {
    // One change of a conversation's members at a time: the count below is of what the others
    // committed.
    tx.lock_key(&format!("conversation:{}", id.0)).await?;
    // The conversation's row, held: a message sent meanwhile waits, then numbers the rows
    // added here too.
    let last = tx
        .one::<Last>(
            "UPDATE conversations SET id = id WHERE id = $1 RETURNING last_message_at, last_seq",
            &[id.0.into()],
        )
        .await?;
    for p in members {
        let reused = tx
            .execute(
                "UPDATE conversation_members SET state = $3, added_by = $4, history_from = $5, \
                 last_read = $5 - 1, left_at = NULL, last_message_at = $6, last_seq = $7 \
                 WHERE conversation_id = $1 AND member_id = $2 AND state IN ('left', 'declined')",
                &[
                    id.0.into(),
                    p.member.0.into(),
                    p.state.as_str().into(),
                    added_by.0.into(),
                    history_from.into(),
                    last.last_message_at.into(),
                    last.last_seq.into(),
                ],
            )
            .await?;
        let present = tx
            .optional::<Int>(
                "SELECT member_id FROM conversation_members \
                 WHERE conversation_id = $1 AND member_id = $2",
                &[id.0.into(), p.member.0.into()],
            )
            .await?
            .is_some();
        if reused == 0 && !present {
            let marks = (history_from, history_from - 1);
            insert_participant(tx, id.0, p, Some(added_by), marks, last, at).await?;
        }
    }
    let taking_part = tx
        .one::<Int>(
            "SELECT COUNT(*) FROM conversation_members \
             WHERE conversation_id = $1 AND state IN ('active', 'requested')",
            &[id.0.into()],
        )
        .await?
        .0;
    if taking_part > max {
        return Err(StoreError::Conflict {
            constraint: "messages_max_participants".into(),
        });
    }
    Ok(())
}

pub(super) async fn set_block(
    tx: &mut Handle,
    member: MemberId,
    other: MemberId,
    kind: BlockKind,
    on: bool,
    at: Timestamp,
) -> Result<(), StoreError> {
    if !on {
        tx.execute(
            "DELETE FROM member_blocks WHERE member_id = $1 AND other_id = $2 AND kind = $3",
            &[member.0.into(), other.0.into(), kind.as_str().into()],
        )
        .await?;
        return Ok(());
    }
    tx.execute(
        "INSERT INTO member_blocks (member_id, other_id, kind, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (member_id, other_id, kind) DO NOTHING",
        &[
            member.0.into(),
            other.0.into(),
            kind.as_str().into(),
            at.0.into(),
        ],
    )
    .await?;
    if kind == BlockKind::Block {
        // The conversations the blocked member takes part in leave the blocker's inbox (a
        // moderation message stays).
        tx.execute(
            "UPDATE conversation_members SET state = 'left', left_at = $3 \
             WHERE member_id = $1 AND state IN ('active', 'requested') \
             AND conversation_id IN (SELECT o.conversation_id FROM conversation_members o \
               WHERE o.member_id = $2 AND o.state IN ('active', 'requested')) \
             AND conversation_id NOT IN (SELECT c.id FROM conversations c WHERE c.moderation)",
            &[member.0.into(), other.0.into(), at.0.into()],
        )
        .await?;
    }
    Ok(())
}
