//! The registry of kinds on the web: each kind's web modules live in a folder here (its API
//! and its pages) and declare, as one `KindWeb`, their API routes (with their OpenAPI
//! description), their pages, what they add to a topic page of their kind, their lists in a
//! group's navigation, the page of one of their items, their link in the site's header, their
//! action on a member's profile, the messages of their refusals and their styles. A kind is
//! registered with one line in [`kinds!`]; the router, the topic page, the group page, the
//! header, the profile and the error messages read [`KINDS`], and none of them names a kind.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use agora_core::forum::{TopicKind, TopicView};
use agora_core::items::refs::ItemKind;
use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::error::ApiError;
use crate::pages::Page;
use crate::state::AppState;

/// What a kind's part of a topic page takes to load.
pub(crate) type PartFuture<'a> =
    Pin<Box<dyn Future<Output = Result<TopicPart, ApiError>> + Send + 'a>>;

/// One kind on the web.
pub(crate) struct KindWeb {
    /// Its name, as the core's registry says it (`agora_core::kinds::Kind::name`, the word its
    /// store's header count is keyed by); a test checks that the web and the core list the same
    /// kinds.
    pub name: &'static str,
    /// Its API routes, with their OpenAPI description and tag.
    pub api: fn() -> OpenApiRouter<AppState>,
    /// Its pages.
    pub pages: fn() -> Router<AppState>,
    /// For a kind of topic: what it adds to a topic's page and to a group's navigation.
    pub topic: Option<TopicWeb>,
    /// For a kind whose items are not posts: where one is shown and found.
    pub item_page: Option<ItemPage>,
    /// Its link in the site's header, for members.
    pub nav: Option<Nav>,
    /// Its action on another member's profile: (the label, the address from the username).
    pub profile_action: Option<ProfileAction>,
    /// The messages of its own refusal codes (`vote_budget`).
    pub forbidden: &'static [(&'static str, &'static str)],
    /// Its styles, served after the shared stylesheet's.
    pub css: &'static str,
}

/// Where an item of a kind that is not a post is shown and found.
pub(crate) struct ItemPage {
    pub kind: ItemKind,
    /// The address of the page that shows one, from the item's id, its container and its
    /// number there.
    pub link: fn(i64, i64, i64) -> String,
    /// The heading of its hits on the search page ("In your messages").
    pub found_in: &'static str,
}

/// A kind's action on another member's profile: (the label, the address from the username).
pub(crate) type ProfileAction = (&'static str, fn(&str) -> String);

/// What a kind of topic adds to the pages of topics and groups.
pub(crate) struct TopicWeb {
    pub kind: TopicKind,
    /// What it adds to the page of a topic of its kind.
    pub part: for<'a> fn(&'a AppState, &'a Page, &'a TopicView) -> PartFuture<'a>,
    /// Its lists in a group's navigation: (the path after `/g/{slug}/`, the label).
    pub group_lists: &'static [(&'static str, &'static str)],
}

/// A kind's link in the site's header. The count a member has waiting there (unread
/// conversations) is the one the kind's store declares (`header_count` in agora-store's
/// `kinds/`), read with the session in the page's first query; 0 shows none.
pub(crate) struct Nav {
    pub label: &'static str,
    pub href: &'static str,
    /// The layout's section that marks it as the current page.
    pub section: &'static str,
}

/// Declares the kinds on the web: for each, its folder (`mod`) and its entry in [`KINDS`] (the
/// folder's `WEB`). One line per kind.
macro_rules! kinds {
    ($($kind:ident,)*) => {
        $(pub(crate) mod $kind;)*

        /// Every kind with web modules; the same kinds as `agora_core::kinds::ALL`.
        pub(crate) const KINDS: &[KindWeb] = &[$($kind::WEB),*];
    };
}

kinds! {
    questions,
    ideas,
    messages,
}

/// Every kind of topic on the web.
pub(crate) fn topic_kinds() -> impl Iterator<Item = &'static TopicWeb> {
    KINDS.iter().filter_map(|k| k.topic.as_ref())
}

/// What a kind adds to a topic's page, as HTML its own templates rendered (escaped there).
#[derive(Debug, Default)]
pub(crate) struct TopicPart {
    /// Leads the viewer elsewhere instead (a merged idea to its original).
    pub redirect: Option<String>,
    /// Beside a post's author, by post id (an accepted answer's badge).
    pub post_marks: HashMap<i64, String>,
    /// Among a post's actions, by post id (the accept buttons).
    pub post_actions: HashMap<i64, String>,
    /// Under the opening post (an idea's votes and status; a question's best answer).
    pub below_opening: String,
    /// The topic's badge in the page's head, when the site words it (an idea's status, as
    /// its board and the lists say it); otherwise the kind's own badge.
    pub badge: Option<String>,
}

/// The part of a topic page that the topic's kind adds; empty for a discussion.
pub(crate) async fn topic_part(
    state: &AppState,
    page: &Page,
    view: &TopicView,
) -> Result<TopicPart, ApiError> {
    match topic_kinds().find(|k| k.kind == view.topic.kind) {
        Some(k) => (k.part)(state, page, view).await,
        None => Ok(TopicPart::default()),
    }
}

/// The message of a kind's refusal `code`, if a kind has it.
pub(crate) fn forbidden_message(code: &str) -> Option<&'static str> {
    KINDS
        .iter()
        .flat_map(|k| k.forbidden.iter())
        .find(|(c, _)| *c == code)
        .map(|(_, m)| *m)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_web_and_the_core_know_the_same_kinds() {
        let web: Vec<_> = super::KINDS.iter().map(|k| k.name).collect();
        let core: Vec<_> = agora_core::kinds::ALL.iter().map(|k| k.name).collect();
        assert_eq!(web, core);
        let web: Vec<_> = super::topic_kinds().map(|k| k.kind).collect();
        let core: Vec<_> = agora_core::kinds::topic_kinds().map(|k| k.kind).collect();
        assert_eq!(web, core);
    }
}
