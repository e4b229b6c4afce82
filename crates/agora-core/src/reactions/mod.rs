//! Reactions: a like, and a small set of other emoji the site's admins choose, on every item a
//! viewer may read (posts of every topic kind, and any kind that declares its
//! items in [`crate::kinds`]). A member reacts to others' items, never to their own; each
//! emoji once per member and item; taking it back is as easy. Counts are kept per item and
//! emoji, moved by the change's own rows; who reacted is listed to whoever may read the item,
//! and to nobody else (they get the 404 of an item that does not exist). Every reaction given
//! or taken is an event (`ReactionGiven`, `ReactionTaken`) recorded with it.
//!
//! Who may react is the item rule ([`crate::items::Action::React`]); which item a reference
//! names and whether the viewer reads it is the item's kind's ([`Agora::seen_item`]). Nothing
//! here names a kind.

pub mod emoji;
pub mod shown;

use std::collections::HashMap;

use async_trait::async_trait;
use serde::Serialize;
use tracing::instrument;

use crate::agora::Reactions;
use crate::error::{Invalid, Refused, StoreError};
use crate::events::Event;
use crate::ids::MemberId;
use crate::items::Action;
use crate::items::refs::{ItemRef, ItemSeen};
use crate::paging::{Cursor, Page};
use crate::time::Timestamp;
use crate::viewer::Viewer;

/// How many members reacted to an item with one emoji, and whether the viewer is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReactionCount {
    pub emoji: String,
    pub count: i64,
    /// Whether the viewer reacted with it.
    pub mine: bool,
}

/// One member's reaction, as "who reacted" lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reactor {
    /// The reaction's id (for paging).
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub emoji: String,
    pub at: Timestamp,
}

/// A reaction given or taken back, to store with its event.
#[derive(Debug, Clone)]
pub struct ReactionChange {
    pub item: ItemRef,
    pub member: MemberId,
    pub emoji: String,
    pub at: Timestamp,
    /// Recorded only if the change was made (not for a reaction given twice).
    pub events: Vec<Event>,
}

/// A reaction in a member's archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReactionRecord {
    pub item: String,
    pub emoji: String,
    pub at: Timestamp,
}

/// Storage of reactions: the reactions themselves and a count per item and emoji.
#[async_trait]
pub trait ReactionStore: Send + Sync {
    /// Adds the reaction and one to its count; `false`, and nothing changed, if the member
    /// had reacted with that emoji already.
    async fn add_reaction(&self, change: &ReactionChange) -> Result<bool, StoreError>;
    /// Removes the reaction and one from its count; `false` if there was none.
    async fn remove_reaction(&self, change: &ReactionChange) -> Result<bool, StoreError>;
    /// The counts (above zero) of every emoji on each of `items`, in one query, with
    /// `viewer`'s own marked.
    async fn reaction_counts(
        &self,
        items: &[ItemRef],
        viewer: Option<MemberId>,
    ) -> Result<Vec<(ItemRef, ReactionCount)>, StoreError>;
    /// What a page shows `viewer` beside `items` (their reactions, the viewer's bookmarks
    /// among them, the members the viewer ignores), in one query.
    async fn shown(
        &self,
        items: &[ItemRef],
        viewer: Option<MemberId>,
    ) -> Result<shown::ShownRows, StoreError>;
    /// Who reacted to `item` (with `emoji` only, if given), the latest first, after `after`.
    async fn reactors(
        &self,
        item: ItemRef,
        emoji: Option<&str>,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Vec<Reactor>, StoreError>;
}

/// An item's reactions as one viewer is shown them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemReactions {
    pub item: ItemRef,
    /// Per emoji, the site's set first in its order, then any emoji that left the set.
    pub counts: Vec<ReactionCount>,
    /// Whether the viewer may react to it (the item rule's `React`).
    pub can_react: bool,
}

/// "Who reacted": an item's counts and one page of its reactors.
#[derive(Debug, Clone)]
pub struct WhoReacted {
    pub item: ItemSeen,
    pub reactions: ItemReactions,
    pub reactors: Page<Reactor>,
}

/// Orders an item's counts: the site's set in its order, then emoji that left the set (their
/// reactions stay, and may be taken back), most given first.
pub(crate) fn in_set_order(set: &[String], mut counts: Vec<ReactionCount>) -> Vec<ReactionCount> {
    let rank = |e: &str| set.iter().position(|s| s == e).unwrap_or(set.len());
    counts.sort_by(|a, b| {
        rank(&a.emoji)
            .cmp(&rank(&b.emoji))
            .then(b.count.cmp(&a.count))
            .then(a.emoji.cmp(&b.emoji))
    });
    counts
}

