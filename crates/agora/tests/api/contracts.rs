//! Storage contracts: what a store trait promises, checked on the SQL store directly, on
//! SQLite always and on PostgreSQL when configured (the use-case tests cover the rest through
//! the application).

use agora_core::store::EventStore as _;
use agora_core::store::RoleChange;
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
    app.db()
        .execute_sql(&format!(
            "INSERT INTO outbox (stream, name, payload, at, tx) \
         VALUES ('test:{n}', 'contract', '{{\"type\":\"contract\"}}', {n}, {tx})"
        ))
        .await;
}

/// Waits until every recorded event is readable (on PostgreSQL, once older transactions of
/// any test's database have finished).
pub(crate) async fn settled(app: &TestApp) {
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
    use agora_core::events::{Claim, Position, Start};
    each_backend(|app| async move {
        let store = &app.app.store;
        let at = |s: i64| Timestamp(s * 1_000_000);
        let fail = |e: agora_core::StoreError| -> ! { panic!("{e}") };
        let start = Position::default();
        let claim = |position: Position| {
            Some(Claim {
                position,
                failures: 0,
            })
        };
        // Nothing recorded: nothing pending, and a new consumer starts at the start.
        assert!(!store.pending("c", at(0)).await.unwrap_or_else(|e| fail(e)));
        assert_eq!(
            store
                .claim_consumer("c", "a", Start::Backfill, at(0), at(60))
                .await
                .unwrap_or_else(|e| fail(e)),
            claim(start)
        );
        for n in 1..=3 {
            record(&app, n).await;
        }
        settled(&app).await;
        assert!(store.pending("c", at(0)).await.unwrap_or_else(|e| fail(e)));
        let events = store
            .events_after(start, 10)
            .await
            .unwrap_or_else(|e| fail(e));
        let stamps: Vec<i64> = events.iter().map(|e| e.at.0).collect();
        assert_eq!(
            stamps,
            [1, 2, 3],
            "in the order recorded, each once, with its time"
        );
        assert!(events.windows(2).all(|w| w[0].position() < w[1].position()));
        assert!(
            events
                .iter()
                .all(|e| e.event.is_none() && e.name == "contract")
        );
        let first_two = store
            .events_after(start, 2)
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(first_two.len(), 2, "the limit holds");
        let rest = store
            .events_after(first_two[1].position(), 10)
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(
            rest.iter().map(|e| e.id).collect::<Vec<_>>(),
            [events[2].id]
        );
        let head = store.head().await.unwrap_or_else(|e| fail(e));
        assert_eq!(head, events[2].position(), "the head is the last readable");

        // One holder at a time.
        assert_eq!(
            store
                .claim_consumer("c", "b", Start::Backfill, at(10), at(70))
                .await
                .unwrap_or_else(|e| fail(e)),
            None,
            "held by a until 60"
        );
        assert!(
            !store
                .advance_consumer("c", "b", events[0].position(), at(70))
                .await
                .unwrap_or_else(|e| fail(e))
        );
        assert!(
            store
                .advance_consumer("c", "a", events[1].position(), at(60))
                .await
                .unwrap_or_else(|e| fail(e))
        );
        assert!(
            store.pending("c", at(10)).await.unwrap_or_else(|e| fail(e)),
            "one left"
        );
        // A lapsed lease passes on, with the position recorded.
        assert_eq!(
            store
                .claim_consumer("c", "b", Start::Backfill, at(61), at(121))
                .await
                .unwrap_or_else(|e| fail(e)),
            claim(events[1].position())
        );
        assert!(
            !store
                .advance_consumer("c", "a", events[2].position(), at(121))
                .await
                .unwrap_or_else(|e| fail(e)),
            "a lost it"
        );
        assert!(
            store
                .advance_consumer("c", "b", events[2].position(), at(121))
                .await
                .unwrap_or_else(|e| fail(e))
        );
        assert!(!store.pending("c", at(61)).await.unwrap_or_else(|e| fail(e)));
        // Released: anyone may claim at once; other consumers keep their own positions, and a
        // new one starts where it asks: at the oldest event kept, or at the head.
        store
            .release_consumer("c", "b")
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(
            store
                .claim_consumer("c", "a", Start::Head, at(62), at(122))
                .await
                .unwrap_or_else(|e| fail(e)),
            claim(events[2].position()),
            "a known consumer's start is its position"
        );
        assert_eq!(
            store
                .claim_consumer("d", "a", Start::Backfill, at(62), at(122))
                .await
                .unwrap_or_else(|e| fail(e)),
            claim(start)
        );
        assert!(store.pending("d", at(62)).await.unwrap_or_else(|e| fail(e)));
        assert_eq!(
            store
                .claim_consumer("e", "a", Start::Head, at(62), at(122))
                .await
                .unwrap_or_else(|e| fail(e)),
            claim(head)
        );
        assert!(!store.pending("e", at(62)).await.unwrap_or_else(|e| fail(e)));

        // A failure keeps the consumer before the event, ends the lease, and makes it wait.
        assert!(
            store
                .consumer_failed("d", "a", events[0].position(), 1, at(70), "it broke")
                .await
                .unwrap_or_else(|e| fail(e))
        );
        assert!(
            !store.pending("d", at(69)).await.unwrap_or_else(|e| fail(e)),
            "waiting"
        );
        assert_eq!(
            store
                .claim_consumer("d", "b", Start::Backfill, at(69), at(129))
                .await
                .unwrap_or_else(|e| fail(e)),
            None,
            "not before its time"
        );
        assert!(store.pending("d", at(70)).await.unwrap_or_else(|e| fail(e)));
        assert_eq!(
            store
                .claim_consumer("d", "b", Start::Backfill, at(70), at(130))
                .await
                .unwrap_or_else(|e| fail(e)),
            Some(Claim {
                position: events[0].position(),
                failures: 1
            })
        );
        // Parked: copied with its error, the consumer past it, its failures cleared.
        assert!(
            store
                .park_event("d", "b", &events[1], "it broke again", 8, at(71))
                .await
                .unwrap_or_else(|e| fail(e))
        );
        let parked = store.parked_events(10).await.unwrap_or_else(|e| fail(e));
        assert_eq!(parked.len(), 1);
        assert_eq!(
            (
                parked[0].consumer.as_str(),
                parked[0].event,
                parked[0].error.as_str(),
                parked[0].attempts,
                parked[0].payload.as_str()
            ),
            (
                "d",
                events[1].id,
                "it broke again",
                8,
                events[1].payload.as_str()
            )
        );
        let states = store.consumer_states().await.unwrap_or_else(|e| fail(e));
        let d = states.iter().find(|c| c.name == "d").cloned();
        assert_eq!(
            d.map(|d| (d.position, d.failures, d.behind, d.parked)),
            Some((events[1].position(), 0, 1, 1))
        );
        // One retry at a time; a failed one keeps it; deleting it twice finds it once.
        let id = parked[0].id;
        assert!(
            store
                .claim_parked(id, at(72), at(80))
                .await
                .unwrap_or_else(|e| fail(e))
                .is_some()
        );
        assert!(
            store
                .claim_parked(id, at(73), at(81))
                .await
                .unwrap_or_else(|e| fail(e))
                .is_none()
        );
        store
            .parked_failed(id, "still broken")
            .await
            .unwrap_or_else(|e| fail(e));
        let again = store.parked_event(id).await.unwrap_or_else(|e| fail(e));
        assert_eq!(
            again.map(|p| (p.error, p.attempts)),
            Some(("still broken".into(), 9))
        );
        assert!(
            store
                .delete_parked(id, &[])
                .await
                .unwrap_or_else(|e| fail(e))
        );
        assert!(
            !store
                .delete_parked(id, &[])
                .await
                .unwrap_or_else(|e| fail(e))
        );

        // Pruning deletes what is old and behind the given position, and keeps everything
        // else; positions still read what follows them.
        let pruned = store
            .prune_outbox(Timestamp(3), events[1].position(), 100)
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(pruned, 2, "the events at 1 and 2, not the one at 3");
        let left = store
            .events_after(start, 10)
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(
            left.iter().map(|e| e.id).collect::<Vec<_>>(),
            [events[2].id]
        );
        let after = store
            .events_after(events[1].position(), 10)
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(
            after.iter().map(|e| e.id).collect::<Vec<_>>(),
            [events[2].id]
        );
    })
    .await;
}

