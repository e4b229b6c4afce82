//! `MemberStore`: members, sessions, settings and rate counters.

mod blocks;
mod email_tokens;
mod inserts;
mod rows;

use async_trait::async_trait;

use agora_core::audit::NewAuditEntry;
use agora_core::events::Event;
use agora_core::members::{Credentials, Member, NewMember, NewSignup, SessionKind};
use agora_core::store::{MemberStore, SessionActor, WindowCount};
use agora_core::time::Timestamp;
use agora_core::trust::TrustLevel;
use agora_core::viewer::{Actor, SiteRole};
use agora_core::{MemberId, StoreError};

use self::inserts::{insert_email_token, insert_member, insert_session, write_settings};
use self::rows::{CounterRow, CredentialsRow, SESSION_SQL, SessionRow, SettingRow};
use crate::SqlStore;
use crate::db::Int;
use crate::rows::{MEMBER_COLUMNS, MemberRow};

/// Sessions are touched (and their expiry slid forward) at most this often, in seconds.
const SESSION_TOUCH_SECS: i64 = 3_600;

#[async_trait]
impl MemberStore for SqlStore {
    async fn insert_member(&self, m: &NewMember) -> Result<MemberId, StoreError> {
        let m = m.clone();
        self.pools
            .write(move |tx| Box::pin(async move { insert_member(tx, &m).await }))
            .await
    }

