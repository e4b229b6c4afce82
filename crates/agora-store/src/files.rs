//! Files and folders only agora's own user may read: the data folder, the SQLite database with
//! its `-wal` and `-shm` files, backups and the mail outbox (whose mails hold live
//! password-reset links). On Unix folders are made `0700` and files `0600` as they are created,
//! whatever the process's umask; what an older version left open to others is closed when agora
//! opens it. Elsewhere the platform's defaults apply.

use std::fs::File;
use std::io;
use std::path::Path;

/// The mode of a private folder.
#[cfg(unix)]
pub const DIR_MODE: u32 = 0o700;
/// The mode of a private file.
#[cfg(unix)]
pub const FILE_MODE: u32 = 0o600;

/// Creates the folder `path` and any missing parents as private folders; an existing one is
/// closed to others (with a warning saying so). For folders that are agora's own (the data
/// folder, the outbox), not for any folder a database happens to be in.
pub fn private_dir(path: &Path) -> io::Result<()> {
    create_dirs(path)?;
    close_to_others(path)
}

/// Creates the folder `path` and any missing parents, each created one private; an existing
/// folder is left as it is.
pub fn create_dirs(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(path)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(path)
    }
}

/// Creates the folder `path`, which must not exist (nor be a symbolic link), private.
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(DIR_MODE);
    }
    builder.create(path)
}

/// Creates the file `path`, which must not exist (`O_EXCL`: a symbolic link there is refused,
/// never followed), readable and writable by its owner only.
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(FILE_MODE);
    }
    options.open(path)
}

/// Takes group and other access away from the file or folder at `path`, if it exists and has
/// any, with a warning: what agora made before it made everything private, or what was made by
/// hand under a permissive umask.
pub fn close_to_others(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = match std::fs::metadata(path) {
            Ok(meta) => meta.permissions().mode(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        if mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700))?;
            tracing::warn!(
                path = %path.display(),
                was = format!("{:o}", mode & 0o777),
                now = format!("{:o}", mode & 0o700),
                "closed to other users"
            );
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    /// A fresh folder of the system's temporary folder, removed when dropped.
    struct Scratch(std::path::PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            let path =
                std::env::temp_dir().join(format!("agora-{name}-{}-{nanos}", std::process::id()));
            std::fs::create_dir(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            Self(path)
        }

        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn folders_and_files_are_made_private_and_open_ones_are_closed() {
        let dir = Scratch::new("private");
        let nested = dir.path().join("data/mail/outbox");
        private_dir(&nested).unwrap_or_else(|e| panic!("{e}"));
        for folder in ["data", "data/mail", "data/mail/outbox"] {
            assert_eq!(mode(&dir.path().join(folder)), 0o700, "{folder}");
        }
        let file = nested.join("a.eml");
        create_private(&file).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mode(&file), 0o600);
        assert_eq!(
            create_private(&file).map_err(|e| e.kind()).err(),
            Some(io::ErrorKind::AlreadyExists)
        );

        let open = dir.path().join("open");
        std::fs::create_dir(&open).unwrap_or_else(|e| panic!("{e}"));
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755))
            .unwrap_or_else(|e| panic!("{e}"));
        private_dir(&open).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mode(&open), 0o700);
        close_to_others(&dir.path().join("missing")).unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn a_symbolic_link_is_never_written_through() {
        let dir = Scratch::new("links");
        let target = dir.path().join("target");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap_or_else(|e| panic!("{e}"));
        assert!(create_private(&link).is_err());
        assert!(!target.exists(), "the link's target was created");
    }
}
