//! Moderation: sanctions and their appeals, the audit log, and reports (flags) with the
//! moderation queues.

use async_trait::async_trait;

use crate::audience::ReportScope;
use crate::audit::{AuditEntry, NewAuditEntry};
use crate::error::StoreError;
use crate::flags::{MemberQueueItem, NewReport, OpenReports, Reported};
use crate::groups::policy::Scope;
use crate::ids::MemberId;
use crate::items::refs::StoredRef;
use crate::sanctions::{Appeal, NewSanction, Sanction};
use crate::time::Timestamp;

/// Sanctions on members and their appeals.
#[async_trait]
pub trait SanctionStore: Send + Sync {
    async fn insert_sanction(
        &self,
        sanction: &NewSanction,
        audit: &[NewAuditEntry],
    ) -> Result<Sanction, StoreError>;
    /// Lifts a sanction not lifted yet; whether one was (and only then is `audit` written).
    async fn lift_sanction(
        &self,
        id: i64,
        by: MemberId,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<bool, StoreError>;
    /// A member's sanctions, newest first.
    async fn sanctions_of(&self, member: MemberId) -> Result<Vec<Sanction>, StoreError>;
    async fn insert_appeal(
        &self,
        sanction: i64,
        member: MemberId,
        message: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    /// Appeals newest first, with their sanctions.
    async fn appeals(&self, limit: u32) -> Result<Vec<Appeal>, StoreError>;
}

/// The append-only audit log.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Entries newest first; `query` matches action, target, actor name or detail, ignoring
    /// case; `before` is an entry id. Entries about a group appear only if it is in `scope`.
    async fn audit_entries(
        &self,
        scope: &Scope,
        query: Option<&str>,
        target: Option<&(String, i64)>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError>;
}

/// Reports (flags) on items of every kind and on members, one model, and the moderation queues.
#[async_trait]
pub trait ModerationStore: Send + Sync {
    /// Records a member's report and returns how many distinct verified members of at least
    /// `min_level` (or staff) have an open report on it; `None`, recording and counting
    /// nothing, if the member has an open report on the same item or member already. The
    /// database decides (one open report per reporter and target), so of two reports sent at
    /// once by the same member one is recorded.
    async fn insert_report(&self, report: &NewReport) -> Result<Option<i64>, StoreError>;
    /// Hides an item enough members flagged, with its audit entry, in one transaction, if its
    /// kind hides items and it is shown; whether it was hidden now.
    async fn hide_flagged(
        &self,
        item: &StoredRef,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<bool, StoreError>;
    /// Items with open reports (or held by the system) or an open legal complaint, whose
    /// audience is in `scope`: those with a complaint first, the soonest due first, then the
    /// oldest report.
    async fn report_queue(
        &self,
        scope: &ReportScope,
        limit: u32,
    ) -> Result<Vec<OpenReports>, StoreError>;
    /// One item's open reports (or its open legal complaint), if it has any.
    async fn open_reports(&self, item: &StoredRef) -> Result<Option<OpenReports>, StoreError>;
    /// Members with open reports, oldest report first.
    async fn member_flag_queue(&self, limit: u32) -> Result<Vec<MemberQueueItem>, StoreError>;
    /// Resolves the open reports on an item or member; for an item whose kind hides items, in
    /// the same transaction, hides it (`upheld`) or shows it again (publishing what the system
    /// held). Returns how many reports there were (none: nothing changes).
    async fn resolve_reports(
        &self,
        target: Reported,
        by: MemberId,
        upheld: bool,
        reason: &str,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<u64, StoreError>;
}
