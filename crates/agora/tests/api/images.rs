//! Remote images in posts are copied once, when the post is saved, and shown from our own
//! origin; what cannot be copied (private addresses, before or after DNS or a redirect, not an
//! image, too large, SVG) is shown as a link. No page loads an image from another host.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;

use agora::images::RemoteImages;
use agora_web::WebConfig;

use crate::routes;
use crate::support::TestApp;

const PNG: &[u8] = include_bytes!("../../../agora-web/static/favicon-32.png");

/// Serves images on `ip`; counts every request.
pub(crate) async fn image_host(
    ip: [u8; 4],
    hits: Arc<AtomicUsize>,
    private: Option<SocketAddr>,
) -> SocketAddr {
    let counted = |hits: Arc<AtomicUsize>| {
        move || {
            hits.fetch_add(1, Ordering::SeqCst);
            async move { ([(header::CONTENT_TYPE, "image/png")], PNG).into_response() }
        }
    };
    let mut app = Router::new()
        .route("/c2.png", get(counted(hits.clone())))
        .route(
            "/fake.png",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "image/png")],
                    "<html>not an image</html>",
                )
            }),
        )
        .route(
            "/page",
            get(|| async { axum::response::Html("<p>a page</p>") }),
        )
        .route(
            "/big.png",
            get(|| async {
                let mut big = PNG.to_vec();
                big.resize(6 * 1024 * 1024, 0);
                ([(header::CONTENT_TYPE, "image/png")], big)
            }),
        )
        .route(
            "/icon.svg",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "image/svg+xml")],
                    "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
                )
            }),
        );
    if let Some(target) = private {
        app = app.route(
            "/to-private.png",
            get(move || async move { Redirect::temporary(&format!("http://{target}/c2.png")) }),
        );
    }
    let listener = tokio::net::TcpListener::bind(SocketAddr::from((ip, 0)))
        .await
        .unwrap_or_else(|e| panic!("binding an image host: {e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

/// Tests stand 127.0.0.2 in for the public internet; everything else is private.
pub(crate) fn only_127_0_0_2(ip: std::net::IpAddr) -> bool {
    ip == std::net::IpAddr::from([127, 0, 0, 2])
}

/// The application with a fetcher that keeps its copies in the test's folder.
fn with_images(mut app: TestApp, fetcher: RemoteImages, media: &std::path::Path) -> TestApp {
    app.app.agora = app.app.agora.clone().with_image_fetcher(Arc::new(fetcher));
    app.router = app.app.router(WebConfig {
        media_dir: Some(media.to_owned()),
        ..WebConfig::new("http://agora.test")
    });
    app
}

#[tokio::test]
async fn remote_images_are_copied_once_and_what_cannot_be_copied_is_a_link() {
    let private_hits = Arc::new(AtomicUsize::new(0));
    let private = image_host([127, 0, 0, 1], private_hits.clone(), None).await;
    let public_hits = Arc::new(AtomicUsize::new(0));
    let public = image_host([127, 0, 0, 2], public_hits.clone(), Some(private)).await;
    let media = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let fetcher =
        RemoteImages::with_policy(media.path(), only_127_0_0_2).unwrap_or_else(|e| panic!("{e:#}"));
    let app = with_images(
        TestApp::sqlite(Default::default()).await,
        fetcher,
        media.path(),
    );
    let admin = app.register("admin").await;
    app.create_group(&admin, "riders", "public").await;

    let copied = format!("http://{public}/c2.png");
    let refused = [
        format!("http://{private}/c2.png"),
        format!("http://localhost:{}/c2.png", private.port()),
        format!("http://{public}/to-private.png"),
        format!("http://{public}/fake.png"),
        format!("http://{public}/page"),
        format!("http://{public}/big.png"),
        format!("http://{public}/icon.svg"),
        "ftp://example.org/x.png".to_owned(),
    ];
    let mut body = format!("My C2: ![the C2]({copied})\n\n");
    for (i, url) in refused.iter().enumerate() {
        body.push_str(&format!("![refused {i}]({url})\n\n"));
    }
    let (topic, _) = app
        .create_topic(&admin, "riders", "Photos of the C2", &body)
        .await;
    let page = app
        .page(&format!("/t/{topic}/photos-of-the-c2"), None)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text;
    let copies: Vec<&str> = html
        .match_indices("<img src=\"/media/")
        .map(|(i, _)| &html[i..i + 60])
        .collect();
    assert_eq!(copies.len(), 1, "one copy: {copies:?}");
    assert!(
        !html.contains("<img src=\"http"),
        "no page loads an image from another host"
    );
    for (i, url) in refused.iter().enumerate() {
        let as_link = format!(">refused {i}</a>");
        let is_link = html.contains(&as_link)
            || (url.starts_with("ftp") && html.contains(&format!("refused {i}")));
        assert!(is_link, "{url} is not shown as a link:\n{html}");
    }
    assert_eq!(
        private_hits.load(Ordering::SeqCst),
        0,
        "a private address was fetched"
    );

    // The copy is served from our origin, cached for a year.
    let name = copies[0]
        .trim_start_matches("<img src=\"")
        .split('"')
        .next()
        .unwrap_or("");
    let r = app.page(name, None).await;
    assert_eq!(
        (r.status, r.header("content-type")),
        (StatusCode::OK, Some("image/png"))
    );
    assert!(
        r.header("cache-control")
            .is_some_and(|c| c.contains("max-age=31536000"))
    );
    assert_eq!(r.text, String::from_utf8_lossy(PNG), "the bytes fetched");
    assert_eq!(
        app.page("/media/../agora.db", None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.page("/media/0123.png", None).await.status,
        StatusCode::NOT_FOUND
    );

    // The same image in another post is not fetched again.
    let r = app
        .post(
            &routes::topic_posts(topic),
            Some(&admin),
            serde_json::json!({"body": format!("Again: ![the C2]({copied})")}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(public_hits.load(Ordering::SeqCst), 1, "fetched once");
    assert!(
        r.body["body_html"]
            .as_str()
            .is_some_and(|h| h.contains(name)),
        "{}",
        r.text
    );

    // And pages forbid images from anywhere but our origin.
    let csp = app.page("/", None).await;
    let csp = csp.header("content-security-policy").unwrap_or("");
    assert!(csp.contains("img-src 'self' data:;"), "{csp}");
}

#[tokio::test]
async fn the_production_fetcher_copies_nothing_from_a_private_address() {
    let hits = Arc::new(AtomicUsize::new(0));
    let host = image_host([127, 0, 0, 2], hits.clone(), None).await;
    let media = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let fetcher = RemoteImages::new(media.path()).unwrap_or_else(|e| panic!("{e:#}"));
    let app = with_images(
        TestApp::sqlite(Default::default()).await,
        fetcher,
        media.path(),
    );
    let admin = app.register("admin").await;
    app.create_group(&admin, "riders", "public").await;
    let body = format!(
        "![a]({0}/c2.png) ![b](http://localhost:{1}/c2.png)",
        format_args!("http://{host}"),
        host.port()
    );
    let (topic, _) = app.create_topic(&admin, "riders", "Loopback", &body).await;
    let html = app.page(&format!("/t/{topic}/loopback"), None).await.text;
    assert!(html.contains(">a</a>") && html.contains(">b</a>"), "{html}");
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}
