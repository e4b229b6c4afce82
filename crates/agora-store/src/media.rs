//! `MediaStore`: the audience of each file of the media folder that is not simply public (see
//! `agora_core::content::uploads`), and members' avatars.

use async_trait::async_trait;

use agora_core::audience::AudienceRef;
use agora_core::content::uploads::{MediaRecord, MediaStore, Purpose};
use agora_core::time::Timestamp;
use agora_core::{MemberId, StoreError};

use crate::SqlStore;
use crate::db::{Handle, LockTable};

#[derive(sqlx::FromRow)]
struct MediaRow {
    name: String,
    purpose: String,
    owner_id: Option<i64>,
    audience_kind: Option<String>,
    audience_id: Option<i64>,
    bytes: i64,
    created_at: i64,
    slug: Option<String>,
}

impl MediaRow {
    fn record(self) -> Result<(MediaRecord, Option<String>), StoreError> {
        let purpose = Purpose::parse(&self.purpose)
            .ok_or_else(|| StoreError::Other(format!("unknown media purpose {}", self.purpose)))?;
        Ok((
            MediaRecord {
                name: self.name,
                purpose,
                owner: self.owner_id.map(MemberId),
                audience: AudienceRef::stored(self.audience_kind.as_deref(), self.audience_id),
                bytes: self.bytes,
                created_at: Timestamp(self.created_at),
            },
            self.slug,
        ))
    }
}

/// A group's file whose group was deleted (`group_id` set null) has no audience any more.
const COLUMNS: &str = "m.name, m.purpose, m.owner_id, \
    CASE WHEN m.audience_kind = 'group' AND m.group_id IS NULL THEN NULL ELSE m.audience_kind END AS audience_kind, \
    m.audience_id, m.bytes, m.created_at, \
    g.slug FROM media m LEFT JOIN groups g ON g.id = m.group_id";

/// Records `rows`; a name recorded already keeps its first row (the same bytes under the same
/// audience's salt).
pub(crate) async fn insert(tx: &mut Handle, rows: &[MediaRecord]) -> Result<(), StoreError> {
    for r in rows {
        tx.execute(
            "INSERT INTO media (name, purpose, owner_id, group_id, audience_kind, audience_id, \
             bytes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (name) DO NOTHING",
            &[
                (&r.name).into(),
                r.purpose.as_str().into(),
                r.owner.map(|m| m.0).into(),
                r.audience.and_then(AudienceRef::group_id).map(|g| g.0).into(),
                r.audience.map(|a| a.kind.as_str()).into(),
                r.audience.map(|a| a.id).into(),
                r.bytes.into(),
                r.created_at.0.into(),
            ],
        )
        .await?;
    }
    Ok(())
}

#[async_trait]
impl MediaStore for SqlStore {
    async fn record_media(&self, rows: &[MediaRecord]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let rows = rows.to_vec();
        self.pools
            .write(move |tx| Box::pin(async move { insert(tx, &rows).await }))
            .await
    }

    async fn media_record(&self, name: &str) -> Result<Option<MediaRecord>, StoreError> {
        let mut db = self.pools.read().await?;
        db.optional::<MediaRow>(
            format!("SELECT {COLUMNS} WHERE m.name = $1"),
            &[name.into()],
        )
        .await?
        .map(|r| r.record().map(|(r, _)| r))
        .transpose()
    }

    async fn replace_avatar(
        &self,
        member: MemberId,
        sizes: &[MediaRecord],
    ) -> Result<Vec<String>, StoreError> {
        let sizes = sizes.to_vec();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    // Two uploads at once: the second waits, and replaces the first's.
                    tx.lock_row(LockTable::Members, member.0).await?;
                    let old = tx
                        .all::<NameRow>(
                            "DELETE FROM media WHERE owner_id = $1 AND purpose = 'avatar' \
                             RETURNING name",
                            &[member.0.into()],
                        )
                        .await?;
                    insert(tx, &sizes).await?;
                    Ok(old.into_iter().map(|r| r.name).collect())
                })
            })
            .await
    }

    async fn avatar_files(&self, member: MemberId) -> Result<Vec<String>, StoreError> {
        let mut db = self.pools.read().await?;
        let rows = db
            .all::<NameRow>(
                "SELECT name FROM media WHERE owner_id = $1 AND purpose = 'avatar' \
                 ORDER BY name",
                &[member.0.into()],
            )
            .await?;
        Ok(rows.into_iter().map(|r| r.name).collect())
    }

    async fn avatar_files_of(
        &self,
        members: &[MemberId],
    ) -> Result<Vec<(MemberId, String)>, StoreError> {
        if members.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=members.len()).map(|i| format!("${i}")).collect();
        let args: Vec<crate::db::Arg<'_>> = members.iter().map(|m| m.0.into()).collect();
        let mut db = self.pools.read().await?;
        let rows = db
            .all::<OwnedNameRow>(
                format!(
                    "SELECT owner_id, name FROM media WHERE purpose = 'avatar' AND owner_id IN ({})",
                    placeholders.join(", ")
                ),
                &args,
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| (MemberId(r.owner_id), r.name))
            .collect())
    }

    async fn media_of(
        &self,
        member: MemberId,
    ) -> Result<Vec<(MediaRecord, Option<String>)>, StoreError> {
        let mut db = self.pools.read().await?;
        db.all::<MediaRow>(
            format!("SELECT {COLUMNS} WHERE m.owner_id = $1 ORDER BY m.created_at, m.name"),
            &[member.0.into()],
        )
        .await?
        .into_iter()
        .map(MediaRow::record)
        .collect()
    }
}

#[derive(sqlx::FromRow)]
struct NameRow {
    name: String,
}

#[derive(sqlx::FromRow)]
struct OwnedNameRow {
    owner_id: i64,
    name: String,
}
