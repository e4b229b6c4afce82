//! `CaseStore`: legal complaints, the cases they open, and their append-only steps. Reads,
//! steps and decisions here; filing and confirming a complaint, which opens its case, in
//! `file.rs`.

mod file;

use async_trait::async_trait;

use agora_core::audience::{AudienceRef, ReportScope};
use agora_core::audit::NewAuditEntry;
use agora_core::complaints::{CaseEvent, CaseStatus, LegalCase, NewCase};
use agora_core::items::refs::StoredRef;
use agora_core::store::CaseStore;
use agora_core::time::Timestamp;
use agora_core::{MemberId, StoreError};

use self::file::hide_item;
use crate::SqlStore;
use crate::db::Handle;
use crate::items::{Hiding, set_hidden};
use crate::scope::report_filter;

/// Columns of [`CaseRow`], for `legal_cases c` with its complainant. The item is named by
/// reference; what a moderator sees of it is its kind's.
const CASE_COLUMNS: &str = "c.id, c.reference, c.status, c.kind, c.statement, c.complainant_name, \
    cm.username AS complainant_member, c.item_kind, c.item_id, c.audience_kind, c.audience_id, \
    c.item_author_id, c.created_at, c.decided_at, c.due_at, c.hid_item";

const CASE_FROM: &str = "legal_cases c LEFT JOIN members cm ON cm.id = c.complainant_id";

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: i64,
    reference: String,
    status: String,
    kind: String,
    statement: String,
    complainant_name: String,
    complainant_member: Option<String>,
    item_kind: Option<String>,
    item_id: Option<i64>,
    audience_kind: Option<String>,
    audience_id: Option<i64>,
    item_author_id: Option<i64>,
    created_at: i64,
    decided_at: Option<i64>,
    due_at: Option<i64>,
    hid_item: bool,
}

impl From<CaseRow> for LegalCase {
    fn from(r: CaseRow) -> Self {
        Self {
            id: r.id,
            reference: r.reference,
            status: CaseStatus::parse(&r.status).unwrap_or(CaseStatus::Open),
            kind: r.kind,
            statement: r.statement,
            complainant_name: r.complainant_name,
            complainant_member: r.complainant_member,
            item: match (r.item_kind, r.item_id) {
                (Some(kind), Some(id)) => Some(StoredRef { kind, id }),
                _ => None,
            },
            audience: AudienceRef::stored(r.audience_kind.as_deref(), r.audience_id),
            item_author: r.item_author_id.map(MemberId),
            created_at: Timestamp(r.created_at),
            decided_at: r.decided_at.map(Timestamp),
            due_at: r.due_at.map(Timestamp),
            item_hidden: r.hid_item,
        }
    }
}

#[derive(sqlx::FromRow)]
struct EventRow {
    at: i64,
    actor_name: String,
    action: String,
    note: String,
}

#[derive(sqlx::FromRow)]
struct Email {
    complainant_email: String,
}

async fn event(
    tx: &mut Handle,
    case: i64,
    actor: Option<MemberId>,
    actor_name: &str,
    action: &str,
    note: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO legal_case_events (case_id, at, actor_id, actor_name, action, note) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            case.into(),
            at.0.into(),
            actor.map(|a| a.0).into(),
            actor_name.into(),
            action.into(),
            note.into(),
        ],
    )
    .await?;
    Ok(())
}

async fn load(db: &mut Handle, id: i64) -> Result<Option<LegalCase>, StoreError> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM {CASE_FROM} WHERE c.id = $1");
    Ok(db
        .optional::<CaseRow>(sql, &[id.into()])
        .await?
        .map(LegalCase::from))
}

#[async_trait]
impl CaseStore for SqlStore {
    async fn insert_case(&self, c: &NewCase) -> Result<LegalCase, StoreError> {
        let c = c.clone();
        self.pools
            .write(move |tx| Box::pin(async move { file::insert(tx, &c).await }))
            .await
    }

