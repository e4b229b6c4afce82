//! Copies of remote images on our own origin: fetched once when a post is saved, kept in the
//! data folder (`DATA/media/`), served as `/media/NAME` (agora-web), so that no reader's
//! browser ever asks another host for an image. The same folder keeps uploaded images.
//!
//! Fetching arbitrary addresses on a member's behalf must not become a way into the server's
//! own network: only public addresses are fetched — checked after DNS resolution (a name that
//! resolves to a private address is refused) and again on every redirect (at most three) — over
//! http or https, with timeouts, at most 5 MiB, and only PNG, JPEG, GIF, WebP or AVIF whose
//! first bytes agree with what the server says it is. SVG is never copied (it can carry script).

mod addresses;
#[cfg(test)]
mod tests;

pub use addresses::is_public;

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use async_trait::async_trait;
use futures_util::StreamExt as _;
use sha2::{Digest as _, Sha256};

use agora_core::content::media::ImageFetcher;
use agora_core::content::uploads::MediaFiles;

use addresses::{PublicResolver, literal_refused};

/// The largest image copied.
const MAX_BYTES: usize = 5 * 1024 * 1024;
/// Redirects followed, at most.
const MAX_REDIRECTS: usize = 3;

/// Which addresses may be fetched: [`is_public`] in production.
pub type AddressPolicy = fn(IpAddr) -> bool;

/// The fetcher; cheap to clone.
#[derive(Clone)]
pub struct RemoteImages {
    client: reqwest::Client,
    dir: PathBuf,
    allowed: AddressPolicy,
}

impl RemoteImages {
    /// A fetcher that keeps its copies in `dir` and fetches only from public addresses.
    pub fn new(dir: &Path) -> anyhow::Result<Self> {
        Self::with_policy(dir, is_public)
    }

    /// A fetcher that fetches only from addresses `allowed` accepts (tests use loopback
    /// addresses of their own as stand-ins for public hosts).
    pub fn with_policy(dir: &Path, allowed: AddressPolicy) -> anyhow::Result<Self> {
        agora_store::files::private_dir(dir)
            .and_then(|()| agora_store::files::create_dirs(&dir.join("urls")))
            .with_context(|| format!("creating the media folder {}", dir.display()))?;
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error("too many redirects")
            } else if literal_refused(attempt.url(), allowed) {
                attempt.error("a redirect to a private address")
            } else {
                attempt.follow()
            }
        });
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(PublicResolver { allowed }))
            .redirect(redirects)
            .no_proxy()
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(10))
            .user_agent(concat!(
                "agora/",
                env!("CARGO_PKG_VERSION"),
                " (image copy)"
            ))
            .build()
            .context("building the image fetcher")?;
        Ok(Self {
            client,
            dir: dir.to_owned(),
            allowed,
        })
    }

    /// Where the copy of `url` for an audience (`salt`, none for everyone) is recorded: a
    /// file named for the hash of both, holding the copy's name.
    fn record_of(&self, url: &str, salt: Option<&str>) -> PathBuf {
        self.dir
            .join("urls")
            .join(hex(&salted(salt).chain_update(url.as_bytes()).finalize()))
    }

    async fn fetch(&self, url: &str, salt: Option<&str>) -> Result<String, String> {
        let parsed = url::Url::parse(url).map_err(|_| "not a valid address".to_owned())?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err("only http and https images are copied".into());
        }
        if literal_refused(&parsed, self.allowed) {
            return Err("a private address".into());
        }
        let res = self
            .client
            .get(parsed)
            .send()
            .await
            .map_err(|e| format!("unreachable: {e}"))?;
        if !res.status().is_success() {
            return Err(format!("the host answered {}", res.status()));
        }
        let declared = res
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|t| t.split(';').next())
            .map(|t| t.trim().to_ascii_lowercase())
            .unwrap_or_default();
        let Some(ext) = extension(&declared) else {
            return Err(format!("not an image we copy ({declared:?})"));
        };
        if res.content_length().is_some_and(|n| n > MAX_BYTES as u64) {
            return Err("larger than 5 MiB".into());
        }
        let mut bytes = Vec::new();
        let mut stream = res.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| format!("cut off: {e}"))?;
            if bytes.len() + chunk.len() > MAX_BYTES {
                return Err("larger than 5 MiB".into());
            }
            bytes.extend_from_slice(&chunk);
        }
        if sniff(&bytes) != Some(ext) {
            return Err(format!("its bytes are not the {declared} it claims to be"));
        }
        let digest = salted(salt).chain_update(&bytes).finalize();
        let name = format!("{}.{ext}", &hex(&digest)[..32]);
        self.store(&name, &bytes)
            .await
            .map_err(|e| format!("could not keep it: {e}"))?;
        tokio::fs::write(self.record_of(url, salt), &name)
            .await
            .map_err(|e| format!("could not keep it: {e}"))?;
        Ok(format!("/media/{name}"))
    }

    /// Writes a copy under its name (beside, then renamed, so a reader never sees half).
    async fn store(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.dir.join(name);
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(());
        }
        // A name of its own: two posts may copy the same bytes at once.
        let partial = self
            .dir
            .join(format!("{name}.{}.partial", uuid::Uuid::new_v4().simple()));
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, &path).await
    }
}

#[async_trait]
impl ImageFetcher for RemoteImages {
    async fn localize(&self, url: &str, salt: Option<&str>) -> Result<String, String> {
        if let Ok(name) = tokio::fs::read_to_string(self.record_of(url, salt)).await
            && tokio::fs::try_exists(self.dir.join(&name))
                .await
                .unwrap_or(false)
        {
            return Ok(format!("/media/{name}"));
        }
        self.fetch(url, salt).await
    }
}

/// The same folder keeps uploaded images (avatars, images for posts).
#[async_trait]
impl MediaFiles for RemoteImages {
    async fn keep(&self, name: &str, bytes: &[u8]) -> Result<(), String> {
        self.store(name, bytes).await.map_err(|e| e.to_string())
    }

    async fn discard(&self, name: &str) {
        // Only names the media folder makes: no separators, no way out of it.
        if name.contains(['/', '\\']) || name.starts_with('.') {
            return;
        }
        if let Err(e) = tokio::fs::remove_file(self.dir.join(name)).await
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(name, error = %e, "a media file could not be removed");
        }
    }
}

/// A hash that starts with an audience's salt: a copy for a closed or secret group is named
/// apart from the same image's public copy. Public copies keep the names they always had.
fn salted(salt: Option<&str>) -> Sha256 {
    let mut hash = Sha256::new();
    if let Some(salt) = salt {
        hash.update(salt.as_bytes());
        hash.update([0]);
    }
    hash
}

/// The file extension for an image type we copy.
fn extension(content_type: &str) -> Option<&'static str> {
    Some(match content_type {
        "image/png" => "png",
        "image/jpeg" | "image/jpg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/avif" => "avif",
        _ => return None,
    })
}

/// The type the first bytes show.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("jpg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else if bytes.len() > 12 && &bytes[4..8] == b"ftyp" && bytes[8..12].starts_with(b"avi") {
        Some("avif")
    } else {
        None
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
