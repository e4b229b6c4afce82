//! Tests of what may be fetched and kept: public IPv4 and IPv6 addresses (and IPv6 ones
//! carrying an IPv4 address), and an image's type read from its bytes.

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
