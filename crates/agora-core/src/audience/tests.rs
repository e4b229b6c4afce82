use super::*;
use crate::viewer::{Actor, Restriction, SiteRole};

fn signed_in(role: SiteRole) -> Viewer {
    Viewer::member(Actor {
        id: MemberId(7),
        username: "ana".into(),
        role,
        verified: true,
        restriction: Restriction::None,
        trust: crate::trust::TrustLevel::Basic,
    })
}

fn viewers() -> Vec<(&'static str, Viewer)> {
    vec![
        ("guest", Viewer::guest()),
        ("member", signed_in(SiteRole::Member)),
        ("site moderator", signed_in(SiteRole::Moderator)),
        ("admin", signed_in(SiteRole::Admin)),
    ]
}

fn audiences() -> Vec<Audience> {
    let mut all = Vec::new();
    for visibility in Visibility::ALL {
        for relation in [
            Relation::Stranger,
            Relation::Requested,
            Relation::Invited,
            Relation::Member(GroupRole::Member),
            Relation::Member(GroupRole::Moderator),
            Relation::Member(GroupRole::Owner),
        ] {
            all.push(Audience::Group {
                visibility,
                relation,
            });
        }
    }
    for participation in [
        Participation::Participant,
        Participation::Requested,
        Participation::Former,
        Participation::Outsider,
    ] {
        all.push(Audience::Conversation { participation });
    }
    all.push(Audience::Site { members_only: true });
    all.push(Audience::Site {
        members_only: false,
    });
    all.push(Audience::Staff);
    all
}

#[test]
fn no_role_reads_a_conversation_it_is_not_in() {
    for (name, v) in viewers() {
        for p in [Participation::Former, Participation::Outsider] {
            let a = reach(&v, Audience::Conversation { participation: p });
            assert_eq!(a, Access::Hidden, "{name} {p:?}");
        }
    }
    let member = signed_in(SiteRole::Member);
    let a = reach(
        &member,
        Audience::Conversation {
            participation: Participation::Participant,
        },
    );
    assert_eq!(a, Access::Participate);
    // Even a participant who is an admin only participates: nobody moderates a
    // conversation from inside it.
    let admin = signed_in(SiteRole::Admin);
    let a = reach(
        &admin,
        Audience::Conversation {
            participation: Participation::Participant,
        },
    );
    assert_eq!(a, Access::Participate);
}

#[test]
fn a_guest_cannot_borrow_a_participation() {
    let a = reach(
        &Viewer::guest(),
        Audience::Conversation {
            participation: Participation::Participant,
        },
    );
    assert_eq!(a, Access::Hidden);
}

#[test]
fn the_staff_audience_does_not_exist_for_members() {
    assert_eq!(
        reach(&signed_in(SiteRole::Member), Audience::Staff),
        Access::Hidden
    );
    assert_eq!(reach(&Viewer::guest(), Audience::Staff), Access::Hidden);
    assert_eq!(
        reach(&signed_in(SiteRole::Moderator), Audience::Staff),
        Access::Moderate
    );
}

#[test]
fn the_scope_admits_exactly_what_the_rule_lets_read() {
    for (name, v) in viewers() {
        for need in [Need::Read, Need::Listed] {
            let s = audience_scope(&v, need);
            for audience in audiences() {
                // What the store sees of a guest: no relation, no participation.
                let seen = match (v.id(), audience) {
                    (None, Audience::Group { visibility, .. }) => Audience::Group {
                        visibility,
                        relation: Relation::Stranger,
                    },
                    (None, Audience::Conversation { .. }) => Audience::Conversation {
                        participation: Participation::Outsider,
                    },
                    _ => audience,
                };
                let want = match need {
                    Need::Read => Access::Read,
                    Need::Listed => Access::Listed,
                };
                assert_eq!(
                    s.admits(seen),
                    reach(&v, audience) >= want,
                    "{name} {need:?} {audience:?}"
                );
            }
        }
    }
}

