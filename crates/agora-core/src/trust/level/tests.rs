//! Tests of the trust rules: what reading and taking part earn, what confirmed flags take
//! away, knobs set by name, and what is missing for the next level.

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