impl Reactions<'_> {
    /// The emoji members react with, the like first.
    pub async fn emoji_set(self) -> Result<Vec<String>, StoreError> {
        Ok(self.site().site_settings().await?.reactions)
    }

    /// Reacts to `item` with `emoji` (one of the site's set). Giving a reaction one has given
    /// already changes nothing. Answers with the item's reactions.
    #[instrument(skip_all, fields(item = %item))]
    pub async fn react(
        self,
        viewer: &Viewer,
        item: ItemRef,
        emoji: &str,
    ) -> Result<ItemReactions, Refused> {
        let (seen, change) = self.change(viewer, item, emoji, true).await?;
        self.store.add_reaction(&change).await?;
        self.of_item(viewer, &seen).await
    }

    /// Takes a reaction back. Taking back one never given changes nothing; an emoji that left
    /// the set may be taken back.
    #[instrument(skip_all, fields(item = %item))]
    pub async fn unreact(
        self,
        viewer: &Viewer,
        item: ItemRef,
        emoji: &str,
    ) -> Result<ItemReactions, Refused> {
        let (seen, change) = self.change(viewer, item, emoji, false).await?;
        self.store.remove_reaction(&change).await?;
        self.of_item(viewer, &seen).await
    }

    /// The item as the viewer reads it, after the rule allowed the reaction, and the change
    /// with its event.
    async fn change(
        self,
        viewer: &Viewer,
        item: ItemRef,
        emoji: &str,
        give: bool,
    ) -> Result<(ItemSeen, ReactionChange), Refused> {
        let seen = self.readable_item(viewer, item).await?;
        seen.allows(viewer, Action::React)
            .map_err(crate::items::Denied::as_refusal)?;
        let by = viewer.id().ok_or(Refused::SignInRequired)?;
        let set = self.emoji_set().await?;
        let emoji = match emoji::find(&set, emoji) {
            Some(e) => e.to_owned(),
            // Taking back an emoji the set no longer holds: as it was given.
            None if !give && emoji::is_single_emoji(emoji) => emoji.to_owned(),
            None => {
                return Err(Invalid::new(
                    "emoji",
                    "not_in_set",
                    format!("React with one of {}.", set.join(" ")),
                )
                .into());
            }
        };
        let places = self.item_places(&seen);
        let (item, author) = (seen.item, seen.author.0);
        let event = if give {
            Event::ReactionGiven {
                item,
                emoji: emoji.clone(),
                by: by.0,
                author,
                places,
            }
        } else {
            Event::ReactionTaken {
                item,
                emoji: emoji.clone(),
                by: by.0,
                author,
                places,
            }
        };
        let change = ReactionChange {
            item,
            member: by,
            emoji,
            at: self.now(),
            events: vec![event],
        };
        Ok((seen, change))
    }

    /// The reactions on an item the viewer reads.
    async fn of_item(self, viewer: &Viewer, seen: &ItemSeen) -> Result<ItemReactions, Refused> {
        let mut tally = self.tally(viewer, &[seen.item]).await?;
        Ok(ItemReactions {
            item: seen.item,
            counts: tally.remove(&seen.item).unwrap_or_default(),
            can_react: seen.allows(viewer, Action::React).is_ok(),
        })
    }

    /// The counts on each of `items`, which the caller showed the viewer already (the posts
    /// of a topic page the forum gave it), in one query: an item with none is left out.
    pub async fn tally(
        self,
        viewer: &Viewer,
        items: &[ItemRef],
    ) -> Result<HashMap<ItemRef, Vec<ReactionCount>>, StoreError> {
        if items.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = self.store.reaction_counts(items, viewer.id()).await?;
        let set = self.emoji_set().await?;
        let mut by_item: HashMap<ItemRef, Vec<ReactionCount>> = HashMap::new();
        for (item, count) in rows {
            by_item.entry(item).or_default().push(count);
        }
        Ok(by_item
            .into_iter()
            .map(|(item, counts)| (item, in_set_order(&set, counts)))
            .collect())
    }

    /// Who reacted to `item` (with `emoji`, if given), the latest first: to whoever may read
    /// the item; anyone else gets the `NotFound` of an item that does not exist.
    pub async fn who(
        self,
        viewer: &Viewer,
        item: ItemRef,
        emoji: Option<&str>,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<WhoReacted, Refused> {
        let seen = self.readable_item(viewer, item).await?;
        let set = self.emoji_set().await?;
        let emoji = match emoji {
            None => None,
            Some(e) => Some(
                emoji::find(&set, e)
                    .map(str::to_owned)
                    .or_else(|| emoji::is_single_emoji(e).then(|| e.to_owned()))
                    .ok_or_else(|| {
                        Invalid::new("emoji", "invalid_format", "Name one emoji, or none.")
                    })?,
            ),
        };
        let rows = self
            .store
            .reactors(item, emoji.as_deref(), after, limit + 1)
            .await?;
        let reactors = Page::from_overfetch(rows, limit, |r| Cursor {
            key: r.at.0,
            id: r.id,
        });
        let reactions = self.of_item(viewer, &seen).await?;
        Ok(WhoReacted {
            item: seen,
            reactions,
            reactors,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(emoji: &str, count: i64) -> ReactionCount {
        ReactionCount {
            emoji: emoji.into(),
            count,
            mine: false,
        }
    }

    #[test]
    fn counts_follow_the_set_and_emoji_that_left_it_come_last() {
        let set = emoji::default_set();
        let ordered = in_set_order(
            &set,
            vec![
                count("🚲", 1),
                count("🎉", 2),
                count("❤️", 1),
                count("🔥", 4),
            ],
        );
        let emoji: Vec<&str> = ordered.iter().map(|c| c.emoji.as_str()).collect();
        assert_eq!(emoji, ["❤️", "🎉", "🔥", "🚲"]);
    }
}
