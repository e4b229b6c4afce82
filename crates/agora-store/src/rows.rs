//! Row types as the SQL returns them, the column lists that produce them, and their
//! conversion into the core's types.

use agora_core::forum::{Author, Post, Topic, TopicKind};
use agora_core::groups::policy::Relation;
use agora_core::groups::{Group, GroupRole, Visibility};
use agora_core::members::Member;
use agora_core::time::Timestamp;
use agora_core::viewer::SiteRole;
use agora_core::{GroupId, MemberId, PostId, TopicId};

/// Columns of [`MemberRow`], for `members m`.
pub const MEMBER_COLUMNS: &str = "m.id, m.username, m.display_name, m.email, m.bio, m.role, \
    m.created_at, m.email_verified_at, m.trust_level, m.trust_locked IS NOT NULL AS trust_locked";

#[derive(sqlx::FromRow)]
pub struct MemberRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub bio: String,
    pub role: String,
    pub created_at: i64,
    pub email_verified_at: Option<i64>,
    pub trust_level: i64,
    pub trust_locked: bool,
}

impl From<MemberRow> for Member {
    fn from(r: MemberRow) -> Self {
        Self {
            id: MemberId(r.id),
            username: r.username,
            display_name: r.display_name,
            email: r.email,
            bio: r.bio,
            role: SiteRole::parse(&r.role).unwrap_or(SiteRole::Member),
            created_at: Timestamp(r.created_at),
            email_verified: r.email_verified_at.is_some(),
            trust_level: agora_core::trust::TrustLevel::from_number(r.trust_level)
                .unwrap_or_default(),
            trust_locked: r.trust_locked,
        }
    }
}

/// Columns of [`GroupRow`], for `groups g`, with the viewer's id bound to `$1`.
/// How the viewer bound to `$1` stands to group `g`: role, pending request, invitation.
macro_rules! relation_columns {
    () => {
        "(SELECT gm.role FROM group_members gm WHERE gm.group_id = g.id AND gm.member_id = $1) AS my_role, \
         EXISTS (SELECT 1 FROM join_requests r WHERE r.group_id = g.id AND r.member_id = $1 AND r.state = 'pending') AS requested, \
         EXISTS (SELECT 1 FROM invitations i WHERE i.group_id = g.id AND i.invitee_id = $1 AND i.state = 'pending') AS invited"
    };
}

pub const GROUP_COLUMNS: &str = concat!(
    "g.id, g.slug, g.name, g.description, g.visibility, \
     g.member_count, g.topic_count, g.created_at, g.last_activity_at, g.archived_at, ",
    relation_columns!()
);

#[derive(sqlx::FromRow)]
pub struct GroupRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub visibility: String,
    pub member_count: i64,
    pub topic_count: i64,
    pub created_at: i64,
    pub last_activity_at: i64,
    pub archived_at: Option<i64>,
    pub my_role: Option<String>,
    pub requested: bool,
    pub invited: bool,
}

impl GroupRow {
    /// The group, and how the viewer bound to `$1` stands to it.
    pub fn into_parts(self) -> (Group, Relation) {
        let relation = match self.my_role.as_deref().and_then(GroupRole::parse) {
            Some(role) => Relation::Member(role),
            None if self.invited => Relation::Invited,
            None if self.requested => Relation::Requested,
            None => Relation::Stranger,
        };
        let group = Group {
            id: GroupId(self.id),
            slug: self.slug,
            name: self.name,
            description: self.description,
            // The CHECK constraint admits only the three kinds; anything else stays hidden.
            visibility: Visibility::parse(&self.visibility).unwrap_or(Visibility::Secret),
            member_count: self.member_count,
            topic_count: self.topic_count,
            created_at: Timestamp(self.created_at),
            last_activity_at: Timestamp(self.last_activity_at),
            archived_at: self.archived_at.map(Timestamp),
        };
        (group, relation)
    }
}

/// Columns of [`TopicRow`], for `topics t JOIN members a ON a.id = t.author_id`.
/// A topic `t` and its author `a`, for [`TopicRow`].
macro_rules! topic_columns {
    () => {
        "t.id, t.group_id, t.kind, t.title, t.slug, t.author_id, \
         a.username AS author_username, a.display_name AS author_display_name, t.tags, t.pinned, \
         t.locked, t.deleted, t.reply_count, t.post_count, t.created_at, t.last_activity_at, \
         t.status, t.featured_post_id, \
         (t.deleted AND EXISTS (SELECT 1 FROM posts op JOIN reports f ON f.item_kind = 'post' AND f.item_id = op.id \
           WHERE op.topic_id = t.id AND op.number = 1 AND f.resolved_at IS NULL \
           AND f.source = 'system')) AS held, \
         (t.deleted AND EXISTS (SELECT 1 FROM posts op JOIN reports f ON f.item_kind = 'post' AND f.item_id = op.id \
           WHERE op.topic_id = t.id AND op.number = 1 AND f.resolved_at IS NULL \
           AND f.source <> 'system')) AS hidden"
    };
}

pub const TOPIC_COLUMNS: &str = topic_columns!();

