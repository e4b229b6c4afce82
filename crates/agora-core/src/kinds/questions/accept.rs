//! Accepting an answer and taking the acceptance back: who may (the kind's action,
//! [`ACCEPT`]), the events recorded, and the audit entry when it is not the asker's own.

use super::*;

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
    who: Some("by"),
    member: None,
    item: Some((crate::forum::items::POST, "post")),
    audience: Some((crate::audience::AudienceKind::Group, "group")),
};

/// An accepted answer was taken back: `topic`, `post`, `by`.
pub static UNACCEPTED: KindEventSpec = KindEventSpec {
    name: "answer_unaccepted",
    topics: &["topic"],
    shown: true,
    who: Some("by"),
    member: None,
    item: Some((crate::forum::items::POST, "post")),
    audience: Some((crate::audience::AudienceKind::Group, "group")),
};

/// The event `spec` (accepted or taken back) of `post` in `topic` of `group`, by `by`.
pub fn accepted(
    spec: &'static KindEventSpec,
    group: GroupId,
    topic: TopicId,
    post: PostId,
    by: MemberId,
) -> Event {
    Event::Kind(KindEvent::new(
        spec,
        serde_json::json!({"topic": topic.0, "post": post.0, "by": by.0, "group": group.0}),
    ))
}

impl Questions<'_> {
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
                accepted(&ACCEPTED, topic.group_id, topic.id, post.id, actor.id),
            ),
            None => (
                "answer.unaccept",
                accepted(&UNACCEPTED, topic.group_id, topic.id, post.id, actor.id),
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
            self.nudge_worker();
        }
        self.question(viewer, topic.id).await
    }
}
