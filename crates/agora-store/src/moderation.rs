//! `ModerationStore`: reports on items of every kind and on members, and the queue moderators
//! work through. A report names its item by reference (`item_kind`, `item_id`) and keeps the
//! item's audience, by which the queue is filtered (`scope::report_filter`); hiding an item
//! and showing it again is its kind's (`items.rs`).

use async_trait::async_trait;

use agora_core::audience::{AudienceRef, ReportScope};
use agora_core::audit::NewAuditEntry;
use agora_core::events::Event;
use agora_core::flags::{MemberQueueItem, NewReport, OpenReports, QueuedCase, Reported};
use agora_core::items::refs::StoredRef;
use agora_core::store::ModerationStore;
use agora_core::time::Timestamp;
use agora_core::{MemberId, StoreError};

use crate::SqlStore;
use crate::db::{Arg, Handle, Int};
use crate::items::{Hiding, set_hidden};
use crate::scope::report_filter;

/// The `WHERE` condition naming one report's subject in a reports table aliased `f`, with its
/// arguments from `$first`; and the key that serialises reports on it.
fn subject<'a>(target: Reported, first: usize) -> (String, Vec<Arg<'a>>, String) {
    match target {
        Reported::Item(r) => (
            format!("f.item_kind = ${first} AND f.item_id = ${}", first + 1),
            vec![Arg::from(r.kind.as_str()), r.id.into()],
            format!("report:{}:{}", r.kind, r.id),
        ),
        Reported::Member(m) => (
            format!("f.member_id = ${first}"),
            vec![m.0.into()],
            format!("report:member:{}", m.0),
        ),
    }
}

#[derive(sqlx::FromRow)]
struct Text {
    value: String,
}

/// The distinct values of `column` among the open reports on one subject (`on`, a condition
/// on `f` with `args`), joined by `sep`.
async fn distinct_open(
    db: &mut Handle,
    on: &str,
    args: &[Arg<'_>],
    column: &'static str,
    sep: &str,
) -> Result<String, StoreError> {
    let sql = format!(
        "SELECT DISTINCT f.{column} AS value FROM reports f \
         WHERE {on} AND f.resolved_at IS NULL AND f.{column} <> '' ORDER BY value"
    );
    let rows = db.all::<Text>(sql, args).await?;
    Ok(rows
        .into_iter()
        .map(|t| t.value)
        .collect::<Vec<_>>()
        .join(sep))
}

#[derive(sqlx::FromRow)]
struct QueueRow {
    item_kind: String,
    item_id: i64,
    audience_kind: Option<String>,
    audience_id: Option<i64>,
    author_id: Option<i64>,
    author_name: Option<String>,
    flags: i64,
    held: i64,
    first_flagged_at: i64,
    case_id: Option<i64>,
    case_reference: Option<String>,
    case_kind: Option<String>,
    case_due_at: Option<i64>,
}

/// The items with open reports or an open legal case (`k`), with their counts and the case
/// that goes first, under `condition` on `k`.
fn open_items(condition: &str) -> String {
    format!(
        "SELECT k.item_kind, k.item_id, k.audience_kind, k.audience_id, \
         k.item_author_id AS author_id, a.username AS author_name, \
         (SELECT COUNT(*) FROM reports f WHERE f.item_kind = k.item_kind AND f.item_id = k.item_id \
           AND f.resolved_at IS NULL AND f.source = 'member') AS flags, \
         (SELECT COUNT(*) FROM reports f WHERE f.item_kind = k.item_kind AND f.item_id = k.item_id \
           AND f.resolved_at IS NULL AND f.source = 'system') AS held, \
         COALESCE((SELECT MIN(f.created_at) FROM reports f WHERE f.item_kind = k.item_kind \
           AND f.item_id = k.item_id AND f.resolved_at IS NULL), lc.created_at) AS first_flagged_at, \
         lc.id AS case_id, lc.reference AS case_reference, lc.kind AS case_kind, lc.due_at AS case_due_at \
         FROM (SELECT item_kind, item_id, audience_kind, audience_id, item_author_id FROM reports \
               WHERE resolved_at IS NULL AND item_kind IS NOT NULL \
               UNION SELECT item_kind, item_id, audience_kind, audience_id, item_author_id FROM legal_cases \
               WHERE status = 'open' AND item_kind IS NOT NULL) k \
         LEFT JOIN members a ON a.id = k.item_author_id \
         LEFT JOIN legal_cases lc ON lc.id = (SELECT c.id FROM legal_cases c \
           WHERE c.item_kind = k.item_kind AND c.item_id = k.item_id AND c.status = 'open' \
           ORDER BY c.due_at, c.id LIMIT 1) \
         WHERE {condition} \
         ORDER BY CASE WHEN lc.id IS NULL THEN 1 ELSE 0 END, lc.due_at, first_flagged_at, \
         k.item_kind, k.item_id"
    )
}

/// A row of [`open_items`] with its reasons and notes.
async fn open_reports_of(db: &mut Handle, r: QueueRow) -> Result<OpenReports, StoreError> {
    let item = StoredRef {
        kind: r.item_kind,
        id: r.item_id,
    };
    let audience = AudienceRef::stored(r.audience_kind.as_deref(), r.audience_id);
    // Read with the kind's word as it is stored: no registered kind is needed.
    let on = "f.item_kind = $1 AND f.item_id = $2";
    let args = [Arg::from(item.kind.as_str()), item.id.into()];
    let reasons = distinct_open(db, on, &args, "reason", ", ").await?;
    let notes = distinct_open(db, on, &args, "note", "; ").await?;
    Ok(OpenReports {
        audience,
        author: r.author_id.map(MemberId),
        author_name: r.author_name.unwrap_or_default(),
        flags: r.flags,
        held: r.held > 0,
        reasons,
        notes,
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
        item,
    })
}

#[derive(sqlx::FromRow)]
struct MemberQueueRow {
    member_id: i64,
    username: String,
    display_name: String,
    flags: i64,
    first_flagged_at: i64,
}

fn resolution(upheld: bool) -> &'static str {
    if upheld { "upheld" } else { "dismissed" }
}

