//! An idea's statuses: the site's list of them, their labels, and a moderator's change of one
//! idea's status with its note.

use serde_json::json;
use super::*;

impl Ideas<'_> {
    /// The labels of the statuses ideas move through, for badges: the admins' names, as
    /// (kind, status, label).
    pub async fn status_labels(
        self,
    ) -> Result<Vec<(crate::forum::TopicKind, String, String)>, StoreError> {
        Ok(self
            .idea_statuses()
            .await?
            .into_iter()
            .map(|s| (super::IDEA, s.name, s.label))
            .collect())
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
        crate::audience::require(viewer, crate::audience::Duty::RunSite)
            .map_err(ForumError::Refused)?;
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

    /// Sets an idea's status with a note everyone reads (staff).
    pub async fn set_idea_status(
        self,
        viewer: &Viewer,
        id: TopicId,
        status: &str,
        note: &str,
    ) -> Result<IdeaView, ForumError> {
        let (topic, group) = self.staff_idea(viewer, id).await?;
        if topic.topic_facts().closed {
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
        let by = viewer
            .id()
            .ok_or(ForumError::Refused(Refused::SignInRequired))?;
        let change = IdeaChange {
            topic: topic.id,
            to: status.to_owned(),
            note: note.to_owned(),
            by,
            at: self.now(),
            audit: self.audit_entry(
                viewer,
                "idea.status",
                crate::audit::Target::topic(topic.id, &topic.title),
                Some(group.group.id),
                format!("{} → {status}", topic.status),
            ),
            events: vec![super::event(
                &super::STATUS_CHANGED,
                json!({"topic": topic.id.0, "from": topic.status, "to": status, "by": by.0}),
            )],
        };
        if self.store.set_idea_status(&change).await? {
            self.events_recorded.notify_one();
        }
        self.idea(viewer, id).await
    }
}
