//! Response bodies: what the API shows of the core's types, never database rows. Email
//! addresses appear only in `MeResponse`, the signed-in member's own account.

use serde::Serialize;
use utoipa::ToSchema;

use agora_core::forum::{Author, Post, Revision, Topic};
use agora_core::groups::policy::{Access, Relation};
use agora_core::groups::{GroupMember, GroupRole, GroupView, Invitation, JoinRequest};
use agora_core::items::{Capabilities, ItemState, Shown};
use agora_core::members::{Member, Profile};
use agora_core::search::{SearchHit, snippet_html};
use agora_core::site::SiteSettings;

/// A member as others see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberResponse {
    pub username: String,
    pub display_name: String,
    pub bio: String,
    /// `admin`, `moderator` or `member`.
    pub role: &'static str,
    pub joined_at: String,
    /// Trust level 0–4 (new, basic, member, regular, leader); staff are leaders.
    pub trust_level: i64,
}

impl From<&Member> for MemberResponse {
    fn from(m: &Member) -> Self {
        Self {
            username: m.username.clone(),
            display_name: m.display_name.clone(),
            bio: m.bio.clone(),
            role: m.role.as_str(),
            joined_at: m.created_at.to_rfc3339(),
            trust_level: m.trust().number(),
        }
    }
}

/// A public profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileResponse {
    #[serde(flatten)]
    pub member: MemberResponse,
    /// Posts in groups the viewer may read.
    pub post_count: i64,
    /// Groups the member belongs to that the viewer may read.
    pub groups: Vec<ProfileGroup>,
}

/// A group on a profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileGroup {
    pub slug: String,
    pub name: String,
    pub role: &'static str,
}

impl ProfileResponse {
    pub fn new(p: &Profile, groups: Vec<(agora_core::groups::Group, GroupRole)>) -> Self {
        Self {
            member: (&p.member).into(),
            post_count: p.visible_post_count,
            groups: groups
                .into_iter()
                .map(|(g, r)| ProfileGroup {
                    slug: g.slug,
                    name: g.name,
                    role: r.as_str(),
                })
                .collect(),
        }
    }
}

/// The signed-in member's own account.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    #[serde(flatten)]
    pub member: MemberResponse,
    /// Private: shown only to the member themselves.
    pub email: String,
    /// Whether the address is confirmed; until it is, the member reads but does not post.
    pub email_verified: bool,
}

impl From<&Member> for MeResponse {
    fn from(m: &Member) -> Self {
        Self {
            member: m.into(),
            email: m.email.clone(),
            email_verified: m.email_verified,
        }
    }
}

/// A new session.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub member: MeResponse,
}

/// A group as the viewer sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupResponse {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// `public`, `closed` or `secret`.
    pub visibility: &'static str,
    pub member_count: i64,
    /// Topics, shown to those who may read the group; null otherwise.
    pub topic_count: Option<i64>,
    /// The viewer's standing: `none`, `pending`, `invited`, `member`, `moderator`, `owner`.
    pub membership: &'static str,
    pub can_read: bool,
    pub can_post: bool,
    pub can_moderate: bool,
    /// Whether the viewer may edit it (its owners and site admins: `PATCH /groups/{slug}`).
    pub can_edit: bool,
    pub last_activity_at: String,
    /// When it was archived (read-only since); null while active.
    pub archived_at: Option<String>,
}

impl From<&GroupView> for GroupResponse {
    fn from(v: &GroupView) -> Self {
        let g = &v.group;
        let can_read = v.access >= Access::Read;
        Self {
            slug: g.slug.clone(),
            name: g.name.clone(),
            description: g.description.clone(),
            visibility: g.visibility.as_str(),
            member_count: g.member_count,
            topic_count: can_read.then_some(g.topic_count),
            membership: match v.relation {
                Relation::Stranger => "none",
                Relation::Requested => "pending",
                Relation::Invited => "invited",
                Relation::Member(role) => role.as_str(),
            },
            can_read,
            can_post: v.access >= Access::Participate,
            can_moderate: v.access >= Access::Moderate,
            can_edit: v.can_edit,
            last_activity_at: g.last_activity_at.to_rfc3339(),
            archived_at: g.archived_at.map(|t| t.to_rfc3339()),
        }
    }
}

