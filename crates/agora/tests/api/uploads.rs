//! Uploaded images: avatars and images for posts are PNG, JPEG or WebP as their bytes say,
//! re-encoded without metadata, within the site's limits; an image of a closed or secret group
//! (uploaded, or copied from another host for one of its posts) reaches only those who may
//! read the group, and a secret group's is the 404 of a name that was never there.

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt as _;
use image::ImageDecoder as _;
use serde_json::json;
use tower::ServiceExt as _;

use agora::images::RemoteImages;
use agora_web::WebConfig;

use crate::routes;
use crate::support::{PASSWORD, TestApp, csrf_for, each_backend};

/// An answer with its body as bytes.
struct Got {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    bytes: Vec<u8>,
}

impl Got {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.bytes).unwrap_or_default()
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

async fn send(app: &TestApp, req: Request<Body>) -> Got {
    let res = app
        .router
        .clone()
        .oneshot(req)
        .await
        .unwrap_or_else(|e| panic!("request failed: {e}"));
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    Got {
        status,
        headers,
        bytes,
    }
}

/// Sends `bytes` as the raw body of a POST, declared as `content_type`.
async fn upload(app: &TestApp, path: &str, token: &str, content_type: &str, bytes: &[u8]) -> Got {
    let req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(bytes.to_vec()))
        .unwrap_or_else(|e| panic!("{e}"));
    send(app, req).await
}

/// A GET of `path`, signed in by cookie when `token` is given.
async fn fetch(app: &TestApp, path: &str, token: Option<&str>) -> Got {
    let mut req = Request::builder().uri(path);
    if let Some(t) = token {
        req = req.header(header::COOKIE, format!("agora_session={t}"));
    }
    send(
        app,
        req.body(Body::empty()).unwrap_or_else(|e| panic!("{e}")),
    )
    .await
}

const BOUNDARY: &str = "agora-test-boundary-7d1f";

/// A `multipart/form-data` body with text fields and a `file` part.
fn multipart(fields: &[(&str, &str)], file: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.png\"\r\n\
             Content-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// A page form sent as `multipart/form-data` from our own pages, signed in by cookie.
async fn form_with_file(
    app: &TestApp,
    path: &str,
    token: &str,
    fields: &[(&str, &str)],
    file: &[u8],
) -> Got {
    let csrf = csrf_for(token);
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, format!("agora_session={token}"))
        .body(Body::from(multipart(&all, file)))
        .unwrap_or_else(|e| panic!("{e}"));
    send(app, req).await
}

/// An image `w` × `h` in `format`, of varied pixels.
fn picture(format: image::ImageFormat, w: u32, h: u32) -> Vec<u8> {
    let img = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 7 % 256) as u8,
            (y * 5 % 256) as u8,
            ((x + y) % 256) as u8,
        ])
    }));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format)
        .unwrap_or_else(|e| panic!("encoding a test image: {e}"));
    out.into_inner()
}

/// What a camera leaves in a JPEG: an EXIF segment, here with a place in it.
const SECRET: &[u8] = b"GPS 48.8584N 2.2945E home of the photographer";

