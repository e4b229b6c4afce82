//! The web pages as a browser meets them: security headers, forms and their CSRF protection,
//! errors beside fields, and the visibility policy on every page.

use axum::http::StatusCode;
use serde_json::json;

use crate::routes;
use crate::support::{TestApp, csrf_for, each_backend};

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::sqlite(Default::default()).await;
    for path in [
        "/",
        "/signin",
        &routes::groups(),
        "/no-such-page",
        "/static/agora.css",
    ] {
        let r = app.page(path, None).await;
        let csp = r
            .headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(
            r.headers
                .get("x-content-type-options")
                .map(|v| v.as_bytes()),
            Some(&b"nosniff"[..]),
            "{path}"
        );
        assert_eq!(
            r.headers.get("x-frame-options").map(|v| v.as_bytes()),
            Some(&b"DENY"[..]),
            "{path}"
        );
        assert!(r.headers.contains_key("referrer-policy"), "{path}");
    }
}

#[tokio::test]
async fn signing_up_on_the_page_shows_errors_beside_fields_and_keeps_the_input() {
    each_backend(|app| async move {
        let started = signup_stamp(&app).await;
        let r = app
            .form(
                "/signup",
                None,
                &[
                    ("username", "ana_b"),
                    ("email", "ana@example.com"),
                    ("password", "short"),
                    ("display_name", "Ana"),
                    ("started", &started),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text.contains("id=\"password-error\""), "{}", r.text);
        assert!(r.text.contains("value=\"ana_b\"") && r.text.contains("value=\"ana@example.com\""));
        assert!(
            !r.text.contains("value=\"short\""),
            "a password is never echoed"
        );
        assert_eq!(app.db().count_rows("members").await, 0);

        let r = app
            .form(
                "/signup?next=/groups",
                None,
                &[
                    ("username", "ana_b"),
                    ("email", "ana@example.com"),
                    ("password", "long enough password"),
                    ("started", &started),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        assert_eq!(
            r.headers.get("location").map(|v| v.as_bytes()),
            Some(&b"/groups"[..])
        );
        let cookie = r
            .headers
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            cookie.starts_with("agora_session=")
                && cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax")
        );
        assert!(!cookie.contains("Secure"), "served over http here");

        let r = app
            .form(
                "/signin?next=//evil.example",
                None,
                &[
                    ("login", "ana_b"),
                    ("password", "long enough password"),
                    ("started", &started),
                ],
            )
            .await;
        assert_eq!(
            r.headers.get("location").map(|v| v.as_bytes()),
            Some(&b"/"[..]),
            "no open redirect"
        );
        let r = app
            .form(
                "/signin",
                None,
                &[("login", "ana_b"), ("password", "wrong password")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.text.contains("do not match") && r.text.contains("value=\"ana_b\""));
    })
    .await;
}

/// `next` values that browsers read as another host (tab, CR/LF, backslashes, encoded and
/// twice-encoded slashes, userinfo), as raw strings; each is sent percent-encoded in the query
/// and raw in the form.
const REDIRECT_BYPASSES: &[&str] = &[
    "//evil.example",
    "/\t/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/%5c/evil.example\\",
    "https://evil.example/",
    "http://agora.test@evil.example/",
    "//agora.test@evil.example",
    "https://user:pass@agora.test/",
    "/.//evil.example",
    "javascript:alert(1)",
];

#[tokio::test]
async fn signing_in_or_up_never_redirects_to_another_host() {
    each_backend(|app| async move {
        let started = signup_stamp(&app).await;
        app.register("ana").await;
        for (n, bypass) in REDIRECT_BYPASSES.iter().enumerate() {
            let query = format!("?next={}", crate::support::urlencode(bypass));
            let signin = app
                .form(
                    &format!("/signin{query}"),
                    None,
                    &[("login", "ana"), ("password", crate::support::PASSWORD)],
                )
                .await;
            let in_form = app
                .form(
                    "/signin",
                    None,
                    &[
                        ("login", "ana"),
                        ("password", crate::support::PASSWORD),
                        ("next", bypass),
                    ],
                )
                .await;
            let name = format!("ana{}", char::from(b'a' + n as u8));
            let email = format!("{name}@example.com");
            let signup = app
                .form(
                    &format!("/signup{query}"),
                    None,
                    &[
                        ("username", name.as_str()),
                        ("email", email.as_str()),
                        ("password", "long enough password"),
                        ("started", started.as_str()),
                    ],
                )
                .await;
            for (what, r) in [
                ("sign-in", &signin),
                ("sign-in form", &in_form),
                ("sign-up", &signup),
            ] {
                assert_eq!(
                    r.status,
                    StatusCode::SEE_OTHER,
                    "{what} with next={bypass:?}: {}",
                    r.text
                );
                assert_eq!(
                    r.header("location"),
                    Some("/"),
                    "{what} with next={bypass:?} must go home"
                );
            }
        }
        // A real path on the site, even given as the site's full address, is kept.
        let r = app
            .form(
                "/signin?next=http%3A%2F%2Fagora.test%2Fg%2Fclub%3Fsort%3Dreplies",
                None,
                &[("login", "ana"), ("password", crate::support::PASSWORD)],
            )
            .await;
        assert_eq!(r.header("location"), Some("/g/club?sort=replies"));
    })
    .await;
}

#[tokio::test]
async fn forms_without_the_session_token_or_from_another_site_change_nothing() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        app.create_group(&admin, "club", "public").await;

        let r = app
            .form("/g/club/join", Some(&ana), &[("csrf", "forged")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.text.contains("<h1>Not allowed</h1>"), "{}", r.text);

        let req = axum::http::Request::builder()
            .method("POST")
            .uri("/g/club/join")
            .header("cookie", format!("agora_session={ana}"))
            .header("origin", "https://evil.example")
            .header("sec-fetch-site", "cross-site")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(format!("csrf={}", csrf_for(&ana))))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            app.send(req).await.status,
            StatusCode::FORBIDDEN,
            "a cross-site post with a stolen token"
        );
        assert_eq!(
            app.get(&routes::group("club"), None).await.body["member_count"],
            1
        );

        let r = app
            .form("/g/club/join", Some(&ana), &[("csrf", &csrf_for(&ana))])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            app.get(&routes::group("club"), None).await.body["member_count"],
            2
        );
    })
    .await;
}

