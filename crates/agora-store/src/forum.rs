//! `ForumStore`: topics, posts and revisions, with counters, tags and the search index kept
//! in step inside each write's transaction.

use async_trait::async_trait;

use agora_core::events::Event;

use agora_core::audit::NewAuditEntry;
use agora_core::forum::{
    Author, LatestFilter, NewPost, NewTopic, Post, PostEdit, PostInTopic, Revision, Topic,
    TopicFilter, TopicFlags, TopicInGroup, TopicSort,
};
use agora_core::groups::Group;
use agora_core::groups::policy::{Relation, Scope};
use agora_core::paging::Cursor;
use agora_core::search::{SearchQuery, SearchResults};
use agora_core::store::ForumStore;
use agora_core::time::Timestamp;
use agora_core::{GroupId, MemberId, PostId, StoreError, TopicId};

use crate::SqlStore;
use crate::db::{Arg, Backend, Handle, Int, LockTable};
use crate::forum_items::hold_in;
use crate::mentions::{remember, tell};
use crate::rows::{
    POST_COLUMNS, PostRow, TOPIC_COLUMNS, TOPIC_IN_GROUP_COLUMNS, TopicInGroupRow, TopicRow,
};
use crate::scope::group_filter;
use crate::search::index_post;

async fn write_tags(tx: &mut Handle, topic: i64, tags: &[String]) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM topic_tags WHERE topic_id = $1",
        &[topic.into()],
    )
    .await?;
    for tag in tags {
        tx.execute(
            "INSERT INTO topic_tags (topic_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[topic.into(), tag.into()],
        )
        .await?;
    }
    Ok(())
}

/// Soft-deletes or restores a post inside a transaction (an opening post takes its topic
/// along), keeping the counters in step, and records `ItemHidden` or `ItemRestored` unless
/// `quiet` (a post held before it was ever published, or approved, which is published).
/// Nothing happens if it already is so; whether it changed.
pub(crate) async fn mark_deleted(
    tx: &mut Handle,
    id: PostId,
    deleted: bool,
    by: Option<MemberId>,
    at: Timestamp,
    quiet: bool,
) -> Result<bool, StoreError> {
    // Two deletions of one post at once: the second waits, finds it deleted, and counts
    // nothing.
    tx.lock_row(LockTable::Posts, id.0).await?;
    let current = tx
        .one::<PostState>(
            "SELECT topic_id, group_id, author_id, number, deleted, body_markdown, revision_count \
             FROM posts WHERE id = $1",
            &[id.0.into()],
        )
        .await?;
    if current.deleted == deleted {
        return Ok(false);
    }
    tx.execute(
        "UPDATE posts SET deleted = $2, deleted_at = $3, deleted_by = $4 WHERE id = $1",
        &[
            id.0.into(),
            deleted.into(),
            deleted.then_some(at.0).into(),
            by.filter(|_| deleted).map(|b| b.0).into(),
        ],
    )
    .await?;
    if !deleted {
        // Given back to its audience: who it mentioned while it was away is told now.
        tell(tx, id, at).await?;
    }
    let delta: i64 = if deleted { -1 } else { 1 };
    if current.number == 1 {
        tx.execute(
            "UPDATE topics SET deleted = $2 WHERE id = $1",
            &[current.topic_id.into(), deleted.into()],
        )
        .await?;
        tx.execute(
            "UPDATE groups SET topic_count = topic_count + $2 \
             WHERE id = (SELECT group_id FROM topics WHERE id = $1)",
            &[current.topic_id.into(), delta.into()],
        )
        .await?;
    } else {
        // A reply by someone other than the topic's author that comes back (approved, or
        // restored) answers the topic, if nothing had yet.
        tx.execute(
            "UPDATE topics SET reply_count = reply_count + $2, first_reply_at = CASE \
             WHEN $2 > 0 AND first_reply_at IS NULL AND author_id <> $3 THEN $4 \
             ELSE first_reply_at END WHERE id = $1",
            &[
                current.topic_id.into(),
                delta.into(),
                current.author_id.into(),
                at.0.into(),
            ],
        )
        .await?;
    }
    if quiet {
        return Ok(true);
    }
    let (topic, post, group, author) =
        (current.topic_id, id.0, current.group_id, current.author_id);
    let by = by.map(|b| b.0);
    let event = if deleted {
        Event::ItemHidden {
            topic,
            post,
            group,
            author,
            by,
        }
    } else {
        Event::ItemRestored {
            topic,
            post,
            group,
            author,
            by,
        }
    };
    crate::events::record(tx, at, &[event]).await?;
    Ok(true)
}

