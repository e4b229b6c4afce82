use super::*;
use crate::groups::policy::Access;
use crate::kinds::ideas::IDEA;
use crate::kinds::questions::QUESTION;
use crate::trust::TrustLevel;
use crate::viewer::{Actor, Restriction, SiteRole, Viewer};

fn member(id: i64, role: SiteRole, restriction: Restriction, verified: bool) -> Viewer {
    Viewer::member(Actor {
        id: MemberId(id),
        username: format!("m{id}"),
        role,
        verified,
        restriction,
        trust: TrustLevel::Basic,
    })
}

fn viewers() -> Vec<(&'static str, Viewer)> {
    vec![
        ("guest", Viewer::guest()),
        (
            "author",
            member(1, SiteRole::Member, Restriction::None, true),
        ),
        (
            "asker",
            member(2, SiteRole::Member, Restriction::None, true),
        ),
        (
            "other",
            member(3, SiteRole::Member, Restriction::None, true),
        ),
        (
            "unverified",
            member(3, SiteRole::Member, Restriction::None, false),
        ),
        (
            "silenced",
            member(3, SiteRole::Member, Restriction::Silenced, true),
        ),
        (
            "suspended",
            member(1, SiteRole::Member, Restriction::Suspended, true),
        ),
        (
            "site moderator",
            member(4, SiteRole::Moderator, Restriction::None, true),
        ),
    ]
}

const ACCESS: [Access; 5] = [
    Access::Hidden,
    Access::Listed,
    Access::Read,
    Access::Participate,
    Access::Moderate,
];

fn items() -> Vec<ItemFacts> {
    let mut out = Vec::new();
    for state in [
        ItemState::Published,
        ItemState::Held,
        ItemState::Hidden,
        ItemState::Deleted,
    ] {
        for locked in [false, true] {
            // An idea, a reply in a discussion, an answer to member 2's question.
            for (opening, kind, asker) in [
                (true, IDEA, 1),
                (false, TopicKind::DISCUSSION, 1),
                (false, QUESTION, 2),
            ] {
                out.push(ItemFacts {
                    author: MemberId(1),
                    state,
                    locked,
                    opening,
                    topic: Some(TopicFacts {
                        kind,
                        author: MemberId(asker),
                        closed: false,
                    }),
                });
            }
        }
    }
    // And every idea again, merged into another.
    let merged: Vec<ItemFacts> = out
        .iter()
        .filter(|i| votable(i))
        .map(|i| closed(i, true))
        .collect();
    out.extend(merged);
    out
}

fn votable(item: &ItemFacts) -> bool {
    item.opening && item.topic.is_some_and(|t| t.kind == IDEA)
}

fn merged(item: &ItemFacts) -> bool {
    item.topic.is_some_and(|t| t.closed)
}

fn closed(item: &ItemFacts, closed: bool) -> ItemFacts {
    ItemFacts {
        topic: item.topic.map(|t| TopicFacts { closed, ..t }),
        ..*item
    }
}

const VOTE: Action = Action::Kind(&crate::kinds::ideas::VOTE);
const ACCEPT: Action = Action::Kind(&crate::kinds::questions::ACCEPT);

