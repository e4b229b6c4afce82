//! Items: what a viewer may do with one piece of content, decided once.
//!
//! Every piece of content (a topic's opening post, a reply, a private message, and whatever a
//! kind declares) is an item with an author and a state. The group
//! policy ([`crate::groups::policy::access`]) says how far the viewer reaches into the item's
//! audience; [`decide`] adds the item's state, its author and the viewer's sanctions and says
//! whether one action is allowed, and why not. [`Capabilities`] is the same rule asked for
//! every action at once: pages and API responses render it instead of deciding again, and the
//! use cases call [`decide`] before they act, so a button is shown exactly when its action
//! would be accepted. The shared actions are here; a kind declares its own ([`KindAction`]:
//! accepting an answer, voting for an idea) with their rule in its folder, and the rule here
//! asks them after what every action shares, so it names no kind.

use serde::Serialize;

use crate::forum::TopicKind;
use crate::groups::policy::Access;
use crate::guard::Needs;
use crate::ids::MemberId;
use crate::viewer::{Actor, Viewer};

mod readable;
pub mod refs;
pub mod reported;

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// Everyone who reads the audience reads it.
    Published,
    /// Saved and held by the system for a moderator's approval (a word filter, the spam
    /// check, a new member's first posts): moderators and its author read it.
    Held,
    /// Hidden after members flagged it, until a moderator decides: moderators and its author
    /// read it.
    Hidden,
    /// Deleted by its author or a moderator: a placeholder for others, whole for moderators.
    Deleted,
}

impl ItemState {
    /// Whether others than moderators read it.
    pub fn is_published(self) -> bool {
        self == Self::Published
    }

    /// Whether a moderator's decision is awaited (held or hidden).
    pub fn awaits_moderator(self) -> bool {
        matches!(self, Self::Held | Self::Hidden)
    }

    /// The word the API and the pages use: `published`, `held`, `hidden` or `deleted`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Published => "published",
            Self::Held => "held",
            Self::Hidden => "hidden",
            Self::Deleted => "deleted",
        }
    }
}

/// What the rule needs to know of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemFacts {
    pub author: MemberId,
    pub state: ItemState,
    /// Whether the topic it belongs to is locked (no replies or edits but by moderators).
    pub locked: bool,
    /// Whether it opens its topic (a question, an idea), not a reply to one.
    pub opening: bool,
    /// For an item of a topic (a post): the topic's facts, which the kinds' actions read.
    pub topic: Option<TopicFacts>,
}

/// What a kind's action may need to know of the topic an item belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicFacts {
    pub kind: TopicKind,
    /// Who opened it (a question's asker).
    pub author: MemberId,
    /// Whether its status closes it to its kind's actions (a merged idea: its votes moved to
    /// the original, and it takes no more).
    pub closed: bool,
}

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

/// Why an action is refused; the web layer maps each to its documented status and code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// The item does not exist for this viewer (404, never 403).
    NotFound,
    SignInRequired,
    /// Seen, not allowed; the code says why.
    Forbidden(&'static str),
    /// The topic is locked.
    Locked,
}

/// Whether `viewer`, reaching the item's audience with `access`, may take `action` on it.
pub fn decide(
    viewer: &Viewer,
    access: Access,
    item: &ItemFacts,
    action: Action,
) -> Result<(), Denied> {
    if access < Access::Read {
        return Err(if access == Access::Hidden {
            Denied::NotFound
        } else {
            Denied::Forbidden("members_only")
        });
    }
    let moderator = access >= Access::Moderate;
    let published = item.state.is_published();
    // Its author reads an item waiting for a moderator, and learns why it is not shown.
    let authors_own = item.state.awaits_moderator() && viewer.id() == Some(item.author);
    if action == Action::Read {
        return if published || moderator || authors_own {
            Ok(())
        } else {
            Err(Denied::NotFound)
        };
    }
    // What a viewer who is no moderator may not do with an unpublished item: its author is
    // told it waits for a moderator; anyone else does not see it.
    let unpublished = if authors_own {
        Denied::Forbidden("awaiting_moderator")
    } else {
        Denied::NotFound
    };
    // The guard's part (signed in, not sanctioned for this action); the rest is the item's.
    let needs = if matches!(action, Action::Reply | Action::Edit) {
        Needs::Unsilenced
    } else {
        Needs::Active
    };
    let actor = needs.check(viewer)?;
    let mine = item.author == actor.id;
    // What a moderator is told of an unpublished item they may not react to (or take a kind's
    // action on).
    let not_published = if moderator {
        Denied::Forbidden("not_published")
    } else {
        unpublished
    };
    // What writing into the item's topic asks last: open (or a moderator), a confirmed address.
    let writable = || {
        if item.locked && !moderator {
            Err(Denied::Locked)
        } else if !actor.verified {
            Err(Denied::Forbidden("email_unverified"))
        } else {
            Ok(())
        }
    };
    match action {
        Action::Read => Ok(()),
        Action::Reply => {
            if access < Access::Participate {
                Err(Denied::Forbidden("join_required"))
            } else if !published && !moderator {
                Err(unpublished)
            } else {
                writable()
            }
        }
        Action::Edit => {
            if !published && !moderator {
                Err(unpublished)
            } else if !(moderator || (mine && access >= Access::Participate)) {
                Err(Denied::Forbidden("author_only"))
            } else if item.locked && !moderator {
                Err(Denied::Locked)
            } else if !actor.verified {
                Err(Denied::Forbidden("email_unverified"))
            } else if item.state == ItemState::Deleted {
                Err(Denied::Forbidden("deleted"))
            } else {
                Ok(())
            }
        }
        Action::Delete => {
            if !published && !moderator {
                Err(unpublished)
            } else if !mine && !moderator {
                Err(Denied::Forbidden("author_only"))
            } else {
                Ok(())
            }
        }
        Action::Restore | Action::Moderate => {
            if moderator {
                Ok(())
            } else {
                Err(Denied::Forbidden("moderators_only"))
            }
        }
        Action::Flag => {
            if !published && !moderator {
                Err(unpublished)
            } else if mine {
                Err(Denied::Forbidden("own_post"))
            } else {
                Ok(())
            }
        }
        // As Discourse's likes: whoever reads the item may react to it (a reader of a public
        // group need not join), but not to their own item, not to one unpublished, and not in
        // a locked topic (as votes: an archived group locks every topic).
        Action::React => {
            if !published {
                Err(not_published)
            } else if mine {
                Err(Denied::Forbidden("own_item"))
            } else {
                writable()
            }
        }
        Action::Kind(kind) => (kind.rule)(&Asked {
            viewer,
            actor,
            access,
            item,
            moderator,
            not_published,
        }),
    }
}

/// Whether `viewer`, reaching an item's audience with `access`, may read the text a
/// moderator's edit of someone else's item replaced (a redacted revision, and the ones before
/// it): the moderators of the audience and the site's staff. Every other reader, the author
/// too, sees that a moderator edited it, not what was taken out.
pub fn reads_redacted(viewer: &Viewer, access: Access) -> bool {
    access >= Access::Read && (access >= Access::Moderate || viewer.is_site_moderator())
}

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

#[cfg(test)]
mod tests;
