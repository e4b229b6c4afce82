//! The trust rules as the admins set them, and the level a member's record earns with them.

use super::knobs::{KNOBS, Knob, KnobInfo, declared};
use super::{TrustLevel, TrustStats};

/// The trust rules as the admins set them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustSettings {
    values: [i64; KNOBS.len()],
    /// The kinds' settings, in the order of [`declared`].
    declared: Vec<i64>,
}

impl Default for TrustSettings {
    fn default() -> Self {
        Self {
            values: KNOBS.map(|k| k.default),
            declared: declared().map(|k| k.default).collect(),
        }
    }
}

impl std::ops::Index<Knob> for TrustSettings {
    type Output = i64;

    fn index(&self, knob: Knob) -> &i64 {
        &self.values[knob as usize]
    }
}

impl TrustSettings {
    /// Sets the knob named `key`; `None` if there is no such knob or the value is outside
    /// `0..=max`.
    pub fn set(&mut self, key: &str, value: i64) -> Option<()> {
        if let Some(i) = KNOBS.iter().position(|k| k.key == key) {
            return (0..=KNOBS[i].max)
                .contains(&value)
                .then(|| self.values[i] = value);
        }
        let (i, k) = declared().enumerate().find(|(_, k)| k.key == key)?;
        (0..=k.max)
            .contains(&value)
            .then(|| self.declared[i] = value)
    }

    /// The value of a setting a kind declares, by its key (its default if no kind declares it:
    /// a kind reads only its own keys).
    pub fn get(&self, key: &str) -> i64 {
        declared()
            .zip(self.declared.iter().copied())
            .find(|(k, _)| k.key == key)
            .map_or(0, |(_, v)| v)
    }

    /// Every knob with its current value, the kinds' after the shared ones.
    pub fn entries(&self) -> impl Iterator<Item = (KnobInfo, i64)> + '_ {
        KNOBS
            .iter()
            .copied()
            .zip(self.values.iter().copied())
            .chain(declared().zip(self.declared.iter().copied()))
    }

    /// The level `stats` earn by activity alone (at most `Regular`; `Leader` is given by
    /// hand), for a member who had earned `held` before. Each level asks only its own
    /// requirements of a member who holds the level below it: a member at basic who meets
    /// the member level's is promoted even if the site has since raised the basic level's
    /// (what the trust page lists as missing is then all that is missing).
    pub fn earned(&self, held: TrustLevel, s: &TrustStats) -> TrustLevel {
        let k = |knob| self[knob];
        let steps = [
            (
                TrustLevel::Basic,
                s.topics_entered >= k(Knob::Tl1TopicsEntered)
                    && s.posts_read >= k(Knob::Tl1PostsRead)
                    && s.read_minutes >= k(Knob::Tl1ReadMinutes),
            ),
            (
                TrustLevel::Member,
                s.days_visited >= k(Knob::Tl2DaysVisited)
                    && s.topics_entered >= k(Knob::Tl2TopicsEntered)
                    && s.posts_read >= k(Knob::Tl2PostsRead)
                    && s.read_minutes >= k(Knob::Tl2ReadMinutes)
                    && s.topics_replied >= k(Knob::Tl2TopicsReplied),
            ),
            (
                TrustLevel::Regular,
                s.days_visited >= k(Knob::Tl3DaysVisited)
                    && s.topics_entered >= k(Knob::Tl3TopicsEntered)
                    && s.posts_read >= k(Knob::Tl3PostsRead)
                    && s.topics_replied >= k(Knob::Tl3TopicsReplied)
                    && s.posts_written >= k(Knob::Tl3PostsWritten),
            ),
        ];
        let mut level = TrustLevel::New;
        for (next, met) in steps {
            if met || held >= next {
                level = next;
            } else {
                break;
            }
        }
        level
    }

    /// The level a member holds who has `earned` a level (the highest their activity ever
    /// reached): a regular with any confirmed flag is a member again, and every
    /// `flags_per_level_lost` confirmed flags cost one level more.
    pub fn level(&self, earned: TrustLevel, s: &TrustStats) -> TrustLevel {
        let per_level = self[Knob::FlagsPerLevelLost];
        let lost = if per_level > 0 {
            s.confirmed_flags / per_level
        } else {
            0
        };
        let level = if earned == TrustLevel::Regular && s.confirmed_flags > 0 {
            TrustLevel::Member
        } else {
            earned
        };
        level.lower(lost)
    }

    /// What is still missing for the level above `current`, as (what, have, need), or
    /// nothing when the next level is not earned by activity.
    pub fn missing_for_next(
        &self,
        current: TrustLevel,
        s: &TrustStats,
    ) -> Vec<(&'static str, i64, i64)> {
        use Knob::*;
        let rows: &[(&'static str, i64, Knob)] = match current {
            TrustLevel::New => &[
                ("topics entered", s.topics_entered, Tl1TopicsEntered),
                ("posts read", s.posts_read, Tl1PostsRead),
                ("minutes spent reading", s.read_minutes, Tl1ReadMinutes),
            ],
            TrustLevel::Basic => &[
                ("days visited", s.days_visited, Tl2DaysVisited),
                ("topics entered", s.topics_entered, Tl2TopicsEntered),
                ("posts read", s.posts_read, Tl2PostsRead),
                ("minutes spent reading", s.read_minutes, Tl2ReadMinutes),
                ("topics replied to", s.topics_replied, Tl2TopicsReplied),
            ],
            TrustLevel::Member => &[
                ("days visited", s.days_visited, Tl3DaysVisited),
                ("topics entered", s.topics_entered, Tl3TopicsEntered),
                ("posts read", s.posts_read, Tl3PostsRead),
                ("topics replied to", s.topics_replied, Tl3TopicsReplied),
                ("posts written", s.posts_written, Tl3PostsWritten),
            ],
            TrustLevel::Regular | TrustLevel::Leader => &[],
        };
        rows.iter()
            .map(|&(what, have, knob)| (what, have, self[knob]))
            .filter(|&(_, have, need)| have < need)
            .collect()
    }
}
