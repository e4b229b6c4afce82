//! The reading record and trust levels.

use async_trait::async_trait;

use crate::audit::NewAuditEntry;
use crate::error::StoreError;
use crate::ids::{MemberId, TopicId};
use crate::time::Timestamp;
use crate::trust::{TrustState, TrustStats};

/// The reading record and trust levels.
#[async_trait]
pub trait TrustStore: Send + Sync {
    /// Counts a visit on `day` unless one was counted on that day already; whether it counted.
    async fn record_visit(&self, member: MemberId, day: i64) -> Result<bool, StoreError>;
    /// Records that `member` has read `topic` up to post `last_number`: a topic entered the
    /// first time, the posts beyond those read before, and roughly the time since their last
    /// reading (at most five minutes). One transaction; whether anything new was read.
    async fn record_read(
        &self,
        member: MemberId,
        topic: TopicId,
        last_number: i64,
        at: Timestamp,
    ) -> Result<bool, StoreError>;
    /// The member's record as trust counts it; confirmed flags only since `flags_since`.
    async fn trust_stats(
        &self,
        member: MemberId,
        flags_since: Timestamp,
    ) -> Result<TrustStats, StoreError>;
    /// The member's stored trust.
    async fn trust_of(&self, member: MemberId) -> Result<TrustState, StoreError>;
    /// Stores a member's trust.
    async fn put_trust(
        &self,
        member: MemberId,
        state: &TrustState,
        audit: &[NewAuditEntry],
    ) -> Result<(), StoreError>;
    /// The member's posts written since `since` (their markdown and topic), newest first.
    async fn recent_bodies(
        &self,
        member: MemberId,
        since: Timestamp,
        limit: u32,
    ) -> Result<Vec<(TopicId, String)>, StoreError>;
}
