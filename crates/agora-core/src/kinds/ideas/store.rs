//! The ideas' narrow store: the `IdeaStore` trait, the changes it is asked to make (a vote, a
//! status change, a merge) and what it answers, and what ideas keep about a member for their
//! archive and erasure.

use super::*;

/// What became of a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voted {
    Counted,
    /// The member had voted already: nothing changed.
    Already,
    /// The member's budget of votes on open ideas is spent.
    OverBudget,
    /// The idea was merged before the vote reached it.
    Merged,
}

/// A vote or its withdrawal, to store with its event.
#[derive(Debug, Clone)]
pub struct VoteChange {
    pub topic: TopicId,
    pub member: MemberId,
    pub at: Timestamp,
    /// Votes the member may hold on ideas not closed; `None`: no limit.
    pub budget: Option<i64>,
    /// The statuses of the closed set, whose votes the budget does not count.
    pub closed: Vec<String>,
    pub events: Vec<Event>,
}

/// A status change, a merge or its undoing, to store with its audit entry and event.
#[derive(Debug, Clone)]
pub struct IdeaChange {
    pub topic: TopicId,
    /// The new status, or for a merge the original's id.
    pub to: String,
    pub note: String,
    pub by: MemberId,
    pub at: Timestamp,
    pub audit: Vec<NewAuditEntry>,
    pub events: Vec<Event>,
}

/// A vote in a member's archive.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct IdeaVoteRecord {
    pub idea_id: i64,
    pub idea_title: String,
    pub voted_at: Timestamp,
    /// The idea the vote was cast on, when a merge moved it here.
    pub cast_on: Option<i64>,
}

/// A status change in a member's archive (staff).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StatusNoteRecord {
    pub idea_id: i64,
    pub idea_title: String,
    pub from_status: String,
    pub to_status: String,
    pub note: String,
    pub at: Timestamp,
}

/// What ideas keep about a member beyond their posts. Erasure keeps the votes, linked to the
/// anonymised account, unless the member asks for their contributions to be removed: then
/// their votes go and the ideas are counted again. Status notes are staff acts and stay.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct MemberIdeaRecords {
    /// Ideas the member votes for.
    pub votes: Vec<IdeaVoteRecord>,
    /// Votes on a duplicate set aside by a merge because the member voted for the original
    /// too; given back if the merge is undone.
    pub set_aside_votes: Vec<IdeaVoteRecord>,
    /// Status changes the member made, with their public notes.
    pub status_changes: Vec<StatusNoteRecord>,
}

/// Storage of ideas.
#[async_trait]
pub trait IdeaStore: Send + Sync {
    /// The statuses admins set, in the order boards show them; empty until they set some.
    async fn stored_idea_statuses(&self) -> Result<Vec<IdeaStatus>, StoreError>;
    /// Replaces the list; ideas keep their status even if it left the list.
    async fn replace_idea_statuses(
        &self,
        statuses: &[IdeaStatus],
        audit: &[NewAuditEntry],
    ) -> Result<(), StoreError>;
    async fn idea_record(
        &self,
        topic: TopicId,
        viewer: Option<MemberId>,
    ) -> Result<IdeaRecord, StoreError>;
    async fn vote(&self, change: &VoteChange) -> Result<Voted, StoreError>;
    /// `false` if the member had no vote on it.
    async fn unvote(&self, change: &VoteChange) -> Result<bool, StoreError>;
    /// Sets the status and keeps the change in the history; `false` if it had it already.
    async fn set_idea_status(&self, change: &IdeaChange) -> Result<bool, StoreError>;
    /// Merges `change.topic` into the original named by `change.to`: moves its votes (one per
    /// member), remembering where each came from, and marks it merged.
    /// `false`, and nothing changed, if under the store's locks the duplicate or the original
    /// turned out merged already, or ideas merged into the duplicate.
    async fn merge_idea(&self, change: &IdeaChange, original: TopicId) -> Result<bool, StoreError>;
    /// Undoes the merge of `change.topic`: its votes go back, its status is what it was.
    /// `false` if it is not merged.
    async fn unmerge_idea(&self, change: &IdeaChange) -> Result<bool, StoreError>;
    /// A group's ideas (not merged ones) in `sort` order after `after`.
    async fn list_ideas(
        &self,
        group: GroupId,
        sort: IdeaSort,
        trending_since: Timestamp,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Vec<IdeaSummary>, StoreError>;
    /// A group's shipped ideas, the latest shipped first, with the change that shipped them.
    async fn shipped_ideas(
        &self,
        group: GroupId,
        limit: u32,
    ) -> Result<Vec<(Topic, StatusChange)>, StoreError>;
}
