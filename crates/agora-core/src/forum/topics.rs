//! Use cases of topics: create, list (cursor-paged, pinned first), read with posts, moderate.

use crate::error::Refused;
use tracing::instrument;

use crate::agora::Forum;
use crate::error::Invalid;
use crate::forum::screen::Destination;
use crate::forum::{NewTopic, Post, Tags, Topic, TopicFilter, TopicFlags, TopicKind, TopicSort};
use crate::groups::policy::Access;
use crate::groups::{GroupError, GroupView};
use crate::ids::{PostId, TopicId};
use crate::items::{Action, Capabilities, Denied, Shown, decide};
use crate::paging::{Cursor, Page};
use crate::viewer::Viewer;

/// Why a forum use case failed.
#[derive(Debug, thiserror::Error)]
pub enum ForumError {
    /// The common refusals: the topic, post or group does not exist for this viewer, sign in,
    /// not allowed (`join_required`, `members_only`, …), a field, the store.
    #[error(transparent)]
    Refused(Refused),
    /// The topic is locked: no replies, no edits, except by moderators.
    #[error("topic locked")]
    Locked,
    /// Posting faster than a person writes.
    #[error("too many posts")]
    RateLimited { retry_after_secs: i64 },
    /// A new member posted as many posts as newcomers may in a day.
    #[error("newcomer daily limit")]
    NewcomerDailyLimit { per_day: i64, retry_after_secs: i64 },
    /// The idea was merged into another (`into`, when it is still known): votes and statuses
    /// go there.
    #[error("merged")]
    Merged { into: Option<crate::ids::TopicId> },
}

crate::error::refusals!(ForumError);

impl From<GroupError> for ForumError {
    /// A group's refusal met while reading or writing in it: the group-specific outcomes
    /// (a slug taken, the last owner) do not arise in the forum, so they read as not found.
    fn from(e: GroupError) -> Self {
        match e {
            GroupError::Refused(r) => Self::Refused(r),
            _ => Self::Refused(Refused::NotFound),
        }
    }
}

/// What became of something a member posted: published, or saved and held for a moderator
/// (a word filter, the spam check, a new member's first posts). Both are successes: the post
/// is stored either way.
#[derive(Debug, Clone)]
pub enum Posted<T> {
    Published(T),
    /// Held: where it was saved, so that its author finds it (they read it; no one else but
    /// the moderators does).
    Held {
        topic: TopicId,
        post: PostId,
    },
}

/// What a person typed to open a topic.
#[derive(Debug, Clone, Default)]
pub struct NewTopicInput {
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    /// `discussion` (the default) or `question`.
    pub kind: Option<String>,
}

fn topic_kind(name: Option<&str>) -> Result<TopicKind, Invalid> {
    let Some(name) = name else {
        return Ok(TopicKind::DISCUSSION);
    };
    TopicKind::from_name(name)
        .filter(|k| crate::kinds::is_open(*k))
        .ok_or_else(|| {
            Invalid::new(
                "kind",
                "invalid_choice",
                format!("A topic is a {}.", crate::kinds::open_names("")),
            )
        })
}

/// A group's topic list: pinned topics (first page only), then one page of the rest.
#[derive(Debug, Clone)]
pub struct TopicListing {
    pub group: GroupView,
    pub pinned: Vec<Topic>,
    pub topics: Page<Topic>,
}

/// A topic with one page of its posts, each with what the viewer may do with it.
#[derive(Debug, Clone)]
pub struct TopicView {
    pub topic: Topic,
    pub group: GroupView,
    pub posts: Vec<Shown<Post>>,
    /// What the viewer may do with the topic as a whole.
    pub can: Capabilities,
    /// Why the viewer may not reply, if they may not (for the page to say what to do).
    pub reply: Result<(), Denied>,
    /// The number of the first post of the next page, if any.
    pub next_number: Option<i64>,
    /// What the page shows the viewer beside its posts (reactions, bookmarks, the authors the
    /// viewer ignores), read with the posts.
    pub shown: crate::reactions::shown::Shown,
}