#[derive(sqlx::FromRow)]
pub struct TopicRow {
    pub id: i64,
    pub group_id: i64,
    pub kind: String,
    pub title: String,
    pub slug: String,
    pub author_id: i64,
    pub author_username: String,
    pub author_display_name: String,
    pub tags: String,
    pub pinned: bool,
    pub locked: bool,
    pub deleted: bool,
    pub reply_count: i64,
    pub post_count: i64,
    pub created_at: i64,
    pub last_activity_at: i64,
    pub status: String,
    pub featured_post_id: Option<i64>,
    pub held: bool,
    pub hidden: bool,
}

/// [`TOPIC_COLUMNS`] and the topic's group `g` with the viewer bound to `$1`, for
/// [`TopicInGroupRow`] (the group's columns are prefixed: the names overlap the topic's).
pub const TOPIC_IN_GROUP_COLUMNS: &str = concat!(
    topic_columns!(),
    ", g.slug AS g_slug, g.name AS g_name, g.description AS g_description, \
     g.visibility AS g_visibility, g.member_count AS g_member_count, \
     g.topic_count AS g_topic_count, g.created_at AS g_created_at, \
     g.last_activity_at AS g_last_activity_at, g.archived_at AS g_archived_at, ",
    relation_columns!()
);

#[derive(sqlx::FromRow)]
pub struct TopicInGroupRow {
    #[sqlx(flatten)]
    pub topic: TopicRow,
    pub g_slug: String,
    pub g_name: String,
    pub g_description: String,
    pub g_visibility: String,
    pub g_member_count: i64,
    pub g_topic_count: i64,
    pub g_created_at: i64,
    pub g_last_activity_at: i64,
    pub g_archived_at: Option<i64>,
    pub my_role: Option<String>,
    pub requested: bool,
    pub invited: bool,
}

impl TopicInGroupRow {
    pub fn into_parts(self) -> (Topic, Group, Relation) {
        let (group, relation) = GroupRow {
            id: self.topic.group_id,
            slug: self.g_slug,
            name: self.g_name,
            description: self.g_description,
            visibility: self.g_visibility,
            member_count: self.g_member_count,
            topic_count: self.g_topic_count,
            created_at: self.g_created_at,
            last_activity_at: self.g_last_activity_at,
            archived_at: self.g_archived_at,
            my_role: self.my_role,
            requested: self.requested,
            invited: self.invited,
        }
        .into_parts();
        (Topic::from(self.topic), group, relation)
    }
}

impl From<TopicRow> for Topic {
    fn from(r: TopicRow) -> Self {
        Self {
            id: TopicId(r.id),
            group_id: GroupId(r.group_id),
            kind: TopicKind::parse(&r.kind),
            title: r.title,
            slug: r.slug,
            author: Author {
                id: MemberId(r.author_id),
                username: r.author_username,
                display_name: r.author_display_name,
            },
            tags: r.tags.split_whitespace().map(str::to_owned).collect(),
            pinned: r.pinned,
            locked: r.locked,
            deleted: r.deleted,
            reply_count: r.reply_count,
            post_count: r.post_count,
            created_at: Timestamp(r.created_at),
            last_activity_at: Timestamp(r.last_activity_at),
            status: r.status,
            featured_post: r.featured_post_id.map(PostId),
            held: r.held,
            hidden: r.hidden,
        }
    }
}

/// Columns of [`PostRow`], for `posts p JOIN members a ON a.id = p.author_id`.
pub const POST_COLUMNS: &str = "p.id, p.topic_id, p.group_id, p.number, p.author_id, \
    a.username AS author_username, a.display_name AS author_display_name, p.body_markdown, \
    p.body_html, p.created_at, p.edited_at, p.revision_count, p.deleted, \
    (p.deleted AND EXISTS (SELECT 1 FROM reports f WHERE f.item_kind = 'post' AND f.item_id = p.id AND f.resolved_at IS NULL \
      AND f.source = 'system')) AS held, \
    (p.deleted AND EXISTS (SELECT 1 FROM reports f WHERE f.item_kind = 'post' AND f.item_id = p.id AND f.resolved_at IS NULL \
      AND f.source <> 'system')) AS hidden";

#[derive(sqlx::FromRow)]
pub struct PostRow {
    pub id: i64,
    pub topic_id: i64,
    pub group_id: i64,
    pub number: i64,
    pub author_id: i64,
    pub author_username: String,
    pub author_display_name: String,
    pub body_markdown: String,
    pub body_html: String,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub revision_count: i64,
    pub deleted: bool,
    pub held: bool,
    pub hidden: bool,
}

impl From<PostRow> for Post {
    fn from(r: PostRow) -> Self {
        Self {
            id: PostId(r.id),
            topic_id: TopicId(r.topic_id),
            group_id: GroupId(r.group_id),
            number: r.number,
            author: Author {
                id: MemberId(r.author_id),
                username: r.author_username,
                display_name: r.author_display_name,
            },
            body_markdown: r.body_markdown,
            body_html: r.body_html,
            created_at: Timestamp(r.created_at),
            edited_at: r.edited_at.map(Timestamp),
            revision_count: r.revision_count,
            deleted: r.deleted,
            held: r.held,
            hidden: r.hidden,
        }
    }
}
