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

/// The URL without its secrets, for every message and log that names it, whatever its
/// scheme: the password of its userinfo (`user:***@host`) and the value of each query
/// parameter named like a secret (`password`, `sslpassword`, `secret`, `token`, a key, …).
/// Where the URL is malformed, more is hidden rather than less.
pub fn redact(url: &str) -> String {
    let (userinfo_end, head) = redact_userinfo(url);
    match url[userinfo_end..].find('?') {
        Some(q) => {
            let q = userinfo_end + q;
            format!(
                "{head}{}?{}",
                &url[userinfo_end..q],
                redact_query(&url[q + 1..])
            )
        }
        None => format!("{head}{}", &url[userinfo_end..]),
    }
}

/// Where the userinfo of `url` ends (0 if it has none), and the URL up to there with the
/// userinfo's password hidden.
fn redact_userinfo(url: &str) -> (usize, String) {
    // After `scheme://`; a `sqlite:` path has no userinfo; anything else (`user:pw@host`
    // without a scheme, `scheme:user:pw@host`) is read from the start.
    let scheme = url.find("://").filter(|&i| {
        let name = &url[..i];
        name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    let start = match scheme {
        Some(i) => i + 3,
        None if url.starts_with("sqlite:") => return (0, String::new()),
        None => 0,
    };
    let rest = &url[start..];
    // A password may hold any character unencoded (`@`, `/`, `?`, `#`), a path or a query
    // rarely an `@`: the userinfo is taken to end at the last `@`. When one stands in the path
    // or the query after a port, more is hidden than needed, never less.
    let Some(at) = rest.rfind('@') else {
        return (0, String::new());
    };
    match rest[..at].split_once(':') {
        Some((user, _)) => (start + at, format!("{}{user}:***", &url[..start])),
        // A user name alone; what follows is read as the rest of the URL.
        None => (0, String::new()),
    }
}

/// A query string with the value of every parameter named like a secret hidden, and any part
/// that is not `key=value` (the tail of a value holding an unencoded `&`) hidden whole.
fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if names_a_secret(key) => format!("{key}=***"),
            Some(_) => pair.to_owned(),
            None if pair.is_empty() => String::new(),
            None => "***".to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Whether a query parameter's name says its value is a secret.
fn names_a_secret(key: &str) -> bool {
    let key = percent_decoded(key).to_ascii_lowercase();
    [
        "pass",
        "pwd",
        "secret",
        "token",
        "key",
        "auth",
        "credential",
        "sig",
    ]
    .iter()
    .any(|word| key.contains(word))
}

/// `text` with its `%XX` escapes decoded (as far as they make text).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
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
    fn passwords_are_redacted_from_the_userinfo() {
        for (url, shown) in [
            (
                "postgres://agora:s3cret@db:5432/agora",
                "postgres://agora:***@db:5432/agora",
            ),
            ("postgres://agora@db/agora", "postgres://agora@db/agora"),
            ("postgres://db/agora", "postgres://db/agora"),
            ("sqlite:./data/agora.db", "sqlite:./data/agora.db"),
            ("sqlite:./data/a@b.db", "sqlite:./data/a@b.db"),
            // Unencoded `@`, `/`, `?` and `#` in a password.
            (
                "postgres://agora:p@ss/w?rd#1@db/agora",
                "postgres://agora:***@db/agora",
            ),
            // An `@` in the query after a password: more is hidden than needed.
            (
                "postgres://agora:pw@db/agora?application_name=a@b",
                "postgres://agora:***@b",
            ),
            (
                "postgres://db/agora?application_name=a@b&password=x",
                "postgres://db/agora?application_name=a@b&password=***",
            ),
            (
                "postgres://db/agora?password=x@y",
                "postgres://db/agora?password=***",
            ),
            // Any scheme, or none.
            ("mysql://root:hunter2@db/agora", "mysql://root:***@db/agora"),
            ("agora:hunter2@db/agora", "agora:***@db/agora"),
            ("mysql:root:hunter2@db", "mysql:***@db"),
            ("agora:p://x@db/agora", "agora:***@db/agora"),
        ] {
            assert_eq!(redact(url), shown, "{url}");
        }
    }

    #[test]
    fn passwords_and_other_secrets_are_redacted_from_the_query() {
        for (url, shown) in [
            (
                "postgres://db/agora?password=s3cret",
                "postgres://db/agora?password=***",
            ),
            (
                "postgres://agora@db/agora?sslmode=require&password=s3cret&connect_timeout=5",
                "postgres://agora@db/agora?sslmode=require&password=***&connect_timeout=5",
            ),
            (
                "postgresql://db/agora?sslpassword=k3y&PassWord=x&pass%77ord=y",
                "postgresql://db/agora?sslpassword=***&PassWord=***&pass%77ord=***",
            ),
            (
                "redis://cache/0?auth_token=t0k3n&api_key=abc&client_secret=s&pwd=p",
                "redis://cache/0?auth_token=***&api_key=***&client_secret=***&pwd=***",
            ),
            (
                "postgres://db/agora?password=a&b&sslmode=require",
                "postgres://db/agora?password=***&***&sslmode=require",
            ),
            (
                "sqlite:agora.db?mode=rwc&password=x",
                "sqlite:agora.db?mode=rwc&password=***",
            ),
            (
                "postgres://u:pw@db/agora?password=pw2",
                "postgres://u:***@db/agora?password=***",
            ),
        ] {
            assert_eq!(redact(url), shown, "{url}");
        }
    }

    #[test]
    fn no_secret_survives_in_any_error_that_names_the_url() {
        for url in [
            "postgres://agora@db/agora?password=s3cret",
            "mysql://agora:s3cret@db/agora",
            "agora:s3cret@db/agora",
            "postgres://agora:s3cret@256.0.0.1:1/agora",
        ] {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap_or_else(|e| panic!("{e}"));
            let message = match rt.block_on(super::connect(url)) {
                Ok(_) => panic!("{url} connected"),
                Err(e) => format!("{e} {e:?}"),
            };
            assert!(!message.contains("s3cret"), "{message}");
        }
    }
}
