//! An idea's statuses: the site's list of them (the defaults, the sets they belong to, the
//! checks a new list passes), their labels, and a moderator's change of one idea's status with
//! its note and its event.

use serde_json::json;
use super::*;

/// Staff moved an idea to another status: `topic`, `from`, `to`, `by`.
pub static STATUS_CHANGED: KindEventSpec = KindEventSpec {
    name: "idea_status_changed",
    topics: &["topic"],
    shown: true,
    who: Some("by"),
    member: None,
    item: None,
    audience: Some((crate::audience::AudienceKind::Group, "group")),
};

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
            TOPIC.badges
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
                json!({"topic": topic.id.0, "from": topic.status, "to": status, "by": by.0, "group": group.group.id.0}),
            )],
        };
        if self.store.set_idea_status(&change).await? {
            self.nudge_worker();
        }
        self.idea(viewer, id).await
    }
}

pub(super) fn check_statuses(statuses: &[IdeaStatus]) -> Result<(), Invalid> {
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
