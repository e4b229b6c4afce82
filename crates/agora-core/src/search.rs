//! Full-text search over what the viewer may read: the query as typed, the hits, and the
//! snippet highlighting that turns the store's markers into safe HTML.

use crate::error::Invalid;
use crate::forum::Author;
use crate::ids::{PostId, TopicId};
use crate::time::Timestamp;

/// Marks the start of a matched term in a raw snippet from the store.
pub const MATCH_START: char = '\u{2}';
/// Marks the end of a matched term in a raw snippet from the store.
pub const MATCH_END: char = '\u{3}';

/// A parsed search: the words to find, at most eight, each at most 64 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    terms: Vec<String>,
}

impl SearchQuery {
    /// Longest query accepted, in characters.
    pub const MAX_LEN: usize = 200;

    /// Splits what the viewer typed into words; punctuation and operators are dropped, so no
    /// input can reach the database's query syntax.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        if raw.chars().count() > Self::MAX_LEN {
            return Err(Invalid::new(
                "q",
                "too_long",
                format!("A search may be at most {} characters long.", Self::MAX_LEN),
            ));
        }
        let terms: Vec<String> = raw
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| w.chars().take(64).collect::<String>().to_lowercase())
            .take(8)
            .collect();
        if terms.is_empty() {
            return Err(Invalid::new(
                "q",
                "required",
                "Type at least one word to search for.",
            ));
        }
        Ok(Self { terms })
    }

    /// The words, lowercase, letters and digits only.
    pub fn terms(&self) -> &[String] {
        &self.terms
    }
}

/// One post that matched, as a result list shows it.
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
    fn queries_keep_only_words() {
        let q = SearchQuery::parse("Battery \"range\" OR NEAR(winter*) -- ;").map(|q| q.terms);
        assert_eq!(
            q,
            Ok(vec![
                "battery".into(),
                "range".into(),
                "or".into(),
                "near".into(),
                "winter".into()
            ])
        );
        assert!(SearchQuery::parse(" *** ").is_err());
        assert!(SearchQuery::parse(&"a".repeat(201)).is_err());
    }

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
    use super::{SearchHit, SearchQuery};
    use crate::agora::Agora;
    use crate::error::{Invalid, StoreError};
    use crate::groups::policy::{Need, scope};
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
        /// Searches topics and replies in every group the viewer may read, best match first.
        pub async fn search(
            &self,
            viewer: &Viewer,
            raw_query: &str,
            limit: u32,
            offset: u32,
        ) -> Result<Vec<SearchHit>, SearchError> {
            let query = SearchQuery::parse(raw_query)?;
            if offset > 1_000 {
                return Err(Invalid::new(
                    "offset",
                    "out_of_range",
                    "Search results go at most 1,000 deep; refine the query instead.",
                )
                .into());
            }
            Ok(self
                .store
                .search(&query, &scope(viewer, Need::Read), limit, offset)
                .await?)
        }
    }
}

pub use use_case::SearchError;
