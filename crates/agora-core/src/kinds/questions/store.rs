//! Q&A's narrow store: the `QuestionStore` trait, the changes it is asked to make (an
//! acceptance, a reminder) and what Q&A keeps about a member for their archive and erasure.

use super::*;

/// An acceptance to store, with its audit entry and event, in one transaction.
#[derive(Debug, Clone)]
pub struct Acceptance {
    pub topic: TopicId,
    pub post: PostId,
    /// Make it the best answer (the first accepted answer is the best anyway).
    pub best: bool,
    pub by: MemberId,
    pub at: Timestamp,
    pub audit: Vec<NewAuditEntry>,
    pub events: Vec<Event>,
}

/// An answer that waited for acceptance, for a reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    pub group: GroupId,
    pub topic: TopicId,
    pub post: PostId,
    pub asker: MemberId,
}

/// An answer the member accepted, in their archive.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AcceptanceRecord {
    pub question_id: i64,
    pub question_title: String,
    pub post_id: i64,
    pub best: bool,
    pub accepted_at: Timestamp,
}

/// What Q&A keeps about a member beyond their posts: the answers they accepted. Erasure keeps
/// these (the answer stays accepted), linked to the anonymised account.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct MemberQuestionRecords {
    pub accepted: Vec<AcceptanceRecord>,
}

/// Storage of Q&A.
#[async_trait]
pub trait QuestionStore: Send + Sync {
    /// What is kept of a question.
    async fn question_record(&self, topic: TopicId) -> Result<QuestionRecord, StoreError>;
    /// Accepts an answer: marks it (and the best), sets the topic `solved` with the best as
    /// its featured post, keeps the first acceptance time; `false` if it was accepted already
    /// and nothing changed.
    async fn accept_answer(&self, a: &Acceptance) -> Result<bool, StoreError>;
    /// Takes an acceptance back; the earliest remaining accepted answer becomes the best, and
    /// with none left the question is `open` again. `false` if it was not accepted.
    async fn unaccept_answer(&self, a: &Acceptance) -> Result<bool, StoreError>;
    /// Open questions whose first answer came before `answered_before` and whose asker was
    /// not reminded yet, oldest first.
    async fn answers_waiting(
        &self,
        answered_before: Timestamp,
        limit: u32,
    ) -> Result<Vec<Waiting>, StoreError>;
    /// Marks the asker of `waiting` reminded and records `event`, unless someone did already;
    /// `true` if this call did.
    async fn remind_asker(
        &self,
        waiting: Waiting,
        at: Timestamp,
        event: &Event,
    ) -> Result<bool, StoreError>;
}
