//! Bookmarks: a member keeps any item they may read for later, with an optional reminder
//! time and a short note, on a list only they see. The list shows each item as the member may
//! read it now: a bookmark on an item they can no longer read (they left its closed group, it
//! was deleted) is left out, and nothing of the item is told, not even that the bookmark
//! exists; it shows again if they may read the item again. Reminders due come first.
//!
//! Which item a reference names, and whether the viewer reads it, is the item's kind's
//! ([`crate::Agora::seen_item`]); nothing here names a kind.

use async_trait::async_trait;
use serde::Serialize;
use tracing::instrument;

use crate::agora::Bookmarks;
use crate::error::{Invalid, Refused, StoreError};
use crate::guard::Needs;
use crate::ids::MemberId;
use crate::items::refs::{ItemRef, ItemSeen};
use crate::paging::{Cursor, Page};
use crate::time::Timestamp;
use crate::viewer::Viewer;

/// The longest note a bookmark keeps, in characters.
pub const NOTE_MAX: usize = 200;

/// A member's bookmark on an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bookmark {
    pub id: i64,
    pub item: ItemRef,
    pub created_at: Timestamp,
    /// When to remind the member, if they asked.
    pub remind_at: Option<Timestamp>,
    pub note: String,
}

/// A bookmark to save: new, or replacing the member's bookmark on the same item.
#[derive(Debug, Clone)]
pub struct NewBookmark {
    pub member: MemberId,
    pub item: ItemRef,
    pub at: Timestamp,
    pub remind_at: Option<Timestamp>,
    pub note: String,
}

/// A bookmark in a member's archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BookmarkRecord {
    pub item: String,
    pub created_at: Timestamp,
    pub remind_at: Option<Timestamp>,
    pub note: String,
}

/// Storage of bookmarks.
#[async_trait]
pub trait BookmarkStore: Send + Sync {
    /// Saves the member's bookmark on the item (one per member and item: a second replaces
    /// the reminder and the note, and keeps when it was made).
    async fn put_bookmark(&self, bookmark: &NewBookmark) -> Result<Bookmark, StoreError>;
    /// `false` if the member had no bookmark on it.
    async fn remove_bookmark(&self, member: MemberId, item: ItemRef) -> Result<bool, StoreError>;
    async fn bookmark(
        &self,
        member: MemberId,
        item: ItemRef,
    ) -> Result<Option<Bookmark>, StoreError>;
    /// Which of `items` the member bookmarked, in one query.
    async fn bookmarked(
        &self,
        member: MemberId,
        items: &[ItemRef],
    ) -> Result<Vec<ItemRef>, StoreError>;
    /// The member's bookmarks after `after`: those whose reminder is due at `now` first, the
    /// longest due first, then the others, the newest first. Each with its place in that order.
    async fn bookmarks(
        &self,
        member: MemberId,
        now: Timestamp,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Vec<(Bookmark, Cursor)>, StoreError>;
}

/// A bookmark on the list, with its item as the member may read it now.
#[derive(Debug, Clone)]
pub struct Kept {
    pub bookmark: Bookmark,
    pub item: ItemSeen,
    /// Whether its reminder time has come.
    pub due: bool,
}

/// A reminder time as the API takes it (RFC 3339, `2026-12-24T18:00:00+01:00`).
pub fn parse_rfc3339(raw: &str) -> Result<Timestamp, Invalid> {
    time::OffsetDateTime::parse(raw.trim(), &time::format_description::well_known::Rfc3339)
        .map(Timestamp::from_datetime)
        .map_err(|_| {
            Invalid::new(
                "remind_at",
                "invalid_format",
                "Give the reminder as a date and time with its offset, e.g. 2026-12-24T18:00:00Z.",
            )
        })
}

/// A reminder time as a page's `datetime-local` field sends it (`2026-12-24T18:00`), taken
/// as UTC, which the page says.
pub fn parse_local(raw: &str) -> Result<Timestamp, Invalid> {
    let minutes = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let seconds =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let raw = raw.trim();
    time::PrimitiveDateTime::parse(raw, minutes)
        .or_else(|_| time::PrimitiveDateTime::parse(raw, seconds))
        .map(|t| Timestamp::from_datetime(t.assume_utc()))
        .map_err(|_| {
            Invalid::new(
                "remind_at",
                "invalid_format",
                "Give the reminder as a date and a time.",
            )
        })
}

/// A note as typed: trimmed, at most [`NOTE_MAX`] characters, one line of text.
fn note(raw: &str) -> Result<String, Invalid> {
    let note = raw.trim();
    if note.chars().count() > NOTE_MAX {
        return Err(Invalid::new(
            "note",
            "too_long",
            format!("A note may be at most {NOTE_MAX} characters long."),
        ));
    }
    if note.chars().any(crate::members::is_forbidden_in_text) {
        return Err(Invalid::new(
            "note",
            "invalid_characters",
            "A note is one line of text, without control or invisible characters.",
        ));
    }
    Ok(note.to_owned())
}

impl Bookmarks<'_> {
    /// Bookmarks an item the viewer may read, or changes their bookmark on it. A reminder
    /// must lie in the future.
    #[instrument(skip_all, fields(item = %item))]
    pub async fn put(
        self,
        viewer: &Viewer,
        item: ItemRef,
        remind_at: Option<Timestamp>,
        raw_note: &str,
    ) -> Result<Kept, Refused> {
        let seen = self.readable_item(viewer, item).await?;
        let member = self.guard(viewer, Needs::Active).await?.id;
        let now = self.now();
        if remind_at.is_some_and(|at| at <= now) {
            return Err(Invalid::new(
                "remind_at",
                "in_the_past",
                "Choose a reminder time in the future.",
            )
            .into());
        }
        let note = note(raw_note)?;
        let bookmark = self
            .store
            .put_bookmark(&NewBookmark {
                member,
                item: seen.item,
                at: now,
                remind_at,
                note,
            })
            .await?;
        Ok(Kept {
            bookmark,
            item: seen,
            due: false,
        })
    }

