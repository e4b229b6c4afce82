//! Backing up a SQLite database while agora serves it, and putting a backup back.
//!
//! A backup is `VACUUM INTO`: one consistent snapshot of the database in a new file, taken on
//! a reader, so agora goes on serving (readers and the writer are not blocked in WAL mode).
//! On PostgreSQL, `pg_dump` and `pg_restore` are the tools; agora does not reinvent them.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions as _, Connection as _};

use agora_core::StoreError;

use crate::SqlStore;
use crate::connect::{ConnectError, sqlite_path};
use crate::db::Pools;
use crate::files;

/// What went wrong; the message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "on PostgreSQL, back up with pg_dump (e.g. `pg_dump --format=custom --file=agora.dump \"$AGORA_DATABASE_URL\"`) and restore with pg_restore; agora's backup and restore are for SQLite"
    )]
    Postgres,
    #[error(
        "{0} exists already (as a file, a folder or a symbolic link); choose a new name: a backup never overwrites or writes through anything"
    )]
    Exists(PathBuf),
    #[error("{0} is not an agora SQLite backup: {1}")]
    NotABackup(PathBuf, String),
    #[error(
        "the database at {0} is not empty ({1}); restoring would replace it: add --force if that is what you want"
    )]
    NotEmpty(PathBuf, String),
    #[error(
        "the database at {0} is in use by another process (is agora running?); stop it before restoring"
    )]
    InUse(PathBuf),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Connect(#[from] ConnectError),
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> BackupError {
    let what = what.into();
    move |source| BackupError::Io { what, source }
}

fn sqlx_err(e: sqlx::Error) -> BackupError {
    BackupError::Store(crate::error::from_sqlx(e))
}

impl SqlStore {
    /// Writes a consistent copy of the SQLite database to `to`, which must not exist (not even
    /// as a symbolic link: a backup never writes through one), and checks it; returns its size
    /// in bytes. The copy is made in a private folder beside `to`, as a file only its owner
    /// reads (`0600`), checked there, then linked in at `to`, which fails if anything took the
    /// name meanwhile; the folder is removed.
    pub async fn backup_to(&self, to: &Path) -> Result<u64, BackupError> {
        let Pools::Sqlite { read, .. } = &self.pools else {
            return Err(BackupError::Postgres);
        };
        if std::fs::symlink_metadata(to).is_ok() {
            return Err(BackupError::Exists(to.to_owned()));
        }
        let staging = Staging::beside(to)?;
        let copy = staging.0.join("backup.db");
        // An empty file of our own: VACUUM INTO writes into an empty file and keeps its mode.
        files::create_private(&copy).map_err(io(format!("creating {}", copy.display())))?;
        let target = copy.to_str().ok_or_else(|| BackupError::Io {
            what: format!("{} is not a UTF-8 path", to.display()),
            source: std::io::Error::from(std::io::ErrorKind::InvalidInput),
        })?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(read)
            .await
            .map_err(sqlx_err)?;
        check_backup(&copy).await.map_err(|e| match e {
            BackupError::NotABackup(_, why) => BackupError::NotABackup(to.to_owned(), why),
            e => e,
        })?;
        File::open(&copy)
            .and_then(|f| f.sync_all())
            .map_err(io(format!("flushing {}", copy.display())))?;
        put_in_place(&copy, to)?;
        drop(staging);
        if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = File::open(dir).and_then(|d| d.sync_all());
        }
        Ok(std::fs::metadata(to)
            .map_err(io(format!("reading {}", to.display())))?
            .len())
    }
}

/// A private folder beside a backup's target, where the copy is made; removed when dropped.
struct Staging(PathBuf);

impl Staging {
    fn beside(to: &Path) -> Result<Self, BackupError> {
        let parent = to
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = to
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = parent.join(format!(".{name}.{}-{nanos}.partial", std::process::id()));
        files::create_private_dir(&path).map_err(io(format!("creating {}", path.display())))?;
        Ok(Self(path))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Gives the finished copy its name without replacing anything: a hard link fails if `to`
/// exists in any form. On a file system without hard links, a rename after a last look.
fn put_in_place(copy: &Path, to: &Path) -> Result<(), BackupError> {
    match std::fs::hard_link(copy, to) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(BackupError::Exists(to.to_owned()))
        }
        Err(_) if std::fs::symlink_metadata(to).is_ok() => Err(BackupError::Exists(to.to_owned())),
        Err(_) => std::fs::rename(copy, to).map_err(io(format!(
            "moving {} to {}",
            copy.display(),
            to.display()
        ))),
    }
}

/// Opens a file read-only as a SQLite database.
async fn open_read_only(path: &Path) -> Result<SqliteConnection, sqlx::Error> {
    SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await
}

