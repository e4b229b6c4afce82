//! Bookmarks storage: one row per member and item, listed with due reminders first.

use async_trait::async_trait;

use agora_core::bookmarks::{Bookmark, BookmarkRecord, BookmarkStore, NewBookmark};
use agora_core::items::refs::ItemRef;
use agora_core::paging::Cursor;
use agora_core::time::Timestamp;
use agora_core::{MemberId, StoreError};

use crate::SqlStore;
use crate::db::Arg;

#[derive(sqlx::FromRow)]
struct BookmarkRow {
    id: i64,
    item_kind: String,
    item_id: i64,
    created_at: i64,
    remind_at: Option<i64>,
    note: String,
}

#[derive(sqlx::FromRow)]
struct ListedRow {
    #[sqlx(flatten)]
    bookmark: BookmarkRow,
    sort_key: i64,
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    item_kind: String,
    item_id: i64,
}

impl BookmarkRow {
    /// The bookmark, if this version knows its item's kind.
    fn parse(self) -> Option<Bookmark> {
        Some(Bookmark {
            id: self.id,
            item: ItemRef::parse(&self.item_kind, self.item_id)?,
            created_at: Timestamp(self.created_at),
            remind_at: self.remind_at.map(Timestamp),
            note: self.note,
        })
    }
}

const COLUMNS: &str = "b.id, b.item_kind, b.item_id, b.created_at, b.remind_at, b.note";

/// How far below every other key a due reminder's key lies: due bookmarks sort first (the
/// longest due first), then the others by `-created_at` (the newest first).
const DUE_FIRST: i64 = 1 << 60;

#[async_trait]
impl BookmarkStore for SqlStore {
    async fn put_bookmark(&self, new: &NewBookmark) -> Result<Bookmark, StoreError> {
        let b = new.clone();
        let row = self
            .pools
            .write(move |tx| {
                Box::pin(async move {
                    let kind = b.item.kind.as_str();
                    tx.execute(
                        "INSERT INTO bookmarks (member_id, item_kind, item_id, created_at, remind_at, note) \
                         VALUES ($1, $2, $3, $4, $5, $6) \
                         ON CONFLICT (member_id, item_kind, item_id) \
                         DO UPDATE SET remind_at = excluded.remind_at, note = excluded.note",
                        &[
                            b.member.0.into(),
                            kind.into(),
                            b.item.id.into(),
                            b.at.0.into(),
                            b.remind_at.map(|t| t.0).into(),
                            b.note.as_str().into(),
                        ],
                    )
                    .await?;
                    tx.one::<BookmarkRow>(
                        format!(
                            "SELECT {COLUMNS} FROM bookmarks b \
                             WHERE b.member_id = $1 AND b.item_kind = $2 AND b.item_id = $3"
                        ),
                        &[b.member.0.into(), kind.into(), b.item.id.into()],
                    )
                    .await
                })
            })
            .await?;
        row.parse().ok_or(StoreError::NotFound)
    }

    async fn remove_bookmark(&self, member: MemberId, item: ItemRef) -> Result<bool, StoreError> {
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let removed = tx
                        .execute(
                            "DELETE FROM bookmarks WHERE member_id = $1 AND item_kind = $2 AND item_id = $3",
                            &[member.0.into(), item.kind.as_str().into(), item.id.into()],
                        )
                        .await?;
                    Ok(removed > 0)
                })
            })
            .await
    }

    async fn bookmark(
        &self,
        member: MemberId,
        item: ItemRef,
    ) -> Result<Option<Bookmark>, StoreError> {
        let mut db = self.pools.read().await?;
        let row = db
            .optional::<BookmarkRow>(
                format!(
                    "SELECT {COLUMNS} FROM bookmarks b \
                     WHERE b.member_id = $1 AND b.item_kind = $2 AND b.item_id = $3"
                ),
                &[member.0.into(), item.kind.as_str().into(), item.id.into()],
            )
            .await?;
        Ok(row.and_then(BookmarkRow::parse))
    }

    async fn bookmarked(
        &self,
        member: MemberId,
        items: &[ItemRef],
    ) -> Result<Vec<ItemRef>, StoreError> {
        let (filter, refs) = crate::item_refs::matching("b", items, 2);
        let mut args: Vec<Arg<'_>> = vec![member.0.into()];
        args.extend(refs);
        let mut db = self.pools.read().await?;
        let rows = db
            .all::<ItemRow>(
                format!(
                    "SELECT b.item_kind, b.item_id FROM bookmarks b WHERE b.member_id = $1 AND {filter}"
                ),
                &args,
            )
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| ItemRef::parse(&r.item_kind, r.item_id))
            .collect())
    }

    async fn bookmarks(
        &self,
        member: MemberId,
        now: Timestamp,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Vec<(Bookmark, Cursor)>, StoreError> {
        let (key, id) = after.map_or((i64::MIN, i64::MIN), |c| (c.key, c.id));
        let mut db = self.pools.read().await?;
        let rows = db
            .all::<ListedRow>(
                format!(
                    "SELECT * FROM (SELECT {COLUMNS}, CASE WHEN b.remind_at IS NOT NULL AND b.remind_at <= $2 \
                     THEN b.remind_at - $3 ELSE -b.created_at END AS sort_key \
                     FROM bookmarks b WHERE b.member_id = $1) x \
                     WHERE x.sort_key > $4 OR (x.sort_key = $4 AND x.id > $5) \
                     ORDER BY x.sort_key, x.id LIMIT $6"
                ),
                &[
                    member.0.into(),
                    now.0.into(),
                    DUE_FIRST.into(),
                    key.into(),
                    id.into(),
                    i64::from(limit).into(),
                ],
            )
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let cursor = Cursor {
                    key: r.sort_key,
                    id: r.bookmark.id,
                };
                Some((r.bookmark.parse()?, cursor))
            })
            .collect())
    }
}

/// Bookmarks' part in a member's archive and erasure: listed, and erased with the account.
pub(crate) const DATA: crate::kinds::KindData = crate::kinds::KindData {
    kind: "bookmarks",
    tables: &["bookmarks"],
    export: |db, member| {
        Box::pin(async move {
            let rows = db
                .all::<BookmarkRow>(
                    format!(
                        "SELECT {COLUMNS} FROM bookmarks b WHERE b.member_id = $1 ORDER BY b.created_at, b.id"
                    ),
                    &[member.into()],
                )
                .await?;
            let records: Vec<BookmarkRecord> = rows
                .into_iter()
                .map(|r| BookmarkRecord {
                    item: format!("{}/{}", r.item_kind, r.item_id),
                    created_at: Timestamp(r.created_at),
                    remind_at: r.remind_at.map(Timestamp),
                    note: r.note,
                })
                .collect();
            crate::kinds::to_json(&records)
        })
    },
    erase: |tx, member, _remove_contributions| {
        Box::pin(async move {
            tx.execute(
                "DELETE FROM bookmarks WHERE member_id = $1",
                &[member.into()],
            )
            .await?;
            Ok(())
        })
    },
    header_count: None,
};
