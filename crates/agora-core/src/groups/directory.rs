//! Use cases of the group directory: create a group, look one up, list those a viewer may see.

use crate::error::Refused;
use tracing::instrument;
use unicode_normalization::UnicodeNormalization;

use crate::agora::Groups;
use crate::error::{Invalid, StoreError};
use crate::groups::policy::{Access, Need, Relation, access, scope};
use crate::groups::{Group, GroupSlug, GroupView, NewGroup, Visibility};
use crate::ids::MemberId;
use crate::members::is_forbidden_in_text;
use crate::paging::NameCursor;
use crate::viewer::Viewer;

/// Why a group use case failed.
#[derive(Debug, thiserror::Error)]
pub enum GroupError {
    /// The common refusals: the group (or member, or invitation) does not exist for this
    /// viewer, sign in, not allowed (`moderators_only`, `admins_only`, …), a field, the store.
    #[error(transparent)]
    Refused(Refused),
    /// The address is in use. The answer is the same whoever holds it, so it never tells a
    /// member that a secret group they may not see exists.
    #[error("slug unavailable")]
    SlugUnavailable,
    /// The member created groups (or tried addresses) too fast: [`GROUPS_PER_HOUR`].
    #[error("rate limited")]
    RateLimited { retry_after_secs: i64 },
    #[error("already a member")]
    AlreadyMember,
    /// A secret group is joined only by invitation.
    #[error("invitation required")]
    InvitationRequired,
    /// The last owner cannot leave or be removed.
    #[error("last owner")]
    LastOwner,
    #[error("not a member")]
    NotAMember,
    /// A group is deleted only once archived.
    #[error("not archived")]
    NotArchived,
}

crate::error::refusals!(GroupError);

impl From<GroupError> for Refused {
    /// A group's refusal met by a use case of another module (which reads groups only, so
    /// the group-specific outcomes do not arise there; each keeps its code all the same).
    fn from(e: GroupError) -> Self {
        match e {
            GroupError::Refused(r) => r,
            GroupError::SlugUnavailable => Self::Forbidden("slug_unavailable"),
            GroupError::RateLimited { .. } => Self::Forbidden("rate_limited"),
            GroupError::AlreadyMember => Self::Forbidden("already_member"),
            GroupError::InvitationRequired => Self::Forbidden("invitation_required"),
            GroupError::LastOwner => Self::Forbidden("last_owner"),
            GroupError::NotAMember => Self::Forbidden("not_a_member"),
            GroupError::NotArchived => Self::Forbidden("not_archived"),
        }
    }
}

/// Groups a member who is not an admin may create, or try to create, an hour: trying
/// addresses one after another would otherwise probe which ones are held (by secret groups
/// too). Admins see every group anyway and are not limited.
pub const GROUPS_PER_HOUR: i64 = 10;

/// What a person typed to create a group.
#[derive(Debug, Clone)]
pub struct NewGroupInput {
    pub name: String,
    /// Derived from the name when empty.
    pub slug: Option<String>,
    pub description: String,
    pub visibility: String,
}

