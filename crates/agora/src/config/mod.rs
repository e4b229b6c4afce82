//! Settings, in layers: built-in defaults, then `agora.toml` in the data folder, then
//! `AGORA_*` environment variables, then command-line flags (clap reads the last two).
//! Unknown keys and invalid values are errors that say what to fix.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use serde::Deserialize;

/// What may be set in `agora.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub listen: Option<String>,
    pub database_url: Option<String>,
    pub public_url: Option<String>,
    pub log: Option<String>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub posts_per_minute: Option<i64>,
    pub guest_cache_secs: Option<u64>,
    pub outbox_retention_days: Option<i64>,
    pub trusted_proxies: Option<Vec<String>>,
    pub metrics_listen: Option<String>,
}

/// Settings given on the command line or in the environment (`None` when not given).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub data_dir: Option<PathBuf>,
    pub listen: Option<String>,
    pub database_url: Option<String>,
    pub public_url: Option<String>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub posts_per_minute: Option<String>,
    pub guest_cache_secs: Option<String>,
    pub outbox_retention_days: Option<String>,
    pub trusted_proxies: Option<String>,
    pub metrics_listen: Option<String>,
}

/// The settings in force.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub database_url: String,
    pub public_url: String,
    /// Whether `public_url` was given (else it is made of the listen address).
    pub public_url_set: bool,
    /// Reverse proxies whose forwarding headers name the client (none by default).
    pub trusted_proxies: agora_web::client::TrustedProxies,
    /// Where `/metrics` is served (never on `listen`); none: metrics are off.
    pub metrics_listen: Option<SocketAddr>,
    pub log: Option<String>,
    /// SMTP server for outgoing mail; without one, mail goes to `DATA/mail/outbox/`.
    pub smtp_url: Option<String>,
    /// The sender of outgoing mail, e.g. `Voltera Riders <community@voltera.example>`.
    pub mail_from: String,
    /// Posts (topics and replies) one member may write a minute; one network address six times
    /// as many.
    pub posts_per_minute: i64,
    /// How long guests may be served a public page from this node's memory (0: never).
    pub guest_cache_secs: u64,
    /// Days the outbox keeps an event every consumer has handled (0: for ever).
    pub outbox_retention_days: i64,
}

/// Name of the optional settings file inside the data folder.
pub const FILE_NAME: &str = "agora.toml";
/// The longest a guest may be shown a page kept in memory.
pub const MAX_GUEST_CACHE_SECS: u64 = 300;

