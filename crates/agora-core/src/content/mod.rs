//! Content shared by every kind of post: markdown rendering and sanitising, and copies of
//! remote images on our own origin.

pub mod markdown;
pub mod media;
