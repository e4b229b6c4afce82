//! The storage boundary: what the use cases need from a database, and nothing about how.
//!
//! `agora-store` implements these traits on SQLite and on PostgreSQL; the same contract
//! suite runs against both. Methods that write several rows do so in one transaction.

use async_trait::async_trait;

use crate::audience::ReportScope;
use crate::audit::{AuditEntry, NewAuditEntry};
use crate::complaints::{CaseEvent, CaseStatus, LegalCase, NewCase};
use crate::consent::{ConsentRecord, Document};
use crate::error::StoreError;
use crate::flags::{MemberQueueItem, NewReport, OpenReports, Reported};
use crate::forum::{
    NewPost, NewTopic, Post, PostEdit, PostInTopic, Revision, Topic, TopicFilter, TopicFlags,
    TopicInGroup, TopicSort,
};
use crate::groups::policy::{Relation, Scope};
use crate::groups::{
    Group, GroupChange, GroupMember, GroupRole, Invitation, JoinRequest, NewGroup,
};
use crate::ids::{GroupId, InvitationId, MemberId, PostId, TopicId};
use crate::items::refs::StoredRef;
use crate::mailings::{Bulletin, Recipient};
use crate::members::data::MemberArchive;
use crate::members::{Credentials, Member, NewMember, NewSignup, SessionKind};
use crate::paging::{Cursor, NameCursor};
use crate::sanctions::{Appeal, NewSanction, Sanction};
use crate::search::{SearchQuery, SearchResults};
use crate::time::Timestamp;
use crate::trust::{TrustState, TrustStats};
use crate::viewer::{Actor, SiteRole};

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

