//! Full-text search on each backend's native engine, behind one method: SQLite FTS5 ranked by
//! bm25, PostgreSQL tsvector ranked by ts_rank, one result per topic (its best post). The
//! index is written in the same transaction as the post it mirrors.

use agora_core::audience::AudienceScope;
use agora_core::forum::{Author, TopicKind};
use agora_core::search::{MAX_OFFSET, SearchHit, SearchQuery, SearchResults};
use agora_core::time::Timestamp;
use agora_core::{MemberId, PostId, StoreError, TopicId};

use crate::db::{Arg, Backend, Handle};
use crate::forum::topic_narrowing;
use crate::scope::{AudienceAt, audience_filter};

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
    topic_kind: String,
    topic_status: String,
    featured_number: Option<i64>,
    featured_text: Option<String>,
}

const HIT_COLUMNS: &str = "p.id AS post_id, p.number AS post_number, t.id AS topic_id, \
    t.title AS topic_title, t.slug AS topic_slug, g.slug AS group_slug, g.name AS group_name, \
    a.id AS author_id, a.username AS author_username, a.display_name AS author_display_name, \
    p.created_at, t.kind AS topic_kind, t.status AS topic_status, fp.number AS featured_number, \
    (SELECT substr(fs.body, 1, 400) FROM post_search fs WHERE fs.{FEATURED_KEY} = fp.id) AS featured_text";

const HIT_JOINS: &str = "JOIN posts p ON p.id = {KEY} \
    JOIN topics t ON t.id = p.topic_id \
    JOIN groups g ON g.id = p.group_id \
    JOIN members a ON a.id = p.author_id \
    LEFT JOIN posts fp ON fp.id = t.featured_post_id AND fp.deleted = FALSE";

/// How many of the newest matching posts are ranked by relevance. A rare term has fewer
/// matches and is ranked whole; a very common one would make the engine score hundreds of
/// thousands of posts for one page, so it is ranked among its newest matches instead, which
/// both engines find by walking the index backwards and stopping early. At a million posts,
/// 500 keeps a common word's search near a rare word's (see docs/performance.md). A search
/// of several words ranks `RANK_WINDOW / words` of them: every match must hold all the
/// words, so the window is more specific already, and the engines' cost of ranking a match
/// grows with each word (FTS5's bm25 reads each word's positions in every post it ranks).
pub const RANK_WINDOW: u32 = 500;

/// How many of the newest matches a search of `words` words ranks, for a page ending at `end`
/// (a count of topics: a topic needs at least one match, so the page is reached whenever the
/// window holds that many topics).
pub fn rank_window(words: usize, end: u32) -> u32 {
    let words = u32::try_from(words.max(1)).unwrap_or(u32::MAX);
    (RANK_WINDOW / words).max(end)
}

#[derive(sqlx::FromRow)]
struct Ranked {
    id: i64,
    /// How many posts of its topic matched.
    matches: i64,
    /// How many posts the window held.
    seen: i64,
    /// How many topics the window held.
    found: i64,
}

#[derive(sqlx::FromRow)]
struct Counted {
    seen: i64,
    found: i64,
}

/// One page of topics from the window `w` (columns `id`, `topic`, `rank`, better first in the
/// order `better` gives): each topic by its best post, with how many of its posts matched and
/// the window's totals. Bound: `${limit}` and `${offset}`. SQLite keeps each topic's best row
/// with an aggregate (its `MIN` takes the other columns from the row holding the minimum,
/// ascending being better there), which costs about half of numbering rows with window
/// functions; PostgreSQL with `DISTINCT ON`.
fn per_topic(backend: Backend, better: &str, limit: usize, offset: usize) -> String {
    let best = match backend {
        Backend::Sqlite => {
            "best AS (SELECT id, MIN(rank) AS rank, COUNT(*) AS matches FROM w GROUP BY topic)"
                .to_owned()
        }
        Backend::Postgres => format!(
            "best AS (SELECT DISTINCT ON (topic) id, rank, COUNT(*) OVER (PARTITION BY topic) AS matches \
             FROM w ORDER BY topic, rank {better}, id DESC)"
        ),
    };
    format!(
        "{best} SELECT id, matches, CAST(SUM(matches) OVER () AS BIGINT) AS seen, \
         COUNT(*) OVER () AS found FROM best ORDER BY rank {better}, id DESC LIMIT ${limit} OFFSET ${offset}"
    )
}

/// The window's totals alone, for a page past the end (which has no row to carry them).
/// Every placeholder the page binds is named, as the page's arguments are bound to it.
fn totals(limit: usize, offset: usize) -> String {
    format!(
        "SELECT COUNT(*) AS seen, COUNT(DISTINCT topic) AS found FROM w \
         WHERE ${limit} >= 0 AND ${offset} >= 0"
    )
}

