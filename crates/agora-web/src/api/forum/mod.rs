//! Topics and posts: list, open, read, reply, edit with history, delete and restore, pin
//! and lock.
//! The bodies and answers they share here; a group's topics and one topic in `topics.rs`, a
//! topic's posts in `posts.rs`.

mod posts;
mod topics;

// `routes!` names each handler's path item (`__path_…`) beside the handler.
pub use posts::{
    __path_delete_post, __path_edit_post, __path_reply, __path_restore_post, __path_revisions,
    __path_show_post, delete_post, edit_post, reply, restore_post, revisions, show_post,
};
pub use topics::{
    __path_create, __path_list, __path_show, __path_update, create, list, show, update,
};

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use agora_core::forum::TopicView;
use agora_core::{PostId, TopicId};

use crate::api::dto::{PostResponse, TopicResponse, TopicSummary};
use crate::error::ErrorDetail;

/// Paging and order of a topic list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TopicListQuery {
    /// `latest` (default: most recent activity first), `replies` (most replies first), `top`
    /// (most replies written in `period` first; pinned topics ranked among the rest) or
    /// `unanswered` (topics no one but their author replied to, newest first).
    pub sort: Option<String>,
    /// With `sort=top`: `day`, `week` (default), `month`, `year` or `all` (the last 24 hours,
    /// 7, 30 or 365 days, or ever). Ignored by the other orders.
    pub period: Option<String>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1–100, default 30.
    pub limit: Option<u32>,
    /// Only topics of this kind (`discussion`, `question`).
    pub kind: Option<String>,
    /// Only topics with this status (a question: `open` or `solved`).
    pub status: Option<String>,
    /// Only topics with replies (`true`) or without (`false`).
    pub replied: Option<bool>,
}

/// Which posts of a topic to show.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TopicPostsQuery {
    /// The number of the first post to show (default 1).
    pub from: Option<i64>,
    /// 1–100, default 30.
    pub limit: Option<u32>,
}

/// A new topic.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTopicRequest {
    /// 3–150 characters.
    pub title: String,
    /// Markdown, up to 32,000 characters.
    pub body: String,
    /// Up to 5 tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// `discussion` (the default), `question` or `idea` (a group's ideas board).
    pub kind: Option<String>,
}

/// A reply.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    /// Markdown, up to 32,000 characters.
    pub body: String,
}

/// An edit; absent fields stay as they are. Title and tags only on an opening post.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditPostRequest {
    pub body: Option<String>,
    pub title: Option<String>,
    pub tags: Option<Vec<String>>,
}

/// Moderator changes to a topic.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicFlagsRequest {
    pub pinned: Option<bool>,
    pub locked: Option<bool>,
}

/// 202: the post is saved and waits for a moderator. The body keeps the envelope clients
/// know (`error.code` is `held_for_review`, though holding is a success, not an error) and
/// says where the post was saved: its author reads it at `/api/v1/posts/{post_id}` (state
/// `held`), no one else but the moderators does until it is approved.
#[derive(Debug, Serialize, ToSchema)]
pub struct HeldBody {
    pub error: ErrorDetail,
    /// Always `held`.
    pub state: &'static str,
    pub topic_id: i64,
    pub post_id: i64,
}

fn held(topic: TopicId, post: PostId) -> Response {
    let body = HeldBody {
        error: ErrorDetail {
            code: "held_for_review",
            message: "Thank you: your post waits for a moderator's look before others see it."
                .into(),
            field: None,
            errors: Vec::new(),
        },
        state: "held",
        topic_id: topic.0,
        post_id: post.0,
    };
    (StatusCode::ACCEPTED, Json(body)).into_response()
}

fn topic_response(v: &TopicView) -> TopicResponse {
    TopicResponse {
        topic: TopicSummary::new(&v.topic, &v.group.group.slug),
        posts: v.posts.iter().map(PostResponse::from).collect(),
        next_from: v.next_number,
        can_reply: v.can_reply(),
        can_moderate: v.can_moderate(),
        capabilities: (&v.can).into(),
    }
}
