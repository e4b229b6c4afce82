//! The audit log: what every moderator and admin did, when, to what, and why. Entries are
//! appended and never changed (the database refuses updates and deletes). Admins and site
//! moderators read and search it.

use crate::agora::Agora;
use crate::groups::GroupError;
use crate::ids::{GroupId, MemberId};
use crate::time::Timestamp;
use crate::viewer::Viewer;

/// An entry to append.
#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    pub at: Timestamp,
    pub actor: Option<MemberId>,
    pub actor_name: String,
    /// What was done, e.g. `topic.lock`, `request.approve`, `member.role`.
    pub action: &'static str,
    /// What it was done to, e.g. `topic:12`, `member:ana`, `group:beta`.
    pub target: String,
    pub group: Option<GroupId>,
    /// Anything else worth keeping: a new role, a reason.
    pub detail: String,
}

/// An entry as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: Timestamp,
    pub actor_name: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

impl Agora {
    /// Appends an entry for an action `viewer` just took. A failure to record is logged: the
    /// action itself has happened.
    pub(crate) async fn audit(
        &self,
        viewer: &Viewer,
        action: &'static str,
        target: String,
        group: Option<GroupId>,
        detail: String,
    ) {
        let Some(actor) = viewer.actor() else { return };
        let entry = NewAuditEntry {
            at: Timestamp::now(),
            actor: Some(actor.id),
            actor_name: actor.username.clone(),
            action,
            target,
            group,
            detail,
        };
        if let Err(e) = self.store.append_audit(&entry).await {
            tracing::error!(error = %e, action, "audit entry not written");
        }
    }

    /// Entries newest first, matching `query` (in action, target, actor or detail), before
    /// entry `before`. Admins and site moderators only.
    pub async fn audit_log(
        &self,
        viewer: &Viewer,
        query: Option<&str>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, GroupError> {
        match viewer.id() {
            None => return Err(GroupError::SignInRequired),
            Some(_) if !viewer.is_site_moderator() => {
                return Err(GroupError::Forbidden("moderators_only"));
            }
            Some(_) => {}
        }
        if before.is_some_and(|b| b < 1) {
            return Err(crate::Invalid::new(
                "before",
                "out_of_range",
                "Entries are numbered from 1; pass the next_before of the last page.",
            )
            .into());
        }
        let query = query.map(str::trim).filter(|q| !q.is_empty());
        if query.is_some_and(|q| q.chars().any(char::is_control)) {
            return Err(crate::Invalid::new(
                "q",
                "invalid_characters",
                "Search for words; control characters cannot be searched for.",
            )
            .into());
        }
        // A site moderator is not told what happened in groups they may not read.
        let scope = crate::groups::policy::scope(viewer, crate::groups::policy::Need::Read);
        Ok(self
            .store
            .audit_entries(&scope, query, before, limit)
            .await?)
    }
}
