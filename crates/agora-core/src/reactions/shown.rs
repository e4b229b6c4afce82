//! What a page of items shows its viewer beside them: the reactions on each (with the
//! viewer's own marked), which of them the viewer bookmarked, and whose items the viewer
//! ignores (collapsed). A topic page needs all three for every post it shows; the store reads
//! them in one round trip ([`ShownRows`]), not one each.

use std::collections::{HashMap, HashSet};

use crate::agora::Reactions;
use crate::error::StoreError;
use crate::ids::MemberId;
use crate::items::refs::ItemRef;
use crate::reactions::{ReactionCount, in_set_order};
use crate::viewer::Viewer;

/// What the store reads for [`Reactions::shown`], in one query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShownRows {
    /// The counts (above zero) of every emoji on the items, the viewer's own marked.
    pub counts: Vec<(ItemRef, ReactionCount)>,
    /// The items the viewer bookmarked.
    pub bookmarked: Vec<ItemRef>,
    /// The members the viewer ignores.
    pub ignored: Vec<MemberId>,
}

/// What one post shows its viewer beside it, read with the post in the posts' own query (a
/// topic's page and JSON): its reaction counts with the viewer's own marked, whether the viewer
/// bookmarked it, whether the viewer ignores its author.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostShown {
    pub counts: Vec<ReactionCount>,
    pub bookmarked: bool,
    pub author_ignored: bool,
}

/// What a page shows one viewer beside items it already showed them.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    /// Per item with any, its counts in the site's set's order.
    pub reactions: HashMap<ItemRef, Vec<ReactionCount>>,
    /// The items the viewer bookmarked (none for a guest).
    pub bookmarked: HashSet<ItemRef>,
    /// The members the viewer ignores (none for a guest).
    pub ignored: Vec<MemberId>,
}

impl Reactions<'_> {
    /// The reactions, the viewer's bookmarks and the members the viewer ignores, for `items`,
    /// which the caller showed the viewer already (the posts of a topic page the forum gave
    /// it): one query.
    pub async fn shown(self, viewer: &Viewer, items: &[ItemRef]) -> Result<Shown, StoreError> {
        let rows = self.store.shown(items, viewer.id()).await?;
        let set = self.emoji_set().await?;
        let mut reactions: HashMap<ItemRef, Vec<ReactionCount>> = HashMap::new();
        for (item, count) in rows.counts {
            reactions.entry(item).or_default().push(count);
        }
        Ok(Shown {
            reactions: reactions
                .into_iter()
                .map(|(item, counts)| (item, in_set_order(&set, counts)))
                .collect(),
            bookmarked: rows.bookmarked.into_iter().collect(),
            ignored: rows.ignored,
        })
    }
}