fn jpeg_with_exif(w: u32, h: u32) -> Vec<u8> {
    let plain = picture(image::ImageFormat::Jpeg, w, h);
    let mut tiff = b"Exif\0\0MM\0\x2a\0\0\0\x08".to_vec();
    // One entry: orientation (0x0112), SHORT, 1 value: 1 (upright); then no next directory.
    tiff.extend_from_slice(&[0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0]);
    tiff.extend_from_slice(SECRET);
    let len = u16::try_from(tiff.len() + 2).unwrap_or(u16::MAX);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xff, 0xe1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&plain[2..]);
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The application with a media folder of its own (uploads and copies kept there).
fn with_media(mut app: TestApp, media: &std::path::Path) -> TestApp {
    let files = Arc::new(
        RemoteImages::with_policy(media, crate::images::only_127_0_0_2)
            .unwrap_or_else(|e| panic!("{e:#}")),
    );
    app.app.agora = app
        .app
        .agora
        .clone()
        .with_image_fetcher(files.clone())
        .with_media_files(files);
    app.router = app.app.router(WebConfig {
        media_dir: Some(media.to_owned()),
        ..WebConfig::new("http://agora.test")
    });
    app
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn each_format_is_uploaded_re_encoded_in_its_own_and_other_files_are_refused() {
    each_backend(|app| async move {
        let media = tempdir();
        let app = with_media(app, media.path());
        let admin = app.register("admin").await;
        app.create_group(&admin, "riders", "public").await;
        let path = routes::group_uploads("riders");
        for (format, declared, mime) in [
            (image::ImageFormat::Png, "image/png", "image/png"),
            // Declared wrongly: the bytes decide.
            (
                image::ImageFormat::Jpeg,
                "application/octet-stream",
                "image/jpeg",
            ),
            (image::ImageFormat::WebP, "image/png", "image/webp"),
        ] {
            let r = upload(&app, &path, &admin, declared, &picture(format, 40, 30)).await;
            assert_eq!(r.status, StatusCode::CREATED, "{format:?}: {}", r.text());
            let body = r.json();
            let url = body["url"].as_str().unwrap_or_default().to_owned();
            assert_eq!(body["markdown"], format!("![]({url})"));
            assert_eq!(
                (body["width"].as_i64(), body["height"].as_i64()),
                (Some(40), Some(30))
            );
            let got = fetch(&app, &url, None).await;
            assert_eq!(got.status, StatusCode::OK, "{url}");
            assert_eq!(got.header("content-type"), mime);
            assert_eq!(image::guess_format(&got.bytes).ok(), Some(format));
            assert!(
                got.header("cache-control").starts_with("public"),
                "a public group's image is cached by anyone"
            );
        }
        // The same, as the `file` part of a form.
        let req = Request::builder()
            .method(Method::POST)
            .uri(&path)
            .header(header::AUTHORIZATION, format!("Bearer {admin}"))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(multipart(
                &[],
                &picture(image::ImageFormat::Png, 10, 10),
            )))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(send(&app, req).await.status, StatusCode::CREATED);

        for (what, bytes) in [
            (
                "a page renamed .png",
                b"<html><body>not an image</body></html>".to_vec(),
            ),
            (
                "an SVG",
                b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"
                    .to_vec(),
            ),
            ("a GIF", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec()),
            ("a PNG's signature and then rubbish", {
                let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
                b.extend_from_slice(&[7; 200]);
                b
            }),
        ] {
            let r = upload(&app, &path, &admin, "image/png", &bytes).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
            assert_eq!(r.json()["error"]["code"], "not_an_image", "{what}");
            assert_eq!(r.json()["error"]["field"], "file", "{what}");
        }
        let empty = upload(&app, &path, &admin, "image/png", b"").await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        let guest = Request::builder()
            .method(Method::POST)
            .uri(&path)
            .body(Body::from(picture(image::ImageFormat::Png, 5, 5)))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(send(&app, guest).await.status, StatusCode::UNAUTHORIZED);
        let outsider = app.register("olga").await;
        let r = upload(
            &app,
            &path,
            &outsider,
            "image/png",
            &picture(image::ImageFormat::Png, 5, 5),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "join first: {}", r.text());
    })
    .await;
}

