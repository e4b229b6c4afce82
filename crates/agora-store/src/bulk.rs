//! Bulk loading for benchmarks: members, groups, memberships, topics and posts written many
//! rows to a statement and many statements to a transaction, with explicit ids and counters
//! computed by the caller, and the search index filled in the same transaction as the posts.
//! Nothing here serves a request; `agora bench seed` uses it to build a large community fast.

use agora_core::StoreError;

use crate::SqlStore;
use crate::db::{Arg, Backend, Handle};

/// A member to load.
#[derive(Debug, Clone)]
pub struct BulkMember {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    /// `admin`, `moderator` or `member`.
    pub role: &'static str,
    pub trust: i64,
    pub created_at: i64,
}

/// A group to load, with its counters.
#[derive(Debug, Clone)]
pub struct BulkGroup {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    /// `public`, `closed` or `secret`.
    pub visibility: &'static str,
    pub member_count: i64,
    pub topic_count: i64,
    pub created_by: i64,
    pub created_at: i64,
    pub last_activity_at: i64,
}

/// A membership to load.
#[derive(Debug, Clone)]
pub struct BulkMembership {
    pub group_id: i64,
    pub member_id: i64,
    /// `owner`, `moderator` or `member`.
    pub role: &'static str,
    pub joined_at: i64,
}

/// A topic to load, with its counters (its posts are loaded separately).
#[derive(Debug, Clone)]
pub struct BulkTopic {
    pub id: i64,
    pub group_id: i64,
    pub title: String,
    pub slug: String,
    pub author_id: i64,
    pub tags: Vec<String>,
    pub post_count: i64,
    pub created_at: i64,
    pub last_activity_at: i64,
}

/// A post to load; `title` is its topic's title for an opening post (number 1), else empty.
#[derive(Debug, Clone)]
pub struct BulkPost {
    pub id: i64,
    pub topic_id: i64,
    pub group_id: i64,
    pub number: i64,
    pub author_id: i64,
    pub body_markdown: String,
    pub body_html: String,
    pub body_text: String,
    pub title: String,
    pub created_at: i64,
}

/// Parameters per statement: well under SQLite's and PostgreSQL's limits.
const MAX_PARAMS: usize = 8_000;

/// Runs `INSERT INTO {head} VALUES (…), (…)` for `rows` in statements of as many rows as fit.
pub(crate) async fn insert_rows<'a, T>(
    tx: &mut Handle,
    head: &str,
    columns: usize,
    rows: &'a [T],
    args_of: impl Fn(&'a T) -> Vec<Arg<'a>>,
) -> Result<(), StoreError> {
    let per_statement = (MAX_PARAMS / columns).max(1);
    for chunk in rows.chunks(per_statement) {
        let sql = format!(
            "INSERT INTO {head} VALUES {}",
            crate::db::value_rows(chunk.len(), columns)
        );
        let args: Vec<Arg<'a>> = chunk.iter().flat_map(&args_of).collect();
        tx.execute(sql, &args).await?;
    }
    Ok(())
}

/// Writes search entries (a post's id, title and text, as `args_of` gives them) with
/// multi-row inserts; on PostgreSQL the server computes the tsvector from the same words.
pub(crate) async fn insert_search<'a, T>(
    tx: &mut Handle,
    rows: &'a [T],
    args_of: impl Fn(&'a T) -> Vec<Arg<'a>>,
) -> Result<(), StoreError> {
    if tx.backend() == Backend::Sqlite {
        return insert_rows(tx, "post_search (rowid, title, body)", 3, rows, args_of).await;
    }
    for chunk in rows.chunks(MAX_PARAMS / 3) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                format!(
                    "(${}::bigint, ${}::text, ${}::text)",
                    i * 3 + 1,
                    i * 3 + 2,
                    i * 3 + 3
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO post_search (post_id, title, body, document) \
             SELECT v.id, v.t, v.b, setweight(to_tsvector('english', v.t), 'A') || \
             setweight(to_tsvector('english', v.b), 'B') FROM (VALUES {}) AS v (id, t, b)",
            values.join(", ")
        );
        let args: Vec<Arg<'a>> = chunk.iter().flat_map(&args_of).collect();
        tx.execute(sql, &args).await?;
    }
    Ok(())
}

