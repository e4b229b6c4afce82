//! Which of the pages every guest sees alike a change reaches ([`Events::guest_reach`]): what
//! a node's guest cache drops when an event arrives.

use crate::agora::Events;
use crate::error::StoreError;

use super::Place;

/// What a change may have altered among the pages every guest sees alike, as the group
/// policy decides for a guest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuestReach {
    /// Nothing a guest may see: the change was in a group whose content guests cannot read
    /// (closed or secret).
    Nothing,
    /// The pages of one group guests may see (its page and topic list, and the site-wide lists
    /// drawn from it) and, if set, of one of its topics.
    Group { slug: String, topic: Option<i64> },
    /// Any page.
    Everything,
}

impl Events<'_> {
    /// What a change at `place` may have altered among the pages guests see. The group
    /// policy decides for a guest viewer: a change among items guests may not read reaches
    /// nothing of theirs, while a new group they may see listed reaches the lists.
    pub async fn guest_reach(self, place: Place) -> Result<GuestReach, StoreError> {
        use crate::groups::policy::{Access, Relation, access};
        let (group, topic) = match place {
            Place::Everywhere => return Ok(GuestReach::Everything),
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
        let guest = access(
            &crate::viewer::Viewer::guest(),
            group.visibility,
            Relation::Stranger,
        );
        // A change among its items matters if guests read them; a new group, if they see it.
        let needed = if topic.is_some() {
            Access::Read
        } else {
            Access::Listed
        };
        Ok(if guest >= needed {
            GuestReach::Group {
                slug: group.slug,
                topic,
            }
        } else {
            GuestReach::Nothing
        })
    }
}