    async fn confirm_case(
        &self,
        confirm_hash: &str,
        now: Timestamp,
        filed_after: Timestamp,
        due_at: Timestamp,
        hide_kinds: &[String],
    ) -> Result<Option<(LegalCase, String)>, StoreError> {
        let confirm_hash = confirm_hash.to_owned();
        let hide_kinds = hide_kinds.to_vec();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    file::confirm(tx, &confirm_hash, now, filed_after, due_at, &hide_kinds).await
                })
            })
            .await
    }

    async fn cases(&self, scope: &ReportScope, limit: u32) -> Result<Vec<LegalCase>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM {CASE_FROM} WHERE {} \
             ORDER BY CASE c.status WHEN 'open' THEN 0 WHEN 'unconfirmed' THEN 1 ELSE 2 END, \
             CASE WHEN c.status = 'open' THEN c.due_at END, c.id DESC LIMIT $2",
            report_filter(scope, "c", 1)
        );
        let rows = db
            .all::<CaseRow>(
                sql,
                &[scope.viewer().map(|m| m.0).into(), i64::from(limit).into()],
            )
            .await?;
        Ok(rows.into_iter().map(LegalCase::from).collect())
    }

    async fn case(&self, id: i64) -> Result<Option<(LegalCase, Vec<CaseEvent>)>, StoreError> {
        let mut db = self.pools.read().await?;
        let Some(case) = load(&mut db, id).await? else {
            return Ok(None);
        };
        let events = db
            .all::<EventRow>(
                "SELECT at, actor_name, action, note FROM legal_case_events WHERE case_id = $1 ORDER BY id",
                &[id.into()],
            )
            .await?
            .into_iter()
            .map(|e| CaseEvent {
                at: Timestamp(e.at),
                actor: e.actor_name,
                action: e.action,
                note: e.note,
            })
            .collect();
        Ok(Some((case, events)))
    }

    async fn case_email(&self, id: i64) -> Result<Option<String>, StoreError> {
        let mut db = self.pools.read().await?;
        Ok(db
            .optional::<Email>(
                "SELECT complainant_email FROM legal_cases WHERE id = $1",
                &[id.into()],
            )
            .await?
            .map(|e| e.complainant_email))
    }

    async fn add_case_event(
        &self,
        case: i64,
        actor: Option<MemberId>,
        actor_name: &str,
        action: &str,
        note: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let actor_name = actor_name.to_owned();
        let action = action.to_owned();
        let note = note.to_owned();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let actor_name = actor_name.as_str();
                    let action = action.as_str();
                    let note = note.as_str();
                    event(tx, case, actor, actor_name, action, note, at).await?;
                    Ok(())
                })
            })
            .await
    }

    async fn decide_case(
        &self,
        case: i64,
        actor: MemberId,
        actor_name: &str,
        status: CaseStatus,
        reason: &str,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<bool, StoreError> {
        let audit = audit.to_vec();
        let actor_name = actor_name.to_owned();
        let reason = reason.to_owned();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let actor_name = actor_name.as_str();
                    let reason = reason.as_str();
                    let changed = tx
                        .execute(
                            "UPDATE legal_cases SET status = $2, decided_at = $3 WHERE id = $1 AND status = 'open'",
                            &[case.into(), status.as_str().into(), at.0.into()],
                        )
                        .await?;
                    if changed == 0 {
                        return Ok(false);
                    }
                    event(
                        tx,
                        case,
                        Some(actor),
                        actor_name,
                        status.as_str(),
                        reason,
                        at,
                    )
                    .await?;
                    let decided = load(tx, case).await?;
                    match (status, decided.and_then(|c| c.item.map(|i| (i, c.item_hidden)))) {
                        (CaseStatus::Removed, Some((item, false))) => {
                            hide_item(tx, case, &item, Some(actor), at).await?;
                        }
                        // Shown again only what the case hid, never what its author deleted.
                        (CaseStatus::Restored, Some((item, true))) => {
                            let hiding = Hiding {
                                hidden: false,
                                by: Some(actor),
                                at,
                                approved: false,
                            };
                            set_hidden(tx, &item.kind, item.id, hiding).await?;
                        }
                        _ => {}
                    }
                    crate::audit::record(tx, &audit).await?;
                    Ok(true)
                })
            })
            .await
    }
}
