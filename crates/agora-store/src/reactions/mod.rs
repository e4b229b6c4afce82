//! Reactions storage: one row per member, item and emoji, and a count per item and emoji
//! moved by a delta in the statement of each change (so simultaneous reactions on PostgreSQL
//! each add theirs to what the others committed), with the change's event in its transaction.

mod shown;

use async_trait::async_trait;

use agora_core::StoreError;
use agora_core::items::refs::ItemRef;
use agora_core::paging::Cursor;
use agora_core::reactions::{
    ReactionChange, ReactionCount, ReactionRecord, ReactionStore, Reactor,
};
use agora_core::time::Timestamp;

use crate::SqlStore;
use crate::db::{Arg, Handle};

#[derive(sqlx::FromRow)]
struct CountRow {
    item_kind: String,
    item_id: i64,
    emoji: String,
    total: i64,
    mine: bool,
}

#[derive(sqlx::FromRow)]
struct ReactorRow {
    id: i64,
    username: String,
    display_name: String,
    emoji: String,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct Given {
    item_kind: String,
    item_id: i64,
    emoji: String,
}

#[derive(sqlx::FromRow)]
struct RecordRow {
    item_kind: String,
    item_id: i64,
    emoji: String,
    created_at: i64,
}

/// Moves the count of `emoji` on an item by `delta`, in one statement, and what the item's kind
/// keeps of its reactions (a topic's total).
async fn add_to_count(
    tx: &mut Handle,
    kind: &str,
    id: i64,
    emoji: &str,
    delta: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO reaction_counts (item_kind, item_id, emoji, total) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (item_kind, item_id, emoji) \
         DO UPDATE SET total = reaction_counts.total + excluded.total",
        &[kind.into(), id.into(), emoji.into(), delta.into()],
    )
    .await?;
    crate::items::reacted(tx, kind, id, delta).await
}

/// Gives (`delta` 1) or takes back (-1) a reaction: the statement `sql` inserts or deletes
/// its row, and only if it did is the count moved by `delta` and the event recorded.
async fn change(
    store: &SqlStore,
    c: &ReactionChange,
    sql: &'static str,
    delta: i64,
) -> Result<bool, StoreError> {
    let c = c.clone();
    store
        .pools
        .write(move |tx| {
            Box::pin(async move {
                let kind = c.item.kind.as_str();
                let mut args: Vec<Arg<'_>> = vec![
                    kind.into(),
                    c.item.id.into(),
                    c.member.0.into(),
                    c.emoji.as_str().into(),
                ];
                if delta > 0 {
                    args.push(c.at.0.into());
                }
                if tx.execute(sql, &args).await? == 0 {
                    return Ok(false);
                }
                add_to_count(tx, kind, c.item.id, &c.emoji, delta).await?;
                crate::events::record(tx, c.at, &c.events).await?;
                Ok(true)
            })
        })
        .await
}

#[async_trait]
impl ReactionStore for SqlStore {
    async fn add_reaction(&self, c: &ReactionChange) -> Result<bool, StoreError> {
        let sql = "INSERT INTO reactions (item_kind, item_id, member_id, emoji, created_at) \
                   VALUES ($1, $2, $3, $4, $5) \
                   ON CONFLICT (item_kind, item_id, member_id, emoji) DO NOTHING";
        change(self, c, sql, 1).await
    }

    async fn remove_reaction(&self, c: &ReactionChange) -> Result<bool, StoreError> {
        let sql = "DELETE FROM reactions WHERE item_kind = $1 AND item_id = $2 \
                   AND member_id = $3 AND emoji = $4";
        change(self, c, sql, -1).await
    }

    async fn reaction_counts(
        &self,
        items: &[ItemRef],
        viewer: Option<agora_core::MemberId>,
    ) -> Result<Vec<(ItemRef, ReactionCount)>, StoreError> {
        let (filter, refs) = crate::item_refs::matching("c", items, 2);
        let mut args: Vec<Arg<'_>> = vec![viewer.map(|m| m.0).into()];
        args.extend(refs);
        let mut db = self.pools.read().await?;
        let rows = db
            .all::<CountRow>(
                format!(
                    "SELECT c.item_kind, c.item_id, c.emoji, c.total, EXISTS (SELECT 1 FROM reactions r \
                     WHERE r.item_kind = c.item_kind AND r.item_id = c.item_id AND r.emoji = c.emoji \
                     AND r.member_id = $1) AS mine \
                     FROM reaction_counts c WHERE c.total > 0 AND {filter}"
                ),
                &args,
            )
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let item = ItemRef::parse(&r.item_kind, r.item_id)?;
                Some((
                    item,
                    ReactionCount {
                        emoji: r.emoji,
                        count: r.total,
                        mine: r.mine,
                    },
                ))
            })
            .collect())
    }

    async fn shown(
        &self,
        items: &[ItemRef],
        viewer: Option<agora_core::MemberId>,
    ) -> Result<agora_core::reactions::shown::ShownRows, StoreError> {
        let mut db = self.pools.read().await?;
        shown::shown(&mut db, items, viewer).await
    }

    async fn reactors(
        &self,
        item: ItemRef,
        emoji: Option<&str>,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Vec<Reactor>, StoreError> {
        let (at, id) = after.map_or((i64::MAX, i64::MAX), |c| (c.key, c.id));
        let mut db = self.pools.read().await?;
        let rows = db
            .all::<ReactorRow>(
                "SELECT r.id, m.username, m.display_name, r.emoji, r.created_at \
                 FROM reactions r JOIN members m ON m.id = r.member_id \
                 WHERE r.item_kind = $1 AND r.item_id = $2 AND ($3 IS NULL OR r.emoji = $3) \
                 AND (r.created_at < $4 OR (r.created_at = $4 AND r.id < $5)) \
                 ORDER BY r.created_at DESC, r.id DESC LIMIT $6",
                &[
                    item.kind.as_str().into(),
                    item.id.into(),
                    emoji.into(),
                    at.into(),
                    id.into(),
                    i64::from(limit).into(),
                ],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| Reactor {
                id: r.id,
                username: r.username,
                display_name: r.display_name,
                emoji: r.emoji,
                at: Timestamp(r.created_at),
            })
            .collect())
    }
}

/// Reactions' part in a member's archive and erasure: the member's reactions are listed, and
/// erased with the account (each one taken off its count, by the rows the erasure deleted).
pub(crate) const DATA: crate::kinds::KindData = crate::kinds::KindData {
    kind: "reactions",
    tables: &["reactions", "reaction_counts"],
    export: |db, member| {
        Box::pin(async move {
            let rows = db
                .all::<RecordRow>(
                    "SELECT item_kind, item_id, emoji, created_at FROM reactions \
                     WHERE member_id = $1 ORDER BY created_at, id",
                    &[member.into()],
                )
                .await?;
            let records: Vec<ReactionRecord> = rows
                .into_iter()
                .map(|r| ReactionRecord {
                    item: format!("{}/{}", r.item_kind, r.item_id),
                    emoji: r.emoji,
                    at: Timestamp(r.created_at),
                })
                .collect();
            crate::kinds::to_json(&records)
        })
    },
    erase: |tx, member, _remove_contributions| {
        Box::pin(async move {
            let given = tx
                .all::<Given>(
                    "DELETE FROM reactions WHERE member_id = $1 RETURNING item_kind, item_id, emoji",
                    &[member.into()],
                )
                .await?;
            for g in given {
                add_to_count(tx, &g.item_kind, g.item_id, &g.emoji, -1).await?;
            }
            Ok(())
        })
    },
    header_count: None,
};
