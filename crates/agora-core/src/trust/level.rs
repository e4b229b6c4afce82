//! The pure rules of trust: the five levels, the settings that tune them, and the level a
//! member's activity earns. Modelled on what Discourse learned: newcomers start limited, reading
//! and taking part earn trust, and confirmed flags take it away again.

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

/// One tunable number of the trust rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Knob {
    Tl1TopicsEntered,
    Tl1PostsRead,
    Tl1ReadMinutes,
    Tl2DaysVisited,
    Tl2TopicsEntered,
    Tl2PostsRead,
    Tl2ReadMinutes,
    Tl2TopicsReplied,
    Tl3DaysVisited,
    Tl3TopicsEntered,
    Tl3PostsRead,
    Tl3TopicsReplied,
    Tl3PostsWritten,
    FlagsPerLevelLost,
    FlagsWindowDays,
    NewMaxLinks,
    NewMaxImages,
    NewMaxMentions,
    MaxMentions,
    NewPostsPerDay,
    NewPostsHeld,
    FlagHideMinLevel,
    SpamLinkPercent,
    SpamRepeatHours,
    SpamNewAccountHours,
    UploadMaxKib,
    AvatarMaxKib,
    UploadMaxSide,
    /// A setting a kind declares in its own folder (its `Kind::settings`, [`crate::kinds::settings`]), read
    /// by its key with [`TrustSettings::get`].
    Declared,
}

/// A knob's name in settings and the API, what admins read, its default and largest value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnobInfo {
    pub knob: Knob,
    pub key: &'static str,
    pub label: &'static str,
    pub default: i64,
    pub max: i64,
}

impl KnobInfo {
    /// A setting a kind declares in its own folder.
    pub const fn declared(key: &'static str, label: &'static str, default: i64, max: i64) -> Self {
        info(Knob::Declared, key, label, default, max)
    }
}

/// Every setting the kinds declare, after the shared ones.
fn declared() -> impl Iterator<Item = KnobInfo> {
    crate::kinds::settings().copied()
}

/// The knob or declared setting named `key`.
pub fn knob_info(key: &str) -> Option<KnobInfo> {
    KNOBS
        .iter()
        .copied()
        .chain(declared())
        .find(|k| k.key == key)
}

const fn info(
    knob: Knob,
    key: &'static str,
    label: &'static str,
    default: i64,
    max: i64,
) -> KnobInfo {
    KnobInfo {
        knob,
        key,
        label,
        default,
        max,
    }
}

