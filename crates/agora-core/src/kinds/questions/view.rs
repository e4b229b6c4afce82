//! One question as its page and the API show it: its accepted answers, official answers and
//! the times to its first and its accepted answer.

use super::*;

/// An accepted answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Accepted {
    pub post: PostId,
    pub number: i64,
    /// The one shown under the question and in search results.
    pub best: bool,
    /// Who accepted it (absent once they erased their account).
    pub accepted_by: Option<String>,
    pub accepted_at: Timestamp,
}

/// What the store keeps of a question.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuestionRecord {
    /// Accepted answers, by post number.
    pub accepted: Vec<Accepted>,
    /// Answers written by site staff: marked official.
    pub official: Vec<PostId>,
    /// When someone other than the asker first answered.
    pub first_answer_at: Option<Timestamp>,
    /// When an answer was first accepted (kept if it is taken back).
    pub first_accepted_at: Option<Timestamp>,
    /// When the asker was reminded of an answer waiting for acceptance.
    pub reminded_at: Option<Timestamp>,
}

/// A question as its page and the API show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionView {
    pub topic: TopicId,
    pub status: String,
    pub asked_at: Timestamp,
    pub record: QuestionRecord,
}

impl QuestionView {
    /// Seconds from asking to the first answer, once answered.
    pub fn time_to_first_answer(&self) -> Option<i64> {
        self.record
            .first_answer_at
            .map(|t| (t.0 - self.asked_at.0) / 1_000_000)
    }

    /// Seconds from asking to the first accepted answer, once accepted.
    pub fn time_to_accepted_answer(&self) -> Option<i64> {
        self.record
            .first_accepted_at
            .map(|t| (t.0 - self.asked_at.0) / 1_000_000)
    }

    /// The accepted answer `post`, if it is one.
    pub fn accepted(&self, post: PostId) -> Option<&Accepted> {
        self.record.accepted.iter().find(|a| a.post == post)
    }
}

impl Questions<'_> {
    /// A question's accepted answers, official answers and times, if the viewer may read it.
    pub async fn question(self, viewer: &Viewer, id: TopicId) -> Result<QuestionView, ForumError> {
        let (topic, _) = self.forum().readable_topic(viewer, id).await?;
        if topic.kind != QUESTION {
            return Err(ForumError::Refused(Refused::NotFound));
        }
        Ok(QuestionView {
            topic: topic.id,
            status: topic.status,
            asked_at: topic.created_at,
            record: self.store.question_record(topic.id).await?,
        })
    }
}
