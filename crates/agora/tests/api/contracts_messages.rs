//! Storage contract of private messages, the `MessageStore`: a conversation started whole
//! (its participants and first message in one transaction); messages numbered one by one;
//! read marks that never move backwards; unread counts as the last number minus the last read
//! one; the inbox in order of latest activity, paged by cursor; members added up to the
//! limit, or not at all; blocks that hide the blocked member's conversations from the
//! blocker; a moderator's look at a slice written to the audit log with it; search of the
//! member's own readable messages. Checked on the SQL store directly, on SQLite always and on
//! PostgreSQL when configured.

use agora_core::MemberId;
use agora_core::audit::{NewAuditEntry, Target};
use agora_core::kinds::messages::{
    InboxBox, MessageStore as _, NewConversation, NewParticipant, ParticipantState,
};
use agora_core::members::blocks::{BlockKind, BlockStore as _};
use agora_core::paging::Cursor;
use agora_core::time::Timestamp;

use crate::contracts::ok;
use crate::support::{TestApp, each_backend};

fn conversation(
    from: MemberId,
    to: &[(MemberId, ParticipantState)],
    at: Timestamp,
) -> NewConversation {
    NewConversation {
        subject: "Saturday".into(),
        started_by: from,
        moderation: false,
        others: to
            .iter()
            .map(|(member, state)| NewParticipant {
                member: *member,
                state: *state,
            })
            .collect(),
        body_markdown: "First".into(),
        body_html: "<p>First</p>".into(),
        copies: Vec::new(),
        at,
        daily_limit: None,
    }
}

async fn members(app: &TestApp, names: &[&str]) -> Vec<MemberId> {
    let (ids, _) = crate::contracts_kinds::community(app, names).await;
    ids
}

#[tokio::test]
async fn the_message_store_numbers_reads_and_lists_conversations_as_promised() {
    each_backend(|app| async move {
        let store = &app.app.store;
        let m = members(&app, &["admin", "ana", "ben", "cleo"]).await;
        let (ana, ben, cleo) = (m[1], m[2], m[3]);
        let t0 = Timestamp(1_000_000_000);
        let active = ParticipantState::Active;
        let (c1, first) = ok(store
            .start_conversation(conversation(ana, &[(ben, ParticipantState::Requested)], t0))
            .await);
        // Started whole: the first message, the starter read it, the other asked.
        let (conv, me) = ok(store.conversation(c1, ana).await).unwrap_or_else(|| panic!("c1"));
        assert_eq!((conv.last_seq, me.map(|p| p.last_read)), (1, Some(1)));
        assert_eq!(ok(store.message(first).await).map(|x| x.seq), Some(1));
        assert_eq!(
            ok(store.unread_counts(ben).await),
            (0, 1),
            "a request is not unread"
        );
        assert!(!ok(store.have_talked(ana, ben).await));
        ok(store.set_participant_state(c1, ben, active, t0).await);
        assert!(ok(store.have_talked(ana, ben).await));
        assert_eq!(ok(store.unread_counts(ben).await), (1, 0));
        // Numbered one by one; the author has read their own.
        for n in 2..=4 {
            let sent = ok(store
                .send_message(c1, ana, &format!("m{n}"), "", t0.plus_seconds(n))
                .await);
            assert_eq!(sent.seq, n);
        }
        let page = ok(store.inbox(ben, InboxBox::Inbox, None, 10).await);
        assert_eq!(page.iter().map(|e| e.unread).collect::<Vec<_>>(), [4]);
        ok(store.mark_read(c1, ben, 3).await);
        ok(store.mark_read(c1, ben, 1).await);
        let page = ok(store.inbox(ben, InboxBox::Inbox, None, 10).await);
        assert_eq!(page[0].unread, 1, "a read mark never moves backwards");
        assert_eq!(page[0].with, ["ana"]);
        // The inbox is in order of latest activity, paged by cursor.
        let (c2, _) = ok(store
            .start_conversation(conversation(ben, &[(cleo, active)], t0.plus_seconds(10)))
            .await);
        let (c3, _) = ok(store
            .start_conversation(conversation(ben, &[(ana, active)], t0.plus_seconds(5)))
            .await);
        let all: Vec<_> = ok(store.inbox(ben, InboxBox::Inbox, None, 10).await)
            .iter()
            .map(|e| e.conversation.id)
            .collect();
        assert_eq!(all, [c2, c3, c1]);
        let top = ok(store.inbox(ben, InboxBox::Inbox, None, 1).await);
        let after = Cursor {
            key: top[0].conversation.last_message_at.0,
            id: top[0].conversation.id.0,
        };
        let rest: Vec<_> = ok(store.inbox(ben, InboxBox::Inbox, Some(after), 10).await)
            .iter()
            .map(|e| e.conversation.id)
            .collect();
        assert_eq!(rest, [c3, c1]);
        assert_eq!(ok(store.conversations_started(ben, t0).await), 2);
        // Members are added up to the limit, or not at all.
        let too_many = [NewParticipant {
            member: cleo,
            state: active,
        }];
        let refused = store.add_participants(c1, ana, &too_many, 5, 2, t0).await;
        assert!(
            matches!(refused, Err(agora_core::StoreError::Conflict { .. })),
            "{refused:?}"
        );
        assert_eq!(ok(store.participants(c1).await).len(), 2);
        ok(store.add_participants(c1, ana, &too_many, 5, 3, t0).await);
        let (_, cleos) = ok(store.conversation(c1, cleo).await).unwrap_or_else(|| panic!("c1"));
        assert_eq!(cleos.map(|p| (p.history_from, p.last_read)), Some((5, 4)));
        // Search finds only what the member may read: Cleo joined after m4.
        let found = ok(store.search_messages(cleo, &["m4".into()], 10).await);
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(
            ok(store.search_messages(ben, &["M4".into()], 10).await).len(),
            1
        );
        // A block hides the blocked member's conversations from the blocker.
        ok(store.set_block(ben, ana, BlockKind::Block, true, t0).await);
        assert_eq!(
            ok(store.blocks_between(ana, &[ben, cleo]).await),
            [(ben, false)]
        );
        let left: Vec<_> = ok(store.inbox(ben, InboxBox::Inbox, None, 10).await)
            .iter()
            .map(|e| e.conversation.id)
            .collect();
        assert_eq!(left, [c2]);
        ok(store.set_block(ben, ana, BlockKind::Block, false, t0).await);
        assert!(ok(store.blocks(ben).await).is_empty());
        // A moderator's look is written with the slice it read.
        let look = NewAuditEntry {
            at: t0,
            actor: Some(m[0]),
            actor_name: "admin".into(),
            action: "message.report_viewed",
            target: Target::item(agora_core::kinds::messages::message_ref(first), "ana"),
            group: None,
            detail: String::new(),
        };
        let slice = ok(store.audited_slice(c1, 2, 4, &[look]).await);
        assert_eq!(slice.iter().map(|x| x.0.seq).collect::<Vec<_>>(), [2, 3, 4]);
        assert_eq!(
            app.db()
                .count_where("audit_log", "action = 'message.report_viewed'")
                .await,
            1
        );
    })
    .await;
}
