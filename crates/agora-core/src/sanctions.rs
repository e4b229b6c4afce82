//! Actions on members: a warning, a silence (no posting) or a suspension (nothing but reading
//! and appealing) for a time, or a ban; each with a reason the member sees, an appeal to the
//! moderators, and an entry in the audit log.

use serde::Serialize;

use crate::agora::Moderation;
use crate::error::Invalid;
use crate::error::Refused;
use crate::ids::MemberId;
use crate::time::Timestamp;
use crate::viewer::{SiteRole, Viewer};

/// What a sanction does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SanctionKind {
    /// A message with a reason; restricts nothing.
    Warning,
    /// No posting for a time.
    Silence,
    /// Nothing but reading and appealing, for a time.
    Suspension,
    /// Nothing but reading and appealing, until lifted.
    Ban,
}

impl SanctionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Warning => "warning",
            Self::Silence => "silence",
            Self::Suspension => "suspension",
            Self::Ban => "ban",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "warning" => Some(Self::Warning),
            "silence" => Some(Self::Silence),
            "suspension" => Some(Self::Suspension),
            "ban" => Some(Self::Ban),
            _ => None,
        }
    }
}

/// A sanction as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sanction {
    pub id: i64,
    pub member: MemberId,
    pub kind: SanctionKind,
    pub reason: String,
    pub starts_at: Timestamp,
    pub ends_at: Option<Timestamp>,
    pub lifted: bool,
}

impl Sanction {
    /// Whether it restricts the member at `now`.
    pub fn active(&self, now: Timestamp) -> bool {
        !self.lifted && self.starts_at <= now && self.ends_at.is_none_or(|e| e > now)
    }
}

/// A sanction to record.
#[derive(Debug, Clone)]
pub struct NewSanction {
    pub member: MemberId,
    pub kind: SanctionKind,
    pub reason: String,
    pub starts_at: Timestamp,
    pub ends_at: Option<Timestamp>,
    pub by: MemberId,
}

/// An appeal, as the moderators read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Appeal {
    pub id: i64,
    pub sanction_id: i64,
    pub username: String,
    pub kind: SanctionKind,
    pub reason: String,
    pub message: String,
    pub created_at: Timestamp,
}

impl Moderation<'_> {
    /// Sanctions a member (site moderators; not admins or moderators, not oneself). `days`
    /// sets how long a silence or suspension lasts; warnings and bans take none.
    pub async fn sanction(
        self,
        viewer: &Viewer,
        username: &str,
        kind: SanctionKind,
        reason: &str,
        days: Option<i64>,
    ) -> Result<Sanction, Refused> {
        let actor = require_site_moderator(viewer)?;
        let member = self
            .accounts()
            .member_by_name(username)
            .await?
            .ok_or(Refused::NotFound)?;
        if member.id == actor {
            return Err(Refused::Forbidden("not_yourself"));
        }
        if member.role != SiteRole::Member {
            return Err(Refused::Forbidden("admins_only"));
        }
        let reason = reason.trim();
        if reason.contains('\0') {
            return Err(Invalid::new(
                "reason",
                "invalid_characters",
                "A reason may not contain null characters.",
            )
            .into());
        }
        if reason.is_empty() || reason.chars().count() > 2_000 {
            return Err(Invalid::new(
                "reason",
                "required",
                "Give a reason (up to 2,000 characters): the member will read it.",
            )
            .into());
        }
        let now = self.now();
        let ends_at = match (kind, days) {
            (SanctionKind::Silence | SanctionKind::Suspension, Some(d))
                if (1..=3_650).contains(&d) =>
            {
                Some(now.plus_seconds(d * 86_400))
            }
            (SanctionKind::Silence | SanctionKind::Suspension, _) => {
                return Err(Invalid::new(
                    "days",
                    "out_of_range",
                    "A silence or suspension lasts 1 to 3,650 days.",
                )
                .into());
            }
            (SanctionKind::Warning | SanctionKind::Ban, _) => None,
        };
        let detail = match ends_at {
            Some(end) => format!("until {}: {reason}", end.to_rfc3339()),
            None => reason.to_owned(),
        };
        let action = match kind {
            SanctionKind::Warning => "member.warn",
            SanctionKind::Silence => "member.silence",
            SanctionKind::Suspension => "member.suspend",
            SanctionKind::Ban => "member.ban",
        };
        let audit = self.audit_entry(
            viewer,
            action,
            crate::audit::Target::member(member.id, &member.username),
            None,
            detail,
        );
        let sanction = self
            .store
            .insert_sanction(
                &NewSanction {
                    member: member.id,
                    kind,
                    reason: reason.to_owned(),
                    starts_at: now,
                    ends_at,
                    by: actor,
                },
                &audit,
            )
            .await?;
        Ok(sanction)
    }

    /// Lifts a sanction (site moderators).
    pub async fn lift_sanction(self, viewer: &Viewer, id: i64) -> Result<(), Refused> {
        let actor = require_site_moderator(viewer)?;
        let audit = self.audit_entry(
            viewer,
            "sanction.lift",
            crate::audit::Target::sanction(id),
            None,
            String::new(),
        );
        if !self
            .store
            .lift_sanction(id, actor, self.now(), &audit)
            .await?
        {
            return Err(Refused::NotFound);
        }
        Ok(())
    }

    /// The viewer's own sanctions, newest first: they see every reason.
    pub async fn my_sanctions(self, viewer: &Viewer) -> Result<Vec<Sanction>, Refused> {
        let id = viewer.id().ok_or(Refused::SignInRequired)?;
        Ok(self.store.sanctions_of(id).await?)
    }

    /// Appeals one's own sanction to the moderators (three appeals a day at most).
    pub async fn appeal(
        self,
        viewer: &Viewer,
        sanction_id: i64,
        message: &str,
    ) -> Result<(), Refused> {
        let id = viewer.id().ok_or(Refused::SignInRequired)?;
        let own = self.store.sanctions_of(id).await?;
        if !own.iter().any(|s| s.id == sanction_id) {
            return Err(Refused::NotFound);
        }
        let message = message.trim();
        if message.is_empty() || message.chars().count() > 4_000 || message.contains('\0') {
            return Err(Invalid::new(
                "message",
                "required",
                "Write your appeal (up to 4,000 characters).",
            )
            .into());
        }
        if self
            .over_limit(&format!("appeal:{}", id.0), 3, 86_400)
            .await?
            .is_some()
        {
            return Err(Refused::Forbidden("appeal_limit"));
        }
        let now = self.now();
        self.store
            .insert_appeal(sanction_id, id, message, now)
            .await?;
        Ok(())
    }

    /// Appeals, newest first (site moderators).
    pub async fn appeals(self, viewer: &Viewer) -> Result<Vec<Appeal>, Refused> {
        require_site_moderator(viewer)?;
        Ok(self.store.appeals(200).await?)
    }
}

fn require_site_moderator(viewer: &Viewer) -> Result<MemberId, Refused> {
    crate::audience::require(viewer, crate::audience::Duty::SanctionMembers)
}
