//! Q&A, customers helping customers: a question is a topic of kind `question`, its replies
//! are its answers. The asker, the group's moderators or site staff accept one or more
//! answers, one of them the best; the best shows under the question and in search results
//! (as the topic's featured post), and the question's status goes from `open` to `solved`.
//! Answers by site staff are official. A question nobody answered for the set number of days
//! is listed as unanswered; an asker who let an answer wait that long is reminded once
//! (an `AnswerWaiting` event). Time to first answer and to the accepted answer are kept per
//! question.
//!
//! Everything shared comes from the core: who may accept is the item rule
//! ([`ACCEPT`], a kind action the item rule asks), lists and search filter on the topic's status, and the
//! best answer is shown through the featured post.

use crate::error::Refused;
use async_trait::async_trait;
use serde::Serialize;

use crate::audit::NewAuditEntry;
use crate::error::{Invalid, StoreError};
use crate::events::{Event, KindEvent, KindEventSpec};
use crate::forum::{ForumError, TopicFilter, TopicListing, TopicSort};
use crate::ids::{MemberId, PostId, TopicId};
use crate::items::{Action, Denied, KindAction, decide};
use crate::paging::Cursor;
use crate::time::Timestamp;
use crate::viewer::Viewer;

crate::agora::bounded_modules! {
    /// Q&A: accepted answers and question lists. In `kinds/questions/`.
    Questions => questions, QuestionsPort: QuestionStore;
}

/// The status of a question no answer was accepted on.
pub const OPEN: &str = "open";
/// The status of a question with an accepted answer.
pub const SOLVED: &str = "solved";

/// A question: a topic whose replies answer it.
pub const QUESTION: crate::forum::TopicKind = crate::forum::TopicKind::new("question");

/// Accepting an answer: the asker, the audience's moderators and the site's moderators accept
/// a published reply to a question.
pub static ACCEPT: KindAction = KindAction {
    name: "accept",
    rule: |a| {
        let asker = a
            .item
            .topic
            .filter(|t| t.kind == QUESTION && !a.item.opening)
            .map(|t| t.author);
        let Some(asker) = asker else {
            return Err(Denied::Forbidden("not_an_answer"));
        };
        if !a.item.state.is_published() {
            Err(a.not_published)
        } else if asker != a.actor.id && !a.moderator && !crate::audience::in_staff(a.viewer) {
            Err(Denied::Forbidden("asker_only"))
        } else {
            Ok(())
        }
    },
};

/// An answer to a question was accepted (by the asker, a moderator or staff): `topic`, `post`,
/// `by`.
pub static ACCEPTED: KindEventSpec = KindEventSpec {
    name: "answer_accepted",
    topics: &["topic"],
    shown: true,
};

/// An accepted answer was taken back: `topic`, `post`, `by`.
pub static UNACCEPTED: KindEventSpec = KindEventSpec {
    name: "answer_unaccepted",
    topics: &["topic"],
    shown: true,
};

/// An answer has waited the set number of days without the asker accepting any: the asker is
/// to be reminded, once (`topic`, `post`, `asker`; the notifications issue delivers it).
pub static WAITING: KindEventSpec = KindEventSpec {
    name: "answer_waiting",
    topics: &["topic"],
    shown: false,
};

/// The event `spec` (accepted or taken back) of `post` in `topic`, by `by`.
pub fn accepted(spec: &'static KindEventSpec, topic: TopicId, post: PostId, by: MemberId) -> Event {
    Event::Kind(KindEvent::new(
        spec,
        serde_json::json!({"topic": topic.0, "post": post.0, "by": by.0}),
    ))
}

/// Questions in the registry of kinds.
pub static KIND: crate::kinds::Kind = crate::kinds::Kind {
    name: "question",
    topic: Some(TOPIC),
    actions: &[&ACCEPT],
    events: &[&ACCEPTED, &UNACCEPTED, &WAITING],
    settings: SETTINGS,
    jobs: &[REMINDERS],
    items: None,
    search: None,
    status_labels: None,
    demo: None,
};

/// What topic creation, lists and pages need of questions.
const TOPIC: crate::kinds::KindSpec = crate::kinds::KindSpec {
    kind: QUESTION,
    initial_status: OPEN,
    badges: &[(SOLVED, "Solved")],
    badge: "Question",
    compose: ("Ask a question", "Post question"),
    done: &[SOLVED],
    featured: ("Accepted answer", "Best answer"),
    answered: true,
    closed: &[],
};

/// Q&A's settings, edited with the others on the admin's trust page.
pub const SETTINGS: &[crate::trust::KnobInfo] = &[
    crate::trust::KnobInfo::declared(
        "question_unanswered_days",
        "Questions: days without an answer before one is listed as unanswered",
        2,
        365,
    ),
    crate::trust::KnobInfo::declared(
        "question_remind_days",
        "Questions: days an answer may wait before the asker is reminded to accept one (0: never)",
        3,
        365,
    ),
];

/// The worker's reminders to askers who let an answer wait.
pub const REMINDERS: crate::kinds::PeriodicJob = crate::kinds::PeriodicJob {
    name: "question reminders",
    run: |agora| Box::pin(async move { agora.questions().remind_askers().await }),
};

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

