//! Full-text search over what the viewer may read: the query as typed, the topics found, and
//! the snippet highlighting that turns the store's markers into safe HTML.

pub mod items;
mod query;

pub use query::{SearchControls, SearchQuery, states};

use crate::forum::{Author, TopicKind};
use crate::ids::{PostId, TopicId};
use crate::time::Timestamp;

/// Marks the start of a matched term in a raw snippet from the store.
pub const MATCH_START: char = '\u{2}';
/// Marks the end of a matched term in a raw snippet from the store.
pub const MATCH_END: char = '\u{3}';

/// The first `max` characters of `text`, cut at a word, with an ellipsis when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

/// How deep a search pages: at most this many topics are skipped.
pub const MAX_OFFSET: u32 = 1_000;

/// One page of a search: the topics found, each once, and how many there are.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    /// The topics found in all: exactly, or at least this many when not [`Self::exact`].
    pub total: u32,
    /// Whether [`Self::total`] is the exact count. A search of a very common word ranks only
    /// its newest matches (see the store), and a search of operators alone counts at most
    /// [`MAX_OFFSET`] and a page; past those the total is a lower bound.
    pub exact: bool,
}

/// One topic that matched, as a result list shows it: its best-matching post (for a search of
/// operators alone, its opening post) and how many more of its posts matched.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub topic_id: TopicId,
    pub topic_title: String,
    pub topic_slug: String,
    pub post_id: PostId,
    pub post_number: i64,
    pub group_slug: String,
    pub group_name: String,
    pub author: Author,
    /// Raw text with [`MATCH_START`]/[`MATCH_END`] around matches; render with [`snippet_html`].
    pub snippet: String,
    pub created_at: Timestamp,
    pub topic_kind: TopicKind,
    /// What the topic's kind says of it (`solved`…); empty for a discussion.
    pub topic_status: String,
    /// The post number and the opening words of the post the topic's kind shows under it (a
    /// question's best answer), when there is one and it is not deleted: the store gives the
    /// start of its indexed text (at most 400 characters), the core cuts it to 240 at a word.
    pub featured: Option<(i64, String)>,
    /// How many other posts of the topic matched (none for a search of operators alone).
    pub more_matches: u32,
}

/// Escapes a raw snippet for HTML and turns the match markers into `<mark>` elements.
pub fn snippet_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 16);
    let mut open = false;
    for c in raw.chars() {
        match c {
            MATCH_START if !open => {
                out.push_str("<mark>");
                open = true;
            }
            MATCH_END if open => {
                out.push_str("</mark>");
                open = false;
            }
            MATCH_START | MATCH_END => {}
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    if open {
        out.push_str("</mark>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_escaped_and_marked() {
        let raw = format!("a <script> {MATCH_START}range{MATCH_END} & \"x\"");
        assert_eq!(
            snippet_html(&raw),
            "a &lt;script&gt; <mark>range</mark> &amp; &quot;x&quot;"
        );
        assert_eq!(snippet_html(&format!("{MATCH_START}x")), "<mark>x</mark>");
    }
}

mod use_case {
    use super::{MAX_OFFSET, SearchControls, SearchQuery, SearchResults};
    use crate::agora::Agora;
    use crate::error::{Invalid, StoreError};
    use crate::groups::policy::Need;
    use crate::viewer::Viewer;

    /// Why a search failed.
    #[derive(Debug, thiserror::Error)]
    pub enum SearchError {
        #[error(transparent)]
        Invalid(#[from] Invalid),
        #[error(transparent)]
        Store(#[from] StoreError),
    }

    impl Agora {
        /// Searches topics and replies in every group the viewer may read, one result per
        /// topic, best match first; a search of operators alone lists the topics they narrow
        /// to, newest first. `offset` counts topics.
        pub async fn search(
            &self,
            viewer: &Viewer,
            raw_query: &str,
            controls: &SearchControls,
            limit: u32,
            offset: u32,
        ) -> Result<SearchResults, SearchError> {
            let query = SearchQuery::parse_with(raw_query, controls)?;
            if offset > MAX_OFFSET {
                return Err(Invalid::new(
                    "offset",
                    "out_of_range",
                    "Search results go at most 1,000 deep; refine the query instead.",
                )
                .into());
            }
            let mut results = self
                .store
                .search(
                    &query,
                    &crate::audience::audience_scope(viewer, Need::Read),
                    limit,
                    offset,
                )
                .await?;
            // The featured post (a best answer) comes as the opening words the search index
            // holds of it, rendered when it was written: a search renders nothing. So does
            // the opening post a search of operators alone shows.
            for hit in &mut results.hits {
                if let Some((_, text)) = &mut hit.featured {
                    *text = super::excerpt(text, 240);
                }
                if query.terms().is_empty() {
                    hit.snippet = super::excerpt(&hit.snippet, 240);
                }
            }
            Ok(results)
        }
    }
}

pub use use_case::SearchError;
