//! Item links: for each kind of item, the page that shows one (a post's, or the one its kind
//! declares as `KindWeb::item_page`), made from what the item's kind said of it (`ItemSeen`).
//! The services on any item (bookmarks, who reacted) link their items through it and name no
//! kind.

use agora_core::items::refs::{ItemKind, ItemRef, ItemSeen};

/// A kind of item and the address of its page for one item, from the item's id, its
/// container and its number there.
type Link = (ItemKind, fn(i64, i64, i64) -> String);

/// A post's permalink, which leads to the post's page of its topic, at the post.
const POST: Link = (agora_core::forum::items::POST, |id, _, _| {
    format!("/p/{id}")
});

/// Every kind of item with a page.
fn links() -> impl Iterator<Item = Link> {
    let kinds = crate::kinds::KINDS
        .iter()
        .filter_map(|k| k.item_page.as_ref());
    std::iter::once(POST).chain(kinds.map(|p| (p.kind, p.link)))
}

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
    links()
        .find(|(kind, _)| *kind == item.kind)
        .map(|(_, to)| to(item.id, container, position))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_kind_of_item_has_a_page() {
        let items = agora_core::kinds::ALL.iter().filter_map(|k| k.items);
        for kind in items.map(|i| i.kind()) {
            assert!(
                super::links().any(|(k, _)| k == kind),
                "no link for items of kind {kind}"
            );
        }
    }
}