impl TopicView {
    /// A topic and posts as `viewer` is shown them: bodies of deleted posts are emptied for
    /// whoever may not read them, and every post carries the viewer's capabilities.
    pub fn new(
        viewer: &Viewer,
        topic: Topic,
        group: GroupView,
        posts: Vec<Post>,
        next_number: Option<i64>,
    ) -> Self {
        let access = group.access;
        let posts = posts
            .into_iter()
            .map(|mut p| {
                let can = Capabilities::of(viewer, access, &p.facts(&topic));
                if !can.read {
                    p.body_markdown.clear();
                    p.body_html.clear();
                }
                Shown { item: p, can }
            })
            .collect();
        let facts = topic.facts();
        Self {
            can: Capabilities::of(viewer, access, &facts),
            reply: decide(viewer, access, &facts, Action::Reply),
            topic,
            group,
            posts,
            next_number,
            shown: crate::reactions::shown::Shown::default(),
        }
    }

    /// Whether the viewer may moderate this topic.
    pub fn can_moderate(&self) -> bool {
        self.can.moderate
    }

    /// Whether the viewer may reply now.
    pub fn can_reply(&self) -> bool {
        self.can.reply
    }
}

impl From<Denied> for ForumError {
    fn from(d: Denied) -> Self {
        match d {
            Denied::NotFound => Refused::NotFound.into(),
            Denied::SignInRequired => Refused::SignInRequired.into(),
            Denied::Forbidden(code) => Refused::Forbidden(code).into(),
            Denied::Locked => Self::Locked,
        }
    }
}

