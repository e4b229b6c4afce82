//! Storage contracts of the records staff keep: legal cases (opened at once or on
//! confirmation, each post hidden with its case, decided once, steps append-only), the audit
//! log (newest first, searched ignoring case, scoped to the groups one may see, append-only)
//! and mailings (opt-ins read from the latest choice, bulletins written with their audit entry
//! and event). Each is checked on the SQL store directly, on SQLite always and on PostgreSQL
//! when configured.

use agora_core::audience::{AudienceRef, ReportScope};
use agora_core::audit::Target;
use agora_core::events::Event;
use agora_core::forum::items::post_ref;
use agora_core::groups::Visibility;
use agora_core::groups::policy::Scope;
use agora_core::items::refs::StoredRef;
use agora_core::time::Timestamp;
use agora_core::{GroupId, MemberId, PostId, StoreError, TopicId};

use crate::contracts::{
    audit_entry, counters_off, group_id, insert_member, new_member, ok, open_topic, recorded, reply,
};
use crate::support::{each_backend, member_id};

/// What a guest may see: public groups.
const PUBLIC: Scope = Scope {
    everything: false,
    open_kinds: &[Visibility::Public],
    member: None,
    with_invitations: false,
};

/// What an admin sees: everything.
const EVERYTHING: Scope = Scope {
    everything: true,
    open_kinds: &[Visibility::Public],
    member: None,
    with_invitations: false,
};

