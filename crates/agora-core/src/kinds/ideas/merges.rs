//! Merging a duplicate idea into another (its votes move once per member) and undoing it, with
//! their events.

use serde_json::json;
use super::*;

/// A duplicate idea was merged into its original (`duplicate`, `original`, `by`): the
/// original's page and count change with the duplicate's.
pub static MERGED_INTO: KindEventSpec = KindEventSpec {
    name: "idea_merged",
    topics: &["duplicate", "original"],
    shown: true,
    who: Some("by"),
    member: None,
    item: None,
    audience: Some((crate::audience::AudienceKind::Group, "group")),
};

/// A merge was undone: `duplicate`, `by`.
pub static UNMERGED: KindEventSpec = KindEventSpec {
    name: "idea_unmerged",
    topics: &["duplicate"],
    shown: true,
    who: Some("by"),
    member: None,
    item: None,
    audience: Some((crate::audience::AudienceKind::Group, "group")),
};

impl Ideas<'_> {
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
        let by = viewer
            .id()
            .ok_or(ForumError::Refused(Refused::SignInRequired))?;
        let change = IdeaChange {
            topic: dup.id,
            to: MERGED.into(),
            note: format!("Merged into topic:{}", orig.id),
            by,
            at: self.now(),
            audit: self.audit_entry(
                viewer,
                "idea.merge",
                crate::audit::Target::topic(dup.id, &dup.title),
                Some(group.group.id),
                format!("into topic:{}", orig.id),
            ),
            events: vec![super::event(
                &super::MERGED_INTO,
                json!({"duplicate": dup.id.0, "original": orig.id.0, "by": by.0, "group": dup.group_id.0}),
            )],
        };
        if !self.store.merge_idea(&change, orig.id).await? {
            return Err(Invalid::new(
                "into",
                "invalid_choice",
                "One of these ideas was merged meanwhile: reload the board and try again.",
            )
            .into());
        }
        self.nudge_worker();
        self.idea(viewer, orig.id).await
    }

    /// Undoes a merge exactly: the duplicate gets its votes and its status back.
    pub async fn unmerge_idea(
        self,
        viewer: &Viewer,
        duplicate: TopicId,
    ) -> Result<IdeaView, ForumError> {
        let (dup, group) = self.staff_idea(viewer, duplicate).await?;
        let by = viewer
            .id()
            .ok_or(ForumError::Refused(Refused::SignInRequired))?;
        let change = IdeaChange {
            topic: dup.id,
            to: String::new(),
            note: String::new(),
            by,
            at: self.now(),
            audit: self.audit_entry(
                viewer,
                "idea.unmerge",
                crate::audit::Target::topic(dup.id, &dup.title),
                Some(group.group.id),
                String::new(),
            ),
            events: vec![super::event(
                &super::UNMERGED,
                json!({"duplicate": dup.id.0, "by": by.0, "group": dup.group_id.0}),
            )],
        };
        if !self.store.unmerge_idea(&change).await? {
            return Err(Invalid::new("topic", "not_merged", "This idea is not merged.").into());
        }
        self.nudge_worker();
        self.idea(viewer, duplicate).await
    }

    /// Whether `access` lets the viewer see the board's staff controls.
    pub fn idea_staff(viewer: &Viewer, access: Access) -> bool {
        crate::audience::oversees(viewer, access)
    }
}
