//! `MailingStore`: who opted into which mail (read from the consent ledger), and bulletins.

use async_trait::async_trait;

use agora_core::audit::NewAuditEntry;
use agora_core::events::Event;
use agora_core::mailings::{Bulletin, Recipient};
use agora_core::store::MailingStore;
use agora_core::time::Timestamp;
use agora_core::{MemberId, StoreError};

use crate::SqlStore;
use crate::db::{Handle, Int};

/// Verified members whose latest ledger row for `$1` says yes, without an active ban at `$2`.
const OPTED_IN: &str = "FROM members m WHERE m.email_verified_at IS NOT NULL \
    AND (SELECT c.granted FROM consents c WHERE c.member_id = m.id AND c.subject = $1 \
         ORDER BY c.id DESC LIMIT 1) = TRUE \
    AND NOT EXISTS (SELECT 1 FROM sanctions x WHERE x.member_id = m.id AND x.kind = 'ban' \
         AND x.lifted_at IS NULL AND x.starts_at <= $2)";

#[derive(sqlx::FromRow)]
struct RecipientRow {
    id: i64,
    display_name: String,
    email: String,
}

#[derive(sqlx::FromRow)]
struct BulletinRow {
    id: i64,
    subject: String,
    body: String,
    sent_by_name: String,
    created_at: i64,
    recipients: i64,
    sent: i64,
}

impl From<BulletinRow> for Bulletin {
    fn from(r: BulletinRow) -> Self {
        Self {
            id: r.id,
            subject: r.subject,
            body: r.body,
            sent_by: r.sent_by_name,
            created_at: Timestamp(r.created_at),
            recipients: r.recipients,
            sent: r.sent,
        }
    }
}

const BULLETIN_COLUMNS: &str = "id, subject, body, sent_by_name, created_at, recipients, sent";

async fn bulletin(db: &mut Handle, id: i64) -> Result<Bulletin, StoreError> {
    let sql = format!("SELECT {BULLETIN_COLUMNS} FROM bulletins WHERE id = $1");
    Ok(db.one::<BulletinRow>(sql, &[id.into()]).await?.into())
}

#[async_trait]
impl MailingStore for SqlStore {
    async fn count_opted_in(&self, subject: &str, now: Timestamp) -> Result<i64, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!("SELECT COUNT(*) {OPTED_IN}");
        Ok(db.one::<Int>(sql, &[subject.into(), now.0.into()]).await?.0)
    }

    async fn opted_in(
        &self,
        subject: &str,
        now: Timestamp,
        after: MemberId,
        limit: u32,
    ) -> Result<Vec<Recipient>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!(
            "SELECT m.id, m.display_name, m.email {OPTED_IN} AND m.id > $3 ORDER BY m.id LIMIT $4"
        );
        let rows = db
            .all::<RecipientRow>(
                sql,
                &[
                    subject.into(),
                    now.0.into(),
                    after.0.into(),
                    i64::from(limit).into(),
                ],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| Recipient {
                id: MemberId(r.id),
                display_name: r.display_name,
                email: r.email,
            })
            .collect())
    }

    async fn insert_bulletin(
        &self,
        subject: &str,
        body: &str,
        by: MemberId,
        at: Timestamp,
        recipients: i64,
        audit: &[NewAuditEntry],
    ) -> Result<Bulletin, StoreError> {
        let audit = audit.to_vec();
        let subject = subject.to_owned();
        let body = body.to_owned();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let subject = subject.as_str();
                    let body = body.as_str();
                    let id = tx
                        .one::<Int>(
                            "INSERT INTO bulletins (subject, body, sent_by, sent_by_name, created_at, recipients) \
                             SELECT $1, $2, m.id, m.username, $4, $5 FROM members m WHERE m.id = $3 RETURNING id",
                            &[
                                subject.into(),
                                body.into(),
                                by.0.into(),
                                at.0.into(),
                                recipients.into(),
                            ],
                        )
                        .await?
                        .0;
                    let b = bulletin(tx, id).await?;
                    let audit: Vec<NewAuditEntry> = audit
                        .into_iter()
                        .map(|mut e| {
                            if e.target.id.is_none() {
                                e.target.id = Some(id);
                                e.target.label.push_str(&id.to_string());
                            }
                            e
                        })
                        .collect();
                    crate::audit::record(tx, &audit).await?;
                    crate::events::record(tx, at, &[Event::BulletinSent {
                            bulletin: id,
                            by: Some(by.0),
                        }])
                        .await?;
                    Ok(b)
                })
            })
            .await
    }

    async fn bulletin_progress(
        &self,
        id: i64,
        through: MemberId,
        sent: i64,
    ) -> Result<(), StoreError> {
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    tx.execute(
                        "UPDATE bulletins SET sent = $2, delivered_through = $3 WHERE id = $1",
                        &[id.into(), sent.into(), through.0.into()],
                    )
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    async fn bulletin_delivery(&self, id: i64) -> Result<Option<(Bulletin, MemberId)>, StoreError> {
        let mut db = self.pools.read().await?;
        let Some(through) = db
            .optional::<Int>(
                "SELECT delivered_through FROM bulletins WHERE id = $1",
                &[id.into()],
            )
            .await?
        else {
            return Ok(None);
        };
        Ok(Some((bulletin(&mut db, id).await?, MemberId(through.0))))
    }

    async fn bulletins(&self, limit: u32) -> Result<Vec<Bulletin>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!("SELECT {BULLETIN_COLUMNS} FROM bulletins ORDER BY id DESC LIMIT $1");
        let rows = db
            .all::<BulletinRow>(sql, &[i64::from(limit).into()])
            .await?;
        Ok(rows.into_iter().map(Bulletin::from).collect())
    }
}
