//! The `agora` binary as an operator meets it: help, settings errors, migrate, admin create,
//! demo.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

fn agora(data_dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_agora"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("AGORA_DATABASE_URL")
        .env_remove("AGORA_LISTEN")
        .env("AGORA_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting agora: {e}"));
    // Taking the pipe closes it after writing, so agora sees the end of its input.
    if let (Some(mut pipe), Some(text)) = (child.stdin.take(), stdin) {
        pipe.write_all(text.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("running agora: {e}"))
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["admin", "create", "--help"],
        vec!["demo", "--help"],
        vec!["backup", "--help"],
        vec!["restore", "--help"],
        vec!["copy", "--help"],
    ] {
        let o = agora(dir.path(), &args, None);
        assert!(o.status.success(), "{args:?}: {}", text(&o));
        assert!(text(&o).contains("Usage:"), "{args:?}: {}", text(&o));
    }
}

#[test]
fn migrate_creates_the_database_in_the_data_folder() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let o = agora(dir.path(), &["migrate"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("up to date"), "{}", text(&o));
    assert!(dir.path().join("agora.db").exists());
}

#[test]
fn admin_create_reads_the_password_from_stdin() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let args = [
        "admin",
        "create",
        "--username",
        "mara",
        "--email",
        "mara@example.com",
        "--password-stdin",
    ];
    let o = agora(dir.path(), &args, Some("a long enough password\n"));
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("mara is a site admin"), "{}", text(&o));

    let o = agora(dir.path(), &args, Some(""));
    assert!(!o.status.success());
    assert!(
        text(&o).contains("no password on standard input"),
        "{}",
        text(&o)
    );

    let o = agora(
        dir.path(),
        &[
            "admin",
            "create",
            "--username",
            "x!",
            "--email",
            "x@example.com",
            "--password-stdin",
        ],
        Some("a long enough password"),
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("username"), "{}", text(&o));
}

#[test]
fn bad_settings_stop_agora_with_a_message_that_says_what_to_fix() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("agora.toml"),
        "listen = \"127.0.0.1:9999\"\nlisten_port = 1\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let o = agora(dir.path(), &["migrate"], None);
    assert!(!o.status.success());
    let t = text(&o);
    assert!(t.contains("agora.toml") && t.contains("listen_port"), "{t}");
    assert!(!t.contains("panicked"), "{t}");

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let o = agora(dir.path(), &["serve", "--listen", "not-an-address"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("listen address"), "{}", text(&o));

    let o = agora(
        dir.path(),
        &["--database-url", "mysql://x", "migrate"],
        None,
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("sqlite: or postgres://"), "{}", text(&o));
}

#[test]
fn the_demo_loads_once() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let o = agora(dir.path(), &["demo"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("34 members, 10 groups, 49 topics, 193 replies"),
        "{}",
        text(&o)
    );
    let o = agora(dir.path(), &["demo"], None);
    assert!(o.status.success());
    assert!(text(&o).contains("already has members"), "{}", text(&o));
}

/// A GET over plain HTTP/1.0; the status and the body.
fn http_get(addr: &str, path: &str) -> (u16, String) {
    use std::io::Read as _;
    let mut stream =
        std::net::TcpStream::connect(addr).unwrap_or_else(|e| panic!("connecting to {addr}: {e}"));
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap_or_else(|e| panic!("{e}"));
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .unwrap_or_else(|e| panic!("{e}"));
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}