/// Checks that `path` is a sound agora database: SQLite's own quick check, agora's schema,
/// and no interrupted copy in it.
async fn check_backup(path: &Path) -> Result<(), BackupError> {
    let not = |why: String| BackupError::NotABackup(path.to_owned(), why);
    let mut c = open_read_only(path).await.map_err(|e| not(e.to_string()))?;
    let check: String = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_one(&mut c)
        .await
        .map_err(|e| not(e.to_string()))?;
    if check != "ok" {
        return Err(not(format!("SQLite's quick check says {check}")));
    }
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('_sqlx_migrations', 'members', 'posts')",
    )
    .fetch_one(&mut c)
    .await
    .map_err(|e| not(e.to_string()))?;
    if tables != 3 {
        return Err(not("it has no agora tables".into()));
    }
    let marker: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(crate::copy::INCOMPLETE)
        .fetch_optional(&mut c)
        .await
        .map_err(|e| not(e.to_string()))?;
    if let Some(m) = marker {
        return Err(not(format!("it holds an interrupted copy ({m})")));
    }
    let _ = c.close().await;
    Ok(())
}

/// What a restore put in place.
#[derive(Debug, Clone)]
pub struct Restored {
    pub path: PathBuf,
    pub bytes: u64,
    pub members: i64,
    pub posts: i64,
}

/// Puts the backup `from` in place of the SQLite database at `url` (which agora must not be
/// serving): refused if that database holds anything, unless `force`. The file is copied
/// beside the database, flushed, and renamed over it, so a crash leaves the old database or
/// the new one, never a mixture; pending migrations are then applied.
pub async fn restore(from: &Path, url: &str, force: bool) -> Result<Restored, BackupError> {
    if !url.starts_with("sqlite:") {
        return Err(BackupError::Postgres);
    }
    check_backup(from).await?;
    let path = PathBuf::from(sqlite_path(url));
    if path.exists() {
        let held = held(&path).await?;
        if !held.is_empty() && !force {
            return Err(BackupError::NotEmpty(path, held));
        }
        claim(&path).await?;
    }
    let mut staging = path.clone().into_os_string();
    staging.push(".restoring");
    let staging = PathBuf::from(staging);
    // A file only agora's user reads, whatever the backup's own mode (a left-over staging
    // file from an interrupted restore is replaced).
    if let Err(e) = std::fs::remove_file(&staging)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        return Err(io(format!("removing {}", staging.display()))(e));
    }
    let mut source = File::open(from).map_err(io(format!("reading {}", from.display())))?;
    let mut target =
        files::create_private(&staging).map_err(io(format!("creating {}", staging.display())))?;
    std::io::copy(&mut source, &mut target).map_err(io(format!(
        "copying {} to {}",
        from.display(),
        staging.display()
    )))?;
    target
        .sync_all()
        .map_err(io(format!("flushing {}", staging.display())))?;
    drop(target);
    for suffix in ["-wal", "-shm"] {
        let mut side = path.clone().into_os_string();
        side.push(suffix);
        match std::fs::remove_file(&side) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(format!("removing {}", PathBuf::from(side).display()))(e)),
        }
    }
    std::fs::rename(&staging, &path).map_err(io(format!(
        "moving {} to {}",
        staging.display(),
        path.display()
    )))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    let store = crate::connect(url).await?;
    let count = |table: &str| {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let store = store.clone();
        async move {
            let mut db = store.pools.read().await?;
            Ok::<i64, StoreError>(db.one::<crate::db::Int>(sql, &[]).await?.0)
        }
    };
    let (members, posts) = (count("members").await?, count("posts").await?);
    store.close().await;
    Ok(Restored {
        bytes: std::fs::metadata(&path)
            .map_err(io(format!("reading {}", path.display())))?
            .len(),
        path,
        members,
        posts,
    })
}

/// What the database at `path` holds, as "12 rows in members, …" (empty: nothing).
async fn held(path: &Path) -> Result<String, BackupError> {
    let mut c = open_read_only(path).await.map_err(sqlx_err)?;
    let mut held = Vec::new();
    for table in crate::copy::tables() {
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = $1")
            .bind(table)
            .fetch_one(&mut c)
            .await
            .map_err(sqlx_err)?;
        if exists == 0 {
            continue;
        }
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&mut c)
                .await
                .map_err(sqlx_err)?;
        if n > 0 {
            held.push(format!("{n} rows in {table}"));
        }
    }
    let _ = c.close().await;
    Ok(held.join(", "))
}

/// Makes sure no other process has the database at `path` open: leaving WAL mode needs every
/// other connection gone, and SQLite refuses it at once otherwise. (The file is replaced next,
/// so the mode it is left in does not matter.)
async fn claim(path: &Path) -> Result<(), BackupError> {
    let url = format!("sqlite:{}", path.display());
    let mut c = SqliteConnectOptions::from_str(&url)
        .map_err(sqlx_err)?
        .busy_timeout(Duration::ZERO)
        .connect()
        .await
        .map_err(sqlx_err)?;
    let mode: Result<String, _> = sqlx::query_scalar("PRAGMA journal_mode = DELETE")
        .fetch_one(&mut c)
        .await;
    let _ = c.close().await;
    match mode {
        Ok(m) if m.eq_ignore_ascii_case("delete") => Ok(()),
        _ => Err(BackupError::InUse(path.to_owned())),
    }
}
