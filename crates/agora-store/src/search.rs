//! Full-text search on each backend's native engine, behind one method: SQLite FTS5 ranked by
//! bm25, PostgreSQL tsvector ranked by ts_rank. The index is written in the same transaction
//! as the post it mirrors.

use agora_core::forum::Author;
use agora_core::groups::policy::Scope;
use agora_core::search::{SearchHit, SearchQuery};
use agora_core::time::Timestamp;
use agora_core::{MemberId, PostId, StoreError, TopicId};

use crate::db::{Backend, Handle};
use crate::scope::group_filter;

/// Writes (or rewrites) a post's entry in the search index.
pub async fn index_post(
    tx: &mut Handle,
    post_id: i64,
    title: &str,
    body_text: &str,
) -> Result<(), StoreError> {
    match tx.backend() {
        Backend::Sqlite => {
            tx.execute(
                "DELETE FROM post_search WHERE rowid = $1",
                &[post_id.into()],
            )
            .await?;
            tx.execute(
                "INSERT INTO post_search (rowid, title, body) VALUES ($1, $2, $3)",
                &[post_id.into(), title.into(), body_text.into()],
            )
            .await?;
        }
        Backend::Postgres => {
            tx.execute(
                "INSERT INTO post_search (post_id, title, body, document) VALUES ($1, $2, $3, \
                 setweight(to_tsvector('english', $2), 'A') || setweight(to_tsvector('english', $3), 'B')) \
                 ON CONFLICT (post_id) DO UPDATE SET title = excluded.title, body = excluded.body, \
                 document = excluded.document",
                &[post_id.into(), title.into(), body_text.into()],
            )
            .await?;
        }
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct HitRow {
    post_id: i64,
    post_number: i64,
    topic_id: i64,
    topic_title: String,
    topic_slug: String,
    group_slug: String,
    group_name: String,
    author_id: i64,
    author_username: String,
    author_display_name: String,
    snippet: String,
    created_at: i64,
}

const HIT_COLUMNS: &str = "p.id AS post_id, p.number AS post_number, t.id AS topic_id, \
    t.title AS topic_title, t.slug AS topic_slug, g.slug AS group_slug, g.name AS group_name, \
    a.id AS author_id, a.username AS author_username, a.display_name AS author_display_name, \
    p.created_at";

const HIT_JOINS: &str = "JOIN posts p ON p.id = {KEY} \
    JOIN topics t ON t.id = p.topic_id \
    JOIN groups g ON g.id = p.group_id \
    JOIN members a ON a.id = p.author_id";

/// Runs a search restricted to the groups in `scope`.
pub async fn search(
    db: &mut Handle,
    query: &SearchQuery,
    scope: &Scope,
    limit: u32,
    offset: u32,
) -> Result<Vec<SearchHit>, StoreError> {
    let filter = group_filter(scope, 1);
    let (sql, match_arg) = match db.backend() {
        Backend::Sqlite => {
            let joins = HIT_JOINS.replace("{KEY}", "post_search.rowid");
            let sql = format!(
                "SELECT {HIT_COLUMNS}, snippet(post_search, -1, char(2), char(3), '…', 24) AS snippet \
                 FROM post_search {joins} \
                 WHERE post_search MATCH $2 AND p.deleted = FALSE AND t.deleted = FALSE AND {filter} \
                 ORDER BY bm25(post_search, 4.0, 1.0), p.id DESC LIMIT $3 OFFSET $4"
            );
            // Every term quoted: the words carry no FTS5 syntax, so nothing typed can reach it.
            let expr = query
                .terms()
                .iter()
                .map(|t| format!("\"{t}\""))
                .collect::<Vec<_>>()
                .join(" ");
            (sql, expr)
        }
        Backend::Postgres => {
            let joins = HIT_JOINS.replace("{KEY}", "ps.post_id");
            let sql = format!(
                "SELECT {HIT_COLUMNS}, ts_headline('english', \
                   CASE WHEN ps.title = '' THEN ps.body ELSE ps.title || ' — ' || ps.body END, q, \
                   'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=35, MinWords=15') AS snippet \
                 FROM post_search ps CROSS JOIN plainto_tsquery('english', $2) q {joins} \
                 WHERE ps.document @@ q AND p.deleted = FALSE AND t.deleted = FALSE AND {filter} \
                 ORDER BY ts_rank(ps.document, q) DESC, p.id DESC LIMIT $3 OFFSET $4"
            );
            (sql, query.terms().join(" "))
        }
    };
    let rows = db
        .all::<HitRow>(
            sql,
            &[
                scope.member.map(|m| m.0).into(),
                (&match_arg).into(),
                i64::from(limit).into(),
                i64::from(offset).into(),
            ],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| SearchHit {
            topic_id: TopicId(r.topic_id),
            topic_title: r.topic_title,
            topic_slug: r.topic_slug,
            post_id: PostId(r.post_id),
            post_number: r.post_number,
            group_slug: r.group_slug,
            group_name: r.group_name,
            author: Author {
                id: MemberId(r.author_id),
                username: r.author_username,
                display_name: r.author_display_name,
            },
            snippet: r.snippet,
            created_at: Timestamp(r.created_at),
        })
        .collect())
}
