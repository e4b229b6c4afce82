//! `ConsentStore`: versioned documents and the consent ledger.

use async_trait::async_trait;

use agora_core::audit::NewAuditEntry;
use agora_core::consent::{ConsentRecord, Document};
use agora_core::events::Event;
use agora_core::store::ConsentStore;
use agora_core::time::Timestamp;
use agora_core::{MemberId, StoreError};

use crate::SqlStore;
use crate::db::{Handle, Int};

#[derive(sqlx::FromRow)]
struct DocumentRow {
    kind: String,
    version: i64,
    body: String,
    published_at: i64,
}

impl From<DocumentRow> for Document {
    fn from(r: DocumentRow) -> Self {
        Self {
            kind: r.kind,
            version: r.version,
            body: r.body,
            published_at: Timestamp(r.published_at),
        }
    }
}

#[derive(sqlx::FromRow)]
struct ConsentRow {
    subject: String,
    version: i64,
    granted: bool,
    at: i64,
}

const CURRENT: &str = "SELECT d.kind, d.version, d.body, d.published_at FROM documents d \
    WHERE d.version = (SELECT MAX(v.version) FROM documents v WHERE v.kind = d.kind)";

/// The condition, on a current document `d` (see `CURRENT`), that `member` (an SQL expression)
/// has not accepted it: the one definition of a document still to accept.
pub(crate) fn unaccepted_by(member: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM consents c WHERE c.member_id = {member} \
         AND c.subject = d.kind AND c.version = d.version AND c.granted = TRUE)"
    )
}

/// Counts the current documents `member` (an SQL expression) has still to accept.
pub(crate) fn count_unaccepted_by(member: &str) -> String {
    format!(
        "SELECT COUNT(*) FROM documents d \
         WHERE d.version = (SELECT MAX(v.version) FROM documents v WHERE v.kind = d.kind) AND {}",
        unaccepted_by(member)
    )
}

#[async_trait]
impl ConsentStore for SqlStore {
    async fn publish_document(
        &self,
        kind: &str,
        body: &str,
        by: MemberId,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<Document, StoreError> {
        let audit = audit.to_vec();
        let kind = kind.to_owned();
        let body = body.to_owned();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let kind = kind.as_str();
                    let body = body.as_str();
                    // Two publications at once get consecutive versions, not one conflict.
                    tx.lock_key(&format!("document:{kind}")).await?;
                    let next = tx
                        .one::<Int>(
                            "SELECT COALESCE(MAX(version), 0) + 1 FROM documents WHERE kind = $1",
                            &[kind.into()],
                        )
                        .await?
                        .0;
                    tx.execute(
                        "INSERT INTO documents (kind, version, body, published_at, published_by) VALUES ($1, $2, $3, $4, $5)",
                        &[kind.into(), next.into(), body.into(), at.0.into(), by.0.into()],
                    )
                    .await?;
                    let audit: Vec<NewAuditEntry> = audit
                        .into_iter()
                        .map(|e| NewAuditEntry {
                            detail: format!("version {next}"),
                            ..e
                        })
                        .collect();
                    crate::audit::record(tx, &audit).await?;
                    let published = Event::SiteChanged {
                        what: format!("document:{kind}"),
                        by: Some(by.0),
                    };
                    crate::events::record(tx, at, &[published]).await?;
                    Ok(Document {
                        kind: kind.to_owned(),
                        version: next,
                        body: body.to_owned(),
                        published_at: at,
                    })
                })
            })
            .await
    }

    async fn current_documents(&self) -> Result<Vec<Document>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!("{CURRENT} ORDER BY d.kind");
        Ok(db
            .all::<DocumentRow>(sql, &[])
            .await?
            .into_iter()
            .map(Document::from)
            .collect())
    }

    async fn pending_documents(&self, member: MemberId) -> Result<Vec<Document>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!("{CURRENT} AND {} ORDER BY d.kind", unaccepted_by("$1"));
        Ok(db
            .all::<DocumentRow>(sql, &[member.0.into()])
            .await?
            .into_iter()
            .map(Document::from)
            .collect())
    }

    async fn record_consents(
        &self,
        member: MemberId,
        rows: &[(String, i64, bool)],
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let rows = rows.to_vec();
        self.pools
            .write(move |tx| Box::pin(async move { insert_consents(tx, member, &rows, at).await }))
            .await
    }

    async fn consents_of(&self, member: MemberId) -> Result<Vec<ConsentRecord>, StoreError> {
        let mut db = self.pools.read().await?;
        let rows = db
            .all::<ConsentRow>(
                "SELECT subject, version, granted, at FROM consents WHERE member_id = $1 ORDER BY id",
                &[member.0.into()],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| ConsentRecord {
                subject: r.subject,
                version: r.version,
                granted: r.granted,
                at: Timestamp(r.at),
            })
            .collect())
    }
}

/// Adds rows to a member's consent ledger inside the caller's transaction.
pub(crate) async fn insert_consents(
    tx: &mut Handle,
    member: MemberId,
    rows: &[(String, i64, bool)],
    at: Timestamp,
) -> Result<(), StoreError> {
    for (subject, version, granted) in rows {
        tx.execute(
            "INSERT INTO consents (member_id, subject, version, granted, at) VALUES ($1, $2, $3, $4, $5)",
            &[member.0.into(), subject.into(), (*version).into(), (*granted).into(), at.0.into()],
        )
        .await?;
    }
    Ok(())
}
