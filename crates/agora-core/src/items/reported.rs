//! What a moderator sees of a reported item. The shared services (the moderation queue, a
//! report's page, the legal cases) never read an item's tables: they ask the item's kind,
//! through [`super::refs::ItemSource::reported`], and show what it answers. A post shows itself
//! with its topic and group; a private message shows itself and the few before it, never the
//! rest of its conversation, and records each look in the audit log.

use serde::Serialize;

use crate::audience::AudienceRef;
use crate::ids::MemberId;
use crate::items::ItemState;
use crate::items::refs::ItemRef;
use crate::time::Timestamp;

/// How much of a reported item a moderator is looking at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// A line in a list (the queue, the legal cases): the reported item alone.
    Line,
    /// The report's own page: the item and what the moderator needs around it to judge it.
    Whole,
}

/// One entry of what a moderator is shown: the reported item, or one around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContextEntry {
    pub item: ItemRef,
    pub author_name: String,
    /// Its words as written (markdown), which pages show escaped.
    pub body: String,
    pub created_at: Timestamp,
    /// Whether this is the reported item.
    pub reported: bool,
    /// Its earlier versions' words, oldest first, where its kind keeps them out of a
    /// moderator's other reach (a message): an edit made after a report hides nothing.
    pub earlier: Vec<String>,
}

/// A reported item as its kind shows it to a moderator who decides its reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportedItem {
    pub item: ItemRef,
    pub audience: AudienceRef,
    /// Where it lives, in words: a group's address; a conversation's kind says so.
    pub place: String,
    /// What it belongs to: a topic's title, a conversation's subject.
    pub title: String,
    pub author: MemberId,
    pub author_name: String,
    pub state: ItemState,
    /// Its container (a topic, a conversation) and its number there, for a link.
    pub container: i64,
    pub position: i64,
    /// The reported item, and (for [`Look::Whole`]) the entries around it the kind shows, in
    /// the order they were written.
    pub context: Vec<ContextEntry>,
}

impl ReportedItem {
    /// The reported item's own entry.
    pub fn entry(&self) -> Option<&ContextEntry> {
        self.context.iter().find(|e| e.reported)
    }

    /// The reported item's words (empty if the kind showed none).
    pub fn body(&self) -> &str {
        self.entry().map(|e| e.body.as_str()).unwrap_or_default()
    }
}
