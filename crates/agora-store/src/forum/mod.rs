//! `ForumStore`: topics, posts and revisions, with counters, tags and the search index kept
//! in step inside each write's transaction. Reads of one topic or post here; a topic's
//! creation and flags in `topics.rs`, replies in `replies.rs`, edits and their revisions in
//! `edits.rs`, deletion and restoring in `deletion.rs`, topic lists in `lists.rs`, a member's
//! posts in `member_posts.rs`.

mod deletion;
mod edits;
mod lists;
mod member_posts;
mod replies;
mod shown_posts;
mod topics;

use async_trait::async_trait;

use agora_core::audience::AudienceScope;
use agora_core::audit::NewAuditEntry;
use agora_core::forum::{
    LatestFilter, NewPost, NewTopic, Post, PostEdit, PostInTopic, Revision, Topic, TopicFilter,
    TopicFlags, TopicInGroup, TopicSort,
};
use agora_core::groups::Group;
use agora_core::groups::policy::Relation;
use agora_core::paging::Cursor;
use agora_core::search::{SearchQuery, SearchResults};
use agora_core::store::ForumStore;
use agora_core::time::Timestamp;
use agora_core::{GroupId, MemberId, PostId, StoreError, TopicId};

use crate::SqlStore;
use crate::rows::{POST_COLUMNS, PostRow, TOPIC_IN_GROUP_COLUMNS, TopicInGroupRow};
pub(crate) use deletion::mark_deleted;
pub(crate) use lists::{SiteOrder, group_list_args, site_topics, topic_narrowing};

#[async_trait]
impl ForumStore for SqlStore {
    async fn insert_topic(&self, t: &NewTopic) -> Result<(TopicId, PostId), StoreError> {
        let t = t.clone();
        self.pools
            .write(move |tx| Box::pin(async move { topics::insert(tx, &t).await }))
            .await
    }

    async fn topic_in_group(
        &self,
        id: TopicId,
        viewer: Option<MemberId>,
    ) -> Result<Option<(Topic, Group, Relation)>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!(
            "SELECT {TOPIC_IN_GROUP_COLUMNS} FROM topics t JOIN members a ON a.id = t.author_id \
             JOIN groups g ON g.id = t.group_id WHERE t.id = $2 AND g.deleted_at IS NULL"
        );
        Ok(db
            .optional::<TopicInGroupRow>(sql, &[viewer.map(|v| v.0).into(), id.0.into()])
            .await?
            .map(TopicInGroupRow::into_parts))
    }

    async fn list_topics(
        &self,
        group: GroupId,
        sort: TopicSort,
        after: Option<Cursor>,
        limit: u32,
        with_deleted: bool,
        filter: &TopicFilter,
    ) -> Result<Vec<Topic>, StoreError> {
        let mut db = self.pools.read().await?;
        lists::group_topics(&mut db, group, sort, after, limit, with_deleted, filter).await
    }

    async fn pinned_topics(
        &self,
        group: GroupId,
        with_deleted: bool,
    ) -> Result<Vec<Topic>, StoreError> {
        let mut db = self.pools.read().await?;
        lists::pinned(&mut db, group, with_deleted).await
    }

    async fn set_topic_flags(
        &self,
        id: TopicId,
        flags: TopicFlags,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<(), StoreError> {
        let audit = audit.to_vec();
        self.pools
            .write(move |tx| {
                Box::pin(async move { topics::set_flags(tx, id, flags, at, &audit).await })
            })
            .await
    }

    async fn insert_post(&self, p: &NewPost) -> Result<PostId, StoreError> {
        let p = p.clone();
        self.pools
            .write(move |tx| Box::pin(async move { replies::insert(tx, &p).await }))
            .await
    }

    async fn post(&self, id: PostId) -> Result<Option<Post>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM posts p JOIN members a ON a.id = p.author_id WHERE p.id = $1"
        );
        Ok(db
            .optional::<PostRow>(sql, &[id.0.into()])
            .await?
            .map(Post::from))
    }

    async fn posts(
        &self,
        topic: TopicId,
        from_number: i64,
        limit: u32,
        viewer: Option<MemberId>,
    ) -> Result<Vec<(Post, agora_core::reactions::shown::PostShown)>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = shown_posts::sql(db.backend());
        let rows = db
            .all::<shown_posts::Row>(
                sql,
                &[
                    topic.0.into(),
                    from_number.into(),
                    i64::from(limit).into(),
                    viewer.map(|m| m.0).into(),
                ],
            )
            .await?;
        Ok(rows.into_iter().map(shown_posts::Row::into_parts).collect())
    }

    async fn edit_post(&self, e: &PostEdit, audit: &[NewAuditEntry]) -> Result<(), StoreError> {
        let audit = audit.to_vec();
        let e = e.clone();
        self.pools
            .write(move |tx| Box::pin(async move { edits::apply(tx, &e, &audit).await }))
            .await
    }

    async fn revisions(&self, post: PostId) -> Result<Vec<Revision>, StoreError> {
        let mut db = self.pools.read().await?;
        edits::revisions(&mut db, post).await
    }

    async fn set_post_deleted(
        &self,
        id: PostId,
        deleted: bool,
        by: Option<MemberId>,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<(), StoreError> {
        let audit = audit.to_vec();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    mark_deleted(tx, id, deleted, by, at, false).await?;
                    crate::audit::record(tx, &audit).await
                })
            })
            .await
    }

    async fn search(
        &self,
        query: &SearchQuery,
        scope: &AudienceScope,
        limit: u32,
        offset: u32,
    ) -> Result<SearchResults, StoreError> {
        let mut db = self.pools.read().await?;
        crate::search::search(&mut db, query, scope, limit, offset).await
    }

    async fn latest_topics(
        &self,
        scope: &AudienceScope,
        filter: &LatestFilter,
        limit: u32,
    ) -> Result<Vec<TopicInGroup>, StoreError> {
        let mut db = self.pools.read().await?;
        lists::latest(&mut db, scope, filter, limit).await
    }

    async fn tag_counts(
        &self,
        scope: &AudienceScope,
        limit: u32,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut db = self.pools.read().await?;
        lists::tag_counts(&mut db, scope, limit).await
    }

    async fn posts_by(
        &self,
        member: MemberId,
        scope: &AudienceScope,
        before: Option<PostId>,
        limit: u32,
    ) -> Result<Vec<PostInTopic>, StoreError> {
        let mut db = self.pools.read().await?;
        member_posts::list(&mut db, member, scope, before, limit).await
    }

    async fn count_posts_by(
        &self,
        member: MemberId,
        scope: &AudienceScope,
    ) -> Result<i64, StoreError> {
        let mut db = self.pools.read().await?;
        member_posts::count(&mut db, member, scope).await
    }
}
