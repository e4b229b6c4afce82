//! Content shared by every kind of post: markdown rendering and sanitising.

pub mod markdown;
