//! Where the shared pages (the moderation queue, a report's page, a legal case, the
//! `/items/{kind}/{id}` link mails carry) find an item's page: through the one registry of item
//! links, naming no kind; a kind without an entry is shown without a link.

use agora_core::items::refs::ItemRef;

/// Where an item sits, as the core describes it (`ItemSeen`, `ReportedItem`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    pub item: ItemRef,
    /// Its container (a topic, a conversation) and its number there.
    pub container: i64,
    pub position: i64,
}

/// The address of the item at `place`, if its kind has a page (the registry is
/// [`crate::item_links`], one line per kind).
pub(crate) fn link(place: Place) -> Option<String> {
    crate::item_links::lookup(place.item, place.container, place.position)
}