impl SqlStore {
    /// Inserts `rows` into `head` (a table and its columns) in one transaction, `args_of`
    /// giving each row's values.
    async fn load<T: Clone + Send + Sync + 'static>(
        &self,
        head: &'static str,
        columns: usize,
        rows: &[T],
        args_of: for<'a> fn(&'a T) -> Vec<Arg<'a>>,
    ) -> Result<(), StoreError> {
        let rows = rows.to_vec();
        self.pools
            .write(move |tx| {
                Box::pin(async move { insert_rows(tx, head, columns, &rows, args_of).await })
            })
            .await
    }

    /// Loads members (verified, with their trust level) in one transaction.
    pub async fn bulk_members(&self, rows: &[BulkMember]) -> Result<(), StoreError> {
        self.load(
            "members (id, username, username_key, email, display_name, bio, password_hash, role, \
             created_at, updated_at, email_verified_at, trust_level, trust_earned)",
            13,
            rows,
            |m| {
                vec![
                    m.id.into(),
                    m.username.as_str().into(),
                    m.username.as_str().into(),
                    m.email.as_str().into(),
                    m.display_name.as_str().into(),
                    "".into(),
                    m.password_hash.as_str().into(),
                    m.role.into(),
                    m.created_at.into(),
                    m.created_at.into(),
                    m.created_at.into(),
                    m.trust.into(),
                    m.trust.into(),
                ]
            },
        )
        .await
    }

    /// Loads groups in one transaction.
    pub async fn bulk_groups(&self, rows: &[BulkGroup]) -> Result<(), StoreError> {
        self.load(
            "groups (id, slug, name, description, visibility, member_count, topic_count, \
             created_by, created_at, last_activity_at)",
            10,
            rows,
            |g| {
                vec![
                    g.id.into(),
                    g.slug.as_str().into(),
                    g.name.as_str().into(),
                    g.description.as_str().into(),
                    g.visibility.into(),
                    g.member_count.into(),
                    g.topic_count.into(),
                    g.created_by.into(),
                    g.created_at.into(),
                    g.last_activity_at.into(),
                ]
            },
        )
        .await
    }

    /// Loads memberships in one transaction.
    pub async fn bulk_memberships(&self, rows: &[BulkMembership]) -> Result<(), StoreError> {
        self.load(
            "group_members (group_id, member_id, role, joined_at)",
            4,
            rows,
            |m| {
                vec![
                    m.group_id.into(),
                    m.member_id.into(),
                    m.role.into(),
                    m.joined_at.into(),
                ]
            },
        )
        .await
    }

    /// Loads topics with their tags in one transaction.
    pub async fn bulk_topics(&self, rows: &[BulkTopic]) -> Result<(), StoreError> {
        let rows = rows.to_vec();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let rows = &rows[..];
                    let joined: Vec<String> = rows.iter().map(|t| t.tags.join(" ")).collect();
                    let with_tags: Vec<(&BulkTopic, &String)> =
                        rows.iter().zip(joined.iter()).collect();
                    insert_rows(
            tx,
            "topics (id, group_id, kind, title, slug, author_id, tags, post_count, reply_count, \
             created_at, last_activity_at)",
            11,
            &with_tags,
            |(t, tags)| {
                vec![
                    t.id.into(),
                    t.group_id.into(),
                    "discussion".into(),
                    t.title.as_str().into(),
                    t.slug.as_str().into(),
                    t.author_id.into(),
                    tags.as_str().into(),
                    t.post_count.into(),
                    (t.post_count - 1).max(0).into(),
                    t.created_at.into(),
                    t.last_activity_at.into(),
                ]
            },
        )
        .await?;
                    let tag_rows: Vec<(i64, &str)> = rows
                        .iter()
                        .flat_map(|t| t.tags.iter().map(move |tag| (t.id, tag.as_str())))
                        .collect();
                    insert_rows(
                        tx,
                        "topic_tags (topic_id, tag)",
                        2,
                        &tag_rows,
                        |(id, tag)| vec![(*id).into(), (*tag).into()],
                    )
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    /// Loads posts and their search entries in one transaction.
    pub async fn bulk_posts(&self, rows: &[BulkPost]) -> Result<(), StoreError> {
        let rows = rows.to_vec();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let rows = &rows[..];
                    insert_rows(
                        tx,
                        "posts (id, topic_id, group_id, number, author_id, body_markdown, body_html, created_at)",
                        8,
                        rows,
                        |p| {
                            vec![
                                p.id.into(),
                                p.topic_id.into(),
                                p.group_id.into(),
                                p.number.into(),
                                p.author_id.into(),
                                p.body_markdown.as_str().into(),
                                p.body_html.as_str().into(),
                                p.created_at.into(),
                            ]
                        },
                    )
                    .await?;
                    insert_search(tx, rows, |p| {
                        vec![
                            p.id.into(),
                            p.title.as_str().into(),
                            p.body_text.as_str().into(),
                        ]
                    })
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    /// After a bulk load: when each topic was first replied to by someone other than its
    /// author (what a reply written one by one records: unanswered lists read it), identity
    /// counters past the loaded ids and a vacuum (PostgreSQL), fresh planner statistics (both).
    pub async fn bulk_finish(&self) -> Result<(), StoreError> {
        self.pools
            .write(|tx| {
                Box::pin(async move {
                    tx.execute(
                        // The first such reply by number (posts are numbered as they are
                        // written): a walk of the topic's posts in order, which PostgreSQL
                        // without statistics yet would not pick for a MIN(created_at).
                        "UPDATE topics SET first_reply_at = (SELECT p.created_at FROM posts p \
                         WHERE p.topic_id = topics.id AND p.number > 1 \
                         AND p.author_id <> topics.author_id AND p.deleted = FALSE \
                         ORDER BY p.number LIMIT 1) WHERE first_reply_at IS NULL",
                        &[],
                    )
                    .await
                    .map(|_| ())
                })
            })
            .await?;
        if self.pools.backend() == Backend::Postgres {
            self.pools
                .write(|tx| {
                    Box::pin(async move {
                        for table in ["members", "groups", "topics", "posts"] {
                            tx.execute(
                                format!(
                                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                                     COALESCE((SELECT MAX(id) FROM {table}), 1))"
                                ),
                                &[],
                            )
                            .await?;
                        }
                        Ok(())
                    })
                })
                .await?;
            // Outside a transaction: VACUUM sets the visibility map, without which every
            // index-only scan of the new rows visits the table too (autovacuum would get to it
            // eventually, if the server runs it at all).
            let mut db = self.pools.read().await?;
            return db.execute("VACUUM (ANALYZE)", &[]).await.map(|_| ());
        }
        self.pools
            .write(|db| {
                Box::pin(async move {
                    db.execute("ANALYZE", &[]).await?;
                    let samples = db
                        .optional::<crate::db::Int>(
                            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat4'",
                            &[],
                        )
                        .await?
                        .is_some();
                    if samples {
                        // Keep the table statistics, drop the value samples: with samples,
                        // SQLite compiles a statement again each time a bound value changes
                        // (it might pick another plan), which cost a sixth of a topic page's
                        // time; the plans here never depend on values.
                        db.execute("DELETE FROM sqlite_stat4", &[]).await?;
                        db.execute("ANALYZE sqlite_schema", &[]).await?;
                    }
                    Ok(())
                })
            })
            .await
    }
}