#[tokio::test]
async fn the_moderation_store_keeps_one_report_model_for_items_and_members() {
    use agora_core::audience::{AudienceRef, report_desk};
    use agora_core::flags::{NewReport, Reported};
    use agora_core::forum::items::post_ref;
    use agora_core::items::refs::StoredRef;
    use agora_core::store::ModerationStore as _;
    use agora_core::trust::TrustLevel;
    use agora_core::viewer::{Actor, Restriction, SiteRole};
    use agora_core::{MemberId, PostId, Viewer};
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
        let group = group_id(&app, "club").await;
        let item = post_ref(PostId(post));
        let post = Reported::Item(item);
        let (ana, ben, cy) = (
            member_id(&app, "ana").await,
            member_id(&app, "ben").await,
            member_id(&app, "cyd").await,
        );
        let author = member_id(&app, "admin").await;
        let at = Timestamp(1);
        let member = TrustLevel::Member;
        let report = |target: Reported, by: MemberId, reason: &str, note: &str, level| NewReport {
            target,
            audience: matches!(target, Reported::Item(_))
                .then(|| AudienceRef::group(group)),
            author: matches!(target, Reported::Item(_)).then_some(author),
            by,
            reason: reason.to_owned(),
            note: note.to_owned(),
            min_level: level,
            at,
        };

        // Agreeing reporters are counted once each, from the level asked for.
        let n = store
            .insert_report(&report(post, ana, "spam", "", member))
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(n, Some(0), "ana is below the member level");
        let n = store
            .insert_report(&report(post, ben, "spam", "ads", member))
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(n, Some(1));
        let n = store
            .insert_report(&report(post, ben, "abuse", "again", member))
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(n, None, "a second open report by ben records and counts nothing");
        assert_eq!(
            store
                .insert_report(&report(post, ana, "spam", "", TrustLevel::New))
                .await
                .unwrap_or_else(|e| fail(e)),
            None,
            "ana's report is open already"
        );
        assert_eq!(
            store
                .insert_report(&report(post, cy, "spam", "", TrustLevel::New))
                .await
                .unwrap_or_else(|e| fail(e)),
            Some(3),
            "from the lowest level all three count"
        );
        // A report on a member is the same model, apart from the item's.
        store
            .insert_report(&report(
                Reported::Member(cy),
                ana,
                "fake",
                "bot",
                TrustLevel::New,
            ))
            .await
            .unwrap_or_else(|e| fail(e));
        // The queue of a site moderator who reads the public group.
        let moderator = Viewer::member(Actor {
            id: ana,
            username: "ana".into(),
            role: SiteRole::Moderator,
            verified: true,
            restriction: Restriction::None,
            trust: TrustLevel::Basic,
        });
        let desk = report_desk(&moderator, false).unwrap_or_else(|d| panic!("{d:?}"));
        let queue = store
            .report_queue(&desk, 10)
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(
            (
                queue.len(),
                queue[0].flags,
                queue[0].reasons.as_str(),
                &queue[0].item,
                queue[0].audience,
                queue[0].author,
            ),
            (
                1,
                3,
                "spam",
                &StoredRef::from(item),
                Some(AudienceRef::group(group)),
                Some(author),
            )
        );
        assert_eq!(
            store
                .open_reports(&StoredRef::from(item))
                .await
                .unwrap_or_else(|e| fail(e))
                .map(|o| o.flags),
            Some(3)
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
        assert_eq!(closed, 3);
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
                .report_queue(&desk, 10)
                .await
                .unwrap_or_else(|e| fail(e))
                .is_empty()
        );
        assert_eq!(
            store
                .open_reports(&StoredRef::from(item))
                .await
                .unwrap_or_else(|e| fail(e)),
            None
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
        // Once resolved, a member reports again; while open, a second report of theirs on the
        // same item or member records nothing, and the database itself refuses it.
        for target in [post, Reported::Member(cy)] {
            let again = report(target, ben, "spam", "again", member);
            let first = store.insert_report(&again).await;
            assert_eq!(first.unwrap_or_else(|e| fail(e)), Some(1));
            let second = store.insert_report(&again).await;
            assert_eq!(second.unwrap_or_else(|e| fail(e)), None);
            let (columns, values) = match target {
                Reported::Item(i) => ("item_kind, item_id", format!("'{}', {}", i.kind, i.id)),
                Reported::Member(m) => ("member_id", m.0.to_string()),
            };
            let twice = format!(
                "INSERT INTO reports ({columns}, by_id, reason, created_at) VALUES ({values}, {}, 'spam', 2)",
                ben.0
            );
            assert!(app.db().try_sql(&twice).await.is_err(), "{twice}");
        }
        // A report names exactly one of an item and a member, and an item has an id.
        for (columns, values) in [
            ("item_kind, item_id, member_id", format!("'post', {}, {}", item.id, cy.0)),
            ("item_kind", "'post'".to_owned()),
            ("item_id", item.id.to_string()),
        ] {
            let wrong = format!(
                "INSERT INTO reports ({columns}, by_id, reason, created_at) VALUES ({values}, {}, 'spam', 1)",
                ana.0
            );
            assert!(app.db().try_sql(&wrong).await.is_err(), "{wrong}");
        }
        // Any kind's word is a reference: no constraint names the kinds.
        app.db()
            .execute_sql(&format!(
                "INSERT INTO reports (item_kind, item_id, by_id, reason, created_at) \
                 VALUES ('note', 7, {}, 'spam', 1)",
                ana.0
            ))
            .await;
    })
    .await;
}