/// The narrowing of a search's operators, as SQL on `t`, `g` and `author_column`, with its
/// values pushed onto `args`.
fn narrowing<'a>(query: &'a SearchQuery, author_column: &str, args: &mut Vec<Arg<'a>>) -> String {
    let mut narrow = topic_narrowing(query.filter(), args);
    if let Some(slug) = query.group() {
        args.push(slug.into());
        narrow.push_str(&format!(" AND g.slug = ${}", args.len()));
    }
    if let Some(author) = query.author() {
        args.push(author.into());
        narrow.push_str(&format!(
            " AND {author_column} = (SELECT m.id FROM members m WHERE m.username_key = ${})",
            args.len()
        ));
    }
    narrow
}

/// Runs a search restricted to the groups in `scope`: first the ids of one page of topics,
/// each by its best post ranked within the newest matches the viewer may read, then their
/// details and snippets. A search of operators alone lists topics' opening posts, newest
/// first.
pub async fn search(
    db: &mut Handle,
    query: &SearchQuery,
    scope: &AudienceScope,
    limit: u32,
    offset: u32,
) -> Result<SearchResults, StoreError> {
    let filter = audience_filter(scope, AudienceAt::Groups, 1);
    let words = !query.terms().is_empty();
    let window = if words {
        rank_window(query.terms().len(), offset.saturating_add(limit))
    } else {
        // Operators alone are counted as deep as a search pages, and one more to know
        // whether there are more.
        MAX_OFFSET + limit + 1
    };
    let mut args: Vec<Arg<'_>> = vec![scope.participant.map(|m| m.0).into()];
    let match_arg = match db.backend() {
        // Every term quoted: the words carry no FTS5 syntax, so nothing typed can reach it.
        Backend::Sqlite => query
            .terms()
            .iter()
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(" "),
        Backend::Postgres => query.terms().join(" "),
    };
    let (ranked_sql, totals_sql) = if words {
        // Placeholders $1 to $5 are bound below; the narrowing's values follow them.
        let mut narrowing_args = vec![Arg::Int(None); 5];
        let narrow = narrowing(query, "p.author_id", &mut narrowing_args);
        args.extend::<[Arg<'_>; 4]>([
            (&match_arg).into(),
            i64::from(limit).into(),
            i64::from(offset).into(),
            i64::from(window).into(),
        ]);
        args.extend(narrowing_args.into_iter().skip(5));
        let window_sql = match db.backend() {
            Backend::Sqlite => format!(
                "WITH w AS (SELECT post_search.rowid AS id, p.topic_id AS topic, \
                   bm25(post_search, 4.0, 1.0) AS rank \
                 FROM post_search JOIN posts p ON p.id = post_search.rowid \
                 JOIN topics t ON t.id = p.topic_id JOIN groups g ON g.id = p.group_id \
                 WHERE post_search MATCH $2 AND p.deleted = FALSE AND t.deleted = FALSE AND {filter}{narrow} \
                 ORDER BY post_search.rowid DESC LIMIT $5)"
            ),
            Backend::Postgres => format!(
                "WITH w AS (SELECT ps.post_id AS id, p.topic_id AS topic, ts_rank(ps.document, q) AS rank \
                 FROM post_search ps CROSS JOIN plainto_tsquery('english', $2) q \
                 JOIN posts p ON p.id = ps.post_id JOIN topics t ON t.id = p.topic_id \
                 JOIN groups g ON g.id = p.group_id \
                 WHERE ps.document @@ q AND p.deleted = FALSE AND t.deleted = FALSE AND {filter}{narrow} \
                 ORDER BY ps.post_id DESC LIMIT $5)"
            ),
        };
        let better = match db.backend() {
            Backend::Sqlite => "",
            Backend::Postgres => "DESC",
        };
        (
            format!("{window_sql}, {}", per_topic(db.backend(), better, 3, 4)),
            format!("{window_sql} {}", totals(3, 4)),
        )
    } else {
        let mut narrowing_args = vec![Arg::Int(None); 4];
        let narrow = narrowing(query, "t.author_id", &mut narrowing_args);
        args.extend::<[Arg<'_>; 3]>([
            i64::from(limit).into(),
            i64::from(offset).into(),
            i64::from(window).into(),
        ]);
        args.extend(narrowing_args.into_iter().skip(4));
        // Newest first: ids are given in the order topics are opened, and the opening post's
        // id with its topic's, so the topic's id is its rank.
        let window_sql = format!(
            "WITH w AS (SELECT p.id AS id, t.id AS topic, -t.id AS rank \
             FROM topics t JOIN groups g ON g.id = t.group_id \
             JOIN posts p ON p.topic_id = t.id AND p.number = 1 \
             WHERE t.deleted = FALSE AND p.deleted = FALSE AND {filter}{narrow} \
             ORDER BY t.id DESC LIMIT $4)"
        );
        (
            format!("{window_sql}, {}", per_topic(db.backend(), "", 2, 3)),
            format!("{window_sql} {}", totals(2, 3)),
        )
    };
    let page: Vec<Ranked> = db
        .all_planned_each_time::<Ranked>(ranked_sql, &args)
        .await?;
    let (total, seen) = match page.first() {
        Some(r) => (r.found, r.seen),
        None if offset > 0 => {
            let c = db
                .all_planned_each_time::<Counted>(totals_sql, &args)
                .await?;
            c.first().map_or((0, 0), |c| (c.found, c.seen))
        }
        None => (0, 0),
    };
    let results = |hits| SearchResults {
        hits,
        total: u32::try_from(total).unwrap_or(u32::MAX),
        exact: seen < i64::from(window),
    };
    if page.is_empty() {
        return Ok(results(Vec::new()));
    }
    Ok(results(
        details(db, &page, words.then_some(match_arg.as_str())).await?,
    ))
}

