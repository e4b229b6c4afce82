//! Use cases that change a group itself: edit its name, description and kind, archive it
//! (read-only) and make it active again (its owners and admins), delete it (admins).

use tracing::instrument;

use crate::agora::Groups;
use crate::error::{Invalid, Refused};
use crate::groups::directory::{group_description, group_name, group_visibility};
use crate::groups::policy::Access;
use crate::groups::{GroupChange, GroupError, GroupView};
use crate::viewer::Viewer;

/// What a person asked to change in a group; `None` keeps a field.
#[derive(Debug, Clone, Default)]
pub struct GroupEdit {
    pub name: Option<String>,
    pub description: Option<String>,
    pub visibility: Option<String>,
    pub archived: Option<bool>,
}

impl Groups<'_> {
    /// Edits a group (its owners and site admins). A secret group stays a 404 to whoever
    /// may not see it; a member who is no owner is told `owners_only`.
    #[instrument(skip_all, fields(slug))]
    pub async fn edit_group(
        self,
        viewer: &Viewer,
        slug: &str,
        edit: GroupEdit,
    ) -> Result<GroupView, GroupError> {
        let actor = self.guard(viewer, crate::guard::Needs::Active).await?;
        let view = self.owned_group(viewer, slug).await?;
        let g = &view.group;
        let name = edit.name.as_deref().map(group_name).transpose()?;
        let description = edit
            .description
            .as_deref()
            .map(group_description)
            .transpose()?;
        let visibility = edit
            .visibility
            .as_deref()
            .map(group_visibility)
            .transpose()?;
        let change = GroupChange {
            id: g.id,
            name: name.filter(|n| *n != g.name),
            description: description.filter(|d| *d != g.description),
            visibility: visibility.filter(|v| *v != g.visibility),
            archived: edit.archived.filter(|a| *a != g.archived_at.is_some()),
            by: actor.id,
            at: self.now(),
        };
        let mut changed = Vec::new();
        if let Some(n) = &change.name {
            changed.push(format!("name: {} → {n}", g.name));
        }
        if change.description.is_some() {
            changed.push("description".to_owned());
        }
        if let Some(v) = change.visibility {
            changed.push(format!(
                "visibility: {} → {}",
                g.visibility.as_str(),
                v.as_str()
            ));
        }
        let target = || crate::audit::Target::group(g.id, &g.slug);
        let mut audit = Vec::new();
        if !changed.is_empty() {
            audit.extend(self.audit_entry(
                viewer,
                "group.edit",
                target(),
                Some(g.id),
                changed.join("; "),
            ));
        }
        let what = match change.archived {
            Some(true) => "archived",
            Some(false) => "unarchived",
            None => "edited",
        };
        if let Some(archived) = change.archived {
            let action = if archived {
                "group.archive"
            } else {
                "group.unarchive"
            };
            audit.extend(self.audit_entry(viewer, action, target(), Some(g.id), String::new()));
        }
        if audit.is_empty() {
            return Ok(view);
        }
        self.store.update_group(&change, what, &audit).await?;
        self.group(viewer, slug).await
    }

    /// Deletes a group (site admins), once archived. `confirm` must repeat its address. The group is gone for
    /// everyone at once and its address is free again; its rows are kept for what must outlive
    /// it (legal cases about its posts, the audit log, which records the deletion).
    #[instrument(skip_all, fields(slug))]
    pub async fn delete_group(
        self,
        viewer: &Viewer,
        slug: &str,
        confirm: &str,
        reason: &str,
    ) -> Result<(), GroupError> {
        let actor = self.guard(viewer, crate::guard::Needs::Active).await?;
        let view = self.group(viewer, slug).await?;
        if !crate::audience::holds(viewer, crate::audience::Duty::RunSite) {
            return Err(GroupError::Refused(Refused::Forbidden("admins_only")));
        }
        // Two steps apart: a group is archived (read-only, and undone with one click) before
        // it can be deleted.
        if view.group.archived_at.is_none() {
            return Err(GroupError::NotArchived);
        }
        if confirm.trim() != view.group.slug {
            return Err(Invalid::new(
                "confirm",
                "invalid_choice",
                format!(
                    "Type the group's address, {}, to confirm its deletion.",
                    view.group.slug
                ),
            )
            .into());
        }
        let reason = reason.trim();
        if reason.chars().count() > 500 || reason.contains('\0') {
            return Err(Invalid::new(
                "reason",
                "too_long",
                "A reason may be at most 500 characters long.",
            )
            .into());
        }
        let g = &view.group;
        // Recorded for the site, not the group: the log keeps showing it once the group is gone.
        let audit = self.audit_entry(
            viewer,
            "group.delete",
            crate::audit::Target::group(g.id, &g.slug),
            None,
            format!(
                "{} ({}, {} members, {} topics){}{reason}",
                g.name,
                g.visibility.as_str(),
                g.member_count,
                g.topic_count,
                if reason.is_empty() { "" } else { ": " }
            ),
        );
        if !self
            .store
            .delete_group(g.id, actor.id, self.now(), &audit)
            .await?
        {
            return Err(GroupError::NotArchived);
        }
        Ok(())
    }

    /// The group, if the viewer owns it or is a site admin.
    async fn owned_group(self, viewer: &Viewer, slug: &str) -> Result<GroupView, GroupError> {
        let view = self.group(viewer, slug).await?;
        if !view.can_edit {
            return Err(GroupError::Refused(Refused::Forbidden(
                if view.access >= Access::Read {
                    "owners_only"
                } else {
                    "members_only"
                },
            )));
        }
        Ok(view)
    }
}