#[test]
fn nothing_is_allowed_on_what_the_viewer_cannot_read() {
    for (name, v) in viewers() {
        for access in ACCESS {
            for item in items() {
                let read = decide(&v, access, &item, Action::Read).is_ok();
                for action in Action::all() {
                    let caps = Capabilities::of(&v, access, &item);
                    if caps.allows(action) && action != Action::Restore {
                        assert!(
                            read,
                            "{name} may {action:?} what they cannot read: {item:?} at {access:?}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn a_merged_idea_takes_no_vote_from_anyone_and_says_why() {
    for (name, v) in viewers() {
        for access in ACCESS {
            for item in items().into_iter().filter(merged) {
                assert!(!Capabilities::of(&v, access, &item).may("vote"), "{name}");
                let before = closed(&item, false);
                if decide(&v, access, &before, VOTE).is_ok() {
                    assert_eq!(
                        decide(&v, access, &item, VOTE),
                        Err(Denied::Forbidden("merged")),
                        "{name} at {access:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn hidden_audiences_hide_and_listed_ones_refuse() {
    let item = items()[0];
    for (_, v) in viewers() {
        for action in Action::all() {
            assert_eq!(
                decide(&v, Access::Hidden, &item, action),
                Err(Denied::NotFound)
            );
            assert_eq!(
                decide(&v, Access::Listed, &item, action),
                Err(Denied::Forbidden("members_only"))
            );
        }
    }
}

#[test]
fn redacted_text_is_read_by_the_audiences_moderators_and_site_staff_only() {
    for (name, v) in viewers() {
        for access in ACCESS {
            let staff = name == "site moderator" && access >= Access::Read;
            assert_eq!(
                reads_redacted(&v, access),
                access == Access::Moderate || staff,
                "{name} at {access:?}"
            );
        }
    }
    let admin = member(9, SiteRole::Admin, Restriction::None, true);
    assert!(reads_redacted(&admin, Access::Moderate));
}

#[test]
fn deleted_items_are_read_by_moderators_and_held_or_hidden_ones_by_their_author_too() {
    for (name, v) in viewers() {
        for item in items().into_iter().filter(|i| !i.state.is_published()) {
            let author = v.id() == Some(item.author) && item.state.awaits_moderator();
            let read = decide(&v, Access::Participate, &item, Action::Read);
            assert_eq!(read.is_ok(), author, "{name} {item:?}");
            assert_eq!(decide(&v, Access::Moderate, &item, Action::Read), Ok(()));
            if author {
                // They read it, and every other action says why it is refused.
                let caps = Capabilities::of(&v, Access::Participate, &item);
                assert!(
                    caps.read && !caps.edit && !caps.reply && !caps.flag,
                    "{item:?}"
                );
                if v.actor()
                    .is_some_and(|a| a.verified && a.restriction == Restriction::None)
                {
                    assert_eq!(
                        decide(&v, Access::Participate, &item, Action::Edit),
                        Err(Denied::Forbidden("awaiting_moderator"))
                    );
                }
            }
        }
    }
}

#[test]
fn sanctions_stop_writing_and_suspension_stops_everything_but_reading() {
    let item = items()[0];
    let silenced = &viewers()[5].1;
    let suspended = &viewers()[6].1;
    assert_eq!(
        decide(silenced, Access::Participate, &item, Action::Reply),
        Err(Denied::Forbidden("silenced"))
    );
    assert!(decide(silenced, Access::Participate, &item, Action::Flag).is_ok());
    for action in Action::all() {
        let want = if action == Action::Read {
            Ok(())
        } else {
            Err(Denied::Forbidden("suspended"))
        };
        assert_eq!(decide(suspended, Access::Moderate, &item, action), want);
    }
}

#[test]
fn authors_edit_open_topics_and_moderators_any() {
    let open = items()[1];
    let locked = items()[4];
    let author = &viewers()[1].1;
    let other = &viewers()[3].1;
    assert!(Capabilities::of(author, Access::Participate, &open).edit);
    assert_eq!(
        decide(author, Access::Participate, &locked, Action::Edit),
        Err(Denied::Locked)
    );
    assert!(Capabilities::of(other, Access::Moderate, &locked).edit);
    assert_eq!(
        decide(other, Access::Participate, &open, Action::Edit),
        Err(Denied::Forbidden("author_only"))
    );
    // An author who left the group reads but no longer edits.
    assert!(!Capabilities::of(author, Access::Read, &open).edit);
    assert!(Capabilities::of(author, Access::Read, &open).delete);
}

#[test]
fn answers_are_accepted_by_the_asker_group_moderators_and_site_staff() {
    let answer = items()[2];
    assert_eq!(
        answer.topic.map(|t| (t.kind, t.author)),
        Some((QUESTION, MemberId(2)))
    );
    for (name, v) in viewers() {
        for access in [Access::Read, Access::Participate, Access::Moderate] {
            let want = match name {
                "asker" | "site moderator" => true,
                "guest" | "suspended" => false,
                _ => access == Access::Moderate,
            };
            assert_eq!(
                Capabilities::of(&v, access, &answer).may("accept"),
                want,
                "{name} at {access:?}"
            );
        }
    }
    // A reply in a discussion, or a question itself, is no answer.
    let asker = &viewers()[2].1;
    assert_eq!(
        decide(asker, Access::Moderate, &items()[1], ACCEPT),
        Err(Denied::Forbidden("not_an_answer"))
    );
}

#[test]
fn members_vote_on_published_ideas_and_readers_do_not() {
    let idea = items()[0];
    assert!(votable(&idea));
    for (name, v) in viewers() {
        for access in [Access::Read, Access::Participate, Access::Moderate] {
            let want = access >= Access::Participate
                && !matches!(name, "guest" | "unverified" | "suspended");
            assert_eq!(
                Capabilities::of(&v, access, &idea).may("vote"),
                want,
                "{name} at {access:?}"
            );
        }
    }
    let reply = items()[1];
    assert_eq!(
        decide(&viewers()[1].1, Access::Participate, &reply, VOTE),
        Err(Denied::Forbidden("not_votable"))
    );
}

#[test]
fn buttons_are_only_offered_where_they_change_something() {
    let moderator = &viewers()[7].1;
    for item in items() {
        let caps = Capabilities::of(moderator, Access::Moderate, &item);
        assert_eq!(caps.delete, item.state != ItemState::Deleted);
        assert_eq!(caps.restore, item.state != ItemState::Published);
        assert_eq!(caps.flag, item.state == ItemState::Published);
    }
}

#[test]
fn readers_react_to_what_others_wrote_and_never_to_their_own() {
    let post = items()[1];
    for (name, v) in viewers() {
        for access in [Access::Read, Access::Participate, Access::Moderate] {
            // Reading is enough, as Discourse's likes: a reader of a public group need not
            // join to like a post.
            let want = !matches!(name, "guest" | "author" | "unverified" | "suspended");
            assert_eq!(
                Capabilities::of(&v, access, &post).react,
                want,
                "{name} at {access:?}"
            );
        }
    }
    let author = &viewers()[1].1;
    assert_eq!(
        decide(author, Access::Participate, &post, Action::React),
        Err(Denied::Forbidden("own_item"))
    );
    let other = &viewers()[3].1;
    let locked = items()[4];
    assert_eq!(
        decide(other, Access::Participate, &locked, Action::React),
        Err(Denied::Locked)
    );
    assert_eq!(
        decide(other, Access::Listed, &post, Action::React),
        Err(Denied::Forbidden("members_only"))
    );
}
