//! Full-text search over what the viewer may read: the query as typed, the hits, and the
//! snippet highlighting that turns the store's markers into safe HTML.

use crate::error::Invalid;
use crate::forum::{Author, TopicFilter, TopicKind};
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
    filter: TopicFilter,
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
        let mut filter = TopicFilter::default();
        let mut words = String::with_capacity(raw.len());
        for token in raw.split_whitespace() {
            match operator(token)? {
                Some(Operator::Kind(kind)) => filter.kind = Some(kind),
                Some(Operator::Replied(replied)) => filter.replied = Some(replied),
                Some(Operator::Status(status)) => filter.status = Some(status),
                None => {
                    words.push_str(token);
                    words.push(' ');
                }
            }
        }
        let terms: Vec<String> = words
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
        Ok(Self { terms, filter })
    }

    /// What the `kind:` and `is:` operators narrowed the search to.
    pub fn filter(&self) -> &TopicFilter {
        &self.filter
    }

    /// The query as it can be typed again: its words, then its operators.
    pub fn canonical(&self) -> String {
        let mut parts = self.terms.clone();
        if let Some(kind) = self.filter.kind {
            parts.push(format!("kind:{}", kind.as_str()));
        }
        match self.filter.replied {
            Some(true) => parts.push("is:answered".into()),
            Some(false) => parts.push("is:unanswered".into()),
            None => {}
        }
        if let Some(status) = &self.filter.status {
            parts.push(format!("is:{status}"));
        }
        parts.join(" ")
    }

    /// The words, lowercase, letters and digits only.
    pub fn terms(&self) -> &[String] {
        &self.terms
    }
}

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

enum Operator {
    Kind(TopicKind),
    Replied(bool),
    Status(String),
}

/// `kind:question`, `is:unanswered` (no replies yet), `is:answered`, `is:solved`, `is:open`,
/// or any other `is:STATUS` a kind gives its topics; `None` for an ordinary word.
fn operator(token: &str) -> Result<Option<Operator>, Invalid> {
    let lower = token.to_lowercase();
    if let Some(name) = lower.strip_prefix("kind:") {
        return TopicKind::from_name(name)
            .map(|k| Some(Operator::Kind(k)))
            .ok_or_else(|| {
                Invalid::new(
                    "q",
                    "invalid_choice",
                    format!(
                        "kind:{name} is no kind of topic; try {}.",
                        crate::kinds::open_names("kind:")
                    ),
                )
            });
    }
    let Some(status) = lower.strip_prefix("is:") else {
        return Ok(None);
    };
    Ok(Some(match status {
        "unanswered" => Operator::Replied(false),
        "answered" => Operator::Replied(true),
        s if crate::forum::model::is_status_name(s) => Operator::Status(s.to_owned()),
        _ => {
            return Err(Invalid::new(
                "q",
                "invalid_choice",
                "After is: name a state, such as is:solved or is:unanswered.",
            ));
        }
    }))
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
    pub topic_kind: TopicKind,
    /// What the topic's kind says of it (`solved`…); empty for a discussion.
    pub topic_status: String,
    /// The post number and the opening words of the post the topic's kind shows under it (a
    /// question's best answer), when there is one and it is not deleted: the store gives the
    /// start of its indexed text (at most 400 characters), the core cuts it to 240 at a word.
    pub featured: Option<(i64, String)>,
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
    fn operators_narrow_and_are_not_searched_for() {
        let q = SearchQuery::parse("battery IS:Solved kind:question")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(q.terms(), ["battery"]);
        assert_eq!(q.filter().status.as_deref(), Some("solved"));
        assert_eq!(q.filter().kind, Some(TopicKind::Question));
        assert_eq!(q.canonical(), "battery kind:question is:solved");
        let q = SearchQuery::parse("is:unanswered range").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(q.filter().replied, Some(false));
        assert!(
            SearchQuery::parse("is:solved").is_err(),
            "a word is still needed"
        );
        assert!(SearchQuery::parse("kind:spaceship x").is_err());
        assert!(SearchQuery::parse("is:'; x").is_err());
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
            let mut hits = self
                .store
                .search(&query, &scope(viewer, Need::Read), limit, offset)
                .await?;
            // The featured post (a best answer) comes as the opening words the search index
            // holds of it, rendered when it was written: a search renders nothing.
            for hit in &mut hits {
                if let Some((_, text)) = &mut hit.featured {
                    *text = super::excerpt(text, 240);
                }
            }
            Ok(hits)
        }
    }
}

pub use use_case::SearchError;
