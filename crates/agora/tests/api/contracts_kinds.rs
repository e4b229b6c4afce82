//! Storage contracts of the kinds with records of their own: Q&A (accepting and taking back
//! answers keeps the question's status, best answer and featured post in step, with the times
//! to the first and the accepted answer, and reminds an asker once) and ideas (one vote each
//! within a budget, statuses with their history, merging a duplicate counts a voter of both
//! once and undoing it gives every vote back exactly, boards in three orders, the shipped
//! changelog). Each is checked on the SQL store directly, on SQLite always and on PostgreSQL
//! when configured.

use agora_core::audit::Target;
use agora_core::events::{Event, KindEvent};
use agora_core::kinds::{ideas, questions};
use agora_core::time::Timestamp;
use agora_core::{GroupId, MemberId, PostId, TopicId};

use crate::contracts::{audit_entry, group_id, ok, open_topic, recorded, reply};
use crate::support::{TestApp, each_backend, member_id, pg_connection, sqlite_connection};

/// Registers `names` (the first is the site's admin), and a public group `club` of the admin.
pub(crate) async fn community(app: &TestApp, names: &[&str]) -> (Vec<MemberId>, GroupId) {
    let admin = app.register(names[0]).await;
    for name in &names[1..] {
        app.register(name).await;
    }
    app.create_group(&admin, "club", "public").await;
    let mut ids = Vec::new();
    for name in names {
        ids.push(member_id(app, name).await);
    }
    (ids, group_id(app, "club").await)
}

#[tokio::test]
async fn the_question_store_keeps_status_best_answer_and_times_in_step_with_acceptances() {
    use agora_core::kinds::questions::{Acceptance, QuestionStore as _, QuestionView, Waiting};
    use agora_core::store::ForumStore as _;
    each_backend(|app| async move {
        let store = &app.app.store;
        let (m, club) = community(&app, &["admin", "quinn", "ana", "ben"]).await;
        let (admin, asker, ana, ben) = (m[0], m[1], m[2], m[3]);
        let t0 = Timestamp(1_000_000_000);
        let at = |secs| t0.plus_seconds(secs);
        let (q, _) = open_topic(
            &app,
            club,
            asker,
            agora_core::kinds::questions::QUESTION,
            "Flat tyre?",
            t0,
        )
        .await;
        reply(&app, q, asker, "More detail: it is the back one.", at(10)).await;
        let first = reply(&app, q, ana, "Patch it.", at(60)).await;
        let second = reply(&app, q, ben, "Replace the tube.", at(120)).await;
        let official = reply(&app, q, admin, "See the guide.", at(180)).await;
        let view = || async move {
            QuestionView {
                topic: q,
                status: String::new(),
                asked_at: t0,
                record: ok(store.question_record(q).await),
            }
        };
        // (status, featured post, accepted answers with which is best), as everyone reads them.
        let state = || async move {
            let (topic, _, _) = ok(store.topic_in_group(q, None).await)
                .unwrap_or_else(|| panic!("the question is gone"));
            let accepted = ok(store.question_record(q).await)
                .accepted
                .into_iter()
                .map(|a| (a.post, a.best))
                .collect::<Vec<_>>();
            (topic.status, topic.featured_post, accepted)
        };
        let open = |accepted: Vec<(PostId, bool)>| ("open".to_owned(), None::<PostId>, accepted);
        let solved = |best, accepted| ("solved".to_owned(), Some(best), accepted);

        // The first answer is the first by someone other than the asker; staff answer officially.
        let record = view().await;
        assert_eq!(record.time_to_first_answer(), Some(60));
        assert_eq!(record.record.official, [official]);
        assert_eq!(state().await, open(vec![]));
        let waiting = Waiting {
            group: club,
            topic: q,
            post: first,
            asker,
        };
        assert_eq!(ok(store.answers_waiting(at(61), 10).await), [waiting]);
        assert!(ok(store.answers_waiting(at(60), 10).await).is_empty());

        let change = |post: PostId, best: bool, by: MemberId, secs: i64, accept: bool| {
            let (action, event) = if accept {
                let event = questions::accepted(&questions::ACCEPTED, club, q, post, by);
                ("answer.accept", event)
            } else {
                let event = questions::accepted(&questions::UNACCEPTED, club, q, post, by);
                ("answer.unaccept", event)
            };
            let a = Acceptance {
                topic: q,
                post,
                best,
                by,
                at: at(secs),
                audit: audit_entry(action, Target::post(post, "x"), Some(club), by, at(secs)),
                events: vec![event],
            };
            async move {
                if accept {
                    ok(store.accept_answer(&a).await)
                } else {
                    ok(store.unaccept_answer(&a).await)
                }
            }
        };
        let accept = |post, best, by, secs| change(post, best, by, secs, true);
        let unaccept = |post, secs| change(post, false, admin, secs, false);

        // The first accepted answer is the best: the question is solved and shows it.
        assert!(accept(first, false, asker, 300).await);
        assert_eq!(state().await, solved(first, vec![(first, true)]));
        assert_eq!(view().await.time_to_accepted_answer(), Some(300));
        assert!(!accept(first, false, asker, 310).await, "accepted already");
        assert!(!accept(first, true, asker, 310).await, "the best already");
        assert!(
            ok(store.answers_waiting(at(1_000), 10).await).is_empty(),
            "solved"
        );
        // Another made the best takes the featured place; a third accepted leaves it.
        assert!(accept(second, true, admin, 400).await);
        assert!(accept(official, false, admin, 450).await);
        assert_eq!(
            state().await,
            solved(
                second,
                vec![(first, false), (second, true), (official, false)]
            )
        );
        // Taken back, the earliest remaining accepted answer becomes the best; with none left
        // the question is open again, and the time to the accepted answer stays.
        assert!(unaccept(second, 500).await);
        assert_eq!(
            state().await,
            solved(first, vec![(first, true), (official, false)])
        );
        assert!(unaccept(first, 510).await);
        assert_eq!(state().await, solved(official, vec![(official, true)]));
        assert!(unaccept(official, 520).await);
        assert!(!unaccept(official, 530).await, "not accepted");
        assert_eq!(state().await, open(vec![]));
        assert_eq!(view().await.time_to_accepted_answer(), Some(300));
        for action in ["answer.accept", "answer.unaccept"] {
            let written = app
                .db()
                .count_where("audit_log", &format!("action = '{action}'"))
                .await;
            assert_eq!(written, 3, "only changes are audited: {action}");
        }

        // An open question answered long ago reminds its asker once.
        assert_eq!(ok(store.answers_waiting(at(1_000), 10).await), [waiting]);
        let reminder = Event::Kind(KindEvent::new(
            &questions::WAITING,
            serde_json::json!({"topic": q.0, "post": first.0, "asker": asker.0, "group": club.0}),
        ));
        assert!(ok(store.remind_asker(waiting, at(1_000), &reminder).await));
        assert!(!ok(store.remind_asker(waiting, at(1_001), &reminder).await));
        assert!(ok(store.answers_waiting(at(2_000), 10).await).is_empty());
        assert_eq!(view().await.record.reminded_at, Some(at(1_000)));
        assert!(accept(second, false, asker, 2_000).await);
        assert_eq!(
            view().await.time_to_accepted_answer(),
            Some(300),
            "the first kept"
        );

        let told: Vec<Event> = recorded(&app)
            .await
            .into_iter()
            .filter(|e| e.name().starts_with("answer_"))
            .collect();
        let accepted = |post: PostId, by: MemberId| {
            questions::accepted(&questions::ACCEPTED, club, q, post, by)
        };
        let unaccepted =
            |post: PostId| questions::accepted(&questions::UNACCEPTED, club, q, post, admin);
        assert_eq!(
            told,
            [
                accepted(first, asker),
                accepted(second, admin),
                accepted(official, admin),
                unaccepted(second),
                unaccepted(first),
                unaccepted(official),
                reminder,
                accepted(second, asker),
            ]
        );
    })
    .await;
}