/// The lists of a group's questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuestionList {
    /// Every question, newest activity first.
    #[default]
    All,
    /// No answer after the set number of days.
    Unanswered,
    /// Answered, none accepted yet.
    Answered,
    /// An answer accepted.
    Solved,
}

impl QuestionList {
    /// From its name in an address (`unanswered`, `answered`, `solved`; `all` or none).
    pub fn parse(name: Option<&str>) -> Result<Self, Invalid> {
        match name {
            None | Some("all") => Ok(Self::All),
            Some("unanswered") => Ok(Self::Unanswered),
            Some("answered") => Ok(Self::Answered),
            Some("solved") => Ok(Self::Solved),
            Some(_) => Err(Invalid::new(
                "list",
                "invalid_choice",
                "List all, unanswered, answered or solved questions.",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Unanswered => "unanswered",
            Self::Answered => "answered",
            Self::Solved => "solved",
        }
    }
}

impl Questions<'_> {
    /// A group's questions in one of its lists.
    pub async fn list(
        self,
        viewer: &Viewer,
        slug: &str,
        list: QuestionList,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<TopicListing, ForumError> {
        let days = self
            .trust()
            .trust_settings()
            .await?
            .get("question_unanswered_days");
        let mut filter = TopicFilter {
            kind: Some(QUESTION),
            ..TopicFilter::default()
        };
        match list {
            QuestionList::All => {}
            QuestionList::Unanswered => {
                filter.replied = Some(false);
                filter.created_before = Some(self.now().plus_seconds(-days * 86_400));
            }
            QuestionList::Answered => {
                filter.replied = Some(true);
                filter.status = Some(OPEN.into());
            }
            QuestionList::Solved => filter.status = Some(SOLVED.into()),
        }
        self.forum()
            .topics(viewer, slug, TopicSort::Latest, cursor, limit, &filter)
            .await
    }

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

    /// Accepts `post` as an answer to its question (the asker, the group's moderators, site
    /// staff); `best` makes it the one shown under the question.
    pub async fn accept_answer(
        self,
        viewer: &Viewer,
        post: PostId,
        best: bool,
    ) -> Result<QuestionView, ForumError> {
        self.change_acceptance(viewer, post, Some(best)).await
    }

    /// Takes back the acceptance of `post`.
    pub async fn unaccept_answer(
        self,
        viewer: &Viewer,
        post: PostId,
    ) -> Result<QuestionView, ForumError> {
        self.change_acceptance(viewer, post, None).await
    }

    async fn change_acceptance(
        self,
        viewer: &Viewer,
        id: PostId,
        best: Option<bool>,
    ) -> Result<QuestionView, ForumError> {
        let actor = viewer
            .actor()
            .ok_or(ForumError::Refused(Refused::SignInRequired))?;
        let (post, topic, group) = self.forum().post(viewer, id).await?;
        decide(viewer, group.access, &post.facts(&topic), Action::Kind(&ACCEPT))?;
        let (action, event) = match best {
            Some(_) => (
                "answer.accept",
                accepted(&ACCEPTED, topic.id, post.id, actor.id),
            ),
            None => (
                "answer.unaccept",
                accepted(&UNACCEPTED, topic.id, post.id, actor.id),
            ),
        };
        // The asker accepting an answer to their own question is no moderation; anyone
        // else's acceptance is.
        let audit = if actor.id == topic.author.id {
            Vec::new()
        } else {
            self.audit_entry(
                viewer,
                action,
                crate::audit::Target::post(post.id, &post.author.username),
                Some(group.group.id),
                format!("question topic:{}", topic.id),
            )
        };
        let acceptance = Acceptance {
            topic: topic.id,
            post: post.id,
            best: best.unwrap_or(false),
            by: actor.id,
            at: self.now(),
            audit,
            events: vec![event],
        };
        let changed = match best {
            Some(_) => self.store.accept_answer(&acceptance).await?,
            None => self.store.unaccept_answer(&acceptance).await?,
        };
        if changed {
            self.events_recorded.notify_one();
        }
        self.question(viewer, topic.id).await
    }

    /// Records a reminder for each asker who let an answer wait the set number of days; how
    /// many were recorded. Run by the worker.
    pub(crate) async fn remind_askers(self) -> Result<usize, StoreError> {
        let days = self
            .trust()
            .trust_settings()
            .await?
            .get("question_remind_days");
        if days <= 0 {
            return Ok(0);
        }
        let now = self.now();
        let mut reminded = 0;
        for waiting in self
            .store
            .answers_waiting(now.plus_seconds(-days * 86_400), 100)
            .await?
        {
            let event = Event::Kind(KindEvent::new(
                &WAITING,
                serde_json::json!({
                    "topic": waiting.topic.0,
                    "post": waiting.post.0,
                    "asker": waiting.asker.0,
                }),
            ));
            if self.store.remind_asker(waiting, now, &event).await? {
                reminded += 1;
            }
        }
        Ok(reminded)
    }
}

#[cfg(test)]
mod tests;
