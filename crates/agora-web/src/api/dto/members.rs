//! Members as the API shows them: a member to others, a public profile, the signed-in
//! member's own account (the one body with an email address) and a new session.

use serde::Serialize;
use utoipa::ToSchema;

use agora_core::groups::GroupRole;
use agora_core::members::{Member, Profile};

/// A member as others see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberResponse {
    pub username: String,
    pub display_name: String,
    pub bio: String,
    /// `admin`, `moderator` or `member`.
    pub role: &'static str,
    pub joined_at: String,
    /// Trust level 0–4 (new, basic, member, regular, leader); staff are leaders.
    pub trust_level: i64,
}

impl From<&Member> for MemberResponse {
    fn from(m: &Member) -> Self {
        Self {
            username: m.username.clone(),
            display_name: m.display_name.clone(),
            bio: m.bio.clone(),
            role: m.role.as_str(),
            joined_at: m.created_at.to_rfc3339(),
            trust_level: m.trust().number(),
        }
    }
}

/// A public profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileResponse {
    #[serde(flatten)]
    pub member: MemberResponse,
    /// Posts in groups the viewer may read.
    pub post_count: i64,
    /// Groups the member belongs to that the viewer may read.
    pub groups: Vec<ProfileGroup>,
}

/// A group on a profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileGroup {
    pub slug: String,
    pub name: String,
    pub role: &'static str,
}

impl ProfileResponse {
    pub fn new(p: &Profile, groups: Vec<(agora_core::groups::Group, GroupRole)>) -> Self {
        Self {
            member: (&p.member).into(),
            post_count: p.visible_post_count,
            groups: groups
                .into_iter()
                .map(|(g, r)| ProfileGroup {
                    slug: g.slug,
                    name: g.name,
                    role: r.as_str(),
                })
                .collect(),
        }
    }
}

/// The signed-in member's own account.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    #[serde(flatten)]
    pub member: MemberResponse,
    /// Private: shown only to the member themselves.
    pub email: String,
    /// Whether the address is confirmed; until it is, the member reads but does not post.
    pub email_verified: bool,
}

impl From<&Member> for MeResponse {
    fn from(m: &Member) -> Self {
        Self {
            member: m.into(),
            email: m.email.clone(),
            email_verified: m.email_verified,
        }
    }
}

/// A new session.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub member: MeResponse,
}
