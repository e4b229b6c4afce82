//! The storage boundary: what the use cases need from a database, and nothing about how.
//!
//! `agora-store` implements these traits on SQLite and on PostgreSQL; the same contract
//! suite runs against both. Methods that write several rows do so in one transaction.
//!
//! One file per port trait, or a few related ones; each is re-exported here, beside the
//! `Store` that gathers them and `HealthStore`.

mod cases;
mod consent;
mod events;
mod forum;
mod groups;
mod mailings;
mod members;
mod moderation;
mod trust;

pub use cases::CaseStore;
pub use consent::ConsentStore;
pub use events::EventStore;
pub use forum::ForumStore;
pub use groups::{GroupStore, RoleChange};
pub use mailings::MailingStore;
pub use members::{EmailTokenStore, MemberDataStore, MemberStore, SessionActor, WindowCount};
pub use moderation::{AuditStore, ModerationStore, SanctionStore};
pub use trust::TrustStore;

use async_trait::async_trait;

use crate::error::StoreError;

// Every method that records a moderator's or admin's action takes the audit entries for it,
// `audit: &[NewAuditEntry]`, and writes them in the same transaction as the action: a crash
// cannot leave an action without its record, or a record of an action that did not happen.

/// Everything agora stores, as one object the web state can hold.
pub trait Store:
    MemberStore
    + EmailTokenStore
    + MemberDataStore
    + ConsentStore
    + SanctionStore
    + GroupStore
    + ForumStore
    + AuditStore
    + TrustStore
    + ModerationStore
    + CaseStore
    + MailingStore
    + HealthStore
    + EventStore
    + crate::content::uploads::MediaStore
    + crate::members::blocks::BlockStore
    + crate::kinds::KindStores
    + crate::reactions::ReactionStore
    + crate::bookmarks::BookmarkStore
    + crate::forum::mentions::MentionStore
    + crate::forum::sorts::TopStore
    + crate::agora::AccountsPort
    + crate::agora::GroupsPort
    + crate::agora::ForumPort
    + crate::agora::SitePort
    + crate::agora::ModerationPort
    + crate::agora::LegalPort
    + crate::agora::TrustPort
    + crate::agora::ConsentPort
    + crate::agora::MailingsPort
    + crate::agora::EventsPort
    + crate::agora::MediaPort
    + crate::agora::ReactionsPort
    + crate::agora::BookmarksPort
    + Send
    + Sync
{
}
impl<T> Store for T where
    T: MemberStore
        + EmailTokenStore
        + MemberDataStore
        + ConsentStore
        + SanctionStore
        + GroupStore
        + ForumStore
        + AuditStore
        + TrustStore
        + ModerationStore
        + CaseStore
        + MailingStore
        + HealthStore
        + EventStore
        + crate::content::uploads::MediaStore
        + crate::members::blocks::BlockStore
        + crate::kinds::KindStores
        + crate::reactions::ReactionStore
        + crate::bookmarks::BookmarkStore
        + crate::forum::mentions::MentionStore
        + crate::forum::sorts::TopStore
        + Send
        + Sync
{
}

/// Whether the database can serve, for readiness probes.
#[async_trait]
pub trait HealthStore: Send + Sync {
    /// `Ok` when reads answer and a write transaction commits in time; otherwise why not,
    /// as `Unavailable` with a reason an operator can act on.
    async fn ready(&self) -> Result<(), StoreError>;
}
