//! The registry of item links: for each kind of item (`agora_core::items::refs::SOURCES`), the
//! page that shows one, made from what the item's kind said of it (`ItemSeen`). The services
//! on any item (bookmarks, who reacted) link their items through it and name no kind; a new
//! kind adds one line.

use agora_core::items::refs::{ItemKind, ItemSeen};

/// A kind of item and the address of its page for one item.
type Link = (ItemKind, fn(&ItemSeen) -> String);

/// Every kind of item with a page, one line each.
const LINKS: &[Link] = &[(agora_core::forum::items::POST, |seen| {
    // The permalink leads to the post's page of its topic, at the post.
    format!("/p/{}", seen.item.id)
})];

/// The address of the page that shows `seen`; the home page for a kind without one.
pub(crate) fn link(seen: &ItemSeen) -> String {
    LINKS
        .iter()
        .find(|(kind, _)| *kind == seen.item.kind)
        .map_or_else(|| "/".to_owned(), |(_, to)| to(seen))
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
