//! The settings' layers, their errors and their precedence.

use super::*;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("agora-config-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{e}"));
    d
}

#[test]
fn defaults_put_sqlite_in_the_data_dir() {
    let d = dir("defaults");
    let s = Settings::resolve(Overrides {
        data_dir: Some(d.clone()),
        ..Overrides::default()
    })
    .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(s.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(
        s.database_url,
        format!("sqlite:{}", d.join("agora.db").display())
    );
    assert_eq!(s.public_url, "http://127.0.0.1:8080");
    assert_eq!(s.guest_cache_secs, 3);
}

#[test]
fn a_database_url_of_an_unknown_scheme_is_refused_without_its_password() {
    let d = dir("scheme");
    for url in [
        "mysql://agora:s3cret@db/agora",
        "mysql://db/agora?password=s3cret",
        "agora:s3cret@db/agora",
    ] {
        let err = Settings::resolve(Overrides {
            data_dir: Some(d.clone()),
            database_url: Some(url.into()),
            ..Overrides::default()
        })
        .err()
        .map(|e| format!("{e:#} {e:?}"))
        .unwrap_or_default();
        assert!(err.contains("must start with sqlite:"), "{url}: {err}");
        assert!(!err.contains("s3cret"), "{err}");
    }
}

#[test]
fn flags_beat_the_file_and_bad_settings_are_errors() {
    let d = dir("layers");
    std::fs::write(
        d.join(FILE_NAME),
        "listen = \"127.0.0.1:9000\"\npublic_url = \"https://c.example\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let s = Settings::resolve(Overrides {
        data_dir: Some(d.clone()),
        listen: Some("127.0.0.1:9100".into()),
        ..Overrides::default()
    })
    .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(s.listen.port(), 9100);
    assert_eq!(s.public_url, "https://c.example");

    std::fs::write(d.join(FILE_NAME), "lisen = \"x\"\n").unwrap_or_else(|e| panic!("{e}"));
    let err = Settings::resolve(Overrides {
        data_dir: Some(d.clone()),
        ..Overrides::default()
    })
    .err()
    .map(|e| format!("{e:#}"));
    assert!(err.is_some_and(|e| e.contains("unknown field") && e.contains("lisen")));

    std::fs::write(d.join(FILE_NAME), "guest_cache_secs = 301\n").unwrap_or_else(|e| panic!("{e}"));
    let err = Settings::resolve(Overrides {
        data_dir: Some(d.clone()),
        ..Overrides::default()
    })
    .err()
    .map(|e| format!("{e:#}"));
    assert!(err.is_some_and(|e| e.contains("guest_cache_secs") && e.contains("301")));
    let s = Settings::resolve(Overrides {
        data_dir: Some(d.clone()),
        guest_cache_secs: Some("0".into()),
        ..Overrides::default()
    })
    .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(s.guest_cache_secs, 0, "the variable beats the file");

    std::fs::write(d.join(FILE_NAME), "outbox_retention_days = -1\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let err = Settings::resolve(Overrides {
        data_dir: Some(d.clone()),
        ..Overrides::default()
    })
    .err()
    .map(|e| format!("{e:#}"));
    assert!(err.is_some_and(|e| {
        e.contains("outbox_retention_days in agora.toml must be from 0 to 36500 (got -1)")
    }));
    let err = Settings::resolve(Overrides {
        data_dir: Some(d.clone()),
        outbox_retention_days: Some("a week".into()),
        ..Overrides::default()
    })
    .err()
    .map(|e| format!("{e:#}"));
    assert!(err.is_some_and(|e| e.contains("AGORA_OUTBOX_RETENTION_DAYS") && e.contains("a week")));

    std::fs::write(
        d.join(FILE_NAME),
        "trusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\"]\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let s = Settings::resolve(Overrides {
        data_dir: Some(d.clone()),
        ..Overrides::default()
    })
    .unwrap_or_else(|e| panic!("{e:#}"));
    assert!(s.trusted_proxies.contains([10, 9, 8, 7].into()));
    assert!(!s.public_url_set);
    let err = Settings::resolve(Overrides {
        data_dir: Some(d.clone()),
        trusted_proxies: Some("127.0.0.1, 10.0.0.0/40".into()),
        ..Overrides::default()
    })
    .err()
    .map(|e| format!("{e:#}"));
    assert!(
        err.as_deref()
            .is_some_and(|e| e.contains("AGORA_TRUSTED_PROXIES") && e.contains("10.0.0.0/40")),
        "{err:?}"
    );

    for (bad, says) in [
        ("127.0.0.1:8080", "must differ from listen"),
        ("localhost:9464", "not valid"),
    ] {
        let err = Settings::resolve(Overrides {
            data_dir: Some(d.clone()),
            metrics_listen: Some(bad.into()),
            ..Overrides::default()
        })
        .err()
        .map(|e| format!("{e:#}"));
        assert!(
            err.as_deref().is_some_and(|e| e.contains(says)),
            "{bad}: {err:?}"
        );
    }

    let _ = std::fs::remove_file(d.join(FILE_NAME));
    let err = Settings::resolve(Overrides {
        data_dir: Some(d),
        listen: Some("localhost".into()),
        ..Overrides::default()
    });
    assert!(err.is_err());
}
