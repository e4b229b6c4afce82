//! Trust levels 0–4 and the reading record they are computed from: visits (one per day),
//! topics entered and posts read. A member's level rises as they read and take part, falls
//! again after confirmed flags, and may be set by hand by an admin (then it stays).

mod level;

pub use level::{
    KNOBS, Knob, KnobInfo, MAX_UPLOAD_KIB, PostShape, TrustLevel, TrustSettings, TrustStats,
    knob_info,
};

use serde::Serialize;
use tracing::instrument;

use crate::agora::Trust;
use crate::error::Refused;
use crate::error::{Invalid, StoreError};
use crate::forum::{ForumError, TopicView};
use crate::ids::{MemberId, TopicId};
use crate::time::Timestamp;
use crate::viewer::Viewer;

/// A member's trust as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TrustState {
    /// The level the member holds.
    pub level: TrustLevel,
    /// The highest level their activity ever earned.
    pub earned: TrustLevel,
    /// A level an admin set by hand; it overrides the rest.
    pub locked: Option<TrustLevel>,
}

/// A member's trust as they (and the admins) see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustReport {
    pub level: TrustLevel,
    /// Whether an admin set the level by hand.
    pub locked: bool,
    pub stats: TrustStats,
    /// What is still missing for the next level: (what, have, need).
    pub next: Vec<(&'static str, i64, i64)>,
}

/// The day number (days since the Unix epoch, UTC) of a time.
pub fn day_of(at: Timestamp) -> i64 {
    at.0.div_euclid(86_400_000_000)
}

/// The consumer that looks at an author's level after each post of theirs is published. It
/// backfills: looking again is idempotent, and posts written before it first ran count.
pub(crate) const TRUST: crate::events::Consumer = crate::events::Consumer {
    name: "trust",
    start: crate::events::Start::Backfill,
    handle: |agora, _, event| {
        Box::pin(async move {
            if let crate::events::Event::ItemPublished { author, .. } = event {
                agora.trust().after_posting(MemberId(*author)).await?;
            }
            Ok(crate::events::Handled::Done)
        })
    },
};