/// `agora serve` with `AGORA_METRICS_LISTEN` serves `/metrics` there, and only there.
#[test]
fn metrics_are_served_on_their_own_listener_only() {
    use std::io::BufRead as _;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_agora"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .env_remove("AGORA_DATABASE_URL")
        .env("AGORA_METRICS_LISTEN", "127.0.0.1:0")
        .env("AGORA_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("starting agora: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let (mut site, mut metrics) = (None, None);
    for line in std::io::BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
    {
        if let Some(rest) = line
            .split(" at http://")
            .nth(1)
            .filter(|_| line.starts_with("agora is serving"))
        {
            site = rest.split_whitespace().next().map(str::to_owned);
        }
        if let Some(rest) = line.strip_prefix("metrics at http://") {
            metrics = rest.strip_suffix("/metrics").map(str::to_owned);
        }
        if site.is_some() && metrics.is_some() {
            break;
        }
    }
    let (Some(site), Some(metrics)) = (site, metrics) else {
        let _ = child.kill();
        panic!("agora did not print both addresses");
    };
    let (status, _) = http_get(&site, "/api/v1/groups");
    assert_eq!(status, 200);
    let (status, _) = http_get(&site, "/api/v1/topics/999999");
    assert_eq!(status, 404);
    let (status, _) = http_get(&site, "/metrics");
    assert_eq!(status, 404, "never on the public listener");
    let (status, body) = http_get(&metrics, "/metrics");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status, 200, "{body}");
    for expected in [
        "# HELP agora_http_requests_total",
        "agora_http_requests_total{method=\"GET\",route=\"/api/v1/groups\",status=\"200\"} 1",
        "agora_http_requests_total{method=\"GET\",route=\"/api/v1/topics/{id}\",status=\"404\"} 1",
        "agora_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/groups\",le=\"0.005\"}",
        "agora_db_connections{pool=\"read\",state=\"open\"}",
        "agora_sqlite_commit_seconds_count",
        "agora_sqlite_batch_transactions_bucket",
    ] {
        assert!(body.contains(expected), "{expected} missing from:\n{body}");
    }
}

fn sha(path: &std::path::Path) -> String {
    use std::hash::{Hash as _, Hasher as _};
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    format!("{:x}-{}", h.finish(), bytes.len())
}

/// A backup taken while agora serves; a restore refused while it runs and over data without
/// --force, then put in place.
#[test]
fn backup_while_serving_and_restore_when_stopped() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let live = dir.path().join("live");
    let o = agora(&live, &["demo"], None);
    assert!(o.status.success(), "{}", text(&o));
    let mut server = Command::new(env!("CARGO_BIN_EXE_agora"))
        .arg("--data-dir")
        .arg(&live)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("AGORA_DATABASE_URL")
        .env("AGORA_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    {
        use std::io::BufRead as _;
        let stdout = server.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let serving = std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .any(|l| l.starts_with("agora is serving"));
        assert!(serving);
    }
    let backup = dir.path().join("riders.backup");
    let o = agora(
        &live,
        &["backup", "--to", &backup.display().to_string()],
        None,
    );
    assert!(
        o.status.success() && text(&o).contains("checked"),
        "{}",
        text(&o)
    );
    let o = agora(
        &live,
        &["backup", "--to", &backup.display().to_string()],
        None,
    );
    assert!(
        !o.status.success() && text(&o).contains("exists already"),
        "{}",
        text(&o)
    );
    let restore = [
        "restore",
        "--from",
        &backup.display().to_string(),
        "--force",
    ];
    let o = agora(&live, &restore, None);
    assert!(
        !o.status.success() && text(&o).contains("in use"),
        "a restore under a running agora: {}",
        text(&o)
    );
    let _ = server.kill();
    let _ = server.wait();
    let o = agora(&live, &restore[..3], None);
    assert!(
        !o.status.success() && text(&o).contains("--force"),
        "{}",
        text(&o)
    );
    let o = agora(&live, &restore, None);
    assert!(o.status.success(), "{}", text(&o));
    let fresh = dir.path().join("fresh");
    let o = agora(&fresh, &restore[..3], None);
    assert!(
        o.status.success() && text(&o).contains("34 members"),
        "{}",
        text(&o)
    );
    let o = agora(&fresh, &["restore", "--from", "/etc/hostname"], None);
    assert!(
        !o.status.success() && text(&o).contains("not an agora SQLite backup"),
        "{}",
        text(&o)
    );
}