#[tokio::test]
async fn an_avatar_is_three_squares_without_metadata_and_goes_with_its_member() {
    each_backend(|app| async move {
        let media = tempdir();
        let app = with_media(app, media.path());
        let admin = app.register("admin").await;
        let frida = app.register("frida").await;
        app.create_group(&admin, "riders", "public").await;
        app.join(&frida, "riders").await;
        let photo = jpeg_with_exif(300, 200);
        assert!(contains(&photo, SECRET) && contains(&photo, b"Exif"));

        let r = upload(&app, &routes::me_avatar(), &frida, "image/jpeg", &photo).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let avatar = r.json();
        let mut urls = Vec::new();
        for size in [48u32, 96, 192] {
            let url = avatar[format!("url_{size}")]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let got = fetch(&app, &url, None).await;
            assert_eq!(got.status, StatusCode::OK, "{url}");
            assert!(!contains(&got.bytes, SECRET), "the place is gone");
            assert!(!contains(&got.bytes, b"Exif"), "no EXIF segment at all");
            let mut decoder =
                image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(&got.bytes))
                    .unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!(decoder.exif_metadata().ok().flatten(), None);
            assert_eq!(decoder.dimensions(), (size, size), "a square of {size}");
            urls.push(url);
        }
        let profile = app.page("/u/frida", None).await;
        assert!(profile.text.contains(&urls[2]), "the profile shows it");
        let (topic, _) = app
            .create_topic(&frida, "riders", "My new avatar", "Hello")
            .await;
        let page = app.page(&format!("/t/{topic}/my-new-avatar"), None).await;
        assert!(
            page.text
                .contains(&format!("<img class=\"avatar\" src=\"{}\"", urls[1])),
            "her posts show it"
        );

        // Another avatar replaces it; the old files go.
        let png = picture(image::ImageFormat::Png, 120, 160);
        let r = upload(&app, &routes::me_avatar(), &frida, "image/png", &png).await;
        assert_eq!(r.status, StatusCode::OK);
        for old in &urls {
            assert_eq!(
                fetch(&app, old, None).await.status,
                StatusCode::NOT_FOUND,
                "{old}"
            );
        }
        let export = app.get(&routes::me_export(), Some(&frida)).await.body;
        let listed: Vec<&str> = export["media"]
            .as_array()
            .map(|a| a.iter().filter_map(|m| m["url"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(listed.len(), 3, "the export lists the avatar: {export}");
        assert!(export["media"][0]["purpose"] == "avatar");

        // Removed, and after erasure nothing is left.
        let removed = app.delete(&routes::me_avatar(), Some(&frida)).await;
        assert_eq!(removed.status, StatusCode::NO_CONTENT);
        for url in &listed {
            assert_eq!(fetch(&app, url, None).await.status, StatusCode::NOT_FOUND);
        }
        let r = upload(&app, &routes::me_avatar(), &frida, "image/png", &png).await;
        let kept = r.json()["url_96"].as_str().unwrap_or_default().to_owned();
        let erased = app
            .call(
                Method::DELETE,
                &routes::me(),
                Some(&frida),
                Some(json!({"password": PASSWORD})),
            )
            .await;
        assert_eq!(erased.status, StatusCode::NO_CONTENT, "{}", erased.text);
        assert_eq!(fetch(&app, &kept, None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.db().count_rows("media").await, 0);
        let files = std::fs::read_dir(media.path())
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.path().is_file())
                    .count()
            })
            .unwrap_or(0);
        assert_eq!(files, 0, "no avatar file is left in the media folder");
    })
    .await;
}

#[tokio::test]
async fn a_closed_groups_image_reaches_its_readers_only_and_a_secret_groups_is_a_missing_name() {
    each_backend(|app| async move {
        let media = tempdir();
        let app = with_media(app, media.path());
        let admin = app.register("admin").await;
        let member = app.register("mia").await;
        let outsider = app.register("olga").await;
        app.create_group(&admin, "workshop", "closed").await;
        app.create_group(&admin, "council", "secret").await;
        let png = picture(image::ImageFormat::Png, 20, 20);
        let mut urls = Vec::new();
        for slug in ["workshop", "council"] {
            let r = upload(
                &app,
                &routes::group_uploads(slug),
                &admin,
                "image/png",
                &png,
            )
            .await;
            assert_eq!(r.status, StatusCode::CREATED, "{slug}: {}", r.text());
            urls.push(r.json()["url"].as_str().unwrap_or_default().to_owned());
        }
        assert_ne!(
            urls[0], urls[1],
            "the same picture is a file of each audience"
        );
        let (closed, secret) = (&urls[0], &urls[1]);

        // Members of the group read it, privately cached.
        let got = fetch(&app, closed, Some(&admin)).await;
        assert_eq!(got.status, StatusCode::OK);
        assert!(
            got.header("cache-control").starts_with("private"),
            "{}",
            got.header("cache-control")
        );
        assert_eq!(
            fetch(&app, secret, Some(&admin)).await.status,
            StatusCode::OK
        );

        // Those who see the closed group but may not read it are refused it.
        for viewer in [None, Some(outsider.as_str()), Some(member.as_str())] {
            let got = fetch(&app, closed, viewer).await;
            assert!(
                matches!(got.status, StatusCode::FORBIDDEN | StatusCode::SEE_OTHER),
                "{viewer:?}: {}",
                got.status
            );
            assert!(!contains(&got.bytes, &png[..8]), "no image bytes");
        }
        // A secret group's image is the 404 of a name that never was.
        let missing = format!("/media/{}.png", "0".repeat(32));
        for viewer in [None, Some(outsider.as_str())] {
            let never = fetch(&app, &missing, viewer).await;
            let hidden = fetch(&app, secret, viewer).await;
            assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{viewer:?}");
            assert_eq!(never.status, hidden.status);
            assert_eq!(
                crate::pages::without_form_tokens(&never.text()),
                crate::pages::without_form_tokens(&hidden.text()),
                "{viewer:?}"
            );
        }

        // Joining the closed group opens it.
        app.join(&member, "workshop").await;
        let approve = app
            .post(
                &routes::group_request_approve("workshop", "mia"),
                Some(&admin),
                json!({}),
            )
            .await;
        assert!(approve.status.is_success(), "{}", approve.text);
        assert_eq!(
            fetch(&app, closed, Some(&member)).await.status,
            StatusCode::OK
        );
    })
    .await;
}