impl Trust<'_> {
    /// The trust rules as the admins set them.
    pub async fn trust_settings(self) -> Result<TrustSettings, StoreError> {
        Ok(self.site().site_settings().await?.trust)
    }

    /// Counts a visit on a new day, and looks at the member's level again (once a day).
    pub(crate) async fn record_visit(self, member: MemberId, last_visit_day: i64) {
        let today = day_of(self.now());
        if last_visit_day >= today {
            return;
        }
        let result = async {
            if self.store.record_visit(member, today).await? {
                self.refresh_trust(member).await?;
            }
            Ok::<_, StoreError>(())
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, member = %member, "visit not recorded");
        }
    }

    /// A topic and its posts numbered from `from_number`, as [`Agora::topic`], counted in the
    /// member's reading record.
    pub async fn read_topic(
        self,
        viewer: &Viewer,
        id: TopicId,
        from_number: i64,
        limit: u32,
    ) -> Result<TopicView, ForumError> {
        let view = self.forum().topic(viewer, id, from_number, limit).await?;
        if let (Some(actor), Some(last)) = (viewer.actor(), view.posts.last()) {
            let read = self
                .store
                .record_read(actor.id, view.topic.id, last.item.number, self.now())
                .await;
            match read {
                // A newcomer's first level is earned by reading alone: look at once.
                Ok(true) if actor.trust == TrustLevel::New => {
                    if let Err(e) = self.refresh_trust(actor.id).await {
                        tracing::warn!(error = %e, "trust not refreshed");
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, topic = %id, "reading not recorded"),
            }
        }
        Ok(view)
    }

    /// After a member published a post (the worker's `trust` consumer): their level may have
    /// risen. Counting a member's record costs in proportion to what they wrote, so it is
    /// looked at no more than every ten minutes per member on each node (and once a day on a
    /// visit, and whenever a flag on them is resolved); levels from regular up are not earned
    /// by posting.
    pub(crate) async fn after_posting(self, member: MemberId) -> Result<(), StoreError> {
        if !self.trust_due(member) {
            return Ok(());
        }
        if self.store.trust_of(member).await?.level >= TrustLevel::Regular {
            return Ok(());
        }
        self.refresh_trust(member).await?;
        Ok(())
    }

    /// Whether `member`'s trust was not looked at after posting in the last ten minutes (on
    /// this node); notes that it is being looked at now.
    fn trust_due(self, member: MemberId) -> bool {
        const EVERY: std::time::Duration = std::time::Duration::from_secs(600);
        let now = std::time::Instant::now();
        let Ok(mut seen) = self.trust_checked.lock() else {
            return true;
        };
        if seen.len() > 100_000 {
            seen.retain(|_, at| now.duration_since(*at) < EVERY);
        }
        match seen.get(&member) {
            Some(at) if now.duration_since(*at) < EVERY => false,
            _ => {
                seen.insert(member, now);
                true
            }
        }
    }

    /// Computes a member's level from their record and stores it if it changed (a level an
    /// admin set stays). Returns the level the member now holds.
    #[instrument(skip(self))]
    pub(crate) async fn refresh_trust(self, member: MemberId) -> Result<TrustLevel, StoreError> {
        let state = self.store.trust_of(member).await?;
        if let Some(level) = state.locked {
            return Ok(level);
        }
        let settings = self.trust_settings().await?;
        let since = self
            .now()
            .plus_seconds(-settings[Knob::FlagsWindowDays] * 86_400);
        let stats = self.store.trust_stats(member, since).await?;
        let earned = state.earned.max(settings.earned(state.earned, &stats));
        let next = TrustState {
            level: settings.level(earned, &stats),
            earned,
            locked: None,
        };
        if next != state {
            self.store.put_trust(member, &next, &[]).await?;
            tracing::info!(member = %member, from = state.level.number(), to = next.level.number(), "trust level changed");
        }
        Ok(next.level)
    }

    /// The viewer's own trust: level, record, and what is missing for the next level.
    pub async fn my_trust(self, viewer: &Viewer) -> Result<TrustReport, Refused> {
        let id = viewer.id().ok_or(Refused::SignInRequired)?;
        Ok(self.trust_report(id).await?)
    }

    /// A member's trust, for the admins.
    pub async fn member_trust(
        self,
        viewer: &Viewer,
        username: &str,
    ) -> Result<TrustReport, Refused> {
        require_admin(viewer)?;
        let member = self
            .accounts()
            .member_by_name(username)
            .await?
            .ok_or(Refused::NotFound)?;
        Ok(self.trust_report(member.id).await?)
    }

    pub(crate) async fn trust_report(self, member: MemberId) -> Result<TrustReport, StoreError> {
        let settings = self.trust_settings().await?;
        let since = self
            .now()
            .plus_seconds(-settings[Knob::FlagsWindowDays] * 86_400);
        let stats = self.store.trust_stats(member, since).await?;
        let state = self.store.trust_of(member).await?;
        let staff = self
            .store
            .member_by_id(member)
            .await?
            .is_some_and(|m| m.trust() == TrustLevel::Leader);
        let level = if staff {
            TrustLevel::Leader
        } else {
            state.level
        };
        Ok(TrustReport {
            level,
            locked: state.locked.is_some(),
            next: settings.missing_for_next(level, &stats),
            stats,
        })
    }

    /// Sets a member's level by hand (admins), or with `None` returns it to being computed.
    pub async fn set_trust_level(
        self,
        viewer: &Viewer,
        username: &str,
        level: Option<i64>,
    ) -> Result<TrustReport, Refused> {
        require_admin(viewer)?;
        let level = level
            .map(|n| {
                TrustLevel::from_number(n).ok_or_else(|| {
                    Invalid::new(
                        "level",
                        "out_of_range",
                        "A trust level is 0 to 4, or null to compute it from activity.",
                    )
                })
            })
            .transpose()?;
        let member = self
            .accounts()
            .member_by_name(username)
            .await?
            .ok_or(Refused::NotFound)?;
        let state = self.store.trust_of(member.id).await?;
        let next = TrustState {
            level: level.unwrap_or(state.level),
            locked: level,
            ..state
        };
        let detail = level.map_or_else(
            || "computed from activity".to_owned(),
            |l| format!("level {} ({})", l.number(), l.name()),
        );
        let audit = self.audit_entry(
            viewer,
            "member.trust",
            crate::audit::Target::member(member.id, &member.username),
            None,
            detail,
        );
        self.store.put_trust(member.id, &next, &audit).await?;
        if level.is_none() {
            self.refresh_trust(member.id).await?;
        }
        Ok(self.trust_report(member.id).await?)
    }
}

fn require_admin(viewer: &Viewer) -> Result<(), Refused> {
    crate::audience::require(viewer, crate::audience::Duty::RunSite).map(|_| ())
}