/// `agora copy` killed half-way leaves the source as it was and a target that agora refuses
/// to open, and that the copy refuses to copy into, until it is deleted.
#[test]
fn a_copy_killed_half_way_leaves_the_source_untouched_and_the_target_refused() {
    use std::io::BufRead as _;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let source = dir.path().join("source");
    let o = agora(&source, &["bench", "seed", "--posts", "20000"], None);
    assert!(o.status.success(), "{}", text(&o));
    let source_db = source.join("agora.db");
    let before = sha(&source_db);
    let from = format!("sqlite:{}", source_db.display());
    let to = format!("sqlite:{}", dir.path().join("target.db").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_agora"))
        .arg("--data-dir")
        .arg(dir.path().join("unused"))
        .args(["copy", "--from", &from, "--to", &to])
        .env("AGORA_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut seen = Vec::new();
    for line in std::io::BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
    {
        let posts = line.starts_with("copying posts");
        seen.push(line);
        if posts {
            // SIGKILL: nothing of agora's runs after it.
            let _ = child.kill();
            break;
        }
    }
    let _ = child.wait();
    assert!(
        !seen.iter().any(|l| l.starts_with("Copied")),
        "the copy finished before it could be killed: {seen:?}"
    );
    assert_eq!(sha(&source_db), before, "the source changed");
    let again = agora(dir.path(), &["copy", "--from", &from, "--to", &to], None);
    assert!(
        !again.status.success() && text(&again).contains("interrupted"),
        "{}",
        text(&again)
    );
    let o = agora(dir.path(), &["--database-url", &to, "migrate"], None);
    assert!(
        !o.status.success() && text(&o).contains("interrupted"),
        "agora opens a half-copied database: {}",
        text(&o)
    );
    // Deleted, it copies whole.
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.path().join(format!("target.db{suffix}")));
    }
    let o = agora(dir.path(), &["copy", "--from", &from, "--to", &to], None);
    assert!(
        o.status.success() && text(&o).contains("agree"),
        "{}",
        text(&o)
    );
    assert_eq!(sha(&source_db), before, "the source changed");
}