#[tokio::test]
async fn the_case_store_opens_hides_and_decides_each_case_once_with_append_only_steps() {
    use agora_core::complaints::{CaseStatus, NewCase};
    use agora_core::store::{CaseStore as _, ForumStore as _};
    each_backend(|app| async move {
        let store = &app.app.store;
        let admin_token = app.register("admin").await;
        app.register("ana").await;
        app.register("ben").await;
        app.create_group(&admin_token, "club", "public").await;
        app.create_group(&admin_token, "vault", "secret").await;
        let (admin, ana, ben) = (
            member_id(&app, "admin").await,
            member_id(&app, "ana").await,
            member_id(&app, "ben").await,
        );
        let t0 = Timestamp(1_000_000_000);
        let at = |secs| t0.plus_seconds(secs);
        let discussion = agora_core::forum::TopicKind::DISCUSSION;
        let club = group_id(&app, "club").await;
        let vault = group_id(&app, "vault").await;
        let (rules, opening) = open_topic(&app, club, admin, discussion, "Rules", t0).await;
        let answer = reply(&app, rules, ana, "A quote from a book.", t0).await;
        let (secret, _) = open_topic(&app, vault, admin, discussion, "Secret", t0).await;
        let hidden = reply(&app, secret, ana, "A leaked letter.", t0).await;
        let case = |reference: &str,
                    (post, group, author): (PostId, GroupId, MemberId),
                    complainant,
                    confirm: Option<&str>,
                    at| NewCase {
            reference: reference.into(),
            item: post_ref(post).into(),
            audience: AudienceRef::group(group),
            author,
            complainant,
            name: "Someone".into(),
            email: format!("{}@example.com", reference.to_lowercase()),
            kind: "copyright".into(),
            statement: "It is mine.".into(),
            confirm_hash: confirm.map(str::to_owned),
            hide_at_once: false,
            at,
            due_at: at.plus_seconds(agora_core::complaints::REVIEW_SECS),
        };
        let deleted = |post: PostId| async move {
            ok(store.post(post).await)
                .unwrap_or_else(|| panic!("post {} is gone", post.0))
                .deleted
        };
        let steps = |id: i64| async move {
            let (_, steps) = ok(store.case(id).await).unwrap_or_else(|| panic!("no case {id}"));
            steps
                .into_iter()
                .map(|s| (s.actor, s.action))
                .collect::<Vec<_>>()
        };
        let step = |actor: &str, action: &str| (actor.to_owned(), action.to_owned());

        // A member's complaint opens at once, due in two days; the post stays up.
        let a = ok(store
            .insert_case(&case("LC-A", (answer, club, ana), Some(ben), None, at(1)))
            .await);
        assert_eq!(
            (a.status, a.item, a.audience, a.item_author),
            (
                CaseStatus::Open,
                Some(StoredRef::from(post_ref(answer))),
                Some(AudienceRef::group(club)),
                Some(ana)
            )
        );
        assert_eq!(
            (a.due_at, a.item_hidden),
            (Some(at(1 + agora_core::complaints::REVIEW_SECS)), false)
        );
        assert_eq!(a.complainant_member.as_deref(), Some("ben"));
        assert!(!deleted(answer).await);
        assert_eq!(
            steps(a.id).await,
            [step("complainant", "filed"), step("system", "opened")]
        );
        // A guest's waits for its confirmation, the post still shown; an old one expires.
        let b = ok(store
            .insert_case(&case(
                "LC-B",
                (hidden, vault, ana),
                None,
                Some("hash-b"),
                at(2),
            ))
            .await);
        let c = ok(store
            .insert_case(&case(
                "LC-C",
                (opening, club, admin),
                None,
                Some("hash-c"),
                at(3),
            ))
            .await);
        assert_eq!(b.status, CaseStatus::Unconfirmed);
        assert!(!deleted(hidden).await);
        assert_eq!(steps(b.id).await, [step("complainant", "filed")]);
        // Confirmed, due then; its kind is one the site hides at once, so the post is hidden.
        let hide = ["copyright".to_owned()];
        let confirm = |hash: &'static str, secs, after| {
            store.confirm_case(hash, at(secs), after, at(secs + 1_000), &hide)
        };
        assert!(ok(confirm("nope", 60, t0).await).is_none());
        assert!(
            ok(confirm("hash-c", 60, at(3)).await).is_none(),
            "filed before the time asked"
        );
        let (confirmed, email) = ok(confirm("hash-b", 60, t0).await)
            .unwrap_or_else(|| panic!("case B was not confirmed"));
        assert_eq!(
            (confirmed.status, email.as_str()),
            (CaseStatus::Open, "lc-b@example.com")
        );
        assert_eq!(
            (confirmed.due_at, confirmed.item_hidden),
            (Some(at(1_060)), true)
        );
        assert!(ok(confirm("hash-b", 61, t0).await).is_none(), "once");
        assert!(deleted(hidden).await);
        assert_eq!(
            steps(b.id).await,
            [
                step("complainant", "filed"),
                step("complainant", "confirmed"),
                step("system", "opened")
            ]
        );

        // Open cases first, the soonest due first, then the newest; a case about a group out of
        // scope is not listed.
        let listed = |scope| async move {
            ok(store.cases(scope, 10).await)
                .into_iter()
                .map(|c| c.id)
                .collect::<Vec<_>>()
        };
        let staff = |groups| ReportScope {
            staff_groups: Some(groups),
            moderator: None,
            beyond_groups: true,
            deleted_groups: false,
        };
        let (everything, public) = (staff(EVERYTHING), staff(PUBLIC));
        assert_eq!(
            listed(&everything).await,
            [b.id, a.id, c.id],
            "B is due sooner"
        );
        assert_eq!(listed(&public).await, [a.id, c.id]);
        assert_eq!(
            ok(store.case_email(a.id).await).as_deref(),
            Some("lc-a@example.com")
        );
        assert!(ok(store.case_email(999_999).await).is_none());
        assert!(ok(store.case(999_999).await).is_none());

        // A decision is taken once, with its step and audit entry; restoring shows the post.
        ok(store
            .add_case_event(
                a.id,
                Some(admin),
                "admin",
                "note",
                "Asked the author.",
                at(70),
            )
            .await);
        let decide = |id: i64, status, secs| {
            let audit = audit_entry("case.decide", Target::case(id, "LC"), None, admin, at(secs));
            async move {
                let decided =
                    store.decide_case(id, admin, "admin", status, "Decided.", at(secs), &audit);
                ok(decided.await)
            }
        };
        assert!(decide(a.id, CaseStatus::Removed, 80).await);
        assert!(
            !decide(a.id, CaseStatus::Restored, 81).await,
            "decided already"
        );
        assert!(deleted(answer).await, "upheld: removed");
        assert!(decide(b.id, CaseStatus::Restored, 82).await);
        assert!(
            !deleted(hidden).await,
            "not upheld: what the case hid is shown again"
        );
        assert!(
            !decide(c.id, CaseStatus::Removed, 83).await,
            "not confirmed: not open"
        );
        assert!(!deleted(opening).await);
        let (decided, _) = ok(store.case(a.id).await).unwrap_or_else(|| panic!("case A"));
        assert_eq!(
            (decided.status, decided.decided_at),
            (CaseStatus::Removed, Some(at(80)))
        );
        assert_eq!(
            steps(a.id).await[2..],
            [step("admin", "note"), step("admin", "removed")]
        );
        assert_eq!(
            app.db()
                .count_where("audit_log", "action = 'case.decide'")
                .await,
            2
        );
        assert_eq!(counters_off(&app).await, (0, 0, 0));

        // The steps are a record: the database refuses to change or remove one.
        let rows = app.db().count_rows("legal_case_events").await;
        assert!(
            app.db()
                .try_sql("UPDATE legal_case_events SET note = 'x'")
                .await
                .is_err()
        );
        assert!(
            app.db()
                .try_sql("DELETE FROM legal_case_events")
                .await
                .is_err()
        );
        assert_eq!(app.db().count_rows("legal_case_events").await, rows);
    })
    .await;
}