#[derive(sqlx::FromRow)]
struct Bumped {
    post_count: i64,
    group_id: i64,
}

#[derive(sqlx::FromRow)]
struct PostState {
    topic_id: i64,
    group_id: i64,
    author_id: i64,
    number: i64,
    deleted: bool,
    body_markdown: String,
    revision_count: i64,
}

#[derive(sqlx::FromRow)]
struct RevisionRow {
    number: i64,
    title: Option<String>,
    body_markdown: String,
    editor_id: Option<i64>,
    editor_username: Option<String>,
    editor_display_name: Option<String>,
    replaced_at: i64,
}

#[derive(sqlx::FromRow)]
struct TitleRow {
    title: String,
}

#[async_trait]
impl ForumStore for SqlStore {
    async fn insert_topic(&self, t: &NewTopic) -> Result<(TopicId, PostId), StoreError> {
        let t = t.clone();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let tags = t.tags.join(" ");
                    let topic = tx
                        .one::<Int>(
                            "INSERT INTO topics (group_id, kind, title, slug, author_id, tags, post_count, reply_count, created_at, last_activity_at, status) \
                             VALUES ($1, $2, $3, $4, $5, $6, 1, 0, $7, $7, $8) RETURNING id",
                            &[
                                t.group_id.0.into(),
                                t.kind.as_str().into(),
                                (&t.title).into(),
                                (&t.slug).into(),
                                t.author.0.into(),
                                (&tags).into(),
                                t.at.0.into(),
                                (&t.status).into(),
                            ],
                        )
                        .await?
                        .0;
                    let post = tx
                        .one::<Int>(
                            "INSERT INTO posts (topic_id, group_id, number, author_id, body_markdown, body_html, created_at) \
                             VALUES ($1, $2, 1, $3, $4, $5, $6) RETURNING id",
                            &[
                                topic.into(),
                                t.group_id.0.into(),
                                t.author.0.into(),
                                (&t.body_markdown).into(),
                                (&t.body_html).into(),
                                t.at.0.into(),
                            ],
                        )
                        .await?
                        .0;
                    write_tags(tx, topic, &t.tags).await?;
                    index_post(tx, post, &t.title, &t.body_text).await?;
                    tx.execute(
                        "UPDATE groups SET topic_count = topic_count + 1, last_activity_at = $2 WHERE id = $1",
                        &[t.group_id.0.into(), t.at.0.into()],
                    )
                    .await?;
                    match &t.hold {
                        Some(hold) => hold_in(tx, PostId(post), t.author, hold, t.at, false).await?,
                                                None => {
                            let published = Event::ItemPublished {
                                topic,
                                post,
                                group: t.group_id.0,
                                author: t.author.0,
                            };
                            crate::events::record(tx, t.at, &[published]).await?;
                        }
                    }
                    let published = t.hold.is_none();
                    remember(tx, PostId(post), t.author, &t.mentions, t.at, published).await?;
                    Ok((TopicId(topic), PostId(post)))
                })
            })
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
        let (key, order) = topic_order(sort);
        let mut args = group_list_args(group, with_deleted, after, limit);
        let narrow = topic_narrowing(filter, &mut args);
        let pinned = if sort.pins_first() {
            " AND t.pinned = FALSE"
        } else {
            ""
        };
        // The row-value comparison continues exactly after the cursor and seeks the
        // (group_id, key, id) index, so a deep page costs what the first one does.
        let sql = format!(
            "SELECT {TOPIC_COLUMNS} FROM topics t JOIN members a ON a.id = t.author_id \
             WHERE t.group_id = $1{pinned} AND (t.deleted = FALSE OR $2) \
             AND ({key}, t.id) < ($3, $4){order}{narrow} \
             ORDER BY {key} DESC, t.id DESC LIMIT $5"
        );
        let rows = db.all::<TopicRow>(sql, &args).await?;
        Ok(rows.into_iter().map(Topic::from).collect())
    }

    async fn pinned_topics(
        &self,
        group: GroupId,
        with_deleted: bool,
    ) -> Result<Vec<Topic>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!(
            "SELECT {TOPIC_COLUMNS} FROM topics t JOIN members a ON a.id = t.author_id \
             WHERE t.group_id = $1 AND t.pinned = TRUE AND (t.deleted = FALSE OR $2) \
             ORDER BY t.last_activity_at DESC, t.id DESC LIMIT 20"
        );
        let rows = db
            .all::<TopicRow>(sql, &[group.0.into(), with_deleted.into()])
            .await?;
        Ok(rows.into_iter().map(Topic::from).collect())
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
                Box::pin(async move {
                    if let Some(p) = flags.pinned {
                        tx.execute(
                            "UPDATE topics SET pinned = $2 WHERE id = $1",
                            &[id.0.into(), p.into()],
                        )
                        .await?;
                    }
                    if let Some(l) = flags.locked {
                        tx.execute(
                            "UPDATE topics SET locked = $2 WHERE id = $1",
                            &[id.0.into(), l.into()],
                        )
                        .await?;
                    }
                    let group = tx
                        .one::<Int>("SELECT group_id FROM topics WHERE id = $1", &[id.0.into()])
                        .await?
                        .0;
                    let changed = Event::TopicChanged { topic: id.0, group };
                    crate::events::record(tx, at, &[changed]).await?;
                    crate::audit::record(tx, &audit).await?;
                    Ok(())
                })
            })
            .await
    }

    async fn insert_post(&self, p: &NewPost) -> Result<PostId, StoreError> {
        let p = p.clone();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    // Taking the next number and bumping the counters in one statement also locks the
                    // topic row, so concurrent replies on PostgreSQL cannot take the same number.
                    // On PostgreSQL the group's activity time is written by the same statement (a
                    // round trip less: the reply's event takes one more).
                    let bump = "UPDATE topics SET post_count = post_count + 1, reply_count = reply_count + 1, \
                         last_activity_at = $2, first_reply_at = CASE WHEN first_reply_at IS NULL \
                         AND author_id <> $3 AND $4 THEN $2 ELSE first_reply_at END \
                         WHERE id = $1 RETURNING post_count, group_id";
                    let postgres = tx.backend() == Backend::Postgres;
                    let sql = if postgres {
                        format!(
                            "WITH t AS ({bump}), g AS (UPDATE groups SET last_activity_at = $2 \
                             WHERE id = (SELECT group_id FROM t)) SELECT post_count, group_id FROM t"
                        )
                    } else {
                        bump.to_owned()
                    };
                    let bumped = tx
                        .one::<Bumped>(
                            sql,
                            &[
                                p.topic_id.0.into(),
                                p.at.0.into(),
                                p.author.0.into(),
                                p.hold.is_none().into(),
                            ],
                        )
                        .await?;
                    let id = tx
                        .one::<Int>(
                            "INSERT INTO posts (topic_id, group_id, number, author_id, body_markdown, body_html, created_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                            &[
                                p.topic_id.0.into(),
                                bumped.group_id.into(),
                                bumped.post_count.into(),
                                p.author.0.into(),
                                (&p.body_markdown).into(),
                                (&p.body_html).into(),
                                p.at.0.into(),
                            ],
                        )
                        .await?
                        .0;
                    index_post(tx, id, "", &p.body_text).await?;
                    if !postgres {
                        tx.execute(
                            "UPDATE groups SET last_activity_at = $2 WHERE id = $1",
                            &[bumped.group_id.into(), p.at.0.into()],
                        )
                        .await?;
                    }
                    match &p.hold {
                        Some(hold) => hold_in(tx, PostId(id), p.author, hold, p.at, false).await?,
                                                None => {
                            let published = Event::ItemPublished {
                                topic: p.topic_id.0,
                                post: id,
                                group: bumped.group_id,
                                author: p.author.0,
                            };
                            crate::events::record(tx, p.at, &[published]).await?;
                        }
                    }
                    let published = p.hold.is_none();
                    remember(tx, PostId(id), p.author, &p.mentions, p.at, published).await?;
                    Ok(PostId(id))
                })
            })
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
    ) -> Result<Vec<Post>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM posts p JOIN members a ON a.id = p.author_id \
             WHERE p.topic_id = $1 AND p.number >= $2 ORDER BY p.number LIMIT $3"
        );
        let rows = db
            .all::<PostRow>(
                sql,
                &[topic.0.into(), from_number.into(), i64::from(limit).into()],
            )
            .await?;
        Ok(rows.into_iter().map(Post::from).collect())
    }

    async fn edit_post(&self, e: &PostEdit, audit: &[NewAuditEntry]) -> Result<(), StoreError> {
        let audit = audit.to_vec();
        let e = e.clone();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    // Two edits at once: the second waits, then keeps the first's text as the
                    // revision it replaces, under the next number.
                    tx.lock_row(LockTable::Posts, e.post_id.0).await?;
                    let current = tx
                        .one::<PostState>(
                            "SELECT topic_id, group_id, author_id, number, deleted, body_markdown, revision_count \
             FROM posts WHERE id = $1",
                            &[e.post_id.0.into()],
                        )
                        .await?;
                    let old_title = if current.number == 1 {
                        Some(
                            tx.one::<TitleRow>(
                                "SELECT title FROM topics WHERE id = $1",
                                &[current.topic_id.into()],
                            )
                            .await?
                            .title,
                        )
                    } else {
                        None
                    };
                    tx.execute(
                        "INSERT INTO post_revisions (post_id, number, title, body_markdown, editor_id, replaced_at) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                        &[
                            e.post_id.0.into(),
                            (current.revision_count + 1).into(),
                            old_title.as_deref().into(),
                            (&current.body_markdown).into(),
                            e.editor.0.into(),
                            e.at.0.into(),
                        ],
                    )
                    .await?;
                    tx.execute(
                        "UPDATE posts SET body_markdown = $2, body_html = $3, edited_at = $4, \
                         revision_count = revision_count + 1 WHERE id = $1",
                        &[
                            e.post_id.0.into(),
                            (&e.body_markdown).into(),
                            (&e.body_html).into(),
                            e.at.0.into(),
                        ],
                    )
                    .await?;
                    let mut title = old_title.unwrap_or_default();
                    if let Some((new_title, slug)) = &e.title {
                        tx.execute(
                            "UPDATE topics SET title = $2, slug = $3 WHERE id = $1",
                            &[current.topic_id.into(), new_title.into(), slug.into()],
                        )
                        .await?;
                        title = new_title.clone();
                    }
                    if let Some(tags) = &e.tags {
                        tx.execute(
                            "UPDATE topics SET tags = $2 WHERE id = $1",
                            &[current.topic_id.into(), (&tags.join(" ")).into()],
                        )
                        .await?;
                        write_tags(tx, current.topic_id, tags).await?;
                    }
                    index_post(tx, e.post_id.0, &title, &e.body_text).await?;
                    match &e.hold {
                        Some(hold) => {
                            hold_in(tx, e.post_id, e.editor, hold, e.at, !current.deleted).await?
                        }
                        // A hidden post's edit shows nobody anything new.
                        None if !current.deleted => {
                            let edited = Event::ItemEdited {
                                topic: current.topic_id,
                                post: e.post_id.0,
                                group: current.group_id,
                                author: current.author_id,
                                by: e.editor.0,
                            };
                            crate::events::record(tx, e.at, &[edited]).await?;
                        }
                        None => {}
                    }
                    // Those it mentioned before are not told again; a hidden post tells the
                    // others when it is given back.
                    let published = e.hold.is_none() && !current.deleted;
                    remember(tx, e.post_id, e.editor, &e.mentions, e.at, published).await?;
                    crate::audit::record(tx, &audit).await?;
                    Ok(())
                })
            })
            .await
    }

    async fn revisions(&self, post: PostId) -> Result<Vec<Revision>, StoreError> {
        let mut db = self.pools.read().await?;
        let rows = db
            .all::<RevisionRow>(
                "SELECT r.number, r.title, r.body_markdown, r.editor_id, m.username AS editor_username, \
                 m.display_name AS editor_display_name, r.replaced_at FROM post_revisions r \
                 LEFT JOIN members m ON m.id = r.editor_id WHERE r.post_id = $1 ORDER BY r.number",
                &[post.0.into()],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| Revision {
                number: r.number,
                title: r.title,
                body_markdown: r.body_markdown,
                editor: Author {
                    id: MemberId(r.editor_id.unwrap_or_default()),
                    username: r.editor_username.unwrap_or_default(),
                    display_name: r.editor_display_name.unwrap_or_default(),
                },
                replaced_at: Timestamp(r.replaced_at),
                redacted: false,
                withheld: false,
            })
            .collect())
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
        scope: &Scope,
        limit: u32,
        offset: u32,
    ) -> Result<SearchResults, StoreError> {
        let mut db = self.pools.read().await?;
        crate::search::search(&mut db, query, scope, limit, offset).await
    }

    async fn latest_topics(
        &self,
        scope: &Scope,
        filter: &LatestFilter,
        limit: u32,
    ) -> Result<Vec<TopicInGroup>, StoreError> {
        let mut db = self.pools.read().await?;
        let (key, order) = topic_order(filter.sort);
        let order = SiteOrder {
            source: "topics t",
            key,
            id: "t.id",
            narrow: order,
            since: None,
        };
        let rows = site_topics(&mut db, scope, filter, limit, order).await?;
        Ok(rows.into_iter().map(|(t, _)| t).collect())
    }

    async fn tag_counts(
        &self,
        scope: &Scope,
        limit: u32,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!(
            "SELECT tt.tag AS tag, COUNT(*) AS topics FROM topic_tags tt \
             JOIN topics t ON t.id = tt.topic_id JOIN groups g ON g.id = t.group_id \
             WHERE t.deleted = FALSE AND {} GROUP BY tt.tag ORDER BY COUNT(*) DESC, tt.tag LIMIT $2",
            group_filter(scope, 1)
        );
        #[derive(sqlx::FromRow)]
        struct Row {
            tag: String,
            topics: i64,
        }
        let rows = db
            .all::<Row>(
                sql,
                &[scope.member.map(|m| m.0).into(), i64::from(limit).into()],
            )
            .await?;
        Ok(rows.into_iter().map(|r| (r.tag, r.topics)).collect())
    }

    async fn posts_by(
        &self,
        member: MemberId,
        scope: &Scope,
        before: Option<PostId>,
        limit: u32,
    ) -> Result<Vec<PostInTopic>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!(
            "SELECT {POST_COLUMNS}, t.title AS topic_title, t.slug AS topic_slug, \
             g.slug AS group_slug, g.name AS group_name \
             FROM posts p JOIN members a ON a.id = p.author_id JOIN topics t ON t.id = p.topic_id \
             JOIN groups g ON g.id = p.group_id \
             LEFT JOIN posts b ON b.id = $3 \
             WHERE p.author_id = $2 AND {} AND {} \
             AND (b.id IS NULL OR p.created_at < b.created_at OR (p.created_at = b.created_at AND p.id < b.id)) \
             ORDER BY p.created_at DESC, p.id DESC LIMIT $4",
            shown_to(scope, member),
            group_filter(scope, 1)
        );
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            post: PostRow,
            topic_title: String,
            topic_slug: String,
            group_slug: String,
            group_name: String,
        }
        let rows = db
            .all::<Row>(
                sql,
                &[
                    scope.member.map(|m| m.0).into(),
                    member.0.into(),
                    before.map_or(0, |b| b.0).into(),
                    i64::from(limit).into(),
                ],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| PostInTopic {
                post: r.post.into(),
                topic_title: r.topic_title,
                topic_slug: r.topic_slug,
                group_slug: r.group_slug,
                group_name: r.group_name,
            })
            .collect())
    }

    async fn count_posts_by(&self, member: MemberId, scope: &Scope) -> Result<i64, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!(
            "SELECT COUNT(*) FROM posts p JOIN topics t ON t.id = p.topic_id JOIN groups g ON g.id = p.group_id \
             WHERE p.author_id = $2 AND {} AND {}",
            shown_to(scope, member),
            group_filter(scope, 1)
        );
        Ok(db
            .one::<Int>(sql, &[scope.member.map(|m| m.0).into(), member.0.into()])
            .await?
            .0)
    }
}

