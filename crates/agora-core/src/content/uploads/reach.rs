//! Who may have a file of the media folder, and how it may be cached; and recording the
//! copies of remote images made for a private audience (a closed or secret group's post, a
//! conversation's message).

use super::{MediaRecord, Purpose, Reach, group_refusal};
use crate::agora::Media;
use crate::audience::{AudienceKind, AudienceRef};
use crate::error::{Refused, StoreError};
use crate::groups::Visibility;
use crate::groups::policy::Access;
use crate::ids::GroupId;
use crate::viewer::Viewer;

impl Media<'_> {
    /// Whether the viewer may have the file `name`, and how it may be cached. A file with no
    /// row is public (copies of remote images in public posts), and so is an avatar; one
    /// recorded for a group is for those who may read it: `Forbidden` to others who see the
    /// group, `NotFound` (as for a missing name) where the group is secret to them or was
    /// deleted. One recorded for any other audience (a conversation) is for those the audience
    /// rule lets read it, and `NotFound` to everyone else.
    pub async fn reach(self, viewer: &Viewer, name: &str) -> Result<Reach, Refused> {
        let Some(record) = self.store.media_record(name).await? else {
            return Ok(Reach::Public);
        };
        let audience = match (record.purpose, record.audience) {
            (Purpose::Avatar, _) => return Ok(Reach::Public),
            (_, Some(audience)) => audience,
            // The group was deleted: what was only its readers' is no one's now.
            (_, None) => return Err(Refused::NotFound),
        };
        if audience.kind != AudienceKind::Group {
            return match self.reach_into(viewer, audience).await? {
                access if access >= Access::Read => Ok(Reach::Private),
                _ => Err(Refused::NotFound),
            };
        }
        let (group, relation) = self
            .store
            .group_by_id(GroupId(audience.id), viewer.id())
            .await?
            .ok_or(Refused::NotFound)?;
        let view =
            crate::groups::directory_visible(viewer, group, relation).map_err(group_refusal)?;
        if view.access < Access::Read {
            return Err(Refused::Forbidden("members_only"));
        }
        Ok(if view.group.visibility == Visibility::Public {
            Reach::PublicForNow
        } else {
            Reach::Private
        })
    }

    /// Records the copies of remote images made for an item of a private audience (a closed
    /// or secret group, a conversation), so that they are served only to its readers.
    pub(crate) async fn record_copies(
        self,
        audience: AudienceRef,
        names: &[String],
    ) -> Result<(), StoreError> {
        self.store
            .record_media(&copies_of(audience, names, self.now()))
            .await
    }
}

/// The rows recording `names` as copies made for `audience`.
pub(crate) fn copies_of(
    audience: AudienceRef,
    names: &[String],
    now: crate::time::Timestamp,
) -> Vec<MediaRecord> {
    names
        .iter()
        .map(|name| MediaRecord {
            name: name.clone(),
            purpose: Purpose::Copy,
            owner: None,
            audience: Some(audience),
            bytes: 0,
            created_at: now,
        })
        .collect()
}
