//! Posts as the API shows them: a post with what the viewer may do with it (the item rule's
//! capabilities) and an earlier version of one.

use serde::Serialize;
use utoipa::ToSchema;

use agora_core::forum::{Post, Revision};
use agora_core::items::{Capabilities, ItemState, Shown};

use super::AuthorResponse;

/// What the viewer may do with a post or topic, decided by the one item rule in the core:
/// show a button exactly when its field is true.
#[derive(Debug, Serialize, ToSchema)]
pub struct CapabilitiesResponse {
    /// Read its body (a deleted post's placeholder is shown to everyone who reads the topic).
    pub read: bool,
    pub reply: bool,
    pub edit: bool,
    pub delete: bool,
    /// Undelete, or approve a held post (moderators).
    pub restore: bool,
    pub flag: bool,
    pub moderate: bool,
    /// React to it (whoever reads it, but not its author).
    pub react: bool,
    /// Each kind's own actions by name, beside the shared ones: `accept` (accept it as an
    /// answer: the asker, the group's moderators, site staff) and `vote` (vote for an idea:
    /// members of its group).
    #[serde(flatten)]
    #[schema(additional_properties)]
    pub kinds: std::collections::BTreeMap<&'static str, bool>,
}

impl From<&Capabilities> for CapabilitiesResponse {
    fn from(c: &Capabilities) -> Self {
        Self {
            read: c.read,
            reply: c.reply,
            edit: c.edit,
            delete: c.delete,
            restore: c.restore,
            flag: c.flag,
            moderate: c.moderate,
            react: c.react,
            kinds: c.kinds.each().collect(),
        }
    }
}

/// A post.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostResponse {
    pub id: i64,
    pub topic_id: i64,
    /// 1 for the topic's opening post.
    pub number: i64,
    pub author: AuthorResponse,
    /// Empty for a deleted post, except to moderators.
    pub body_markdown: String,
    /// Sanitised HTML.
    pub body_html: String,
    pub created_at: String,
    pub edited_at: Option<String>,
    pub revision_count: i64,
    /// Whether it was deleted (by its author or a moderator); a held or hidden post is not
    /// deleted, it waits for a moderator (`state`).
    pub deleted: bool,
    /// `published`; `held` (held by the system until a moderator approves it); `hidden`
    /// (hidden after members flagged it, until a moderator decides); or `deleted`. A held or
    /// hidden post is read only by moderators and its author.
    #[schema(value_type = String)]
    pub state: ItemState,
    /// What the viewer may do with this post.
    pub capabilities: CapabilitiesResponse,
    /// Its reactions, per emoji (the site's set in its order), with the viewer's own marked:
    /// in a topic's posts and `GET /posts/{id}`; empty in the answers to writes (a new post
    /// has none; read it again, or `GET /items/post/{id}/reactions`, after an edit).
    pub reactions: Vec<crate::api::reactions::ReactionCountResponse>,
    /// The caller ignores its author: a client shows it collapsed, as the site does (filled
    /// where the reactions are).
    pub author_ignored: bool,
}

impl From<&Shown<Post>> for PostResponse {
    fn from(shown: &Shown<Post>) -> Self {
        let p = &shown.item;
        Self {
            id: p.id.0,
            topic_id: p.topic_id.0,
            number: p.number,
            author: (&p.author).into(),
            body_markdown: p.body_markdown.clone(),
            body_html: p.body_html.clone(),
            created_at: p.created_at.to_rfc3339(),
            edited_at: p.edited_at.map(|t| t.to_rfc3339()),
            revision_count: p.revision_count,
            deleted: p.state() == ItemState::Deleted,
            state: p.state(),
            capabilities: (&shown.can).into(),
            reactions: Vec::new(),
            author_ignored: false,
        }
    }
}

/// An earlier version of a post.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionResponse {
    pub number: i64,
    /// The topic's title at the time, for an opening post (null when withheld).
    pub title: Option<String>,
    /// The text of the version; null when withheld (`redacted` and the caller does not
    /// moderate the group).
    pub body_markdown: Option<String>,
    /// A moderator's edit of someone else's post replaced this version or a later one: only
    /// the group's moderators and site staff read its text.
    pub redacted: bool,
    /// Who replaced this version.
    pub replaced_by: AuthorResponse,
    pub replaced_at: String,
}

impl From<&Revision> for RevisionResponse {
    fn from(r: &Revision) -> Self {
        Self {
            number: r.number,
            title: r.title.clone(),
            body_markdown: (!r.withheld).then(|| r.body_markdown.clone()),
            redacted: r.redacted,
            replaced_by: (&r.editor).into(),
            replaced_at: r.replaced_at.to_rfc3339(),
        }
    }
}
