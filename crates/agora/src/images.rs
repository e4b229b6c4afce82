//! Copies of remote images on our own origin: fetched once when a post is saved, kept in the
//! data folder (`DATA/media/`), served as `/media/NAME` (agora-web), so that no reader's
//! browser ever asks another host for an image.
//!
//! Fetching arbitrary addresses on a member's behalf must not become a way into the server's
//! own network: only public addresses are fetched — checked after DNS resolution (a name that
//! resolves to a private address is refused) and again on every redirect (at most three) — over
//! http or https, with timeouts, at most 5 MiB, and only PNG, JPEG, GIF, WebP or AVIF whose
//! first bytes agree with what the server says it is. SVG is never copied (it can carry script).

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use async_trait::async_trait;
use futures_util::StreamExt as _;
use sha2::{Digest as _, Sha256};

use agora_core::content::media::ImageFetcher;

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

    /// Where the copy of `url` is recorded: a file named for the address's hash, holding the
    /// copy's name.
    fn record_of(&self, url: &str) -> PathBuf {
        self.dir
            .join("urls")
            .join(hex(&Sha256::digest(url.as_bytes())))
    }

    async fn fetch(&self, url: &str) -> Result<String, String> {
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
        let name = format!("{}.{ext}", &hex(&Sha256::digest(&bytes))[..32]);
        self.store(&name, &bytes)
            .await
            .map_err(|e| format!("could not keep it: {e}"))?;
        tokio::fs::write(self.record_of(url), &name)
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
    async fn localize(&self, url: &str) -> Result<String, String> {
        if let Ok(name) = tokio::fs::read_to_string(self.record_of(url)).await
            && tokio::fs::try_exists(self.dir.join(&name))
                .await
                .unwrap_or(false)
        {
            return Ok(format!("/media/{name}"));
        }
        self.fetch(url).await
    }
}

/// Resolves names like the system does, keeping only the addresses the policy allows: a name
/// that resolves to none of them cannot be fetched.
struct PublicResolver {
    allowed: AddressPolicy,
}

impl reqwest::dns::Resolve for PublicResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allowed = self.allowed;
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0))
                .await?
                .filter(|a| allowed(a.ip()))
                .collect();
            if found.is_empty() {
                return Err(format!("{} resolves to no public address", name.as_str()).into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

/// Whether `url`'s host is an address (not a name) that the policy refuses: such hosts are
/// never resolved, so the resolver cannot check them.
fn literal_refused(url: &url::Url, allowed: AddressPolicy) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => !allowed(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => !allowed(IpAddr::V6(ip)),
        Some(url::Host::Domain(_)) => false,
        None => true,
    }
}

/// Whether an address is on the public internet: not loopback, private, link-local, shared
/// (carrier-grade NAT), unique-local, site-local, multicast, documentation, benchmarking or
/// reserved, nor an IPv6 address that carries an IPv4 one (NAT64, 6to4, Teredo,
/// IPv4-compatible), which may lead anywhere.
pub fn is_public(ip: IpAddr) -> bool {
    match ip.to_canonical() {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            let [first, second, ..] = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first & 0xffc0) == 0xfec0
                || first == 0x2001 && (second == 0x0db8 || second == 0)
                || first == 0x2002
                || first == 0x0064 && second == 0xff9b
                || v6.segments()[..6] == [0; 6])
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for (addr, public) in [
            ("93.184.215.14", true),
            ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", true),
            ("127.0.0.1", false),
            ("127.8.9.10", false),
            ("10.1.2.3", false),
            ("172.16.5.4", false),
            ("172.31.255.255", false),
            ("172.32.0.1", true),
            ("192.168.1.1", false),
            ("169.254.169.254", false),
            ("100.64.0.1", false),
            ("0.0.0.0", false),
            ("255.255.255.255", false),
            ("224.0.0.1", false),
            ("192.0.2.1", false),
            ("198.18.0.1", false),
            ("::1", false),
            ("::", false),
            ("::ffff:127.0.0.1", false),
            ("::ffff:10.0.0.1", false),
            ("fc00::1", false),
            ("fd12:3456::1", false),
            ("fe80::1", false),
            ("ff02::1", false),
            ("2001:db8::1", false),
            ("64:ff9b::a00:1", false),
            ("64:ff9b:1::a00:1", false),
            ("fec0::1", false),
            ("2002:a00:1::1", false),
            ("2001:0:4136:e378::1", false),
            ("::10.0.0.1", false),
        ] {
            let ip: IpAddr = addr.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
            assert_eq!(is_public(ip), public, "{addr}");
        }
    }

    #[test]
    fn an_image_is_what_its_bytes_say() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some("png"));
        assert_eq!(sniff(&[0xff, 0xd8, 0xff, 0xe0]), Some("jpg"));
        assert_eq!(sniff(b"GIF89a...."), Some("gif"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("webp"));
        assert_eq!(sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\">"), None);
        assert_eq!(sniff(b"<html>"), None);
        assert_eq!(extension("image/svg+xml"), None);
        assert_eq!(extension("text/html"), None);
    }
}
