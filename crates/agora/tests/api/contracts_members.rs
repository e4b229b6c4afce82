//! Storage contracts of the member side: members (unique names and addresses, sessions in
//! time, rate counters, settings), single-use mail tokens, and a member's archive and erasure
//! (their standing is in `contracts_standing.rs`).
//! Each is checked on the SQL store directly, on SQLite always and on PostgreSQL when
//! configured.

use agora_core::events::Event;
use agora_core::members::{NewMember, SessionKind};
use agora_core::time::Timestamp;
use agora_core::viewer::SiteRole;
use agora_core::{MemberId, StoreError};

use crate::contracts::{
    audit_entry, counters_off, group_id, insert_member, new_member, ok, open_topic, recorded, reply,
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
        let ana = insert_member(&app, "Ana", at).await;
        // A taken name (in any case) is the named conflict, and writes nothing; so is an
        // address another account confirmed, for an account that comes confirmed.
        let taken_name = new_member("aNA", "other@example.com", at);
        assert_eq!(
            conflict(store.insert_member(&taken_name).await),
            "members_username"
        );
        app.db()
            .execute_sql(&format!(
                "UPDATE members SET email_verified_at = 1 WHERE id = {}",
                ana.0
            ))
            .await;
        let confirmed_too = NewMember {
            verified: true,
            ..new_member("bob", "ana@example.com", at)
        };
        assert_eq!(
            conflict(store.insert_member(&confirmed_too).await),
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
        let refused = signup(new_member("ANA", "cyd@example.com", at), "x");
        assert_eq!(
            conflict(store.insert_signup(&refused).await),
            "members_username"
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
        // Unconfirmed accounts may share an address another confirmed; signing in by the
        // address finds the one that confirmed it, by name the one so named.
        let dee = ok(store
            .insert_signup(&signup(new_member("dee", "ana@example.com", at), "d"))
            .await);
        let by_address = ok(store.credentials("ANA@example.com").await);
        assert_eq!(by_address.map(|c| c.member.id), Some(ana));
        let by_email = ok(agora_core::store::EmailTokenStore::member_by_email(
            &**store,
            "ana@example.com",
        )
        .await);
        assert_eq!(by_email.map(|m| m.id), Some(ana));
        assert_eq!(
            ok(store.credentials("dee").await).map(|c| c.member.id),
            Some(dee)
        );

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
                Event::MemberChanged {
                    member: ana.0,
                    by: Some(ana.0)
                },
                Event::MemberChanged {
                    member: ana.0,
                    by: Some(cyd.0)
                },
                Event::SiteChanged {
                    what: "settings".into(),
                    by: Some(ana.0)
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
        let ana = insert_member(&app, "ana", at).await;
        let ben = insert_member(&app, "ben", at).await;
        let hour = at.plus_seconds(3_600);
        let token = |hash: &'static str, member, purpose: &'static str, email: &'static str| {
            store.insert_email_token(hash, member, purpose, email, at, hour)
        };
        let cat = insert_member(&app, "cat", at).await;
        app.db()
            .execute_sql(&format!(
                "UPDATE members SET email_verified_at = 1 WHERE id = {}",
                ben.0
            ))
            .await;
        // Asking for another address voids the link to the one asked for before.
        ok(token("v0", ana, "verify", "ana.old@example.com").await);
        ok(token("v1", ana, "verify", "ana.new@example.com").await);
        ok(token("v2", cat, "verify", "ben@example.com").await);
        ok(token("r0", ana, "reset", "ana@example.com").await);
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
        assert_eq!(ok(store.confirm_email("v0", soon).await), None, "voided");
        // Used once: the address becomes the token's, confirmed, and every link mailed before
        // (the reset link in the old mailbox too) is void.
        assert_eq!(ok(store.confirm_email("v1", soon).await), Some(ana));
        assert_eq!(ok(store.confirm_email("v1", soon).await), None, "used");
        assert_eq!(
            ok(store.reset_password("r0", "x", soon).await),
            None,
            "voided"
        );
        let member = ok(store.member_by_email("ANA.NEW@example.com").await);
        assert_eq!(
            member.map(|m| (m.id, m.email_verified)),
            Some((ana, true)),
            "found by the new address, ignoring case"
        );
        // An address another member confirmed is the conflict, and the whole use rolls back.
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

        // A reset sets the password and ends every session of that member only, once; it
        // voids the member's other reset links.
        ok(token("r1", ana, "reset", "ana.new@example.com").await);
        ok(token("r3", ana, "reset", "ana.new@example.com").await);
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
        assert_eq!(
            ok(store.reset_password("r3", "newer", soon).await),
            None,
            "voided by the other"
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
        let discussion = agora_core::forum::TopicKind::DISCUSSION;
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
            ["bookmarks", "idea", "message", "question", "reactions"],
            "every kind with records of its own, and every service on items, has its part"
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
        assert!(recorded(&app).await.contains(&Event::MemberChanged {
            member: ana.0,
            by: Some(admin.0)
        }));

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