/// Which of `member`'s posts `p` (in topic `t`) a viewer with `scope` is shown: the published
/// ones, and to the member themselves also those waiting for a moderator (held by the system,
/// or hidden by flags: an open report), which they read where they wrote them.
fn shown_to(scope: &Scope, member: MemberId) -> &'static str {
    if scope.member == Some(member) {
        "((p.deleted = FALSE AND t.deleted = FALSE) OR EXISTS (SELECT 1 FROM reports f \
         WHERE f.item_kind = 'post' AND f.item_id = p.id AND f.resolved_at IS NULL))"
    } else {
        "(p.deleted = FALSE AND t.deleted = FALSE)"
    }
}

/// The order of a site-wide list, as SQL: the rows topics are drawn from (`t` is the topic),
/// the key they are ordered by (highest first, then the highest topic `id`, as the source
/// names it), what the order narrows them to (`AND …`), and the start of the period the source
/// reads, if any (bound to `$6`).
pub(crate) struct SiteOrder<'a> {
    pub source: &'a str,
    pub key: &'a str,
    pub id: &'a str,
    pub narrow: &'a str,
    pub since: Option<Timestamp>,
}

/// One page of the topics of the groups in `scope` (`filter.tag` narrows; `filter.before`
/// is the cursor) in `order`, each with its key. Each row also carries its newest published
/// post's author and how many members opened it, each an indexed lookup.
pub(crate) async fn site_topics(
    db: &mut Handle,
    scope: &Scope,
    filter: &LatestFilter,
    limit: u32,
    order: SiteOrder<'_>,
) -> Result<Vec<(TopicInGroup, i64)>, StoreError> {
    let SiteOrder {
        source,
        key,
        id,
        narrow: order,
        since,
    } = order;
    // The page is chosen first (ids and keys), then dressed: a source in no index's order
    // (a period's ranking) looks up the rest for the page's rows only.
    let sql = format!(
        "SELECT {TOPIC_COLUMNS}, g.slug AS group_slug, g.name AS group_name, \
         COALESCE(la.id, a.id) AS last_id, COALESCE(la.username, a.username) AS last_username, \
         COALESCE(la.display_name, a.display_name) AS last_display_name, \
         (SELECT COUNT(*) FROM topic_reads r WHERE r.topic_id = t.id) AS readers, \
         page.sort_key AS sort_key \
         FROM (SELECT {id} AS topic_id, {key} AS sort_key FROM {source} \
           JOIN groups g ON g.id = t.group_id \
           WHERE t.deleted = FALSE AND {} \
           AND ($3 IS NULL OR t.id IN (SELECT tt.topic_id FROM topic_tags tt WHERE tt.tag = $3)) \
           AND ($4 IS NULL OR {key} < $4 OR ({key} = $4 AND {id} < $5)){order} \
           ORDER BY {key} DESC, {id} DESC LIMIT $2) page \
         JOIN topics t ON t.id = page.topic_id \
         JOIN members a ON a.id = t.author_id JOIN groups g ON g.id = t.group_id \
         LEFT JOIN posts lp ON lp.id = (SELECT p2.id FROM posts p2 \
           WHERE p2.topic_id = t.id AND p2.deleted = FALSE ORDER BY p2.number DESC LIMIT 1) \
         LEFT JOIN members la ON la.id = lp.author_id \
         ORDER BY page.sort_key DESC, t.id DESC",
        group_filter(scope, 1)
    );
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        topic: TopicRow,
        group_slug: String,
        group_name: String,
        last_id: i64,
        last_username: String,
        last_display_name: String,
        readers: i64,
        sort_key: i64,
    }
    let mut args: Vec<Arg<'_>> = vec![
        scope.member.map(|m| m.0).into(),
        i64::from(limit).into(),
        filter.tag.as_deref().into(),
        filter.before.map(|c| c.key).into(),
        filter.before.map(|c| c.id).into(),
    ];
    if let Some(since) = since {
        args.push(since.0.into());
    }
    let rows = db.all::<Row>(sql, &args).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let topic = TopicInGroup {
                topic: r.topic.into(),
                group_slug: r.group_slug,
                group_name: r.group_name,
                last_poster: Author {
                    id: MemberId(r.last_id),
                    username: r.last_username,
                    display_name: r.last_display_name,
                },
                readers: r.readers,
            };
            (topic, r.sort_key)
        })
        .collect())
}