/// A POST of a JSON body over plain HTTP/1.0; the status.
fn http_post(addr: &str, path: &str, json: &str) -> u16 {
    use std::io::Read as _;
    let mut stream =
        std::net::TcpStream::connect(addr).unwrap_or_else(|e| panic!("connecting to {addr}: {e}"));
    write!(
        stream,
        "POST {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{json}",
        json.len()
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .unwrap_or_else(|e| panic!("{e}"));
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// The permission bits of `path`.
#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `agora serve` on `data` at a free port; the child and its address once it serves.
fn serve(data: &std::path::Path) -> (std::process::Child, String) {
    use std::io::BufRead as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_agora"))
        .arg("--data-dir")
        .arg(data)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("AGORA_DATABASE_URL")
        .env_remove("AGORA_SMTP_URL")
        .env("AGORA_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("starting agora: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let site = std::io::BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find(|l| l.starts_with("agora is serving"))
        .and_then(|l| {
            l.split(" at http://")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .map(str::to_owned)
        });
    let Some(site) = site else {
        let _ = child.kill();
        panic!("agora did not say where it serves");
    };
    (child, site)
}

/// The data folder, the database with its -wal and -shm, the outbox with a mail holding a live
/// password-reset link, and a backup are for agora's own user only (0700 and 0600), whatever
/// the umask (the test runs under the usual 022).
#[cfg(unix)]
#[test]
fn the_files_agora_makes_are_readable_by_its_own_user_only() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("community").join("data");
    let args = [
        "admin",
        "create",
        "--username",
        "mara",
        "--email",
        "mara@example.com",
        "--password-stdin",
    ];
    let o = agora(&data, &args, Some("a long enough password\n"));
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(mode(&data), 0o700, "the data folder");
    assert_eq!(mode(dir.path().join("community").as_path()), 0o700);
    assert_eq!(mode(&data.join("agora.db")), 0o600, "the database");

    let (mut server, site) = serve(&data);
    let status = http_post(&site, "/api/v1/auth/password-reset", r#"{"login": "mara"}"#);
    let outbox = data.join("mail").join("outbox");
    let mails: Vec<std::path::PathBuf> = std::fs::read_dir(&outbox)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    let modes: Vec<(String, u32)> = ["agora.db", "agora.db-wal", "agora.db-shm"]
        .iter()
        .map(|name| (name.to_string(), mode(&data.join(name))))
        .collect();
    let backup = dir.path().join("riders.backup");
    let o = agora(
        &data,
        &["backup", "--to", &backup.display().to_string()],
        None,
    );
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(status, 202);
    assert_eq!(
        modes,
        [
            ("agora.db".to_owned(), 0o600),
            ("agora.db-wal".to_owned(), 0o600),
            ("agora.db-shm".to_owned(), 0o600)
        ]
    );
    assert_eq!(mode(&data.join("mail")), 0o700, "the mail folder");
    assert_eq!(mode(&outbox), 0o700, "the outbox");
    assert_eq!(mails.len(), 1, "{mails:?}");
    let mail = std::fs::read_to_string(&mails[0]).unwrap_or_default();
    assert!(mail.contains("/reset/"), "{mail}");
    assert_eq!(mode(&mails[0]), 0o600, "a mail with a live reset link");
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(mode(&backup), 0o600, "the backup");
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .map(|e| {
            e.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        left.len(),
        2,
        "the backup leaves nothing else beside it: {left:?}"
    );

    // A restore puts a private database in place, whatever the mode of the backup.
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&backup, std::fs::Permissions::from_mode(0o644))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let fresh = dir.path().join("fresh");
    let o = agora(
        &fresh,
        &["restore", "--from", &backup.display().to_string()],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(mode(&fresh), 0o700);
    assert_eq!(
        mode(&fresh.join("agora.db")),
        0o600,
        "the restored database"
    );
}

/// A data folder and database made before (or by hand under a permissive umask) are closed to
/// others when agora opens them.
#[cfg(unix)]
#[test]
fn an_older_data_folder_is_closed_to_others_when_agora_opens_it() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("data");
    let o = agora(&data, &["migrate"], None);
    assert!(o.status.success(), "{}", text(&o));
    for (path, open) in [(data.clone(), 0o755), (data.join("agora.db"), 0o644)] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(open))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let o = agora(&data, &["migrate"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("agora.db")), 0o600);
}

/// `agora backup --to PATH` never writes through a symbolic link at PATH, dangling or not.
#[cfg(unix)]
#[test]
fn a_backup_refuses_a_symbolic_link_at_its_target_and_leaves_the_links_target_alone() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("data");
    let o = agora(&data, &["migrate"], None);
    assert!(o.status.success(), "{}", text(&o));
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "untouched").unwrap_or_else(|e| panic!("{e}"));
    let nowhere = dir.path().join("nowhere");
    let empty = dir.path().join("empty");
    std::fs::write(&empty, "").unwrap_or_else(|e| panic!("{e}"));
    for (link, target) in [
        ("to-a-file.backup", &victim),
        ("dangling.backup", &nowhere),
        ("to-an-empty-file.backup", &empty),
    ] {
        let link = dir.path().join(link);
        std::os::unix::fs::symlink(target, &link).unwrap_or_else(|e| panic!("{e}"));
        let o = agora(
            &data,
            &["backup", "--to", &link.display().to_string()],
            None,
        );
        assert!(
            !o.status.success() && text(&o).contains("exists already"),
            "{}: {}",
            link.display(),
            text(&o)
        );
    }
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap_or_default(),
        "untouched"
    );
    assert!(!nowhere.exists(), "the dangling link's target was created");
    assert_eq!(std::fs::metadata(&empty).map(|m| m.len()).ok(), Some(0));
    let partial = std::fs::read_dir(dir.path())
        .map(|e| {
            e.filter_map(Result::ok)
                .any(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        })
        .unwrap_or(true);
    assert!(!partial, "a staging folder was left behind");
}
