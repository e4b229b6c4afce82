use super::*;
use crate::time::Timestamp;

#[test]
fn an_event_reads_back_as_it_was_stored_and_an_unknown_one_as_none() {
    let event = Event::BulletinSent {
        bulletin: 7,
        by: Some(2),
    };
    assert_eq!(
        event.to_json(),
        r#"{"type":"bulletin_sent","bulletin":7,"by":2}"#
    );
    let back = Recorded::parse(1, 0, Timestamp(0), event.name().into(), event.to_json());
    assert_eq!(back.event, Some(event));
    // Stored before events said who: read back with nobody.
    let older = r#"{"type":"bulletin_sent","bulletin":7}"#;
    let older = Recorded::parse(1, 0, Timestamp(0), "bulletin_sent".into(), older);
    assert_eq!(
        older.event,
        Some(Event::BulletinSent {
            bulletin: 7,
            by: None
        })
    );
    let unknown = Recorded::parse(2, 0, Timestamp(0), "later".into(), r#"{"type":"later"}"#);
    assert_eq!(unknown.event, None);
}

#[test]
fn a_reaction_names_its_item_and_where_it_shows() {
    let event = Event::ReactionGiven {
        item: crate::forum::items::post_ref(crate::ids::PostId(9)),
        emoji: "👍".into(),
        by: 2,
        author: 3,
        places: vec![Place::Topic { topic: 4 }],
    };
    assert_eq!(
        event.to_json(),
        r#"{"type":"reaction_given","item":{"kind":"post","id":9},"emoji":"👍","by":2,"author":3,"places":[{"place":"topic","topic":4}]}"#
    );
    let back = Recorded::parse(1, 0, Timestamp(0), event.name().into(), event.to_json());
    assert_eq!(back.event, Some(event.clone()));
    assert_eq!(event.places(), vec![Place::Topic { topic: 4 }]);
    assert_eq!(event.stream(), "item:post/9");
    // A kind this version does not know makes the event unknown, not a wrong one.
    let later = r#"{"type":"reaction_given","item":{"kind":"hologram","id":9},"emoji":"👍","by":2,"author":3,"places":[]}"#;
    assert_eq!(
        Recorded::parse(2, 0, Timestamp(0), "reaction_given".into(), later).event,
        None
    );
}

#[test]
fn a_mention_is_stored_with_who_was_mentioned_by_whom_and_where() {
    let event = Event::MemberMentioned {
        member: 4,
        by: 2,
        topic: 9,
        post: 31,
        group: 3,
    };
    assert_eq!(
        event.to_json(),
        r#"{"type":"member_mentioned","member":4,"by":2,"topic":9,"post":31,"group":3}"#
    );
    assert_eq!(
        (event.name(), event.stream().as_str()),
        ("member_mentioned", "topic:9")
    );
}

#[test]
fn a_change_in_an_audience_beyond_groups_reaches_guests_only_where_the_audience_rule_lets_them_read()
 {
    use crate::audience::{AudienceKind, AudienceRef};
    use guest_reach::beyond_groups;
    assert_eq!(beyond_groups(AudienceKind::Site), GuestReach::Everything);
    assert_eq!(
        beyond_groups(AudienceKind::Conversation),
        GuestReach::Nothing
    );
    assert_eq!(beyond_groups(AudienceKind::Staff), GuestReach::Nothing);
    // Stored with the event, and read back.
    let event = Event::ReactionTaken {
        item: crate::forum::items::post_ref(crate::ids::PostId(9)),
        emoji: "👍".into(),
        by: 2,
        author: 3,
        places: vec![Place::Audience {
            audience: AudienceRef::conversation(5),
        }],
    };
    assert!(
        event
            .to_json()
            .contains(r#"{"place":"audience","audience":{"kind":"conversation","id":5}}"#),
        "{}",
        event.to_json()
    );
    let back = Recorded::parse(1, 0, Timestamp(0), event.name().into(), event.to_json());
    assert_eq!(back.event, Some(event));
}

#[test]
fn every_event_says_who_what_and_where() {
    use crate::audience::AudienceRef;
    use crate::ids::{GroupId, PostId};
    let post = crate::forum::items::post_ref(PostId(31));
    let in_group = Some(AudienceRef::group(GroupId(3)));
    let mentioned = Event::MemberMentioned {
        member: 4,
        by: 2,
        topic: 9,
        post: 31,
        group: 3,
    };
    assert_eq!(
        mentioned.about(),
        About {
            who: Some(2),
            item: Some(post),
            topic: Some(9),
            member: Some(4),
            audience: in_group,
        }
    );
    let left = Event::MemberLeft {
        group: 3,
        member: 5,
        by: 5,
    };
    assert_eq!(
        left.about(),
        About {
            who: Some(5),
            audience: in_group,
            ..About::default()
        },
        "leaving is about nobody else"
    );
    let registered = Event::MemberRegistered { member: 6 };
    assert_eq!(registered.about().audience, Some(AudienceRef::SITE));
    // A kind's event says it through the fields its spec names.
    let accepted = r#"{"type":"answer_accepted","topic":7,"post":31,"by":2,"group":3}"#;
    let accepted = Recorded::parse(1, 0, Timestamp(0), "answer_accepted".into(), accepted);
    assert_eq!(
        accepted.event.map(|e| e.about()),
        Some(About {
            who: Some(2),
            item: Some(post),
            topic: Some(7),
            member: None,
            audience: in_group,
        })
    );
    let waiting = r#"{"type":"answer_waiting","topic":7,"post":31,"asker":8,"group":3}"#;
    let waiting = Recorded::parse(2, 0, Timestamp(0), "answer_waiting".into(), waiting);
    let about = waiting.event.map(|e| e.about()).unwrap_or_default();
    assert_eq!(
        (about.who, about.member),
        (None, Some(8)),
        "the system reminds the asker"
    );
}
