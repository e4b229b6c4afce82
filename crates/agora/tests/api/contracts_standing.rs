//! Storage contracts of a member's standing: the consent ledger, sanctions active by time,
//! the reading record and trust, and readiness. Each is checked on the SQL store directly, on
//! SQLite always and on PostgreSQL when configured.

use agora_core::events::Event;
use agora_core::members::SessionKind;
use agora_core::time::Timestamp;
use agora_core::{MemberId, StoreError};

use crate::contracts::{audit_entry, group_id, insert_member, ok, open_topic, recorded, reply};
use crate::support::{each_backend, member_id};

#[tokio::test]
async fn the_consent_store_versions_documents_and_only_appends_to_the_ledger() {
    use agora_core::store::ConsentStore as _;
    each_backend(|app| async move {
        let store = &app.app.store;
        let at = Timestamp(1_000_000_000);
        let admin = insert_member(&app, "admin", at).await;
        let ana = insert_member(&app, "ana", at).await;
        let publish = |kind: &'static str, body: &'static str| {
            let audit = audit_entry(
                "document.publish",
                agora_core::audit::Target::document(kind),
                None,
                admin,
                at,
            );
            async move { ok(store.publish_document(kind, body, admin, at, &audit).await) }
        };
        // Versions count per kind; the audit entry names the version published.
        assert_eq!(publish("terms", "Be fair.").await.version, 1);
        assert_eq!(publish("privacy", "We keep little.").await.version, 1);
        let terms = publish("terms", "Be fair and kind.").await;
        assert_eq!(
            (terms.version, terms.body.as_str()),
            (2, "Be fair and kind.")
        );
        let current = |docs: Vec<agora_core::consent::Document>| -> Vec<(String, i64)> {
            docs.into_iter().map(|d| (d.kind, d.version)).collect()
        };
        assert_eq!(
            current(ok(store.current_documents().await)),
            [("privacy".to_owned(), 1), ("terms".to_owned(), 2)]
        );
        assert_eq!(
            app.db()
                .count_where(
                    "audit_log",
                    "action = 'document.publish' AND detail = 'version 2'"
                )
                .await,
            1
        );
        let published: Vec<Event> = recorded(&app)
            .await
            .into_iter()
            .filter(|e| matches!(e, Event::SiteChanged { .. }))
            .collect();
        assert_eq!(published.len(), 3, "each version is told: {published:?}");

        // Only the current version of a document counts as accepted.
        assert_eq!(current(ok(store.pending_documents(ana).await)).len(), 2);
        ok(store
            .record_consents(ana, &[("terms".into(), 1, true)], at)
            .await);
        assert_eq!(current(ok(store.pending_documents(ana).await)).len(), 2);
        ok(store
            .record_consents(
                ana,
                &[("terms".into(), 2, true), ("privacy".into(), 1, true)],
                at.plus_seconds(1),
            )
            .await);
        assert!(ok(store.pending_documents(ana).await).is_empty());
        // The ledger only grows: a later choice is a new row, the earlier ones stay as written.
        let before = ok(store.consents_of(ana).await);
        ok(store
            .record_consents(
                ana,
                &[
                    ("email_digests".into(), 0, true),
                    ("email_digests".into(), 0, false),
                ],
                at.plus_seconds(2),
            )
            .await);
        let after = ok(store.consents_of(ana).await);
        assert_eq!(
            before
                .iter()
                .map(|c| (c.subject.as_str(), c.version, c.granted))
                .collect::<Vec<_>>(),
            [("terms", 1, true), ("terms", 2, true), ("privacy", 1, true)],
            "oldest first"
        );
        assert_eq!(after[..3], before[..], "earlier rows unchanged");
        assert_eq!(
            after[3..]
                .iter()
                .map(|c| (c.subject.as_str(), c.granted, c.at))
                .collect::<Vec<_>>(),
            [
                ("email_digests", true, at.plus_seconds(2)),
                ("email_digests", false, at.plus_seconds(2))
            ]
        );
        assert!(ok(store.consents_of(admin).await).is_empty());
        publish("terms", "Be fair, kind and brief.").await;
        assert_eq!(
            current(ok(store.pending_documents(ana).await)),
            [("terms".to_owned(), 3)]
        );
    })
    .await;
}

