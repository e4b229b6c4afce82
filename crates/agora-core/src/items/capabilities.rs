//! The rule asked for every action at once: [`Capabilities`], what pages show as buttons and
//! the API returns, and an item [`Shown`] with them.

use serde::Serialize;

use crate::groups::policy::Access;
use crate::viewer::Viewer;

use super::{Action, ItemFacts, ItemState, decide};

/// Every action the viewer may take on an item: what pages show as buttons and the API
/// returns as `capabilities`. Each field is [`decide`] for its action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Capabilities {
    pub read: bool,
    pub reply: bool,
    pub edit: bool,
    pub delete: bool,
    pub restore: bool,
    pub flag: bool,
    pub moderate: bool,
    pub react: bool,
    /// The kinds' actions allowed, by name (`accept`, `vote`).
    #[serde(flatten)]
    pub kinds: KindCapabilities,
}

/// The kinds' actions a viewer may take on an item: one bit per action of
/// [`crate::kinds::actions`], in order, written out by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KindCapabilities(u64);

impl KindCapabilities {
    /// Whether the kind's action named `name` is allowed.
    pub fn may(&self, name: &str) -> bool {
        crate::kinds::actions()
            .position(|a| a.name == name)
            .is_some_and(|i| self.0 & (1 << i) != 0)
    }

    /// Every kind's action by name, with whether it is allowed.
    pub fn each(&self) -> impl Iterator<Item = (&'static str, bool)> + '_ {
        crate::kinds::actions()
            .enumerate()
            .map(|(i, a)| (a.name, self.0 & (1 << i) != 0))
    }
}

impl Serialize for KindCapabilities {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        for (name, allowed) in self.each() {
            map.serialize_entry(name, &allowed)?;
        }
        map.end()
    }
}

impl Capabilities {
    /// The rule asked for every action.
    pub fn of(viewer: &Viewer, access: Access, item: &ItemFacts) -> Self {
        let may = |a| decide(viewer, access, item, a).is_ok();
        Self {
            read: may(Action::Read),
            reply: may(Action::Reply),
            edit: may(Action::Edit),
            // Deleting what is deleted, or restoring what is not, is no action to offer.
            delete: may(Action::Delete) && item.state != ItemState::Deleted,
            restore: may(Action::Restore) && item.state != ItemState::Published,
            flag: may(Action::Flag) && item.state == ItemState::Published,
            moderate: may(Action::Moderate),
            react: may(Action::React),
            kinds: KindCapabilities(
                crate::kinds::actions()
                    .enumerate()
                    .filter(|(_, a)| may(Action::Kind(a)))
                    .fold(0, |bits, (i, _)| bits | (1 << i)),
            ),
        }
    }

    /// Whether the kind's action named `name` is allowed (`accept`, `vote`).
    pub fn may(&self, name: &str) -> bool {
        self.kinds.may(name)
    }

    /// Whether the field for `action` is set.
    pub fn allows(&self, action: Action) -> bool {
        match action {
            Action::Read => self.read,
            Action::Reply => self.reply,
            Action::Edit => self.edit,
            Action::Delete => self.delete,
            Action::Restore => self.restore,
            Action::Flag => self.flag,
            Action::Moderate => self.moderate,
            Action::React => self.react,
            Action::Kind(a) => self.kinds.may(a.name),
        }
    }
}

/// An item as a viewer is shown it: the item, and what the viewer may do with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown<T> {
    pub item: T,
    pub can: Capabilities,
}
