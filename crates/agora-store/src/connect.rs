//! Opening the database named by a URL, applying its migrations.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::ConnectOptions as _;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::SqlStore;
use crate::db::Pools;
use crate::files;

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("the database URL must start with sqlite: or postgres:// (got {0:?})")]
    UnknownScheme(String),
    #[error("could not open the database at {url}: {source}")]
    Open {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("could not apply the database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(
        "this database holds an interrupted `agora copy` ({0}) and is incomplete: delete it (drop the PostgreSQL database, or remove the SQLite file) and run the copy again"
    )]
    IncompleteCopy(String),
}

/// How long a PostgreSQL connection may sit idle before it is pinged on its next use.
const PG_PING_AFTER_IDLE: Duration = Duration::from_secs(30);

/// Opens `url` (`sqlite:PATH` or `postgres://…`) and applies pending migrations.
///
/// SQLite runs in WAL mode with a 5 s busy timeout, full fsync on commit, foreign keys on,
/// a pool of readers and a single writer.
pub async fn connect(url: &str) -> Result<SqlStore, ConnectError> {
    let open = |source| ConnectError::Open {
        url: redact(url),
        source,
    };
    let pools = if url.starts_with("sqlite:") {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(open)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true)
            // 4 MiB of page cache per connection: the kernel's file cache holds the rest of
            // the database, outside agora's resident memory.
            .pragma("cache_size", "-4000")
            .pragma("temp_store", "memory");
        private_database_files(&options, url);
        // The one write connection belongs to the writer task; it applies the migrations first.
        let mut write = options.connect().await.map_err(open)?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&mut write)
            .await?;
        let writer = crate::writer::Writer::start(write).await.map_err(open)?;
        let read = SqlitePoolOptions::new()
            .max_connections(2)
            .acquire_timeout(Duration::from_secs(10))
            // An embedded database cannot go away under a connection: no ping before use.
            .test_before_acquire(false)
            .connect_with(options.read_only(true))
            .await
            .map_err(open)?;
        Pools::Sqlite { read, writer }
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let options = PgConnectOptions::from_str(url).map_err(open)?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            // A ping before every use is a round trip to the server per query; only a
            // connection that sat idle long enough for the server or the network to have
            // dropped it is checked (a broken one is replaced, not handed out).
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= PG_PING_AFTER_IDLE {
                        use sqlx::Connection as _;
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(options)
            .await
            .map_err(open)?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Pools::Postgres {
            pool,
            detached: Default::default(),
        }
    } else {
        return Err(ConnectError::UnknownScheme(redact(url)));
    };
    let store = SqlStore { pools };
    if let Some(marker) = store.setting(crate::copy::INCOMPLETE).await.ok().flatten() {
        store.close().await;
        return Err(ConnectError::IncompleteCopy(marker));
    }
    Ok(store)
}

/// The URL without its password, for messages.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The file a `sqlite:` URL names.
pub(crate) fn sqlite_path(url: &str) -> &str {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    path.split('?').next().unwrap_or(path)
}

/// Makes the database file private before SQLite opens it (SQLite gives the `-wal` and
/// `-shm` files it creates the database file's mode): a new one is created empty with mode
/// `0600` (in folders created `0700` if missing), an existing one and its `-wal` and `-shm`
/// are closed to others. A failure is SQLite's to report when it opens the file; a mode that
/// cannot be changed is logged.
fn private_database_files(options: &SqliteConnectOptions, url: &str) {
    let path = options.get_filename();
    let name = path.to_string_lossy();
    if name.starts_with("file:") || name == ":memory:" || url.contains("mode=memory") {
        return;
    }
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && let Err(e) = files::create_dirs(dir)
    {
        tracing::warn!(folder = %dir.display(), error = %e, "creating the database's folder");
    }
    match files::create_private(path) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => tracing::warn!(file = %path.display(), error = %e, "creating the database"),
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        if let Err(e) = files::close_to_others(Path::new(&side)) {
            tracing::warn!(file = %Path::new(&side).display(), error = %e, "closing the database to others");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            redact("postgres://agora:s3cret@db:5432/agora"),
            "postgres://agora:***@db:5432/agora"
        );
        assert_eq!(redact("sqlite:./data/agora.db"), "sqlite:./data/agora.db");
    }
}