    /// Takes the viewer's bookmark off an item they may read; `NotFound` if there is none.
    pub async fn remove(self, viewer: &Viewer, item: ItemRef) -> Result<(), Refused> {
        let seen = self.readable_item(viewer, item).await?;
        let member = self.guard(viewer, Needs::Active).await?.id;
        if self.store.remove_bookmark(member, seen.item).await? {
            Ok(())
        } else {
            Err(Refused::NotFound)
        }
    }

    /// The viewer's bookmark on an item they may read, if they have one, with the item.
    pub async fn of(
        self,
        viewer: &Viewer,
        item: ItemRef,
    ) -> Result<(ItemSeen, Option<Bookmark>), Refused> {
        let seen = self.readable_item(viewer, item).await?;
        let member = self.guard(viewer, Needs::SignedIn).await?.id;
        let bookmark = self.store.bookmark(member, seen.item).await?;
        Ok((seen, bookmark))
    }

    /// Which of `items`, shown to the viewer already (a topic page's posts), they bookmarked.
    pub async fn marked(
        self,
        viewer: &Viewer,
        items: &[ItemRef],
    ) -> Result<Vec<ItemRef>, StoreError> {
        match viewer.id() {
            Some(member) if !items.is_empty() => self.store.bookmarked(member, items).await,
            _ => Ok(Vec::new()),
        }
    }

    /// One page of the viewer's bookmarks, due reminders first. Each item is resolved through
    /// its kind, one by one: a page of 20 to 50 costs that many reads, which is acceptable for
    /// a page a member opens now and then (a kind's batch resolution can come when one is
    /// needed). An item the viewer can no longer read is left out, so a page may hold fewer
    /// than `limit`, and no total is given.
    pub async fn list(
        self,
        viewer: &Viewer,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Page<Kept>, Refused> {
        let member = self.guard(viewer, Needs::SignedIn).await?.id;
        let now = self.now();
        let rows = self.store.bookmarks(member, now, after, limit + 1).await?;
        let more = rows.len() > limit as usize;
        let mut next = None;
        let mut items = Vec::new();
        for (bookmark, cursor) in rows.into_iter().take(limit as usize) {
            next = Some(cursor);
            match self.readable_item(viewer, bookmark.item).await {
                Ok(item) => items.push(Kept {
                    due: bookmark.remind_at.is_some_and(|at| at <= now),
                    bookmark,
                    item,
                }),
                Err(Refused::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Page {
            items,
            next: next.filter(|_| more),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminders_are_read_with_their_offset_or_as_utc_from_a_page() {
        let utc = parse_rfc3339("2026-12-24T18:00:00Z").ok();
        assert_eq!(parse_rfc3339("2026-12-24T19:00:00+01:00").ok(), utc);
        assert_eq!(parse_local("2026-12-24T18:00").ok(), utc);
        assert_eq!(
            parse_rfc3339("tomorrow").map_err(|e| e.field),
            Err("remind_at")
        );
        assert!(parse_local("2026-13-01T10:00").is_err());
    }

    #[test]
    fn a_note_is_one_short_line() {
        assert_eq!(note("  read later ").ok().as_deref(), Some("read later"));
        assert_eq!(note(&"x".repeat(201)).map_err(|e| e.code), Err("too_long"));
        assert_eq!(
            note("a\u{202E}b").map_err(|e| e.code),
            Err("invalid_characters")
        );
    }
}
