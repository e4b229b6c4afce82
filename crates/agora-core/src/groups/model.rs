//! What a group is, as rows come out of the store.

use serde::{Deserialize, Serialize};

use crate::groups::policy::{Access, Relation};
use crate::ids::{GroupId, InvitationId, MemberId};
use crate::time::Timestamp;

/// The three kinds of group (PRODUCT.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Everyone, guests too, sees and reads it; any member joins at once.
    Public,
    /// Everyone sees that it exists; only members read; joining needs approval.
    Closed,
    /// Invisible to non-members everywhere; joining only by invitation.
    Secret,
}

impl Visibility {
    /// Every kind, for exhaustive tests and for the store's SQL.
    pub const ALL: [Visibility; 3] = [Self::Public, Self::Closed, Self::Secret];

    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Closed => "closed",
            Self::Secret => "secret",
        }
    }

    /// Parses a stored or requested name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "public" => Some(Self::Public),
            "closed" => Some(Self::Closed),
            "secret" => Some(Self::Secret),
            _ => None,
        }
    }
}

/// A member's role inside one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupRole {
    Member,
    Moderator,
    Owner,
}

impl GroupRole {
    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Moderator => "moderator",
            Self::Member => "member",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "owner" => Some(Self::Owner),
            "moderator" => Some(Self::Moderator),
            "member" => Some(Self::Member),
            _ => None,
        }
    }
}

/// A group as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: GroupId,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub visibility: Visibility,
    pub member_count: i64,
    pub topic_count: i64,
    pub created_at: Timestamp,
    pub last_activity_at: Timestamp,
    /// When it was archived: read-only since (every topic locked, no new topics, votes or
    /// members); `None` while active.
    pub archived_at: Option<Timestamp>,
}

/// A change to a group's own fields; `None` keeps a field as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupChange {
    pub id: GroupId,
    pub name: Option<String>,
    pub description: Option<String>,
    pub visibility: Option<Visibility>,
    /// `Some(true)` archives it, `Some(false)` makes it active again.
    pub archived: Option<bool>,
    pub by: MemberId,
    pub at: Timestamp,
}

/// A group together with the viewer's relation to it and the access the policy grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupView {
    pub group: Group,
    pub relation: Relation,
    pub access: Access,
    /// Whether the viewer may edit, archive or make the group active again: its owners and
    /// site admins.
    pub can_edit: bool,
}

/// A group to insert.
#[derive(Debug, Clone)]
pub struct NewGroup {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub visibility: Visibility,
    pub owner: MemberId,
    pub at: Timestamp,
}

/// One member of a group, as the member list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMember {
    pub member_id: MemberId,
    pub username: String,
    pub display_name: String,
    pub role: GroupRole,
    pub joined_at: Timestamp,
}

/// A pending request to join a closed group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinRequest {
    pub member_id: MemberId,
    pub username: String,
    pub display_name: String,
    pub requested_at: Timestamp,
}

/// An invitation into a group, as its invitee sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: InvitationId,
    pub group_id: GroupId,
    pub invitee: MemberId,
    pub invited_by: MemberId,
    pub state: String,
    pub created_at: Timestamp,
}