/// The value of a store call that must succeed.
pub(crate) fn ok<T>(result: Result<T, agora_core::StoreError>) -> T {
    result.unwrap_or_else(|e| panic!("{e}"))
}

/// Every event recorded so far, in order, as consumers read them.
pub(crate) async fn recorded(app: &TestApp) -> Vec<agora_core::events::Event> {
    settled(app).await;
    ok(app
        .app
        .store
        .events_after(agora_core::events::Position::default(), 10_000)
        .await)
    .into_iter()
    .filter_map(|r| r.event)
    .collect()
}

/// The audit entry a staff member's action hands to the store method that takes it.
pub(crate) fn audit_entry(
    action: &'static str,
    target: agora_core::audit::Target,
    group: Option<agora_core::GroupId>,
    by: agora_core::MemberId,
    at: Timestamp,
) -> Vec<agora_core::audit::NewAuditEntry> {
    vec![agora_core::audit::NewAuditEntry {
        at,
        actor: Some(by),
        actor_name: "admin".into(),
        action,
        target,
        group,
        detail: String::new(),
    }]
}

/// The id of the group `slug`.
pub(crate) async fn group_id(app: &TestApp, slug: &str) -> agora_core::GroupId {
    agora_core::GroupId(
        app.db()
            .scalar(&format!("SELECT id FROM groups WHERE slug = '{slug}'"))
            .await,
    )
}

