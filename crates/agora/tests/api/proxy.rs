//! Behind a reverse proxy: the client address comes from a trusted proxy's forwarding headers
//! and from nobody else's, and the proxy's scheme decides `Secure` cookies when no public
//! address is configured. (`.ci/run` also tests this through Debian's nginx.)

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use serde_json::json;
use tower::ServiceExt as _;

use agora_web::WebConfig;
use agora_web::client::TrustedProxies;

use crate::routes;
use crate::support::{PASSWORD, Reply, TestApp, each_backend, urlencode};

/// The application behind a router that trusts 127.0.0.1 as its proxy, with no public
/// address configured.
fn behind_proxy(app: &TestApp) -> axum::Router {
    app.app.router(WebConfig {
        public_url_set: false,
        trusted_proxies: TrustedProxies::parse_list("127.0.0.1").unwrap_or_else(|e| panic!("{e}")),
        ..WebConfig::new("http://agora.test")
    })
}

/// Sends `req` as if it came from `peer` over TCP.
pub(crate) async fn from(
    router: &axum::Router,
    peer: impl Into<std::net::IpAddr>,
    mut req: Request<Body>,
) -> Reply {
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::new(peer.into(), 51_000)));
    let res = router
        .clone()
        .oneshot(req)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = http_body_util::BodyExt::collect(res.into_body())
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    Reply {
        status,
        headers,
        body: serde_json::from_slice(&bytes).unwrap_or_default(),
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A sign-up through the API with the given forwarding header.
fn signup(name: &str, forwarded_for: Option<&str>) -> Request<Body> {
    let mut req = Request::builder()
        .method("POST")
        .uri(routes::auth_register())
        .header("content-type", "application/json");
    if let Some(f) = forwarded_for {
        req = req.header("x-forwarded-for", f);
    }
    req.body(Body::from(
        json!({"username": name, "email": format!("{name}@example.com"), "password": PASSWORD})
            .to_string(),
    ))
    .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn clients_behind_a_trusted_proxy_are_counted_apart_and_a_forged_header_changes_nothing() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"registration_rules": {"burst_per_10_min": 2}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let router = behind_proxy(&app);
        let proxy = [127, 0, 0, 1];
        // Two people at one venue share nothing but the proxy: each gets their own limit.
        for (name, client) in [
            ("alba", "198.51.100.1"),
            ("bruno", "198.51.100.1"),
            ("carla", "198.51.100.2"),
            ("dario", "198.51.100.2"),
        ] {
            let r = from(&router, proxy, signup(name, Some(client))).await;
            assert_eq!(
                r.status,
                StatusCode::CREATED,
                "{name} via {client}: {}",
                r.text
            );
        }
        // What a client wrote itself is on the left, what the proxy appended on the right.
        let r = from(
            &router,
            proxy,
            signup("elena", Some("10.9.9.9, 198.51.100.1")),
        )
        .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::TOO_MANY_REQUESTS, "registration_burst")
        );
        // A client that talks to agora directly cannot escape its limit with a header.
        let direct = [203, 0, 113, 5];
        for (i, name) in ["fabio", "gina", "hugo"].iter().enumerate() {
            let forged = format!("198.51.100.{}", 50 + i);
            let r = from(&router, direct, signup(name, Some(&forged))).await;
            let expected = if i < 2 {
                StatusCode::CREATED
            } else {
                StatusCode::TOO_MANY_REQUESTS
            };
            assert_eq!(
                r.status, expected,
                "{name} directly, forging {forged}: {}",
                r.text
            );
        }
    })
    .await;
}

fn ip(text: &str) -> std::net::IpAddr {
    text.parse()
        .unwrap_or_else(|e| panic!("{text} is not an address: {e}"))
}