#[tokio::test]
async fn the_audit_store_lists_newest_first_searches_ignoring_case_within_scope_and_only_appends() {
    use agora_core::audit::NewAuditEntry;
    use agora_core::groups::NewGroup;
    use agora_core::store::{AuditStore as _, GroupStore as _, MemberStore as _};
    each_backend(|app| async move {
        let store = &app.app.store;
        let at = Timestamp(1_000_000_000);
        let admin = insert_member(&app, "admin", at).await;
        let ana = insert_member(&app, "ana", at).await;
        let group = |slug: &str, visibility| NewGroup {
            slug: slug.into(),
            name: slug.into(),
            description: String::new(),
            visibility,
            owner: admin,
            at,
        };
        let club = ok(store.insert_group(&group("club", Visibility::Public)).await);
        let hush = ok(store.insert_group(&group("hush", Visibility::Secret)).await);
        let entry = |action, target, group, detail: &str| NewAuditEntry {
            at,
            actor: Some(admin),
            actor_name: "admin".into(),
            action,
            target,
            group,
            detail: detail.into(),
        };
        let entries = [
            entry(
                "topic.lock",
                Target::topic(TopicId(5), "Hello"),
                Some(club),
                "Spam wave",
            ),
            entry("member.role", Target::member(ana, "ana"), None, "moderator"),
            entry(
                "topic.pin",
                Target::topic(TopicId(6), "Secret plans"),
                Some(hush),
                "",
            ),
            entry(
                "post.hide",
                Target::post(PostId(7), "ben"),
                Some(club),
                "100%_off deals",
            ),
            entry(
                "topic.rename",
                Target::topic(TopicId(8), "Über uns"),
                Some(club),
                "Été",
            ),
        ];
        // Written by an action's method, in its transaction (here an admin's settings).
        ok(store.put_settings(&[], at, &entries).await);
        let actions = |scope: Scope, query: Option<&'static str>, target: Option<(&str, i64)>| {
            let target = target.map(|(k, id)| (k.to_owned(), id));
            async move {
                ok(store
                    .audit_entries(&scope, query, target.as_ref(), None, 10)
                    .await)
                .into_iter()
                .map(|e| e.action)
                .collect::<Vec<_>>()
            }
        };
        assert_eq!(
            actions(EVERYTHING, None, None).await,
            [
                "topic.rename",
                "post.hide",
                "topic.pin",
                "member.role",
                "topic.lock"
            ]
        );
        // Entries about a group are shown only to those who may see the group.
        let public = ["topic.rename", "post.hide", "member.role", "topic.lock"];
        assert_eq!(actions(PUBLIC, None, None).await, public);
        let member_of = |member| Scope {
            member: Some(member),
            ..PUBLIC
        };
        assert_eq!(actions(member_of(ana), None, None).await, public);
        assert_eq!(actions(member_of(admin), None, None).await.len(), 5);

        // A query matches action, target, actor or detail, ignoring case (beyond ASCII too);
        // `%` and `_` are themselves.
        for (query, found) in [
            ("LOCK", vec!["topic.lock"]),
            ("secret", vec!["topic.pin"]),
            ("spam WAVE", vec!["topic.lock"]),
            ("member:ANA", vec!["member.role"]),
            ("%", vec!["post.hide"]),
            ("_", vec!["post.hide"]),
            ("über", vec!["topic.rename"]),
            ("ÉTÉ", vec!["topic.rename"]),
            ("nothing like it", vec![]),
        ] {
            assert_eq!(
                actions(EVERYTHING, Some(query), None).await,
                found,
                "{query}"
            );
        }
        assert_eq!(actions(EVERYTHING, Some("ADMIN"), None).await.len(), 5);
        assert!(actions(PUBLIC, Some("secret"), None).await.is_empty());
        // A target lists what was done to it; `before` and the limit page the log.
        assert_eq!(
            actions(EVERYTHING, None, Some(("topic", 5))).await,
            ["topic.lock"]
        );
        assert_eq!(
            actions(EVERYTHING, None, Some(("member", ana.0))).await,
            ["member.role"]
        );
        assert!(
            actions(EVERYTHING, Some("pin"), Some(("topic", 5)))
                .await
                .is_empty()
        );
        let all = ok(store.audit_entries(&EVERYTHING, None, None, None, 10).await);
        let older = ok(store
            .audit_entries(&EVERYTHING, None, None, Some(all[2].id), 10)
            .await);
        assert_eq!(older, all[3..]);
        assert_eq!(
            ok(store.audit_entries(&EVERYTHING, None, None, None, 2).await),
            all[..2]
        );

        // The log only grows: the database refuses to change or remove an entry.
        assert!(
            app.db()
                .try_sql("UPDATE audit_log SET detail = 'x'")
                .await
                .is_err()
        );
        assert!(app.db().try_sql("DELETE FROM audit_log").await.is_err());
        assert_eq!(
            ok(store.audit_entries(&EVERYTHING, None, None, None, 10).await),
            all
        );
    })
    .await;
}

