//! What the services on any item (reactions, bookmarks) ask before they touch one: the item as
//! the viewer may read it, through its kind's declaration, and the item rule's refusals as
//! those services answer them.

use crate::agora::Agora;
use crate::error::Refused;
use crate::items::Denied;
use crate::items::refs::{ItemRef, ItemSeen};
use crate::viewer::Viewer;

impl Agora {
    /// The item `r` if `viewer` may read it; `NotFound` for every item they may not, a post
    /// of a closed group they do not belong to included: a reference names an item, and what
    /// answers it must not say whether one the viewer cannot read exists.
    pub(crate) async fn readable_item(
        &self,
        viewer: &Viewer,
        r: ItemRef,
    ) -> Result<ItemSeen, Refused> {
        match self.seen_item(viewer, r).await {
            Err(Refused::Forbidden(_)) => Err(Refused::NotFound),
            other => other,
        }
    }
}

impl Denied {
    /// The refusal a service on items answers for this denial: a locked topic is `topic_locked`
    /// (403), and what the viewer may not read does not exist.
    pub(crate) fn as_refusal(self) -> Refused {
        match self {
            Denied::NotFound | Denied::Forbidden("members_only") => Refused::NotFound,
            Denied::SignInRequired => Refused::SignInRequired,
            Denied::Forbidden(code) => Refused::Forbidden(code),
            Denied::Locked => Refused::Forbidden("topic_locked"),
        }
    }
}
