//! `SanctionStore`: sanctions on members and their appeals.

use async_trait::async_trait;

use agora_core::audit::NewAuditEntry;
use agora_core::events::Event;
use agora_core::sanctions::{Appeal, NewSanction, Sanction, SanctionKind};
use agora_core::store::SanctionStore;
use agora_core::time::Timestamp;
use agora_core::{MemberId, StoreError};

use crate::SqlStore;
use crate::db::Int;

#[derive(sqlx::FromRow)]
struct SanctionRow {
    id: i64,
    member_id: i64,
    kind: String,
    reason: String,
    starts_at: i64,
    ends_at: Option<i64>,
    lifted_at: Option<i64>,
}

impl From<SanctionRow> for Sanction {
    fn from(r: SanctionRow) -> Self {
        Self {
            id: r.id,
            member: MemberId(r.member_id),
            kind: SanctionKind::parse(&r.kind).unwrap_or(SanctionKind::Warning),
            reason: r.reason,
            starts_at: Timestamp(r.starts_at),
            ends_at: r.ends_at.map(Timestamp),
            lifted: r.lifted_at.is_some(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct AppealRow {
    id: i64,
    sanction_id: i64,
    username: String,
    kind: String,
    reason: String,
    message: String,
    created_at: i64,
}

const SANCTION_COLUMNS: &str = "id, member_id, kind, reason, starts_at, ends_at, lifted_at";

#[async_trait]
impl SanctionStore for SqlStore {
    async fn insert_sanction(
        &self,
        s: &NewSanction,
        audit: &[NewAuditEntry],
    ) -> Result<Sanction, StoreError> {
        let audit = audit.to_vec();
        let s = s.clone();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let s = &s;
                    let id = tx
            .one::<Int>(
                "INSERT INTO sanctions (member_id, kind, reason, starts_at, ends_at, by_id) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    s.member.0.into(),
                    s.kind.as_str().into(),
                    (&s.reason).into(),
                    s.starts_at.0.into(),
                    s.ends_at.map(|e| e.0).into(),
                    s.by.0.into(),
                ],
            )
            .await?
            .0;
                    let sanctioned = Event::MemberSanctioned {
                        member: s.member.0,
                        sanction: id,
                        kind: s.kind.as_str().into(),
                        by: crate::events::actor(&audit),
                    };
                    crate::events::record(tx, s.starts_at, &[sanctioned]).await?;
                    crate::audit::record(tx, &audit).await?;
                    Ok(Sanction {
                        id,
                        member: s.member,
                        kind: s.kind,
                        reason: s.reason.clone(),
                        starts_at: s.starts_at,
                        ends_at: s.ends_at,
                        lifted: false,
                    })
                })
            })
            .await
    }

    async fn lift_sanction(
        &self,
        id: i64,
        by: MemberId,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<bool, StoreError> {
        let audit = audit.to_vec();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let n = tx
                        .execute(
                            "UPDATE sanctions SET lifted_at = $3, lifted_by = $2 WHERE id = $1 AND lifted_at IS NULL",
                            &[id.into(), by.0.into(), at.0.into()],
                        )
                        .await?;
                    if n > 0 {
                        let member = tx
                            .one::<Int>("SELECT member_id FROM sanctions WHERE id = $1", &[id.into()])
                            .await?
                            .0;
                        let lifted = Event::SanctionLifted {
                            member,
                            sanction: id,
                            by: crate::events::actor(&audit),
                        };
                        crate::events::record(tx, at, &[lifted]).await?;
                        crate::audit::record(tx, &audit).await?;
                    }
                    Ok(n > 0)
                })
            })
            .await
    }

    async fn sanctions_of(&self, member: MemberId) -> Result<Vec<Sanction>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!(
            "SELECT {SANCTION_COLUMNS} FROM sanctions WHERE member_id = $1 ORDER BY id DESC"
        );
        Ok(db
            .all::<SanctionRow>(sql, &[member.0.into()])
            .await?
            .into_iter()
            .map(Sanction::from)
            .collect())
    }

    async fn insert_appeal(
        &self,
        sanction: i64,
        member: MemberId,
        message: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let message = message.to_owned();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let message = message.as_str();
                    tx.execute(
                        "INSERT INTO appeals (sanction_id, member_id, message, created_at) VALUES ($1, $2, $3, $4)",
                        &[sanction.into(), member.0.into(), message.into(), at.0.into()],
                    )
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    async fn appeals(&self, limit: u32) -> Result<Vec<Appeal>, StoreError> {
        let mut db = self.pools.read().await?;
        let rows = db
            .all::<AppealRow>(
                "SELECT a.id, a.sanction_id, m.username, s.kind, s.reason, a.message, a.created_at \
                 FROM appeals a JOIN sanctions s ON s.id = a.sanction_id JOIN members m ON m.id = a.member_id \
                 ORDER BY a.id DESC LIMIT $1",
                &[i64::from(limit).into()],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| Appeal {
                id: r.id,
                sanction_id: r.sanction_id,
                username: r.username,
                kind: SanctionKind::parse(&r.kind).unwrap_or(SanctionKind::Warning),
                reason: r.reason,
                message: r.message,
                created_at: Timestamp(r.created_at),
            })
            .collect())
    }
}
