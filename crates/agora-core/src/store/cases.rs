//! Legal complaints and their cases.

use async_trait::async_trait;

use crate::audience::ReportScope;
use crate::audit::NewAuditEntry;
use crate::complaints::{CaseEvent, CaseStatus, LegalCase, NewCase};
use crate::error::StoreError;
use crate::ids::MemberId;
use crate::time::Timestamp;

/// Legal complaints and their cases.
#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Stores a complaint with its `filed` step. Without a confirmation hash the case opens at
    /// once, due at `due_at`, with the `opened` step (and the item hidden if `hide_at_once` and
    /// its kind hides items), in the same transaction.
    async fn insert_case(&self, case: &NewCase) -> Result<LegalCase, StoreError>;
    /// Opens the unconfirmed case behind a confirmation hash filed after `filed_after`, due at
    /// `due_at`, hiding the item if the case's kind is in `hide_kinds`, in one transaction; the
    /// case and the complainant's address. Of two confirmations of one case, one opens it.
    async fn confirm_case(
        &self,
        confirm_hash: &str,
        now: Timestamp,
        filed_after: Timestamp,
        due_at: Timestamp,
        hide_kinds: &[String],
    ) -> Result<Option<(LegalCase, String)>, StoreError>;
    /// Cases about items whose audience is in `scope` (and cases whose item is gone), open
    /// first, then newest.
    async fn cases(&self, scope: &ReportScope, limit: u32) -> Result<Vec<LegalCase>, StoreError>;
    /// A case and its steps, oldest first.
    async fn case(&self, id: i64) -> Result<Option<(LegalCase, Vec<CaseEvent>)>, StoreError>;
    /// Where agora writes to a case's complainant.
    async fn case_email(&self, id: i64) -> Result<Option<String>, StoreError>;
    /// Appends a step.
    async fn add_case_event(
        &self,
        case: i64,
        actor: Option<MemberId>,
        actor_name: &str,
        action: &str,
        note: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    /// Decides an open case with its step, in one transaction: `Removed` hides the item,
    /// `Restored` shows it again if the case hid it (never what its author deleted); whether
    /// the case was open. Only a kind that hides items (the store's registry) is hidden.
    #[expect(
        clippy::too_many_arguments,
        reason = "the decision's parts are each one value; a struct for one call adds nothing"
    )]
    async fn decide_case(
        &self,
        case: i64,
        actor: MemberId,
        actor_name: &str,
        status: CaseStatus,
        reason: &str,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<bool, StoreError>;
}
