//! A kind of item declared by this test alone, in this file: notes, each written by a member for
//! the whole site or for a conversation between named members. Nothing in the shared services
//! (reports, the moderation queue, a report's page, legal complaints, the audit log) knows of
//! it: it is reachable because it declares an `ItemSource`, as every kind does in its own
//! folder, and the application is told of it (`with_item_source`) as `SOURCES` lists the
//! built-in kinds. What a moderator sees of a note is the kind's: the note and the one before
//! it in the same audience, never the rest.

use std::sync::Mutex;

use async_trait::async_trait;
use axum::http::StatusCode;
use serde_json::json;

use agora_core::audience::{Audience, AudienceRef, Participation, reach};
use agora_core::error::Refused;
use agora_core::items::refs::{ItemKind, ItemRef, ItemSeen, ItemSource};
use agora_core::items::reported::{ContextEntry, Look, ReportedItem};
use agora_core::items::{Action, ItemFacts, ItemState, decide};
use agora_core::time::Timestamp;
use agora_core::{Agora, MemberId, Viewer};

use crate::routes;
use crate::support::{TestApp, each_backend, member_id};

/// The word references use for a note.
pub const NOTE: ItemKind = ItemKind::new("note");

/// Where a note lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Every signed-in member reads it.
    Site,
    /// Only these members read it (conversation 1).
    Conversation(Vec<MemberId>),
}

#[derive(Debug, Clone)]
struct Note {
    author: MemberId,
    author_name: String,
    place: Place,
    body: String,
    at: Timestamp,
}

/// The kind's store: its notes, numbered from 1.
#[derive(Default)]
pub struct Notes {
    notes: Mutex<Vec<Note>>,
}

impl Notes {
    /// A fresh kind, for one application.
    pub fn leaked() -> &'static Notes {
        Box::leak(Box::default())
    }

    /// Writes a note; its id.
    pub fn write(&self, author: (MemberId, &str), place: Place, body: &str) -> i64 {
        let mut notes = self.notes.lock().unwrap_or_else(|e| e.into_inner());
        let at = Timestamp(1_000_000 + i64::try_from(notes.len()).unwrap_or_default());
        notes.push(Note {
            author: author.0,
            author_name: author.1.to_owned(),
            place,
            body: body.to_owned(),
            at,
        });
        i64::try_from(notes.len()).unwrap_or_default()
    }

    fn note(&self, id: i64) -> Option<Note> {
        let notes = self.notes.lock().unwrap_or_else(|e| e.into_inner());
        usize::try_from(id - 1)
            .ok()
            .and_then(|i| notes.get(i).cloned())
    }

    fn entry(id: i64, note: Note, reported: bool) -> ContextEntry {
        ContextEntry {
            item: ItemRef::new(NOTE, id),
            author_name: note.author_name,
            body: note.body,
            created_at: note.at,
            reported,
        }
    }
}

fn audience_of(place: &Place, viewer: &Viewer) -> (Audience, AudienceRef) {
    match place {
        Place::Site => (Audience::Site { members_only: true }, AudienceRef::SITE),
        Place::Conversation(members) => {
            let participation = match viewer.id() {
                Some(id) if members.contains(&id) => Participation::Participant,
                _ => Participation::Outsider,
            };
            (
                Audience::Conversation { participation },
                AudienceRef::conversation(1),
            )
        }
    }
}

#[async_trait]
impl ItemSource for Notes {
    fn kind(&self) -> ItemKind {
        NOTE
    }

    async fn seen(&self, _agora: &Agora, viewer: &Viewer, id: i64) -> Result<ItemSeen, Refused> {
        let note = self.note(id).ok_or(Refused::NotFound)?;
        let (audience, audience_ref) = audience_of(&note.place, viewer);
        let access = reach(viewer, audience);
        let facts = ItemFacts {
            author: note.author,
            state: ItemState::Published,
            locked: false,
            opening: true,
            asker: None,
            votable: false,
            merged: false,
        };
        decide(viewer, access, &facts, Action::Read).map_err(|_| Refused::NotFound)?;
        Ok(ItemSeen {
            item: ItemRef::new(NOTE, id),
            audience: audience_ref,
            access,
            facts,
            title: "Notes".into(),
            excerpt: note.body.clone(),
            author: note.author,
            author_name: note.author_name,
            created_at: note.at,
            container: 1,
            position: id,
        })
    }

    async fn reported(
        &self,
        _agora: &Agora,
        _moderator: &Viewer,
        id: i64,
        look: Look,
    ) -> Result<ReportedItem, Refused> {
        let note = self.note(id).ok_or(Refused::NotFound)?;
        let mut context = Vec::new();
        // On the report's page, the note before it in the same audience; never more.
        if look == Look::Whole
            && let Some(before) = self.note(id - 1).filter(|b| b.place == note.place)
        {
            context.push(Self::entry(id - 1, before, false));
        }
        context.push(Self::entry(id, note.clone(), true));
        let (_, audience) = audience_of(&note.place, &Viewer::guest());
        Ok(ReportedItem {
            item: ItemRef::new(NOTE, id),
            audience,
            place: String::new(),
            title: "Notes".into(),
            author: note.author,
            author_name: note.author_name,
            state: ItemState::Published,
            container: 1,
            position: id,
            context,
        })
    }
}

/// The application with the note kind, and the kind.
pub async fn with_notes(app: TestApp) -> (TestApp, &'static Notes) {
    let notes = Notes::leaked();
    (app.with_item_source(notes), notes)
}

