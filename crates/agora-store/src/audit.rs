//! `AuditStore`: the append-only audit log.

use async_trait::async_trait;

use agora_core::StoreError;
use agora_core::audit::{AuditEntry, NewAuditEntry};
use agora_core::store::AuditStore;
use agora_core::time::Timestamp;

use crate::SqlStore;
use crate::db::{Backend, Handle};
use crate::scope::group_filter_keeping_deleted;
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

/// A pattern that finds `query` anywhere in a text, whatever the case of its letters, for
/// SQLite's `GLOB` or PostgreSQL's `~`: each letter becomes the class of its cases (`[üÜ]`),
/// everything else stands for itself. Neither database's own folding is used: SQLite's `lower`
/// and `LIKE` fold ASCII letters only, PostgreSQL's follow the database's locale, so a search
/// for "über" found "Über" on one database and not on the other.
fn containing_in_any_case(query: &str, backend: Backend) -> String {
    fn single(mut chars: impl Iterator<Item = char>) -> Option<char> {
        chars.next().filter(|_| chars.next().is_none())
    }
    let mut pattern = String::from(if backend == Backend::Sqlite { "*" } else { "" });
    for c in query.chars() {
        let mut cases = vec![c];
        let lower = single(c.to_lowercase());
        let upper = single(c.to_uppercase());
        let other = lower.and_then(|l| single(l.to_uppercase()));
        for v in [lower, upper, other].into_iter().flatten() {
            if !cases.contains(&v) {
                cases.push(v);
            }
        }
        match backend {
            _ if cases.len() > 1 => {
                pattern.push('[');
                pattern.extend(cases);
                pattern.push(']');
            }
            Backend::Sqlite if matches!(c, '*' | '?' | '[') => {
                pattern.extend(['[', c, ']']);
            }
            Backend::Postgres if !c.is_alphanumeric() => pattern.extend(['\\', c]),
            _ => pattern.push(c),
        }
    }
    if backend == Backend::Sqlite {
        pattern.push('*');
    }
    pattern
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
        let backend = db.backend();
        let pattern = query.map(|q| containing_in_any_case(q, backend));
        let contains = match backend {
            Backend::Sqlite => "GLOB",
            Backend::Postgres => "~",
        };
        let sql = format!(
            "SELECT id, at, actor_name, action, target, target_kind, target_id, detail FROM audit_log \
             WHERE id < $1 AND ($5 IS NULL OR (target_kind = $5 AND target_id = $6)) AND ($2 IS NULL \
               OR action {contains} $2 OR target {contains} $2 OR actor_name {contains} $2 \
               OR detail {contains} $2) \
             AND (group_id IS NULL OR group_id IN (SELECT g.id FROM groups g WHERE {})) \
             ORDER BY id DESC LIMIT $3",
            group_filter_keeping_deleted(scope, 4)
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

#[cfg(test)]
mod tests {
    use super::{Backend, containing_in_any_case};

    #[test]
    fn a_query_is_matched_in_any_case_and_its_symbols_as_themselves() {
        let sqlite = |q| containing_in_any_case(q, Backend::Sqlite);
        let postgres = |q| containing_in_any_case(q, Backend::Postgres);
        assert_eq!(sqlite("Über 1"), "*[Üü][bB][eE][rR] 1*");
        assert_eq!(postgres("Über 1"), "[Üü][bB][eE][rR]\\ 1");
        assert_eq!(sqlite("*?[]%_"), "*[*][?][[]]%_*");
        assert_eq!(postgres("a.b%_\\"), "[aA]\\.[bB]\\%\\_\\\\");
        assert_eq!(sqlite("ß"), "*ß*", "no single-letter upper case");
    }
}
