//! The registry of kinds on the web: each kind's web modules declare, as one `KindWeb`, their
//! API routes (with their OpenAPI description), their pages, what they add to a topic page of
//! their kind, their lists in a group's navigation and the messages of their refusals. The
//! router, the topic page, the group page and the error messages read [`KINDS`]; none of them
//! names a kind.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use agora_core::forum::{TopicKind, TopicView};
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
    pub kind: TopicKind,
    /// Its API routes, with their OpenAPI description and tag.
    pub api: fn() -> OpenApiRouter<AppState>,
    /// Its pages.
    pub pages: fn() -> Router<AppState>,
    /// What it adds to the page of a topic of its kind.
    pub part: for<'a> fn(&'a AppState, &'a Page, &'a TopicView) -> PartFuture<'a>,
    /// Its lists in a group's navigation: (the path after `/g/{slug}/`, the label).
    pub group_lists: &'static [(&'static str, &'static str)],
    /// The messages of its own refusal codes (`vote_budget`).
    pub forbidden: &'static [(&'static str, &'static str)],
    /// Its styles, served after the shared stylesheet's.
    pub css: &'static str,
}

/// Every kind with web modules; the same kinds as `agora_core::kinds::KINDS`.
pub(crate) const KINDS: &[KindWeb] = &[crate::pages::questions::WEB, crate::pages::ideas::WEB];

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
    match KINDS.iter().find(|k| k.kind == view.topic.kind) {
        Some(k) => (k.part)(state, page, view).await,
        None => Ok(TopicPart::default()),
    }
}

/// The message of a kind's refusal `code`, if a kind has it.
pub(crate) fn forbidden_message(code: &str) -> Option<&'static str> {
    KINDS
        .iter()
        .flat_map(|k| k.forbidden.iter())
        .chain(ITEM_FORBIDDEN.iter().flat_map(|f| f.iter()))
        .find(|(c, _)| *c == code)
        .map(|(_, m)| *m)
}

/// The messages of the refusal codes of kinds that are not topics, one line per kind.
pub(crate) const ITEM_FORBIDDEN: &[&[(&str, &str)]] = &[crate::api::messages::FORBIDDEN];

#[cfg(test)]
mod tests {
    #[test]
    fn the_web_and_the_core_know_the_same_kinds() {
        let web: Vec<_> = super::KINDS.iter().map(|k| k.kind).collect();
        let core: Vec<_> = agora_core::kinds::KINDS.iter().map(|k| k.kind).collect();
        assert_eq!(web, core);
    }
}
