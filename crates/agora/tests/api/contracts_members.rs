//! Storage contracts of the member side: members (unique names and addresses, sessions in
//! time, rate counters, settings), single-use mail tokens, a member's archive and erasure, the
//! consent ledger, sanctions active by time, the reading record and trust, and readiness.
//! Each is checked on the SQL store directly, on SQLite always and on PostgreSQL when
//! configured.

use agora_core::events::Event;
use agora_core::members::{NewMember, SessionKind};
use agora_core::time::Timestamp;
use agora_core::viewer::SiteRole;
use agora_core::{MemberId, StoreError};

use crate::contracts::{
    audit_entry, counters_off, group_id, new_member, ok, open_topic, recorded, reply,
};
use crate::support::{each_backend, member_id};

/// The constraint a refused write named.
fn conflict<T: std::fmt::Debug>(result: Result<T, StoreError>) -> String {
    match result {
        Err(StoreError::Conflict { constraint }) => constraint,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn the_member_store_keeps_names_and_addresses_unique_and_sessions_and_counters_in_time() {
    use agora_core::members::NewSignup;
    use agora_core::store::MemberStore as _;
    each_backend(|app| async move {
        let store = &app.app.store;
        let at = Timestamp(1_000_000_000);
        let ana = ok(store
            .insert_member(&new_member("Ana", "ana@example.com", at))
            .await);
        // A taken name (in any case) or address is the named conflict, and writes nothing.
        let taken_name = new_member("aNA", "other@example.com", at);
        assert_eq!(
            conflict(store.insert_member(&taken_name).await),
            "members_username"
        );
        let taken_address = new_member("bob", "ana@example.com", at);
        assert_eq!(
            conflict(store.insert_member(&taken_address).await),
            "members_email"
        );
        assert_eq!(ok(store.count_members().await), 1);

        // A sign-up is stored whole or not at all.
        let signup = |member: NewMember, n: &str| NewSignup {
            member,
            consents: vec![("terms".into(), 1, true), ("email_digests".into(), 0, true)],
            verify_token_hash: format!("verify-{n}"),
            verify_expires_at: at.plus_seconds(3_600),
            session_hash: format!("session-{n}"),
            session_kind: SessionKind::Web,
            session_expires_at: at.plus_seconds(86_400),
        };
        let refused = signup(new_member("cyd", "ANA@example.com", at), "x");
        assert_eq!(
            conflict(store.insert_signup(&refused).await),
            "members_email"
        );
        for table in ["consents", "email_tokens", "sessions"] {
            assert_eq!(
                app.db().count_rows(table).await,
                0,
                "{table} after a refused sign-up"
            );
        }
        let cyd = ok(store
            .insert_signup(&signup(new_member("cyd", "cyd@example.com", at), "c"))
            .await);
        assert_eq!(ok(store.count_members().await), 2);
        assert_eq!(
            app.db()
                .count_where("consents", &format!("member_id = {}", cyd.0))
                .await,
            2
        );
        assert_eq!(
            app.db()
                .count_where("email_tokens", "token_hash = 'verify-c'")
                .await,
            1
        );
        let session = ok(store.session_actor("session-c", at).await);
        assert_eq!(session.map(|s| s.actor.id), Some(cyd));

        // Names and addresses are found ignoring case; names are shown as typed.
        let found = ok(store.member_by_username("ANA").await);
        assert_eq!(found.map(|m| (m.id, m.username)), Some((ana, "Ana".into())));
        for login in ["aNa", "ANA@Example.com"] {
            let credentials = ok(store.credentials(login).await);
            assert_eq!(credentials.map(|c| c.member.id), Some(ana), "{login}");
        }
        assert!(ok(store.credentials("nobody").await).is_none());
        assert!(ok(store.member_by_id(MemberId(999_999)).await).is_none());
        let page = ok(store.list_members(None, 1).await);
        assert_eq!(page.iter().map(|m| m.id).collect::<Vec<_>>(), [ana]);
        let rest = ok(store.list_members(Some(ana), 10).await);
        assert_eq!(rest.iter().map(|m| m.id).collect::<Vec<_>>(), [cyd]);

        // A profile and a role change are told to consumers; the role's audit entry with it.
        ok(store
            .update_profile(ana, "Ana L.", "Rides bikes.", at)
            .await);
        let audit = audit_entry(
            "member.role",
            agora_core::audit::Target::member(ana, "Ana"),
            None,
            cyd,
            at,
        );
        ok(store
            .set_site_role(ana, SiteRole::Moderator, at, &audit)
            .await);
        let member = ok(store.member_by_id(ana).await).unwrap_or_else(|| panic!("ana is gone"));
        assert_eq!(
            (
                member.display_name.as_str(),
                member.bio.as_str(),
                member.role
            ),
            ("Ana L.", "Rides bikes.", SiteRole::Moderator)
        );
        assert_eq!(
            app.db()
                .count_where("audit_log", "action = 'member.role'")
                .await,
            1
        );

        // A session lives until it expires; a touch after an hour slides its expiry along.
        let day = 86_400;
        ok(store
            .insert_session("s1", ana, SessionKind::Api, at, at.plus_seconds(day))
            .await);
        assert!(ok(store.session_actor("s1", at.plus_seconds(7_200)).await).is_some());
        assert_eq!(
            app.db()
                .scalar("SELECT expires_at FROM sessions WHERE token_hash = 's1'")
                .await,
            at.plus_seconds(day + 7_200).0,
            "slid by the two hours since the last touch"
        );
        let past_first_expiry = at.plus_seconds(day + 3_600);
        assert!(ok(store.session_actor("s1", past_first_expiry).await).is_some());
        ok(store.delete_session("s1").await);
        assert!(ok(store.session_actor("s1", past_first_expiry).await).is_none());
        ok(store
            .insert_session("s2", ana, SessionKind::Web, at, at.plus_seconds(60))
            .await);
        assert!(ok(store.session_actor("s2", at.plus_seconds(59)).await).is_some());
        assert!(
            ok(store.session_actor("s2", at.plus_seconds(60)).await).is_none(),
            "expired at its time"
        );

        // A counter counts within its window and starts again after it; keys are apart.
        let t = |s: i64| Timestamp(s * 1_000_000);
        let hits = |c: agora_core::store::WindowCount| (c.hits, c.window_start);
        assert_eq!(
            hits(ok(store.bump_counter("k", t(100), t(0)).await)),
            (1, t(100))
        );
        assert_eq!(
            hits(ok(store.bump_counter("k", t(150), t(90)).await)),
            (2, t(100))
        );
        assert_eq!(
            hits(ok(store.bump_counter("j", t(150), t(90)).await)),
            (1, t(150))
        );
        assert_eq!(
            ok(store.read_counter("k", t(90)).await).map(hits),
            Some((2, t(100)))
        );
        assert_eq!(
            ok(store.read_counter("k", t(101)).await),
            None,
            "its window is over"
        );
        assert_eq!(
            hits(ok(store.bump_counter("k", t(300), t(200)).await)),
            (1, t(300))
        );
        ok(store.clear_counter("k").await);
        assert_eq!(ok(store.read_counter("k", t(0)).await), None);
        assert_eq!(
            ok(store.read_counter("j", t(0)).await).map(hits),
            Some((1, t(150)))
        );

        // A setting has one value, the last put; an admin's change is audited and told.
        ok(store.put_setting("site_name", "One").await);
        ok(store.put_setting("site_name", "Two").await);
        let audit = audit_entry("settings", agora_core::audit::Target::site(), None, ana, at);
        ok(store
            .put_settings(&[("site_tagline".into(), "Hi".into())], at, &audit)
            .await);
        let settings = ok(store.settings().await);
        let value = |key: &str| -> Vec<&str> {
            settings
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
                .collect()
        };
        assert_eq!(
            (value("site_name"), value("site_tagline")),
            (vec!["Two"], vec!["Hi"])
        );
        assert_eq!(
            app.db()
                .count_where("audit_log", "action = 'settings'")
                .await,
            1
        );
        let told: Vec<Event> = recorded(&app)
            .await
            .into_iter()
            .filter(|e| matches!(e, Event::MemberChanged { .. } | Event::SiteChanged { .. }))
            .collect();
        assert_eq!(
            told,
            [
                Event::MemberChanged { member: ana.0 },
                Event::MemberChanged { member: ana.0 },
                Event::SiteChanged {
                    what: "settings".into()
                },
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn the_email_token_store_uses_each_live_token_once_and_for_its_purpose() {
    use agora_core::store::{EmailTokenStore as _, MemberStore as _};
    each_backend(|app| async move {
        let store = &app.app.store;
        let at = Timestamp(1_000_000_000);
        let ana = ok(store
            .insert_member(&new_member("ana", "ana@example.com", at))
            .await);
        let ben = ok(store
            .insert_member(&new_member("ben", "ben@example.com", at))
            .await);
        let hour = at.plus_seconds(3_600);
        let token = |hash: &'static str, member, purpose: &'static str, email: &'static str| {
            store.insert_email_token(hash, member, purpose, email, at, hour)
        };
        ok(token("v1", ana, "verify", "ana.new@example.com").await);
        ok(token("v2", ana, "verify", "ben@example.com").await);
        ok(token("r1", ana, "reset", "ana@example.com").await);
        ok(token("r2", ben, "reset", "ben@example.com").await);
        let soon = at.plus_seconds(600);

        // Unknown, expired (at its time) or of the other purpose: nothing happens.
        assert_eq!(ok(store.confirm_email("nope", soon).await), None);
        assert_eq!(ok(store.confirm_email("v1", hour).await), None, "expired");
        assert_eq!(
            ok(store.confirm_email("r1", soon).await),
            None,
            "a reset token"
        );
        assert_eq!(
            ok(store.reset_password("v1", "x", soon).await),
            None,
            "a verify token"
        );
        // Used once: the address becomes the token's, confirmed.
        assert_eq!(ok(store.confirm_email("v1", soon).await), Some(ana));
        assert_eq!(ok(store.confirm_email("v1", soon).await), None, "used");
        let member = ok(store.member_by_email("ANA.NEW@example.com").await);
        assert_eq!(
            member.map(|m| (m.id, m.email_verified)),
            Some((ana, true)),
            "found by the new address, ignoring case"
        );
        // An address another member holds is the conflict, and the whole use rolls back.
        assert_eq!(
            conflict(store.confirm_email("v2", soon).await),
            "members_email"
        );
        assert_eq!(
            ok(store.member_by_email("ben@example.com").await).map(|m| m.id),
            Some(ben)
        );
        assert_eq!(
            app.db()
                .count_where("email_tokens", "token_hash = 'v2' AND used_at IS NULL")
                .await,
            1,
            "a refused use leaves the token unused"
        );

        // A reset sets the password and ends every session of that member only, once.
        for (hash, member) in [("a1", ana), ("a2", ana), ("b1", ben)] {
            ok(store
                .insert_session(hash, member, SessionKind::Web, at, hour)
                .await);
        }
        assert_eq!(
            ok(store.reset_password("r2", "new-ben", hour).await),
            None,
            "expired"
        );
        assert_eq!(
            ok(store.reset_password("r1", "new-ana", soon).await),
            Some(ana)
        );
        assert_eq!(
            ok(store.reset_password("r1", "newer", soon).await),
            None,
            "used"
        );
        let password = |login: &'static str| async move {
            ok(store.credentials(login).await)
                .map(|c| c.password_hash)
                .unwrap_or_default()
        };
        assert_eq!(
            (password("ana").await, password("ben").await),
            ("new-ana".to_owned(), "hash".to_owned())
        );
        assert!(ok(store.session_actor("a1", soon).await).is_none());
        assert!(ok(store.session_actor("a2", soon).await).is_none());
        assert!(ok(store.session_actor("b1", soon).await).is_some());
    })
    .await;
}

#[tokio::test]
async fn the_member_data_store_exports_a_member_and_erases_them_keeping_counts_exact() {
    use agora_core::members::data::FORMER_MEMBER;
    use agora_core::store::{MemberDataStore as _, MemberStore as _};
    each_backend(|app| async move {
        let store = &app.app.store;
        let admin_token = app.register("admin").await;
        let ana_token = app.register("ana").await;
        app.register("ben").await;
        for (slug, visibility) in [("club", "public"), ("inner", "closed"), ("vault", "secret")] {
            app.create_group(&admin_token, slug, visibility).await;
        }
        app.join(&ana_token, "club").await;
        app.join(&ana_token, "inner").await;
        let invited = app
            .post(
                &crate::routes::group_invitations("vault"),
                Some(&admin_token),
                serde_json::json!({"username": "ana"}),
            )
            .await;
        assert!(invited.status.is_success(), "{}", invited.text);
        let (admin, ana, ben) = (
            member_id(&app, "admin").await,
            member_id(&app, "ana").await,
            member_id(&app, "ben").await,
        );
        let club = group_id(&app, "club").await;
        let at = Timestamp(1_000_000_000);
        let discussion = agora_core::forum::TopicKind::Discussion;
        let (rides, _) = open_topic(&app, club, ana, discussion, "Rides", at).await;
        let (rules, _) = open_topic(&app, club, admin, discussion, "Rules", at).await;
        let (gear, _) = open_topic(&app, club, ben, discussion, "Gear", at).await;
        reply(&app, rules, ana, "Agreed.", at).await;
        reply(&app, rides, ben, "Count me in.", at).await;
        reply(&app, gear, admin, "Nice bike.", at).await;

        // The archive holds everything about the member.
        let archive = ok(store.member_archive(ana, at).await);
        assert_eq!(
            (
                archive.account.username.as_str(),
                archive.account.email.as_str()
            ),
            ("ana", "ana@example.com")
        );
        assert!(archive.account.email_verified && !archive.sessions.is_empty());
        assert_eq!(
            archive
                .groups
                .iter()
                .map(|g| (g.group.as_str(), g.role.as_str()))
                .collect::<Vec<_>>(),
            [("club", "member")]
        );
        assert_eq!(
            archive
                .join_requests
                .iter()
                .map(|r| (r.group.as_str(), r.state.as_str()))
                .collect::<Vec<_>>(),
            [("inner", "pending")]
        );
        assert_eq!(
            archive
                .invitations
                .iter()
                .map(|r| (r.group.as_str(), r.state.as_str()))
                .collect::<Vec<_>>(),
            [("vault", "pending")]
        );
        assert_eq!(archive.posts.len(), 2);
        assert_eq!(
            archive.kinds.keys().collect::<Vec<_>>(),
            ["idea", "question"],
            "every kind with records of its own has its part"
        );

        // Erased keeping the posts: the account stays, anonymised; what tied it to a person
        // goes, and the groups count one member less.
        let members_of_club = "SELECT member_count FROM groups WHERE slug = 'club'";
        let club_members = app.db().scalar(members_of_club).await;
        let audit = audit_entry(
            "member.erase",
            agora_core::audit::Target::erased_member(ana),
            None,
            admin,
            at,
        );
        ok(store.erase_member(ana, false, at, &audit).await);
        let erased = ok(store.member_by_id(ana).await).unwrap_or_else(|| panic!("row gone"));
        assert_eq!(
            (
                erased.username,
                erased.display_name.as_str(),
                erased.email,
                erased.email_verified
            ),
            (
                format!("former-{}", ana.0),
                FORMER_MEMBER,
                format!("former-{}@erased.invalid", ana.0),
                false
            )
        );
        assert!(ok(store.member_by_username("ana").await).is_none());
        assert!(ok(store.credentials("ana@example.com").await).is_none());
        for (table, column) in [
            ("sessions", "member_id"),
            ("email_tokens", "member_id"),
            ("group_members", "member_id"),
            ("join_requests", "member_id"),
            ("invitations", "invitee_id"),
        ] {
            let rows = app
                .db()
                .count_where(table, &format!("{column} = {}", ana.0))
                .await;
            assert_eq!(rows, 0, "{table} of the erased member");
        }
        assert_eq!(app.db().scalar(members_of_club).await, club_members - 1);
        assert_eq!(
            app.db()
                .count_where(
                    "posts",
                    &format!("author_id = {} AND deleted = FALSE", ana.0)
                )
                .await,
            2,
            "posts kept"
        );
        assert_eq!(
            app.db()
                .count_where("audit_log", "action = 'member.erase'")
                .await,
            1
        );
        assert!(
            recorded(&app)
                .await
                .contains(&Event::MemberChanged { member: ana.0 })
        );

        // Erased with the posts: their words go, and every counter still matches the rows.
        ok(store.erase_member(ben, true, at, &[]).await);
        assert_eq!(
            app.db()
                .count_where(
                    "posts",
                    &format!(
                        "author_id = {} AND (deleted = FALSE OR body_markdown <> '')",
                        ben.0
                    )
                )
                .await,
            0
        );
        assert_eq!(
            app.db()
                .count_where("topics", &format!("id = {} AND deleted = TRUE", gear.0))
                .await,
            1,
            "an opening post takes its topic along"
        );
        let unindexed = if app.backend == "sqlite" {
            "rowid IN (SELECT id FROM posts WHERE author_id = "
        } else {
            "post_id IN (SELECT id FROM posts WHERE author_id = "
        };
        assert_eq!(
            app.db()
                .count_where("post_search", &format!("{unindexed}{})", ben.0))
                .await,
            0,
            "out of search"
        );
        assert_eq!(counters_off(&app).await, (0, 0, 0));
    })
    .await;
}

#[tokio::test]
async fn the_consent_store_versions_documents_and_only_appends_to_the_ledger() {
    use agora_core::store::{ConsentStore as _, MemberStore as _};
    each_backend(|app| async move {
        let store = &app.app.store;
        let at = Timestamp(1_000_000_000);
        let admin = ok(store
            .insert_member(&new_member("admin", "admin@example.com", at))
            .await);
        let ana = ok(store
            .insert_member(&new_member("ana", "ana@example.com", at))
            .await);
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
                sanction: suspension.id
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
        let discussion = agora_core::forum::TopicKind::Discussion;
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
        ok(store
            .insert_report(
                Reported::Post(first),
                admin,
                "spam",
                "",
                TrustLevel::New,
                t0,
            )
            .await);
        let upheld_at = t0.plus_seconds(100);
        let resolved =
            store.resolve_reports(Reported::Post(first), admin, true, "spam", upheld_at, &[]);
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
