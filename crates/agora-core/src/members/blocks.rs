//! Whom a member blocks or ignores, read wherever members meet (set through private messages,
//! `messages/blocking.rs`). A block stops new conversations either way and hides from the
//! (their first messages land as "not accepted"). Ignoring collapses the other's content and
//! drops their mentions. Nobody blocks the site's staff from sending a moderation message.

use serde::Serialize;

use async_trait::async_trait;

use crate::agora::Accounts;
use crate::error::Refused;
use crate::error::StoreError;
use crate::guard::Needs;
use crate::ids::MemberId;
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

impl Accounts<'_> {
    /// The members the viewer blocks or ignores.
    pub async fn blocks(self, viewer: &Viewer) -> Result<Vec<Block>, Refused> {
        let actor = self.guard(viewer, Needs::SignedIn).await?;
        Ok(self.store.blocks(actor.id).await?)
    }
}

/// What blocking and ignoring need of the database (the `member_blocks` table).
#[async_trait]
pub trait BlockStore: Send + Sync {
    /// Of `others`, those `member` blocks or who block `member`, with who blocks whom: (the
    /// other, whether `member` is the one blocking).
    async fn blocks_between(
        &self,
        member: MemberId,
        others: &[MemberId],
    ) -> Result<Vec<(MemberId, bool)>, StoreError>;

    /// The members `member` blocks or ignores.
    async fn blocks(&self, member: MemberId) -> Result<Vec<Block>, StoreError>;
}