/// A page of groups.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupListResponse {
    pub groups: Vec<GroupResponse>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// The result of joining.
#[derive(Debug, Serialize, ToSchema)]
pub struct JoinResponse {
    /// `member` (joined) or `pending` (waiting for approval).
    pub state: &'static str,
}

/// A member of a group.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupMemberResponse {
    pub username: String,
    pub display_name: String,
    /// `owner`, `moderator` or `member`.
    pub role: &'static str,
    pub joined_at: String,
}

impl From<&GroupMember> for GroupMemberResponse {
    fn from(m: &GroupMember) -> Self {
        Self {
            username: m.username.clone(),
            display_name: m.display_name.clone(),
            role: m.role.as_str(),
            joined_at: m.joined_at.to_rfc3339(),
        }
    }
}

/// A page of a group's members.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupMembersResponse {
    pub members: Vec<GroupMemberResponse>,
    pub next_cursor: Option<String>,
}

/// A pending request to join.
#[derive(Debug, Serialize, ToSchema)]
pub struct JoinRequestResponse {
    pub username: String,
    pub display_name: String,
    pub requested_at: String,
}

impl From<&JoinRequest> for JoinRequestResponse {
    fn from(r: &JoinRequest) -> Self {
        Self {
            username: r.username.clone(),
            display_name: r.display_name.clone(),
            requested_at: r.requested_at.to_rfc3339(),
        }
    }
}

/// An invitation into a group.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationResponse {
    pub id: i64,
    pub group: String,
    /// `pending`, `accepted`, `declined` or `revoked`.
    pub state: String,
    pub created_at: String,
}

impl InvitationResponse {
    pub fn new(i: &Invitation, group_slug: &str) -> Self {
        Self {
            id: i.id.0,
            group: group_slug.to_owned(),
            state: i.state.clone(),
            created_at: i.created_at.to_rfc3339(),
        }
    }
}

/// An invitation addressed to the viewer, with its group.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyInvitationResponse {
    pub id: i64,
    pub group: GroupResponse,
    pub created_at: String,
}

/// Who wrote something.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorResponse {
    pub username: String,
    pub display_name: String,
}

impl From<&Author> for AuthorResponse {
    fn from(a: &Author) -> Self {
        Self {
            username: a.username.clone(),
            display_name: a.display_name.clone(),
        }
    }
}

/// A topic in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicSummary {
    pub id: i64,
    pub title: String,
    pub slug: String,
    /// `discussion`, `question` or `idea`.
    pub kind: &'static str,
    /// What its kind says of it: a question is `open` or `solved`; empty for a discussion.
    pub status: String,
    /// The post shown under it (a question's best answer), if any.
    pub featured_post_id: Option<i64>,
    pub group: String,
    pub author: AuthorResponse,
    pub tags: Vec<String>,
    pub pinned: bool,
    pub locked: bool,
    pub deleted: bool,
    pub reply_count: i64,
    pub created_at: String,
    pub last_activity_at: String,
    /// The topic's page on the site.
    pub url: String,
}

impl TopicSummary {
    pub fn new(t: &Topic, group_slug: &str) -> Self {
        Self {
            id: t.id.0,
            title: t.title.clone(),
            slug: t.slug.clone(),
            kind: t.kind.as_str(),
            status: t.status.clone(),
            featured_post_id: t.featured_post.map(|p| p.0),
            group: group_slug.to_owned(),
            author: (&t.author).into(),
            tags: t.tags.clone(),
            pinned: t.pinned,
            locked: t.locked,
            deleted: t.deleted,
            reply_count: t.reply_count,
            created_at: t.created_at.to_rfc3339(),
            last_activity_at: t.last_activity_at.to_rfc3339(),
            url: format!("/t/{}/{}", t.id.0, t.slug),
        }
    }
}

