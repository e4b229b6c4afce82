//! Which addresses an image may be fetched from: a resolver that keeps only the addresses the
//! policy allows, the check of a host written as an address, and the rule for a public one.

use std::net::{IpAddr, SocketAddr};

use super::AddressPolicy;

/// Resolves names like the system does, keeping only the addresses the policy allows: a name
/// that resolves to none of them cannot be fetched.
pub(super) struct PublicResolver {
    pub(super) allowed: AddressPolicy,
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
pub(super) fn literal_refused(url: &url::Url, allowed: AddressPolicy) -> bool {
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