/// Limits per address count an IPv6 client by its /64 (whoever holds one holds 2^64
/// addresses), and an IPv4-mapped address as the IPv4 address, directly or behind a proxy.
#[tokio::test]
async fn addresses_of_one_ipv6_64_share_a_limit_and_other_64s_have_their_own() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"registration_rules": {"burst_per_10_min": 2}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let router = behind_proxy(&app);
        let signups = [
            ("alba", "2001:db8:1:2::1", StatusCode::CREATED),
            (
                "bruno",
                "2001:db8:1:2:ffff:ffff:ffff:fffe",
                StatusCode::CREATED,
            ),
            (
                "carla",
                "2001:db8:1:2:abcd::7",
                StatusCode::TOO_MANY_REQUESTS,
            ),
            ("dario", "2001:db8:1:3::1", StatusCode::CREATED),
            ("elena", "198.51.100.7", StatusCode::CREATED),
            ("fabio", "::ffff:198.51.100.7", StatusCode::CREATED),
            ("gina", "::ffff:c633:6407", StatusCode::TOO_MANY_REQUESTS),
            ("hugo", "198.51.100.8", StatusCode::CREATED),
        ];
        for (name, client, expected) in signups {
            let r = from(&router, ip(client), signup(name, None)).await;
            assert_eq!(r.status, expected, "{name} from {client}: {}", r.text);
        }
        // Behind the proxy, the forwarded client's /64 counts.
        let r = from(
            &router,
            [127, 0, 0, 1],
            signup("ines", Some("[2001:db8:1:2::99]:4711")),
        )
        .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);

        // Sign-in failures per address (20 in 15 minutes): spread over one /64, then another.
        let login = |name: String| {
            Request::builder()
                .method("POST")
                .uri(routes::auth_login())
                .header("content-type", "application/json")
                .body(Body::from(
                    json!({"login": name, "password": "not the password"}).to_string(),
                ))
                .unwrap_or_else(|e| panic!("{e}"))
        };
        for n in 0..20 {
            let client = ip(&format!("2001:db8:5:6::{:x}", n + 1));
            let r = from(&router, client, login(format!("nobody{n}"))).await;
            assert_eq!(
                r.status,
                StatusCode::UNAUTHORIZED,
                "failure {n}: {}",
                r.text
            );
        }
        let r = from(&router, ip("2001:db8:5:6:9::1"), login("nobody99".into())).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
        let r = from(&router, ip("2001:db8:5:7::1"), login("nobody99".into())).await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "another /64: {}",
            r.text
        );
    })
    .await;
}

/// A sign-in on the page, over the proxy with `X-Forwarded-Proto: proto`.
fn page_signin(proto: &str) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri("/signin")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header("x-forwarded-for", "198.51.100.9")
        .header("x-forwarded-proto", proto)
        .body(Body::from(format!(
            "login=ana&password={}",
            urlencode(PASSWORD)
        )))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn a_trusted_proxy_says_whether_the_session_cookie_is_secure_when_no_public_address_is_set() {
    each_backend(|app| async move {
        app.register("ana").await;
        let router = behind_proxy(&app);
        let cookie = |r: &Reply| r.header("set-cookie").unwrap_or("").to_owned();
        let r = from(&router, [127, 0, 0, 1], page_signin("https")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        assert!(cookie(&r).ends_with("; Secure"), "{}", cookie(&r));
        let r = from(&router, [127, 0, 0, 1], page_signin("http")).await;
        assert!(!cookie(&r).contains("Secure"), "{}", cookie(&r));
        let r = from(&router, [203, 0, 113, 5], page_signin("https")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        assert!(
            !cookie(&r).contains("Secure"),
            "only a trusted proxy's word counts: {}",
            cookie(&r)
        );
        // A configured https:// address decides, whatever the proxy says.
        let configured = app.app.router(WebConfig {
            trusted_proxies: TrustedProxies::parse_list("127.0.0.1")
                .unwrap_or_else(|e| panic!("{e}")),
            ..WebConfig::new("https://agora.test")
        });
        let mut req = page_signin("http");
        req.headers_mut().insert(
            "origin",
            axum::http::HeaderValue::from_static("https://agora.test"),
        );
        let r = from(&configured, [127, 0, 0, 1], req).await;
        assert!(
            cookie(&r).ends_with("; Secure"),
            "{}: {}",
            r.status,
            cookie(&r)
        );
    })
    .await;
}