/// A page of a group's topics.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicListResponse {
    /// Pinned topics, on the first page only.
    pub pinned: Vec<TopicSummary>,
    pub topics: Vec<TopicSummary>,
    pub next_cursor: Option<String>,
}

/// What the viewer may do with a post or topic, decided by the one item rule in the core:
/// show a button exactly when its field is true.
#[derive(Debug, Serialize, ToSchema)]
pub struct CapabilitiesResponse {
    /// Read its body (a deleted post's placeholder is shown to everyone who reads the topic).
    pub read: bool,
    pub reply: bool,
    pub edit: bool,
    pub delete: bool,
    /// Undelete, or approve a held post (moderators).
    pub restore: bool,
    pub flag: bool,
    pub moderate: bool,
    /// React to it (whoever reads it, but not its author).
    pub react: bool,
    /// Each kind's own actions by name, beside the shared ones: `accept` (accept it as an
    /// answer: the asker, the group's moderators, site staff) and `vote` (vote for an idea:
    /// members of its group).
    #[serde(flatten)]
    #[schema(additional_properties)]
    pub kinds: std::collections::BTreeMap<&'static str, bool>,
}

impl From<&Capabilities> for CapabilitiesResponse {
    fn from(c: &Capabilities) -> Self {
        Self {
            read: c.read,
            reply: c.reply,
            edit: c.edit,
            delete: c.delete,
            restore: c.restore,
            flag: c.flag,
            moderate: c.moderate,
            react: c.react,
            kinds: c.kinds.each().collect(),
        }
    }
}

/// A post.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostResponse {
    pub id: i64,
    pub topic_id: i64,
    /// 1 for the topic's opening post.
    pub number: i64,
    pub author: AuthorResponse,
    /// Empty for a deleted post, except to moderators.
    pub body_markdown: String,
    /// Sanitised HTML.
    pub body_html: String,
    pub created_at: String,
    pub edited_at: Option<String>,
    pub revision_count: i64,
    /// Whether it was deleted (by its author or a moderator); a held or hidden post is not
    /// deleted, it waits for a moderator (`state`).
    pub deleted: bool,
    /// `published`; `held` (held by the system until a moderator approves it); `hidden`
    /// (hidden after members flagged it, until a moderator decides); or `deleted`. A held or
    /// hidden post is read only by moderators and its author.
    #[schema(value_type = String)]
    pub state: ItemState,
    /// What the viewer may do with this post.
    pub capabilities: CapabilitiesResponse,
    /// Its reactions, per emoji (the site's set in its order), with the viewer's own marked:
    /// in a topic's posts and `GET /posts/{id}`; empty in the answers to writes (a new post
    /// has none; read it again, or `GET /items/post/{id}/reactions`, after an edit).
    pub reactions: Vec<crate::api::reactions::ReactionCountResponse>,
}

impl From<&Shown<Post>> for PostResponse {
    fn from(shown: &Shown<Post>) -> Self {
        let p = &shown.item;
        Self {
            id: p.id.0,
            topic_id: p.topic_id.0,
            number: p.number,
            author: (&p.author).into(),
            body_markdown: p.body_markdown.clone(),
            body_html: p.body_html.clone(),
            created_at: p.created_at.to_rfc3339(),
            edited_at: p.edited_at.map(|t| t.to_rfc3339()),
            revision_count: p.revision_count,
            deleted: p.state() == ItemState::Deleted,
            state: p.state(),
            capabilities: (&shown.can).into(),
            reactions: Vec::new(),
        }
    }
}

