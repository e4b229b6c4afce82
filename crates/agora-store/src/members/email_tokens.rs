//! `EmailTokenStore`: the links mailed to confirm an address or reset a password, each taken
//! once, for its purpose, before it expires.

use async_trait::async_trait;

use agora_core::members::Member;
use agora_core::time::Timestamp;
use agora_core::{MemberId, StoreError};

use super::inserts::insert_email_token;
use crate::SqlStore;
use crate::db::Handle;
use crate::rows::{MEMBER_COLUMNS, MemberRow};

/// Marks every live link of `purpose` the member still has used, inside the caller's
/// transaction.
async fn revoke_tokens(
    tx: &mut Handle,
    member: i64,
    purpose: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE email_tokens SET used_at = $3 WHERE member_id = $1 AND purpose = $2 AND used_at IS NULL",
        &[member.into(), purpose.into(), now.0.into()],
    )
    .await
    .map(|_| ())
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    member_id: i64,
    email: String,
}

impl SqlStore {
    /// Marks a live token used and returns it, inside the caller's transaction. One statement
    /// that checks and marks: of two transactions taking the same token, or tokens one of
    /// which revokes the other, at most one gets it (on PostgreSQL the second waits for the
    /// first's row lock and then finds the token used).
    async fn take_token(
        tx: &mut crate::db::Handle,
        token_hash: &str,
        purpose: &str,
        now: Timestamp,
    ) -> Result<Option<TokenRow>, StoreError> {
        tx.optional::<TokenRow>(
            "UPDATE email_tokens SET used_at = $3 \
             WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 \
             RETURNING member_id, email",
            &[token_hash.into(), purpose.into(), now.0.into()],
        )
        .await
    }
}

#[async_trait]
impl agora_core::store::EmailTokenStore for SqlStore {
    async fn insert_email_token(
        &self,
        token_hash: &str,
        member: MemberId,
        purpose: &str,
        email: &str,
        at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        let (token_hash, purpose, email) =
            (token_hash.to_owned(), purpose.to_owned(), email.to_owned());
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    insert_email_token(tx, &token_hash, member, &purpose, &email, at, expires_at)
                        .await
                })
            })
            .await
    }

    async fn confirm_email(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<MemberId>, StoreError> {
        let token_hash = token_hash.to_owned();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let token_hash = token_hash.as_str();
                    let Some(token) = Self::take_token(tx, token_hash, "verify", now).await? else {
                        return Ok(None);
                    };
                    let moved = tx
                        .execute(
                            "UPDATE members SET email = $2, email_verified_at = $3, updated_at = $3 \
                             WHERE id = $1 AND email <> $2",
                            &[token.member_id.into(), (&token.email).into(), now.0.into()],
                        )
                        .await?;
                    if moved > 0 {
                        // A new address: every link mailed before, to this address or the old
                        // one, is void (a reset link in the old mailbox would hand it the account).
                        revoke_tokens(tx, token.member_id, "verify", now).await?;
                        revoke_tokens(tx, token.member_id, "reset", now).await?;
                    } else {
                        tx.execute(
                            "UPDATE members SET email_verified_at = $2, updated_at = $2 \
                             WHERE id = $1 AND email_verified_at IS NULL",
                            &[token.member_id.into(), now.0.into()],
                        )
                        .await?;
                    }
                    Ok(Some(MemberId(token.member_id)))
                })
            })
            .await
    }

    async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: Timestamp,
    ) -> Result<Option<MemberId>, StoreError> {
        let token_hash = token_hash.to_owned();
        let password_hash = password_hash.to_owned();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let token_hash = token_hash.as_str();
                    let password_hash = password_hash.as_str();
                    let Some(token) = Self::take_token(tx, token_hash, "reset", now).await? else {
                        return Ok(None);
                    };
                    // One reset ends them all: another link in the mailbox no longer works.
                    revoke_tokens(tx, token.member_id, "reset", now).await?;
                    tx.execute(
                        "UPDATE members SET password_hash = $2, updated_at = $3 WHERE id = $1",
                        &[token.member_id.into(), password_hash.into(), now.0.into()],
                    )
                    .await?;
                    tx.execute(
                        "DELETE FROM sessions WHERE member_id = $1",
                        &[token.member_id.into()],
                    )
                    .await?;
                    Ok(Some(MemberId(token.member_id)))
                })
            })
            .await
    }

    async fn member_by_email(&self, email: &str) -> Result<Option<Member>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM members m WHERE m.email = $1 \
             ORDER BY m.email_verified_at IS NULL, m.id LIMIT 1"
        );
        let key = email.to_lowercase();
        Ok(db
            .optional::<MemberRow>(sql, &[(&key).into()])
            .await?
            .map(Member::from))
    }
}
