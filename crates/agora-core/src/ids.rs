//! Newtype ids, so that a topic id can never be passed where a post id is expected.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

// A declarative macro here replaces five identical hand-written blocks that differ only in
// their name; a trait cannot declare a type.
id_type!(
    /// A member (a registered account).
    MemberId,
    /// A group.
    GroupId,
    /// A topic: the thread every kind of content (discussion, question, idea, …) lives in.
    TopicId,
    /// A post inside a topic; the topic's opening post is number 1.
    PostId,
    /// An invitation into a group.
    InvitationId,
);