/// A topic with one page of posts.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicResponse {
    #[serde(flatten)]
    pub topic: TopicSummary,
    pub posts: Vec<PostResponse>,
    /// Pass as `from` for the next page of posts; null on the last.
    pub next_from: Option<i64>,
    pub can_reply: bool,
    pub can_moderate: bool,
    /// What the viewer may do with the topic as a whole.
    pub capabilities: CapabilitiesResponse,
}

/// An earlier version of a post.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionResponse {
    pub number: i64,
    /// The topic's title at the time, for an opening post (null when withheld).
    pub title: Option<String>,
    /// The text of the version; null when withheld (`redacted` and the caller does not
    /// moderate the group).
    pub body_markdown: Option<String>,
    /// A moderator's edit of someone else's post replaced this version or a later one: only
    /// the group's moderators and site staff read its text.
    pub redacted: bool,
    /// Who replaced this version.
    pub replaced_by: AuthorResponse,
    pub replaced_at: String,
}

impl From<&Revision> for RevisionResponse {
    fn from(r: &Revision) -> Self {
        Self {
            number: r.number,
            title: r.title.clone(),
            body_markdown: (!r.withheld).then(|| r.body_markdown.clone()),
            redacted: r.redacted,
            replaced_by: (&r.editor).into(),
            replaced_at: r.replaced_at.to_rfc3339(),
        }
    }
}

/// One search result: a topic, shown by its best-matching post.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHitResponse {
    pub topic_id: i64,
    pub topic_title: String,
    pub post_id: i64,
    pub post_number: i64,
    pub group: String,
    pub group_name: String,
    pub author: AuthorResponse,
    /// Escaped text with matches in `<mark>`.
    pub snippet_html: String,
    pub created_at: String,
    pub url: String,
    /// `discussion`, `question` or `idea`.
    pub topic_kind: &'static str,
    /// What the topic's kind says of it (`open`, `solved`); empty for a discussion.
    pub topic_status: String,
    /// The post shown under the topic (a question's best answer), if any.
    pub featured: Option<FeaturedResponse>,
    /// How many other posts of the topic matched (0 for a search of operators alone).
    pub more_matches: u32,
}

/// The post a topic's kind shows under it in results (a question's best answer).
#[derive(Debug, Serialize, ToSchema)]
pub struct FeaturedResponse {
    pub post_number: i64,
    /// Its opening words, plain text.
    pub excerpt: String,
    pub url: String,
}

impl From<&SearchHit> for SearchHitResponse {
    fn from(h: &SearchHit) -> Self {
        Self {
            topic_id: h.topic_id.0,
            topic_title: h.topic_title.clone(),
            post_id: h.post_id.0,
            post_number: h.post_number,
            group: h.group_slug.clone(),
            group_name: h.group_name.clone(),
            author: (&h.author).into(),
            snippet_html: snippet_html(&h.snippet),
            created_at: h.created_at.to_rfc3339(),
            url: format!(
                "/t/{}/{}#post-{}",
                h.topic_id.0, h.topic_slug, h.post_number
            ),
            topic_kind: h.topic_kind.as_str(),
            topic_status: h.topic_status.clone(),
            featured: h
                .featured
                .as_ref()
                .map(|(number, excerpt)| FeaturedResponse {
                    post_number: *number,
                    excerpt: excerpt.clone(),
                    url: format!("/t/{}/{}#post-{number}", h.topic_id.0, h.topic_slug),
                }),
            more_matches: h.more_matches,
        }
    }
}

/// Search results: one per topic.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    pub results: Vec<SearchHitResponse>,
    /// Pass as `offset` for more; null when there are no more.
    pub next_offset: Option<u32>,
    /// The topics found in all (an offset past them gives an empty page and this total).
    pub total: u32,
    /// Whether `total` is exact; when false there are at least that many (a very common
    /// word's oldest matches, or more than 1,000 topics for operators alone, are not counted).
    pub total_exact: bool,
    /// What the words find beyond the forum in the viewer's own audiences (their private
    /// messages), newest first: on the first page only, and only for a signed-in viewer.
    pub items: Vec<ItemHitResponse>,
}

