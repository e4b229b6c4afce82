//! The database as a refused request must leave it, read straight from the database over a
//! connection of the suite's own. Every table (listed from the catalog, so tables added later
//! count too) gets a trigger that notes it was written; after each request the suite reads
//! the noted tables again: their row count, and their whole content where a request may
//! change rows in place (settings, accounts, groups, memberships, topics, sanctions, flags…).
//! A request that wrote nothing costs one small query.

use std::collections::BTreeMap;

use crate::support::{TestApp, pg_connection, sqlite_connection};

/// Tables left out: the rate-limit counters, which a refused sign-in or reset request bumps by
/// design (failures are what they count), the reading record (a visit on a new day counts,
/// refused request or not, and reading a topic is what it records), the search index (it
/// mirrors the posts), and the suite's own notes.
fn ignored(table: &str) -> bool {
    matches!(
        table,
        "rate_counters"
            | "_sqlx_migrations"
            | "hostile_touched"
            | "member_activity"
            | "topic_reads"
    ) || table.starts_with("post_search")
        || table.starts_with("sqlite_")
}

/// Tables compared by row count only: sessions (their last use moves on every request), the
/// append-only audit log, revisions and mailed tokens.
const COUNTED_ONLY: &[&str] = &["sessions", "audit_log", "post_revisions", "email_tokens"];

/// Columns too large to compare on every read; a change to them changes another column.
const LARGE_COLUMNS: &[&str] = &["body_markdown", "body_html", "body"];

enum Connection {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

/// The suite's view of the test's database.
pub struct Database {
    connection: Connection,
    /// Per table, the query reading its state.
    queries: BTreeMap<String, String>,
    /// Per table, its state as last read.
    state: BTreeMap<String, String>,
}

impl Database {
    pub async fn open(app: &TestApp) -> Self {
        let mut connection = if app.backend == "sqlite" {
            Connection::Sqlite(sqlite_connection(&app.database_url).await)
        } else {
            Connection::Postgres(pg_connection(&app.database_url).await)
        };
        let queries = watch(&mut connection).await;
        let mut db = Self {
            connection,
            queries,
            state: BTreeMap::new(),
        };
        let tables: Vec<String> = db.queries.keys().cloned().collect();
        for table in tables {
            let now = db.read(&table).await;
            db.state.insert(table, now);
        }
        db
    }

    /// What was written since the last call, table by table (`table: before → after`); the
    /// state is updated.
    pub async fn changes(&mut self) -> Vec<String> {
        let touched: Vec<(String,)> = self
            .fetch("SELECT DISTINCT name FROM hostile_touched ORDER BY name")
            .await;
        if touched.is_empty() {
            return Vec::new();
        }
        self.execute("DELETE FROM hostile_touched").await;
        let mut out = Vec::new();
        for (table,) in touched {
            if !self.queries.contains_key(&table) {
                continue;
            }
            let now = self.read(&table).await;
            let was = self
                .state
                .insert(table.clone(), now.clone())
                .unwrap_or_default();
            if was != now {
                out.push(format!("{table}: {} → {}", short(&was), short(&now)));
            }
        }
        out
    }

    /// Every name stored (usernames, display names, slugs, group names, topic titles, tags,
    /// the site's name), as (what, value).
    pub async fn names(&mut self) -> Vec<(String, String)> {
        self.fetch(
            "SELECT 'username', username FROM members \
             UNION ALL SELECT 'display name', display_name FROM members \
             UNION ALL SELECT 'group slug', slug FROM groups \
             UNION ALL SELECT 'group name', name FROM groups \
             UNION ALL SELECT 'topic title', title FROM topics \
             UNION ALL SELECT 'tag', tag FROM topic_tags \
             UNION ALL SELECT 'site name', value FROM settings WHERE key = 'name'",
        )
        .await
    }

    async fn read(&mut self, table: &str) -> String {
        let sql = self.queries[table].clone();
        let row: Vec<(String,)> = self.fetch(&sql).await;
        row.into_iter().next().map(|(s,)| s).unwrap_or_default()
    }

