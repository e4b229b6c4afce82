//! A post's edit, which keeps the text it replaces as a revision, and the revisions' list.

use agora_core::audit::NewAuditEntry;
use agora_core::events::Event;
use agora_core::forum::{Author, PostEdit, Revision};
use agora_core::time::Timestamp;
use agora_core::{MemberId, PostId, StoreError};

use super::deletion::PostState;
use super::topics::write_tags;
use crate::db::{Handle, LockTable};
use crate::forum_items::hold_in;
use crate::mentions::remember;
use crate::search::index_post;

#[derive(sqlx::FromRow)]
struct RevisionRow {
    number: i64,
    title: Option<String>,
    body_markdown: String,
    editor_id: Option<i64>,
    editor_username: Option<String>,
    editor_display_name: Option<String>,
    replaced_at: i64,
}

#[derive(sqlx::FromRow)]
struct TitleRow {
    title: String,
}

/// Edits a post, inside the caller's transaction.
pub(super) async fn apply(
    tx: &mut Handle,
    e: &PostEdit,
    audit: &[NewAuditEntry],
) -> Result<(), StoreError> {
    // Two edits at once: the second waits, then keeps the first's text as the
    // revision it replaces, under the next number.
    tx.lock_row(LockTable::Posts, e.post_id.0).await?;
    let current = tx
        .one::<PostState>(
            "SELECT topic_id, group_id, author_id, number, deleted, body_markdown, revision_count \
FROM posts WHERE id = $1",
            &[e.post_id.0.into()],
        )
        .await?;
    let old_title = if current.number == 1 {
        Some(
            tx.one::<TitleRow>(
                "SELECT title FROM topics WHERE id = $1",
                &[current.topic_id.into()],
            )
            .await?
            .title,
        )
    } else {
        None
    };
    tx.execute(
        "INSERT INTO post_revisions (post_id, number, title, body_markdown, editor_id, replaced_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            e.post_id.0.into(),
            (current.revision_count + 1).into(),
            old_title.as_deref().into(),
            (&current.body_markdown).into(),
            e.editor.0.into(),
            e.at.0.into(),
        ],
    )
    .await?;
    tx.execute(
        "UPDATE posts SET body_markdown = $2, body_html = $3, edited_at = $4, \
         revision_count = revision_count + 1 WHERE id = $1",
        &[
            e.post_id.0.into(),
            (&e.body_markdown).into(),
            (&e.body_html).into(),
            e.at.0.into(),
        ],
    )
    .await?;
    let mut title = old_title.unwrap_or_default();
    if let Some((new_title, slug)) = &e.title {
        tx.execute(
            "UPDATE topics SET title = $2, slug = $3 WHERE id = $1",
            &[current.topic_id.into(), new_title.into(), slug.into()],
        )
        .await?;
        title = new_title.clone();
    }
    if let Some(tags) = &e.tags {
        tx.execute(
            "UPDATE topics SET tags = $2 WHERE id = $1",
            &[current.topic_id.into(), (&tags.join(" ")).into()],
        )
        .await?;
        write_tags(tx, current.topic_id, tags).await?;
    }
    index_post(tx, e.post_id.0, &title, &e.body_text).await?;
    match &e.hold {
        Some(hold) => hold_in(tx, e.post_id, e.editor, hold, e.at, !current.deleted).await?,
        // A hidden post's edit shows nobody anything new.
        None if !current.deleted => {
            let edited = Event::ItemEdited {
                topic: current.topic_id,
                post: e.post_id.0,
                group: current.group_id,
                author: current.author_id,
                by: e.editor.0,
            };
            crate::events::record(tx, e.at, &[edited]).await?;
        }
        None => {}
    }
    // Those it mentioned before are not told again; a hidden post tells the
    // others when it is given back.
    let published = e.hold.is_none() && !current.deleted;
    remember(tx, e.post_id, e.editor, &e.mentions, e.at, published).await?;
    crate::audit::record(tx, audit).await?;
    Ok(())
}

/// The earlier versions of `post`, oldest first.
pub(super) async fn revisions(db: &mut Handle, post: PostId) -> Result<Vec<Revision>, StoreError> {
    let rows = db
        .all::<RevisionRow>(
            "SELECT r.number, r.title, r.body_markdown, r.editor_id, m.username AS editor_username, \
             m.display_name AS editor_display_name, r.replaced_at FROM post_revisions r \
             LEFT JOIN members m ON m.id = r.editor_id WHERE r.post_id = $1 ORDER BY r.number",
            &[post.0.into()],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Revision {
            number: r.number,
            title: r.title,
            body_markdown: r.body_markdown,
            editor: Author {
                id: MemberId(r.editor_id.unwrap_or_default()),
                username: r.editor_username.unwrap_or_default(),
                display_name: r.editor_display_name.unwrap_or_default(),
            },
            replaced_at: Timestamp(r.replaced_at),
            redacted: false,
            withheld: false,
        })
        .collect())
}
