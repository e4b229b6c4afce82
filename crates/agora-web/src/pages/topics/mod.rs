//! Topic pages: compose, read (stable URLs per page of a long topic), reply with quote, edit
//! with history, delete and restore, pin and lock. One file per action; here, how a topic's
//! posts fall into pages, which they share.

mod compose;
mod delete;
mod draft_upload;
mod edit;
mod history;
mod moderate;
mod reply;
mod sample;
mod view;

pub use compose::{compose, compose_upload, create};
pub use delete::{delete, restore};
pub use edit::{edit, edit_form, edit_upload};
pub use history::history;
pub use moderate::moderate;
pub use reply::{reply, reply_upload};
#[doc(hidden)]
pub use sample::render_sample_topic;
pub(crate) use view::strip_tags;
pub use view::{post_link, short_link, show};

/// Posts per page of a topic.
const PAGE_SIZE: i64 = 20;

/// How many pages a topic of `post_count` posts has (one, even when empty).
pub(super) fn pages(post_count: i64) -> i64 {
    ((post_count + PAGE_SIZE - 1) / PAGE_SIZE).max(1)
}

/// The page of a topic that shows post `number`.
pub(crate) fn page_of(number: i64) -> i64 {
    (number - 1) / PAGE_SIZE + 1
}

/// The address of post `number` on its page of the topic.
pub(crate) fn post_url(topic: i64, slug: &str, number: i64) -> String {
    let page = page_of(number);
    format!("/t/{topic}/{slug}?page={page}#post-{number}")
}
