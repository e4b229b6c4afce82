//! Storage contracts of the forum's newer stores: the `TopStore` (a topic's score is its
//! replies and the reactions on its posts in the period, or of all time; ties go to the newer
//! topic; a page continues after its cursor) and the `MentionStore` (the members a post's
//! names name, each with their relation to the group, unknown names left out). Checked on the
//! SQL store directly, on SQLite always and on PostgreSQL when configured.

use agora_core::events::{Event, Place};
use agora_core::forum::items::post_ref;
use agora_core::forum::mentions::MentionStore as _;
use agora_core::forum::sorts::TopStore as _;
use agora_core::forum::{TopicFilter, TopicKind};
use agora_core::groups::policy::Relation;
use agora_core::paging::Cursor;
use agora_core::reactions::{ReactionChange, ReactionStore as _};
use agora_core::time::Timestamp;
use agora_core::{MemberId, PostId, TopicId};

use crate::contracts::{group_id, ok, open_topic, reply};
use crate::support::{each_backend, member_id};

fn reaction(post: PostId, member: MemberId, emoji: &str, at: Timestamp) -> ReactionChange {
    let item = post_ref(post);
    ReactionChange {
        item,
        member,
        emoji: emoji.into(),
        at,
        events: vec![Event::ReactionGiven {
            item,
            emoji: emoji.into(),
            by: member.0,
            author: 1,
            places: vec![Place::Everywhere],
        }],
    }
}

/// The topics of a ranking with their scores.
fn ranked(rows: Vec<(agora_core::forum::Topic, i64)>) -> Vec<(TopicId, i64)> {
    rows.into_iter().map(|(t, score)| (t.id, score)).collect()
}

#[tokio::test]
async fn the_top_store_scores_replies_and_reactions_in_the_period_and_of_all_time() {
    each_backend(|app| async move {
        let store = &app.app.store;
        let admin_token = app.register("admin").await;
        app.register("ana").await;
        app.register("ben").await;
        app.create_group(&admin_token, "club", "public").await;
        let club = group_id(&app, "club").await;
        let admin = member_id(&app, "admin").await;
        let ana = member_id(&app, "ana").await;
        let ben = member_id(&app, "ben").await;
        let t0 = Timestamp(1_000_000_000_000_000);
        let at = |secs| t0.plus_seconds(secs);
        let kind = TopicKind::DISCUSSION;
        // Anvil: two replies early; Bolt: one reply later; Clamp: opened last, no reply.
        let (anvil, _) = open_topic(&app, club, admin, kind, "Anvil", at(0)).await;
        reply(&app, anvil, ana, "One.", at(10)).await;
        reply(&app, anvil, ben, "Two.", at(20)).await;
        let (bolt, _) = open_topic(&app, club, admin, kind, "Bolt", at(1)).await;
        reply(&app, bolt, ana, "Three.", at(30)).await;
        let (clamp, opening) = open_topic(&app, club, admin, kind, "Clamp", at(40)).await;
        for (who, emoji) in [(ana, "❤️"), (ben, "❤️")] {
            assert!(ok(store
                .add_reaction(&reaction(opening, who, emoji, at(50)))
                .await));
        }
        let all = TopicFilter::default();
        let top = |since: Option<Timestamp>, after: Option<Cursor>| {
            let all = all.clone();
            async move {
                ranked(ok(store
                    .top_topics(club, since, after, 10, false, &all)
                    .await))
            }
        };

        // All time: Anvil's two replies and Clamp's two reactions tie, the newer first.
        assert_eq!(top(None, None).await, [(clamp, 2), (anvil, 2), (bolt, 1)]);
        // Since just before Bolt's reply: Bolt's reply, and Clamp's reactions (its opening
        // counts nothing); Anvil's replies are older.
        assert_eq!(top(Some(at(25)), None).await, [(clamp, 2), (bolt, 1)]);
        // A page continues after its cursor (score, then id).
        let after = Cursor {
            key: 2,
            id: clamp.0,
        };
        assert_eq!(top(None, Some(after)).await, [(anvil, 2), (bolt, 1)]);
        // A reaction taken back counts no more, of all time or in the period.
        assert!(ok(store
            .remove_reaction(&reaction(opening, ben, "❤️", at(60)))
            .await));
        assert_eq!(top(None, None).await, [(anvil, 2), (clamp, 1), (bolt, 1)]);
        assert_eq!(top(Some(at(25)), None).await, [(clamp, 1), (bolt, 1)]);
    })
    .await;
}

#[tokio::test]
async fn the_mention_store_finds_the_named_members_with_their_relation_to_the_group() {
    each_backend(|app| async move {
        let store = &app.app.store;
        let admin_token = app.register("admin").await;
        app.create_group(&admin_token, "club", "closed").await;
        let club = group_id(&app, "club").await;
        app.register("ana").await;
        app.register("ben").await;
        let names: Vec<String> = ["ana", "ben", "admin", "nobody"]
            .iter()
            .map(|n| (*n).to_owned())
            .collect();
        let mut targets = ok(store.mention_targets(club, &names).await);
        targets.sort_by(|a, b| a.username.cmp(&b.username));
        let found: Vec<(&str, Relation)> = targets
            .iter()
            .map(|t| (t.username.as_str(), t.relation))
            .collect();
        assert!(
            matches!(
                found.as_slice(),
                [
                    ("admin", Relation::Member(_)),
                    ("ana", Relation::Stranger),
                    ("ben", Relation::Stranger)
                ]
            ),
            "{found:?}"
        );
        assert_eq!(
            targets[1].id,
            member_id(&app, "ana").await,
            "each with their id"
        );
        assert!(ok(store.mention_targets(club, &[]).await).is_empty());
    })
    .await;
}
