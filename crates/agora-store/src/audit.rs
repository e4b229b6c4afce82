//! `AuditStore`: the append-only audit log.

use async_trait::async_trait;

use agora_core::StoreError;
use agora_core::audit::{AuditEntry, NewAuditEntry};
use agora_core::store::AuditStore;
use agora_core::time::Timestamp;

use crate::SqlStore;
use crate::db::Handle;
use crate::scope::group_filter;
use agora_core::groups::policy::Scope;

/// Writes audit entries inside the caller's transaction: the record of an action commits
/// with the action, or neither does.
pub(crate) async fn record(tx: &mut Handle, entries: &[NewAuditEntry]) -> Result<(), StoreError> {
    for e in entries {
        tx.execute(
            "INSERT INTO audit_log (at, actor_id, actor_name, action, target, group_id, detail, \
             target_kind, target_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                e.at.0.into(),
                e.actor.map(|a| a.0).into(),
                (&e.actor_name).into(),
                e.action.into(),
                (&e.target.label).into(),
                e.group.map(|g| g.0).into(),
                (&e.detail).into(),
                e.target.kind.into(),
                e.target.id.into(),
            ],
        )
        .await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    at: i64,
    actor_name: String,
    action: String,
    target: String,
    target_kind: String,
    target_id: Option<i64>,
    detail: String,
}

#[async_trait]
impl AuditStore for SqlStore {
    async fn audit_entries(
        &self,
        scope: &Scope,
        query: Option<&str>,
        target: Option<&(String, i64)>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let mut db = self.pools.read().await?;
        // `%`, `_` and `\` in the query match themselves, not any text.
        let pattern = query.map(|q| {
            let escaped = q
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{escaped}%")
        });
        let sql = format!(
            "SELECT id, at, actor_name, action, target, target_kind, target_id, detail FROM audit_log \
             WHERE id < $1 AND ($5 IS NULL OR (target_kind = $5 AND target_id = $6)) AND ($2 IS NULL OR lower(action) LIKE $2 ESCAPE '\\' \
               OR lower(target) LIKE $2 ESCAPE '\\' OR lower(actor_name) LIKE $2 ESCAPE '\\' \
               OR lower(detail) LIKE $2 ESCAPE '\\') \
             AND (group_id IS NULL OR group_id IN (SELECT g.id FROM groups g WHERE {})) \
             ORDER BY id DESC LIMIT $3",
            group_filter(scope, 4)
        );
        let rows = db
            .all::<EntryRow>(
                sql,
                &[
                    before.unwrap_or(i64::MAX).into(),
                    pattern.as_deref().into(),
                    i64::from(limit).into(),
                    scope.member.map(|m| m.0).into(),
                    target.map(|t| t.0.as_str()).into(),
                    target.map(|t| t.1).into(),
                ],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                at: Timestamp(r.at),
                actor_name: r.actor_name,
                action: r.action,
                target: r.target,
                target_kind: r.target_kind,
                target_id: r.target_id,
                detail: r.detail,
            })
            .collect())
    }
}
