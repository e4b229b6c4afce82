//! Whom a member blocks or ignores (`member_blocks`), on both databases; set through private
//! messages (`messages/write.rs`).

use async_trait::async_trait;

use agora_core::MemberId;
use agora_core::StoreError;
use agora_core::members::blocks::{Block, BlockKind, BlockStore};
use agora_core::time::Timestamp;

use crate::SqlStore;
use crate::db::Arg;
use crate::db::placeholders;

#[async_trait]
impl BlockStore for SqlStore {
    async fn blocks_between(
        &self,
        member: MemberId,
        others: &[MemberId],
    ) -> Result<Vec<(MemberId, bool)>, StoreError> {
        if others.is_empty() {
            return Ok(Vec::new());
        }
        let list = placeholders(2, others.len());
        let sql = format!(
            "SELECT member_id, other_id FROM member_blocks WHERE kind = 'block' AND \
             ((member_id = $1 AND other_id IN ({list})) OR (other_id = $1 AND member_id IN ({list})))"
        );
        let mut args: Vec<Arg> = vec![member.0.into()];
        args.extend(others.iter().map(|o| Arg::from(o.0)));
        let mut db = self.pools.read().await?;
        Ok(db
            .all::<BlockRow>(sql, &args)
            .await?
            .into_iter()
            .map(|r| {
                if r.member_id == member.0 {
                    (MemberId(r.other_id), true)
                } else {
                    (MemberId(r.member_id), false)
                }
            })
            .collect())
    }

    async fn blocks(&self, member: MemberId) -> Result<Vec<Block>, StoreError> {
        let mut db = self.pools.read().await?;
        Ok(db
            .all::<BlockListRow>(
                "SELECT b.other_id, m.username, m.display_name, b.kind, b.created_at \
                 FROM member_blocks b JOIN members m ON m.id = b.other_id \
                 WHERE b.member_id = $1 ORDER BY m.username, b.kind",
                &[member.0.into()],
            )
            .await?
            .into_iter()
            .map(|r| Block {
                member: MemberId(r.other_id),
                username: r.username,
                display_name: r.display_name,
                kind: BlockKind::parse(&r.kind).unwrap_or(BlockKind::Ignore),
                since: Timestamp(r.created_at),
            })
            .collect())
    }
}

#[derive(sqlx::FromRow)]
struct BlockRow {
    pub member_id: i64,
    pub other_id: i64,
}

#[derive(sqlx::FromRow)]
struct BlockListRow {
    pub other_id: i64,
    pub username: String,
    pub display_name: String,
    pub kind: String,
    pub created_at: i64,
}