#[test]
fn the_report_desks_admit_exactly_whom_the_rule_routes_to() {
    let mut all: Vec<Option<Audience>> = audiences().into_iter().map(Some).collect();
    all.push(None);
    for (name, v) in viewers() {
        for moderates in [false, true] {
            if let Ok(desk) = report_desk(&v, moderates) {
                for &a in &all {
                    assert_eq!(desk.admits(a), decides_reports(&v, a), "{name} {a:?}");
                }
            }
        }
        if let Ok(desk) = staff_desk(&v) {
            for &a in &all {
                assert_eq!(desk.admits(a), decides_cases(&v, a), "{name} cases {a:?}");
            }
        }
    }
}

#[test]
fn reports_beyond_groups_reach_the_site_staff_only() {
    let beyond = [
        AudienceKind::Conversation,
        AudienceKind::Site,
        AudienceKind::Staff,
    ];
    for kind in beyond {
        let a = routed(kind, None);
        assert!(
            !decides_reports(&signed_in(SiteRole::Member), a),
            "{kind:?}"
        );
        assert!(!decides_reports(&Viewer::guest(), a), "{kind:?}");
        assert!(
            decides_reports(&signed_in(SiteRole::Moderator), a),
            "{kind:?}"
        );
        assert!(decides_reports(&signed_in(SiteRole::Admin), a), "{kind:?}");
    }
    // A group's moderator decides their group's reports, and no other group's.
    let member = signed_in(SiteRole::Member);
    let theirs = routed(
        AudienceKind::Group,
        Some((Visibility::Public, Relation::Member(GroupRole::Moderator))),
    );
    let other = routed(
        AudienceKind::Group,
        Some((Visibility::Public, Relation::Member(GroupRole::Member))),
    );
    assert!(decides_reports(&member, theirs));
    assert!(!decides_reports(&member, other));
    assert_eq!(
        report_desk(&member, false),
        Err(Denied::Forbidden("moderators_only"))
    );
    assert_eq!(
        staff_desk(&member),
        Err(Denied::Forbidden("moderators_only"))
    );
}

#[test]
fn the_staffs_duties_are_held_by_their_roles_and_refused_to_everyone_else_by_name() {
    use crate::error::Refused;
    let expected = [
        // (viewer, runs the site, sanctions members)
        ("guest", false, false),
        ("member", false, false),
        ("site moderator", false, true),
        ("admin", true, true),
    ];
    for ((name, viewer), (_, runs, sanctions)) in viewers().into_iter().zip(expected) {
        assert_eq!(holds(&viewer, Duty::RunSite), runs, "{name}");
        assert_eq!(holds(&viewer, Duty::SanctionMembers), sanctions, "{name}");
        assert_eq!(
            in_staff(&viewer),
            sanctions,
            "{name}: the staff are who sanction"
        );
        for (duty, held, code) in [
            (Duty::RunSite, runs, "admins_only"),
            (Duty::SanctionMembers, sanctions, "moderators_only"),
        ] {
            match require(&viewer, duty) {
                Ok(id) => assert!(held && Some(id) == viewer.id(), "{name} {duty:?}"),
                Err(Refused::SignInRequired) => assert!(viewer.id().is_none(), "{name}"),
                Err(Refused::Forbidden(c)) => assert!(!held && c == code, "{name} {duty:?}"),
                Err(e) => panic!("{name} {duty:?}: {e}"),
            }
        }
    }
}

#[test]
fn an_audience_is_overseen_by_its_moderators_and_by_the_staff_where_they_read() {
    for (name, viewer) in viewers() {
        for access in [
            Access::Hidden,
            Access::Listed,
            Access::Read,
            Access::Participate,
            Access::Moderate,
        ] {
            let staff = name == "site moderator" || name == "admin";
            assert_eq!(
                oversees(&viewer, access),
                access == Access::Moderate || (staff && access >= Access::Read),
                "{name} {access:?}"
            );
        }
    }
}

#[test]
fn a_group_is_managed_by_its_owners_and_the_admins_only() {
    use crate::groups::policy::manages;
    for (name, viewer) in viewers() {
        for relation in [
            Relation::Stranger,
            Relation::Requested,
            Relation::Invited,
            Relation::Member(GroupRole::Member),
            Relation::Member(GroupRole::Moderator),
            Relation::Member(GroupRole::Owner),
        ] {
            let owner = relation == Relation::Member(GroupRole::Owner) && name != "guest";
            assert_eq!(
                manages(&viewer, relation),
                name == "admin" || owner,
                "{name} {relation:?}"
            );
        }
    }
}
