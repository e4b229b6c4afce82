//! One's own account and profile, and a member's public profile.

use crate::agora::Accounts;
use crate::error::{Invalid, Refused, StoreError};
use crate::groups::policy::Need;
use crate::members::{DisplayName, Member, Profile, Username};
use crate::viewer::Viewer;

/// Changes to one's own profile; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ProfileUpdate {
    pub display_name: Option<String>,
    pub bio: Option<String>,
}

/// Longest bio accepted.
const BIO_MAX: usize = 1_000;

impl Accounts<'_> {
    /// The signed-in member's own account, email included.
    pub async fn me(self, viewer: &Viewer) -> Result<Member, Refused> {
        let id = viewer.id().ok_or(Refused::SignInRequired)?;
        self.store.member_by_id(id).await?.ok_or(Refused::NotFound)
    }

    /// Edits one's own display name and bio.
    pub async fn update_profile(
        self,
        viewer: &Viewer,
        update: ProfileUpdate,
    ) -> Result<Member, Refused> {
        if let Some(code) = crate::guard::Needs::Active.sanctioned(viewer) {
            return Err(Refused::Forbidden(code));
        }
        let me = self.me(viewer).await?;
        let display_name = match &update.display_name {
            Some(d) => DisplayName::parse(d, &me.username)?.as_str().to_owned(),
            None => me.display_name.clone(),
        };
        let bio = match update.bio {
            Some(b) => {
                let b = b.trim().replace("\r\n", "\n");
                if b.chars().count() > BIO_MAX {
                    return Err(Invalid::new(
                        "bio",
                        "too_long",
                        format!("A bio may be at most {BIO_MAX} characters long."),
                    )
                    .into());
                }
                if b.contains('\0') {
                    return Err(Invalid::new(
                        "bio",
                        "invalid_characters",
                        "A bio may not contain null characters.",
                    )
                    .into());
                }
                b
            }
            None => me.bio.clone(),
        };
        self.store
            .update_profile(me.id, &display_name, &bio, self.now())
            .await?;
        self.me(viewer).await
    }

    /// The member called `username`, in any case. Text that is not a username as typed names
    /// no one (and never reaches the database: PostgreSQL refuses a null character even in
    /// a lookup).
    pub(crate) async fn member_by_name(self, username: &str) -> Result<Option<Member>, StoreError> {
        match Username::parse(username) {
            Ok(name) if name.as_str() == username => {
                self.store.member_by_username(&name.canonical()).await
            }
            _ => Ok(None),
        }
    }

    /// A member's public profile, counting only posts the viewer may read.
    pub async fn profile(self, viewer: &Viewer, username: &str) -> Result<Profile, Refused> {
        let member = self
            .member_by_name(username)
            .await?
            .ok_or(Refused::NotFound)?;
        let visible_post_count = self
            .store
            .count_posts_by(
                member.id,
                &crate::audience::audience_scope(viewer, Need::Read),
            )
            .await?;
        Ok(Profile {
            member,
            visible_post_count,
        })
    }
}
