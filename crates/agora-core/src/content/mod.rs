//! Content shared by every kind of post: markdown rendering and sanitising, and copies of
//! remote images on our own origin, the bounded pool that renders off the async threads, and
//! uploaded images (avatars, images in posts) with who may see them.

pub mod images;
pub mod markdown;
pub mod media;
pub mod renderer;
pub mod uploads;
