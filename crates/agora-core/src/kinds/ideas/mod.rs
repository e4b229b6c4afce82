//! Ideas, the product-development loop: an idea is a topic of kind `idea`. Members of its group
//! vote (one vote each, withdrawable; the site may give each trust level a budget of votes on
//! open ideas); staff (site moderators, the group's moderators) move it through statuses from
//! an editable list grouped into sets (open, active, closed), each change kept in a history
//! with a public note; ideas sort by votes, by trending (votes in the last 14 days) or newest;
//! a duplicate is merged into its original, which moves every vote, counts a member who voted
//! on both once, keeps where each vote came from, and can be undone exactly; a merged idea
//! leads to its original. Shipped ideas make a board's public changelog.
//!
//! The status is the topic's status, so lists, search (`is:planned`) and badges follow without
//! knowing ideas; who may vote is the item rule ([`VOTE`], a kind action the item rule asks).
//!
//! Here the kind's declaration (`KIND`, its topic spec and settings); one file per action:
//! `votes.rs`, `statuses.rs`, `merges.rs`, `board.rs` (lists and one idea), and `store.rs`, the
//! kind's narrow store.

// What the folder's files share: each reads it with `use super::*`.
use crate::error::Refused;
use async_trait::async_trait;
use serde::Serialize;

use crate::audit::NewAuditEntry;
use crate::error::{Invalid, StoreError};
use crate::events::{Event, KindEvent, KindEventSpec};
use crate::forum::{ForumError, Topic};
use crate::groups::GroupView;
use crate::groups::policy::Access;
use crate::ids::{GroupId, MemberId, TopicId};
use crate::items::{Action, Denied, KindAction, decide};
use crate::paging::{Cursor, Page};
use crate::time::Timestamp;
use crate::viewer::Viewer;

crate::agora::bounded_modules! {
    /// Ideas: votes, statuses, merges and the changelog. In `kinds/ideas/`.
    Ideas => ideas, IdeasPort: IdeaStore;
}

/// The status of an idea merged into another.
pub const MERGED: &str = "merged";

/// An event of ideas with its fields.
fn event(spec: &'static KindEventSpec, fields: serde_json::Value) -> Event {
    Event::Kind(KindEvent::new(spec, fields))
}

/// Ideas in the registry of kinds.
/// The ideas' settings, edited with the others on the admin's trust page.
pub const SETTINGS: &[crate::trust::KnobInfo] = &[crate::trust::KnobInfo::declared(
    "idea_votes_per_level",
    "Ideas: votes a member may hold on ideas not closed, times their trust level + 1 (0: no limit)",
    0,
    1_000,
)];

/// An idea: a topic members vote for, moved through statuses by staff.
pub const IDEA: crate::forum::TopicKind = crate::forum::TopicKind::new("idea");

/// Ideas in the registry of kinds.
pub static KIND: crate::kinds::Kind = crate::kinds::Kind {
    name: "idea",
    topic: Some(TOPIC),
    actions: &[&VOTE],
    events: &[&VOTED, &UNVOTED, &STATUS_CHANGED, &MERGED_INTO, &UNMERGED],
    settings: SETTINGS,
    jobs: &[],
    consumers: &[],
    items: None,
    search: None,
    status_labels: Some(|agora| Box::pin(agora.ideas().status_labels())),
    demo: None,
    audience: None,
};

/// What topic creation, lists and pages need of ideas.
const TOPIC: crate::kinds::KindSpec = crate::kinds::KindSpec {
    kind: IDEA,
    initial_status: "new",
    badges: &[
        ("planned", "Planned"),
        ("in_progress", "In progress"),
        ("shipped", "Shipped"),
        ("declined", "Declined"),
        (MERGED, "Merged"),
    ],
    badge: "Idea",
    compose: ("Propose an idea", "Post idea"),
    done: &[],
    featured: ("", ""),
    answered: false,
    closed: &[MERGED],
    demo: Some(|demo, topic| Box::pin(demo::load(demo, topic))),
};

mod board;
mod demo;
mod merges;
mod statuses;
mod store;
mod votes;

pub use board::{IdeaBoard, IdeaRecord, IdeaSort, IdeaSummary, IdeaView, TRENDING_DAYS};
pub use merges::{MERGED_INTO, UNMERGED};
pub use statuses::{
    IdeaStatus, STATUS_CHANGED, StatusChange, StatusSet, default_statuses, status_label,
};
pub use store::{
    IdeaChange, IdeaStore, IdeaVoteRecord, MemberIdeaRecords, StatusNoteRecord, VoteChange, Voted,
};
pub use votes::{UNVOTED, VOTE, VOTED};

#[cfg(test)]
mod tests;
