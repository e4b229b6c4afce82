//! Topics as the API shows them: who wrote something, a topic in a list, a page of topics and
//! a topic with a page of its posts.

use serde::Serialize;
use utoipa::ToSchema;

use agora_core::forum::{Author, Topic};

use super::{CapabilitiesResponse, PostResponse};

/// Who wrote something.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorResponse {
    pub username: String,
    pub display_name: String,
    /// The member, for what the server fills in per viewer (not shown).
    #[serde(skip)]
    pub(crate) id: agora_core::MemberId,
}

impl From<&Author> for AuthorResponse {
    fn from(a: &Author) -> Self {
        Self {
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            id: a.id,
        }
    }
}

/// A topic in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicSummary {
    pub id: i64,
    pub title: String,
    pub slug: String,
    /// `discussion`, `question` or `idea`.
    pub kind: &'static str,
    /// What its kind says of it: a question is `open` or `solved`; empty for a discussion.
    pub status: String,
    /// The post shown under it (a question's best answer), if any.
    pub featured_post_id: Option<i64>,
    pub group: String,
    pub author: AuthorResponse,
    pub tags: Vec<String>,
    pub pinned: bool,
    pub locked: bool,
    pub deleted: bool,
    pub reply_count: i64,
    pub created_at: String,
    pub last_activity_at: String,
    /// The topic's page on the site.
    pub url: String,
}

impl TopicSummary {
    pub fn new(t: &Topic, group_slug: &str) -> Self {
        Self {
            id: t.id.0,
            title: t.title.clone(),
            slug: t.slug.clone(),
            kind: t.kind.as_str(),
            status: t.status.clone(),
            featured_post_id: t.featured_post.map(|p| p.0),
            group: group_slug.to_owned(),
            author: (&t.author).into(),
            tags: t.tags.clone(),
            pinned: t.pinned,
            locked: t.locked,
            deleted: t.deleted,
            reply_count: t.reply_count,
            created_at: t.created_at.to_rfc3339(),
            last_activity_at: t.last_activity_at.to_rfc3339(),
            url: format!("/t/{}/{}", t.id.0, t.slug),
        }
    }
}

/// A page of a group's topics.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicListResponse {
    /// Pinned topics, on the first page only.
    pub pinned: Vec<TopicSummary>,
    pub topics: Vec<TopicSummary>,
    pub next_cursor: Option<String>,
}

/// A topic with one page of posts.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicResponse {
    #[serde(flatten)]
    pub topic: TopicSummary,
    pub posts: Vec<PostResponse>,
    /// Pass as `from` for the next page of posts; null on the last.
    pub next_from: Option<i64>,
    pub can_reply: bool,
    pub can_moderate: bool,
    /// What the viewer may do with the topic as a whole.
    pub capabilities: CapabilitiesResponse,
}
