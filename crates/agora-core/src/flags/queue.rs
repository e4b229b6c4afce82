//! The moderators' side of reports: the queue, one item's reports, and their resolution. Who
//! sees and decides a report is the policy's (`audience::report_desk`, `decides_reports`), from
//! the audience the report keeps; what they see of the item is its kind's.

use crate::agora::{Agora, Moderation};
use crate::audience::{self, Audience, AudienceKind, AudienceRef, ReportScope};
use crate::error::{Refused, StoreError};
use crate::groups::GroupRole;
use crate::groups::policy::{Need, scope};
use crate::ids::{GroupId, PostId};
use crate::items::refs::{ItemRef, StoredRef};
use crate::items::reported::Look;
use crate::store::GroupStore;
use crate::viewer::Viewer;

use super::{
    MemberQueueItem, OpenReports, QueueItem, Reported, check_resolution_reason, parse_decision,
    refused,
};

/// The audience `r` as reports are routed by it: a group with `viewer`'s relation to it (none
/// if the group was deleted), or an audience beyond groups.
pub(crate) async fn routed_audience<S: GroupStore + ?Sized>(
    store: &S,
    viewer: &Viewer,
    r: AudienceRef,
) -> Result<Option<Audience>, StoreError> {
    let group = match r.kind {
        AudienceKind::Group => store
            .group_by_id(GroupId(r.id), viewer.id())
            .await?
            .map(|(g, relation)| (g.visibility, relation)),
        _ => None,
    };
    Ok(audience::routed(r.kind, group))
}

impl Agora {
    /// Whether `viewer` moderates or owns a group (and so works through its reports).
    async fn moderates_a_group(&self, viewer: &Viewer) -> Result<bool, StoreError> {
        let Some(id) = viewer.id() else {
            return Ok(false);
        };
        let groups = self
            .store
            .groups_of_member(id, &scope(viewer, Need::Read))
            .await?;
        Ok(groups
            .iter()
            .any(|(_, role)| matches!(role, GroupRole::Owner | GroupRole::Moderator)))
    }

    /// The reports `viewer` works through, or why they have none to work through.
    pub(crate) async fn report_desk(&self, viewer: &Viewer) -> Result<ReportScope, Refused> {
        let moderates = self.moderates_a_group(viewer).await?;
        audience::report_desk(viewer, moderates).map_err(refused)
    }

    /// An item's open reports as its kind shows them to `viewer`, if the policy routes them
    /// to `viewer`; `None` for a kind this application does not know, or an item gone.
    async fn queue_item(
        &self,
        viewer: &Viewer,
        open: OpenReports,
        look: Look,
    ) -> Result<Option<QueueItem>, Refused> {
        let Some(item) = self.item_ref(&open.item.kind, open.item.id) else {
            return Ok(None);
        };
        let view = match self.reported_item(viewer, item, look).await {
            Ok(view) => view,
            Err(Refused::NotFound) => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(Some(QueueItem {
            item,
            view,
            flags: open.flags,
            reasons: open.reasons,
            notes: open.notes,
            held: open.held,
            first_flagged_at: open.first_flagged_at,
            legal_case: open.legal_case,
        }))
    }
}

impl Moderation<'_> {
    /// Items awaiting a decision (flagged, held, or under a legal complaint: those first) that
    /// the policy routes to the viewer: their groups' for a group's moderators, and for the
    /// site's staff those of the groups they read and of every audience beyond groups.
    pub async fn moderation_queue(self, viewer: &Viewer) -> Result<Vec<QueueItem>, Refused> {
        let desk = self.report_desk(viewer).await?;
        let mut items = Vec::new();
        for open in self.store.report_queue(&desk, 200).await? {
            if let Some(item) = self.queue_item(viewer, open, Look::Line).await? {
                items.push(item);
            }
        }
        Ok(items)
    }

    /// One item's open reports with everything its kind shows a moderator around it: the
    /// report's page. Not found unless the policy routes them to the viewer.
    pub async fn item_reports(self, viewer: &Viewer, item: ItemRef) -> Result<QueueItem, Refused> {
        self.report_desk(viewer).await?;
        let (open, _) = self.routed(viewer, item).await?;
        self.queue_item(viewer, open, Look::Whole)
            .await?
            .ok_or(Refused::NotFound)
    }

