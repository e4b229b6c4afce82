//! What every event says whatever its type ([`About`]): who did it, what it is about (an item
//! by reference, and so its kind; a topic; a member) and where (its audience); when is the
//! record's time. Consumers that act on every kind of event (notifications, insight, feeds)
//! read this and never a match over the types.

use crate::audience::AudienceRef;
use crate::ids::GroupId;
use crate::items::refs::ItemRef;

use super::{Event, Place};

/// Who, what and where, as an event tells them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct About {
    /// The member who did it; none for what the system did (a reminder, flags that hid a
    /// post, a guest's complaint) and for events recorded before they said.
    pub who: Option<i64>,
    /// The item it is about, by reference (its kind is the reference's).
    pub item: Option<ItemRef>,
    /// The topic it is about or happened in.
    pub topic: Option<i64>,
    /// The member it is about (mentioned, sanctioned, joined), when not the one who did it.
    pub member: Option<i64>,
    /// The audience it happened in: a group, a conversation, the site, the staff.
    pub audience: Option<AudienceRef>,
}

fn group(id: i64) -> Option<AudienceRef> {
    Some(AudienceRef::group(GroupId(id)))
}

fn post(id: i64) -> Option<ItemRef> {
    Some(crate::forum::items::post_ref(crate::ids::PostId(id)))
}

/// The audience of the first place that names one.
fn audience_of(places: &[Place]) -> Option<AudienceRef> {
    places.iter().find_map(|p| match p {
        Place::Group { group: g, .. } => group(*g),
        Place::Audience { audience } => Some(*audience),
        Place::Topic { .. } | Place::Everywhere => None,
    })
}

impl Event {
    /// Who did it, what it is about and where.
    pub fn about(&self) -> About {
        match self {
            Event::ItemPublished {
                topic,
                post: p,
                group: g,
                author,
            } => About {
                who: Some(*author),
                item: post(*p),
                topic: Some(*topic),
                member: None,
                audience: group(*g),
            },
            Event::ItemEdited {
                topic,
                post: p,
                group: g,
                author,
                by,
            } => About {
                who: Some(*by),
                item: post(*p),
                topic: Some(*topic),
                member: (author != by).then_some(*author),
                audience: group(*g),
            },
            Event::ItemHidden {
                topic,
                post: p,
                group: g,
                author,
                by,
            }
            | Event::ItemRestored {
                topic,
                post: p,
                group: g,
                author,
                by,
            } => About {
                who: *by,
                item: post(*p),
                topic: Some(*topic),
                member: (Some(*author) != *by).then_some(*author),
                audience: group(*g),
            },
            Event::MemberMentioned {
                member,
                by,
                topic,
                post: p,
                group: g,
            } => About {
                who: Some(*by),
                item: post(*p),
                topic: Some(*topic),
                member: Some(*member),
                audience: group(*g),
            },
            Event::TopicChanged {
                topic,
                group: g,
                by,
            } => About {
                who: *by,
                topic: Some(*topic),
                audience: group(*g),
                ..About::default()
            },
            Event::GroupCreated { group: g, by } => About {
                who: *by,
                audience: group(*g),
                ..About::default()
            },
            Event::GroupChanged { group: g, by, .. } => About {
                who: Some(*by),
                audience: group(*g),
                ..About::default()
            },
            Event::MemberJoined {
                group: g,
                member,
                by,
            }
            | Event::MemberLeft {
                group: g,
                member,
                by,
            } => About {
                who: Some(*by),
                member: (member != by).then_some(*member),
                audience: group(*g),
                ..About::default()
            },
            Event::MemberRegistered { member } => About {
                who: Some(*member),
                audience: Some(AudienceRef::SITE),
                ..About::default()
            },
            Event::MemberChanged { member, by }
            | Event::MemberSanctioned { member, by, .. }
            | Event::SanctionLifted { member, by, .. } => About {
                who: *by,
                member: (Some(*member) != *by).then_some(*member),
                audience: Some(AudienceRef::SITE),
                ..About::default()
            },
            Event::SiteChanged { by, .. } | Event::BulletinSent { by, .. } => About {
                who: *by,
                audience: Some(AudienceRef::SITE),
                ..About::default()
            },
            Event::ReactionGiven {
                item,
                by,
                author,
                places,
                ..
            }
            | Event::ReactionTaken {
                item,
                by,
                author,
                places,
                ..
            } => About {
                who: Some(*by),
                item: Some(*item),
                member: (author != by).then_some(*author),
                audience: audience_of(places),
                ..About::default()
            },
            Event::ReportFiled {
                item,
                member,
                by,
                audience,
                ..
            } => About {
                who: Some(*by),
                item: *item,
                member: *member,
                audience: *audience,
                ..About::default()
            },
            Event::ComplaintFiled {
                item, by, audience, ..
            } => About {
                who: *by,
                item: Some(*item),
                audience: *audience,
                ..About::default()
            },
            Event::Kind(e) => e.about(),
        }
    }
}
