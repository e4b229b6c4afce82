//! `ModerationStore`: flags on posts and members, posts held by the system, and the queue
//! moderators work through.

use async_trait::async_trait;

use agora_core::audit::NewAuditEntry;
use agora_core::events::Event;
use agora_core::flags::{MemberQueueItem, QueueItem, QueuedCase, Reported};
use agora_core::forum::Hold;
use agora_core::groups::policy::Scope;
use agora_core::items::ItemState;
use agora_core::store::ModerationStore;
use agora_core::time::Timestamp;
use agora_core::trust::TrustLevel;
use agora_core::{MemberId, PostId, StoreError, TopicId};

use crate::SqlStore;
use crate::db::{Handle, Int, LockTable};
use crate::forum::mark_deleted;
use crate::scope::group_filter;

/// Hides a post the system held and queues it for the moderators, inside the transaction
/// that wrote it; `was_published` if its audience saw it before (an edit held for review), so
/// that its hiding is recorded.
pub(crate) async fn hold_in(
    tx: &mut Handle,
    post: PostId,
    author: MemberId,
    hold: &Hold,
    at: Timestamp,
    was_published: bool,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO reports (post_id, by_id, reason, note, created_at, source) \
         VALUES ($1, $2, $3, $4, $5, 'system') \
         ON CONFLICT (post_id, by_id) WHERE resolved_at IS NULL DO NOTHING",
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

#[derive(sqlx::FromRow)]
struct Text {
    value: String,
}

/// The distinct values of `column` among the open reports on one post or member (`key`),
/// joined by `sep`.
async fn distinct_open(
    db: &mut Handle,
    key: &'static str,
    column: &'static str,
    id: i64,
    sep: &str,
) -> Result<String, StoreError> {
    let sql = format!(
        "SELECT DISTINCT {column} AS value FROM reports \
         WHERE {key} = $1 AND resolved_at IS NULL AND {column} <> '' ORDER BY value"
    );
    let rows = db.all::<Text>(sql, &[id.into()]).await?;
    Ok(rows
        .into_iter()
        .map(|t| t.value)
        .collect::<Vec<_>>()
        .join(sep))
}

#[derive(sqlx::FromRow)]
struct QueueRow {
    post_id: i64,
    topic_id: i64,
    topic_title: String,
    group_slug: String,
    author: String,
    excerpt: String,
    hidden: bool,
    flags: i64,
    held: i64,
    first_flagged_at: i64,
    case_id: Option<i64>,
    case_reference: Option<String>,
    case_kind: Option<String>,
    case_due_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct PublishedRow {
    topic_id: i64,
    group_id: i64,
    author_id: i64,
}

#[derive(sqlx::FromRow)]
struct MemberQueueRow {
    member_id: i64,
    username: String,
    display_name: String,
    flags: i64,
    first_flagged_at: i64,
}

/// The column a report on `target` names it in, and its id.
fn about(target: Reported) -> (&'static str, i64) {
    match target {
        Reported::Post(p) => ("post_id", p.0),
        Reported::Member(m) => ("member_id", m.0),
    }
}

fn resolution(upheld: bool) -> &'static str {
    if upheld { "upheld" } else { "dismissed" }
}

#[async_trait]
impl ModerationStore for SqlStore {
    async fn insert_report(
        &self,
        target: Reported,
        by: MemberId,
        reason: &str,
        note: &str,
        min_level: TrustLevel,
        at: Timestamp,
    ) -> Result<Option<i64>, StoreError> {
        let reason = reason.to_owned();
        let note = note.to_owned();
        let (column, id) = about(target);
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let reason = reason.as_str();
                    let note = note.as_str();
                    // Reports on one post (or member) are counted one at a time, so the
                    // report that reaches the threshold sees every report before it.
                    let table = match target {
                        Reported::Post(_) => LockTable::Posts,
                        Reported::Member(_) => LockTable::Members,
                    };
                    tx.lock_row(table, id).await?;
                    // The unique index over open reports decides: on PostgreSQL a second
                    // insert waits for the first's transaction, then inserts nothing.
                    let inserted = tx
                        .execute(
                            format!(
                                "INSERT INTO reports ({column}, by_id, reason, note, created_at) VALUES ($1, $2, $3, $4, $5) \
                                 ON CONFLICT ({column}, by_id) WHERE resolved_at IS NULL DO NOTHING"
                            ),
                            &[id.into(), by.0.into(), reason.into(), note.into(), at.0.into()],
                        )
                        .await?;
                    if inserted == 0 {
                        return Ok(None);
                    }
                    // Staff count whatever their stored level: they are leaders.
                    let agreeing = tx
                        .one::<Int>(
                            format!(
                                "SELECT COUNT(*) FROM reports f JOIN members m ON m.id = f.by_id \
                                 WHERE f.{column} = $1 AND f.resolved_at IS NULL AND f.source = 'member' \
                                 AND m.email_verified_at IS NOT NULL AND (m.trust_level >= $2 OR m.role <> 'member')"
                            ),
                            &[id.into(), min_level.number().into()],
                        )
                        .await?
                        .0;
                    Ok(Some(agreeing))
                })
            })
            .await
    }

    async fn flag_queue(&self, scope: &Scope, limit: u32) -> Result<Vec<QueueItem>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!(
            "SELECT p.id AS post_id, t.id AS topic_id, t.title AS topic_title, g.slug AS group_slug, \
             a.username AS author, p.body_markdown AS excerpt, p.deleted AS hidden, \
             (SELECT COUNT(*) FROM reports f WHERE f.post_id = p.id AND f.resolved_at IS NULL AND f.source = 'member') AS flags, \
             (SELECT COUNT(*) FROM reports f WHERE f.post_id = p.id AND f.resolved_at IS NULL AND f.source = 'system') AS held, \
             COALESCE((SELECT MIN(f.created_at) FROM reports f WHERE f.post_id = p.id AND f.resolved_at IS NULL), \
               lc.created_at) AS first_flagged_at, \
             lc.id AS case_id, lc.reference AS case_reference, lc.kind AS case_kind, lc.due_at AS case_due_at \
             FROM posts p JOIN topics t ON t.id = p.topic_id JOIN groups g ON g.id = p.group_id \
             JOIN members a ON a.id = p.author_id \
             LEFT JOIN legal_cases lc ON lc.id = (SELECT c.id FROM legal_cases c \
               WHERE c.post_id = p.id AND c.status = 'open' ORDER BY c.due_at, c.id LIMIT 1) \
             WHERE (p.id IN (SELECT f.post_id FROM reports f WHERE f.resolved_at IS NULL) \
               OR p.id IN (SELECT c.post_id FROM legal_cases c WHERE c.status = 'open')) AND {} \
             ORDER BY CASE WHEN lc.id IS NULL THEN 1 ELSE 0 END, lc.due_at, first_flagged_at LIMIT $2",
            group_filter(scope, 1)
        );
        let rows = db
            .all::<QueueRow>(
                sql,
                &[scope.member.map(|m| m.0).into(), i64::from(limit).into()],
            )
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let reasons = distinct_open(&mut db, "post_id", "reason", r.post_id, ", ");
            let reasons = reasons.await?;
            let notes = distinct_open(&mut db, "post_id", "note", r.post_id, "; ");
            let notes = notes.await?;
            out.push(QueueItem {
                post_id: PostId(r.post_id),
                topic_id: TopicId(r.topic_id),
                topic_title: r.topic_title,
                group_slug: r.group_slug,
                author: r.author,
                excerpt: r.excerpt.chars().take(300).collect(),
                flags: r.flags,
                reasons,
                notes,
                hidden: r.hidden,
                state: match (r.hidden, r.held > 0, r.flags > 0) {
                    (false, _, _) => ItemState::Published,
                    (true, true, _) => ItemState::Held,
                    (true, false, true) => ItemState::Hidden,
                    (true, false, false) => ItemState::Deleted,
                },
                held: r.held > 0,
                first_flagged_at: Timestamp(r.first_flagged_at),
                legal_case: match (r.case_id, r.case_reference, r.case_kind, r.case_due_at) {
                    (Some(id), Some(reference), Some(kind), Some(due_at)) => Some(QueuedCase {
                        id,
                        reference,
                        kind,
                        due_at: Timestamp(due_at),
                    }),
                    _ => None,
                },
            });
        }
        Ok(out)
    }

    async fn resolve_reports(
        &self,
        target: Reported,
        by: MemberId,
        upheld: bool,
        reason: &str,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<u64, StoreError> {
        let audit = audit.to_vec();
        let reason = reason.to_owned();
        let (column, id) = about(target);
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let reason = reason.as_str();
                    // A post the system held and a moderator approves is published now.
                    let approved = match target {
                        Reported::Post(post) if !upheld => tx
                            .optional::<PublishedRow>(
                                "SELECT p.topic_id, p.group_id, p.author_id FROM posts p \
                                 WHERE p.id = $1 AND EXISTS (SELECT 1 FROM reports f WHERE f.post_id = p.id \
                                 AND f.resolved_at IS NULL AND f.source = 'system')",
                                &[post.0.into()],
                            )
                            .await?
                            .map(|r| Event::ItemPublished {
                                topic: r.topic_id,
                                post: post.0,
                                group: r.group_id,
                                author: r.author_id,
                            }),
                        _ => None,
                    };
                    let n = tx
                        .execute(
                            format!(
                                "UPDATE reports SET resolved_at = $3, resolved_by = $2, resolution = $4, \
                                 resolution_reason = $5 WHERE {column} = $1 AND resolved_at IS NULL"
                            ),
                            &[
                                id.into(),
                                by.0.into(),
                                at.0.into(),
                                resolution(upheld).into(),
                                reason.into(),
                            ],
                        )
                        .await?;
                    if n > 0 {
                        if let Reported::Post(post) = target {
                            mark_deleted(tx, post, upheld, Some(by), at, approved.is_some()).await?;
                        }
                        crate::audit::record(tx, &audit).await?;
                        if let Some(published) = approved {
                            crate::events::record(tx, at, &[published]).await?;
                        }
                    }
                    Ok(n)
                })
            })
            .await
    }

    async fn member_flag_queue(&self, limit: u32) -> Result<Vec<MemberQueueItem>, StoreError> {
        let mut db = self.pools.read().await?;
        let rows = db
            .all::<MemberQueueRow>(
                "SELECT m.id AS member_id, m.username, m.display_name, COUNT(*) AS flags, \
                 MIN(f.created_at) AS first_flagged_at \
                 FROM reports f JOIN members m ON m.id = f.member_id \
                 WHERE f.resolved_at IS NULL GROUP BY m.id, m.username, m.display_name \
                 ORDER BY first_flagged_at LIMIT $1",
                &[i64::from(limit).into()],
            )
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let reasons = distinct_open(&mut db, "member_id", "reason", r.member_id, ", ");
            let reasons = reasons.await?;
            let notes = distinct_open(&mut db, "member_id", "note", r.member_id, "; ");
            let notes = notes.await?;
            out.push(MemberQueueItem {
                username: r.username,
                display_name: r.display_name,
                flags: r.flags,
                reasons,
                notes,
                first_flagged_at: Timestamp(r.first_flagged_at),
            });
        }
        Ok(out)
    }
}