    /// The open reports on `item`, and their audience, if the viewer decides them.
    async fn routed(
        self,
        viewer: &Viewer,
        item: ItemRef,
    ) -> Result<(OpenReports, Option<Audience>), Refused> {
        let open = self
            .store
            .open_reports(&StoredRef::from(item))
            .await?
            .ok_or(Refused::NotFound)?;
        let audience = match open.audience {
            Some(a) => routed_audience(self.store, viewer, a).await?,
            None => None,
        };
        if !audience::decides_reports(viewer, audience) {
            return Err(Refused::NotFound);
        }
        Ok((open, audience))
    }

    /// Resolves every open report on an item: `uphold` keeps it hidden, `dismiss` shows it
    /// again (for a held post: `reject`, `approve`).
    pub async fn resolve_item(
        self,
        viewer: &Viewer,
        item: ItemRef,
        decision: &str,
        reason: &str,
    ) -> Result<(), Refused> {
        let actor = viewer.actor().ok_or(Refused::SignInRequired)?;
        self.report_desk(viewer).await?;
        let upheld = parse_decision(decision)?;
        let reason = reason.trim();
        check_resolution_reason(reason)?;
        let (open, _) = self.routed(viewer, item).await?;
        let action = if upheld {
            "flags.uphold"
        } else {
            "flags.dismiss"
        };
        let audit = self.audit_entry(
            viewer,
            action,
            crate::audit::Target::item(item, &open.author_name),
            open.audience.and_then(AudienceRef::group_id),
            reason.to_owned(),
        );
        let resolved = self
            .store
            .resolve_reports(
                Reported::Item(item),
                actor.id,
                upheld,
                reason,
                self.now(),
                &audit,
            )
            .await?;
        if resolved == 0 {
            return Err(Refused::NotFound);
        }
        // An approved item the system held is published: an event for the worker.
        self.nudge_worker();
        if let Some(author) = open.author
            && let Err(e) = self.trust().refresh_trust(author).await
        {
            tracing::warn!(error = %e, "trust not refreshed");
        }
        Ok(())
    }

    /// Resolves every open flag on a post (`resolve_item` with the post's reference).
    pub async fn resolve_flags(
        self,
        viewer: &Viewer,
        id: PostId,
        decision: &str,
        reason: &str,
    ) -> Result<(), Refused> {
        self.resolve_item(viewer, crate::forum::items::post_ref(id), decision, reason)
            .await
    }

    /// Flagged members awaiting a decision (the site's staff).
    pub async fn member_queue(self, viewer: &Viewer) -> Result<Vec<MemberQueueItem>, Refused> {
        audience::staff_desk(viewer).map_err(refused)?;
        Ok(self.store.member_flag_queue(200).await?)
    }

    /// Resolves every open flag on a member with a reason (the site's staff). Upholding
    /// records the decision; what to do about the member is a sanction of its own.
    pub async fn resolve_member_flags(
        self,
        viewer: &Viewer,
        username: &str,
        decision: &str,
        reason: &str,
    ) -> Result<(), Refused> {
        let actor = viewer.actor().ok_or(Refused::SignInRequired)?;
        audience::staff_desk(viewer).map_err(refused)?;
        let upheld = parse_decision(decision)?;
        check_resolution_reason(reason)?;
        let member = self
            .accounts()
            .member_by_name(username)
            .await?
            .ok_or(Refused::NotFound)?;
        let action = if upheld {
            "member_flags.uphold"
        } else {
            "member_flags.dismiss"
        };
        let audit = self.audit_entry(
            viewer,
            action,
            crate::audit::Target::member(member.id, &member.username),
            None,
            reason.trim().to_owned(),
        );
        let n = self
            .store
            .resolve_reports(
                Reported::Member(member.id),
                actor.id,
                upheld,
                reason.trim(),
                self.now(),
                &audit,
            )
            .await?;
        if n == 0 {
            return Err(Refused::NotFound);
        }
        Ok(())
    }
}
