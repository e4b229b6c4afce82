//! The audit log: what every moderator and admin did, when, to what, and why. Entries are
//! appended and never changed (the database refuses updates and deletes). Admins and site
//! moderators read and search it.

use crate::agora::{Agora, Moderation};
use crate::groups::GroupError;
use crate::ids::{GroupId, MemberId};
use crate::time::Timestamp;
use crate::viewer::Viewer;

/// An entry to append, handed to the store method of the action it records, which writes it
/// in the same transaction. A method that creates the row the entry is about fills in what
/// only it knows: a target ending in `:` gets the new row's id (a bulletin), a published
/// document's entry its version as the detail.
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

impl Moderation<'_> {}

impl Agora {
    /// The entry for an action `viewer` is taking, to hand to the store method that takes
    /// it, which writes it in the same transaction as the action (none for a guest).
    pub(crate) fn audit_entry(
        &self,
        viewer: &Viewer,
        action: &'static str,
        target: String,
        group: Option<GroupId>,
        detail: String,
    ) -> Vec<NewAuditEntry> {
        viewer
            .actor()
            .map(|actor| NewAuditEntry {
                at: self.now(),
                actor: Some(actor.id),
                actor_name: actor.username.clone(),
                action,
                target,
                group,
                detail,
            })
            .into_iter()
            .collect()
    }
}

impl Moderation<'_> {
    /// Entries newest first, matching `query` (in action, target, actor or detail), before
    /// entry `before`. Admins and site moderators only.
    pub async fn audit_log(
        self,
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