#[tokio::test]
async fn a_member_posts_replies_and_a_moderator_pins_and_locks_through_the_pages() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        app.create_group(&admin, "club", "public").await;
        app.join(&ana, "club").await;
        let csrf = csrf_for(&ana);

        let r = app
            .form(
                "/g/club/new",
                Some(&ana),
                &[
                    ("csrf", &csrf),
                    ("title", "x"),
                    ("body", "Hello"),
                    ("tags", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text.contains("id=\"title-error\"") && r.text.contains(">Hello</textarea>"),
            "{}",
            r.text
        );

        let r = app
            .form(
                "/g/club/new",
                Some(&ana),
                &[
                    ("csrf", &csrf),
                    ("title", "Saddle height"),
                    ("body", "How *high*?"),
                    ("tags", "fit, comfort"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let location = r
            .headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        assert!(
            location.starts_with("/t/") && location.ends_with("/saddle-height"),
            "{location}"
        );
        let id: i64 = location
            .split('/')
            .nth(2)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);

        let r = app
            .form(
                &format!("/t/{id}/reply"),
                Some(&ana),
                &[("csrf", &csrf), ("body", "  ")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = app
            .form(
                &format!("/t/{id}/reply"),
                Some(&ana),
                &[("csrf", &csrf), ("body", "About hip height.")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);

        let page = app.page(&location, Some(&ana)).await;
        assert!(page.text.contains("<em>high</em>") && page.text.contains("About hip height."));
        assert!(
            !page.text.contains(">Pin</button>"),
            "members do not moderate"
        );

        let r = app
            .form(
                &format!("/t/{id}/moderate"),
                Some(&ana),
                &[("csrf", &csrf), ("action", "pin")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let admin_csrf = csrf_for(&admin);
        for action in ["pin", "lock"] {
            let r = app
                .form(
                    &format!("/t/{id}/moderate"),
                    Some(&admin),
                    &[("csrf", &admin_csrf), ("action", action)],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{action}");
        }
        let page = app.page(&location, Some(&ana)).await;
        assert!(
            page.text.contains("This topic is locked") && !page.text.contains("id=\"reply-body\"")
        );
        let group = app.page("/g/club", None).await;
        assert!(group.text.contains("badge pinned"));
    })
    .await;
}

#[tokio::test]
async fn pages_show_each_viewer_only_what_the_policy_allows() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let member = app.register("member").await;
        let outsider = app.register("outsider").await;
        let mut topics = Vec::new();
        for kind in ["public", "closed", "secret"] {
            let slug = format!("zeta-{kind}");
            app.create_group(&admin, &slug, kind).await;
            let inv = app
                .post(
                    &routes::group_invitations(&slug),
                    Some(&admin),
                    json!({"username": "member"}),
                )
                .await;
            let id = inv.body["id"].as_i64().unwrap_or_default();
            app.post(&routes::invitation_accept(id), Some(&member), json!({}))
                .await;
            let (topic, _) = app
                .create_topic(
                    &member,
                    &slug,
                    &format!("Quasar {kind} notes"),
                    &format!("Words about xylo{kind}."),
                )
                .await;
            topics.push((kind, slug, topic));
        }
        for (viewer, token) in [
            ("guest", None),
            ("outsider", Some(outsider.as_str())),
            ("member", Some(member.as_str())),
        ] {
            let mut seen = String::new();
            for path in [
                "/",
                "/groups",
                "/u/member",
                "/search?q=quasar",
                "/search?q=words+about",
                "/sitemap.xml",
            ] {
                let r = app.page(path, token).await;
                assert!(r.status.is_success(), "{viewer} {path}: {}", r.status);
                seen.push_str(&r.text);
            }
            for (kind, slug, topic) in &topics {
                let g = app.page(&format!("/g/{slug}"), token).await;
                let t = app.page(&format!("/t/{topic}/x"), token).await;
                let (want_g, want_t) = match (*kind, viewer) {
                    (_, "member") | ("public", _) => (StatusCode::OK, StatusCode::SEE_OTHER),
                    ("closed", _) => (StatusCode::OK, StatusCode::FORBIDDEN),
                    _ => (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND),
                };
                assert_eq!((g.status, t.status), (want_g, want_t), "{viewer} × {kind}");
                if g.status == StatusCode::OK {
                    let noindex = g.text.contains("name=\"robots\" content=\"noindex");
                    assert_eq!(noindex, *kind != "public", "{viewer} × {kind}: robots");
                }
                seen.push_str(&g.text);
                seen.push_str(&t.text);
            }
            assert!(
                !seen.contains("@example.com"),
                "{viewer}: an email address on a page"
            );
            let reads_closed = viewer == "member";
            assert_eq!(
                seen.contains("Quasar closed notes"),
                reads_closed,
                "{viewer}: closed topic titles"
            );
            assert_eq!(
                seen.contains("xylosecret"),
                viewer == "member",
                "{viewer}: the secret group's words"
            );
            assert_eq!(
                seen.contains("xyloclosed"),
                viewer == "member",
                "{viewer}: the closed group's words"
            );
            assert_eq!(
                seen.contains("zeta-secret"),
                viewer == "member",
                "{viewer}: the secret group's slug"
            );
            assert_eq!(
                seen.contains("Quasar secret notes"),
                viewer == "member",
                "{viewer}: the secret topic"
            );
        }
        let never = app.page("/g/never-was-here", Some(&outsider)).await;
        let secret = app.page("/g/zeta-secret", Some(&outsider)).await;
        assert_eq!(
            without_form_tokens(&never.text),
            without_form_tokens(&secret.text),
            "a secret group's 404 is the 404 of a group that never existed (but for the \
             form token, masked afresh in every response)"
        );

        let sitemap = app.page("/sitemap.xml", None).await.text;
        assert!(
            sitemap.contains("/g/zeta-public")
                && !sitemap.contains("zeta-closed")
                && !sitemap.contains("zeta-secret")
        );
    })
    .await;
}

#[tokio::test]
async fn a_page_that_needs_a_sign_in_sends_guests_to_sign_in_and_back() {
    let app = TestApp::sqlite(Default::default()).await;
    let r = app.page("/settings", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers.get("location").map(|v| v.as_bytes()),
        Some(&b"/signin?next=/settings"[..])
    );
    let r = app.page("/admin", None).await;
    assert_eq!(
        r.headers.get("location").map(|v| v.as_bytes()),
        Some(&b"/signin?next=/admin"[..])
    );
}

/// The signed timestamp the sign-up form carries.
async fn signup_stamp(app: &TestApp) -> String {
    let page = app.page("/signup", None).await.text;
    let needle = "name=\"started\" value=\"";
    let at = page.find(needle).map_or(0, |i| i + needle.len());
    page[at..].chars().take_while(|c| *c != '"').collect()
}

#[tokio::test]
async fn the_sign_up_page_turns_away_bots_that_fill_the_honeypot_or_skip_the_form() {
    each_backend(|app| async move {
        let started = signup_stamp(&app).await;
        assert!(started.contains('.'), "{started}");
        let person = [
            ("username", "ana_b"),
            ("email", "ana@example.com"),
            ("password", "long enough password"),
        ];
        let mut bot = person.to_vec();
        bot.extend([
            ("website", "http://spam.example"),
            ("started", started.as_str()),
        ]);
        let r = app.form("/signup", None, &bot).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text.contains("filled in by a program"), "{}", r.text);
        let r = app.form("/signup", None, &person).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "no form timestamp: straight from a script"
        );
        let mut forged = person.to_vec();
        forged.push(("started", "1.0000000000000000"));
        assert_eq!(
            app.form("/signup", None, &forged).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(app.db().count_rows("members").await, 0);
        let mut ok = person.to_vec();
        ok.push(("started", started.as_str()));
        let r = app.form("/signup", None, &ok).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    })
    .await;
}

#[tokio::test]
async fn members_flag_posts_from_the_page_and_moderators_resolve_them_from_the_queue() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        let ben = app.register("ben").await;
        app.create_group(&admin, "club", "public").await;
        app.join(&ana, "club").await;
        let (topic, post) = app
            .create_topic(&ana, "club", "Buy now", "Cheap pills")
            .await;
        let form = app.page(&format!("/p/{post}/flag"), Some(&ben)).await;
        assert!(form.text.contains("value=\"spam\""), "{}", form.text);
        let r = app
            .form(
                &format!("/p/{post}/flag"),
                Some(&ben),
                &[("csrf", &csrf_for(&ben)), ("reason", "spam"), ("note", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let queue = app.page("/admin/queue", Some(&admin)).await;
        assert!(
            queue.text.contains("Buy now") && queue.text.contains("spam"),
            "{}",
            queue.text
        );
        let r = app
            .form(
                &format!("/admin/queue/{post}"),
                Some(&admin),
                &[
                    ("csrf", &csrf_for(&admin)),
                    ("decision", "dismiss"),
                    ("reason", "Satire"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(
            !app.page("/admin/queue", Some(&admin))
                .await
                .text
                .contains("Buy now")
        );
        assert_eq!(
            app.get(&routes::topic(topic), None).await.status,
            StatusCode::OK
        );
    })
    .await;
}

/// A page with its form tokens blanked.
pub(crate) fn without_form_tokens(page: &str) -> String {
    let needle = "name=\"csrf\" value=\"";
    let mut out = String::with_capacity(page.len());
    let mut rest = page;
    while let Some(at) = rest.find(needle) {
        let start = at + needle.len();
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        rest = &rest[rest.find('"').unwrap_or(rest.len())..];
    }
    out.push_str(rest);
    out
}

/// The form token in a page.
fn form_token(page: &str) -> String {
    let needle = "name=\"csrf\" value=\"";
    let start = page
        .find(needle)
        .unwrap_or_else(|| panic!("no form token in {page}"))
        + needle.len();
    page[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn forms_carry_a_fresh_masked_token_and_pages_are_compressed_for_browsers() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "club", "public").await;
        let ana = app.register("ana").await;
        let bob = app.register("bob").await;
        let first = app.page("/g/club", Some(&ana)).await.text;
        let second = app.page("/g/club", Some(&ana)).await.text;
        let (a, b) = (form_token(&first), form_token(&second));
        assert_ne!(a, b, "every response masks the token afresh");
        let bare = csrf_for(&ana);
        assert!(!first.contains(&bare) && !second.contains(&bare));

        // Each masked token is the session's own; another session's is refused.
        let bobs = form_token(&app.page("/g/club", Some(&bob)).await.text);
        let r = app
            .form("/g/club/join", Some(&ana), &[("csrf", &bobs)])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
        let r = app.form("/g/club/join", Some(&ana), &[("csrf", &a)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let r = app.form("/g/club/leave", Some(&ana), &[("csrf", &b)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);

        // A browser that accepts compression gets it; a client that does not, plain text.
        for (accept, encoding) in [
            ("gzip", Some("gzip")),
            ("br;q=1, gzip;q=0.5", Some("br")),
            ("", None),
        ] {
            let headers: &[(&str, &str)] = if accept.is_empty() {
                &[]
            } else {
                &[("accept-encoding", accept)]
            };
            let r = app.page_with("/g/club", Some(&ana), headers).await;
            assert_eq!(r.status, StatusCode::OK);
            assert_eq!(
                r.header("content-encoding"),
                encoding,
                "accept-encoding {accept:?}"
            );
            let vary = r.header("vary").unwrap_or("").to_ascii_lowercase();
            assert!(vary.contains("accept-encoding"), "vary: {vary}");
            assert_eq!(encoding.is_none(), r.text.contains("Group club"));
        }
    })
    .await;
}

/// Every page links the site's icon, and browsers that ask for /favicon.ico get it, cached for
/// a year (Lighthouse counts a missing favicon against best practices).
#[tokio::test]
async fn every_page_has_an_icon_and_a_document_page_one_main_heading() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        for path in [
            "/favicon.ico",
            "/static/favicon-32.png",
            "/static/favicon.svg",
        ] {
            let r = app.page(path, None).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            assert!(
                r.header("content-type")
                    .is_some_and(|t| t.starts_with("image/")),
                "{path}: {:?}",
                r.header("content-type")
            );
            assert!(
                r.header("cache-control")
                    .is_some_and(|c| c.contains("max-age=31536000")),
                "{path}"
            );
        }
        for page in ["/", "/groups", "/signin", "/signup", "/search?q=x"] {
            let html = app.page(page, None).await.text;
            assert!(
                html.contains("rel=\"icon\" href=\"/static/favicon.svg"),
                "{page}"
            );
        }
        let r = app
            .post(
                &routes::document("terms"),
                Some(&admin),
                json!({"body": "# Terms of use\n\n## Who may join\n\nAnyone kind."}),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);
        let html = app.page("/legal/terms", None).await.text;
        assert_eq!(html.matches("<h1").count(), 1, "{html}");
        assert!(html.contains("<h2>Terms of use</h2>"), "{html}");
    })
    .await;
}

/// What search engines may read: the sign-up page and search results that found something
/// (Lighthouse's SEO audit fails a page that robots.txt or a `noindex` keeps out); never the
/// API, the admin pages, an empty search, or a query that found nothing.
#[tokio::test]
async fn crawlers_may_read_sign_up_and_search_results_but_not_empty_searches_or_the_api() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "club", "public").await;
        app.create_topic(
            &admin,
            "club",
            "Winter battery range",
            "Cold cells lose range.",
        )
        .await;
        let robots = app.page("/robots.txt", None).await.text;
        for kept_out in ["Disallow: /api/", "Disallow: /admin"] {
            assert!(robots.contains(kept_out), "{robots}");
        }
        for open in ["/signup", "/search"] {
            assert!(
                !robots.lines().any(|l| l == format!("Disallow: {open}")),
                "{open}: {robots}"
            );
        }
        let indexable = |html: &str| !html.contains("name=\"robots\" content=\"noindex");
        assert!(indexable(&app.page("/signup", None).await.text));
        let found = app.page("/search?q=%20battery", None).await.text;
        assert!(found.contains("Winter battery range"), "{found}");
        assert!(indexable(&found), "{found}");
        assert!(
            found.contains("<link rel=\"canonical\" href=\"http://agora.test/search?q=battery\">"),
            "{found}"
        );
        for empty in ["/search", "/search?q=", "/search?q=zeppelin"] {
            let html = app.page(empty, None).await.text;
            assert!(!indexable(&html), "{empty}");
            assert!(!html.contains("rel=\"canonical\""), "{empty}");
        }
    })
    .await;
}
