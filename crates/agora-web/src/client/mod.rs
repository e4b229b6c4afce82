//! Who sent a request: the client's network address (for every per-address rule: sign-up
//! bursts, sign-in throttling, posting, resets, complaints) and whether it came over HTTPS.
//!
//! Without configuration both come from the TCP peer. Behind a reverse proxy the peer is the
//! proxy, and every client would share its address: so when — and only when — the peer is one
//! of the `trusted_proxies`, the client is taken from `X-Forwarded-For` (or RFC 7239
//! `Forwarded`): walking from the right, the first address that is not itself a trusted proxy.
//! Anyone else's header is ignored, so a client cannot escape its limits by sending one. The
//! proxy's `X-Forwarded-Proto` (or `Forwarded: proto=`) decides whether cookies are `Secure`
//! only when no public address was configured; a configured `https://` address always does.

#[cfg(test)]
mod tests;

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

/// One address or a CIDR range of them, e.g. `10.0.0.0/8`, `2001:db8::/32`, `127.0.0.1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    addr: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// Whether `ip` lies in the range (an IPv4 address written as IPv6, `::ffff:a.b.c.d`,
    /// counts as the IPv4 address).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for IpRange {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| {
            format!("{text:?} is not an IP address or CIDR range (e.g. 10.0.0.1 or 10.0.0.0/8)")
        })?;
        let addr = addr.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{text:?}: the prefix after / must be 0 to {max}"))?,
        };
        Ok(Self { addr, prefix })
    }
}

/// The proxies whose forwarding headers are believed; empty by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpRange>);

impl TrustedProxies {
    /// Parses a list of addresses and ranges separated by commas or spaces; an error names
    /// the entry that is wrong.
    pub fn parse_list(text: &str) -> Result<Self, String> {
        Self::parse_each(
            text.split([',', ' ', '\n'])
                .filter(|e| !e.trim().is_empty()),
        )
    }

    /// Parses each entry; an error names the entry that is wrong.
    pub fn parse_each<'a>(entries: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        entries
            .into_iter()
            .map(IpRange::from_str)
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    /// Whether `ip` is a trusted proxy.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|r| r.contains(ip))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The client as the request's handlers see it, resolved once per request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// The client's address, as text (`local` for requests without a peer, in tests).
    pub addr: String,
    /// Whether the client reached us over HTTPS.
    pub https: bool,
}

/// Resolves the client of a request that came from `peer` with `headers`.
///
/// `public_https` is `Some(true|false)` when a public address is configured (it decides the
/// scheme), `None` when it is not (a trusted proxy's word decides).
pub fn resolve(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    proxies: &TrustedProxies,
    public_https: Option<bool>,
) -> Client {
    let Some(peer) = peer else {
        return Client {
            addr: "local".into(),
            https: public_https.unwrap_or(false),
        };
    };
    let peer = peer.to_canonical();
    if !proxies.contains(peer) {
        return Client {
            addr: peer.to_string(),
            https: public_https.unwrap_or(false),
        };
    }
    let forwarded_for = header_list(headers, "x-forwarded-for");
    let (hops, proto) = if forwarded_for.is_empty() {
        forwarded(headers)
    } else {
        let proto = header_list(headers, "x-forwarded-proto").pop();
        (forwarded_for, proto)
    };
    Client {
        addr: client_of(peer, &hops, proxies).to_string(),
        https: public_https
            .unwrap_or_else(|| proto.is_some_and(|p| p.eq_ignore_ascii_case("https"))),
    }
}

/// Walking from the right (the hop nearest to us), the first address that is not a trusted
/// proxy; if every hop is one, the left-most; the peer if there are none, or if the hop to
/// take is not an address (an obfuscated or broken entry cannot stand for a client).
fn client_of(peer: IpAddr, hops: &[String], proxies: &TrustedProxies) -> IpAddr {
    let mut last = peer;
    for hop in hops.iter().rev() {
        let Some(ip) = hop_addr(hop) else {
            return peer;
        };
        if !proxies.contains(ip) {
            return ip;
        }
        last = ip;
    }
    last
}

/// The address in one hop: `1.2.3.4`, `1.2.3.4:80`, `2001:db8::1`, `[2001:db8::1]:443`.
fn hop_addr(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim().trim_matches('"');
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Ok(sock) = hop.parse::<SocketAddr>() {
        return Some(sock.ip().to_canonical());
    }
    let inner = hop.strip_prefix('[')?.split(']').next()?;
    inner.parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

/// Every comma-separated entry of every value of header `name`, in order.
fn header_list(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty())
        .collect()
}

/// The `for=` of each element of RFC 7239 `Forwarded` headers, and the `proto=` of the last
/// element (the one our nearest proxy wrote).
fn forwarded(headers: &HeaderMap) -> (Vec<String>, Option<String>) {
    let mut hops = Vec::new();
    let mut proto = None;
    for element in header_list(headers, "forwarded") {
        let mut this_proto = None;
        for pair in element.split(';') {
            let Some((key, value)) = pair.split_once('=') else {
                continue;
            };
            let value = value.trim().trim_matches('"').to_owned();
            match key.trim().to_ascii_lowercase().as_str() {
                "for" => hops.push(value),
                "proto" => this_proto = Some(value),
                _ => {}
            }
        }
        proto = this_proto;
    }
    (hops, proto)
}

/// The middleware: resolves the client into the request's extensions, and marks the cookies
/// of an HTTPS request `Secure`.
pub async fn identify(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let public_https = state
        .config
        .public_url_set
        .then(|| state.config.public_url.starts_with("https://"));
    let client = resolve(
        peer,
        req.headers(),
        &state.config.trusted_proxies,
        public_https,
    );
    let https = client.https;
    req.extensions_mut().insert(client);
    let mut res = next.run(req).await;
    if https {
        secure_cookies(&mut res);
    }
    res
}

/// Adds `Secure` to every cookie the response sets.
fn secure_cookies(res: &mut Response) {
    let headers = res.headers_mut();
    let cookies: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    if cookies.is_empty() {
        return;
    }
    headers.remove(header::SET_COOKIE);
    for cookie in cookies {
        let value = match cookie.to_str() {
            Ok(text) if !text.to_ascii_lowercase().contains("; secure") => {
                HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(cookie)
            }
            _ => cookie,
        };
        headers.append(header::SET_COOKIE, value);
    }
}
