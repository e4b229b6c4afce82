//! Members, sessions, site settings and rate-limit counters; a member's data (the archive and
//! erasure); the single-use tokens sent by mail.

use async_trait::async_trait;

use crate::audit::NewAuditEntry;
use crate::error::StoreError;
use crate::ids::MemberId;
use crate::members::data::MemberArchive;
use crate::members::{Credentials, Member, NewMember, NewSignup, SessionKind};
use crate::time::Timestamp;
use crate::viewer::{Actor, SiteRole};

/// A counter in a time window, for rate limits shared by every app node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowCount {
    pub hits: i64,
    pub window_start: Timestamp,
}

/// The member behind a session, with the day of their last counted visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionActor {
    /// The member; `trust` is the level as stored.
    pub actor: Actor,
    /// The day (since the epoch, UTC) of the member's last counted visit; 0 if none.
    pub last_visit_day: i64,
    /// What every page shows a member about themselves, read in the same query.
    pub display_name: String,
    /// Invitations waiting for the member's answer.
    pub invitations: i64,
    /// Current versions of the site's documents the member has not accepted.
    pub pending_documents: i64,
    /// What the member has waiting at each kind's link in the header (unread conversations),
    /// by the kind's name, for the kinds whose store counts one.
    pub header_counts: Vec<(&'static str, i64)>,
    /// The members the member ignores.
    pub ignoring: Vec<MemberId>,
}

/// Members, sessions, site settings and rate-limit counters.
#[async_trait]
pub trait MemberStore: Send + Sync {
    /// Inserts a member. A taken username or email is `Conflict` with constraint
    /// `members_username` or `members_email`.
    async fn insert_member(&self, member: &NewMember) -> Result<MemberId, StoreError>;
    /// Stores a sign-up whole in one transaction (see [`NewSignup`]); a taken username or
    /// email is `Conflict` as for [`MemberStore::insert_member`], and nothing is stored.
    async fn insert_signup(&self, signup: &NewSignup) -> Result<MemberId, StoreError>;
    async fn member_by_id(&self, id: MemberId) -> Result<Option<Member>, StoreError>;
    /// Looks a member up by username, ignoring case.
    async fn member_by_username(&self, username: &str) -> Result<Option<Member>, StoreError>;
    /// Looks up sign-in credentials by username, or by an address its account confirmed,
    /// ignoring case (an unconfirmed address may be shared, and signing in by it would tell
    /// whether another account confirmed it).
    async fn credentials(&self, login: &str) -> Result<Option<Credentials>, StoreError>;
    async fn update_profile(
        &self,
        id: MemberId,
        display_name: &str,
        bio: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    /// Sets a member's site role, with `audit` in the same transaction.
    async fn set_site_role(
        &self,
        id: MemberId,
        role: SiteRole,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<(), StoreError>;
    async fn count_members(&self) -> Result<i64, StoreError>;
    /// The members matching a manager's filter, in its order, one page of `filter.limit`
    /// from `filter.query.offset`, and how many match in all.
    async fn roster(
        &self,
        filter: &crate::site::roster::RosterFilter,
    ) -> Result<(Vec<crate::site::roster::RosterRow>, i64), StoreError>;
    /// Members in order of sign-up, for the admin's list.
    async fn list_members(
        &self,
        after: Option<MemberId>,
        limit: u32,
    ) -> Result<Vec<Member>, StoreError>;

    async fn insert_session(
        &self,
        token_hash: &str,
        member: MemberId,
        kind: SessionKind,
        at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError>;
    /// The member behind a live session token, touching its last-seen time.
    async fn session_actor(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<SessionActor>, StoreError>;
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;

    /// Counts one more hit on `key` in a window that started after `window_floor`; a window
    /// that started before it is restarted at `now`.
    async fn bump_counter(
        &self,
        key: &str,
        now: Timestamp,
        window_floor: Timestamp,
    ) -> Result<WindowCount, StoreError>;
    /// The counter on `key`, if its window started after `window_floor`.
    async fn read_counter(
        &self,
        key: &str,
        window_floor: Timestamp,
    ) -> Result<Option<WindowCount>, StoreError>;
    async fn clear_counter(&self, key: &str) -> Result<(), StoreError>;
    /// Gives one hit on `key` back (never below zero), if its window started after
    /// `window_floor`: an attempt taken before checking that turned out to be no failure.
    async fn release_counter(&self, key: &str, window_floor: Timestamp) -> Result<(), StoreError>;

    /// Every stored site setting as (key, value).
    async fn settings(&self) -> Result<Vec<(String, String)>, StoreError>;
    async fn put_setting(&self, key: &str, value: &str) -> Result<(), StoreError>;
    /// Stores settings an admin changed, with `audit` and a `SiteChanged` event in the same
    /// transaction.
    async fn put_settings(
        &self,
        pairs: &[(String, String)],
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<(), StoreError>;
}

/// A member's data: the archive they download, and erasure.
#[async_trait]
pub trait MemberDataStore: Send + Sync {
    /// Everything held about `member`.
    async fn member_archive(
        &self,
        member: MemberId,
        now: Timestamp,
    ) -> Result<MemberArchive, StoreError>;
    /// Deletes the member's personal data in one transaction: the account row is kept,
    /// anonymised, so their posts (kept unless `remove_posts`) show "a former member";
    /// sessions, tokens, memberships, requests and invitations go.
    async fn erase_member(
        &self,
        member: MemberId,
        remove_posts: bool,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<(), StoreError>;
}

/// Single-use tokens sent by mail: email verification and password reset.
#[async_trait]
pub trait EmailTokenStore: Send + Sync {
    /// Stores a single-use mail token (`purpose` is `verify` or `reset`) for `email`.
    async fn insert_email_token(
        &self,
        token_hash: &str,
        member: MemberId,
        purpose: &str,
        email: &str,
        at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError>;
    /// Uses a live `verify` token: the member's email becomes the token's address, confirmed.
    /// One transaction. `None` when the token is unknown, used or expired; `Conflict` when
    /// another member took the address meanwhile.
    async fn confirm_email(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<MemberId>, StoreError>;
    /// Uses a live `reset` token: sets the password hash and ends every session of the
    /// member. One transaction. `None` when the token is unknown, used or expired.
    async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: Timestamp,
    ) -> Result<Option<MemberId>, StoreError>;
    /// The member with this (lowercase) email address: the one that confirmed it, if any, or
    /// the oldest of those that have not (unconfirmed accounts may share an address).
    async fn member_by_email(&self, email: &str) -> Result<Option<Member>, StoreError>;
}
