//! The audit log: what every moderator and admin did, when, to what, and why. Entries are
//! appended and never changed (the database refuses updates and deletes). Admins and site
//! moderators read and search it.

use crate::agora::{Agora, Moderation};
use crate::error::Refused;
use crate::ids::{GroupId, MemberId};
use crate::items::refs::ItemRef;
use crate::time::Timestamp;
use crate::viewer::Viewer;

/// What an audited action was done to: a reference to one item, member, group or record,
/// which the log can be filtered by (`?target=post:12` lists everything done to that post),
/// and the words the log shows for it. An item of any kind is named by its reference
/// ([`Target::item`]: its kind's word and its id, `message:7`), so a new kind's items are
/// audited and filtered by with no change here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// An item's kind (`post`, `message`…), or `topic`, `member`, `group`, `sanction`,
    /// `case`, `document`, `site` or `bulletin`.
    pub kind: &'static str,
    /// The row's id; none for what is named rather than numbered (a document kind), or for a
    /// bulletin until the store writes it.
    pub id: Option<i64>,
    /// What the log shows, e.g. `post:12 by ana`.
    pub label: String,
}

impl Target {
    /// An item of any kind, by reference, with its author: `message:7 by ana`.
    pub fn item(item: ItemRef, author: &str) -> Self {
        Self::with(
            item.kind.as_str(),
            item.id,
            format!("{}:{} by {author}", item.kind, item.id),
        )
    }
    /// A post, with its author (`post:12 by ana`).
    pub fn post(id: crate::ids::PostId, author: &str) -> Self {
        Self::item(crate::forum::items::post_ref(id), author)
    }

    /// A topic, with its title.
    pub fn topic(id: crate::ids::TopicId, title: &str) -> Self {
        Self::with("topic", id.0, format!("topic:{} {title}", id.0))
    }
    /// A group, by its address.
    pub fn group(id: GroupId, slug: &str) -> Self {
        Self::with("group", id.0, format!("group:{slug}"))
    }
    /// A member, by name.
    pub fn member(id: MemberId, username: &str) -> Self {
        Self::with("member", id.0, format!("member:{username}"))
    }
    /// A member, by name, within a group.
    pub fn member_in(id: MemberId, username: &str, group: &str) -> Self {
        Self::with("member", id.0, format!("member:{username} in {group}"))
    }
    /// A member whose name is not to be kept (an erased account).
    pub fn erased_member(id: MemberId) -> Self {
        Self::with("member", id.0, format!("member:{}", id.0))
    }
    /// A sanction.
    pub fn sanction(id: i64) -> Self {
        Self::with("sanction", id, format!("sanction:{id}"))
    }
    /// A legal case, by its reference.
    pub fn case(id: i64, reference: &str) -> Self {
        Self::with("case", id, format!("case:{reference}"))
    }
    /// A kind of legal document.
    pub fn document(kind: &str) -> Self {
        Self {
            kind: "document",
            id: None,
            label: format!("document:{kind}"),
        }
    }
    /// The site as a whole (its settings, the idea statuses).
    pub fn site() -> Self {
        Self {
            kind: "site",
            id: None,
            label: "site".into(),
        }
    }
    /// A bulletin about to be written: the store fills in its id.
    pub fn new_bulletin() -> Self {
        Self {
            kind: "bulletin",
            id: None,
            label: "bulletin:".into(),
        }
    }
    fn with(kind: &'static str, id: i64, label: String) -> Self {
        Self {
            kind,
            id: Some(id),
            label,
        }
    }
}

/// Reads a `?target=` filter: `KIND:ID` (`post:12`, `member:7`, `message:3`), where the kind
/// is a record's (`topic`, `member`, `group`, `sanction`, `case`, `bulletin`) or an item's
/// that `is_item_kind` knows.
pub fn parse_target(
    s: &str,
    is_item_kind: impl Fn(&str) -> bool,
) -> Result<(String, i64), crate::Invalid> {
    let bad = || {
        crate::Invalid::new(
            "target",
            "invalid_target",
            "Name what to look for as kind:id, e.g. post:12, topic:3 or member:7.",
        )
    };
    let (kind, id) = s.trim().split_once(':').ok_or_else(bad)?;
    let records = ["topic", "member", "group", "sanction", "case", "bulletin"];
    if !records.contains(&kind) && !is_item_kind(kind) {
        return Err(bad());
    }
    let id = id.parse::<i64>().ok().filter(|i| *i > 0).ok_or_else(bad)?;
    Ok((kind.to_owned(), id))
}

/// An entry to append, handed to the store method of the action it records, which writes it
/// in the same transaction. A method that creates the row the entry is about fills in what
/// only it knows: a target without an id gets the new row's (a bulletin), a published
/// document's entry its version as the detail.
#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    pub at: Timestamp,
    pub actor: Option<MemberId>,
    pub actor_name: String,
    /// What was done, e.g. `topic.lock`, `request.approve`, `member.role`.
    pub action: &'static str,
    /// What it was done to.
    pub target: Target,
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
    /// The reference the target names (`post`, 12), if it names one.
    pub target_kind: String,
    pub target_id: Option<i64>,
    pub detail: String,
}

impl Agora {
    /// The entry for an action `viewer` is taking, to hand to the store method that takes
    /// it, which writes it in the same transaction as the action (none for a guest).
    pub(crate) fn audit_entry(
        &self,
        viewer: &Viewer,
        action: &'static str,
        target: Target,
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

    /// The entry for something the system did on its own (a post hidden when enough flags
    /// agreed): no member is its actor, and the log names `system`.
    pub(crate) fn system_entry(
        &self,
        action: &'static str,
        target: Target,
        group: Option<GroupId>,
        detail: String,
    ) -> NewAuditEntry {
        NewAuditEntry {
            at: self.now(),
            actor: None,
            actor_name: "system".into(),
            action,
            target,
            group,
            detail,
        }
    }
}

impl Moderation<'_> {
    /// Entries newest first, matching `query` (in action, target, actor or detail) and, if
    /// given, about `target` (`post:12`), before entry `before`. Admins and site moderators
    /// only.
    pub async fn audit_log(
        self,
        viewer: &Viewer,
        query: Option<&str>,
        target: Option<&str>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, Refused> {
        crate::audience::staff_desk(viewer).map_err(crate::flags::refused)?;
        if before.is_some_and(|b| b < 1) {
            return Err(crate::Invalid::new(
                "before",
                "out_of_range",
                "Entries are numbered from 1; pass the next_before of the last page.",
            )
            .into());
        }
        let query = query.map(str::trim).filter(|q| !q.is_empty());
        // Far longer than any action, name or reason searched for; and the pattern the store
        // builds from it (every letter in both cases) stays within what SQLite matches.
        if query.is_some_and(|q| q.chars().count() > 200) {
            return Err(crate::Invalid::new(
                "q",
                "too_long",
                "Search the log for at most 200 characters.",
            )
            .into());
        }
        if query.is_some_and(|q| q.chars().any(char::is_control)) {
            return Err(crate::Invalid::new(
                "q",
                "invalid_characters",
                "Search for words; control characters cannot be searched for.",
            )
            .into());
        }
        let target = target
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| parse_target(t, |k| self.item_kind(k).is_some()))
            .transpose()?;
        // A site moderator is not told what happened in groups they may not read.
        let scope = crate::groups::policy::scope(viewer, crate::groups::policy::Need::Read);
        Ok(self
            .store
            .audit_entries(&scope, query, target.as_ref(), before, limit)
            .await?)
    }
}