    async fn insert_signup(&self, s: &NewSignup) -> Result<MemberId, StoreError> {
        let s = s.clone();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let id = insert_member(tx, &s.member).await?;
                    let at = s.member.at;
                    crate::consent::insert_consents(tx, id, &s.consents, at).await?;
                    insert_email_token(
                        tx,
                        &s.verify_token_hash,
                        id,
                        "verify",
                        s.member.email.as_str(),
                        at,
                        s.verify_expires_at,
                    )
                    .await?;
                    insert_session(
                        tx,
                        &s.session_hash,
                        id,
                        s.session_kind,
                        at,
                        s.session_expires_at,
                    )
                    .await?;
                    Ok(id)
                })
            })
            .await
    }

    async fn member_by_id(&self, id: MemberId) -> Result<Option<Member>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!("SELECT {MEMBER_COLUMNS} FROM members m WHERE m.id = $1");
        Ok(db
            .optional::<MemberRow>(sql, &[id.0.into()])
            .await?
            .map(Member::from))
    }

    async fn member_by_username(&self, username: &str) -> Result<Option<Member>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!("SELECT {MEMBER_COLUMNS} FROM members m WHERE m.username_key = $1");
        let key = username.to_ascii_lowercase();
        Ok(db
            .optional::<MemberRow>(sql, &[(&key).into()])
            .await?
            .map(Member::from))
    }

    async fn credentials(&self, login: &str) -> Result<Option<Credentials>, StoreError> {
        let mut db = self.pools.read().await?;
        let key = login.to_lowercase();
        let sql = format!(
            "SELECT {MEMBER_COLUMNS}, m.password_hash FROM members m \
             WHERE m.username_key = $1 OR (m.email = $1 AND m.email_verified_at IS NOT NULL) \
             ORDER BY m.username_key = $1 DESC, m.id LIMIT 1"
        );
        Ok(db
            .optional::<CredentialsRow>(sql, &[(&key).into()])
            .await?
            .map(|r| Credentials {
                member: r.member.into(),
                password_hash: r.password_hash,
            }))
    }

    async fn update_profile(
        &self,
        id: MemberId,
        display_name: &str,
        bio: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let display_name = display_name.to_owned();
        let bio = bio.to_owned();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let display_name = display_name.as_str();
                    let bio = bio.as_str();
                    tx.execute(
            "UPDATE members SET display_name = $1, bio = $2, updated_at = $3 WHERE id = $4",
            &[
                display_name.into(),
                bio.into(),
                at.0.into(),
                id.0.into(),
            ],
        )
        .await?;
                    let by = Some(id.0);
                    let changed = Event::MemberChanged { member: id.0, by };
                    crate::events::record(tx, at, &[changed]).await
                })
            })
            .await
    }

    async fn set_site_role(
        &self,
        id: MemberId,
        role: SiteRole,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<(), StoreError> {
        let audit = audit.to_vec();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    tx.execute(
                        "UPDATE members SET role = $1 WHERE id = $2",
                        &[role.as_str().into(), id.0.into()],
                    )
                    .await?;
                    let by = crate::events::actor(&audit);
                    let changed = Event::MemberChanged { member: id.0, by };
                    crate::events::record(tx, at, &[changed]).await?;
                    crate::audit::record(tx, &audit).await?;
                    Ok(())
                })
            })
            .await
    }

    async fn count_members(&self) -> Result<i64, StoreError> {
        let mut db = self.pools.read().await?;
        Ok(db.one::<Int>("SELECT COUNT(*) FROM members", &[]).await?.0)
    }

    async fn roster(
        &self,
        filter: &agora_core::site::roster::RosterFilter,
    ) -> Result<(Vec<agora_core::site::roster::RosterRow>, i64), StoreError> {
        crate::roster::roster(self, filter).await
    }

    async fn list_members(
        &self,
        after: Option<MemberId>,
        limit: u32,
    ) -> Result<Vec<Member>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM members m WHERE m.id > $1 ORDER BY m.id LIMIT $2"
        );
        let rows = db
            .all::<MemberRow>(
                sql,
                &[after.map_or(0, |a| a.0).into(), i64::from(limit).into()],
            )
            .await?;
        Ok(rows.into_iter().map(Member::from).collect())
    }

    async fn insert_session(
        &self,
        token_hash: &str,
        member: MemberId,
        kind: SessionKind,
        at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        let token_hash = token_hash.to_owned();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    insert_session(tx, &token_hash, member, kind, at, expires_at).await
                })
            })
            .await
    }

    async fn session_actor(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<SessionActor>, StoreError> {
        let row = {
            let mut db = self.pools.read().await?;
            db.optional::<SessionRow>(SESSION_SQL.as_str(), &[token_hash.into(), now.0.into()])
                .await?
        };
        let Some(row) = row else { return Ok(None) };
        if row.last_seen_at < now.plus_seconds(-SESSION_TOUCH_SECS).0 {
            // Slide the expiry forward by as long as has passed since the last touch.
            let token_hash = token_hash.to_owned();
            self.pools
                .write(move |tx| {
                    Box::pin(async move {
                        tx.execute(
                            "UPDATE sessions SET expires_at = expires_at + ($1 - last_seen_at), \
                             last_seen_at = $1 WHERE token_hash = $2",
                            &[now.0.into(), (&token_hash).into()],
                        )
                        .await
                    })
                })
                .await?;
        }
        Ok(Some(SessionActor {
            actor: Actor {
                id: MemberId(row.id),
                username: row.username,
                role: SiteRole::parse(&row.role).unwrap_or(SiteRole::Member),
                verified: row.verified,
                restriction: agora_core::viewer::Restriction::from_level(row.restriction),
                trust: TrustLevel::from_number(row.trust_level).unwrap_or_default(),
            },
            last_visit_day: row.last_visit_day.unwrap_or(0),
            display_name: row.display_name,
            invitations: row.invitations,
            pending_documents: row.pending_documents,
            header_counts: row.header_counts.0,
            ignoring: row
                .ignoring
                .as_deref()
                .unwrap_or_default()
                .split(',')
                .filter_map(|id| id.parse().ok().map(MemberId))
                .collect(),
        }))
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let token_hash = token_hash.to_owned();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let token_hash = token_hash.as_str();
                    tx.execute(
                        "DELETE FROM sessions WHERE token_hash = $1",
                        &[token_hash.into()],
                    )
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    async fn bump_counter(
        &self,
        key: &str,
        now: Timestamp,
        window_floor: Timestamp,
    ) -> Result<WindowCount, StoreError> {
        let key = key.to_owned();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let key = key.as_str();
                    let row = tx
                        .one::<CounterRow>(
                            "INSERT INTO rate_counters (key, window_start, hits) VALUES ($1, $2, 1) \
                             ON CONFLICT (key) DO UPDATE SET \
                               hits = CASE WHEN rate_counters.window_start < $3 THEN 1 ELSE rate_counters.hits + 1 END, \
                               window_start = CASE WHEN rate_counters.window_start < $3 THEN $2 ELSE rate_counters.window_start END \
                             RETURNING hits, window_start",
                            &[key.into(), now.0.into(), window_floor.0.into()],
                        )
                        .await?;
                    Ok(WindowCount {
                        hits: row.hits,
                        window_start: Timestamp(row.window_start),
                    })
                })
            })
            .await
    }

    async fn read_counter(
        &self,
        key: &str,
        window_floor: Timestamp,
    ) -> Result<Option<WindowCount>, StoreError> {
        let mut db = self.pools.read().await?;
        let row = db
            .optional::<CounterRow>(
                "SELECT hits, window_start FROM rate_counters WHERE key = $1 AND window_start >= $2",
                &[key.into(), window_floor.0.into()],
            )
            .await?;
        Ok(row.map(|r| WindowCount {
            hits: r.hits,
            window_start: Timestamp(r.window_start),
        }))
    }

    async fn clear_counter(&self, key: &str) -> Result<(), StoreError> {
        let key = key.to_owned();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let key = key.as_str();
                    tx.execute("DELETE FROM rate_counters WHERE key = $1", &[key.into()])
                        .await?;
                    Ok(())
                })
            })
            .await
    }

    async fn release_counter(&self, key: &str, window_floor: Timestamp) -> Result<(), StoreError> {
        let key = key.to_owned();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    tx.execute(
                        "UPDATE rate_counters SET hits = hits - 1 \
                         WHERE key = $1 AND hits > 0 AND window_start >= $2",
                        &[key.as_str().into(), window_floor.0.into()],
                    )
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    async fn settings(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut db = self.pools.read().await?;
        let rows = db
            .all::<SettingRow>("SELECT key, value FROM settings", &[])
            .await?;
        Ok(rows.into_iter().map(|r| (r.key, r.value)).collect())
    }

    async fn put_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let pairs = [(key.to_owned(), value.to_owned())];
        self.pools
            .write(move |tx| Box::pin(async move { write_settings(tx, &pairs).await }))
            .await
    }

    async fn put_settings(
        &self,
        pairs: &[(String, String)],
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<(), StoreError> {
        let audit = audit.to_vec();
        let pairs = pairs.to_vec();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    write_settings(tx, &pairs).await?;
                    let changed = Event::SiteChanged {
                        what: "settings".into(),
                        by: crate::events::actor(&audit),
                    };
                    crate::events::record(tx, at, &[changed]).await?;
                    crate::audit::record(tx, &audit).await?;
                    Ok(())
                })
            })
            .await
    }
}
