//! The one guard for what an action asks of the member taking it: signed in, not suspended,
//! not silenced, a confirmed email address, the current documents accepted. A use case names
//! what it needs (`self.guard(viewer, Needs::Active)`) instead of writing the checks out; the
//! item rule (`items/decide.rs`) asks the same guard before adding what depends on the item.

use crate::agora::Agora;
use crate::error::StoreError;
use crate::viewer::{Actor, Restriction, Viewer};

/// What an action needs of the one taking it, each level including the one before it except
/// where said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Signed in (reading one's own settings, appealing a sanction).
    SignedIn,
    /// Signed in and not suspended or banned (joining, flagging, moderating).
    Active,
    /// Active and not silenced (writing: topics, replies, edits).
    Unsilenced,
    /// Active with a confirmed email address (flagging a member).
    Verified,
    /// Unsilenced, confirmed, and the current documents accepted (publishing a post).
    Posting,
}

/// Why the guard refused.
#[derive(Debug, thiserror::Error)]
pub enum Unmet {
    #[error("sign in required")]
    SignIn,
    /// `suspended`, `silenced`, `email_unverified` or `documents_not_accepted`.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Needs {
    /// The checks that need nothing but the viewer (all but the documents).
    pub fn check(self, viewer: &Viewer) -> Result<&Actor, Unmet> {
        let actor = viewer.actor().ok_or(Unmet::SignIn)?;
        if self == Needs::SignedIn {
            return Ok(actor);
        }
        match actor.restriction {
            Restriction::Suspended => return Err(Unmet::Forbidden("suspended")),
            Restriction::Silenced if matches!(self, Needs::Unsilenced | Needs::Posting) => {
                return Err(Unmet::Forbidden("silenced"));
            }
            _ => {}
        }
        if matches!(self, Needs::Verified | Needs::Posting) && !actor.verified {
            return Err(Unmet::Forbidden("email_unverified"));
        }
        Ok(actor)
    }

    /// What a sanction refuses of this need, if anything: for a use case that answers guests
    /// its own way (a secret group's write paths answer a guest as if it did not exist).
    pub fn sanctioned(self, viewer: &Viewer) -> Option<&'static str> {
        match self.check(viewer) {
            Err(Unmet::Forbidden(code)) if matches!(code, "suspended" | "silenced") => Some(code),
            _ => None,
        }
    }
}

impl Agora {
    /// The guard: the signed-in member taking an action that needs `needs`, or why not.
    pub(crate) async fn guard<'v>(
        &self,
        viewer: &'v Viewer,
        needs: Needs,
    ) -> Result<&'v Actor, Unmet> {
        let actor = needs.check(viewer)?;
        if needs == Needs::Posting && !self.consent().pending_documents(viewer).await?.is_empty() {
            return Err(Unmet::Forbidden("documents_not_accepted"));
        }
        Ok(actor)
    }
}

impl From<Unmet> for crate::items::Denied {
    fn from(u: Unmet) -> Self {
        match u {
            Unmet::SignIn => Self::SignInRequired,
            Unmet::Forbidden(code) => Self::Forbidden(code),
            // `Needs::check` reads nothing; only the documents' look does.
            Unmet::Store(_) => Self::NotFound,
        }
    }
}

impl From<Unmet> for crate::error::Refused {
    fn from(u: Unmet) -> Self {
        match u {
            Unmet::SignIn => Self::SignInRequired,
            Unmet::Forbidden(code) => Self::Forbidden(code),
            Unmet::Store(e) => Self::Store(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::MemberId;
    use crate::trust::TrustLevel;
    use crate::viewer::SiteRole;

    fn member(verified: bool, restriction: Restriction) -> Viewer {
        Viewer::member(Actor {
            id: MemberId(1),
            username: "ana".into(),
            role: SiteRole::Member,
            verified,
            restriction,
            trust: TrustLevel::Basic,
        })
    }

    fn code(needs: Needs, viewer: &Viewer) -> &'static str {
        match needs.check(viewer) {
            Ok(_) => "ok",
            Err(Unmet::SignIn) => "sign_in",
            Err(Unmet::Forbidden(c)) => c,
            Err(Unmet::Store(_)) => "store",
        }
    }

    #[test]
    fn each_need_refuses_what_it_names_and_nothing_more() {
        use Needs::*;
        use Restriction::{None as Free, Silenced, Suspended};
        let cases = [
            (Viewer::guest(), ["sign_in"; 5]),
            (member(true, Free), ["ok"; 5]),
            (
                member(false, Free),
                ["ok", "ok", "ok", "email_unverified", "email_unverified"],
            ),
            (
                member(true, Silenced),
                ["ok", "ok", "silenced", "ok", "silenced"],
            ),
            (
                member(true, Suspended),
                ["ok", "suspended", "suspended", "suspended", "suspended"],
            ),
            (
                member(false, Suspended),
                ["ok", "suspended", "suspended", "suspended", "suspended"],
            ),
        ];
        for (viewer, expected) in cases {
            let got = [SignedIn, Active, Unsilenced, Verified, Posting].map(|n| code(n, &viewer));
            assert_eq!(got, expected, "{viewer:?}");
        }
    }
}
