//! `GroupStore`: groups, memberships (with the cached member count kept in step), join
//! requests and invitations.

use async_trait::async_trait;

use agora_core::audit::NewAuditEntry;
use agora_core::events::Event;
use agora_core::groups::policy::{Relation, Scope};
use agora_core::groups::{
    Group, GroupChange, GroupMember, GroupRole, Invitation, JoinRequest, NewGroup,
};
use agora_core::paging::NameCursor;
use agora_core::store::{GroupStore, RoleChange};
use agora_core::time::Timestamp;
use agora_core::{GroupId, InvitationId, MemberId, StoreError};

use crate::SqlStore;
use crate::db::{Handle, Int, LockTable};
use crate::rows::{GROUP_COLUMNS, GroupRow};
use crate::scope::group_filter;

#[derive(sqlx::FromRow)]
struct MemberOfGroupRow {
    member_id: i64,
    username: String,
    display_name: String,
    role: String,
    joined_at: i64,
}

#[derive(sqlx::FromRow)]
struct RequestRow {
    member_id: i64,
    username: String,
    display_name: String,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct InvitationRow {
    id: i64,
    group_id: i64,
    invitee_id: i64,
    inviter_id: Option<i64>,
    state: String,
    created_at: i64,
}

impl From<InvitationRow> for Invitation {
    fn from(r: InvitationRow) -> Self {
        Self {
            id: InvitationId(r.id),
            group_id: GroupId(r.group_id),
            invitee: MemberId(r.invitee_id),
            invited_by: MemberId(r.inviter_id.unwrap_or_default()),
            state: r.state,
            created_at: Timestamp(r.created_at),
        }
    }
}

const INVITATION_COLUMNS: &str =
    "inv.id, inv.group_id, inv.invitee_id, inv.inviter_id, inv.state, inv.created_at";

/// Adds a membership inside an open transaction and keeps the cached count in step; clears
/// the member's pending request and invitations to the group.
async fn add_membership(
    tx: &mut Handle,
    group: GroupId,
    member: MemberId,
    role: GroupRole,
    at: Timestamp,
) -> Result<bool, StoreError> {
    let added = tx
        .execute(
            "INSERT INTO group_members (group_id, member_id, role, joined_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (group_id, member_id) DO NOTHING",
            &[group.0.into(), member.0.into(), role.as_str().into(), at.0.into()],
        )
        .await?;
    if added > 0 {
        tx.execute(
            "UPDATE groups SET member_count = member_count + 1 WHERE id = $1",
            &[group.0.into()],
        )
        .await?;
    }
    tx.execute(
        "UPDATE join_requests SET state = 'approved', decided_at = $3 \
         WHERE group_id = $1 AND member_id = $2 AND state = 'pending'",
        &[group.0.into(), member.0.into(), at.0.into()],
    )
    .await?;
    tx.execute(
        "UPDATE invitations SET state = 'accepted', decided_at = $3 \
         WHERE group_id = $1 AND invitee_id = $2 AND state = 'pending'",
        &[group.0.into(), member.0.into(), at.0.into()],
    )
    .await?;
    Ok(added > 0)
}

/// Whether `member` may leave the group (`role` None) or take `role` in it without leaving
/// it ownerless. Locks the group first, so that changes to its owners run one at a time and
/// each sees the owners the one before it left.
async fn keeps_an_owner(
    tx: &mut Handle,
    group: GroupId,
    member: MemberId,
    role: Option<GroupRole>,
) -> Result<RoleChange, StoreError> {
    tx.lock_row(LockTable::Groups, group.0).await?;
    let Some(current) = tx
        .optional::<RoleRow>(
            "SELECT role FROM group_members WHERE group_id = $1 AND member_id = $2",
            &[group.0.into(), member.0.into()],
        )
        .await?
    else {
        return Ok(RoleChange::NotAMember);
    };
    if current.role != GroupRole::Owner.as_str() || role == Some(GroupRole::Owner) {
        return Ok(RoleChange::Done);
    }
    let owners = tx
        .one::<Int>(
            "SELECT COUNT(*) FROM group_members WHERE group_id = $1 AND role = $2",
            &[group.0.into(), GroupRole::Owner.as_str().into()],
        )
        .await?
        .0;
    Ok(if owners > 1 {
        RoleChange::Done
    } else {
        RoleChange::LastOwner
    })
}

#[derive(sqlx::FromRow)]
struct RoleRow {
    role: String,
}

#[async_trait]
impl GroupStore for SqlStore {
    async fn insert_group(&self, g: &NewGroup) -> Result<GroupId, StoreError> {
        let g = g.clone();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let g = &g;
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
                    add_membership(tx, id, g.owner, GroupRole::Owner, g.at).await?;
                    let created = Event::GroupCreated { group: id.0 };
                    crate::events::record(tx, g.at, &[created]).await?;
                    Ok(id)
                })
            })
            .await
    }

    async fn update_group(
        &self,
        change: &GroupChange,
        what: &str,
        audit: &[NewAuditEntry],
    ) -> Result<(), StoreError> {
        let (change, what, audit) = (change.clone(), what.to_owned(), audit.to_vec());
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let c = &change;
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
                    crate::audit::record(tx, &audit).await?;
                    let changed = Event::GroupChanged {
                        group: c.id.0,
                        by: c.by.0,
                        what,
                    };
                    crate::events::record(tx, c.at, &[changed]).await
                })
            })
            .await
    }

    async fn delete_group(
        &self,
        id: GroupId,
        by: MemberId,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<bool, StoreError> {
        let audit = audit.to_vec();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
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
                    crate::audit::record(tx, &audit).await?;
                    let changed = Event::GroupChanged {
                        group: id.0,
                        by: by.0,
                        what: "deleted".into(),
                    };
                    crate::events::record(tx, at, &[changed]).await?;
                    Ok(true)
                })
            })
            .await
    }

    async fn group_by_slug(
        &self,
        slug: &str,
        viewer: Option<MemberId>,
    ) -> Result<Option<(Group, Relation)>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!(
            "SELECT {GROUP_COLUMNS} FROM groups g WHERE g.slug = $2 AND g.deleted_at IS NULL"
        );
        let row = db
            .optional::<GroupRow>(sql, &[viewer.map(|v| v.0).into(), slug.into()])
            .await?;
        Ok(row.map(GroupRow::into_parts))
    }

    async fn group_by_id(
        &self,
        id: GroupId,
        viewer: Option<MemberId>,
    ) -> Result<Option<(Group, Relation)>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!(
            "SELECT {GROUP_COLUMNS} FROM groups g WHERE g.id = $2 AND g.deleted_at IS NULL"
        );
        let row = db
            .optional::<GroupRow>(sql, &[viewer.map(|v| v.0).into(), id.0.into()])
            .await?;
        Ok(row.map(GroupRow::into_parts))
    }

    async fn list_groups(
        &self,
        scope: &Scope,
        after: Option<&NameCursor>,
        limit: u32,
    ) -> Result<Vec<(Group, Relation)>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!(
            "SELECT {GROUP_COLUMNS} FROM groups g WHERE {} AND (g.name, g.id) > ($2, $3) \
             ORDER BY g.name, g.id LIMIT $4",
            group_filter(scope, 1)
        );
        let rows = db
            .all::<GroupRow>(
                sql,
                &[
                    scope.member.map(|m| m.0).into(),
                    after.map_or("", |a| a.name.as_str()).into(),
                    after.map_or(0, |a| a.id).into(),
                    i64::from(limit).into(),
                ],
            )
            .await?;
        Ok(rows.into_iter().map(GroupRow::into_parts).collect())
    }

    async fn count_groups(&self, scope: &Scope) -> Result<i64, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!(
            "SELECT COUNT(*) FROM groups g WHERE {}",
            group_filter(scope, 1)
        );
        Ok(db
            .one::<Int>(sql, &[scope.member.map(|m| m.0).into()])
            .await?
            .0)
    }

    async fn popular_groups(
        &self,
        scope: &Scope,
        limit: u32,
    ) -> Result<Vec<(Group, Relation)>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!(
            "SELECT {GROUP_COLUMNS} FROM groups g WHERE {} \
             ORDER BY g.member_count DESC, g.last_activity_at DESC, g.id LIMIT $2",
            group_filter(scope, 1)
        );
        let rows = db
            .all::<GroupRow>(
                sql,
                &[scope.member.map(|m| m.0).into(), i64::from(limit).into()],
            )
            .await?;
        Ok(rows.into_iter().map(GroupRow::into_parts).collect())
    }

    async fn groups_of_member(
        &self,
        member: MemberId,
        scope: &Scope,
    ) -> Result<Vec<(Group, GroupRole)>, StoreError> {
        let mut db = self.pools.read().await?;
        // `$1` is the viewer (for the scope and the relation columns); `$2` the profile's member.
        let sql = format!(
            "SELECT {GROUP_COLUMNS}, pm.role AS profile_role FROM groups g \
             JOIN group_members pm ON pm.group_id = g.id AND pm.member_id = $2 \
             WHERE {} ORDER BY g.name LIMIT 200",
            group_filter(scope, 1)
        );
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            group: GroupRow,
            profile_role: String,
        }
        let rows = db
            .all::<Row>(sql, &[scope.member.map(|m| m.0).into(), member.0.into()])
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let role = GroupRole::parse(&r.profile_role).unwrap_or(GroupRole::Member);
                (r.group.into_parts().0, role)
            })
            .collect())
    }

    async fn add_member(
        &self,
        group: GroupId,
        member: MemberId,
        role: GroupRole,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let added = add_membership(tx, group, member, role, at).await?;
                    Ok(added)
                })
            })
            .await
    }

    async fn remove_member(
        &self,
        group: GroupId,
        member: MemberId,
        audit: &[NewAuditEntry],
    ) -> Result<RoleChange, StoreError> {
        let audit = audit.to_vec();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let change = keeps_an_owner(tx, group, member, None).await?;
                    if change != RoleChange::Done {
                        return Ok(change);
                    }
                    let removed = tx
                        .execute(
                            "DELETE FROM group_members WHERE group_id = $1 AND member_id = $2",
                            &[group.0.into(), member.0.into()],
                        )
                        .await?;
                    if removed == 0 {
                        return Ok(RoleChange::NotAMember);
                    }
                    tx.execute(
                        "UPDATE groups SET member_count = member_count - 1 WHERE id = $1",
                        &[group.0.into()],
                    )
                    .await?;
                    crate::audit::record(tx, &audit).await?;
                    Ok(RoleChange::Done)
                })
            })
            .await
    }

    async fn set_group_role(
        &self,
        group: GroupId,
        member: MemberId,
        role: GroupRole,
        audit: &[NewAuditEntry],
    ) -> Result<RoleChange, StoreError> {
        let audit = audit.to_vec();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let change = keeps_an_owner(tx, group, member, Some(role)).await?;
                    if change != RoleChange::Done {
                        return Ok(change);
                    }
                    if tx
                        .execute(
                            "UPDATE group_members SET role = $3 WHERE group_id = $1 AND member_id = $2",
                            &[group.0.into(), member.0.into(), role.as_str().into()],
                        )
                        .await?
                        == 0
                    {
                        return Ok(RoleChange::NotAMember);
                    }
                    crate::audit::record(tx, &audit).await?;
                    Ok(RoleChange::Done)
                })
            })
            .await
    }

    async fn count_role(&self, group: GroupId, role: GroupRole) -> Result<i64, StoreError> {
        let mut db = self.pools.read().await?;
        Ok(db
            .one::<Int>(
                "SELECT COUNT(*) FROM group_members WHERE group_id = $1 AND role = $2",
                &[group.0.into(), role.as_str().into()],
            )
            .await?
            .0)
    }

    async fn members_of(
        &self,
        group: GroupId,
        after: Option<MemberId>,
        limit: u32,
    ) -> Result<Vec<GroupMember>, StoreError> {
        let mut db = self.pools.read().await?;
        let rows = db
            .all::<MemberOfGroupRow>(
                "SELECT gm.member_id, m.username, m.display_name, gm.role, gm.joined_at \
                 FROM group_members gm JOIN members m ON m.id = gm.member_id \
                 WHERE gm.group_id = $1 AND gm.member_id > $2 ORDER BY gm.member_id LIMIT $3",
                &[
                    group.0.into(),
                    after.map_or(0, |a| a.0).into(),
                    i64::from(limit).into(),
                ],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| GroupMember {
                member_id: MemberId(r.member_id),
                username: r.username,
                display_name: r.display_name,
                role: GroupRole::parse(&r.role).unwrap_or(GroupRole::Member),
                joined_at: Timestamp(r.joined_at),
            })
            .collect())
    }

    async fn insert_request(
        &self,
        group: GroupId,
        member: MemberId,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    tx.execute(
                        "INSERT INTO join_requests (group_id, member_id, state, created_at) VALUES ($1, $2, 'pending', $3) \
                         ON CONFLICT (group_id, member_id) WHERE state = 'pending' DO NOTHING",
                        &[group.0.into(), member.0.into(), at.0.into()],
                    )
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    async fn pending_requests(&self, group: GroupId) -> Result<Vec<JoinRequest>, StoreError> {
        let mut db = self.pools.read().await?;
        let rows = db
            .all::<RequestRow>(
                "SELECT r.member_id, m.username, m.display_name, r.created_at FROM join_requests r \
                 JOIN members m ON m.id = r.member_id WHERE r.group_id = $1 AND r.state = 'pending' \
                 ORDER BY r.created_at, r.id LIMIT 500",
                &[group.0.into()],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| JoinRequest {
                member_id: MemberId(r.member_id),
                username: r.username,
                display_name: r.display_name,
                requested_at: Timestamp(r.created_at),
            })
            .collect())
    }

    async fn decide_request(
        &self,
        group: GroupId,
        member: MemberId,
        approve: bool,
        by: MemberId,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<bool, StoreError> {
        let audit = audit.to_vec();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let state = if approve { "approved" } else { "rejected" };
                    let n = tx
                        .execute(
                            "UPDATE join_requests SET state = $3, decided_by = $4, decided_at = $5 \
                 WHERE group_id = $1 AND member_id = $2 AND state = 'pending'",
                            &[
                                group.0.into(),
                                member.0.into(),
                                state.into(),
                                by.0.into(),
                                at.0.into(),
                            ],
                        )
                        .await?;
                    if n > 0 && approve {
                        add_membership(tx, group, member, GroupRole::Member, at).await?;
                    }
                    if n > 0 {
                        crate::audit::record(tx, &audit).await?;
                    }
                    Ok(n > 0)
                })
            })
            .await
    }

    async fn insert_invitation(
        &self,
        group: GroupId,
        invitee: MemberId,
        by: MemberId,
        at: Timestamp,
    ) -> Result<InvitationId, StoreError> {
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    tx.execute(
                        "INSERT INTO invitations (group_id, invitee_id, inviter_id, state, created_at) \
                         VALUES ($1, $2, $3, 'pending', $4) \
                         ON CONFLICT (group_id, invitee_id) WHERE state = 'pending' DO NOTHING",
                        &[group.0.into(), invitee.0.into(), by.0.into(), at.0.into()],
                    )
                    .await?;
                    let id = tx
                        .one::<Int>(
                            "SELECT id FROM invitations WHERE group_id = $1 AND invitee_id = $2 AND state = 'pending'",
                            &[group.0.into(), invitee.0.into()],
                        )
                        .await?;
                    Ok(InvitationId(id.0))
                })
            })
            .await
    }

    async fn invitation(&self, id: InvitationId) -> Result<Option<Invitation>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!("SELECT {INVITATION_COLUMNS} FROM invitations inv WHERE inv.id = $1");
        Ok(db
            .optional::<InvitationRow>(sql, &[id.0.into()])
            .await?
            .map(Invitation::from))
    }

    async fn invitations_for(
        &self,
        member: MemberId,
    ) -> Result<Vec<(Invitation, Group)>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!(
            "SELECT {INVITATION_COLUMNS} FROM invitations inv \
             WHERE inv.invitee_id = $1 AND inv.state = 'pending' ORDER BY inv.created_at DESC LIMIT 200"
        );
        let invitations = db.all::<InvitationRow>(sql, &[member.0.into()]).await?;
        let group_sql = format!("SELECT {GROUP_COLUMNS} FROM groups g WHERE g.id = $2");
        let mut out = Vec::with_capacity(invitations.len());
        for inv in invitations {
            let group = db
                .one::<GroupRow>(group_sql.clone(), &[member.0.into(), inv.group_id.into()])
                .await?;
            out.push((inv.into(), group.into_parts().0));
        }
        Ok(out)
    }

    async fn accept_invitation(&self, id: InvitationId, at: Timestamp) -> Result<bool, StoreError> {
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let sql = format!(
                        "SELECT {INVITATION_COLUMNS} FROM invitations inv WHERE inv.id = $1 AND inv.state = 'pending'"
                    );
                    let Some(inv) = tx.optional::<InvitationRow>(sql, &[id.0.into()]).await? else {
                        return Ok(false);
                    };
                    add_membership(
                        tx,
                        GroupId(inv.group_id),
                        MemberId(inv.invitee_id),
                        GroupRole::Member,
                        at,
                    )
                    .await?;
                    Ok(true)
                })
            })
            .await
    }
}
