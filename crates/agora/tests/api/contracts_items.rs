//! Storage contracts of the services on any item: the `ReactionStore` (one reaction per
//! member, item and emoji; a count moved once per change, with the change's event; the counts
//! of many items in one call with the viewer's own marked; who reacted, the latest first, in
//! pages; what a page shows beside its items — counts, bookmarks, ignores — in one read) and
//! the `BookmarkStore` (one bookmark per member and item, replaced in place; which
//! of many items are bookmarked; due reminders first, then the newest, in pages). Checked on
//! the SQL store directly, on SQLite always and on PostgreSQL when configured.

use agora_core::bookmarks::{BookmarkStore as _, NewBookmark};
use agora_core::events::{Event, Place};
use agora_core::forum::TopicKind;
use agora_core::forum::items::post_ref;
use agora_core::items::refs::ItemRef;
use agora_core::kinds::messages::MessageStore as _;
use agora_core::members::blocks::BlockKind;
use agora_core::paging::Cursor;
use agora_core::reactions::{ReactionChange, ReactionCount, ReactionStore as _};
use agora_core::time::Timestamp;
use agora_core::{MemberId, PostId};

use crate::contracts::{ok, open_topic, recorded, reply};
use crate::support::{TestApp, each_backend};

/// A public group `club` of `names[0]` with a topic of two posts by them; the members' ids and
/// the two posts' references.
async fn scene(app: &TestApp, names: &[&str]) -> (Vec<MemberId>, [ItemRef; 2]) {
    let (ids, club) = crate::contracts_kinds::community(app, names).await;
    let t0 = Timestamp(1_000_000_000);
    let (topic, first) = open_topic(app, club, ids[0], TopicKind::DISCUSSION, "Tyres", t0).await;
    let second = reply(app, topic, ids[0], "Tubeless.", t0.plus_seconds(1)).await;
    (ids, [post_ref(first), post_ref(second)])
}

fn change(item: ItemRef, member: MemberId, emoji: &str, secs: i64) -> ReactionChange {
    ReactionChange {
        item,
        member,
        emoji: emoji.into(),
        at: Timestamp(2_000_000_000).plus_seconds(secs),
        events: vec![Event::ReactionGiven {
            item,
            emoji: emoji.into(),
            by: member.0,
            author: 1,
            places: vec![Place::Topic { topic: 1 }],
        }],
    }
}

fn count(emoji: &str, count: i64, mine: bool) -> ReactionCount {
    ReactionCount {
        emoji: emoji.into(),
        count,
        mine,
    }
}

#[tokio::test]
async fn the_reaction_store_counts_each_reaction_once_and_lists_who_reacted() {
    each_backend(|app| async move {
        let store = &app.app.store;
        let (m, [first, second]) = scene(&app, &["admin", "ana", "ben", "cleo"]).await;
        let (ana, ben, cleo) = (m[1], m[2], m[3]);
        let events_before = recorded(&app).await.len();

        assert!(ok(store.add_reaction(&change(first, ana, "❤️", 1)).await));
        assert!(
            !ok(store.add_reaction(&change(first, ana, "❤️", 2)).await),
            "a reaction given twice is one"
        );
        assert!(ok(store.add_reaction(&change(first, ben, "❤️", 3)).await));
        assert!(ok(store.add_reaction(&change(first, ben, "👍", 4)).await));
        assert!(ok(store.add_reaction(&change(second, cleo, "🎉", 5)).await));
        assert_eq!(
            recorded(&app).await.len() - events_before,
            4,
            "one event per change, none for the reaction given twice"
        );

        let mut counts = ok(store.reaction_counts(&[first, second], Some(ben)).await);
        counts.sort_by(|a, b| (a.0, &a.1.emoji).cmp(&(b.0, &b.1.emoji)));
        assert_eq!(
            counts,
            [
                (first, count("❤️", 2, true)),
                (first, count("👍", 1, true)),
                (second, count("🎉", 1, false)),
            ]
        );
        assert!(ok(store.reaction_counts(&[], None).await).is_empty());
        let guest = ok(store.reaction_counts(&[second], None).await);
        assert_eq!(guest, [(second, count("🎉", 1, false))]);

        // Taken back once; a count at zero is not shown.
        assert!(ok(store
            .remove_reaction(&change(first, ben, "👍", 6))
            .await));
        assert!(!ok(store
            .remove_reaction(&change(first, ben, "👍", 7))
            .await));
        let counts = ok(store.reaction_counts(&[first], Some(ben)).await);
        assert_eq!(counts, [(first, count("❤️", 2, true))]);
        assert_eq!(
            app.db()
                .scalar("SELECT total FROM reaction_counts WHERE emoji = '👍'")
                .await,
            0
        );

        // Who reacted: the latest first, in pages, by emoji if asked.
        let page1 = ok(store.reactors(first, None, None, 1).await);
        assert_eq!(page1.len(), 1);
        assert_eq!(
            (page1[0].username.as_str(), page1[0].emoji.as_str()),
            ("ben", "❤️")
        );
        let after = Cursor {
            key: page1[0].at.0,
            id: page1[0].id,
        };
        let page2 = ok(store.reactors(first, None, Some(after), 10).await);
        let names: Vec<&str> = page2.iter().map(|r| r.username.as_str()).collect();
        assert_eq!(names, ["ana"]);
        assert!(ok(store.reactors(first, Some("🎉"), None, 10).await).is_empty());
        assert_eq!(
            ok(store.reactors(second, Some("🎉"), None, 10).await).len(),
            1
        );
    })
    .await;
}

