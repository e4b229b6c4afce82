//! Blocking and ignoring set by a member: a block also hides from the blocker the
//! conversations the blocked member takes part in (`member_blocks` is read by every kind
//! through `members/blocks.rs`).

use super::Messages;
use crate::error::Refused;
use crate::guard::Needs;
use crate::members::Username;
use crate::members::blocks::BlockKind;
use crate::viewer::Viewer;

impl Messages<'_> {
    /// Blocks or ignores the member named `username` (`on`), or takes it back.
    pub async fn set_block(
        self,
        viewer: &Viewer,
        username: &str,
        kind: BlockKind,
        on: bool,
    ) -> Result<(), Refused> {
        let actor = self.guard(viewer, Needs::SignedIn).await?;
        // Only what can be a username is looked up (PostgreSQL refuses a NUL in a string).
        let username = Username::parse(username).map_err(|_| Refused::NotFound)?;
        let other = self
            .store
            .member_by_username(username.as_str())
            .await?
            .ok_or(Refused::NotFound)?;
        if other.id == actor.id {
            return Err(Refused::Forbidden("not_yourself"));
        }
        if on && other.role != crate::viewer::SiteRole::Member {
            return Err(Refused::Forbidden("staff_cannot_be_blocked"));
        }
        self.store
            .set_block(actor.id, other.id, kind, on, self.now())
            .await?;
        Ok(())
    }
}