/// Every knob, in the order the admin page shows them. Defaults follow Discourse's.
pub const KNOBS: [KnobInfo; 28] = [
    info(
        Knob::Tl1TopicsEntered,
        "tl1_topics_entered",
        "Level 1 (basic): topics entered",
        5,
        100_000,
    ),
    info(
        Knob::Tl1PostsRead,
        "tl1_posts_read",
        "Level 1: posts read",
        30,
        1_000_000,
    ),
    info(
        Knob::Tl1ReadMinutes,
        "tl1_read_minutes",
        "Level 1: minutes spent reading",
        10,
        100_000,
    ),
    info(
        Knob::Tl2DaysVisited,
        "tl2_days_visited",
        "Level 2 (member): days visited",
        15,
        10_000,
    ),
    info(
        Knob::Tl2TopicsEntered,
        "tl2_topics_entered",
        "Level 2: topics entered",
        20,
        100_000,
    ),
    info(
        Knob::Tl2PostsRead,
        "tl2_posts_read",
        "Level 2: posts read",
        100,
        1_000_000,
    ),
    info(
        Knob::Tl2ReadMinutes,
        "tl2_read_minutes",
        "Level 2: minutes spent reading",
        60,
        100_000,
    ),
    info(
        Knob::Tl2TopicsReplied,
        "tl2_topics_replied",
        "Level 2: topics replied to",
        3,
        100_000,
    ),
    info(
        Knob::Tl3DaysVisited,
        "tl3_days_visited",
        "Level 3 (regular): days visited",
        50,
        10_000,
    ),
    info(
        Knob::Tl3TopicsEntered,
        "tl3_topics_entered",
        "Level 3: topics entered",
        100,
        100_000,
    ),
    info(
        Knob::Tl3PostsRead,
        "tl3_posts_read",
        "Level 3: posts read",
        500,
        1_000_000,
    ),
    info(
        Knob::Tl3TopicsReplied,
        "tl3_topics_replied",
        "Level 3: topics replied to",
        10,
        100_000,
    ),
    info(
        Knob::Tl3PostsWritten,
        "tl3_posts_written",
        "Level 3: posts written",
        20,
        100_000,
    ),
    info(
        Knob::FlagsPerLevelLost,
        "flags_per_level_lost",
        "Confirmed flags that cost one level (0: never)",
        2,
        1_000,
    ),
    info(
        Knob::FlagsWindowDays,
        "flags_window_days",
        "Days a confirmed flag counts against a member",
        180,
        3_650,
    ),
    info(
        Knob::NewMaxLinks,
        "new_max_links",
        "New members: links per post",
        2,
        1_000,
    ),
    info(
        Knob::NewMaxImages,
        "new_max_images",
        "New members: images per post",
        1,
        1_000,
    ),
    info(
        Knob::NewMaxMentions,
        "new_max_mentions",
        "New members: @mentions per post",
        2,
        1_000,
    ),
    info(
        Knob::MaxMentions,
        "max_mentions",
        "Everyone: members one post may @mention",
        10,
        1_000,
    ),
    info(
        Knob::NewPostsPerDay,
        "new_posts_per_day",
        "New members: posts per day",
        10,
        10_000,
    ),
    info(
        Knob::NewPostsHeld,
        "new_posts_held",
        "New members: first posts held for approval (0: none)",
        0,
        100,
    ),
    info(
        Knob::FlagHideMinLevel,
        "flag_hide_min_level",
        "Lowest level whose flags count towards hiding a post",
        1,
        4,
    ),
    info(
        Knob::SpamLinkPercent,
        "spam_link_percent",
        "Spam check: hold posts with 3+ links making more than this % of the words (0: off)",
        20,
        100,
    ),
    info(
        Knob::SpamRepeatHours,
        "spam_repeat_hours",
        "Spam check: hold the same text posted again in another topic within hours (0: off)",
        24,
        8_760,
    ),
    info(
        Knob::SpamNewAccountHours,
        "spam_new_account_hours",
        "Spam check: hold links from new members whose account is younger than hours (0: off)",
        24,
        8_760,
    ),
    info(
        Knob::UploadMaxKib,
        "upload_max_kib",
        "Uploads: the largest image a member may upload for a post, in KiB (0: no uploads)",
        4_096,
        MAX_UPLOAD_KIB,
    ),
    info(
        Knob::AvatarMaxKib,
        "avatar_max_kib",
        "Uploads: the largest avatar image a member may upload, in KiB (0: no avatars)",
        2_048,
        MAX_UPLOAD_KIB,
    ),
    info(
        Knob::UploadMaxSide,
        "upload_max_side",
        "Uploads: images in posts are scaled down to at most this many pixels a side",
        2_048,
        8_192,
    ),
];

/// The largest upload any setting allows, in KiB (the web layer reads no more of a body).
pub const MAX_UPLOAD_KIB: i64 = 16 * 1024;

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

