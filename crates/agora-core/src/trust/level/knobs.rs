//! The tunable numbers of the trust rules: each knob's key, label, default and largest value,
//! the shared ones and those the kinds declare.

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
pub(super) fn declared() -> impl Iterator<Item = KnobInfo> {
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
