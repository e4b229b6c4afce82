//! A stored audience ([`AudienceRef`]) resolved for one viewer: [`Agora::reach_into`] looks up
//! the viewer's tie to it (their relation to a group, their part in a conversation) and asks
//! the one rule, [`reach`]. For what is recorded against an audience outside any item (a
//! file of the media folder), where nothing else has looked the audience up.

use super::{Audience, AudienceKind, AudienceRef, reach};
use crate::agora::Agora;
use crate::error::{Refused, StoreError};
use crate::groups::policy::Access;
use crate::ids::GroupId;
use crate::kinds::messages::{ConversationId, MessageError};
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
            // The conversation's own module says who takes part in it.
            AudienceKind::Conversation => {
                return match self
                    .messages()
                    .readable(viewer, ConversationId(at.id))
                    .await
                {
                    Ok((_, _, access)) => Ok(access),
                    Err(MessageError::Refused(Refused::Store(e))) => Err(e),
                    Err(_) => Ok(Access::Hidden),
                };
            }
            AudienceKind::Site => Audience::Site {
                members_only: at.id != AudienceRef::SITE.id,
            },
            AudienceKind::Staff => Audience::Staff,
        };
        Ok(reach(viewer, audience))
    }
}