#[tokio::test]
async fn the_sanction_store_restricts_by_time_until_lifted_and_keeps_appeals() {
    use agora_core::sanctions::{NewSanction, SanctionKind};
    use agora_core::store::{MemberStore as _, SanctionStore as _};
    use agora_core::viewer::Restriction;
    each_backend(|app| async move {
        let store = &app.app.store;
        app.register("admin").await;
        app.register("ana").await;
        app.register("ben").await;
        let (admin, ana, ben) = (
            member_id(&app, "admin").await,
            member_id(&app, "ana").await,
            member_id(&app, "ben").await,
        );
        let t0 = Timestamp(1_000_000_000);
        let at = |hours: i64| t0.plus_seconds(hours * 3_600);
        let sanction = |kind, starts, ends| {
            let new = NewSanction {
                member: ana,
                kind,
                reason: format!("{kind:?} for cause"),
                starts_at: starts,
                ends_at: ends,
                by: admin,
            };
            let audit = audit_entry(
                "member.sanction",
                agora_core::audit::Target::member(ana, "ana"),
                None,
                admin,
                starts,
            );
            async move { ok(store.insert_sanction(&new, &audit).await) }
        };
        let silence = sanction(SanctionKind::Silence, at(0), Some(at(24))).await;
        let warning = sanction(SanctionKind::Warning, at(1), None).await;
        let suspension = sanction(SanctionKind::Suspension, at(48), Some(at(72))).await;
        assert!(!silence.lifted && silence.ends_at == Some(at(24)));
        let ids = |list: Vec<agora_core::sanctions::Sanction>| -> Vec<i64> {
            list.iter().map(|s| s.id).collect()
        };
        assert_eq!(
            ids(ok(store.sanctions_of(ana).await)),
            [suspension.id, warning.id, silence.id],
            "newest first"
        );
        assert!(ok(store.sanctions_of(ben).await).is_empty());

        // What restricts the member is what is active at the time asked: from its start, until
        // its end, unless lifted; a warning restricts nothing.
        ok(store
            .insert_session("ana-s", ana, SessionKind::Web, t0, at(24 * 365))
            .await);
        let restriction = |hours: i64| async move {
            ok(store.session_actor("ana-s", at(hours)).await)
                .map(|s| s.actor.restriction)
                .unwrap_or_else(|| panic!("the session ended"))
        };
        let active_at = |hours: i64| async move {
            let list = ok(store.sanctions_of(ana).await);
            list.iter()
                .filter(|s| s.active(at(hours)))
                .map(|s| s.kind)
                .collect::<Vec<_>>()
        };
        assert_eq!(restriction(-1).await, Restriction::None);
        assert_eq!(restriction(2).await, Restriction::Silenced);
        assert_eq!(
            active_at(2).await,
            [SanctionKind::Warning, SanctionKind::Silence]
        );
        assert_eq!(
            restriction(24).await,
            Restriction::None,
            "ended at its time"
        );
        assert_eq!(restriction(50).await, Restriction::Suspended);
        // Lifted once: told and audited once; it restricts no more.
        let lift = |id| {
            let audit = audit_entry(
                "sanction.lift",
                agora_core::audit::Target::sanction(id),
                None,
                admin,
                at(50),
            );
            async move { ok(store.lift_sanction(id, admin, at(50), &audit).await) }
        };
        assert!(lift(suspension.id).await);
        assert!(!lift(suspension.id).await, "lifted already");
        assert!(!lift(999_999).await, "no such sanction");
        assert_eq!(restriction(51).await, Restriction::None);
        assert!(active_at(51).await.contains(&SanctionKind::Warning));
        assert!(ok(store.sanctions_of(ana).await)[0].lifted);
        assert_eq!(
            app.db()
                .count_where("audit_log", "action = 'sanction.lift'")
                .await,
            1
        );
        assert_eq!(
            app.db()
                .count_where("audit_log", "action = 'member.sanction'")
                .await,
            3
        );
        let told: Vec<Event> = recorded(&app)
            .await
            .into_iter()
            .filter(|e| {
                matches!(
                    e,
                    Event::MemberSanctioned { .. } | Event::SanctionLifted { .. }
                )
            })
            .collect();
        assert_eq!(told.len(), 4);
        assert_eq!(
            told[3],
            Event::SanctionLifted {
                member: ana.0,
                sanction: suspension.id,
                by: Some(admin.0),
            }
        );

        // Appeals come newest first, with their sanction; one on no sanction is refused.
        ok(store
            .insert_appeal(silence.id, ana, "I was quoting.", at(3))
            .await);
        ok(store.insert_appeal(warning.id, ana, "Unfair.", at(4)).await);
        let appeals = ok(store.appeals(10).await);
        assert_eq!(
            appeals
                .iter()
                .map(|a| (
                    a.sanction_id,
                    a.kind,
                    a.message.as_str(),
                    a.username.as_str()
                ))
                .collect::<Vec<_>>(),
            [
                (warning.id, SanctionKind::Warning, "Unfair.", "ana"),
                (silence.id, SanctionKind::Silence, "I was quoting.", "ana"),
            ]
        );
        assert_eq!(appeals[1].reason, "Silence for cause");
        assert_eq!(ok(store.appeals(1).await).len(), 1);
        assert!(matches!(
            store.insert_appeal(999_999, ana, "?", at(5)).await,
            Err(StoreError::Conflict { .. })
        ));
        assert_eq!(app.db().count_rows("appeals").await, 2);
    })
    .await;
}

