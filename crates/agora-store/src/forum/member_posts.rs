//! A member's posts, as a viewer is shown them on the member's profile.

use agora_core::audience::AudienceScope;
use agora_core::forum::PostInTopic;
use agora_core::{MemberId, PostId, StoreError};

use crate::db::{Handle, Int};
use crate::rows::{POST_COLUMNS, PostRow};
use crate::scope::{AudienceAt, audience_filter};

/// One page of `member`'s posts, newest first.
pub(super) async fn list(
    db: &mut Handle,
    member: MemberId,
    scope: &AudienceScope,
    before: Option<PostId>,
    limit: u32,
) -> Result<Vec<PostInTopic>, StoreError> {
    let sql = format!(
        "SELECT {POST_COLUMNS}, t.title AS topic_title, t.slug AS topic_slug, \
         g.slug AS group_slug, g.name AS group_name \
         FROM posts p JOIN members a ON a.id = p.author_id JOIN topics t ON t.id = p.topic_id \
         JOIN groups g ON g.id = p.group_id \
         LEFT JOIN posts b ON b.id = $3 \
         WHERE p.author_id = $2 AND {} AND {} \
         AND (b.id IS NULL OR p.created_at < b.created_at OR (p.created_at = b.created_at AND p.id < b.id)) \
         ORDER BY p.created_at DESC, p.id DESC LIMIT $4",
        shown_to(scope, member),
        audience_filter(scope, AudienceAt::Groups, 1)
    );
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        post: PostRow,
        topic_title: String,
        topic_slug: String,
        group_slug: String,
        group_name: String,
    }
    let rows = db
        .all::<Row>(
            sql,
            &[
                scope.participant.map(|m| m.0).into(),
                member.0.into(),
                before.map_or(0, |b| b.0).into(),
                i64::from(limit).into(),
            ],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| PostInTopic {
            post: r.post.into(),
            topic_title: r.topic_title,
            topic_slug: r.topic_slug,
            group_slug: r.group_slug,
            group_name: r.group_name,
        })
        .collect())
}

/// How many of `member`'s posts a viewer is shown.
pub(super) async fn count(
    db: &mut Handle,
    member: MemberId,
    scope: &AudienceScope,
) -> Result<i64, StoreError> {
    let sql = format!(
        "SELECT COUNT(*) FROM posts p JOIN topics t ON t.id = p.topic_id JOIN groups g ON g.id = p.group_id \
         WHERE p.author_id = $2 AND {} AND {}",
        shown_to(scope, member),
        audience_filter(scope, AudienceAt::Groups, 1)
    );
    Ok(db
        .one::<Int>(
            sql,
            &[scope.participant.map(|m| m.0).into(), member.0.into()],
        )
        .await?
        .0)
}

/// Which of `member`'s posts `p` (in topic `t`) a viewer with `scope` is shown: the published
/// ones, and to the member themselves also those waiting for a moderator (held by the system,
/// or hidden by flags: an open report), which they read where they wrote them.
fn shown_to(scope: &AudienceScope, member: MemberId) -> &'static str {
    if scope.participant == Some(member) {
        "((p.deleted = FALSE AND t.deleted = FALSE) OR EXISTS (SELECT 1 FROM reports f \
         WHERE f.item_kind = 'post' AND f.item_id = p.id AND f.resolved_at IS NULL))"
    } else {
        "(p.deleted = FALSE AND t.deleted = FALSE)"
    }
}
