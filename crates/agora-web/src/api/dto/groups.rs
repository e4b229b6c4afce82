//! Groups as the API shows them: a group as the viewer sees it, lists of groups and of their
//! members, joining, join requests and invitations.

use serde::Serialize;
use utoipa::ToSchema;

use agora_core::groups::policy::{Access, Relation};
use agora_core::groups::{GroupMember, GroupView, Invitation, JoinRequest};

/// A group as the viewer sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupResponse {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// `public`, `closed` or `secret`.
    pub visibility: &'static str,
    pub member_count: i64,
    /// Topics, shown to those who may read the group; null otherwise.
    pub topic_count: Option<i64>,
    /// The viewer's standing: `none`, `pending`, `invited`, `member`, `moderator`, `owner`.
    pub membership: &'static str,
    pub can_read: bool,
    pub can_post: bool,
    pub can_moderate: bool,
    /// Whether the viewer may edit it (its owners and site admins: `PATCH /groups/{slug}`).
    pub can_edit: bool,
    pub last_activity_at: String,
    /// When it was archived (read-only since); null while active.
    pub archived_at: Option<String>,
}

impl From<&GroupView> for GroupResponse {
    fn from(v: &GroupView) -> Self {
        let g = &v.group;
        let can_read = v.access >= Access::Read;
        Self {
            slug: g.slug.clone(),
            name: g.name.clone(),
            description: g.description.clone(),
            visibility: g.visibility.as_str(),
            member_count: g.member_count,
            topic_count: can_read.then_some(g.topic_count),
            membership: match v.relation {
                Relation::Stranger => "none",
                Relation::Requested => "pending",
                Relation::Invited => "invited",
                Relation::Member(role) => role.as_str(),
            },
            can_read,
            can_post: v.access >= Access::Participate,
            can_moderate: v.access >= Access::Moderate,
            can_edit: v.can_edit,
            last_activity_at: g.last_activity_at.to_rfc3339(),
            archived_at: g.archived_at.map(|t| t.to_rfc3339()),
        }
    }
}

/// A page of groups.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupListResponse {
    pub groups: Vec<GroupResponse>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// The result of joining.
#[derive(Debug, Serialize, ToSchema)]
pub struct JoinResponse {
    /// `member` (joined) or `pending` (waiting for approval).
    pub state: &'static str,
}

/// A member of a group.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupMemberResponse {
    pub username: String,
    pub display_name: String,
    /// `owner`, `moderator` or `member`.
    pub role: &'static str,
    pub joined_at: String,
}

impl From<&GroupMember> for GroupMemberResponse {
    fn from(m: &GroupMember) -> Self {
        Self {
            username: m.username.clone(),
            display_name: m.display_name.clone(),
            role: m.role.as_str(),
            joined_at: m.joined_at.to_rfc3339(),
        }
    }
}

/// A page of a group's members.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupMembersResponse {
    pub members: Vec<GroupMemberResponse>,
    pub next_cursor: Option<String>,
}

/// A pending request to join.
#[derive(Debug, Serialize, ToSchema)]
pub struct JoinRequestResponse {
    pub username: String,
    pub display_name: String,
    pub requested_at: String,
}

impl From<&JoinRequest> for JoinRequestResponse {
    fn from(r: &JoinRequest) -> Self {
        Self {
            username: r.username.clone(),
            display_name: r.display_name.clone(),
            requested_at: r.requested_at.to_rfc3339(),
        }
    }
}

/// An invitation into a group.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationResponse {
    pub id: i64,
    pub group: String,
    /// `pending`, `accepted`, `declined` or `revoked`.
    pub state: String,
    pub created_at: String,
}

impl InvitationResponse {
    pub fn new(i: &Invitation, group_slug: &str) -> Self {
        Self {
            id: i.id.0,
            group: group_slug.to_owned(),
            state: i.state.clone(),
            created_at: i.created_at.to_rfc3339(),
        }
    }
}

/// An invitation addressed to the viewer, with its group.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyInvitationResponse {
    pub id: i64,
    pub group: GroupResponse,
    pub created_at: String,
}
