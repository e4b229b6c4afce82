//! A group's creation, edits (name, description, visibility, archiving) and deletion, each
//! inside the caller's write transaction.

use agora_core::audit::NewAuditEntry;
use agora_core::events::Event;
use agora_core::groups::{GroupChange, GroupRole, NewGroup};
use agora_core::time::Timestamp;
use agora_core::{GroupId, MemberId, StoreError};

use super::memberships::add_membership;
use crate::db::{Handle, Int};

/// Inserts a group with its owner as its first member.
pub(super) async fn insert(tx: &mut Handle, g: &NewGroup) -> Result<GroupId, StoreError> {
    let id = tx
        .one::<Int>(
            "INSERT INTO groups (slug, name, description, visibility, created_by, created_at, last_activity_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
            &[
                (&g.slug).into(),
                (&g.name).into(),
                (&g.description).into(),
                g.visibility.as_str().into(),
                g.owner.0.into(),
                g.at.0.into(),
            ],
        )
        .await?;
    let id = GroupId(id.0);
    add_membership(tx, id, g.owner, GroupRole::Owner, (g.owner, g.at)).await?;
    let created = Event::GroupCreated {
        group: id.0,
        by: Some(g.owner.0),
    };
    crate::events::record(tx, g.at, &[created]).await?;
    Ok(id)
}

/// Applies a change to a group, with its audit entries and its event.
pub(super) async fn update(
    tx: &mut Handle,
    c: &GroupChange,
    what: String,
    audit: &[NewAuditEntry],
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE groups SET name = COALESCE($2, name), \
         description = COALESCE($3, description), \
         visibility = COALESCE($4, visibility) WHERE id = $1",
        &[
            c.id.0.into(),
            c.name.as_deref().into(),
            c.description.as_deref().into(),
            c.visibility.map(|v| v.as_str()).into(),
        ],
    )
    .await?;
    match c.archived {
        Some(true) => {
            tx.execute(
                "UPDATE groups SET archived_at = $2 WHERE id = $1 AND archived_at IS NULL",
                &[c.id.0.into(), c.at.0.into()],
            )
            .await?;
        }
        Some(false) => {
            tx.execute(
                "UPDATE groups SET archived_at = NULL WHERE id = $1",
                &[c.id.0.into()],
            )
            .await?;
        }
        None => {}
    }
    crate::audit::record(tx, audit).await?;
    let changed = Event::GroupChanged {
        group: c.id.0,
        by: c.by.0,
        what,
    };
    crate::events::record(tx, c.at, &[changed]).await
}

/// Deletes an archived group; false if it is not (or no longer) archived and undeleted.
pub(super) async fn delete(
    tx: &mut Handle,
    id: GroupId,
    by: MemberId,
    at: Timestamp,
    audit: &[NewAuditEntry],
) -> Result<bool, StoreError> {
    // The address is freed (a deleted group's slug gets its id appended, which
    // no typed slug can name); pending requests and invitations end with it.
    // Checked in the statement: a group made active again, or deleted by a
    // simultaneous request, is left as it is.
    let deleted = tx
        .execute(
            "UPDATE groups SET deleted_at = $2, slug = slug || '~' || CAST(id AS TEXT) \
             WHERE id = $1 AND deleted_at IS NULL AND archived_at IS NOT NULL",
            &[id.0.into(), at.0.into()],
        )
        .await?;
    if deleted == 0 {
        return Ok(false);
    }
    tx.execute(
        "UPDATE join_requests SET state = 'withdrawn' WHERE group_id = $1 AND state = 'pending'",
        &[id.0.into()],
    )
    .await?;
    tx.execute(
        "UPDATE invitations SET state = 'revoked' WHERE group_id = $1 AND state = 'pending'",
        &[id.0.into()],
    )
    .await?;
    crate::audit::record(tx, audit).await?;
    let changed = Event::GroupChanged {
        group: id.0,
        by: by.0,
        what: "deleted".into(),
    };
    crate::events::record(tx, at, &[changed]).await?;
    Ok(true)
}
