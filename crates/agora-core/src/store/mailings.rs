//! Mail preferences and bulletins.

use async_trait::async_trait;

use crate::audit::NewAuditEntry;
use crate::error::StoreError;
use crate::ids::MemberId;
use crate::mailings::{Bulletin, Recipient};
use crate::time::Timestamp;

/// Who opted into which mail, and bulletins.
#[async_trait]
pub trait MailingStore: Send + Sync {
    /// Verified members whose latest choice for `subject` is yes (banned members excluded).
    async fn count_opted_in(&self, subject: &str, now: Timestamp) -> Result<i64, StoreError>;
    /// Those members after `after`, in order of id.
    async fn opted_in(
        &self,
        subject: &str,
        now: Timestamp,
        after: MemberId,
        limit: u32,
    ) -> Result<Vec<Recipient>, StoreError>;
    /// Stores a bulletin with `audit` and the event `BulletinSent` that has it delivered, in
    /// one transaction.
    async fn insert_bulletin(
        &self,
        subject: &str,
        body: &str,
        by: MemberId,
        at: Timestamp,
        recipients: i64,
        audit: &[NewAuditEntry],
    ) -> Result<Bulletin, StoreError>;
    /// Records that a bulletin's mail to `through` was handed over, and how many so far.
    async fn bulletin_progress(
        &self,
        id: i64,
        through: MemberId,
        sent: i64,
    ) -> Result<(), StoreError>;
    /// A bulletin and the last member (by id) it was mailed to.
    async fn bulletin_delivery(&self, id: i64) -> Result<Option<(Bulletin, MemberId)>, StoreError>;
    /// Bulletins, newest first.
    async fn bulletins(&self, limit: u32) -> Result<Vec<Bulletin>, StoreError>;
}
