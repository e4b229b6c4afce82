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
/// Voting for an idea (or taking the vote back): the members who take part in its audience,
/// on its opening post while it is published, not merged and not locked.
pub static VOTE: KindAction = KindAction {
    name: "vote",
    rule: |a| {
        let idea = a.item.topic.filter(|t| t.kind == IDEA && a.item.opening);
        let Some(idea) = idea else {
            return Err(Denied::Forbidden("not_votable"));
        };
        if idea.closed {
            Err(Denied::Forbidden("merged"))
        } else if a.item.locked && !a.moderator {
            // A locked topic (or an archived group's) takes no more votes.
            Err(Denied::Locked)
        } else if a.access < Access::Participate {
            Err(Denied::Forbidden("join_required"))
        } else if !a.item.state.is_published() {
            Err(a.not_published)
        } else if !a.actor.verified {
            Err(Denied::Forbidden("email_unverified"))
        } else {
            Ok(())
        }
    },
};

/// A member voted for an idea: `topic`, `member`.
pub static VOTED: KindEventSpec = KindEventSpec {
    name: "idea_voted",
    topics: &["topic"],
    shown: true,
};

/// A member took their vote back: `topic`, `member`.
pub static UNVOTED: KindEventSpec = KindEventSpec {
    name: "idea_unvoted",
    topics: &["topic"],
    shown: true,
};

/// Staff moved an idea to another status: `topic`, `from`, `to`, `by`.
pub static STATUS_CHANGED: KindEventSpec = KindEventSpec {
    name: "idea_status_changed",
    topics: &["topic"],
    shown: true,
};

/// A duplicate idea was merged into its original (`duplicate`, `original`, `by`): the
/// original's page and count change with the duplicate's.
pub static MERGED_INTO: KindEventSpec = KindEventSpec {
    name: "idea_merged",
    topics: &["duplicate", "original"],
    shown: true,
};

/// A merge was undone: `duplicate`, `by`.
pub static UNMERGED: KindEventSpec = KindEventSpec {
    name: "idea_unmerged",
    topics: &["duplicate"],
    shown: true,
};

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
    items: None,
    search: None,
    status_labels: Some(|agora| Box::pin(agora.ideas().status_labels())),
    demo: None,
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
};
/// How far back "trending" counts votes, in days.
pub const TRENDING_DAYS: i64 = 14;

/// The set a status belongs to: what a budget of votes and the board's filters go by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusSet {
    /// Waiting for a decision (new, under review).
    Open,
    /// Decided to do (planned, in progress).
    Active,
    /// Done with (shipped, declined, already exists): votes on it no longer count against a
    /// member's budget.
    Closed,
}

impl StatusSet {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Active => "active",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Self::Open),
            "active" => Some(Self::Active),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }
}

/// A status an idea can have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdeaStatus {
    /// As stored and searched (`is:planned`): lowercase letters and underscores.
    pub name: String,
    pub label: String,
    pub set: StatusSet,
}

/// The label of status `name` in `statuses`, or the name itself made readable (a status that
/// left the list, or `merged`).
pub fn status_label(statuses: &[IdeaStatus], name: &str) -> String {
    statuses.iter().find(|s| s.name == name).map_or_else(
        || {
            TOPIC.badges
                .iter()
                .find(|(s, _)| *s == name)
                .map_or_else(|| name.replace('_', " "), |(_, b)| (*b).to_owned())
        },
        |s| s.label.clone(),
    )
}

/// A change of an idea's status, with the note staff wrote for everyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    pub from: String,
    pub to: String,
    pub note: String,
    /// The username of who changed it; `None` once they erased their account.
    pub by: Option<String>,
    /// Their display name, as pages show them.
    pub by_display_name: Option<String>,
    pub at: Timestamp,
}

/// What is kept of an idea beyond its topic.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IdeaRecord {
    pub votes: i64,
    /// Whether the viewer voted for it.
    pub voted: bool,
    /// Votes it holds that were cast on ideas merged into it.
    pub merged_votes: i64,
    pub history: Vec<StatusChange>,
    /// The original it was merged into.
    pub merged_into: Option<TopicId>,
    /// Ideas merged into it.
    pub merged_from: Vec<TopicId>,
}

/// An idea in a board's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdeaSummary {
    pub topic: Topic,
    pub votes: i64,
    /// Votes in the last [`TRENDING_DAYS`].
    pub recent_votes: i64,
}

/// How a board is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdeaSort {
    #[default]
    Votes,
    Trending,
    Newest,
}

impl IdeaSort {
    pub fn parse(s: Option<&str>) -> Result<Self, Invalid> {
        match s {
            None | Some("votes") => Ok(Self::Votes),
            Some("trending") => Ok(Self::Trending),
            Some("newest") => Ok(Self::Newest),
            Some(_) => Err(Invalid::new(
                "sort",
                "invalid_choice",
                "Sort ideas by votes, trending or newest.",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Votes => "votes",
            Self::Trending => "trending",
            Self::Newest => "newest",
        }
    }
}

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

/// An idea as its page and the API show it.
#[derive(Debug, Clone)]
pub struct IdeaView {
    pub topic: Topic,
    pub record: IdeaRecord,
    pub status: Option<IdeaStatus>,
}

/// A board's page of ideas.
#[derive(Debug, Clone)]
pub struct IdeaBoard {
    pub group: GroupView,
    pub ideas: Page<IdeaSummary>,
    pub statuses: Vec<IdeaStatus>,
}

fn check_statuses(statuses: &[IdeaStatus]) -> Result<(), Invalid> {
    if statuses.is_empty() || statuses.len() > 20 {
        return Err(Invalid::new(
            "statuses",
            "invalid_length",
            "Give between 1 and 20 statuses.",
        ));
    }
    for (i, s) in statuses.iter().enumerate() {
        if !crate::forum::model::is_status_name(&s.name) || s.name == MERGED {
            return Err(Invalid::new(
                "statuses",
                "invalid_format",
                "A status name is 1–32 lowercase letters or underscores (not \"merged\").",
            ));
        }
        let label = s.label.trim();
        if label.is_empty() || label.chars().count() > 40 || label.chars().any(char::is_control) {
            return Err(Invalid::new(
                "statuses",
                "invalid_length",
                "A label is 1–40 characters of text.",
            ));
        }
        if statuses[..i].iter().any(|o| o.name == s.name) {
            return Err(Invalid::new(
                "statuses",
                "duplicate",
                "Each status is named once.",
            ));
        }
    }
    if !statuses.iter().any(|s| s.name == "new") {
        return Err(Invalid::new(
            "statuses",
            "required",
            "Keep the status \"new\": every idea starts in it.",
        ));
    }
    Ok(())
}

/// The statuses a site starts with (those of the issue, as Khoros and UserVoice boards use).
pub fn default_statuses() -> Vec<IdeaStatus> {
    [
        ("new", "New", StatusSet::Open),
        ("under_review", "Under review", StatusSet::Open),
        ("planned", "Planned", StatusSet::Active),
        ("in_progress", "In progress", StatusSet::Active),
        ("shipped", "Shipped", StatusSet::Closed),
        ("declined", "Declined", StatusSet::Closed),
        ("already_exists", "Already exists", StatusSet::Closed),
    ]
    .into_iter()
    .map(|(name, label, set)| IdeaStatus {
        name: name.into(),
        label: label.into(),
        set,
    })
    .collect()
}

mod board;
mod merges;
mod statuses;
mod votes;

#[cfg(test)]
mod tests;
