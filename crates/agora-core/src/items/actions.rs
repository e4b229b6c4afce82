//! The actions a viewer may try on an item: the shared ones ([`Action`]) and those a kind
//! declares with their rule ([`KindAction`]), and what a kind's rule is asked with.

use crate::groups::policy::Access;
use crate::viewer::{Actor, Viewer};

use super::{Denied, ItemFacts};

/// Something a viewer may try to do with an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read its body (not only that it exists).
    Read,
    /// Reply in its topic.
    Reply,
    /// Change its text.
    Edit,
    /// Delete it.
    Delete,
    /// Undelete it.
    Restore,
    /// Report it to the moderators.
    Flag,
    /// Pin, lock, approve, delete others' content.
    Moderate,
    /// React to it (a like or another emoji of the site's set), or take the reaction back.
    React,
    /// An action a kind declares (accepting an answer, voting for an idea).
    Kind(&'static KindAction),
}

impl Action {
    /// The actions every item shares.
    pub const SHARED: [Action; 8] = [
        Self::Read,
        Self::Reply,
        Self::Edit,
        Self::Delete,
        Self::Restore,
        Self::Flag,
        Self::Moderate,
        Self::React,
    ];

    /// Every action, the kinds' after the shared ones, for tables and tests.
    pub fn all() -> impl Iterator<Item = Action> {
        Self::SHARED
            .into_iter()
            .chain(crate::kinds::actions().map(Action::Kind))
    }
}

/// An action a kind declares in its folder, with its rule. The shared rule has already
/// answered for what every action asks (the viewer reads the item, is signed in and not
/// suspended); the kind's rule says the rest.
pub struct KindAction {
    /// Its name: the capability's key in the API (`accept`, `vote`).
    pub name: &'static str,
    pub rule: fn(&Asked<'_>) -> Result<(), Denied>,
}

impl PartialEq for KindAction {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for KindAction {}

impl std::fmt::Debug for KindAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// What a kind's rule is asked with.
pub struct Asked<'a> {
    pub viewer: &'a Viewer,
    /// The signed-in member acting, not suspended.
    pub actor: &'a Actor,
    pub access: Access,
    pub item: &'a ItemFacts,
    /// Whether the viewer moderates the item's audience.
    pub moderator: bool,
    /// What to answer for an item that is not published: moderators are told so; anyone
    /// else, its author included, as the shared actions answer.
    pub not_published: Denied,
}
