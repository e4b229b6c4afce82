//! The web's registry of kinds of items: where each kind's item is read on the site. The
//! shared pages (the moderation queue, a report's page, a legal case, the `/items/{kind}/{id}`
//! link mails carry) make links from it and name no kind; a kind without an entry is shown
//! without a link.

use agora_core::items::refs::ItemRef;

/// Where an item sits, as the core describes it (`ItemSeen`, `ReportedItem`).
#[derive(Debug, Clone, Copy)]
#[expect(
    dead_code,
    reason = "a post's page needs its id only; a kind read inside a container (a message in its \
              conversation) needs the rest"
)]
pub(crate) struct Place {
    pub item: ItemRef,
    /// Its container (a topic, a conversation) and its number there.
    pub container: i64,
    pub position: i64,
}

/// One kind's part on the site.
pub(crate) struct ItemWeb {
    /// The kind's word, as references name it.
    pub kind: &'static str,
    /// The address of the item's page, for a reader who may read it.
    pub link: fn(Place) -> String,
}

/// A post is read at `/p/{id}`, which finds its page in its topic.
const POST: ItemWeb = ItemWeb {
    kind: "post",
    link: |p| format!("/p/{}", p.item.id),
};

/// Every kind with a page of its own.
const ITEMS: &[ItemWeb] = &[POST];

/// The address of the item at `place`, if its kind has a page.
pub(crate) fn link(place: Place) -> Option<String> {
    ITEMS
        .iter()
        .find(|w| w.kind == place.item.kind.as_str())
        .map(|w| (w.link)(place))
}