    async fn fetch<T>(&mut self, sql: &str) -> Vec<T>
    where
        T: Send + Unpin,
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
        T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        let query = sqlx::AssertSqlSafe(sql.to_owned());
        match &mut self.connection {
            Connection::Sqlite(c) => sqlx::query_as(query).fetch_all(c).await,
            Connection::Postgres(c) => sqlx::query_as(query).fetch_all(c).await,
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    async fn execute(&mut self, sql: &str) {
        let query = sqlx::AssertSqlSafe(sql.to_owned());
        match &mut self.connection {
            Connection::Sqlite(c) => sqlx::query(query).execute(c).await.map(|_| ()),
            Connection::Postgres(c) => sqlx::query(query).execute(c).await.map(|_| ()),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

fn short(state: &str) -> String {
    let s: String = state.chars().take(100).collect();
    if s.len() < state.len() {
        format!("{s:?}…")
    } else {
        format!("{s:?}")
    }
}

/// Puts a trigger on every table that notes its name in `hostile_touched` when a row is
/// written (in the writer's transaction: a write rolled back leaves no note), and returns the
/// query reading each table's state.
async fn watch(connection: &mut Connection) -> BTreeMap<String, String> {
    let mut queries = BTreeMap::new();
    match connection {
        Connection::Sqlite(c) => {
            let tables: Vec<(String,)> = sqlx::query_as(
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
            )
            .fetch_all(&mut *c)
            .await
            .unwrap_or_else(|e| panic!("listing tables: {e}"));
            sqlx::query("CREATE TABLE hostile_touched (name TEXT NOT NULL)")
                .execute(&mut *c)
                .await
                .unwrap_or_else(|e| panic!("creating hostile_touched: {e}"));
            for (table,) in tables.into_iter().filter(|(t,)| !ignored(t)) {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    let sql = format!(
                        "CREATE TRIGGER \"hostile_{table}_{event}\" AFTER {event} ON \"{table}\" \
                         BEGIN INSERT INTO hostile_touched VALUES ('{table}'); END"
                    );
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .execute(&mut *c)
                        .await
                        .unwrap_or_else(|e| panic!("trigger on {table}: {e}"));
                }
                let columns: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
                )))
                .fetch_all(&mut *c)
                .await
                .unwrap_or_else(|e| panic!("columns of {table}: {e}"));
                let row = row_text(&columns, "quote");
                queries.insert(
                    table.clone(),
                    state_query(&table, &row, "group_concat(r, '|')", "ORDER BY 1"),
                );
            }
        }
        Connection::Postgres(c) => {
            let tables: Vec<(String,)> = sqlx::query_as(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() \
                 ORDER BY tablename",
            )
            .fetch_all(&mut *c)
            .await
            .unwrap_or_else(|e| panic!("listing tables: {e}"));
            for sql in [
                "CREATE TABLE hostile_touched (name TEXT NOT NULL)",
                "CREATE FUNCTION hostile_note() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN INSERT INTO hostile_touched VALUES (TG_TABLE_NAME); RETURN NULL; END $$",
            ] {
                sqlx::query(sql)
                    .execute(&mut *c)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
            for (table,) in tables.into_iter().filter(|(t,)| !ignored(t)) {
                let sql = format!(
                    "CREATE TRIGGER hostile_note AFTER INSERT OR UPDATE OR DELETE ON \"{table}\" \
                     FOR EACH STATEMENT EXECUTE FUNCTION hostile_note()"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(&mut *c)
                    .await
                    .unwrap_or_else(|e| panic!("trigger on {table}: {e}"));
                let columns: Vec<(String,)> = sqlx::query_as(
                    "SELECT column_name::text FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 \
                     ORDER BY ordinal_position",
                )
                .bind(&table)
                .fetch_all(&mut *c)
                .await
                .unwrap_or_else(|e| panic!("columns of {table}: {e}"));
                // PostgreSQL sums a hash of each row: nothing to sort or send, and the order of
                // rows does not matter.
                let row = format!("hashtext({})", row_text(&columns, "quote_nullable"));
                queries.insert(
                    table.clone(),
                    state_query(&table, &row, "CAST(SUM(r::bigint) AS TEXT)", ""),
                );
            }
        }
    }
    queries
}

/// A row as text: every column but the large ones, quoted.
fn row_text(columns: &[(String,)], quote: &str) -> String {
    columns
        .iter()
        .filter(|(name,)| !LARGE_COLUMNS.contains(&name.as_str()))
        .map(|(name,)| format!("{quote}(\"{name}\")"))
        .collect::<Vec<_>>()
        .join(" || ',' || ")
}

/// The query of a table's state: its row count, and its content unless counted only.
fn state_query(table: &str, row: &str, aggregate: &str, order: &str) -> String {
    let count = format!("CAST((SELECT COUNT(*) FROM \"{table}\") AS TEXT)");
    if COUNTED_ONLY.contains(&table) {
        return format!("SELECT {count}");
    }
    format!(
        "SELECT {count} || ' rows: ' || COALESCE((SELECT {aggregate} FROM \
         (SELECT {row} AS r FROM \"{table}\" {order}) x), '')"
    )
}
