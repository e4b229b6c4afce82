//! Posts as items in the store: how the system holds a post for review (a report by the
//! system on the post's reference), and how reports and legal cases hide a post and show it
//! again.

use agora_core::events::Event;
use agora_core::forum::Hold;
use agora_core::time::Timestamp;
use agora_core::{MemberId, PostId, StoreError};

use crate::db::{Handle, Work};
use crate::forum::mark_deleted;
use crate::items::{Hiding, ItemData};

/// The forum's entry in the list of kinds of items.
pub(crate) const DATA: ItemData = ItemData {
    kind: "post",
    set_hidden,
    reacted: Some(
        "UPDATE topics SET reaction_count = reaction_count + $2 \
         WHERE id = (SELECT p.topic_id FROM posts p WHERE p.id = $1)",
    ),
};

#[derive(sqlx::FromRow)]
struct PublishedRow {
    topic_id: i64,
    group_id: i64,
    author_id: i64,
}

fn set_hidden(tx: &mut Handle, id: i64, h: Hiding) -> Work<'_, bool> {
    Box::pin(async move {
        // A post the system held and a moderator approves is published now: the worker hears
        // of a new post, not of a restored one.
        let published = if h.approved && !h.hidden {
            tx.optional::<PublishedRow>(
                "SELECT topic_id, group_id, author_id FROM posts WHERE id = $1",
                &[id.into()],
            )
            .await?
            .map(|r| Event::ItemPublished {
                topic: r.topic_id,
                post: id,
                group: r.group_id,
                author: r.author_id,
            })
        } else {
            None
        };
        let changed = mark_deleted(tx, PostId(id), h.hidden, h.by, h.at, h.approved).await?;
        if let Some(published) = published {
            crate::events::record(tx, h.at, &[published]).await?;
        }
        Ok(changed)
    })
}

/// Hides a post the system held and queues it for the moderators of its group, inside the
/// transaction that wrote it; `was_published` if its audience saw it before (an edit held for
/// review), so that its hiding is recorded.
pub(crate) async fn hold_in(
    tx: &mut Handle,
    post: PostId,
    author: MemberId,
    hold: &Hold,
    at: Timestamp,
    was_published: bool,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO reports (item_kind, item_id, audience_kind, audience_id, item_author_id, \
         by_id, reason, note, created_at, source) \
         SELECT 'post', p.id, 'group', p.group_id, p.author_id, $2, $3, $4, $5, 'system' \
         FROM posts p WHERE p.id = $1 \
         ON CONFLICT (item_kind, item_id, by_id) WHERE resolved_at IS NULL DO NOTHING",
        &[
            post.0.into(),
            author.0.into(),
            hold.reason.into(),
            (&hold.note).into(),
            at.0.into(),
        ],
    )
    .await?;
    // The audit log's record of the hold, in the same transaction as the post it holds.
    let target = format!("post:{}", post.0);
    tx.execute(
        "INSERT INTO audit_log (at, actor_id, actor_name, action, target, group_id, detail, \
         target_kind, target_id) \
         SELECT $1, m.id, m.username, 'post.held', $2, NULL, $3, 'post', $5 FROM members m WHERE m.id = $4",
        &[
            at.0.into(),
            (&target).into(),
            (&hold.note).into(),
            author.0.into(),
            post.0.into(),
        ],
    )
    .await?;
    mark_deleted(tx, post, true, Some(author), at, !was_published).await?;
    Ok(())
}