/// Opens a topic of `kind` straight through the store: its id and its opening post's.
pub(crate) async fn open_topic(
    app: &TestApp,
    group: agora_core::GroupId,
    author: agora_core::MemberId,
    kind: agora_core::forum::TopicKind,
    title: &str,
    at: Timestamp,
) -> (agora_core::TopicId, agora_core::PostId) {
    use agora_core::store::ForumStore as _;
    let slug: String = title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    ok(app
        .app
        .store
        .insert_topic(&agora_core::forum::NewTopic {
            group_id: group,
            kind,
            status: kind.initial_status().to_owned(),
            title: title.into(),
            slug,
            tags: Vec::new(),
            author,
            body_markdown: format!("About {title}."),
            body_html: format!("<p>About {title}.</p>"),
            body_text: format!("About {title}."),
            at,
            hold: None,
            mentions: Vec::new(),
        })
        .await)
}

/// Appends a reply straight through the store.
pub(crate) async fn reply(
    app: &TestApp,
    topic: agora_core::TopicId,
    author: agora_core::MemberId,
    text: &str,
    at: Timestamp,
) -> agora_core::PostId {
    use agora_core::store::ForumStore as _;
    ok(app
        .app
        .store
        .insert_post(&agora_core::forum::NewPost {
            topic_id: topic,
            author,
            body_markdown: text.into(),
            body_html: format!("<p>{text}</p>"),
            body_text: text.into(),
            at,
            hold: None,
            mentions: Vec::new(),
        })
        .await)
}

