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
        text(&o).contains("32 members, 10 groups, 48 topics, 190 replies"),
        "{}",
        text(&o)
    );
    let o = agora(dir.path(), &["demo"], None);
    assert!(o.status.success());
    assert!(text(&o).contains("already has members"), "{}", text(&o));
}
