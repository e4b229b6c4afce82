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
//! knowing ideas; who may vote is the item rule ([`crate::items::Action::Vote`]).

use crate::error::Refused;
use async_trait::async_trait;
use serde::Serialize;

use crate::agora::Ideas;
use crate::audit::NewAuditEntry;
use crate::error::{Invalid, StoreError};
use crate::events::Event;
use crate::forum::{ForumError, Topic, TopicKind};
use crate::groups::GroupView;
use crate::groups::policy::Access;
use crate::ids::{GroupId, MemberId, TopicId};
use crate::items::{Action, Denied, decide};
use crate::paging::{Cursor, Page};
use crate::time::Timestamp;
use crate::viewer::Viewer;

/// The status of an idea merged into another.
pub const MERGED: &str = "merged";
/// Ideas in the registry of kinds.
/// The ideas' settings, edited with the others on the admin's trust page.
pub const SETTINGS: &[crate::trust::KnobInfo] = &[crate::trust::KnobInfo::declared(
    "idea_votes_per_level",
    "Ideas: votes a member may hold on ideas not closed, times their trust level + 1 (0: no limit)",
    0,
    1_000,
)];

pub const KIND: crate::kinds::KindSpec = crate::kinds::KindSpec {
    kind: crate::forum::TopicKind::Idea,
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
            KIND.badges
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

impl Ideas<'_> {
    /// The labels of the statuses ideas move through, for badges: the admins' names.
    pub async fn status_labels(self) -> Result<crate::kinds::StatusLabels, StoreError> {
        Ok(crate::kinds::StatusLabels::new(
            self.idea_statuses()
                .await?
                .into_iter()
                .map(|s| (crate::forum::TopicKind::Idea, s.name, s.label))
                .collect(),
        ))
    }

    /// The statuses ideas move through: the admins' list, or the defaults.
    pub async fn idea_statuses(self) -> Result<Vec<IdeaStatus>, StoreError> {
        let stored = self.store.stored_idea_statuses().await?;
        Ok(if stored.is_empty() {
            default_statuses()
        } else {
            stored
        })
    }

    /// Replaces the list of statuses (site admins).
    pub async fn set_idea_statuses(
        self,
        viewer: &Viewer,
        statuses: Vec<IdeaStatus>,
    ) -> Result<Vec<IdeaStatus>, ForumError> {
        viewer
            .actor()
            .ok_or(ForumError::Refused(Refused::SignInRequired))?;
        if !viewer.is_admin() {
            return Err(ForumError::Refused(Refused::Forbidden("admins_only")));
        }
        let statuses: Vec<IdeaStatus> = statuses
            .into_iter()
            .map(|s| IdeaStatus {
                label: s.label.trim().to_owned(),
                ..s
            })
            .collect();
        check_statuses(&statuses)?;
        let names: Vec<&str> = statuses.iter().map(|s| s.name.as_str()).collect();
        let audit = self.audit_entry(
            viewer,
            "idea.statuses",
            crate::audit::Target::site(),
            None,
            names.join(", "),
        );
        self.store.replace_idea_statuses(&statuses, &audit).await?;
        Ok(self.idea_statuses().await?)
    }

    /// A group's ideas.
    pub async fn list(
        self,
        viewer: &Viewer,
        slug: &str,
        sort: IdeaSort,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<IdeaBoard, ForumError> {
        let group = self.groups().readable_group(viewer, slug).await?;
        let since = self.now().plus_seconds(-TRENDING_DAYS * 86_400);
        let rows = self
            .store
            .list_ideas(group.group.id, sort, since, cursor, limit + 1)
            .await?;
        let ideas = Page::from_overfetch(rows, limit, |i| Cursor {
            key: match sort {
                IdeaSort::Votes => i.votes,
                IdeaSort::Trending => i.recent_votes,
                IdeaSort::Newest => i.topic.created_at.0,
            },
            id: i.topic.id.0,
        });
        Ok(IdeaBoard {
            group,
            ideas,
            statuses: self.idea_statuses().await?,
        })
    }

    /// A group's shipped ideas, for its changelog.
    pub async fn shipped_ideas(
        self,
        viewer: &Viewer,
        slug: &str,
    ) -> Result<(GroupView, Vec<(Topic, StatusChange)>), ForumError> {
        let group = self.groups().readable_group(viewer, slug).await?;
        let shipped = self.store.shipped_ideas(group.group.id, 100).await?;
        Ok((group, shipped))
    }

    /// An idea's votes, status, history and merges, if the viewer may read it.
    pub async fn idea(self, viewer: &Viewer, id: TopicId) -> Result<IdeaView, ForumError> {
        let (topic, _) = self.forum().readable_topic(viewer, id).await?;
        if topic.kind != TopicKind::Idea {
            return Err(ForumError::Refused(Refused::NotFound));
        }
        let record = self.store.idea_record(topic.id, viewer.id()).await?;
        let status = self
            .idea_statuses()
            .await?
            .into_iter()
            .find(|s| s.name == topic.status);
        Ok(IdeaView {
            topic,
            record,
            status,
        })
    }

    /// Votes for an idea (members of its group; within the budget of their trust level).
    pub async fn vote(self, viewer: &Viewer, id: TopicId) -> Result<IdeaView, ForumError> {
        let (actor, topic) = self.votable(viewer, id).await?;
        let per_level = self
            .trust()
            .trust_settings()
            .await?
            .get("idea_votes_per_level");
        let budget = (per_level > 0 && !viewer.is_site_moderator())
            .then(|| per_level * (actor.trust.number() + 1));
        let closed = self
            .idea_statuses()
            .await?
            .into_iter()
            .filter(|s| s.set == StatusSet::Closed)
            .map(|s| s.name)
            .collect();
        let change = VoteChange {
            topic: topic.id,
            member: actor.id,
            at: self.now(),
            budget,
            closed,
            events: vec![Event::IdeaVoted {
                topic: topic.id.0,
                member: actor.id.0,
            }],
        };
        match self.store.vote(&change).await? {
            Voted::OverBudget => {
                return Err(ForumError::Refused(Refused::Forbidden("vote_budget")));
            }
            Voted::Counted => self.events_recorded.notify_one(),
            Voted::Already => {}
            Voted::Merged => return Err(self.merged(topic.id).await),
        }
        self.idea(viewer, id).await
    }

    /// Takes a vote back.
    pub async fn unvote(self, viewer: &Viewer, id: TopicId) -> Result<IdeaView, ForumError> {
        let (actor, topic) = self.votable(viewer, id).await?;
        let change = VoteChange {
            topic: topic.id,
            member: actor.id,
            at: self.now(),
            budget: None,
            closed: Vec::new(),
            events: vec![Event::IdeaUnvoted {
                topic: topic.id.0,
                member: actor.id.0,
            }],
        };
        if self.store.unvote(&change).await? {
            self.events_recorded.notify_one();
        }
        self.idea(viewer, id).await
    }

    async fn votable(
        self,
        viewer: &Viewer,
        id: TopicId,
    ) -> Result<(crate::viewer::Actor, Topic), ForumError> {
        let actor = viewer
            .actor()
            .ok_or(ForumError::Refused(Refused::SignInRequired))?
            .clone();
        let (topic, group) = self.forum().readable_topic(viewer, id).await?;
        match decide(viewer, group.access, &topic.facts(), Action::Vote) {
            Err(Denied::Forbidden("merged")) => Err(self.merged(topic.id).await),
            Err(denied) => Err(denied.into()),
            Ok(()) => Ok((actor, topic)),
        }
    }

    /// The refusal of an action on a merged idea, naming the original it went into.
    async fn merged(self, id: TopicId) -> ForumError {
        match self.store.idea_record(id, None).await {
            Ok(record) => ForumError::Merged {
                into: record.merged_into,
            },
            Err(e) => e.into(),
        }
    }

    /// Checks that the viewer is staff for the idea: a site moderator or the group's
    /// moderator.
    async fn staff_idea(
        self,
        viewer: &Viewer,
        id: TopicId,
    ) -> Result<(Topic, GroupView), ForumError> {
        viewer
            .actor()
            .ok_or(ForumError::Refused(Refused::SignInRequired))?;
        let (topic, group) = self.forum().readable_topic(viewer, id).await?;
        if topic.kind != TopicKind::Idea {
            return Err(ForumError::Refused(Refused::NotFound));
        }
        if !viewer.is_site_moderator() {
            decide(viewer, group.access, &topic.facts(), Action::Moderate)?;
        } else if let Some(code) = crate::guard::Needs::Active.sanctioned(viewer) {
            return Err(ForumError::Refused(Refused::Forbidden(code)));
        }
        Ok((topic, group))
    }

    /// Sets an idea's status with a note everyone reads (staff).
    pub async fn set_idea_status(
        self,
        viewer: &Viewer,
        id: TopicId,
        status: &str,
        note: &str,
    ) -> Result<IdeaView, ForumError> {
        let (topic, group) = self.staff_idea(viewer, id).await?;
        if topic.facts().merged {
            return Err(self.merged(topic.id).await);
        }
        let statuses = self.idea_statuses().await?;
        if !statuses.iter().any(|s| s.name == status) {
            let names: Vec<&str> = statuses.iter().map(|s| s.name.as_str()).collect();
            return Err(Invalid::new(
                "status",
                "invalid_choice",
                format!("Choose one of: {}.", names.join(", ")),
            )
            .into());
        }
        let note = note.trim();
        if note.chars().count() > 2_000 || note.chars().any(|c| c.is_control() && c != '\n') {
            return Err(Invalid::new(
                "note",
                "too_long",
                "A note is at most 2,000 characters of text.",
            )
            .into());
        }
        let change = IdeaChange {
            topic: topic.id,
            to: status.to_owned(),
            note: note.to_owned(),
            by: viewer
                .id()
                .ok_or(ForumError::Refused(Refused::SignInRequired))?,
            at: self.now(),
            audit: self.audit_entry(
                viewer,
                "idea.status",
                crate::audit::Target::topic(topic.id, &topic.title),
                Some(group.group.id),
                format!("{} → {status}", topic.status),
            ),
            events: vec![Event::IdeaStatusChanged {
                topic: topic.id.0,
                from: topic.status.clone(),
                to: status.to_owned(),
            }],
        };
        if self.store.set_idea_status(&change).await? {
            self.events_recorded.notify_one();
        }
        self.idea(viewer, id).await
    }

    /// Merges a duplicate idea into its original (staff of both).
    pub async fn merge_idea(
        self,
        viewer: &Viewer,
        duplicate: TopicId,
        original: TopicId,
    ) -> Result<IdeaView, ForumError> {
        let (dup, group) = self.staff_idea(viewer, duplicate).await?;
        let (orig, _) = self.staff_idea(viewer, original).await?;
        if dup.id == orig.id || dup.status == MERGED || orig.status == MERGED {
            return Err(Invalid::new(
                "into",
                "invalid_choice",
                "Merge an idea into another idea that is not itself merged.",
            )
            .into());
        }
        if !self
            .store
            .idea_record(dup.id, None)
            .await?
            .merged_from
            .is_empty()
        {
            return Err(Invalid::new(
                "into",
                "invalid_choice",
                "Other ideas were merged into this one: merge them into the original too, or undo their merges first.",
            )
            .into());
        }
        if dup.group_id != orig.group_id {
            return Err(Invalid::new(
                "into",
                "invalid_choice",
                "Merge ideas of the same board only.",
            )
            .into());
        }
        let change = IdeaChange {
            topic: dup.id,
            to: MERGED.into(),
            note: format!("Merged into topic:{}", orig.id),
            by: viewer
                .id()
                .ok_or(ForumError::Refused(Refused::SignInRequired))?,
            at: self.now(),
            audit: self.audit_entry(
                viewer,
                "idea.merge",
                crate::audit::Target::topic(dup.id, &dup.title),
                Some(group.group.id),
                format!("into topic:{}", orig.id),
            ),
            events: vec![Event::IdeaMerged {
                duplicate: dup.id.0,
                original: orig.id.0,
            }],
        };
        if !self.store.merge_idea(&change, orig.id).await? {
            return Err(Invalid::new(
                "into",
                "invalid_choice",
                "One of these ideas was merged meanwhile: reload the board and try again.",
            )
            .into());
        }
        self.events_recorded.notify_one();
        self.idea(viewer, orig.id).await
    }

    /// Undoes a merge exactly: the duplicate gets its votes and its status back.
    pub async fn unmerge_idea(
        self,
        viewer: &Viewer,
        duplicate: TopicId,
    ) -> Result<IdeaView, ForumError> {
        let (dup, group) = self.staff_idea(viewer, duplicate).await?;
        let change = IdeaChange {
            topic: dup.id,
            to: String::new(),
            note: String::new(),
            by: viewer
                .id()
                .ok_or(ForumError::Refused(Refused::SignInRequired))?,
            at: self.now(),
            audit: self.audit_entry(
                viewer,
                "idea.unmerge",
                crate::audit::Target::topic(dup.id, &dup.title),
                Some(group.group.id),
                String::new(),
            ),
            events: vec![Event::IdeaUnmerged {
                duplicate: dup.id.0,
            }],
        };
        if !self.store.unmerge_idea(&change).await? {
            return Err(Invalid::new("topic", "not_merged", "This idea is not merged.").into());
        }
        self.events_recorded.notify_one();
        self.idea(viewer, duplicate).await
    }

    /// Whether `access` lets the viewer see the board's staff controls.
    pub fn idea_staff(viewer: &Viewer, access: Access) -> bool {
        viewer.is_site_moderator() || access >= Access::Moderate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(name: &str, set: StatusSet) -> IdeaStatus {
        IdeaStatus {
            name: name.into(),
            label: name.into(),
            set,
        }
    }

    #[test]
    fn a_status_list_keeps_new_and_names_each_status_once() {
        assert!(check_statuses(&[status("new", StatusSet::Open)]).is_ok());
        assert!(check_statuses(&[status("planned", StatusSet::Active)]).is_err());
        assert!(
            check_statuses(&[
                status("new", StatusSet::Open),
                status("new", StatusSet::Closed)
            ])
            .is_err()
        );
        assert!(
            check_statuses(&[
                status("new", StatusSet::Open),
                status("merged", StatusSet::Closed)
            ])
            .is_err()
        );
        assert!(
            check_statuses(&[
                status("new", StatusSet::Open),
                status("Bad Name", StatusSet::Open)
            ])
            .is_err()
        );
    }

    #[test]
    fn sorts_and_sets_are_named() {
        for sort in [IdeaSort::Votes, IdeaSort::Trending, IdeaSort::Newest] {
            assert_eq!(IdeaSort::parse(Some(sort.as_str())), Ok(sort));
        }
        assert!(IdeaSort::parse(Some("random")).is_err());
        for set in [StatusSet::Open, StatusSet::Active, StatusSet::Closed] {
            assert_eq!(StatusSet::parse(set.as_str()), Some(set));
        }
    }
}