/// A member to insert, unverified, named `username` with the address `email`.
pub(crate) fn new_member(
    username: &str,
    email: &str,
    at: Timestamp,
) -> agora_core::members::NewMember {
    let invalid = |e: agora_core::Invalid| -> ! { panic!("{e:?}") };
    agora_core::members::NewMember {
        username: agora_core::members::Username::parse(username).unwrap_or_else(|e| invalid(e)),
        email: agora_core::members::EmailAddress::parse(email).unwrap_or_else(|e| invalid(e)),
        display_name: agora_core::members::DisplayName::parse("", username)
            .unwrap_or_else(|e| invalid(e)),
        password_hash: "hash".into(),
        role: agora_core::viewer::SiteRole::Member,
        at,
        verified: false,
    }
}

/// Stores a new member `username` (address `username@example.com`, in lower case) at `at`.
pub(crate) async fn insert_member(
    app: &TestApp,
    username: &str,
    at: Timestamp,
) -> agora_core::MemberId {
    use agora_core::store::MemberStore as _;
    let email = format!("{}@example.com", username.to_lowercase());
    ok(app
        .app
        .store
        .insert_member(&new_member(username, &email, at))
        .await)
}

/// Groups whose member or topic count, and topics whose reply count, differ from the rows.
pub(crate) async fn counters_off(app: &TestApp) -> (i64, i64, i64) {
    (
        app.db()
            .count_where(
                "groups g",
                "g.member_count <> (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id)",
            )
            .await,
        app.db()
            .count_where(
                "groups g",
                "g.topic_count <> (SELECT COUNT(*) FROM topics t \
             WHERE t.group_id = g.id AND t.deleted = FALSE)",
            )
            .await,
        app.db()
            .count_where(
                "topics t",
                "t.reply_count <> (SELECT COUNT(*) FROM posts p \
             WHERE p.topic_id = t.id AND p.number > 1 AND p.deleted = FALSE)",
            )
            .await,
    )
}

/// The events recorded about `topic`, as consumers read them.
async fn events_of(app: &TestApp, topic: i64) -> Vec<agora_core::events::Event> {
    settled(app).await;
    let all = app
        .app
        .store
        .events_after(agora_core::events::Position::default(), 10_000)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    all.into_iter()
        .filter_map(|r| r.event)
        .filter(|e| e.stream() == format!("topic:{topic}"))
        .collect()
}

