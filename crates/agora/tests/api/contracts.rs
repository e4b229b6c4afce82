//! Storage contracts: what a store trait promises, checked on the SQL store directly, on
//! SQLite always and on PostgreSQL when configured (the use-case tests cover the rest through
//! the application).

use agora_core::store::EventStore as _;
use agora_core::time::Timestamp;

use crate::support::{TestApp, each_backend, hidden_events, member_id};

/// Records an event the way a use case's transaction does (a newer node's type, which
/// consumers skip).
async fn record(app: &TestApp, n: i64) {
    let tx = if app.backend == "postgres" {
        "pg_current_xact_id()::text::bigint"
    } else {
        "0"
    };
    app.execute_sql(&format!(
        "INSERT INTO outbox (stream, name, payload, at, tx) \
         VALUES ('test:{n}', 'contract', '{{\"type\":\"contract\"}}', {n}, {tx})"
    ))
    .await;
}

/// Waits until every recorded event is readable (on PostgreSQL, once older transactions of
/// any test's database have finished).
async fn settled(app: &TestApp) {
    for _ in 0..500 {
        if hidden_events(app).await == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("an older transaction kept the events hidden for five seconds");
}

#[tokio::test]
async fn the_event_store_keeps_order_positions_and_leases() {
    each_backend(|app| async move {
        let store = &app.app.store;
        let at = |s: i64| Timestamp(s * 1_000_000);
        let fail = |e: agora_core::StoreError| -> ! { panic!("{e}") };
        // Nothing recorded: nothing pending, and a new consumer starts at 0.
        assert!(!store.pending("c").await.unwrap_or_else(|e| fail(e)));
        assert_eq!(
            store
                .claim_consumer("c", "a", at(0), at(60))
                .await
                .unwrap_or_else(|e| fail(e)),
            Some(0)
        );
        for n in 1..=3 {
            record(&app, n).await;
        }
        settled(&app).await;
        assert!(store.pending("c").await.unwrap_or_else(|e| fail(e)));
        let events = store.events_after(0, 10).await.unwrap_or_else(|e| fail(e));
        let stamps: Vec<i64> = events.iter().map(|e| e.at.0).collect();
        assert_eq!(
            stamps,
            [1, 2, 3],
            "in the order recorded, each once, with its time"
        );
        assert!(events.windows(2).all(|w| w[0].id < w[1].id));
        assert!(
            events
                .iter()
                .all(|e| e.event.is_none() && e.name == "contract")
        );
        let first_two = store.events_after(0, 2).await.unwrap_or_else(|e| fail(e));
        assert_eq!(first_two.len(), 2, "the limit holds");
        let rest = store
            .events_after(first_two[1].id, 10)
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(
            rest.iter().map(|e| e.id).collect::<Vec<_>>(),
            [events[2].id]
        );

        // One holder at a time.
        assert_eq!(
            store
                .claim_consumer("c", "b", at(10), at(70))
                .await
                .unwrap_or_else(|e| fail(e)),
            None,
            "held by a until 60"
        );
        assert!(
            !store
                .advance_consumer("c", "b", events[0].id, at(70))
                .await
                .unwrap_or_else(|e| fail(e))
        );
        assert!(
            store
                .advance_consumer("c", "a", events[1].id, at(60))
                .await
                .unwrap_or_else(|e| fail(e))
        );
        assert!(
            store.pending("c").await.unwrap_or_else(|e| fail(e)),
            "one left"
        );
        // A lapsed lease passes on, with the position recorded.
        assert_eq!(
            store
                .claim_consumer("c", "b", at(61), at(121))
                .await
                .unwrap_or_else(|e| fail(e)),
            Some(events[1].id)
        );
        assert!(
            !store
                .advance_consumer("c", "a", events[2].id, at(121))
                .await
                .unwrap_or_else(|e| fail(e)),
            "a lost it"
        );
        assert!(
            store
                .advance_consumer("c", "b", events[2].id, at(121))
                .await
                .unwrap_or_else(|e| fail(e))
        );
        assert!(!store.pending("c").await.unwrap_or_else(|e| fail(e)));
        // Released: anyone may claim at once; other consumers keep their own positions.
        store
            .release_consumer("c", "b")
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(
            store
                .claim_consumer("c", "a", at(62), at(122))
                .await
                .unwrap_or_else(|e| fail(e)),
            Some(events[2].id)
        );
        assert_eq!(
            store
                .claim_consumer("d", "a", at(62), at(122))
                .await
                .unwrap_or_else(|e| fail(e)),
            Some(0)
        );
        assert!(store.pending("d").await.unwrap_or_else(|e| fail(e)));
    })
    .await;
}

#[tokio::test]
async fn the_moderation_store_keeps_one_report_model_for_posts_and_members() {
    use agora_core::flags::Reported;
    use agora_core::groups::policy::{Need, scope};
    use agora_core::store::ModerationStore as _;
    use agora_core::trust::TrustLevel;
    use agora_core::{PostId, Viewer};
    each_backend(|app| async move {
        let store = &app.app.store;
        let fail = |e: agora_core::StoreError| -> ! { panic!("{e}") };
        let admin = app.register("admin").await;
        for name in ["ana", "ben", "cyd"] {
            app.register(name).await;
        }
        app.set_trust("ben", 2).await;
        app.create_group(&admin, "club", "public").await;
        let (_, post) = app.create_topic(&admin, "club", "Rules", "Be kind.").await;
        let post = Reported::Post(PostId(post));
        let (ana, ben, cy) = (
            member_id(&app, "ana").await,
            member_id(&app, "ben").await,
            member_id(&app, "cyd").await,
        );
        let at = Timestamp(1);
        let member = TrustLevel::Member;

        // Agreeing reporters are counted once each, from the level asked for.
        let n = store
            .insert_report(post, ana, "spam", "", member, at)
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(n, 0, "ana is below the member level");
        let n = store
            .insert_report(post, ben, "spam", "ads", member, at)
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(n, 1);
        let n = store
            .insert_report(post, ben, "abuse", "again", member, at)
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(n, 1, "a second open report by ben adds nothing");
        assert_eq!(
            store
                .insert_report(post, ana, "spam", "", TrustLevel::New, at)
                .await
                .unwrap_or_else(|e| fail(e)),
            2,
            "from the lowest level both count"
        );
        // A report on a member is the same model, apart from the post's.
        store
            .insert_report(
                Reported::Member(cy),
                ana,
                "fake",
                "bot",
                TrustLevel::New,
                at,
            )
            .await
            .unwrap_or_else(|e| fail(e));
        let everything = scope(&Viewer::guest(), Need::Read);
        let queue = store
            .flag_queue(&everything, 10)
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(
            (queue.len(), queue[0].flags, queue[0].reasons.as_str()),
            (1, 2, "spam")
        );
        let members = store
            .member_flag_queue(10)
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(
            (
                members.len(),
                members[0].username.as_str(),
                members[0].notes.as_str()
            ),
            (1, "cyd", "bot")
        );

        // Resolving closes every open report on the one target, and only there.
        let closed = store
            .resolve_reports(post, ana, false, "fine", at, &[])
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(closed, 2);
        assert_eq!(
            store
                .resolve_reports(post, ana, false, "fine", at, &[])
                .await
                .unwrap_or_else(|e| fail(e)),
            0,
            "nothing left open"
        );
        assert!(
            store
                .flag_queue(&everything, 10)
                .await
                .unwrap_or_else(|e| fail(e))
                .is_empty()
        );
        assert_eq!(
            store
                .member_flag_queue(10)
                .await
                .unwrap_or_else(|e| fail(e))
                .len(),
            1
        );
        assert_eq!(
            store
                .resolve_reports(Reported::Member(cy), ben, true, "a bot", at, &[])
                .await
                .unwrap_or_else(|e| fail(e)),
            1
        );
        // A report names exactly one of a post and a member.
        assert!(
            app.try_sql(&format!(
                "INSERT INTO reports (post_id, member_id, by_id, reason, created_at) \
                 VALUES ({}, {}, {}, 'spam', 1)",
                match post {
                    Reported::Post(p) => p.0,
                    Reported::Member(_) => 0,
                },
                cy.0,
                ana.0
            ))
            .await
            .is_err()
        );
    })
    .await;
}
