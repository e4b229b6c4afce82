//! Content shared by every kind of post: markdown rendering and sanitising, and copies of
//! remote images on our own origin, and the bounded pool that renders off the async threads.

pub mod markdown;
pub mod media;
pub mod renderer;
