//! The inbox and the search of one member's messages: the reads that take more than one
//! statement or build their SQL.

use agora_core::MemberId;
use agora_core::StoreError;
use agora_core::kinds::messages::{Conversation, InboxBox, InboxEntry, Message};
use agora_core::paging::Cursor;

use super::rows::{
    CONVERSATION_COLUMNS, FoundRow, InboxRow, MESSAGE_COLUMNS, WithRow, contains_pattern,
};
use crate::db::{Arg, Handle, placeholders};

/// One page of `member`'s conversations in `inbox`, latest activity first, with who else is in
/// each.
pub(super) async fn inbox(
    db: &mut Handle,
    member: MemberId,
    inbox: InboxBox,
    after: Option<Cursor>,
    limit: u32,
) -> Result<Vec<InboxEntry>, StoreError> {
    let state = match inbox {
        InboxBox::Inbox => "active",
        InboxBox::Requests => "requested",
    };
    let (key, last) = after.map_or((i64::MAX, i64::MAX), |c| (c.key, c.id));
    let rows = db
            .all::<InboxRow>(
                format!(
                    "SELECT {CONVERSATION_COLUMNS}, cm.last_read FROM conversation_members cm \
                     JOIN conversations c ON c.id = cm.conversation_id \
                     WHERE cm.member_id = $1 AND cm.state = $2 \
                     AND (cm.last_message_at < $3 OR (cm.last_message_at = $3 AND cm.conversation_id < $4)) \
                     ORDER BY cm.last_message_at DESC, cm.conversation_id DESC LIMIT $5"
                ),
                &[
                    member.0.into(),
                    state.into(),
                    key.into(),
                    last.into(),
                    i64::from(limit).into(),
                ],
            )
            .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.conversation.id()).collect();
    let sql = format!(
        "SELECT cm.conversation_id, m.username FROM conversation_members cm \
             JOIN members m ON m.id = cm.member_id \
             WHERE cm.member_id <> $1 AND cm.state IN ('active', 'requested') \
             AND cm.conversation_id IN ({}) ORDER BY cm.joined_at, cm.member_id",
        placeholders(2, ids.len())
    );
    let mut args: Vec<Arg> = vec![member.0.into()];
    args.extend(ids.iter().map(|i| Arg::from(*i)));
    let with = db.all::<WithRow>(sql, &args).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let conversation: Conversation = r.conversation.into();
            InboxEntry {
                with: with
                    .iter()
                    .filter(|w| w.conversation_id == conversation.id.0)
                    .map(|w| w.username.clone())
                    .collect(),
                unread: (conversation.last_seq - r.last_read).max(0),
                conversation,
            }
        })
        .collect())
}

/// Up to `limit` messages holding every one of `terms` that `member` may read, newest first.
pub(super) async fn search(
    db: &mut Handle,
    member: MemberId,
    terms: &[String],
    limit: u32,
) -> Result<Vec<(String, Message)>, StoreError> {
    // A scan of the member's own readable messages: bounded by what one member has, and
    // never of anyone else's conversations.
    let patterns: Vec<String> = terms.iter().take(8).map(|t| contains_pattern(t)).collect();
    if patterns.is_empty() {
        return Ok(Vec::new());
    }
    let words: Vec<String> = (0..patterns.len())
        .map(|i| format!("LOWER(ms.body_markdown) LIKE ${} ESCAPE '\\'", i + 3))
        .collect();
    let sql = format!(
        "SELECT c.subject, {MESSAGE_COLUMNS} FROM conversation_members cm \
             JOIN messages ms ON ms.conversation_id = cm.conversation_id \
             AND ms.seq >= cm.history_from AND ms.deleted_at IS NULL \
             JOIN conversations c ON c.id = cm.conversation_id \
             JOIN members m ON m.id = ms.author_id \
             WHERE cm.member_id = $1 AND cm.state IN ('active', 'requested') AND {} \
             ORDER BY ms.created_at DESC, ms.id DESC LIMIT $2",
        words.join(" AND ")
    );
    let mut args: Vec<Arg> = vec![member.0.into(), i64::from(limit).into()];
    args.extend(patterns.iter().map(|p| Arg::from(p.as_str())));
    Ok(db
        .all::<FoundRow>(sql, &args)
        .await?
        .into_iter()
        .map(|r| (r.subject, r.message.into()))
        .collect())
}
