//! A stored audience ([`AudienceRef`]) resolved for one viewer: [`Agora::reach_into`] looks up
//! the viewer's tie to it (their relation to a group; for an audience a kind keeps, such as a
//! conversation, the kind's own lookup, declared in the registry of kinds) and asks the one
//! rule. For what is recorded against an audience outside any item (a file of the media
//! folder), where nothing else has looked the audience up.

use super::{Audience, AudienceKind, AudienceRef, reach};
use crate::agora::Agora;
use crate::error::StoreError;
use crate::groups::policy::Access;
use crate::ids::GroupId;
use crate::viewer::Viewer;

impl Agora {
    /// How far `viewer` reaches into the stored audience `at`: `Hidden` where it does not
    /// exist for them (or at all any more).
    pub(crate) async fn reach_into(
        &self,
        viewer: &Viewer,
        at: AudienceRef,
    ) -> Result<Access, StoreError> {
        let audience = match at.kind {
            AudienceKind::Group => {
                let Some((group, relation)) =
                    self.store.group_by_id(GroupId(at.id), viewer.id()).await?
                else {
                    return Ok(Access::Hidden);
                };
                return Ok(crate::groups::directory_visible(viewer, group, relation)
                    .map_or(Access::Hidden, |view| view.access));
            }
            AudienceKind::Site => Audience::Site {
                members_only: at.id != AudienceRef::SITE.id,
            },
            AudienceKind::Staff => Audience::Staff,
            // An audience a kind keeps: the kind says who is in it.
            kept => {
                let Some(kind) = self
                    .kinds
                    .iter()
                    .filter_map(|k| k.audience)
                    .find(|a| a.kind == kept)
                else {
                    return Ok(Access::Hidden);
                };
                return (kind.reach)(self, viewer, at.id).await;
            }
        };
        Ok(reach(viewer, audience))
    }
}