/// What a post contains that newcomer limits count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PostShape {
    pub links: usize,
    pub images: usize,
    pub mentions: usize,
    pub words: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(
        days: i64,
        topics: i64,
        posts: i64,
        minutes: i64,
        replied: i64,
        written: i64,
    ) -> TrustStats {
        TrustStats {
            days_visited: days,
            topics_entered: topics,
            posts_read: posts,
            read_minutes: minutes,
            topics_replied: replied,
            posts_written: written,
            confirmed_flags: 0,
        }
    }

    #[test]
    fn reading_earns_basic_and_taking_part_earns_member_and_regular() {
        let s = TrustSettings::default();
        assert_eq!(
            s.earned(TrustLevel::New, &stats(1, 4, 30, 10, 0, 0)),
            TrustLevel::New
        );
        assert_eq!(
            s.earned(TrustLevel::New, &stats(1, 5, 30, 10, 0, 0)),
            TrustLevel::Basic
        );
        assert_eq!(
            s.earned(TrustLevel::New, &stats(15, 20, 100, 60, 2, 5)),
            TrustLevel::Basic
        );
        assert_eq!(
            s.earned(TrustLevel::New, &stats(15, 20, 100, 60, 3, 5)),
            TrustLevel::Member
        );
        assert_eq!(
            s.earned(TrustLevel::New, &stats(50, 100, 500, 600, 10, 19)),
            TrustLevel::Member
        );
        assert_eq!(
            s.earned(TrustLevel::New, &stats(50, 100, 500, 600, 10, 20)),
            TrustLevel::Regular
        );
    }

    #[test]
    fn each_level_asks_its_own_requirements_of_a_member_holding_the_one_below() {
        let mut s = TrustSettings::default();
        let member_now = stats(15, 20, 100, 60, 3, 5);
        // The site raises the basic level's reading after ana earned it.
        assert!(s.set("tl1_read_minutes", 500).is_some());
        assert_eq!(s.earned(TrustLevel::New, &member_now), TrustLevel::New);
        assert_eq!(s.earned(TrustLevel::Basic, &member_now), TrustLevel::Member);
        let basic = TrustLevel::Basic;
        assert!(
            s.missing_for_next(basic, &member_now).is_empty(),
            "nothing listed as missing, and nothing is"
        );
        assert_eq!(
            s.earned(TrustLevel::Regular, &member_now),
            TrustLevel::Regular
        );
    }

    #[test]
    fn confirmed_flags_cost_levels_and_bar_regular() {
        let s = TrustSettings::default();
        let mut regular = stats(50, 100, 500, 600, 10, 20);
        let earned = s.earned(TrustLevel::New, &regular);
        assert_eq!(s.level(earned, &regular), TrustLevel::Regular);
        regular.confirmed_flags = 1;
        assert_eq!(
            s.level(earned, &regular),
            TrustLevel::Member,
            "one flag bars level 3"
        );
        regular.confirmed_flags = 2;
        assert_eq!(s.level(earned, &regular), TrustLevel::Basic);
        regular.confirmed_flags = 7;
        assert_eq!(s.level(earned, &regular), TrustLevel::New);
        assert_eq!(
            s.level(TrustLevel::Member, &TrustStats::default()),
            TrustLevel::Member,
            "staying away costs nothing"
        );
    }

    #[test]
    fn knobs_are_set_by_name_within_their_range() {
        let mut s = TrustSettings::default();
        assert_eq!(s[Knob::NewMaxLinks], 2);
        assert!(s.set("new_max_links", 5).is_some());
        assert_eq!(s[Knob::NewMaxLinks], 5);
        assert!(s.set("new_max_links", -1).is_none());
        assert!(s.set("flag_hide_min_level", 5).is_none());
        assert!(s.set("no_such_knob", 1).is_none());
        for (i, k) in KNOBS.iter().enumerate() {
            assert_eq!(k.knob as usize, i, "{} is out of order", k.key);
        }
    }

    #[test]
    fn what_is_missing_for_the_next_level_is_listed() {
        let s = TrustSettings::default();
        let missing = s.missing_for_next(TrustLevel::New, &stats(1, 5, 12, 3, 0, 0));
        assert_eq!(
            missing,
            vec![("posts read", 12, 30), ("minutes spent reading", 3, 10)]
        );
        assert!(
            s.missing_for_next(TrustLevel::Leader, &TrustStats::default())
                .is_empty()
        );
    }
}