#[tokio::test]
async fn the_trust_store_counts_visits_and_reading_once_and_keeps_levels() {
    use agora_core::flags::Reported;
    use agora_core::store::{MemberStore as _, ModerationStore as _, TrustStore as _};
    use agora_core::trust::{TrustLevel, TrustState};
    each_backend(|app| async move {
        let store = &app.app.store;
        let admin_token = app.register("admin").await;
        app.register("cyd").await;
        app.create_group(&admin_token, "club", "public").await;
        let (admin, cyd) = (member_id(&app, "admin").await, member_id(&app, "cyd").await);
        let club = group_id(&app, "club").await;
        let t0 = Timestamp(1_000_000_000);
        let discussion = agora_core::forum::TopicKind::DISCUSSION;
        let (rules, _) = open_topic(&app, club, admin, discussion, "Rules", t0).await;
        for n in 2..=5 {
            reply(&app, rules, admin, &format!("Rule {n}."), t0).await;
        }
        let (own, _) = open_topic(&app, club, cyd, discussion, "Mine", t0).await;
        let first = reply(&app, rules, cyd, "First.", t0.plus_seconds(1)).await;
        reply(&app, rules, cyd, "Second.", t0.plus_seconds(2)).await;
        reply(&app, own, cyd, "Third.", t0.plus_seconds(3)).await;

        // A visit counts once a day, and a day before the last one not at all.
        let stats = || async { ok(store.trust_stats(cyd, t0).await) };
        let (days, read) = (stats().await.days_visited, stats().await.posts_read);
        assert_eq!(read, 0);
        let today = app
            .db()
            .scalar(&format!(
                "SELECT COALESCE(MAX(last_visit_day), 0) + 1 FROM member_activity \
                 WHERE member_id = {}",
                cyd.0
            ))
            .await;
        assert!(ok(store.record_visit(cyd, today).await));
        assert!(!ok(store.record_visit(cyd, today).await));
        assert!(ok(store.record_visit(cyd, today + 1).await));
        assert!(!ok(store.record_visit(cyd, today).await));
        assert_eq!(stats().await.days_visited, days + 2);

        // Reading counts a topic once, each post once, and the time between readings up to
        // five minutes (the first reading half a minute).
        let read = |topic, last, secs| store.record_read(cyd, topic, last, t0.plus_seconds(secs));
        assert!(ok(read(rules, 2, 0).await));
        assert!(!ok(read(rules, 2, 10).await), "nothing new");
        assert!(ok(read(rules, 4, 120).await));
        assert!(ok(read(rules, 5, 120 + 3_600).await));
        assert!(ok(read(own, 1, 120 + 3_660).await));
        let now = stats().await;
        assert_eq!(
            (now.topics_entered, now.posts_read, now.read_minutes),
            (2, 6, (30 + 120 + 300 + 60) / 60)
        );
        // Replies to others' topics count by topic; written posts are the visible ones.
        assert_eq!((now.topics_replied, now.posts_written), (1, 4));
        let recent = ok(store.recent_bodies(cyd, t0.plus_seconds(1), 2).await);
        assert_eq!(
            recent,
            [(own, "Third.".to_owned()), (rules, "Second.".to_owned())],
            "newest first, since the time asked"
        );

        // A flag upheld on their post counts from when it was upheld, and hides the post.
        let first = Reported::Item(agora_core::forum::items::post_ref(first));
        ok(store
            .insert_report(&agora_core::flags::NewReport {
                target: first,
                audience: Some(agora_core::audience::AudienceRef::group(club)),
                author: Some(cyd),
                by: admin,
                reason: "spam".into(),
                note: String::new(),
                min_level: TrustLevel::New,
                at: t0,
            })
            .await);
        let upheld_at = t0.plus_seconds(100);
        let resolved = store.resolve_reports(first, admin, true, "spam", upheld_at, &[]);
        assert_eq!(ok(resolved.await), 1);
        let flags = |since| async move { ok(store.trust_stats(cyd, since).await) };
        assert_eq!(flags(upheld_at).await.confirmed_flags, 1);
        assert_eq!(flags(upheld_at.plus_seconds(1)).await.confirmed_flags, 0);
        assert_eq!(flags(t0).await.posts_written, 3);

        // Trust is stored as given, with its audit entry.
        let state = TrustState {
            level: TrustLevel::Regular,
            earned: TrustLevel::Member,
            locked: Some(TrustLevel::Regular),
        };
        let audit = audit_entry(
            "member.trust",
            agora_core::audit::Target::member(cyd, "cyd"),
            None,
            admin,
            t0,
        );
        ok(store.put_trust(cyd, &state, &audit).await);
        assert_eq!(ok(store.trust_of(cyd).await), state);
        let member = ok(store.member_by_id(cyd).await).unwrap_or_else(|| panic!("cyd is gone"));
        assert!(member.trust_locked && member.trust_level == TrustLevel::Regular);
        assert_eq!(
            app.db()
                .count_where("audit_log", "action = 'member.trust'")
                .await,
            1
        );
        let missing = MemberId(999_999);
        assert!(matches!(
            store.trust_of(missing).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.trust_stats(missing, t0).await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

#[tokio::test]
async fn the_health_store_is_ready_while_the_database_serves_and_says_why_not_after() {
    use agora_core::store::HealthStore as _;
    each_backend(|app| async move {
        let store = &app.app.store;
        ok(store.ready().await);
        app.register("ana").await;
        ok(store.ready().await);
        store.close().await;
        match store.ready().await {
            Err(StoreError::Unavailable(why)) => assert!(!why.is_empty()),
            other => panic!("a closed store is ready: {other:?}"),
        }
    })
    .await;
}