/// The outbox of domain events (recorded by the store methods of the changes they tell of)
/// and each consumer's position and lease in it (see `events.rs`).
#[async_trait]
pub trait EventStore: Send + Sync {
    /// Whether events were recorded past `consumer`'s position (a read: an idle worker
    /// looks without writing).
    async fn pending(&self, consumer: &str) -> Result<bool, StoreError>;
    /// Leases `consumer` to `holder` until `until` if no other holder's lease runs past `now`
    /// (a consumer seen for the first time starts at 0); its position, or `None` if another
    /// worker holds it.
    async fn claim_consumer(
        &self,
        consumer: &str,
        holder: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<Option<i64>, StoreError>;
    /// The position of the last event readable now (0 if none).
    async fn head(&self) -> Result<i64, StoreError>;
    /// Up to `limit` events committed after `position` that are not yet readable in order
    /// (on PostgreSQL, those of transactions newer than the oldest one still running; none on
    /// SQLite), for a reader that wants every change as soon as it commits and tolerates
    /// seeing one twice.
    async fn fresh_events_after(
        &self,
        position: i64,
        limit: u32,
    ) -> Result<Vec<crate::events::Recorded>, StoreError>;
    /// Up to `limit` events recorded after `position`, in order.
    async fn events_after(
        &self,
        position: i64,
        limit: u32,
    ) -> Result<Vec<crate::events::Recorded>, StoreError>;
    /// Moves the consumer to `position` and renews the lease to `until`, if `holder` still
    /// holds it; whether it did.
    async fn advance_consumer(
        &self,
        consumer: &str,
        holder: &str,
        position: i64,
        until: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Ends `holder`'s lease of `consumer`, if it holds it.
    async fn release_consumer(&self, consumer: &str, holder: &str) -> Result<(), StoreError>;
}

/// Whether the database can serve, for readiness probes.
#[async_trait]
pub trait HealthStore: Send + Sync {
    /// `Ok` when reads answer and a write transaction commits in time; otherwise why not,
    /// as `Unavailable` with a reason an operator can act on.
    async fn ready(&self) -> Result<(), StoreError>;
}

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

/// What became of a change to a membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleChange {
    Done,
    /// The member does not belong to the group.
    NotAMember,
    /// The member is the group's last owner: someone else must own it first.
    LastOwner,
}

/// Groups, memberships, join requests and invitations.
#[async_trait]
pub trait GroupStore: Send + Sync {
    /// Inserts a group with its owner as first member. A taken slug is `Conflict` with
    /// constraint `groups_slug`.
    async fn insert_group(&self, group: &NewGroup) -> Result<GroupId, StoreError>;
    /// Changes a group's own fields (name, description, visibility, archived), with `audit`,
    /// and records `GroupChanged`; `what` says what changed (`edited`, `archived`…).
    async fn update_group(
        &self,
        change: &GroupChange,
        what: &str,
        audit: &[NewAuditEntry],
    ) -> Result<(), StoreError>;
    /// Deletes an archived group: gone for everyone, its address freed, its rows kept for
    /// what must outlive it (legal cases, the audit log). False, and nothing written, when it
    /// is not archived (made active again meanwhile) or deleted already.
    async fn delete_group(
        &self,
        id: GroupId,
        by: MemberId,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<bool, StoreError>;
    /// A group and how `viewer` stands to it.
    async fn group_by_slug(
        &self,
        slug: &str,
        viewer: Option<MemberId>,
    ) -> Result<Option<(Group, Relation)>, StoreError>;
    async fn group_by_id(
        &self,
        id: GroupId,
        viewer: Option<MemberId>,
    ) -> Result<Option<(Group, Relation)>, StoreError>;
    /// Groups in `scope`, ordered by name then id, after `after`.
    async fn list_groups(
        &self,
        scope: &Scope,
        after: Option<&NameCursor>,
        limit: u32,
    ) -> Result<Vec<(Group, Relation)>, StoreError>;
    /// How many groups are in `scope`.
    async fn count_groups(&self, scope: &Scope) -> Result<i64, StoreError>;
    /// Groups in `scope` with the most members first.
    async fn popular_groups(
        &self,
        scope: &Scope,
        limit: u32,
    ) -> Result<Vec<(Group, Relation)>, StoreError>;
    /// Groups `member` belongs to that are in `scope`.
    async fn groups_of_member(
        &self,
        member: MemberId,
        scope: &Scope,
    ) -> Result<Vec<(Group, GroupRole)>, StoreError>;

    /// Adds a member (no-op if already one) and clears their pending request and
    /// invitations, in one transaction. Returns whether a membership was added.
    async fn add_member(
        &self,
        group: GroupId,
        member: MemberId,
        role: GroupRole,
        at: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Removes a membership, unless it is the group's last owner's (checked in the same
    /// transaction, under the group's lock, so two owners leaving at once leave one). `audit`
    /// is written only when the membership went.
    async fn remove_member(
        &self,
        group: GroupId,
        member: MemberId,
        audit: &[NewAuditEntry],
    ) -> Result<RoleChange, StoreError>;
    /// Sets a member's role, unless that takes the group's last owner away (checked as
    /// `remove_member` does).
    async fn set_group_role(
        &self,
        group: GroupId,
        member: MemberId,
        role: GroupRole,
        audit: &[NewAuditEntry],
    ) -> Result<RoleChange, StoreError>;
    async fn count_role(&self, group: GroupId, role: GroupRole) -> Result<i64, StoreError>;
    async fn members_of(
        &self,
        group: GroupId,
        after: Option<MemberId>,
        limit: u32,
    ) -> Result<Vec<GroupMember>, StoreError>;

    /// Records a request to join; a second request while one is pending is a no-op.
    async fn insert_request(
        &self,
        group: GroupId,
        member: MemberId,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    async fn pending_requests(&self, group: GroupId) -> Result<Vec<JoinRequest>, StoreError>;
    /// Approves (adding the membership in the same transaction) or rejects a pending
    /// request. Returns whether a pending request was found.
    async fn decide_request(
        &self,
        group: GroupId,
        member: MemberId,
        approve: bool,
        by: MemberId,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<bool, StoreError>;

    /// Creates a pending invitation, or returns the one already pending.
    async fn insert_invitation(
        &self,
        group: GroupId,
        invitee: MemberId,
        by: MemberId,
        at: Timestamp,
    ) -> Result<InvitationId, StoreError>;
    async fn invitation(&self, id: InvitationId) -> Result<Option<Invitation>, StoreError>;
    /// Pending invitations addressed to `member`, with their groups.
    async fn invitations_for(
        &self,
        member: MemberId,
    ) -> Result<Vec<(Invitation, Group)>, StoreError>;
    /// Accepts a pending invitation and adds the membership, in one transaction.
    async fn accept_invitation(&self, id: InvitationId, at: Timestamp) -> Result<bool, StoreError>;
}

/// Topics, posts, revisions and search.
#[async_trait]
pub trait ForumStore: Send + Sync {
    /// Inserts a topic with its opening post, tags and search entry; bumps the group's
    /// counters. One transaction.
    async fn insert_topic(&self, topic: &NewTopic) -> Result<(TopicId, PostId), StoreError>;
    /// A topic with its group and how `viewer` stands to that group, in one read.
    async fn topic_in_group(
        &self,
        id: TopicId,
        viewer: Option<MemberId>,
    ) -> Result<Option<(Topic, Group, Relation)>, StoreError>;
    /// A group's topics, pinned ones excluded, in `sort` order after `after`.
    async fn list_topics(
        &self,
        group: GroupId,
        sort: TopicSort,
        after: Option<Cursor>,
        limit: u32,
        with_deleted: bool,
        filter: &TopicFilter,
    ) -> Result<Vec<Topic>, StoreError>;
    /// A group's pinned topics, newest activity first.
    async fn pinned_topics(
        &self,
        group: GroupId,
        with_deleted: bool,
    ) -> Result<Vec<Topic>, StoreError>;
    async fn set_topic_flags(
        &self,
        id: TopicId,
        flags: TopicFlags,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<(), StoreError>;

    /// Appends a reply, numbering it, and bumps the topic's and group's counters and
    /// activity time; indexes it for search. One transaction.
    async fn insert_post(&self, post: &NewPost) -> Result<PostId, StoreError>;
    async fn post(&self, id: PostId) -> Result<Option<Post>, StoreError>;
    /// A topic's posts numbered from `from_number`, in order.
    async fn posts(
        &self,
        topic: TopicId,
        from_number: i64,
        limit: u32,
    ) -> Result<Vec<Post>, StoreError>;
    /// Keeps the current version as a revision, then writes the new one and re-indexes it.
    async fn edit_post(&self, edit: &PostEdit, audit: &[NewAuditEntry]) -> Result<(), StoreError>;
    async fn revisions(&self, post: PostId) -> Result<Vec<Revision>, StoreError>;
    /// Soft-deletes or restores a post (an opening post takes its topic along), keeping
    /// counters and the search index in step.
    async fn set_post_deleted(
        &self,
        id: PostId,
        deleted: bool,
        by: Option<MemberId>,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<(), StoreError>;

    /// Topics with posts matching `query` in groups in `scope`, one hit per topic (its best
    /// match), best first; for a query of operators alone, the topics they narrow to, newest
    /// first. `offset` and `limit` count topics; the total comes with the page, even a page
    /// past the end.
    async fn search(
        &self,
        query: &SearchQuery,
        scope: &crate::audience::AudienceScope,
        limit: u32,
        offset: u32,
    ) -> Result<SearchResults, StoreError>;
    /// The most recently active topics across the groups in `scope`.
    async fn latest_topics(
        &self,
        scope: &crate::audience::AudienceScope,
        filter: &crate::forum::LatestFilter,
        limit: u32,
    ) -> Result<Vec<TopicInGroup>, StoreError>;
    /// The tags of the topics in `scope`, with how many topics carry each, most used first.
    async fn tag_counts(
        &self,
        scope: &crate::audience::AudienceScope,
        limit: u32,
    ) -> Result<Vec<(String, i64)>, StoreError>;
    /// Visible posts by `member` in groups in `scope`, newest first (by when they were written),
    /// after post `before` in that order.
    async fn posts_by(
        &self,
        member: MemberId,
        scope: &crate::audience::AudienceScope,
        before: Option<PostId>,
        limit: u32,
    ) -> Result<Vec<PostInTopic>, StoreError>;
    /// Number of visible posts by `member` in groups in `scope`.
    async fn count_posts_by(
        &self,
        member: MemberId,
        scope: &crate::audience::AudienceScope,
    ) -> Result<i64, StoreError>;
}
