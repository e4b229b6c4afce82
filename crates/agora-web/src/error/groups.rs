//! The groups' errors: slugs, joining, invitations, owners, archiving.

use axum::http::StatusCode;

use agora_core::groups::GroupError;

use super::{ApiError, human_seconds};

impl From<GroupError> for ApiError {
    fn from(e: GroupError) -> Self {
        match e {
            GroupError::Refused(r) => r.into(),
            GroupError::SlugUnavailable => Self::new(
                StatusCode::CONFLICT,
                "slug_unavailable",
                "That address is not available; choose another.",
            )
            .with_field("slug"),
            GroupError::RateLimited { retry_after_secs } => {
                let mut e = Self::rate_limited(retry_after_secs);
                e.message = format!(
                    "You have created or tried to create several groups in the last hour; try again in {}.",
                    human_seconds(retry_after_secs)
                );
                e
            }
            GroupError::AlreadyMember => Self::new(
                StatusCode::CONFLICT,
                "already_member",
                "That member already belongs to the group.",
            ),
            GroupError::InvitationRequired => Self::new(
                StatusCode::FORBIDDEN,
                "invitation_required",
                "You have an invitation to this group; accept it to join.",
            ),
            GroupError::LastOwner => Self::new(
                StatusCode::CONFLICT,
                "last_owner",
                "A group needs an owner; make someone else an owner first.",
            ),
            GroupError::NotAMember => Self::new(
                StatusCode::CONFLICT,
                "not_a_member",
                "That member does not belong to the group.",
            ),
            GroupError::NotArchived => Self::new(
                StatusCode::CONFLICT,
                "not_archived",
                "Archive the group first: only an archived group can be deleted.",
            ),
        }
    }
}
