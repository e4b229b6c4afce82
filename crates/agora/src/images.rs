//! Copies of remote images on our own origin: fetched once when a post is saved, kept in the
//! data folder (`DATA/media/`), served as `/media/NAME` (agora-web), so that no reader's
//! browser ever asks another host for an image. The same folder keeps uploaded images.
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
use agora_core::content::uploads::MediaFiles;

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

/// Whether an address is on the public internet, so that a copy may be fetched from it.
///
/// IPv4: not loopback, private, link-local, shared (carrier-grade NAT), "this network",
/// multicast, broadcast, documentation, benchmarking, the IETF's protocol assignments, the
/// deprecated 6to4 relays or reserved.
///
/// IPv6: only global unicast (`2000::/3`) outside its special blocks (the IETF's protocol
/// assignments `2001::/23` with Teredo, documentation `2001:db8::/32` and `3fff::/20`, 6to4
/// `2002::/16`, which may lead to any IPv4 address); so never unspecified, loopback,
/// IPv4-compatible (`::a.b.c.d`), IPv4-translated (`::ffff:0:a.b.c.d`), the rest of NAT64's
/// `64:ff9b::/32` (its local-use `64:ff9b:1::/48`), discard-only (`100::/64`), unique local
/// (`fc00::/7`), link local (`fe80::/10`), site local (`fec0::/10`), SRv6 (`5f00::/16`) or
/// multicast (`ff00::/8`). An address that carries an IPv4 one whose gateway is known, IPv4-mapped
/// (`::ffff:a.b.c.d`) or NAT64's well-known prefix (`64:ff9b::a.b.c.d`), is public exactly when
/// the IPv4 address it carries is.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let [a, b] = s[6].to_be_bytes();
                let [c, d] = s[7].to_be_bytes();
                return is_public_v4(std::net::Ipv4Addr::new(a, b, c, d));
            }
            let global_unicast = s[0] & 0xe000 == 0x2000;
            let special = (s[0] == 0x2001 && (s[1] < 0x0200 || s[1] == 0x0db8))
                || s[0] == 0x2002
                || s[0] & 0xfff0 == 0x3ff0;
            global_unicast && !special
        }
    }
}

/// [`is_public`] for an IPv4 address.
fn is_public_v4(v4: std::net::Ipv4Addr) -> bool {
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
        || (a == 192 && b == 88 && c == 99)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
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

    fn public(addr: &str) -> bool {
        let ip: IpAddr = addr
            .parse()
            .unwrap_or_else(|e| panic!("{addr} is not an address: {e}"));
        is_public(ip)
    }

    #[test]
    fn only_public_ipv4_addresses_are_public() {
        for (addr, expected) in [
            ("93.184.215.14", true),
            ("172.32.0.1", true),
            ("127.0.0.1", false),
            ("127.8.9.10", false),
            ("10.1.2.3", false),
            ("172.16.5.4", false),
            ("172.31.255.255", false),
            ("192.168.1.1", false),
            ("169.254.169.254", false),
            ("100.64.0.1", false),
            ("0.0.0.0", false),
            ("0.1.2.3", false),
            ("255.255.255.255", false),
            ("224.0.0.1", false),
            ("192.0.0.8", false),
            ("192.0.2.1", false),
            ("198.51.100.1", false),
            ("203.0.113.1", false),
            ("192.88.99.1", false),
            ("198.18.0.1", false),
            ("240.0.0.1", false),
        ] {
            assert_eq!(public(addr), expected, "{addr}");
        }
    }

    #[test]
    fn only_global_unicast_ipv6_outside_its_special_blocks_is_public() {
        for (addr, expected) in [
            ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", true),
            ("2a00:1450:4001:82b::200e", true),
            // Unspecified and loopback.
            ("::", false),
            ("::1", false),
            // Unique local fc00::/7.
            ("fc00::1", false),
            ("fd12:3456::1", false),
            // Link local fe80::/10 and the deprecated site local fec0::/10.
            ("fe80::1", false),
            ("febf::1", false),
            ("fec0::1", false),
            // Multicast ff00::/8.
            ("ff02::1", false),
            ("ff0e::1", false),
            // Documentation 2001:db8::/32 and 3fff::/20.
            ("2001:db8::1", false),
            ("2001:db8:ffff::1", false),
            ("3fff::1", false),
            ("3fff:fff::1", false),
            // The IETF's protocol assignments 2001::/23: Teredo, benchmarking, ORCHID.
            ("2001:0:4136:e378::1", false),
            ("2001:2::1", false),
            ("2001:1ff::1", false),
            ("2001:200::1", true),
            // Discard-only 100::/64, SRv6 5f00::/16, anything outside 2000::/3.
            ("100::1", false),
            ("5f00::1", false),
            ("4000::1", false),
            ("e000::1", false),
        ] {
            assert_eq!(public(addr), expected, "{addr}");
        }
    }

    #[test]
    fn an_ipv6_address_carrying_an_ipv4_one_is_public_only_if_that_is() {
        for (addr, expected) in [
            // IPv4-mapped ::ffff:0:0/96, in both notations.
            ("::ffff:93.184.215.14", true),
            ("::ffff:127.0.0.1", false),
            ("::ffff:7f00:1", false),
            ("::ffff:10.0.0.1", false),
            ("::ffff:169.254.169.254", false),
            ("::ffff:0.0.0.0", false),
            // IPv4-compatible ::/96 (deprecated): never, whatever it carries.
            ("::10.0.0.1", false),
            ("::127.0.0.1", false),
            ("::93.184.215.14", false),
            // IPv4-translated ::ffff:0:0:0/96 (SIIT).
            ("::ffff:0:10.0.0.1", false),
            ("::ffff:0:93.184.215.14", false),
            // NAT64's well-known prefix 64:ff9b::/96: as the IPv4 address it carries.
            ("64:ff9b::93.184.215.14", true),
            ("64:ff9b::a00:1", false),
            ("64:ff9b::127.0.0.1", false),
            ("64:ff9b::192.168.0.1", false),
            ("64:ff9b::169.254.169.254", false),
            // The rest of 64:ff9b::/32, local-use NAT64 64:ff9b:1::/48 among it: never.
            ("64:ff9b:1::a00:1", false),
            ("64:ff9b:1::93.184.215.14", false),
            ("64:ff9b::1:0:0:1", false),
            // 6to4 2002::/16 (deprecated; a relay leads to the IPv4 address it carries).
            ("2002:a00:1::1", false),
            ("2002:7f00:1::1", false),
            ("2002:c0a8:1::1", false),
            ("2002:5db8:d70e::1", false),
        ] {
            assert_eq!(public(addr), expected, "{addr}");
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
