//! The registry of item links: for each kind of item (`agora_core::items::refs::SOURCES`), the
//! page that shows one, made from what the item's kind said of it (`ItemSeen`). The services
//! on any item (bookmarks, who reacted) link their items through it and name no kind; a new
//! kind adds one line.

use agora_core::items::refs::{ItemKind, ItemRef, ItemSeen};

/// A kind of item and the address of its page for one item, from the item's id, its
/// container and its number there.
type Link = (ItemKind, fn(i64, i64, i64) -> String);

/// Every kind of item with a page, one line each.
const LINKS: &[Link] = &[
    // The permalink leads to the post's page of its topic, at the post.
    (agora_core::forum::items::POST, |id, _, _| {
        format!("/p/{id}")
    }),
    (agora_core::messages::MESSAGE, crate::api::messages::link),
];

/// The address of the page that shows `seen`; the home page for a kind without one.
pub(crate) fn link(seen: &ItemSeen) -> String {
    link_to(seen.item, seen.container, seen.position)
}

/// The address of the page that shows `item`, which sits at `position` in `container`.
pub(crate) fn link_to(item: ItemRef, container: i64, position: i64) -> String {
    lookup(item, container, position).unwrap_or_else(|| "/".to_owned())
}

/// The address of the page that shows `item`, if its kind has one.
pub(crate) fn lookup(item: ItemRef, container: i64, position: i64) -> Option<String> {
    LINKS
        .iter()
        .find(|(kind, _)| *kind == item.kind)
        .map(|(_, to)| to(item.id, container, position))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_kind_of_item_has_a_page() {
        for source in agora_core::items::refs::SOURCES {
            assert!(
                super::LINKS.iter().any(|(kind, _)| *kind == source.kind()),
                "no link for items of kind {}",
                source.kind()
            );
        }
    }
}
