//! The item rule itself: [`decide`] whether a viewer may take one action on an item, and why
//! not ([`Denied`]); and who reads what a moderator's edit took out.

use crate::groups::policy::Access;
use crate::guard::Needs;
use crate::viewer::Viewer;

use super::{Action, Asked, ItemFacts, ItemState};

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