impl Forum<'_> {
    /// Opens a topic in a group the viewer belongs to.
    #[instrument(skip_all, fields(slug))]
    pub async fn create_topic(
        self,
        viewer: &Viewer,
        slug: &str,
        input: NewTopicInput,
    ) -> Result<Posted<TopicView>, ForumError> {
        let actor = self.guard(viewer, crate::guard::Needs::Unsilenced).await?;
        let kind = topic_kind(input.kind.as_deref())?;
        let group = self.groups().readable_group(viewer, slug).await?;
        if group.access < Access::Participate {
            return Err(ForumError::Refused(Refused::Forbidden("join_required")));
        }
        // An archived group is read-only; its moderators may still leave a closing note.
        if group.group.archived_at.is_some() && group.access < Access::Moderate {
            return Err(ForumError::Refused(Refused::Forbidden("archived")));
        }
        crate::guard::Needs::Verified.check(viewer)?;
        let screened = self
            .screen(
                actor,
                &group.group,
                Some(&input.title),
                &input.body,
                Destination::NewTopic,
            )
            .await?;
        let title = screened
            .title
            .ok_or(ForumError::Refused(Refused::NotFound))?;
        self.guard(viewer, crate::guard::Needs::Posting).await?;
        self.posting_limit(viewer, actor).await?;
        let tags = Tags::parse(&input.tags)?;
        let new = NewTopic {
            group_id: group.group.id,
            kind,
            status: kind.initial_status().to_owned(),
            slug: title.slug(),
            title: title.as_str().to_owned(),
            tags: tags.into_vec(),
            author: actor.id,
            body_markdown: screened.body.as_str().to_owned(),
            body_html: screened.rendered.html,
            body_text: screened.rendered.text,
            at: self.now(),
            hold: screened.hold.clone(),
            mentions: screened.mentions,
        };
        let (id, post) = self.store.insert_topic(&new).await?;
        metrics::counter!("agora_posts_total", "kind" => "topic", "held" => if screened.hold.is_some() { "true" } else { "false" }).increment(1);
        if screened.hold.is_some() {
            return Ok(Posted::Held { topic: id, post });
        }
        Ok(Posted::Published(self.topic(viewer, id, 1, 50).await?))
    }

    /// A group's topics in `sort` order; pinned topics come first on the first page of a list
    /// by latest activity or replies.
    pub async fn topics(
        self,
        viewer: &Viewer,
        slug: &str,
        sort: TopicSort,
        cursor: Option<Cursor>,
        limit: u32,
        filter: &TopicFilter,
    ) -> Result<TopicListing, ForumError> {
        if let Some(status) = &filter.status
            && !crate::forum::model::is_status_name(status)
        {
            return Err(Invalid::new(
                "status",
                "invalid_format",
                "A status is a word of lowercase letters, such as open or solved.",
            )
            .into());
        }
        let group = self.groups().readable_group(viewer, slug).await?;
        let with_deleted = group.access >= Access::Moderate;
        let id = group.group.id;
        // Pinned topics lead the unfiltered list by latest or replies only.
        let pinned = if cursor.is_none() && *filter == TopicFilter::default() && sort.pins_first() {
            self.store.pinned_topics(id, with_deleted).await?
        } else {
            Vec::new()
        };
        let rows = match sort {
            TopicSort::Top(period) => {
                let since = period.since(self.now());
                self.store
                    .top_topics(id, since, cursor, limit + 1, with_deleted, filter)
                    .await?
            }
            _ => self
                .store
                .list_topics(id, sort, cursor, limit + 1, with_deleted, filter)
                .await?
                .into_iter()
                .map(|t| {
                    let key = sort.key(&t);
                    (t, key)
                })
                .collect(),
        };
        let page = Page::from_overfetch(rows, limit, |(t, key)| Cursor {
            key: *key,
            id: t.id.0,
        });
        let topics = Page {
            items: page.items.into_iter().map(|(t, _)| t).collect(),
            next: page.next,
        };
        Ok(TopicListing {
            group,
            pinned,
            topics,
        })
    }

    /// A topic and its posts numbered from `from_number`. Deleted posts stay in place as
    /// empty placeholders, except for moderators, who see them whole.
    pub async fn topic(
        self,
        viewer: &Viewer,
        id: TopicId,
        from_number: i64,
        limit: u32,
    ) -> Result<TopicView, ForumError> {
        let (topic, group) = self.readable_topic(viewer, id).await?;
        let mut rows = self
            .store
            .posts(topic.id, from_number.max(1), limit + 1, viewer.id())
            .await?;
        let next_number = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(|(p, _)| p.number + 1)
        } else {
            None
        };
        let set = self.site().site_settings().await?.reactions;
        let mut shown = crate::reactions::shown::Shown::default();
        let posts = rows
            .into_iter()
            .map(|(post, beside)| {
                let item = crate::forum::items::post_ref(post.id);
                if !beside.counts.is_empty() {
                    let counts = crate::reactions::in_set_order(&set, beside.counts);
                    shown.reactions.insert(item, counts);
                }
                if beside.bookmarked {
                    shown.bookmarked.insert(item);
                }
                if beside.author_ignored && !shown.ignored.contains(&post.author.id) {
                    shown.ignored.push(post.author.id);
                }
                post
            })
            .collect();
        let mut view = TopicView::new(viewer, topic, group, posts, next_number);
        view.shown = shown;
        Ok(view)
    }

    /// Pins, unpins, locks or unlocks a topic (the group's moderators).
    pub async fn set_topic_flags(
        self,
        viewer: &Viewer,
        id: TopicId,
        flags: TopicFlags,
    ) -> Result<TopicView, ForumError> {
        let (topic, group) = self.readable_topic(viewer, id).await?;
        decide(viewer, group.access, &topic.facts(), Action::Moderate)?;
        let changes = [
            (flags.pinned, "topic.pin", "topic.unpin"),
            (flags.locked, "topic.lock", "topic.unlock"),
        ];
        let mut audit = Vec::new();
        for (flag, on, off) in changes {
            if let Some(value) = flag {
                let action = if value { on } else { off };
                let target = crate::audit::Target::topic(topic.id, &topic.title);
                audit.extend(self.audit_entry(
                    viewer,
                    action,
                    target,
                    Some(group.group.id),
                    String::new(),
                ));
            }
        }
        self.store
            .set_topic_flags(topic.id, flags, self.now(), &audit)
            .await?;
        self.topic(viewer, id, 1, 50).await
    }

    /// A topic and its group, if the viewer may read it. A deleted topic exists only for
    /// the group's moderators.
    pub(crate) async fn readable_topic(
        self,
        viewer: &Viewer,
        id: TopicId,
    ) -> Result<(Topic, GroupView), ForumError> {
        let (mut topic, group, relation) = self
            .store
            .topic_in_group(id, viewer.id())
            .await?
            .ok_or(ForumError::Refused(Refused::NotFound))?;
        // Every topic of an archived group is locked: read-only but for its moderators.
        topic.locked |= group.archived_at.is_some();
        let slug = group.slug.clone();
        let view = crate::groups::directory_visible(viewer, group, relation)?;
        decide(viewer, view.access, &topic.facts(), Action::Read)?;
        tracing::trace!(group = %slug, topic = %topic.id, "topic readable");
        Ok((topic, view))
    }
}