/// An item found beyond the forum.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemHitResponse {
    /// Its kind (`message`).
    pub kind: String,
    pub id: i64,
    /// What it belongs to (a conversation's subject).
    pub title: String,
    /// The matched words marked with `<mark>`, escaped.
    pub snippet_html: String,
    pub author: String,
    pub created_at: String,
    /// Where to read it on the site.
    pub url: String,
}

impl From<&agora_core::search::items::ItemHit> for ItemHitResponse {
    fn from(h: &agora_core::search::items::ItemHit) -> Self {
        Self {
            kind: h.item.kind.as_str().into(),
            id: h.item.id,
            title: h.title.clone(),
            snippet_html: agora_core::search::snippet_html(&h.snippet),
            author: h.author.clone(),
            created_at: h.created_at.to_rfc3339(),
            url: crate::item_links::link_to(h.item, h.container, h.position),
        }
    }
}

/// The site's settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteResponse {
    pub name: String,
    pub goal: String,
    /// Markdown.
    pub netiquette: String,
    pub members_may_create_groups: bool,
    /// Slugs of the groups the landing page features that the caller may see (empty: the
    /// most popular).
    pub featured_groups: Vec<String>,
    /// The registration plausibility rules; shown to admins only.
    pub registration_rules: Option<RulesResponse>,
    /// The word filters as written; shown to admins only.
    pub word_filters: Option<String>,
    /// Trust levels' thresholds, newcomer limits and spam checks by key; shown to admins only.
    #[schema(value_type = Option<Object>)]
    pub trust: Option<std::collections::BTreeMap<&'static str, i64>>,
    /// The kinds of legal complaint whose post is hidden as soon as the complaint is
    /// confirmed (others wait for a moderator); shown to admins only.
    pub complaints_hide_at_once: Option<Vec<String>>,
    /// The logo, a path on this site; empty for the site's initial.
    pub logo_url: String,
    /// The accent colour, `#rrggbb`; empty for agora's own.
    pub accent_color: String,
    /// The image social networks show for the site's links (`og:image`); empty for none.
    pub social_image_url: String,
    /// The emoji members react with; the first is the like.
    pub reactions: Vec<String>,
}

/// How registrations are checked for plausibility.
#[derive(Debug, Serialize, ToSchema)]
pub struct RulesResponse {
    /// Rules switched off.
    pub off: Vec<String>,
    /// Names refused besides the shipped list.
    pub extra_names: Vec<String>,
    /// Mail domains refused besides the shipped list.
    pub extra_domains: Vec<String>,
    /// New accounts one network address may open within ten minutes (rule
    /// `registration_burst`).
    pub burst_per_10_min: i64,
}

impl SiteResponse {
    /// The settings as `admin` or anyone else may see them.
    pub fn new(s: SiteSettings, admin: bool) -> Self {
        let rules = s.registration_rules;
        let filters = s.word_filters_text;
        Self {
            name: s.name,
            goal: s.goal,
            netiquette: s.netiquette,
            members_may_create_groups: s.members_may_create_groups,
            featured_groups: s.featured_groups,
            registration_rules: admin.then_some(RulesResponse {
                off: rules.off,
                extra_names: rules.extra_names,
                extra_domains: rules.extra_domains,
                burst_per_10_min: rules.burst_per_10_min,
            }),
            word_filters: admin.then_some(filters),
            trust: admin.then(|| s.trust.entries().map(|(k, v)| (k.key, v)).collect()),
            complaints_hide_at_once: admin.then_some(s.complaints_hide_at_once),
            logo_url: s.logo_url,
            accent_color: s.accent_color,
            social_image_url: s.social_image_url,
            reactions: s.reactions,
        }
    }
}
