//! `GroupStore`: groups, memberships (with the cached member count kept in step), join
//! requests and invitations. Reads here; a group's creation, edits and deletion in
//! `lifecycle.rs`, memberships in `memberships.rs`, join requests in `requests.rs`,
//! invitations in `invitations.rs`, each inside the transaction its caller opened.

mod invitations;
mod lifecycle;
mod memberships;
mod requests;
mod rows;

use async_trait::async_trait;

use agora_core::audit::NewAuditEntry;
use agora_core::groups::policy::{Relation, Scope};
use agora_core::groups::{
    Group, GroupChange, GroupMember, GroupRole, Invitation, JoinRequest, NewGroup,
};
use agora_core::paging::NameCursor;
use agora_core::store::{GroupStore, RoleChange};
use agora_core::time::Timestamp;
use agora_core::{GroupId, InvitationId, MemberId, StoreError};

use self::memberships::add_membership;
use self::rows::{INVITATION_COLUMNS, InvitationRow, MemberOfGroupRow, RequestRow};
use crate::SqlStore;
use crate::db::Int;
use crate::rows::{GROUP_COLUMNS, GroupRow};
use crate::scope::group_filter;

#[async_trait]
impl GroupStore for SqlStore {
    async fn insert_group(&self, g: &NewGroup) -> Result<GroupId, StoreError> {
        let g = g.clone();
        self.pools
            .write(move |tx| Box::pin(async move { lifecycle::insert(tx, &g).await }))
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
                Box::pin(async move { lifecycle::update(tx, &change, what, &audit).await })
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
                Box::pin(async move { lifecycle::delete(tx, id, by, at, &audit).await })
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
                    let added = add_membership(tx, group, member, role, (member, at)).await?;
                    Ok(added)
                })
            })
            .await
    }

    async fn remove_member(
        &self,
        group: GroupId,
        member: MemberId,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<RoleChange, StoreError> {
        let audit = audit.to_vec();
        self.pools
            .write(move |tx| {
                Box::pin(async move { memberships::remove(tx, group, member, at, &audit).await })
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
                Box::pin(
                    async move { memberships::set_role(tx, group, member, role, &audit).await },
                )
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
            .write(move |tx| Box::pin(async move { requests::insert(tx, group, member, at).await }))
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
                    requests::decide(tx, group, member, approve, by, at, &audit).await
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
                Box::pin(async move { invitations::insert(tx, group, invitee, by, at).await })
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
            .write(move |tx| Box::pin(async move { invitations::accept(tx, id, at).await }))
            .await
    }
}