#[tokio::test]
async fn the_forum_store_keeps_counters_and_records_each_change_with_it() {
    use agora_core::GroupId;
    use agora_core::events::Event;
    use agora_core::forum::{NewPost, NewTopic, PostEdit, TopicFlags, TopicKind};
    use agora_core::store::ForumStore as _;
    each_backend(|app| async move {
        let store = &app.app.store;
        let fail = |e: agora_core::StoreError| -> ! { panic!("{e}") };
        let admin = app.register("admin").await;
        app.register("ana").await;
        app.create_group(&admin, "club", "public").await;
        let ana = member_id(&app, "ana").await;
        let admin_id = member_id(&app, "admin").await;
        let group = GroupId(
            app.db()
                .scalar("SELECT id FROM groups WHERE slug = 'club'")
                .await,
        );
        let at = Timestamp(1_000);
        let body = |text: &str| (text.to_owned(), format!("<p>{text}</p>"), text.to_owned());
        let (md, html, text) = body("Opening words.");
        let (topic, opening) = store
            .insert_topic(&NewTopic {
                group_id: group,
                kind: TopicKind::DISCUSSION,
                status: TopicKind::DISCUSSION.initial_status().to_owned(),
                title: "Contract".into(),
                slug: "contract".into(),
                tags: Vec::new(),
                author: ana,
                body_markdown: md,
                body_html: html,
                body_text: text,
                at,
                hold: None,
                mentions: Vec::new(),
            })
            .await
            .unwrap_or_else(|e| fail(e));
        let (md, html, text) = body("A reply.");
        let reply = store
            .insert_post(&NewPost {
                topic_id: topic,
                author: admin_id,
                body_markdown: md,
                body_html: html,
                body_text: text,
                at,
                hold: None,
                mentions: Vec::new(),
            })
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(counts(&app, topic.0).await, (1, 1));

        // An edit keeps the text it replaced; hiding and restoring move the counters once each,
        // however often they are asked; each change records its event in its transaction.
        let (md, html, text) = body("A better reply.");
        let edit = PostEdit {
            post_id: reply,
            editor: admin_id,
            body_markdown: md,
            body_html: html,
            body_text: text,
            title: None,
            tags: None,
            at,
            hold: None,
            mentions: Vec::new(),
        };
        store
            .edit_post(&edit, &[])
            .await
            .unwrap_or_else(|e| fail(e));
        let revisions = store.revisions(reply).await.unwrap_or_else(|e| fail(e));
        assert_eq!(revisions.len(), 1);
        assert_eq!(revisions[0].body_markdown, "A reply.");
        for _ in 0..2 {
            store
                .set_post_deleted(reply, true, Some(admin_id), at, &[])
                .await
                .unwrap_or_else(|e| fail(e));
        }
        assert_eq!(counts(&app, topic.0).await, (0, 1));
        // An edit of a hidden post shows nobody anything: no event.
        store
            .edit_post(&edit, &[])
            .await
            .unwrap_or_else(|e| fail(e));
        store
            .set_post_deleted(reply, false, Some(ana), at, &[])
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(counts(&app, topic.0).await, (1, 1));
        store
            .set_topic_flags(
                topic,
                TopicFlags {
                    pinned: Some(true),
                    locked: None,
                },
                at,
                &[],
            )
            .await
            .unwrap_or_else(|e| fail(e));
        // The opening post takes its topic along, and the group's count.
        store
            .set_post_deleted(opening, true, Some(ana), at, &[])
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(counts(&app, topic.0).await, (1, 0));
        let (t, p, g) = (topic.0, reply.0, group.0);
        let (a, b) = (ana.0, admin_id.0);
        assert_eq!(
            events_of(&app, t).await,
            [
                Event::ItemPublished {
                    topic: t,
                    post: opening.0,
                    group: g,
                    author: a
                },
                Event::ItemPublished {
                    topic: t,
                    post: p,
                    group: g,
                    author: b
                },
                Event::ItemEdited {
                    topic: t,
                    post: p,
                    group: g,
                    author: b,
                    by: b
                },
                Event::ItemHidden {
                    topic: t,
                    post: p,
                    group: g,
                    author: b,
                    by: Some(b)
                },
                Event::ItemRestored {
                    topic: t,
                    post: p,
                    group: g,
                    author: b,
                    by: Some(a)
                },
                Event::TopicChanged {
                    topic: t,
                    group: g,
                    by: None
                },
                Event::ItemHidden {
                    topic: t,
                    post: opening.0,
                    group: g,
                    author: a,
                    by: Some(a)
                },
            ]
        );
    })
    .await;
}

/// A topic's reply count and its group's topic count.
async fn counts(app: &TestApp, topic: i64) -> (i64, i64) {
    let replies = format!("SELECT reply_count FROM topics WHERE id = {topic}");
    let topics = format!(
        "SELECT g.topic_count FROM groups g JOIN topics t ON t.group_id = g.id WHERE t.id = {topic}"
    );
    (
        app.db().scalar(&replies).await,
        app.db().scalar(&topics).await,
    )
}

