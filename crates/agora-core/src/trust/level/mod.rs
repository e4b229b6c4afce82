//! The pure rules of trust: the five levels, the settings that tune them, and the level a
//! member's activity earns. Modelled on what Discourse learned: newcomers start limited, reading
//! and taking part earn trust, and confirmed flags take it away again.
//! The levels and what they count here; the tunable knobs with their defaults in `knobs.rs`;
//! the settings and the level a record earns in `settings.rs`.

mod knobs;
mod settings;
#[cfg(test)]
mod tests;

pub use knobs::{KNOBS, Knob, KnobInfo, MAX_UPLOAD_KIB, knob_info};
pub use settings::TrustSettings;

use serde::Serialize;

/// How far the community trusts a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(into = "i64")]
pub enum TrustLevel {
    /// Just arrived: limited links, images, mentions and posts a day.
    #[default]
    New = 0,
    /// Has read enough to know the place: no newcomer limits.
    Basic = 1,
    /// Visits and replies regularly.
    Member = 2,
    /// A long-standing, helpful participant without confirmed flags.
    Regular = 3,
    /// Chosen by the admins (staff are leaders too).
    Leader = 4,
}

impl From<TrustLevel> for i64 {
    fn from(level: TrustLevel) -> Self {
        level as i64
    }
}

impl TrustLevel {
    /// Every level, lowest first.
    pub const ALL: [Self; 5] = [
        Self::New,
        Self::Basic,
        Self::Member,
        Self::Regular,
        Self::Leader,
    ];

    /// The level with this number (0–4).
    pub fn from_number(n: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|l| *l as i64 == n)
    }

    /// The number (0–4).
    pub fn number(self) -> i64 {
        self as i64
    }

    /// The name members read.
    pub fn name(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Basic => "basic",
            Self::Member => "member",
            Self::Regular => "regular",
            Self::Leader => "leader",
        }
    }

    /// The level below (`New` stays `New`).
    fn lower(self, steps: i64) -> Self {
        Self::from_number((self.number() - steps).max(0)).unwrap_or(Self::New)
    }
}

/// What a member has done, as trust counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct TrustStats {
    pub days_visited: i64,
    pub topics_entered: i64,
    pub posts_read: i64,
    pub read_minutes: i64,
    /// Distinct topics, not their own, the member replied to (visible replies).
    pub topics_replied: i64,
    /// Visible posts written (topics and replies).
    pub posts_written: i64,
    /// Their posts on which moderators upheld flags, within the settings' window.
    pub confirmed_flags: i64,
}

/// What a post contains that newcomer limits count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PostShape {
    pub links: usize,
    pub images: usize,
    pub mentions: usize,
    pub words: usize,
}