#[tokio::test]
async fn a_new_kind_declared_in_its_folder_is_reportable_with_no_change_to_the_shared_services() {
    each_backend(|app| async move {
        let (app, notes) = with_notes(app).await;
        let admin = app.register("admin").await;
        let cara = app.register("cara").await;
        let eve = app.register("eve").await;
        app.register("dan").await;
        let (cara_id, dan_id) = (member_id(&app, "cara").await, member_id(&app, "dan").await);
        let talk = || Place::Conversation(vec![cara_id, dan_id]);
        let first = notes.write((cara_id, "cara"), talk(), "Firstwords before it.");
        let reported = notes.write((dan_id, "dan"), talk(), "Secondwords, the reported ones.");
        let later = notes.write((cara_id, "cara"), talk(), "Thirdwords, written after.");

        // Only who may read it reports it, through the one endpoint every kind shares.
        let r = app
            .post(
                &routes::item_report("note", reported),
                Some(&eve),
                json!({"reason": "abuse"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
        let r = app
            .post(
                &routes::item_report("note", reported),
                Some(&cara),
                json!({"reason": "abuse", "note": "Threats."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        assert_eq!(r.body["hidden"], false);
        let r = app
            .post(
                &routes::item_report("note", reported),
                Some(&cara),
                json!({"reason": "abuse"}),
            )
            .await;
        assert_eq!(r.code(), "already_flagged", "{}", r.text);

        // The queue shows the note as its kind shows it: alone.
        let queue = app.get(&routes::moderation_queue(), Some(&admin)).await;
        assert_eq!(queue.status, StatusCode::OK, "{}", queue.text);
        let item = &queue.body[0];
        assert_eq!(
            (
                &item["item"],
                item["audience"].as_str(),
                item["post_id"].is_null(),
                item["author"].as_str(),
                item["reasons"].as_str(),
                item["notes"].as_str(),
            ),
            (
                &json!({"kind": "note", "id": reported}),
                Some("conversation"),
                true,
                Some("dan"),
                Some("abuse"),
                Some("Threats."),
            ),
            "{}",
            queue.text
        );
        assert_eq!(item["context"].as_array().map(Vec::len), Some(1));
        // Its report's page shows the note and the one before it, and nothing else.
        let page = app
            .get(&routes::item_reports("note", reported), Some(&admin))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        let context: Vec<(i64, bool)> = page.body["context"]
            .as_array()
            .map(|c| {
                c.iter()
                    .map(|e| (e["item"]["id"].as_i64().unwrap_or(0), e["reported"] == true))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(context, [(first, false), (reported, true)], "{}", page.text);
        let html = app
            .page(&format!("/admin/queue/note/{reported}"), Some(&admin))
            .await;
        assert_eq!(html.status, StatusCode::OK, "{}", html.text);
        assert!(
            html.text.contains("Firstwords") && html.text.contains("Secondwords"),
            "{}",
            html.text
        );
        assert!(!html.text.contains("Thirdwords"), "{}", html.text);
        // A member who decides nothing has no report page.
        let r = app
            .get(&routes::item_reports("note", reported), Some(&eve))
            .await;
        assert_eq!(r.code(), "moderators_only", "{}", r.text);

        // Decided like any report, and logged against the note's reference.
        let r = app
            .post(
                &routes::item_reports_resolve("note", reported),
                Some(&admin),
                json!({"decision": "uphold", "reason": "A threat."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        let queue = app.get(&routes::moderation_queue(), Some(&admin)).await;
        assert_eq!(queue.body.as_array().map(Vec::len), Some(0), "{}", queue.text);
        let log = app
            .get(
                &format!("{}?target=note:{reported}", routes::audit()),
                Some(&admin),
            )
            .await;
        assert_eq!(log.status, StatusCode::OK, "{}", log.text);
        assert_eq!(
            (
                log.body["entries"][0]["action"].as_str(),
                log.body["entries"][0]["target"].as_str()
            ),
            (
                Some("flags.uphold"),
                Some(format!("note:{reported} by dan").as_str())
            ),
            "{}",
            log.text
        );

        // A legal complaint about a note is a case like any other, showing the note.
        let r = app
            .post(
                &routes::item_complaints("note", later),
                Some(&cara),
                json!({"kind": "privacy", "statement": "It gives my address away to everyone.", "good_faith": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        assert_eq!(r.body["status"], "open", "{}", r.text);
        let cases = app.get(&routes::legal_cases(), Some(&admin)).await;
        let case = &cases.body[0];
        assert_eq!(
            (&case["item"], case["post_excerpt"].as_str()),
            (
                &json!({"kind": "note", "id": later}),
                Some("Thirdwords, written after.")
            ),
            "{}",
            cases.text
        );
        let id = case["id"].as_i64().unwrap_or_default();
        let page = app.page(&format!("/admin/cases/{id}"), Some(&admin)).await;
        assert!(page.text.contains("Thirdwords"), "{}", page.text);
        let queue = app.get(&routes::moderation_queue(), Some(&admin)).await;
        assert_eq!(
            (&queue.body[0]["item"], queue.body[0]["legal_case"]["id"].as_i64()),
            (&json!({"kind": "note", "id": later}), Some(id)),
            "{}",
            queue.text
        );
        let r = app
            .post(
                &routes::legal_case_decision(id),
                Some(&admin),
                json!({"decision": "remove", "reason": "It names a home."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.body["status"], "removed", "{}", r.text);
    })
    .await;
}