#[async_trait]
impl ModerationStore for SqlStore {
    async fn insert_report(&self, report: &NewReport) -> Result<Option<i64>, StoreError> {
        let r = report.clone();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let (on, args, key) = subject(r.target, 1);
                    // Reports on one item (or member) are counted one at a time, so the
                    // report that reaches the threshold sees every report before it.
                    tx.lock_key(&key).await?;
                    let (kind, id, member, conflict) = match r.target {
                        Reported::Item(i) => (
                            Some(i.kind.as_str()),
                            Some(i.id),
                            None,
                            "item_kind, item_id, by_id",
                        ),
                        Reported::Member(m) => (None, None, Some(m.0), "member_id, by_id"),
                    };
                    // The unique index over open reports decides: on PostgreSQL a second
                    // insert waits for the first's transaction, then inserts nothing.
                    let inserted = tx
                        .optional::<Int>(
                            format!(
                                "INSERT INTO reports (item_kind, item_id, member_id, audience_kind, \
                                 audience_id, item_author_id, by_id, reason, note, created_at) \
                                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                                 ON CONFLICT ({conflict}) WHERE resolved_at IS NULL DO NOTHING \
                                 RETURNING id"
                            ),
                            &[
                                kind.into(),
                                id.into(),
                                member.into(),
                                r.audience.map(|a| a.kind.as_str()).into(),
                                r.audience.map(|a| a.id).into(),
                                r.author.map(|a| a.0).into(),
                                r.by.0.into(),
                                r.reason.as_str().into(),
                                r.note.as_str().into(),
                                r.at.0.into(),
                            ],
                        )
                        .await?;
                    let Some(report) = inserted else {
                        return Ok(None);
                    };
                    let filed = Event::ReportFiled {
                        report: report.0,
                        item: match r.target {
                            Reported::Item(i) => Some(i),
                            Reported::Member(_) => None,
                        },
                        member: match r.target {
                            Reported::Item(_) => r.author.map(|a| a.0),
                            Reported::Member(m) => Some(m.0),
                        },
                        by: r.by.0,
                        audience: r.audience,
                    };
                    crate::events::record(tx, r.at, &[filed]).await?;
                    // Staff count whatever their stored level: they are leaders.
                    let level = args.len() + 1;
                    let mut args = args;
                    args.push(r.min_level.number().into());
                    let agreeing = tx
                        .one::<Int>(
                            format!(
                                "SELECT COUNT(*) FROM reports f JOIN members m ON m.id = f.by_id \
                                 WHERE {on} AND f.resolved_at IS NULL AND f.source = 'member' \
                                 AND m.email_verified_at IS NOT NULL \
                                 AND (m.trust_level >= ${level} OR m.role <> 'member')"
                            ),
                            &args,
                        )
                        .await?
                        .0;
                    Ok(Some(agreeing))
                })
            })
            .await
    }

    async fn hide_flagged(
        &self,
        item: &StoredRef,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<bool, StoreError> {
        let item = item.clone();
        let audit = audit.to_vec();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let hiding = Hiding {
                        hidden: true,
                        by: None,
                        at,
                        approved: false,
                    };
                    let hidden = set_hidden(tx, &item.kind, item.id, hiding).await?;
                    if hidden {
                        crate::audit::record(tx, &audit).await?;
                    }
                    Ok(hidden)
                })
            })
            .await
    }

    async fn report_queue(
        &self,
        scope: &ReportScope,
        limit: u32,
    ) -> Result<Vec<OpenReports>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!("{} LIMIT $2", open_items(&report_filter(scope, "k", 1)));
        let rows = db
            .all::<QueueRow>(
                sql,
                &[scope.viewer().map(|m| m.0).into(), i64::from(limit).into()],
            )
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(open_reports_of(&mut db, r).await?);
        }
        Ok(out)
    }

    async fn open_reports(&self, item: &StoredRef) -> Result<Option<OpenReports>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!(
            "{} LIMIT 1",
            open_items("k.item_kind = $1 AND k.item_id = $2")
        );
        let row = db
            .optional::<QueueRow>(sql, &[item.kind.as_str().into(), item.id.into()])
            .await?;
        match row {
            Some(r) => Ok(Some(open_reports_of(&mut db, r).await?)),
            None => Ok(None),
        }
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
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let (on, mut args, _) = subject(target, 1);
                    // An item the system held and a moderator approves is published now.
                    let held = !upheld
                        && matches!(target, Reported::Item(_))
                        && tx
                            .optional::<Int>(
                                format!(
                                    "SELECT f.id FROM reports f WHERE {on} AND f.resolved_at IS NULL \
                                     AND f.source = 'system' LIMIT 1"
                                ),
                                &args,
                            )
                            .await?
                            .is_some();
                    let n = args.len();
                    args.extend::<[Arg<'_>; 4]>([
                        by.0.into(),
                        at.0.into(),
                        resolution(upheld).into(),
                        reason.as_str().into(),
                    ]);
                    let resolved = tx
                        .execute(
                            format!(
                                "UPDATE reports AS f SET resolved_by = ${}, resolved_at = ${}, \
                                 resolution = ${}, resolution_reason = ${} \
                                 WHERE {on} AND f.resolved_at IS NULL",
                                n + 1,
                                n + 2,
                                n + 3,
                                n + 4,
                            ),
                            &args,
                        )
                        .await?;
                    if resolved > 0 {
                        if let Reported::Item(item) = target {
                            let hiding = Hiding {
                                hidden: upheld,
                                by: Some(by),
                                at,
                                approved: held,
                            };
                            set_hidden(tx, item.kind.as_str(), item.id, hiding).await?;
                        }
                        crate::audit::record(tx, &audit).await?;
                    }
                    Ok(resolved)
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
            let (on, args, _) = subject(Reported::Member(MemberId(r.member_id)), 1);
            let reasons = distinct_open(&mut db, &on, &args, "reason", ", ").await?;
            let notes = distinct_open(&mut db, &on, &args, "note", "; ").await?;
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
