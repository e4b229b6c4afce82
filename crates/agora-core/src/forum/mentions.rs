//! `@name` mentions in a post: which members the names in a body name (one query for all of
//! them), how many a post may mention, and which of them are told.
//!
//! A mention of a member renders as a link to their profile whoever they are; the member is
//! told (a `MemberMentioned` event, recorded in the post's transaction) only if they may read
//! the post, as the group policy decides for them: a closed or secret group's post tells its
//! members only, and someone who may not read it never learns that it exists. The author is
//! never told of their own mention, and a member is told once per post: an edit tells only
//! those it adds (the store keeps who each post mentioned). A post held for review tells
//! nobody until it is published; then the store asks [`reads`] again, since who may read the
//! group may have changed in between.

use std::collections::HashMap;

use async_trait::async_trait;

use crate::agora::Forum;
use crate::error::{Invalid, StoreError};
use crate::forum::ForumError;
use crate::groups::policy::{Access, Relation, access};
use crate::groups::{Group, Visibility};
use crate::ids::{GroupId, MemberId};
use crate::trust::{Knob, TrustLevel, TrustSettings};
use crate::viewer::{Actor, Restriction, SiteRole, Viewer};

/// A member a post's mention names, with what decides whether they may read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionTarget {
    pub id: MemberId,
    /// As stored (a mention's link goes to `/u/{username}`).
    pub username: String,
    pub role: SiteRole,
    /// Their relation to the post's group. The store reports members (with their role) and
    /// strangers: a request to join or an invitation never reaches reading in any kind of
    /// group (`policy::access`), so neither is told apart from a stranger here.
    pub relation: Relation,
}

/// What the forum asks of the store about mentions.
#[async_trait]
pub trait MentionStore: Send + Sync {
    /// The members whose usernames are among `names` (canonical, lowercase), each with their
    /// relation to `group`; names no member has are left out. One query, whatever the count.
    async fn mention_targets(
        &self,
        group: GroupId,
        names: &[String],
    ) -> Result<Vec<MentionTarget>, StoreError>;
}

/// Whether a member with this site `role`, standing in `relation` to a group of this
/// `visibility`, may read its published posts: the group policy, asked for them.
pub fn reads(member: MemberId, role: SiteRole, visibility: Visibility, relation: Relation) -> bool {
    // `access` reads who the viewer is and their site role; the rest of an actor (a sanction,
    // the trust level) decides what they may do, not what they may read.
    let viewer = Viewer::member(Actor {
        id: member,
        username: String::new(),
        role,
        verified: true,
        restriction: Restriction::None,
        trust: TrustLevel::New,
    });
    access(&viewer, visibility, relation) >= Access::Read
}

/// The members a body mentions: those to link, and those to tell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Mentions {
    /// Canonical name → username, for every member mentioned (the links).
    pub members: HashMap<String, String>,
    /// The members mentioned who may read the post, not its writer: those to tell.
    pub readers: Vec<MemberId>,
}

impl Forum<'_> {
    /// The members `names` (a body's mentioned names) name, for a post `writer` writes in
    /// `group`, refused past the mentions a post may hold (a new member's limit, then
    /// everyone's).
    pub(crate) async fn mentions(
        self,
        writer: &Actor,
        group: &Group,
        names: &[String],
        trust: &TrustSettings,
    ) -> Result<Mentions, ForumError> {
        if names.is_empty() {
            return Ok(Mentions::default());
        }
        let targets = self.store.mention_targets(group.id, names).await?;
        limit(trust, writer.trust, targets.len())?;
        let readers = targets
            .iter()
            .filter(|t| t.id != writer.id && reads(t.id, t.role, group.visibility, t.relation))
            .map(|t| t.id)
            .collect();
        let members = targets
            .into_iter()
            .map(|t| (t.username.to_ascii_lowercase(), t.username))
            .collect();
        Ok(Mentions { members, readers })
    }
}

/// Refuses a post that mentions more members than its writer may: a new member's limit
/// (`new_max_mentions`), then everyone's (`max_mentions`), each saying what to do.
pub(crate) fn limit(
    trust: &TrustSettings,
    level: TrustLevel,
    mentioned: usize,
) -> Result<(), Invalid> {
    let count = mentioned as i64;
    let newcomers = trust[Knob::NewMaxMentions];
    if level == TrustLevel::New && count > newcomers {
        return Err(Invalid::new(
            "body",
            "too_many_mentions",
            format!(
                "New members may include at most {newcomers} mentions of other members in a post \
                 (this one has {count}). Remove some, or take part a little longer: the limit \
                 lifts as you read and join in."
            ),
        ));
    }
    let everyone = trust[Knob::MaxMentions];
    if count > everyone {
        return Err(Invalid::new(
            "body",
            "too_many_mentions",
            format!(
                "A post may mention at most {everyone} members (this one mentions {count}). \
                 Remove some mentions; to reach many members at once, post in a group they \
                 belong to."
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::groups::GroupRole;

    #[test]
    fn only_those_who_may_read_the_group_are_told() {
        let ana = MemberId(1);
        let member = Relation::Member(GroupRole::Member);
        for (visibility, relation, told) in [
            (Visibility::Public, Relation::Stranger, true),
            (Visibility::Closed, Relation::Stranger, false),
            (Visibility::Closed, Relation::Requested, false),
            (Visibility::Closed, member, true),
            (Visibility::Secret, Relation::Invited, false),
            (Visibility::Secret, Relation::Stranger, false),
            (Visibility::Secret, member, true),
        ] {
            assert_eq!(
                reads(ana, SiteRole::Member, visibility, relation),
                told,
                "{visibility:?} {relation:?}"
            );
        }
    }

    #[test]
    fn everyone_has_a_limit_and_newcomers_a_lower_one() {
        let trust = TrustSettings::default();
        assert!(limit(&trust, TrustLevel::New, 2).is_ok());
        let newcomer = limit(&trust, TrustLevel::New, 3).err();
        assert_eq!(newcomer.as_ref().map(|e| e.code), Some("too_many_mentions"));
        assert!(newcomer.is_some_and(|e| e.message.contains("at most 2")));
        assert!(limit(&trust, TrustLevel::Member, 10).is_ok());
        let everyone = limit(&trust, TrustLevel::Leader, 11).err();
        assert_eq!(everyone.as_ref().map(|e| e.code), Some("too_many_mentions"));
        assert!(everyone.is_some_and(|e| e.message.contains("at most 10 members")));
    }
}