/// The column a list in `sort` order is keyed by, and what that order narrows the list to
/// (an unanswered list: topics no one but their author replied to). `Top` is ranked by
/// `topic_sorts`; here it reads as all time.
fn topic_order(sort: TopicSort) -> (&'static str, &'static str) {
    match sort {
        TopicSort::Latest => ("t.last_activity_at", ""),
        TopicSort::Replies | TopicSort::Top(_) => ("t.reply_count", ""),
        TopicSort::Unanswered => ("t.created_at", " AND t.first_reply_at IS NULL"),
    }
}

/// The first arguments of a group's topic list: the group (`$1`), whether deleted topics show
/// (`$2`), the cursor's key and id (`$3`, `$4`; past the top of the list when there is none)
/// and the page's size (`$5`).
pub(crate) fn group_list_args<'a>(
    group: GroupId,
    with_deleted: bool,
    after: Option<Cursor>,
    limit: u32,
) -> Vec<Arg<'a>> {
    let (k, id) = after.map_or((i64::MAX, i64::MAX), |c| (c.key, c.id));
    vec![
        group.0.into(),
        with_deleted.into(),
        k.into(),
        id.into(),
        i64::from(limit).into(),
    ]
}

/// `AND …` conditions on a topics table aliased `t` for the fields of `filter` that are set,
/// binding their values after `args`. Only the filters asked for are written, so an unfiltered
/// list or search keeps its plan.
pub(crate) fn topic_narrowing<'a>(filter: &'a TopicFilter, args: &mut Vec<Arg<'a>>) -> String {
    let mut narrow = String::new();
    if let Some(kind) = filter.kind {
        args.push(kind.as_str().into());
        narrow.push_str(&format!(" AND t.kind = ${}", args.len()));
    }
    if let Some(status) = &filter.status {
        args.push(status.as_str().into());
        narrow.push_str(&format!(" AND t.status = ${}", args.len()));
    }
    match filter.replied {
        Some(true) => narrow.push_str(" AND t.reply_count > 0"),
        Some(false) => narrow.push_str(" AND t.reply_count = 0"),
        None => {}
    }
    if let Some(before) = filter.created_before {
        args.push(before.0.into());
        narrow.push_str(&format!(" AND t.created_at < ${}", args.len()));
    }
    narrow
}