impl Settings {
    /// Resolves the settings from the layers.
    pub fn resolve(over: Overrides) -> anyhow::Result<Self> {
        let data_dir = over.data_dir.unwrap_or_else(|| PathBuf::from("agora-data"));
        let file = read_file(&data_dir.join(FILE_NAME))?;
        let listen_text = over
            .listen
            .or(file.listen)
            .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let listen: SocketAddr = listen_text.parse().with_context(|| {
            format!(
                "the listen address {listen_text:?} is not valid; use IP:PORT, e.g. 127.0.0.1:8080"
            )
        })?;
        let database_url = over
            .database_url
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite:{}", data_dir.join("agora.db").display()));
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            bail!(
                "the database URL must start with sqlite: or postgres:// (got {:?})",
                agora_store::redact(&database_url)
            );
        }
        let configured_url = over.public_url.or(file.public_url);
        let public_url_set = configured_url.is_some();
        let public_url = configured_url.unwrap_or_else(|| format!("http://{listen}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            bail!("the public URL must start with http:// or https:// (got {public_url:?})");
        }
        let public_url = public_url.trim_end_matches('/').to_owned();
        let mail_from = over
            .mail_from
            .or(file.mail_from)
            .unwrap_or_else(|| format!("agora <noreply@{}>", mail_host(&public_url)));
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            bail!(
                "the mail sender {mail_from:?} is not valid; use e.g. \"Our Community <community@example.com>\""
            );
        }
        let posts_per_minute = whole_number(
            over.posts_per_minute,
            file.posts_per_minute,
            ("AGORA_POSTS_PER_MINUTE", "posts_per_minute"),
            (1, None),
            10,
        )?;
        let guest_cache_secs = whole_number(
            over.guest_cache_secs,
            file.guest_cache_secs,
            ("AGORA_GUEST_CACHE_SECS", "guest_cache_secs"),
            (0, Some(MAX_GUEST_CACHE_SECS)),
            3,
        )?;
        let outbox_retention_days = whole_number(
            over.outbox_retention_days,
            file.outbox_retention_days,
            ("AGORA_OUTBOX_RETENTION_DAYS", "outbox_retention_days"),
            (0, Some(36_500)),
            14,
        )?;
        let trusted_proxies = match (over.trusted_proxies, file.trusted_proxies) {
            (Some(text), _) => agora_web::client::TrustedProxies::parse_list(&text)
                .map_err(|e| anyhow::anyhow!("AGORA_TRUSTED_PROXIES: {e}"))?,
            (None, Some(list)) => {
                agora_web::client::TrustedProxies::parse_each(list.iter().map(String::as_str))
                    .map_err(|e| anyhow::anyhow!("trusted_proxies in {FILE_NAME}: {e}"))?
            }
            (None, None) => Default::default(),
        };
        let metrics_listen = match over.metrics_listen.or(file.metrics_listen) {
            Some(text) if !text.trim().is_empty() => {
                let addr: SocketAddr = text.trim().parse().with_context(|| {
                    format!(
                        "the metrics address {text:?} is not valid; use IP:PORT, e.g. 127.0.0.1:9464"
                    )
                })?;
                if addr == listen && addr.port() != 0 {
                    bail!(
                        "metrics_listen ({addr}) must differ from listen: /metrics is never served on the public address"
                    );
                }
                Some(addr)
            }
            _ => None,
        };
        Ok(Self {
            data_dir,
            public_url_set,
            metrics_listen,
            trusted_proxies,
            guest_cache_secs,
            outbox_retention_days,
            listen,
            posts_per_minute,
            database_url,
            public_url,
            log: file.log,
            smtp_url: over.smtp_url.or(file.smtp_url).filter(|u| !u.is_empty()),
            mail_from,
        })
    }

    /// The folder copies of remote images are kept in.
    pub fn media_dir(&self) -> PathBuf {
        self.data_dir.join("media")
    }

    /// The folder mail lands in when no SMTP server is configured.
    pub fn outbox(&self) -> PathBuf {
        self.data_dir.join("mail").join("outbox")
    }
}

/// A whole number from `min` to `max` (no bound if `None`): from the environment's `text` if
/// given, else the file's, else `default`; `names` are the variable's and the file key's, for
/// the error.
fn whole_number<T>(
    text: Option<String>,
    file: Option<T>,
    names: (&str, &str),
    (min, max): (T, Option<T>),
    default: T,
) -> anyhow::Result<T>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    let (env, key) = names;
    let fits = |n: &T| *n >= min && max.is_none_or(|m| *n <= m);
    let allowed = match max {
        Some(max) => format!("from {min} to {max}"),
        None => format!("at least {min}"),
    };
    match (text, file) {
        (Some(text), _) => text
            .trim()
            .parse::<T>()
            .ok()
            .filter(fits)
            .with_context(|| format!("{env} must be a whole number {allowed} (got {text:?})")),
        (None, Some(n)) if fits(&n) => Ok(n),
        (None, Some(n)) => bail!("{key} in {FILE_NAME} must be {allowed} (got {n})"),
        (None, None) => Ok(default),
    }
}

/// A host name usable in a sender address: the public URL's, or `localhost` for an IP.
fn mail_host(public_url: &str) -> String {
    let host = public_url
        .split("://")
        .nth(1)
        .unwrap_or("")
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    if host.contains('.') && host.parse::<std::net::IpAddr>().is_err() {
        host.to_owned()
    } else {
        "localhost".to_owned()
    }
}

fn read_file(path: &Path) -> anyhow::Result<FileSettings> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text).with_context(|| {
            format!(
                "{} is not valid (allowed keys: listen, database_url, public_url, log, smtp_url, mail_from, posts_per_minute, guest_cache_secs, outbox_retention_days, trusted_proxies, metrics_listen)",
                path.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FileSettings::default()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

#[cfg(test)]
mod tests;
