//! A kind of item declared by this test alone, in this file: notes, each written by a member for
//! the whole site or for a conversation between named members. Nothing in the shared services
//! (reports, the moderation queue, a report's page, legal complaints, the audit log, reactions,
//! bookmarks, search) knows of it: it is reachable because it declares itself as a `Kind` with
//! an `ItemSource` and a `SearchSource`, as every kind does in its own folder, and the
//! application is told of it (`with_kind`) as `agora_core::kinds::ALL` lists the built-in
//! kinds. What a moderator sees of a note is the kind's: the note and the one before it in the
//! same audience, never the rest.

use std::sync::Mutex;

use async_trait::async_trait;
use axum::http::StatusCode;
use serde_json::json;

use agora_core::audience::{Audience, AudienceRef, Participation, reach};
use agora_core::error::Refused;
use agora_core::items::refs::{ItemKind, ItemRef, ItemSeen, ItemSource};
use agora_core::items::reported::{ContextEntry, Look, ReportedItem};
use agora_core::items::{Action, ItemFacts, ItemState, decide};
use agora_core::kinds::Kind;
use agora_core::search::items::{ItemHit, SearchSource, mark};
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
            earlier: Vec::new(),
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
            topic: None,
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

#[async_trait]
impl SearchSource for Notes {
    async fn search(
        &self,
        _agora: &Agora,
        viewer: &Viewer,
        terms: &[String],
        limit: u32,
    ) -> Result<Vec<ItemHit>, agora_core::StoreError> {
        let notes = self.notes.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let mut hits = Vec::new();
        for (i, note) in notes.into_iter().enumerate().rev() {
            let lower = note.body.to_lowercase();
            let (audience, _) = audience_of(&note.place, viewer);
            if terms.iter().all(|t| lower.contains(t.as_str()))
                && reach(viewer, audience) >= agora_core::groups::policy::Access::Read
            {
                let id = i64::try_from(i + 1).unwrap_or_default();
                hits.push(ItemHit {
                    item: ItemRef::new(NOTE, id),
                    title: "Notes".into(),
                    snippet: mark(&note.body, terms, 200),
                    author: note.author_name,
                    author_id: note.author,
                    created_at: note.at,
                    container: 1,
                    position: id,
                });
            }
        }
        hits.truncate(limit as usize);
        Ok(hits)
    }
}

/// The application with the note kind, and the kind.
pub async fn with_notes(app: TestApp) -> (TestApp, &'static Notes) {
    let notes = Notes::leaked();
    let kind: &'static Kind = Box::leak(Box::new(Kind {
        name: "note",
        topic: None,
        actions: &[],
        events: &[],
        settings: &[],
        jobs: &[],
        consumers: &[],
        items: Some(notes),
        search: Some(notes),
        status_labels: None,
        demo: None,
        audience: None,
    }));
    (app.with_kind(kind), notes)
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

#[tokio::test]
async fn a_new_kind_declared_in_its_folder_is_reactable_bookmarkable_and_searchable_with_no_change_to_the_shared_services()
 {
    each_backend(|app| async move {
        let (app, notes) = with_notes(app).await;
        let admin = app.register("admin").await;
        let cara = app.register("cara").await;
        let dan = app.register("dan").await;
        let eve = app.register("eve").await;
        let (cara_id, dan_id) = (member_id(&app, "cara").await, member_id(&app, "dan").await);
        let between = notes.write(
            (cara_id, "cara"),
            Place::Conversation(vec![cara_id, dan_id]),
            "Wombatwords for the two of us.",
        );
        let everyone = notes.write((cara_id, "cara"), Place::Site, "Wombatwords for the site.");
        let item = |id: i64| format!("/api/v1/items/note/{id}");
        let like = json!({"emoji": "❤️"});

        // A reader reacts through the one endpoint every kind shares; the author may not, and
        // for everyone outside its audience the note does not exist.
        let r = app
            .post(
                &format!("{}/reactions", item(between)),
                Some(&dan),
                like.clone(),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);
        let r = app
            .post(
                &format!("{}/reactions", item(between)),
                Some(&cara),
                like.clone(),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "not on one's own: {}",
            r.text
        );
        let r = app
            .get(&format!("{}/reactions", item(between)), Some(&cara))
            .await;
        assert!(
            r.status.is_success() && r.text.contains("dan"),
            "{}",
            r.text
        );
        let missing = app
            .get(&format!("{}/reactions", item(999)), Some(&eve))
            .await;
        for token in [&eve, &admin] {
            let r = app
                .get(&format!("{}/reactions", item(between)), Some(token))
                .await;
            assert_eq!((r.status, &r.text), (missing.status, &missing.text));
            let r = app
                .post(
                    &format!("{}/reactions", item(between)),
                    Some(token),
                    like.clone(),
                )
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
            let r = app
                .call(
                    axum::http::Method::PUT,
                    &format!("{}/bookmark", item(between)),
                    Some(token),
                    Some(json!({})),
                )
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
        }
        // Eve reads the site's note, and reacts to it.
        let r = app
            .post(
                &format!("{}/reactions", item(everyone)),
                Some(&eve),
                like.clone(),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);

        // A reader bookmarks it and finds it on their bookmarks.
        let r = app
            .call(
                axum::http::Method::PUT,
                &format!("{}/bookmark", item(between)),
                Some(&dan),
                Some(json!({})),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);
        let r = app.get("/api/v1/bookmarks", Some(&dan)).await;
        assert!(r.text.contains("Wombatwords for the two"), "{}", r.text);

        // Search finds each note for whoever may read it, and only for them.
        let found = |token: Option<String>| {
            let app = &app;
            async move {
                let r = app
                    .get("/api/v1/search?q=wombatwords", token.as_deref())
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.text);
                let mut ids: Vec<(String, i64)> = r.body["items"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|i| {
                                let kind = i["kind"].as_str().unwrap_or("").to_owned();
                                (kind, i["id"].as_i64().unwrap_or(0))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                ids.sort();
                ids
            }
        };
        let note = |id: i64| ("note".to_owned(), id);
        assert_eq!(
            found(Some(dan.clone())).await,
            vec![note(between), note(everyone)]
        );
        assert_eq!(found(Some(eve.clone())).await, vec![note(everyone)]);
        assert_eq!(found(Some(admin.clone())).await, vec![note(everyone)]);
        assert_eq!(found(None).await, Vec::<(String, i64)>::new());
    })
    .await;
}
