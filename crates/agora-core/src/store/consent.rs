//! Versioned documents and the consent ledger.

use async_trait::async_trait;

use crate::audit::NewAuditEntry;
use crate::consent::{ConsentRecord, Document};
use crate::error::StoreError;
use crate::ids::MemberId;
use crate::time::Timestamp;

/// Versioned documents and the consent ledger.
#[async_trait]
pub trait ConsentStore: Send + Sync {
    /// Publishes the next version of a document kind; one transaction.
    async fn publish_document(
        &self,
        kind: &str,
        body: &str,
        by: MemberId,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<Document, StoreError>;
    /// The newest version of each published kind.
    async fn current_documents(&self) -> Result<Vec<Document>, StoreError>;
    /// Current documents `member` has not accepted.
    async fn pending_documents(&self, member: MemberId) -> Result<Vec<Document>, StoreError>;
    /// Appends ledger rows (subject, version, granted).
    async fn record_consents(
        &self,
        member: MemberId,
        rows: &[(String, i64, bool)],
        at: Timestamp,
    ) -> Result<(), StoreError>;
    /// A member's ledger, oldest first.
    async fn consents_of(&self, member: MemberId) -> Result<Vec<ConsentRecord>, StoreError>;
}
