//! Tests of resolving the client: address ranges, a peer that is no trusted proxy, and the
//! right-most untrusted hop behind one (`X-Forwarded-For` and RFC 7239 `Forwarded`).

use super::*;

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.append(
            *k,
            HeaderValue::from_str(v).unwrap_or(HeaderValue::from_static("")),
        );
    }
    h
}

fn ip(text: &str) -> Option<IpAddr> {
    text.parse().ok()
}

fn proxies(text: &str) -> TrustedProxies {
    TrustedProxies::parse_list(text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn ranges_parse_and_contain() {
    let r: IpRange = "10.0.0.0/8"
        .parse()
        .unwrap_or_else(|e: String| panic!("{e}"));
    assert!(r.contains("10.200.1.2".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))));
    assert!(!r.contains("11.0.0.1".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))));
    let p = proxies("127.0.0.1, 2001:db8::/32 192.168.0.0/16");
    for (addr, trusted) in [
        ("127.0.0.1", true),
        ("::ffff:127.0.0.1", true),
        ("127.0.0.2", false),
        ("2001:db8:1::5", true),
        ("2001:db9::5", false),
        ("192.168.77.1", true),
    ] {
        assert_eq!(ip(addr).is_some_and(|a| p.contains(a)), trusted, "{addr}");
    }
    assert!(proxies("0.0.0.0/0").contains(IpAddr::from([8, 8, 8, 8])));
    for bad in [
        "10.0.0.0/33",
        "10.0.0.300",
        "proxy.example",
        "::1/129",
        "10.0.0.0/x",
    ] {
        let e = TrustedProxies::parse_list(bad).err().unwrap_or_default();
        assert!(
            e.contains(bad.split('/').next().unwrap_or(bad)),
            "{bad}: {e}"
        );
    }
}

#[test]
fn without_trusted_proxies_the_peer_is_the_client_whatever_it_sends() {
    let h = headers(&[
        ("x-forwarded-for", "1.2.3.4"),
        ("x-forwarded-proto", "https"),
    ]);
    let c = resolve(ip("203.0.113.9"), &h, &TrustedProxies::default(), None);
    assert_eq!(
        c,
        Client {
            addr: "203.0.113.9".into(),
            https: false
        }
    );
    let c = resolve(ip("203.0.113.9"), &h, &proxies("127.0.0.1"), Some(true));
    assert_eq!(
        c,
        Client {
            addr: "203.0.113.9".into(),
            https: true
        }
    );
}

#[test]
fn behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client() {
    let p = proxies("127.0.0.1, 10.0.0.0/8");
    let at = |pairs: &[(&'static str, &str)]| resolve(ip("127.0.0.1"), &headers(pairs), &p, None);
    // A client's own header is on the left; what the proxies appended is on the right.
    assert_eq!(
        at(&[("x-forwarded-for", "6.6.6.6, 198.51.100.7")]).addr,
        "198.51.100.7"
    );
    assert_eq!(
        at(&[("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.1.2.3")]).addr,
        "198.51.100.7"
    );
    assert_eq!(
        at(&[
            ("x-forwarded-for", "6.6.6.6"),
            ("x-forwarded-for", "198.51.100.7")
        ])
        .addr,
        "198.51.100.7"
    );
    assert_eq!(
        at(&[("x-forwarded-for", "10.0.0.5, 10.0.0.6")]).addr,
        "10.0.0.5"
    );
    assert_eq!(at(&[]).addr, "127.0.0.1");
    assert_eq!(at(&[("x-forwarded-for", "unknown")]).addr, "127.0.0.1");
    assert_eq!(
        at(&[("x-forwarded-for", "[2001:db8::7]:4711")]).addr,
        "2001:db8::7"
    );
    // RFC 7239, when there is no X-Forwarded-For.
    let c = at(&[(
        "forwarded",
        "for=6.6.6.6, for=\"[2001:db8:cafe::17]:4711\";proto=https;by=10.0.0.1",
    )]);
    assert_eq!(
        c,
        Client {
            addr: "2001:db8:cafe::17".into(),
            https: true
        }
    );
    assert_eq!(
        at(&[("forwarded", "for=_hidden;proto=http")]).addr,
        "127.0.0.1"
    );
    // The proxy's scheme counts only while no public address is configured.
    let h = headers(&[
        ("x-forwarded-for", "198.51.100.7"),
        ("x-forwarded-proto", "https"),
    ]);
    assert!(resolve(ip("127.0.0.1"), &h, &p, None).https);
    assert!(!resolve(ip("127.0.0.1"), &h, &p, Some(false)).https);
}