#[tokio::test]
async fn a_remote_image_in_a_closed_groups_post_is_that_groups_own_copy() {
    let hits = Arc::new(AtomicUsize::new(0));
    let host = crate::images::image_host([127, 0, 0, 2], hits, None).await;
    each_backend(|app| async move {
        let media = tempdir();
        let app = with_media(app, media.path());
        let admin = app.register("admin").await;
        let outsider = app.register("olga").await;
        app.create_group(&admin, "open", "public").await;
        app.create_group(&admin, "workshop", "closed").await;
        let body = format!("Our C2: ![c2](http://{host}/c2.png)");
        let mut copies = Vec::new();
        for slug in ["open", "workshop"] {
            let (topic, _) = app.create_topic(&admin, slug, "The C2 photo", &body).await;
            let page = app
                .page(&format!("/t/{topic}/the-c2-photo"), Some(&admin))
                .await;
            let url = first_copy(&page.text)
                .unwrap_or_else(|| panic!("{slug}: no copy in {}", page.text));
            copies.push(url);
        }
        let (public, closed) = (&copies[0], &copies[1]);
        assert_ne!(public, closed, "the closed group's copy is its own file");
        assert_eq!(fetch(&app, public, None).await.status, StatusCode::OK);
        assert_eq!(
            fetch(&app, closed, Some(&admin)).await.status,
            StatusCode::OK
        );
        assert_eq!(
            fetch(&app, closed, Some(&outsider)).await.status,
            StatusCode::FORBIDDEN
        );
        assert_ne!(fetch(&app, closed, None).await.status, StatusCode::OK);
    })
    .await;
}

/// The `/media/…` address of the first image in `html`.
fn first_copy(html: &str) -> Option<String> {
    let at = html.find("src=\"/media/")?;
    html[at + 5..].split('"').next().map(str::to_owned)
}

