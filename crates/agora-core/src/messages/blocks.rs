//! Blocking and ignoring. A block stops new conversations either way and hides from the
//! blocker the conversations the blocked member takes part in; the blocked member is not told
//! (their first messages land as "not accepted"). Ignoring collapses the other's content and
//! drops their mentions. Nobody blocks the site's staff from sending a moderation message.

use serde::Serialize;

use crate::agora::Messages;
use crate::error::Refused;
use crate::guard::Needs;
use crate::ids::MemberId;
use crate::members::Username;
use crate::time::Timestamp;
use crate::viewer::Viewer;

/// Block or ignore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    Block,
    Ignore,
}

impl BlockKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Block => "block",
            Self::Ignore => "ignore",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Block, Self::Ignore]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A member the viewer blocks or ignores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Block {
    pub member: MemberId,
    pub username: String,
    pub display_name: String,
    pub kind: BlockKind,
    pub since: Timestamp,
}

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

    /// The members the viewer blocks or ignores.
    pub async fn blocks(self, viewer: &Viewer) -> Result<Vec<Block>, Refused> {
        let actor = self.guard(viewer, Needs::SignedIn).await?;
        Ok(self.store.blocks(actor.id).await?)
    }

    /// The members `member` ignores: their content is collapsed for `member`.
    pub async fn ignored_by(self, member: Option<MemberId>) -> Result<Vec<MemberId>, Refused> {
        let Some(member) = member else {
            return Ok(Vec::new());
        };
        Ok(self
            .store
            .blocks(member)
            .await?
            .into_iter()
            .filter(|b| b.kind == BlockKind::Ignore)
            .map(|b| b.member)
            .collect())
    }
}
