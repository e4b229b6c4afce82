//! Topics and posts as they come out of the store.

use serde::{Deserialize, Serialize};

use crate::ids::{GroupId, MemberId, PostId, TopicId};
use crate::items::{ItemFacts, ItemState, TopicFacts};
use crate::time::Timestamp;

/// What a topic is: a discussion, or a kind registered in [`crate::kinds`] (a question, an
/// idea), named by the word stored in `topics.kind`. Every kind shares topics, posts,
/// visibility and search; a kind adds its own details in tables of its own (an idea's status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TopicKind(&'static str);

impl TopicKind {
    /// A plain discussion, the kind every forum has.
    pub const DISCUSSION: Self = Self("discussion");

    /// The kind named `word` (for a kind's own declaration, `TopicKind::new("question")`).
    pub const fn new(word: &'static str) -> Self {
        Self(word)
    }

    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// The status a topic of this kind starts in: what shared lists and search filter on
    /// (`is:open`, `is:solved`) without knowing the kind.
    pub fn initial_status(self) -> &'static str {
        crate::kinds::spec(self).map_or("", |k| k.initial_status)
    }

    /// The kind a client named, if it is a discussion or a registered kind; `None` for
    /// anything else.
    pub fn from_name(s: &str) -> Option<Self> {
        std::iter::once(Self::DISCUSSION)
            .chain(crate::kinds::topic_kinds().map(|k| k.kind))
            .find(|k| k.0 == s)
    }

    /// Parses a stored name; unknown names read as discussions.
    pub fn parse(s: &str) -> Self {
        Self::from_name(s).unwrap_or(Self::DISCUSSION)
    }
}

impl Serialize for TopicKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

/// A kind read back is one this version knows; an unknown one reads as a discussion, as a
/// stored name does.
impl<'de> Deserialize<'de> for TopicKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::parse(&String::deserialize(d)?))
    }
}

/// How a topic list is ordered (`forum/sorts.rs` parses it and says what each ranks by).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TopicSort {
    /// Most recent activity first.
    #[default]
    Latest,
    /// Most replies first.
    Replies,
    /// The most taken-part-in first over a period: replies written in it (reactions to come).
    Top(Period),
    /// Topics no one but their author has replied to, newest first.
    Unanswered,
}

/// How far back a `Top` list looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Day,
    Week,
    Month,
    Year,
    All,
}

/// A member as shown beside what they wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub id: MemberId,
    pub username: String,
    pub display_name: String,
}

/// A topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub id: TopicId,
    pub group_id: GroupId,
    pub kind: TopicKind,
    pub title: String,
    pub slug: String,
    pub author: Author,
    pub tags: Vec<String>,
    pub pinned: bool,
    pub locked: bool,
    pub deleted: bool,
    pub reply_count: i64,
    pub post_count: i64,
    pub created_at: Timestamp,
    pub last_activity_at: Timestamp,
    /// What its kind says of it (`open`, `solved`, `planned`…); empty for a discussion.
    pub status: String,
    /// The post its kind shows under it in lists and search (a question's best answer).
    pub featured_post: Option<PostId>,
    /// Its opening post is held by the system for a moderator's approval.
    pub held: bool,
    /// Its opening post is hidden by members' flags until a moderator decides.
    pub hidden: bool,
}

/// Whether `s` can be a status: 1–32 lowercase ASCII letters or underscores.
pub fn is_status_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 32 && s.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

/// Which of a group's topics a list shows; each field set narrows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TopicFilter {
    pub kind: Option<TopicKind>,
    pub status: Option<String>,
    /// Only topics with replies (`true`) or without (`false`).
    pub replied: Option<bool>,
    /// Only topics opened before this time (a question unanswered for some days).
    pub created_before: Option<Timestamp>,
}

impl Topic {
    /// What the item rule needs to know of the topic (its opening post's author and state).
    pub fn facts(&self) -> ItemFacts {
        ItemFacts {
            author: self.author.id,
            state: match (self.deleted, self.held, self.hidden) {
                (false, _, _) => ItemState::Published,
                (true, true, _) => ItemState::Held,
                (true, false, true) => ItemState::Hidden,
                (true, false, false) => ItemState::Deleted,
            },
            locked: self.locked,
            opening: true,
            topic: Some(self.topic_facts()),
        }
    }

    /// What the kinds' actions may need to know of the topic.
    pub fn topic_facts(&self) -> TopicFacts {
        TopicFacts {
            kind: self.kind,
            author: self.author.id,
            closed: crate::kinds::is_closed(self.kind, &self.status),
        }
    }
}

