//! Forums: topics and replies in a group, with their fields, and the use cases that create,
//! list, read, edit, delete and moderate them.

mod fields;
pub mod items;
pub mod mentions;
pub(crate) mod model;
mod posts;
mod preview;
mod screen;
pub mod sorts;
mod topics;

pub use fields::{PostBody, Tags, TopicTitle};
pub use model::{
    Author, Hold, LatestFilter, NewPost, NewTopic, Period, Post, PostEdit, PostInTopic, Revision,
    Topic, TopicFilter, TopicFlags, TopicInGroup, TopicKind, TopicSort,
};
pub use posts::PostEditInput;
pub use preview::PREVIEWS_PER_MINUTE;
pub use topics::{ForumError, NewTopicInput, Posted, TopicListing, TopicView};
