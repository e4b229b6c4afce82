//! Search beyond the forum: a kind whose items are not topics (private messages now) declares a
//! [`SearchSource`] in its own folder as its `Kind::search` ([`crate::kinds`]); the search service asks
//! each source for what the viewer's words find in the viewer's own audiences, and every hit is
//! checked again through the kind's item rule ([`Agora::seen_item`]) before it is shown, so a
//! source that returned too much still shows nothing the viewer may not read.

use async_trait::async_trait;

use crate::agora::Agora;
use crate::error::StoreError;
use crate::items::refs::ItemRef;
use crate::time::Timestamp;
use crate::viewer::Viewer;

/// One item found, as a result list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemHit {
    pub item: ItemRef,
    /// What it belongs to: a conversation's subject.
    pub title: String,
    /// Raw text with [`super::MATCH_START`]/[`super::MATCH_END`] around the matches.
    pub snippet: String,
    pub author: String,
    pub author_id: crate::ids::MemberId,
    pub created_at: Timestamp,
    /// Its container (a conversation) and its number there, for the web's link.
    pub container: i64,
    pub position: i64,
}

/// What a kind declares to be found by search.
#[async_trait]
pub trait SearchSource: Send + Sync {
    /// Up to `limit` of the viewer's items holding every one of `terms`, newest first.
    async fn search(
        &self,
        agora: &Agora,
        viewer: &Viewer,
        terms: &[String],
        limit: u32,
    ) -> Result<Vec<ItemHit>, StoreError>;
}

/// `text` cut to about `max` characters around the first of `terms` found in it, with the
/// matches of every term marked.
pub fn mark(text: &str, terms: &[String], max: usize) -> String {
    let text = super::excerpt(text, usize::MAX);
    let lower = text.to_lowercase();
    // Lowercasing may change byte lengths (rarely): mark only when it did not.
    if lower.len() != text.len() {
        return super::excerpt(&text, max);
    }
    let first = terms
        .iter()
        .filter_map(|t| lower.find(&t.to_lowercase()))
        .min()
        .unwrap_or(0);
    let start = text[..first]
        .char_indices()
        .rev()
        .nth(max / 3)
        .map_or(0, |(i, _)| i);
    let window: String = text[start..].chars().take(max).collect();
    let lower_window = window.to_lowercase();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for t in terms {
        let t = t.to_lowercase();
        if t.is_empty() {
            continue;
        }
        let mut from = 0;
        while let Some(i) = lower_window[from..].find(&t) {
            spans.push((from + i, from + i + t.len()));
            from += i + t.len();
        }
    }
    spans.sort_unstable();
    let mut out = String::with_capacity(window.len() + 8);
    if start > 0 {
        out.push('…');
    }
    let mut at = 0;
    for (s, e) in spans {
        if s < at || !window.is_char_boundary(s) || !window.is_char_boundary(e) {
            continue;
        }
        out.push_str(&window[at..s]);
        out.push(super::MATCH_START);
        out.push_str(&window[s..e]);
        out.push(super::MATCH_END);
        at = e;
    }
    out.push_str(&window[at..]);
    out
}

impl Agora {
    /// What the viewer's words find beyond the forum (their private messages), newest first,
    /// each hit shown only if the viewer may read it.
    pub async fn search_items(
        &self,
        viewer: &Viewer,
        raw_query: &str,
        limit: u32,
    ) -> Result<Vec<ItemHit>, super::SearchError> {
        // What the forum's search refuses it answers itself; here it finds nothing.
        let Ok(query) = super::SearchQuery::parse(raw_query) else {
            return Ok(Vec::new());
        };
        if query.terms().is_empty() || viewer.id().is_none() {
            return Ok(Vec::new());
        }
        let mut hits = Vec::new();
        for source in self.kinds.iter().filter_map(|k| k.search) {
            for hit in source.search(self, viewer, query.terms(), limit).await? {
                if self.seen_item(viewer, hit.item).await.is_ok() {
                    hits.push(hit);
                }
            }
        }
        hits.sort_by_key(|h| std::cmp::Reverse(h.created_at));
        hits.truncate(limit as usize);
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_are_marked_in_a_window_around_the_first() {
        let terms = vec!["pump".to_owned()];
        let s = mark("I will bring the pump and the Pump bag", &terms, 200);
        assert_eq!(
            s,
            "I will bring the \u{2}pump\u{3} and the \u{2}Pump\u{3} bag"
        );
        let long = format!("{} pump", "word ".repeat(200));
        let s = mark(&long, &terms, 60);
        assert!(s.starts_with('…') && s.contains("\u{2}pump\u{3}"), "{s}");
    }
}
