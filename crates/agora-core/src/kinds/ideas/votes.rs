//! Votes: one per member and idea, taken back at will, within the site's budget; who may vote
//! (the kind's action, [`VOTE`]) and who acts as the ideas' staff; the votes' events.

use serde_json::json;
use super::*;

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
    who: Some("member"),
    member: None,
    item: None,
    audience: Some((crate::audience::AudienceKind::Group, "group")),
};

/// A member took their vote back: `topic`, `member`.
pub static UNVOTED: KindEventSpec = KindEventSpec {
    name: "idea_unvoted",
    topics: &["topic"],
    shown: true,
    who: Some("member"),
    member: None,
    item: None,
    audience: Some((crate::audience::AudienceKind::Group, "group")),
};


impl Ideas<'_> {
    /// Votes for an idea (members of its group; within the budget of their trust level).
    pub async fn vote(self, viewer: &Viewer, id: TopicId) -> Result<IdeaView, ForumError> {
        let (actor, topic) = self.votable(viewer, id).await?;
        let per_level = self
            .trust()
            .trust_settings()
            .await?
            .get("idea_votes_per_level");
        let budget = (per_level > 0 && !crate::audience::in_staff(viewer))
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
            events: vec![super::event(
                &super::VOTED,
                json!({"topic": topic.id.0, "member": actor.id.0, "group": topic.group_id.0}),
            )],
        };
        match self.store.vote(&change).await? {
            Voted::OverBudget => {
                return Err(ForumError::Refused(Refused::Forbidden("vote_budget")));
            }
            Voted::Counted => self.nudge_worker(),
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
            events: vec![super::event(
                &super::UNVOTED,
                json!({"topic": topic.id.0, "member": actor.id.0, "group": topic.group_id.0}),
            )],
        };
        if self.store.unvote(&change).await? {
            self.nudge_worker();
        }
        self.idea(viewer, id).await
    }

    pub(super) async fn votable(
        self,
        viewer: &Viewer,
        id: TopicId,
    ) -> Result<(crate::viewer::Actor, Topic), ForumError> {
        let actor = viewer
            .actor()
            .ok_or(ForumError::Refused(Refused::SignInRequired))?
            .clone();
        let (topic, group) = self.forum().readable_topic(viewer, id).await?;
        match decide(viewer, group.access, &topic.facts(), Action::Kind(&super::VOTE)) {
            Err(Denied::Forbidden("merged")) => Err(self.merged(topic.id).await),
            Err(denied) => Err(denied.into()),
            Ok(()) => Ok((actor, topic)),
        }
    }

    /// The refusal of an action on a merged idea, naming the original it went into.
    pub(super) async fn merged(self, id: TopicId) -> ForumError {
        match self.store.idea_record(id, None).await {
            Ok(record) => ForumError::Merged {
                into: record.merged_into,
            },
            Err(e) => e.into(),
        }
    }

    /// Checks that the viewer is staff for the idea: a site moderator or the group's
    /// moderator.
    pub(super) async fn staff_idea(
        self,
        viewer: &Viewer,
        id: TopicId,
    ) -> Result<(Topic, GroupView), ForumError> {
        viewer
            .actor()
            .ok_or(ForumError::Refused(Refused::SignInRequired))?;
        let (topic, group) = self.forum().readable_topic(viewer, id).await?;
        if topic.kind != super::IDEA {
            return Err(ForumError::Refused(Refused::NotFound));
        }
        if !crate::audience::in_staff(viewer) {
            decide(viewer, group.access, &topic.facts(), Action::Moderate)?;
        } else if let Some(code) = crate::guard::Needs::Active.sanctioned(viewer) {
            return Err(ForumError::Refused(Refused::Forbidden(code)));
        }
        Ok((topic, group))
    }
}
