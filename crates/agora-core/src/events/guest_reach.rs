//! Which of the pages every guest sees alike a change reaches ([`Events::guest_reach`]): what
//! a node's guest cache drops when an event arrives.

use crate::agora::Events;
use crate::audience::{Audience, AudienceKind, Participation, reach};
use crate::error::StoreError;
use crate::groups::policy::{Access, Relation};
use crate::viewer::Viewer;

use super::Place;

/// What a change may have altered among the pages every guest sees alike, as the audience
/// rule decides for a guest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuestReach {
    /// Nothing a guest may see: the change was in an audience whose content guests cannot
    /// read (a closed or secret group, a conversation, the staff).
    Nothing,
    /// The pages of one group guests may see (its page and topic list, and the site-wide lists
    /// drawn from it) and, if set, of one of its topics.
    Group { slug: String, topic: Option<i64> },
    /// Any page.
    Everything,
}

impl Events<'_> {
    /// What a change at `place` may have altered among the pages guests see. The audience
    /// rule ([`reach`]) decides for a guest viewer: a change among items guests may not read
    /// reaches nothing of theirs, a new group they may see listed reaches the lists, and a
    /// change in the site's audience may show on any page.
    pub async fn guest_reach(self, place: Place) -> Result<GuestReach, StoreError> {
        let guest = Viewer::guest();
        let place = match place {
            // A bare reference to a group's audience reaches its pages as a change of the
            // group itself would.
            Place::Audience { audience } if audience.kind == AudienceKind::Group => Place::Group {
                group: audience.id,
                topic: None,
            },
            other => other,
        };
        let (group, topic) = match place {
            Place::Everywhere => return Ok(GuestReach::Everything),
            Place::Audience { audience } => return Ok(beyond_groups(audience.kind)),
            Place::Group { group, topic } => {
                let found = self
                    .store
                    .group_by_id(crate::ids::GroupId(group), None)
                    .await?;
                (found.map(|(g, _)| g), topic)
            }
            Place::Topic { topic } => {
                let found = self
                    .store
                    .topic_in_group(crate::ids::TopicId(topic), None)
                    .await?;
                (found.map(|(_, g, _)| g), Some(topic))
            }
        };
        let Some(group) = group else {
            return Ok(GuestReach::Nothing);
        };
        let seen = reach(
            &guest,
            Audience::Group {
                visibility: group.visibility,
                relation: Relation::Stranger,
            },
        );
        // A change among its items matters if guests read them; a new group, if they see it.
        let needed = if topic.is_some() {
            Access::Read
        } else {
            Access::Listed
        };
        Ok(if seen >= needed {
            GuestReach::Group {
                slug: group.slug,
                topic,
            }
        } else {
            GuestReach::Nothing
        })
    }
}

/// What a change in an audience beyond groups reaches among guests' pages: any page, if guests
/// read the audience (the site's), else nothing (a conversation, the staff).
pub(super) fn beyond_groups(kind: AudienceKind) -> GuestReach {
    let audience = match kind {
        AudienceKind::Site => Audience::Site {
            members_only: false,
        },
        AudienceKind::Staff => Audience::Staff,
        // A group's reach needs the group (`Place::Group`); alone it is treated as closed.
        AudienceKind::Conversation | AudienceKind::Group => Audience::Conversation {
            participation: Participation::Outsider,
        },
    };
    if reach(&Viewer::guest(), audience) >= Access::Read {
        GuestReach::Everything
    } else {
        GuestReach::Nothing
    }
}