#[tokio::test]
async fn what_a_page_shows_beside_its_items_is_read_at_once_with_the_same_figures_as_each_part() {
    each_backend(|app| async move {
        let store = &app.app.store;
        let (m, [first, second]) = scene(&app, &["admin", "ana", "ben", "cleo"]).await;
        let (admin, ana, ben, cleo) = (m[0], m[1], m[2], m[3]);
        assert!(ok(store.add_reaction(&change(first, ana, "❤️", 1)).await));
        assert!(ok(store.add_reaction(&change(first, ben, "❤️", 2)).await));
        assert!(ok(store.add_reaction(&change(second, cleo, "🎉", 3)).await));
        ok(store
            .put_bookmark(&NewBookmark {
                member: ben,
                item: second,
                at: Timestamp(2_000_000_100),
                remind_at: None,
                note: String::new(),
            })
            .await);
        let t0 = Timestamp(2_000_000_200);
        ok(store
            .set_block(ben, cleo, BlockKind::Ignore, true, t0)
            .await);
        ok(store
            .set_block(ben, admin, BlockKind::Block, true, t0)
            .await);
        ok(store
            .set_block(ana, cleo, BlockKind::Ignore, true, t0)
            .await);

        let mut shown = ok(store.shown(&[first, second], Some(ben)).await);
        shown
            .counts
            .sort_by(|a, b| (a.0, &a.1.emoji).cmp(&(b.0, &b.1.emoji)));
        let mut counts = ok(store.reaction_counts(&[first, second], Some(ben)).await);
        counts.sort_by(|a, b| (a.0, &a.1.emoji).cmp(&(b.0, &b.1.emoji)));
        assert_eq!(shown.counts, counts, "the same counts as the counts alone");
        assert_eq!(
            shown.counts,
            [
                (first, count("❤️", 2, true)),
                (second, count("🎉", 1, false))
            ]
        );
        assert_eq!(
            shown.bookmarked,
            [second],
            "ben's bookmark, of the items asked"
        );
        assert_eq!(
            shown.ignored,
            [cleo],
            "ben ignores cleo; a block is not an ignore, and ana's ignores are hers"
        );

        // A guest: the counts only; no items: the viewer's ignores still.
        let guest = ok(store.shown(&[second], None).await);
        assert_eq!(guest.counts, [(second, count("🎉", 1, false))]);
        assert!(guest.bookmarked.is_empty() && guest.ignored.is_empty());
        let none = ok(store.shown(&[], Some(ana)).await);
        assert!(none.counts.is_empty() && none.bookmarked.is_empty());
        assert_eq!(none.ignored, [cleo]);
    })
    .await;
}

#[tokio::test]
async fn the_bookmark_store_keeps_one_bookmark_per_member_and_item_and_lists_due_first() {
    each_backend(|app| async move {
        let store = &app.app.store;
        let (m, [first, second]) = scene(&app, &["admin", "ana", "ben"]).await;
        let (ana, ben) = (m[1], m[2]);
        let third = post_ref(PostId(second.id + 1_000));
        let t = |secs| Timestamp(3_000_000_000).plus_seconds(secs);
        let put = |item, at, remind_at: Option<Timestamp>, note: &str| NewBookmark {
            member: ana,
            item,
            at,
            remind_at,
            note: note.into(),
        };

        let made = ok(store.put_bookmark(&put(first, t(0), None, "read")).await);
        assert_eq!((made.item, made.note.as_str()), (first, "read"));
        // A second replaces the reminder and the note and keeps when it was made.
        let again = ok(store
            .put_bookmark(&put(first, t(5), Some(t(100)), "reread"))
            .await);
        assert_eq!(again.id, made.id);
        assert_eq!(again.created_at, t(0));
        assert_eq!(
            (again.remind_at, again.note.as_str()),
            (Some(t(100)), "reread")
        );
        ok(store
            .put_bookmark(&put(second, t(10), Some(t(50)), ""))
            .await);
        ok(store.put_bookmark(&put(third, t(20), None, "")).await);
        assert_eq!(
            ok(store.bookmark(ben, first).await),
            None,
            "a bookmark is its member's own"
        );

        let mut marked = ok(store.bookmarked(ana, &[first, second]).await);
        marked.sort();
        assert_eq!(marked, [first, second]);
        assert!(ok(store.bookmarked(ben, &[first, second]).await).is_empty());

        // At t(200) both reminders are due: the longest due first, then the rest, newest first.
        let order = |rows: &[(agora_core::bookmarks::Bookmark, Cursor)]| {
            rows.iter().map(|(b, _)| b.item).collect::<Vec<_>>()
        };
        let all = ok(store.bookmarks(ana, t(200), None, 10).await);
        assert_eq!(order(&all), [second, first, third]);
        // Before any is due: the newest first.
        let early = ok(store.bookmarks(ana, t(30), None, 10).await);
        assert_eq!(order(&early), [third, second, first]);
        // Pages follow the same order.
        let page1 = ok(store.bookmarks(ana, t(200), None, 2).await);
        assert_eq!(order(&page1), [second, first]);
        let after = page1.last().map(|(_, c)| *c);
        let page2 = ok(store.bookmarks(ana, t(200), after, 2).await);
        assert_eq!(order(&page2), [third]);

        assert!(ok(store.remove_bookmark(ana, first).await));
        assert!(!ok(store.remove_bookmark(ana, first).await));
        assert_eq!(ok(store.bookmark(ana, first).await), None);
    })
    .await;
}
