//! The inserts several write transactions share (a member, a session, an email link, the
//! settings), each run inside the caller's transaction.

use agora_core::members::{NewMember, SessionKind};
use agora_core::time::Timestamp;
use agora_core::{MemberId, StoreError};

use crate::db::{Handle, Int};

pub(super) async fn insert_member(tx: &mut Handle, m: &NewMember) -> Result<MemberId, StoreError> {
    let id = tx
        .one::<Int>(
            "INSERT INTO members (username, username_key, email, display_name, password_hash, role, \
             created_at, updated_at, email_verified_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id",
            &[
                m.username.as_str().into(),
                (&m.username.canonical()).into(),
                m.email.as_str().into(),
                m.display_name.as_str().into(),
                (&m.password_hash).into(),
                m.role.as_str().into(),
                m.at.0.into(),
                m.verified.then_some(m.at.0).into(),
            ],
        )
        .await?;
    let registered = agora_core::events::Event::MemberRegistered { member: id.0 };
    crate::events::record(tx, m.at, &[registered]).await?;
    Ok(MemberId(id.0))
}

pub(super) async fn insert_session(
    tx: &mut Handle,
    token_hash: &str,
    member: MemberId,
    kind: SessionKind,
    at: Timestamp,
    expires_at: Timestamp,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO sessions (token_hash, member_id, kind, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $4, $5)",
        &[
            token_hash.into(),
            member.0.into(),
            kind.as_str().into(),
            at.0.into(),
            expires_at.0.into(),
        ],
    )
    .await
    .map(|_| ())
}

pub(super) async fn insert_email_token(
    tx: &mut Handle,
    token_hash: &str,
    member: MemberId,
    purpose: &str,
    email: &str,
    at: Timestamp,
    expires_at: Timestamp,
) -> Result<(), StoreError> {
    if purpose == "verify" {
        // A link for another address is one the member has moved on from: only the address
        // asked for last is pending.
        tx.execute(
            "UPDATE email_tokens SET used_at = $3 \
             WHERE member_id = $1 AND purpose = 'verify' AND used_at IS NULL AND email <> $2",
            &[member.0.into(), email.into(), at.0.into()],
        )
        .await?;
    }
    tx.execute(
        "INSERT INTO email_tokens (token_hash, member_id, purpose, email, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            token_hash.into(),
            member.0.into(),
            purpose.into(),
            email.into(),
            at.0.into(),
            expires_at.0.into(),
        ],
    )
    .await
    .map(|_| ())
}

pub(super) async fn write_settings(
    tx: &mut Handle,
    pairs: &[(String, String)],
) -> Result<(), StoreError> {
    for (key, value) in pairs {
        tx.execute(
            "INSERT INTO settings (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[key.into(), value.into()],
        )
        .await?;
    }
    Ok(())
}
