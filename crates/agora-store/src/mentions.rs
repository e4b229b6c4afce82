//! `MentionStore`, and who each post mentioned (`post_mentions`): the rows are written in the
//! post's transaction, and a `MemberMentioned` event is recorded for each mentioned member
//! when the post is published, once per post and member.

use async_trait::async_trait;

use agora_core::events::Event;
use agora_core::forum::mentions::{MentionStore, MentionTarget, reads};
use agora_core::groups::policy::Relation;
use agora_core::groups::{GroupRole, Visibility};
use agora_core::time::Timestamp;
use agora_core::viewer::SiteRole;
use agora_core::{GroupId, MemberId, PostId, StoreError};

use crate::SqlStore;
use crate::db::{Arg, Handle, value_rows};

#[derive(sqlx::FromRow)]
struct TargetRow {
    id: i64,
    username: String,
    site_role: String,
    group_role: Option<String>,
}

/// A member's relation to a group from their membership's role, if any (see
/// `MentionTarget::relation`).
fn relation(group_role: Option<&str>) -> Relation {
    group_role
        .and_then(GroupRole::parse)
        .map_or(Relation::Stranger, Relation::Member)
}

#[async_trait]
impl MentionStore for SqlStore {
    async fn mention_targets(
        &self,
        group: GroupId,
        names: &[String],
    ) -> Result<Vec<MentionTarget>, StoreError> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let mut db = self.pools.read().await?;
        let placeholders: Vec<String> = (0..names.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT m.id, m.username, m.role AS site_role, gm.role AS group_role FROM members m \
             LEFT JOIN group_members gm ON gm.group_id = $1 AND gm.member_id = m.id \
             WHERE m.username_key IN ({}) ORDER BY m.id",
            placeholders.join(", ")
        );
        let mut args: Vec<Arg<'_>> = Vec::with_capacity(names.len() + 1);
        args.push(group.0.into());
        args.extend(names.iter().map(Arg::from));
        let rows = db.all::<TargetRow>(sql, &args).await?;
        Ok(rows
            .into_iter()
            .map(|r| MentionTarget {
                id: MemberId(r.id),
                relation: relation(r.group_role.as_deref()),
                role: SiteRole::parse(&r.site_role).unwrap_or(SiteRole::Member),
                username: r.username,
            })
            .collect())
    }
}

/// Inside a post's transaction: remembers that `post`, in the version `by` wrote, mentions
/// `members` (a member it mentioned before stays as they were: told, or waiting), and if the
/// post is `published`, tells those waiting.
pub(crate) async fn remember(
    tx: &mut Handle,
    post: PostId,
    by: MemberId,
    members: &[MemberId],
    at: Timestamp,
    published: bool,
) -> Result<(), StoreError> {
    if members.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO post_mentions (post_id, member_id, by_id, mentioned_at) VALUES {} \
         ON CONFLICT (post_id, member_id) DO NOTHING",
        value_rows(members.len(), 4)
    );
    let mut args: Vec<Arg<'_>> = Vec::with_capacity(members.len() * 4);
    for member in members {
        args.extend([post.0, member.0, by.0, at.0].map(Arg::from));
    }
    tx.execute(sql, &args).await?;
    if published {
        tell(tx, post, at).await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Waiting {
    member_id: i64,
    by_id: Option<i64>,
    site_role: String,
    group_role: Option<String>,
    visibility: String,
    topic_id: i64,
    group_id: i64,
}

/// Inside the transaction that publishes `post` (written, approved or restored): records a
/// `MemberMentioned` for each member it mentioned who was not told yet and may read it now
/// (the group policy asked again: they may have left a closed group while the post waited
/// for approval), unless they ignore or block its writer, and marks every waiting mention as
/// dealt with.
pub(crate) async fn tell(tx: &mut Handle, post: PostId, at: Timestamp) -> Result<(), StoreError> {
    let waiting = tx
        .all::<Waiting>(
            "SELECT pm.member_id, pm.by_id, m.role AS site_role, gm.role AS group_role, \
             g.visibility, p.topic_id, p.group_id FROM post_mentions pm \
             JOIN posts p ON p.id = pm.post_id JOIN groups g ON g.id = p.group_id \
             JOIN members m ON m.id = pm.member_id \
             LEFT JOIN group_members gm ON gm.group_id = p.group_id AND gm.member_id = pm.member_id \
             WHERE pm.post_id = $1 AND pm.told_at IS NULL AND g.deleted_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM member_blocks b \
               WHERE b.member_id = pm.member_id AND b.other_id = pm.by_id) \
             ORDER BY pm.member_id",
            &[post.0.into()],
        )
        .await?;
    if waiting.is_empty() {
        return Ok(());
    }
    tx.execute(
        "UPDATE post_mentions SET told_at = $2 WHERE post_id = $1 AND told_at IS NULL",
        &[post.0.into(), at.0.into()],
    )
    .await?;
    let events: Vec<Event> = waiting
        .into_iter()
        .filter(|w| {
            let role = SiteRole::parse(&w.site_role).unwrap_or(SiteRole::Member);
            // The CHECK constraint admits only the three kinds; anything else reads as secret.
            let visibility = Visibility::parse(&w.visibility).unwrap_or(Visibility::Secret);
            reads(
                MemberId(w.member_id),
                role,
                visibility,
                relation(w.group_role.as_deref()),
            )
        })
        .map(|w| Event::MemberMentioned {
            member: w.member_id,
            by: w.by_id.unwrap_or_default(),
            topic: w.topic_id,
            post: post.0,
            group: w.group_id,
        })
        .collect();
    crate::events::record(tx, at, &events).await
}