#[tokio::test]
async fn the_mailing_store_reads_opt_ins_from_the_latest_choice_and_records_bulletins() {
    use agora_core::members::NewMember;
    use agora_core::sanctions::{NewSanction, SanctionKind};
    use agora_core::store::{
        ConsentStore as _, MailingStore as _, MemberStore as _, SanctionStore as _,
    };
    each_backend(|app| async move {
        let store = &app.app.store;
        let t0 = Timestamp(1_000_000_000);
        let subject = "email_bulletins";
        let admin = insert_member(&app, "admin", t0).await;
        // Each member's choices for the subject, oldest first.
        let choices: [(&str, bool, &[bool]); 8] = [
            ("ana", true, &[true]),
            ("ben", true, &[true, false]),
            ("cyd", true, &[false, true]),
            ("dan", true, &[true]),
            ("eve", false, &[true]),
            ("fay", true, &[true]),
            ("gus", true, &[true]),
            ("hal", true, &[]),
        ];
        let mut ids = Vec::new();
        for (name, verified, granted) in choices {
            let member = NewMember {
                verified,
                ..new_member(name, &format!("{name}@example.com"), t0)
            };
            let id = ok(store.insert_member(&member).await);
            for g in granted {
                ok(store
                    .record_consents(id, &[(subject.into(), 0, *g)], t0)
                    .await);
            }
            ids.push(id);
        }
        ok(store
            .record_consents(ids[7], &[("email_digests".into(), 0, true)], t0)
            .await);
        // Banned: dan from now on, gus only from tomorrow; fay's ban was lifted.
        let now = t0.plus_seconds(3_600);
        for (member, starts) in [
            (ids[3], t0),
            (ids[6], t0.plus_seconds(86_400)),
            (ids[5], t0),
        ] {
            let ban = NewSanction {
                member,
                kind: SanctionKind::Ban,
                reason: "Spam.".into(),
                starts_at: starts,
                ends_at: None,
                by: admin,
            };
            let sanction = ok(store.insert_sanction(&ban, &[]).await);
            if member == ids[5] {
                assert!(ok(store.lift_sanction(sanction.id, admin, t0, &[]).await));
            }
        }
        let expected = [ids[0], ids[2], ids[5], ids[6]];
        assert_eq!(ok(store.count_opted_in(subject, now).await), 4);
        let page =
            |after, limit| async move { ok(store.opted_in(subject, now, after, limit).await) };
        let first = page(MemberId(0), 2).await;
        assert_eq!(
            first.iter().map(|r| r.id).collect::<Vec<_>>(),
            expected[..2]
        );
        assert_eq!(
            (first[0].display_name.as_str(), first[0].email.as_str()),
            ("ana", "ana@example.com")
        );
        let rest = page(first[1].id, 10).await;
        assert_eq!(rest.iter().map(|r| r.id).collect::<Vec<_>>(), expected[2..]);
        assert_eq!(ok(store.count_opted_in("email_digests", now).await), 1);

        // A bulletin is stored with its audit entry (naming it) and the event that has it sent.
        let bulletin = |subject: &'static str, by| {
            let audit = audit_entry("bulletin.send", Target::new_bulletin(), None, by, now);
            async move {
                store
                    .insert_bulletin(subject, "Hello all.", by, now, 4, &audit)
                    .await
            }
        };
        let first = ok(bulletin("News", admin).await);
        assert_eq!(
            (first.sent_by.as_str(), first.recipients, first.sent),
            ("admin", 4, 0)
        );
        assert_eq!(
            app.db()
                .count_where(
                    "audit_log",
                    &format!(
                        "target_kind = 'bulletin' AND target_id = {0} AND target = 'bulletin:{0}'",
                        first.id
                    )
                )
                .await,
            1
        );
        let delivery = |id| async move {
            ok(store.bulletin_delivery(id).await).map(|(b, through)| (b.sent, through))
        };
        assert_eq!(delivery(first.id).await, Some((0, MemberId(0))));
        ok(store.bulletin_progress(first.id, ids[2], 2).await);
        assert_eq!(delivery(first.id).await, Some((2, ids[2])));
        assert_eq!(delivery(999_999).await, None);
        // By no member: refused, and nothing of it written.
        assert!(matches!(
            bulletin("Ghost", MemberId(999_999)).await,
            Err(StoreError::NotFound)
        ));
        let second = ok(bulletin("More news", admin).await);
        let listed = |limit| async move {
            ok(store.bulletins(limit).await)
                .into_iter()
                .map(|b| b.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(listed(10).await, [second.id, first.id]);
        assert_eq!(listed(1).await, [second.id]);
        assert_eq!(
            app.db()
                .count_where("audit_log", "action = 'bulletin.send'")
                .await,
            2
        );
        let sent: Vec<Event> = recorded(&app)
            .await
            .into_iter()
            .filter(|e| matches!(e, Event::BulletinSent { .. }))
            .collect();
        assert_eq!(
            sent,
            [
                Event::BulletinSent {
                    bulletin: first.id,
                    by: Some(admin.0)
                },
                Event::BulletinSent {
                    bulletin: second.id,
                    by: Some(admin.0)
                }
            ]
        );
    })
    .await;
}
