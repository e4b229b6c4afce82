//! Topics, posts, revisions and search.

use async_trait::async_trait;

use crate::audit::NewAuditEntry;
use crate::error::StoreError;
use crate::forum::{
    NewPost, NewTopic, Post, PostEdit, PostInTopic, Revision, Topic, TopicFilter, TopicFlags,
    TopicInGroup, TopicSort,
};
use crate::groups::Group;
use crate::groups::policy::Relation;
use crate::ids::{GroupId, MemberId, PostId, TopicId};
use crate::paging::Cursor;
use crate::search::{SearchQuery, SearchResults};
use crate::time::Timestamp;

/// Topics, posts, revisions and search.
#[async_trait]
pub trait ForumStore: Send + Sync {
    /// Inserts a topic with its opening post, tags and search entry; bumps the group's
    /// counters. One transaction.
    async fn insert_topic(&self, topic: &NewTopic) -> Result<(TopicId, PostId), StoreError>;
    /// A topic with its group and how `viewer` stands to that group, in one read.
    async fn topic_in_group(
        &self,
        id: TopicId,
        viewer: Option<MemberId>,
    ) -> Result<Option<(Topic, Group, Relation)>, StoreError>;
    /// A group's topics, pinned ones excluded, in `sort` order after `after`.
    async fn list_topics(
        &self,
        group: GroupId,
        sort: TopicSort,
        after: Option<Cursor>,
        limit: u32,
        with_deleted: bool,
        filter: &TopicFilter,
    ) -> Result<Vec<Topic>, StoreError>;
    /// A group's pinned topics, newest activity first.
    async fn pinned_topics(
        &self,
        group: GroupId,
        with_deleted: bool,
    ) -> Result<Vec<Topic>, StoreError>;
    async fn set_topic_flags(
        &self,
        id: TopicId,
        flags: TopicFlags,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<(), StoreError>;

    /// Appends a reply, numbering it, and bumps the topic's and group's counters and
    /// activity time; indexes it for search. One transaction.
    async fn insert_post(&self, post: &NewPost) -> Result<PostId, StoreError>;
    async fn post(&self, id: PostId) -> Result<Option<Post>, StoreError>;
    /// A topic's posts numbered from `from_number`, in order, each with what it shows `viewer`
    /// beside it (its reactions, the viewer's bookmark, whether the viewer ignores its author),
    /// in one query.
    async fn posts(
        &self,
        topic: TopicId,
        from_number: i64,
        limit: u32,
        viewer: Option<crate::ids::MemberId>,
    ) -> Result<Vec<(Post, crate::reactions::shown::PostShown)>, StoreError>;
    /// Keeps the current version as a revision, then writes the new one and re-indexes it.
    async fn edit_post(&self, edit: &PostEdit, audit: &[NewAuditEntry]) -> Result<(), StoreError>;
    async fn revisions(&self, post: PostId) -> Result<Vec<Revision>, StoreError>;
    /// Soft-deletes or restores a post (an opening post takes its topic along), keeping
    /// counters and the search index in step.
    async fn set_post_deleted(
        &self,
        id: PostId,
        deleted: bool,
        by: Option<MemberId>,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<(), StoreError>;

    /// Topics with posts matching `query` in groups in `scope`, one hit per topic (its best
    /// match), best first; for a query of operators alone, the topics they narrow to, newest
    /// first. `offset` and `limit` count topics; the total comes with the page, even a page
    /// past the end.
    async fn search(
        &self,
        query: &SearchQuery,
        scope: &crate::audience::AudienceScope,
        limit: u32,
        offset: u32,
    ) -> Result<SearchResults, StoreError>;
    /// The most recently active topics across the groups in `scope`.
    async fn latest_topics(
        &self,
        scope: &crate::audience::AudienceScope,
        filter: &crate::forum::LatestFilter,
        limit: u32,
    ) -> Result<Vec<TopicInGroup>, StoreError>;
    /// The tags of the topics in `scope`, with how many topics carry each, most used first.
    async fn tag_counts(
        &self,
        scope: &crate::audience::AudienceScope,
        limit: u32,
    ) -> Result<Vec<(String, i64)>, StoreError>;
    /// Visible posts by `member` in groups in `scope`, newest first (by when they were written),
    /// after post `before` in that order.
    async fn posts_by(
        &self,
        member: MemberId,
        scope: &crate::audience::AudienceScope,
        before: Option<PostId>,
        limit: u32,
    ) -> Result<Vec<PostInTopic>, StoreError>;
    /// Number of visible posts by `member` in groups in `scope`.
    async fn count_posts_by(
        &self,
        member: MemberId,
        scope: &crate::audience::AudienceScope,
    ) -> Result<i64, StoreError>;
}
