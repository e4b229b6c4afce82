//! A topic's creation with its opening post, its pins and locks, and its tags.

use agora_core::audit::NewAuditEntry;
use agora_core::events::Event;
use agora_core::forum::{NewTopic, TopicFlags};
use agora_core::time::Timestamp;
use agora_core::{PostId, StoreError, TopicId};

use crate::db::{Handle, Int};
use crate::forum_items::hold_in;
use crate::mentions::remember;
use crate::search::index_post;

/// Inserts a topic with its opening post, inside the caller's transaction.
pub(super) async fn insert(tx: &mut Handle, t: &NewTopic) -> Result<(TopicId, PostId), StoreError> {
    let tags = t.tags.join(" ");
    let topic = tx
        .one::<Int>(
            "INSERT INTO topics (group_id, kind, title, slug, author_id, tags, post_count, reply_count, created_at, last_activity_at, status) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, 0, $7, $7, $8) RETURNING id",
            &[
                t.group_id.0.into(),
                t.kind.as_str().into(),
                (&t.title).into(),
                (&t.slug).into(),
                t.author.0.into(),
                (&tags).into(),
                t.at.0.into(),
                (&t.status).into(),
            ],
        )
        .await?
        .0;
    let post = tx
        .one::<Int>(
            "INSERT INTO posts (topic_id, group_id, number, author_id, body_markdown, body_html, created_at) \
             VALUES ($1, $2, 1, $3, $4, $5, $6) RETURNING id",
            &[
                topic.into(),
                t.group_id.0.into(),
                t.author.0.into(),
                (&t.body_markdown).into(),
                (&t.body_html).into(),
                t.at.0.into(),
            ],
        )
        .await?
        .0;
    write_tags(tx, topic, &t.tags).await?;
    index_post(tx, post, &t.title, &t.body_text).await?;
    tx.execute(
        "UPDATE groups SET topic_count = topic_count + 1, last_activity_at = $2 WHERE id = $1",
        &[t.group_id.0.into(), t.at.0.into()],
    )
    .await?;
    match &t.hold {
        Some(hold) => hold_in(tx, PostId(post), t.author, hold, t.at, false).await?,
        None => {
            let published = Event::ItemPublished {
                topic,
                post,
                group: t.group_id.0,
                author: t.author.0,
            };
            crate::events::record(tx, t.at, &[published]).await?;
        }
    }
    let published = t.hold.is_none();
    remember(tx, PostId(post), t.author, &t.mentions, t.at, published).await?;
    Ok((TopicId(topic), PostId(post)))
}

/// Pins, unpins, locks or unlocks a topic, inside the caller's transaction.
pub(super) async fn set_flags(
    tx: &mut Handle,
    id: TopicId,
    flags: TopicFlags,
    at: Timestamp,
    audit: &[NewAuditEntry],
) -> Result<(), StoreError> {
    if let Some(p) = flags.pinned {
        tx.execute(
            "UPDATE topics SET pinned = $2 WHERE id = $1",
            &[id.0.into(), p.into()],
        )
        .await?;
    }
    if let Some(l) = flags.locked {
        tx.execute(
            "UPDATE topics SET locked = $2 WHERE id = $1",
            &[id.0.into(), l.into()],
        )
        .await?;
    }
    let group = tx
        .one::<Int>("SELECT group_id FROM topics WHERE id = $1", &[id.0.into()])
        .await?
        .0;
    let changed = Event::TopicChanged {
        topic: id.0,
        group,
        by: crate::events::actor(audit),
    };
    crate::events::record(tx, at, &[changed]).await?;
    crate::audit::record(tx, audit).await?;
    Ok(())
}

pub(super) async fn write_tags(
    tx: &mut Handle,
    topic: i64,
    tags: &[String],
) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM topic_tags WHERE topic_id = $1",
        &[topic.into()],
    )
    .await?;
    for tag in tags {
        tx.execute(
            "INSERT INTO topic_tags (topic_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[topic.into(), tag.into()],
        )
        .await?;
    }
    Ok(())
}