#[tokio::test]
async fn a_remote_image_in_a_message_is_its_conversations_own_copy_served_to_its_members_only() {
    let hits = Arc::new(AtomicUsize::new(0));
    let host = crate::images::image_host([127, 0, 0, 2], hits, None).await;
    each_backend(|app| async move {
        let media = tempdir();
        let app = with_media(app, media.path());
        let admin = app.register("admin").await;
        let anna = app.register("anna").await;
        let ben = app.register("ben").await;
        let carl = app.register("carl").await;
        let dora = app.register("dora").await;
        let body = format!("My C2: ![c2](http://{host}/c2.png)");
        app.create_group(&admin, "open", "public").await;
        let (topic, _) = app.create_topic(&admin, "open", "The C2", &body).await;
        let public = first_copy(&app.page(&format!("/t/{topic}/the-c2"), None).await.text)
            .unwrap_or_else(|| panic!("no public copy"));

        // Started with an image, and a reply with the same image: both are the
        // conversation's own copy, not the public one.
        let r = app
            .post(
                &routes::conversations(),
                Some(&anna),
                json!({"to": ["ben", "dora"], "subject": "Photos", "body": body}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let id = r.body["id"].as_i64().unwrap_or_default();
        let first = app.get(&routes::conversation(id), Some(&anna)).await.body;
        let started = first["messages"][0]["body_html"]
            .as_str()
            .unwrap_or_default();
        let copy = first_copy(started).unwrap_or_else(|| panic!("no copy: {started}"));
        assert!(!started.contains("http://"), "no remote image: {started}");
        assert_ne!(copy, public, "a conversation's copy is its own file");
        let r = app
            .post(&routes::conversation_accept(id), Some(&ben), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        let r = app
            .post(
                &routes::conversation_messages(id),
                Some(&ben),
                json!({"body": format!("Mine: ![c2](http://{host}/c2.png)")}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let reply = r.body["body_html"].as_str().unwrap_or_default().to_owned();
        let reply_copy = first_copy(&reply).unwrap_or_else(|| panic!("no copy: {reply}"));
        assert_ne!(reply_copy, public);

        // Its members have them, privately; to everyone else (a member who never took part,
        // the site's admin, a guest) they are as missing as a name never used.
        for url in [&copy, &reply_copy] {
            for member in [&anna, &ben] {
                let got = fetch(&app, url, Some(member)).await;
                assert_eq!(got.status, StatusCode::OK, "{url}");
                assert!(got.header("cache-control").starts_with("private"), "{url}");
            }
            for outsider in [Some(&carl), Some(&admin), None] {
                assert_eq!(
                    fetch(&app, url, outsider.map(String::as_str)).await.status,
                    StatusCode::NOT_FOUND,
                    "{url}"
                );
            }
        }
        // Dora, asked and not yet answering, reads it; once she declines, no more.
        assert_eq!(fetch(&app, &copy, Some(&dora)).await.status, StatusCode::OK);
        let r = app
            .post(&routes::conversation_decline(id), Some(&dora), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        assert_eq!(
            fetch(&app, &copy, Some(&dora)).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(fetch(&app, &public, None).await.status, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn upload_limits_are_site_settings_and_say_what_to_fix() {
    each_backend(|app| async move {
        let media = tempdir();
        let app = with_media(app, media.path());
        let admin = app.register("admin").await;
        app.create_group(&admin, "riders", "public").await;
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"trust": {"upload_max_kib": 1, "avatar_max_kib": 0, "upload_max_side": 64}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let site = app.get(&routes::site(), Some(&admin)).await.body;
        assert_eq!(site["trust"]["upload_max_kib"], 1, "{site}");

        let big = picture(image::ImageFormat::Png, 200, 200);
        assert!(big.len() > 1024);
        let r = upload(
            &app,
            &routes::group_uploads("riders"),
            &admin,
            "image/png",
            &big,
        )
        .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
        assert_eq!(r.json()["error"]["code"], "file_too_large");
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("1 KiB")
        );
        let avatar = upload(&app, &routes::me_avatar(), &admin, "image/png", &big).await;
        assert_eq!(avatar.status, StatusCode::PAYLOAD_TOO_LARGE);

        app.patch(
            &routes::site(),
            Some(&admin),
            json!({"trust": {"upload_max_kib": 4096}}),
        )
        .await;
        let wide = picture(image::ImageFormat::Png, 256, 128);
        let r = upload(
            &app,
            &routes::group_uploads("riders"),
            &admin,
            "image/png",
            &wide,
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(
            (r.json()["width"].as_i64(), r.json()["height"].as_i64()),
            (Some(64), Some(32))
        );
        let trust_page = app.page("/admin/trust", Some(&admin)).await;
        assert!(
            trust_page.text.contains("upload_max_kib"),
            "the limits are on /admin/trust"
        );
    })
    .await;
}

#[tokio::test]
async fn without_javascript_the_composer_and_the_avatar_form_upload_a_file() {
    let media = tempdir();
    let app = with_media(TestApp::sqlite(Default::default()).await, media.path());
    let admin = app.register("admin").await;
    app.create_group(&admin, "riders", "public").await;
    let png = picture(image::ImageFormat::Png, 30, 30);

    let composer = app.page("/g/riders/new", Some(&admin)).await;
    assert!(
        composer
            .text
            .contains("formaction=\"/g/riders/new/upload\"")
    );
    assert!(
        composer
            .text
            .contains("data-upload=\"/api/v1/groups/riders/uploads\"")
    );
    let r = form_with_file(
        &app,
        "/g/riders/new/upload",
        &admin,
        &[
            ("title", "Night ride photos"),
            ("body", "From last night:"),
            ("tags", ""),
        ],
        &png,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let page = r.text();
    assert!(
        page.contains("value=\"Night ride photos\""),
        "the title is kept"
    );
    let at = page
        .find("From last night:")
        .unwrap_or_else(|| panic!("{page}"));
    assert!(
        page[at..].starts_with("From last night:\n\n![](/media/"),
        "the image is added to the draft"
    );

    // Sent without a file, the form posts the topic.
    let r = form_with_file(
        &app,
        "/g/riders/new/upload",
        &admin,
        &[
            ("title", "Night ride photos"),
            ("body", "A photo: ![](/media/x.png)"),
            ("tags", ""),
        ],
        b"",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let topic = r.header("location").to_owned();
    let id = topic.split('/').nth(2).unwrap_or_default().to_owned();

    // The reply form does the same.
    let r = form_with_file(
        &app,
        &format!("/t/{id}/reply/upload"),
        &admin,
        &[("body", "")],
        &png,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(
        r.text().contains(">![](/media/"),
        "the reply draft holds the image"
    );

    // A file that is not an image comes back with what to fix, the draft kept.
    let r = form_with_file(
        &app,
        &format!("/t/{id}/reply/upload"),
        &admin,
        &[("body", "my draft")],
        b"<svg/>",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("PNG, JPEG or WebP") && r.text().contains("my draft"));

    // And the edit form.
    let (_, post) = app
        .create_topic(&admin, "riders", "Edited with an image", "Before")
        .await;
    let r = form_with_file(
        &app,
        &format!("/p/{post}/edit/upload"),
        &admin,
        &[
            ("title", "Edited with an image"),
            ("body", "Before"),
            ("tags", ""),
        ],
        &png,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("Before\n\n![](/media/"), "{}", r.text());

    // The avatar form.
    let r = form_with_file(&app, "/settings/avatar", &admin, &[], &png).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let settings = app.page("/settings/avatar", Some(&admin)).await;
    assert!(
        settings
            .text
            .contains("<img class=\"avatar lg\" src=\"/media/"),
        "{}",
        settings.text
    );
    let csrf = csrf_for(&admin);
    let r = app
        .form("/settings/avatar/remove", Some(&admin), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        !app.page("/settings/avatar", Some(&admin))
            .await
            .text
            .contains("src=\"/media/")
    );
}

#[tokio::test]
async fn uploads_are_counted_like_posts() {
    let config = agora_core::AgoraConfig {
        posts_per_minute: 2,
        ..Default::default()
    };
    crate::support::each_backend_with(config, |app| async move {
        let media = tempdir();
        let app = with_media(app, media.path());
        let admin = app.register("admin").await;
        app.create_group(&admin, "riders", "public").await;
        let png = picture(image::ImageFormat::Png, 8, 8);
        let path = routes::group_uploads("riders");
        for _ in 0..2 {
            let r = upload(&app, &path, &admin, "image/png", &png).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        }
        let r = upload(&app, &routes::me_avatar(), &admin, "image/png", &png).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text());
        assert!(!r.header("retry-after").is_empty());
    })
    .await;
}

#[tokio::test]
async fn an_archived_group_takes_uploads_from_its_moderators_only() {
    each_backend(|app| async move {
        let media = tempdir();
        let app = with_media(app, media.path());
        let admin = app.register("admin").await;
        let member = app.register("mia").await;
        app.create_group(&admin, "old-club", "public").await;
        app.join(&member, "old-club").await;
        let r = app
            .patch(
                &routes::group("old-club"),
                Some(&admin),
                serde_json::json!({"archived": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let png = picture(image::ImageFormat::Png, 20, 20);
        let path = routes::group_uploads("old-club");
        let refused = upload(&app, &path, &member, "image/png", &png).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
        assert_eq!(refused.json()["error"]["code"], "archived");
        let closing = upload(&app, &path, &admin, "image/png", &png).await;
        assert_eq!(closing.status, StatusCode::CREATED, "{}", closing.text());
    })
    .await;
}
