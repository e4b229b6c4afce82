//! Search results as the API shows them: topics found by their best-matching post, and items
//! found beyond the forum.

use serde::Serialize;
use utoipa::ToSchema;

use agora_core::search::{SearchHit, snippet_html};

use super::AuthorResponse;

/// One search result: a topic, shown by its best-matching post.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHitResponse {
    pub topic_id: i64,
    pub topic_title: String,
    pub post_id: i64,
    pub post_number: i64,
    pub group: String,
    pub group_name: String,
    pub author: AuthorResponse,
    /// Escaped text with matches in `<mark>`.
    pub snippet_html: String,
    pub created_at: String,
    pub url: String,
    /// `discussion`, `question` or `idea`.
    pub topic_kind: &'static str,
    /// What the topic's kind says of it (`open`, `solved`); empty for a discussion.
    pub topic_status: String,
    /// The post shown under the topic (a question's best answer), if any.
    pub featured: Option<FeaturedResponse>,
    /// How many other posts of the topic matched (0 for a search of operators alone).
    pub more_matches: u32,
    /// You ignore its author: a client shows it collapsed, as the site does.
    pub author_ignored: bool,
}

/// The post a topic's kind shows under it in results (a question's best answer).
#[derive(Debug, Serialize, ToSchema)]
pub struct FeaturedResponse {
    pub post_number: i64,
    /// Its opening words, plain text.
    pub excerpt: String,
    pub url: String,
}

impl From<&SearchHit> for SearchHitResponse {
    fn from(h: &SearchHit) -> Self {
        Self {
            topic_id: h.topic_id.0,
            topic_title: h.topic_title.clone(),
            post_id: h.post_id.0,
            post_number: h.post_number,
            group: h.group_slug.clone(),
            group_name: h.group_name.clone(),
            author: (&h.author).into(),
            snippet_html: snippet_html(&h.snippet),
            created_at: h.created_at.to_rfc3339(),
            url: format!(
                "/t/{}/{}#post-{}",
                h.topic_id.0, h.topic_slug, h.post_number
            ),
            topic_kind: h.topic_kind.as_str(),
            topic_status: h.topic_status.clone(),
            featured: h
                .featured
                .as_ref()
                .map(|(number, excerpt)| FeaturedResponse {
                    post_number: *number,
                    excerpt: excerpt.clone(),
                    url: format!("/t/{}/{}#post-{number}", h.topic_id.0, h.topic_slug),
                }),
            more_matches: h.more_matches,
            author_ignored: false,
        }
    }
}

/// Search results: one per topic.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    pub results: Vec<SearchHitResponse>,
    /// Pass as `offset` for more; null when there are no more.
    pub next_offset: Option<u32>,
    /// The topics found in all (an offset past them gives an empty page and this total).
    pub total: u32,
    /// Whether `total` is exact; when false there are at least that many (a very common
    /// word's oldest matches, or more than 1,000 topics for operators alone, are not counted).
    pub total_exact: bool,
    /// What the words find beyond the forum in the viewer's own audiences (their private
    /// messages), newest first: on the first page only, and only for a signed-in viewer.
    pub items: Vec<ItemHitResponse>,
}

/// An item found beyond the forum.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemHitResponse {
    /// Its kind (`message`).
    pub kind: String,
    pub id: i64,
    /// What it belongs to (a conversation's subject).
    pub title: String,
    /// The matched words marked with `<mark>`, escaped.
    pub snippet_html: String,
    pub author: String,
    pub created_at: String,
    /// Where to read it on the site.
    pub url: String,
    /// You ignore its author: a client shows it collapsed, as the site does.
    pub author_ignored: bool,
}

impl From<&agora_core::search::items::ItemHit> for ItemHitResponse {
    fn from(h: &agora_core::search::items::ItemHit) -> Self {
        Self {
            kind: h.item.kind.as_str().into(),
            id: h.item.id,
            title: h.title.clone(),
            snippet_html: agora_core::search::snippet_html(&h.snippet),
            author: h.author.clone(),
            created_at: h.created_at.to_rfc3339(),
            url: crate::item_links::link_to(h.item, h.container, h.position),
            author_ignored: false,
        }
    }
}