/// The details and snippets of one page of ranked posts, in its order: snippets around the
/// words `matching` (as bound to the ranking), or the start of the post for operators alone.
async fn details(
    db: &mut Handle,
    page: &[Ranked],
    matching: Option<&str>,
) -> Result<Vec<SearchHit>, StoreError> {
    // The ids are numbers the database gave; they are written into the SQL as such.
    let ids = page
        .iter()
        .map(|r| r.id.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let (sql, args): (String, Vec<Arg<'_>>) = match (db.backend(), matching) {
        (Backend::Sqlite, _) => {
            let joins = HIT_JOINS.replace("{KEY}", "post_search.rowid");
            let columns = HIT_COLUMNS.replace("{FEATURED_KEY}", "rowid");
            let (snippet, matching, args) = match matching {
                Some(m) => (
                    "snippet(post_search, -1, char(2), char(3), '…', 24)",
                    "post_search MATCH $1 AND ",
                    vec![m.into()],
                ),
                None => ("substr(post_search.body, 1, 400)", "", Vec::new()),
            };
            let sql = format!(
                "SELECT {columns}, {snippet} AS snippet \
                 FROM post_search {joins} WHERE {matching}post_search.rowid IN ({ids}) \
                 AND p.deleted = FALSE AND t.deleted = FALSE"
            );
            (sql, args)
        }
        (Backend::Postgres, Some(m)) => {
            let joins = HIT_JOINS.replace("{KEY}", "ps.post_id");
            let columns = HIT_COLUMNS.replace("{FEATURED_KEY}", "post_id");
            let sql = format!(
                "SELECT {columns}, ts_headline('english', \
                   CASE WHEN ps.title = '' THEN ps.body ELSE ps.title || ' — ' || ps.body END, q, \
                   'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=35, MinWords=15') AS snippet \
                 FROM post_search ps CROSS JOIN plainto_tsquery('english', $1) q {joins} \
                 WHERE ps.post_id IN ({ids}) AND p.deleted = FALSE AND t.deleted = FALSE"
            );
            (sql, vec![m.into()])
        }
        (Backend::Postgres, None) => {
            let joins = HIT_JOINS.replace("{KEY}", "ps.post_id");
            let columns = HIT_COLUMNS.replace("{FEATURED_KEY}", "post_id");
            let sql = format!(
                "SELECT {columns}, substr(ps.body, 1, 400) AS snippet \
                 FROM post_search ps {joins} \
                 WHERE ps.post_id IN ({ids}) AND p.deleted = FALSE AND t.deleted = FALSE"
            );
            (sql, Vec::new())
        }
    };
    let mut rows = db.all::<HitRow>(sql, &args).await?;
    let place = |id: i64| page.iter().position(|r| r.id == id);
    rows.sort_by_key(|r| place(r.post_id));
    Ok(rows
        .into_iter()
        .map(|r| {
            let matches = place(r.post_id).map_or(1, |i| page[i].matches);
            SearchHit {
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
                topic_kind: TopicKind::parse(&r.topic_kind),
                topic_status: r.topic_status,
                featured: r.featured_number.zip(r.featured_text),
                more_matches: u32::try_from(matches - 1).unwrap_or(0),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_words_rank_a_smaller_window_but_never_less_than_the_page() {
        assert_eq!(rank_window(1, 20), 500);
        assert_eq!(rank_window(2, 20), 250);
        assert_eq!(rank_window(3, 20), 166);
        assert_eq!(rank_window(8, 20), 62);
        // A page past the window widens it to reach the page's end.
        assert_eq!(rank_window(2, 400), 400);
        assert_eq!(rank_window(1, 620), 620);
        assert_eq!(rank_window(0, 20), 500);
    }
}