/// Every vote as stored: (idea, member, when, the idea it was cast on if a merge moved it).
async fn vote_rows(app: &TestApp) -> Vec<(i64, i64, i64, Option<i64>)> {
    let sql =
        "SELECT topic_id, member_id, voted_at, via FROM idea_votes ORDER BY topic_id, member_id";
    if app.backend == "sqlite" {
        let mut c = sqlite_connection(&app.database_url).await;
        sqlx::query_as(sql).fetch_all(&mut c).await
    } else {
        let mut c = pg_connection(&app.database_url).await;
        sqlx::query_as(sql).fetch_all(&mut c).await
    }
    .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn the_idea_store_counts_votes_once_merges_and_unmerges_exactly_and_orders_boards() {
    use agora_core::kinds::ideas::{
        IdeaChange, IdeaSort, IdeaStatus, IdeaStore as _, StatusSet, VoteChange, Voted,
        default_statuses,
    };
    use agora_core::paging::Cursor;
    use agora_core::store::ForumStore as _;
    each_backend(|app| async move {
        let store = &app.app.store;
        let names = ["admin", "ana", "ben", "cyd", "dan", "eve"];
        let (m, board) = community(&app, &names).await;
        let (admin, ana, ben, cyd, dan, eve) = (m[0], m[1], m[2], m[3], m[4], m[5]);
        let t0 = Timestamp(1_000_000_000);
        let day = |n: i64| t0.plus_seconds(n * 86_400);
        let idea = |title: &'static str, n: i64| {
            let app = &app;
            async move {
                open_topic(
                    app,
                    board,
                    ana,
                    agora_core::kinds::ideas::IDEA,
                    title,
                    t0.plus_seconds(n),
                )
                .await
                .0
            }
        };
        let original = idea("Dark mode", 0).await;
        let duplicate = idea("Night theme", 1).await;
        let (x, y, z) = (
            idea("GPX export", 2).await,
            idea("Routes", 3).await,
            idea("Maps", 4).await,
        );
        let change = |member: MemberId, topic: TopicId, at, budget| VoteChange {
            topic,
            member,
            at,
            budget,
            closed: vec!["shipped".into(), "declined".into()],
            events: vec![Event::Kind(KindEvent::new(
                &ideas::VOTED,
                serde_json::json!({"topic": topic.0, "member": member.0}),
            ))],
        };
        let vote = |member, topic, at| async move {
            ok(store.vote(&change(member, topic, at, None)).await)
        };
        let status = |topic: TopicId, to: &str, secs: i64| {
            let c = IdeaChange {
                topic,
                to: to.into(),
                note: format!("Now {to}."),
                by: admin,
                at: day(30).plus_seconds(secs),
                audit: audit_entry(
                    "idea.status",
                    Target::topic(topic, "idea"),
                    Some(board),
                    admin,
                    day(30),
                ),
                events: Vec::new(),
            };
            async move { ok(store.set_idea_status(&c).await) }
        };
        let record = |topic, viewer| async move { ok(store.idea_record(topic, viewer).await) };

        // The status list is the admins' once set; ideas keep a status that left it.
        assert!(ok(store.stored_idea_statuses().await).is_empty());
        let audit = audit_entry("idea.statuses", Target::site(), None, admin, t0);
        ok(store
            .replace_idea_statuses(&default_statuses(), &audit)
            .await);
        assert_eq!(ok(store.stored_idea_statuses().await), default_statuses());
        assert!(status(duplicate, "under_review", 0).await);
        assert!(
            !status(duplicate, "under_review", 1).await,
            "had it already"
        );
        let short: Vec<IdeaStatus> = default_statuses()
            .into_iter()
            .filter(|s| s.set != StatusSet::Open || s.name == "new")
            .collect();
        ok(store.replace_idea_statuses(&short, &audit).await);
        assert_eq!(ok(store.stored_idea_statuses().await), short);
        let topic_status = |topic: TopicId| async move {
            ok(store.topic_in_group(topic, None).await)
                .map(|(t, _, _)| t.status)
                .unwrap_or_default()
        };
        assert_eq!(topic_status(duplicate).await, "under_review");

        // One vote each; a budget counts votes on ideas not closed.
        for (member, topic, at) in [
            (ana, original, day(0)),
            (ben, original, day(0)),
            (ben, duplicate, day(20)),
            (cyd, duplicate, day(20)),
            (dan, duplicate, day(20)),
        ] {
            assert_eq!(vote(member, topic, at).await, Voted::Counted);
        }
        assert_eq!(vote(ana, original, day(21)).await, Voted::Already);
        let budgeted =
            |topic| async move { ok(store.vote(&change(eve, topic, day(1), Some(2))).await) };
        assert_eq!(budgeted(x).await, Voted::Counted);
        assert_eq!(budgeted(y).await, Voted::Counted);
        assert_eq!(budgeted(z).await, Voted::OverBudget);
        assert!(status(x, "shipped", 2).await);
        assert_eq!(
            budgeted(z).await,
            Voted::Counted,
            "a shipped idea's vote is free"
        );
        let unvote = || async move { ok(store.unvote(&change(eve, z, day(1), None)).await) };
        assert!(unvote().await);
        assert!(!unvote().await, "no vote left");
        let o = record(original, Some(ana)).await;
        assert_eq!((o.votes, o.voted), (2, true));
        assert!(!record(original, Some(cyd)).await.voted);

        // A merge moves the duplicate's votes, a voter on both counted once.
        let before = vote_rows(&app).await;
        let merge = IdeaChange {
            topic: duplicate,
            to: "merged".into(),
            note: format!("Merged into topic:{}", original.0),
            by: admin,
            at: day(22),
            audit: audit_entry(
                "idea.merge",
                Target::topic(duplicate, "Night theme"),
                Some(board),
                admin,
                day(22),
            ),
            events: vec![Event::Kind(KindEvent::new(
                &ideas::MERGED_INTO,
                serde_json::json!({"duplicate": duplicate.0, "original": original.0}),
            ))],
        };
        ok(store.merge_idea(&merge, original).await);
        let (o, d) = (record(original, None).await, record(duplicate, None).await);
        assert_eq!(
            (
                o.votes,
                o.merged_votes,
                o.merged_from,
                d.votes,
                d.merged_into
            ),
            (4, 2, vec![duplicate], 0, Some(original))
        );
        assert_eq!(topic_status(duplicate).await, "merged");
        assert_eq!(
            d.history.last().map(|c| (c.from.as_str(), c.to.as_str())),
            Some(("under_review", "merged"))
        );
        // A vote cast on the original while merged is its own, and stays there.
        assert_eq!(vote(admin, original, day(25)).await, Voted::Counted);

        // Undone: every vote goes back exactly as it was, the status too; counts match the rows.
        let undo = IdeaChange {
            to: String::new(),
            note: String::new(),
            at: day(26),
            audit: audit_entry(
                "idea.unmerge",
                Target::topic(duplicate, "Night theme"),
                Some(board),
                admin,
                day(26),
            ),
            events: vec![Event::Kind(KindEvent::new(
                &ideas::UNMERGED,
                serde_json::json!({"duplicate": duplicate.0}),
            ))],
            ..merge.clone()
        };
        assert!(ok(store.unmerge_idea(&undo).await));
        assert!(!ok(store.unmerge_idea(&undo).await), "not merged any more");
        let mut expected = before;
        expected.push((original.0, admin.0, day(25).0, None));
        expected.sort_unstable();
        assert_eq!(vote_rows(&app).await, expected);
        let (o, d) = (record(original, None).await, record(duplicate, None).await);
        assert_eq!(
            (
                o.votes,
                o.merged_votes,
                o.merged_from,
                d.votes,
                d.merged_into
            ),
            (3, 0, vec![], 3, None)
        );
        assert_eq!(topic_status(duplicate).await, "under_review");
        assert_eq!(
            d.history
                .iter()
                .map(|c| (c.from.as_str(), c.to.as_str()))
                .collect::<Vec<_>>(),
            [
                ("new", "under_review"),
                ("under_review", "merged"),
                ("merged", "under_review")
            ],
            "the history keeps the merge and its undoing"
        );
        assert_eq!(app.db().count_rows("idea_merged_votes").await, 0);
        assert_eq!(
            app.db()
                .count_where(
                    "ideas i",
                    "i.votes <> (SELECT COUNT(*) FROM idea_votes v WHERE v.topic_id = i.topic_id)"
                )
                .await,
            0
        );
        assert_eq!(
            app.db()
                .count_where("audit_log", "action = 'idea.unmerge'")
                .await,
            1
        );
        let merges: Vec<Event> = recorded(&app)
            .await
            .into_iter()
            .filter(|e| matches!(e.name(), "idea_merged" | "idea_unmerged"))
            .collect();
        assert_eq!(merges, [merge.events[0].clone(), undo.events[0].clone()]);

        // Boards: by votes, by votes since a time, by newest; a merged idea is not listed.
        let list = |sort, after| async move {
            ok(store.list_ideas(board, sort, day(10), after, 10).await)
                .into_iter()
                .map(|i| (i.topic.id, i.votes, i.recent_votes))
                .collect::<Vec<_>>()
        };
        let ids =
            |rows: Vec<(TopicId, i64, i64)>| rows.into_iter().map(|r| r.0).collect::<Vec<_>>();
        let by_votes = list(IdeaSort::Votes, None).await;
        assert_eq!(
            by_votes,
            [
                (duplicate, 3, 3),
                (original, 3, 1),
                (y, 1, 0),
                (x, 1, 0),
                (z, 0, 0)
            ]
        );
        let after_original = Some(Cursor {
            key: 3,
            id: original.0,
        });
        assert_eq!(ids(list(IdeaSort::Votes, after_original).await), [y, x, z]);
        assert_eq!(
            ids(list(IdeaSort::Trending, None).await),
            [duplicate, original, z, y, x]
        );
        assert_eq!(
            ids(list(IdeaSort::Newest, None).await),
            [z, y, x, duplicate, original]
        );
        ok(store.merge_idea(&merge, original).await);
        assert!(!ids(list(IdeaSort::Votes, None).await).contains(&duplicate));

        // The changelog: shipped ideas, the latest shipped first, with the change that did it.
        assert!(status(y, "shipped", 10).await);
        assert!(status(z, "shipped", 20).await);
        assert!(status(z, "declined", 30).await);
        assert!(status(x, "in_progress", 40).await);
        assert!(status(x, "shipped", 50).await);
        let shipped = ok(store.shipped_ideas(board, 10).await);
        assert_eq!(
            shipped
                .iter()
                .map(|(t, c)| (t.id, c.from.as_str(), c.at))
                .collect::<Vec<_>>(),
            [
                (x, "in_progress", day(30).plus_seconds(50)),
                (y, "new", day(30).plus_seconds(10))
            ]
        );
        assert_eq!(
            app.db()
                .count_where("audit_log", "action = 'idea.status'")
                .await,
            7
        );
    })
    .await;
}
