//! The two schemas describe the same tables and columns.

use std::collections::BTreeSet;

use crate::support::{TestApp, pg_connection, postgres_url, sqlite_connection};

#[tokio::test]
async fn sqlite_and_postgres_have_the_same_tables_and_columns() {
    let Some(server) = postgres_url() else {
        eprintln!("AGORA_TEST_POSTGRES_URL is not set: the schema comparison needs PostgreSQL");
        return;
    };
    let sqlite = TestApp::sqlite(Default::default()).await;
    let pg = TestApp::postgres(&server, Default::default()).await;

    let mut c = sqlite_connection(&sqlite.database_url).await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT LIKE '_sqlx%' AND name NOT LIKE 'post_search_%'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let mut lite = BTreeSet::new();
    for t in tables {
        let cols: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT name FROM pragma_table_info('{t}')"
        )))
        .fetch_all(&mut c)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        for col in cols {
            lite.insert(format!("{t}.{col}"));
        }
    }
    // FTS5 keeps the post id as its rowid and has no column for the PostgreSQL tsvector.
    lite.insert("post_search.post_id".into());
    lite.insert("post_search.document".into());

    let mut p = pg_connection(&pg.database_url).await;
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&mut p)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let postgres: BTreeSet<String> = rows.into_iter().map(|(t, c)| format!("{t}.{c}")).collect();

    let only_sqlite: Vec<_> = lite.difference(&postgres).collect();
    let only_pg: Vec<_> = postgres.difference(&lite).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "only in SQLite: {only_sqlite:?}; only in PostgreSQL: {only_pg:?}"
    );
    assert!(lite.len() > 60, "{} columns", lite.len());
}

/// `agora copy` copies every table, each after the tables it refers to.
#[tokio::test]
async fn the_copy_knows_every_table_and_copies_parents_first() {
    let app = TestApp::sqlite(Default::default()).await;
    let mut c = sqlite_connection(&app.database_url).await;
    let tables: BTreeSet<String> = sqlx::query_scalar::<_, String>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT LIKE '_sqlx%' AND name NOT LIKE 'post_search_%'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .into_iter()
    .collect();
    let order = agora_store::copy::tables();
    let known: BTreeSet<String> = order.iter().map(|t| (*t).to_owned()).collect();
    assert_eq!(known, tables, "copy::tables() against the schema");
    let at = |t: &str| order.iter().position(|o| *o == t).unwrap_or(usize::MAX);
    let mut wrong = Vec::new();
    for table in &order {
        let parents: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT \"table\" FROM pragma_foreign_key_list('{table}')"
        )))
        .fetch_all(&mut c)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        for parent in parents {
            if at(&parent) > at(table) {
                wrong.push(format!("{table} refers to {parent}, copied later"));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