impl Groups<'_> {
    /// Creates a group; the creator becomes its owner.
    #[instrument(skip_all, fields(name = %input.name))]
    pub async fn create_group(
        self,
        viewer: &Viewer,
        input: NewGroupInput,
    ) -> Result<GroupView, GroupError> {
        let actor = self.guard(viewer, crate::guard::Needs::Active).await?;
        let runs_site = crate::audience::holds(viewer, crate::audience::Duty::RunSite);
        if !runs_site && !self.site().site_settings().await?.members_may_create_groups {
            return Err(GroupError::Refused(Refused::Forbidden("admins_only")));
        }
        let name = group_name(&input.name)?;
        let description = group_description(&input.description)?;
        let visibility = group_visibility(&input.visibility)?;
        let slug = match input.slug.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => GroupSlug::parse(s)?,
            _ => GroupSlug::from_name(&name).ok_or_else(|| {
                Invalid::new(
                    "slug",
                    "required",
                    "Choose a short name for the group's address (letters, digits, dashes).",
                )
            })?,
        };
        if !runs_site
            && let Some(retry_after_secs) = self
                .over_limit(
                    &format!("group-create:{}", actor.id.0),
                    GROUPS_PER_HOUR,
                    3_600,
                )
                .await?
        {
            return Err(GroupError::RateLimited { retry_after_secs });
        }
        let new = NewGroup {
            slug: slug.as_str().to_owned(),
            name,
            description,
            visibility,
            owner: actor.id,
            at: self.now(),
        };
        match self.store.insert_group(&new).await {
            Ok(_) => {}
            Err(StoreError::Conflict { .. }) => return Err(GroupError::SlugUnavailable),
            Err(e) => return Err(e.into()),
        }
        self.group(viewer, slug.as_str()).await
    }

    /// A group as `viewer` may see it; `NotFound` when the policy hides it.
    pub async fn group(self, viewer: &Viewer, slug: &str) -> Result<GroupView, GroupError> {
        // Text that is not a slug as typed names no group (and never reaches the database:
        // PostgreSQL refuses a null character even in a lookup).
        if GroupSlug::parse(slug).map_or(true, |s| s.as_str() != slug) {
            return Err(GroupError::Refused(Refused::NotFound));
        }
        let (group, relation) = self
            .store
            .group_by_slug(slug, viewer.id())
            .await?
            .ok_or(GroupError::Refused(Refused::NotFound))?;
        visible(viewer, group, relation)
    }

    /// Groups `viewer` may see, by name, one page after `after`.
    pub async fn list_groups(
        self,
        viewer: &Viewer,
        after: Option<&NameCursor>,
        limit: u32,
    ) -> Result<(Vec<GroupView>, Option<NameCursor>), GroupError> {
        let mut rows = self
            .store
            .list_groups(&scope(viewer, Need::Listed), after, limit + 1)
            .await?;
        let next = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(|(g, _)| NameCursor {
                name: g.name.clone(),
                id: g.id.0,
            })
        } else {
            None
        };
        let groups = rows
            .into_iter()
            .filter_map(|(g, r)| visible(viewer, g, r).ok())
            .collect();
        Ok((groups, next))
    }

    /// The groups a member belongs to that `viewer` may read, for their profile.
    pub async fn groups_of(
        self,
        viewer: &Viewer,
        member: MemberId,
    ) -> Result<Vec<(Group, crate::groups::GroupRole)>, GroupError> {
        Ok(self
            .store
            .groups_of_member(member, &scope(viewer, Need::Read))
            .await?)
    }
}

/// A group's name as typed, checked and normalised.
pub(super) fn group_name(raw: &str) -> Result<String, Invalid> {
    let name: String = raw.trim().nfc().collect();
    if name.chars().count() < 2 || name.chars().count() > 80 {
        return Err(Invalid::new(
            "name",
            "invalid_length",
            "A group's name must be 2 to 80 characters long.",
        ));
    }
    if name.chars().any(is_forbidden_in_text) {
        return Err(Invalid::new(
            "name",
            "invalid_characters",
            "A group's name may not contain control, invisible or direction-changing characters.",
        ));
    }
    Ok(name)
}

/// A group's description as typed, checked.
pub(super) fn group_description(raw: &str) -> Result<String, Invalid> {
    let description = raw.trim().replace("\r\n", "\n");
    if description.chars().count() > 2_000 || description.contains('\0') {
        return Err(Invalid::new(
            "description",
            "too_long",
            "A description may be at most 2,000 characters long.",
        ));
    }
    Ok(description)
}

/// A group's kind as typed.
pub(super) fn group_visibility(raw: &str) -> Result<Visibility, Invalid> {
    Visibility::parse(raw).ok_or_else(|| {
        Invalid::new(
            "visibility",
            "invalid_choice",
            "Choose public, closed or secret.",
        )
    })
}

/// Applies the policy to a group fetched for `viewer`.
pub(crate) fn visible(
    viewer: &Viewer,
    group: Group,
    relation: Relation,
) -> Result<GroupView, GroupError> {
    let access = access(viewer, group.visibility, relation);
    if access == Access::Hidden {
        return Err(GroupError::Refused(Refused::NotFound));
    }
    let can_edit = crate::groups::policy::manages(viewer, relation);
    Ok(GroupView {
        group,
        relation,
        access,
        can_edit,
    })
}