#[tokio::test]
async fn the_group_store_keeps_memberships_requests_and_invitations_consistent() {
    use agora_core::events::Event;
    use agora_core::groups::policy::Relation;
    use agora_core::groups::{GroupRole, NewGroup, Visibility};
    use agora_core::store::GroupStore as _;
    each_backend(|app| async move {
        let store = &app.app.store;
        let fail = |e: agora_core::StoreError| -> ! { panic!("{e}") };
        for name in ["owner", "ana", "ben"] {
            app.register(name).await;
        }
        let (owner, ana, ben) = (
            member_id(&app, "owner").await,
            member_id(&app, "ana").await,
            member_id(&app, "ben").await,
        );
        let at = Timestamp(5_000);
        let new = NewGroup {
            slug: "club".into(),
            name: "Club".into(),
            description: String::new(),
            visibility: Visibility::Closed,
            owner,
            at,
        };
        let group = store.insert_group(&new).await.unwrap_or_else(|e| fail(e));
        // A taken slug is the named conflict, and writes nothing.
        match store.insert_group(&new).await {
            Err(agora_core::StoreError::Conflict { constraint }) => {
                assert_eq!(constraint, "groups_slug");
            }
            other => panic!("a second group took the slug: {other:?}"),
        }
        assert_eq!(app.db().count_rows("groups").await, 1);
        let relation = |who| async move {
            let (g, r) = store
                .group_by_id(group, Some(who))
                .await
                .unwrap_or_else(|e| fail(e))
                .unwrap_or_else(|| panic!("the group is gone"));
            (g.member_count, r)
        };
        assert_eq!(
            relation(owner).await,
            (1, Relation::Member(GroupRole::Owner)),
            "the owner is its first member"
        );

        // A request, asked twice, is one; approving it adds the membership once.
        for _ in 0..2 {
            store
                .insert_request(group, ana, at)
                .await
                .unwrap_or_else(|e| fail(e));
        }
        let pending = store
            .pending_requests(group)
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(pending.len(), 1);
        assert_eq!(relation(ana).await, (1, Relation::Requested));
        let approve = || store.decide_request(group, ana, true, owner, at, &[]);
        assert!(approve().await.unwrap_or_else(|e| fail(e)));
        assert!(!approve().await.unwrap_or_else(|e| fail(e)), "decided once");
        assert_eq!(
            relation(ana).await,
            (2, Relation::Member(GroupRole::Member))
        );

        // An invitation, sent twice, is one; accepting it adds the membership once.
        let first = store
            .insert_invitation(group, ben, owner, at)
            .await
            .unwrap_or_else(|e| fail(e));
        let second = store
            .insert_invitation(group, ben, owner, at)
            .await
            .unwrap_or_else(|e| fail(e));
        assert_eq!(first, second);
        assert_eq!(relation(ben).await, (2, Relation::Invited));
        assert!(
            store
                .accept_invitation(first, at)
                .await
                .unwrap_or_else(|e| fail(e))
        );
        assert!(
            !store
                .accept_invitation(first, at)
                .await
                .unwrap_or_else(|e| fail(e))
        );
        assert_eq!(
            relation(ben).await,
            (3, Relation::Member(GroupRole::Member))
        );
        assert!(
            !store
                .add_member(group, ben, GroupRole::Member, at)
                .await
                .unwrap_or_else(|e| fail(e)),
            "already a member"
        );

        // Leaving counts once.
        assert_eq!(
            store
                .remove_member(group, ben, at, &[])
                .await
                .unwrap_or_else(|e| fail(e)),
            RoleChange::Done
        );
        assert_eq!(
            store
                .remove_member(group, ben, at, &[])
                .await
                .unwrap_or_else(|e| fail(e)),
            RoleChange::NotAMember
        );
        assert_eq!(relation(ben).await, (2, Relation::Stranger));
        assert_eq!(
            store
                .count_role(group, GroupRole::Owner)
                .await
                .unwrap_or_else(|e| fail(e)),
            1
        );

        // The group's creation was recorded with it, once.
        settled(&app).await;
        let created: Vec<Event> = store
            .events_after(agora_core::events::Position::default(), 10_000)
            .await
            .unwrap_or_else(|e| fail(e))
            .into_iter()
            .filter_map(|r| r.event)
            .filter(|e| matches!(e, Event::GroupCreated { .. }))
            .collect();
        assert_eq!(
            created,
            [Event::GroupCreated {
                group: group.0,
                by: Some(owner.0)
            }]
        );
    })
    .await;
}