/// A post: a topic's opening post (number 1) or a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub id: PostId,
    pub topic_id: TopicId,
    pub group_id: GroupId,
    pub number: i64,
    pub author: Author,
    pub body_markdown: String,
    pub body_html: String,
    pub created_at: Timestamp,
    pub edited_at: Option<Timestamp>,
    pub revision_count: i64,
    pub deleted: bool,
    /// Held by the system (a word filter, the spam check, a new member's first posts) until a
    /// moderator approves it.
    pub held: bool,
    /// Hidden by members' flags until a moderator decides.
    pub hidden: bool,
}

impl Post {
    /// What the item rule needs to know of this post in `topic`.
    pub fn facts(&self, topic: &Topic) -> ItemFacts {
        ItemFacts {
            author: self.author.id,
            state: self.state(),
            locked: topic.locked,
            opening: self.number == 1,
            topic: Some(topic.topic_facts()),
        }
    }

    /// Where the post stands, for the item rule.
    pub fn state(&self) -> ItemState {
        match (self.deleted, self.held, self.hidden) {
            (false, _, _) => ItemState::Published,
            (true, true, _) => ItemState::Held,
            (true, false, true) => ItemState::Hidden,
            (true, false, false) => ItemState::Deleted,
        }
    }
}

/// An earlier version of a post, kept when it was edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub number: i64,
    /// The topic's title at the time, for an opening post; `None` when withheld.
    pub title: Option<String>,
    /// Empty when withheld.
    pub body_markdown: String,
    /// Who replaced this version.
    pub editor: Author,
    pub replaced_at: Timestamp,
    /// Whether a moderator's edit of someone else's post replaced this version or a later one:
    /// it may hold what the moderator took out. (The store leaves it false; the forum's
    /// `revisions` use case sets it.)
    pub redacted: bool,
    /// Whether the text of this version (its title and body) is withheld from the viewer: a
    /// redacted version is read only by the moderators of the post's group and site staff.
    pub withheld: bool,
}

/// A topic to insert, with its opening post.
#[derive(Debug, Clone)]
pub struct NewTopic {
    pub group_id: GroupId,
    pub kind: TopicKind,
    /// Starts as `kind.initial_status()`.
    pub status: String,
    pub title: String,
    pub slug: String,
    pub tags: Vec<String>,
    pub author: MemberId,
    pub body_markdown: String,
    pub body_html: String,
    pub body_text: String,
    pub at: Timestamp,
    /// Saved hidden and queued for the moderators, in the same transaction.
    pub hold: Option<Hold>,
    /// The members its mentions name who may read it, not its writer: each is told once per
    /// post (`MemberMentioned`), when it is published.
    pub mentions: Vec<MemberId>,
}

/// Why a post is saved hidden and queued for the moderators: the flag reason it is queued
/// under (`spam` or `other`) and a note they read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub reason: &'static str,
    pub note: String,
}

/// A reply to insert.
#[derive(Debug, Clone)]
pub struct NewPost {
    pub topic_id: TopicId,
    pub author: MemberId,
    pub body_markdown: String,
    pub body_html: String,
    pub body_text: String,
    pub at: Timestamp,
    /// Saved hidden and queued for the moderators, in the same transaction.
    pub hold: Option<Hold>,
    /// The members its mentions name who may read it, not its writer: each is told once per
    /// post (`MemberMentioned`), when it is published.
    pub mentions: Vec<MemberId>,
}

/// A new version of a post (and of its topic's title and tags, for an opening post).
#[derive(Debug, Clone)]
pub struct PostEdit {
    pub post_id: PostId,
    pub editor: MemberId,
    pub body_markdown: String,
    pub body_html: String,
    pub body_text: String,
    pub title: Option<(String, String)>,
    pub tags: Option<Vec<String>>,
    pub at: Timestamp,
    /// Hidden and queued for the moderators, in the same transaction.
    pub hold: Option<Hold>,
    /// The members its mentions name who may read it, not its writer: each is told once per
    /// post (`MemberMentioned`), when it is published.
    pub mentions: Vec<MemberId>,
}

/// Moderator changes to a topic; `None` leaves a flag as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct TopicFlags {
    pub pinned: Option<bool>,
    pub locked: Option<bool>,
}

/// A topic with the group it lives in, for lists that span groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicInGroup {
    pub topic: Topic,
    pub group_slug: String,
    pub group_name: String,
    /// Who wrote its newest published post (its author when no one replied).
    pub last_poster: Author,
    /// How many members have opened it (the reading record; guests are not counted).
    pub readers: i64,
}

/// Which topics a site-wide list shows: all the viewer may read, or those with a tag; one
/// page after `before` in `sort` order (`Latest` or `Unanswered`; `Top` is ranked by
/// `TopStore::top_latest`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LatestFilter {
    pub tag: Option<String>,
    pub before: Option<crate::paging::Cursor>,
    pub sort: TopicSort,
}

/// A post with where it was written, for a member's activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostInTopic {
    pub post: Post,
    pub topic_title: String,
    pub topic_slug: String,
    pub group_slug: String,
    pub group_name: String,
}
