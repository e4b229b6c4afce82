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
//!
//! Here the kind's declaration (`KIND`, its topic spec and settings); one file per action:
//! `accept.rs`, `lists.rs`, `view.rs` (one question), `reminders.rs`, and `store.rs`, the kind's
//! narrow store.

// What the folder's files share: each reads it with `use super::*`.
use crate::error::Refused;
use async_trait::async_trait;
use serde::Serialize;

use crate::audit::NewAuditEntry;
use crate::error::{Invalid, StoreError};
use crate::events::{Event, KindEvent, KindEventSpec};
use crate::forum::{ForumError, TopicFilter, TopicListing, TopicSort};
use crate::ids::{GroupId, MemberId, PostId, TopicId};
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

/// Questions in the registry of kinds.
pub static KIND: crate::kinds::Kind = crate::kinds::Kind {
    name: "question",
    topic: Some(TOPIC),
    actions: &[&ACCEPT],
    events: &[&ACCEPTED, &UNACCEPTED, &WAITING],
    settings: SETTINGS,
    jobs: &[REMINDERS],
    consumers: &[],
    items: None,
    search: None,
    status_labels: None,
    demo: None,
    audience: None,
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
    demo: Some(|demo, topic| Box::pin(demo::load(demo, topic))),
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

mod accept;
mod demo;
mod lists;
mod reminders;
mod store;
mod view;

pub use accept::{ACCEPT, ACCEPTED, UNACCEPTED, accepted};
pub use lists::QuestionList;
pub use reminders::{REMINDERS, WAITING};
pub use store::{Acceptance, AcceptanceRecord, MemberQuestionRecords, QuestionStore, Waiting};
pub use view::{Accepted, QuestionRecord, QuestionView};

#[cfg(test)]
mod tests;
