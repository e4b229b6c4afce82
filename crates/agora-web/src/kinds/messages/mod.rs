//! Private messages on the web: the API (`api/`) and the pages (`pages/`), declared to the
//! registry of kinds as `WEB`: the pages of a conversation and of its messages, the
//! "Messages" link in the site's header with the member's unread conversations, and "Send a
//! message" on a member's profile.

pub(crate) mod api;
mod pages;

use crate::kinds::{ItemPage, KindWeb, Nav};

/// Private messages on the web.
pub(crate) const WEB: KindWeb = KindWeb {
    name: "message",
    api: api::routes,
    pages: pages::routes,
    topic: None,
    item_page: Some(ItemPage {
        kind: agora_core::kinds::messages::MESSAGE,
        link: api::link,
        found_in: "In your messages",
    }),
    nav: Some(Nav {
        label: "Messages",
        href: "/messages",
        section: "messages",
    }),
    profile_action: Some(("Send a message", |username| {
        format!("/messages/new?to={username}")
    })),
    forbidden: api::FORBIDDEN,
    css: "",
};
