//! The static assets compiled into the binary (the stylesheet with each kind's, the script,
//! the favicons), the site's accent colour as a stylesheet, and the version in their URLs.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

const CSS: &str = include_str!("../../static/agora.css");

/// The stylesheet: the shared styles, then each kind's.
static STYLESHEET: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    crate::kinds::KINDS
        .iter()
        .fold(CSS.to_owned(), |css, k| css + k.css)
});
const JS: &str = include_str!("../../static/agora.js");
const FAVICON_SVG: &str = include_str!("../../static/favicon.svg");
const FAVICON_PNG: &[u8] = include_bytes!("../../static/favicon-32.png");

/// A version for the assets' URLs, so browsers may cache them for a year.
pub(crate) fn asset_version() -> &'static str {
    static VERSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        // FNV-1a over every file: changes whenever one does.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let files = STYLESHEET
            .bytes()
            .chain(JS.bytes())
            .chain(FAVICON_SVG.bytes());
        for b in files.chain(FAVICON_PNG.iter().copied()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{:08x}", h >> 32)
    });
    &VERSION
}

pub(super) fn asset(body: impl IntoResponse, content_type: &'static str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    res
}

pub(super) async fn stylesheet() -> Response {
    asset(STYLESHEET.as_str(), "text/css; charset=utf-8")
}

#[derive(serde::Deserialize)]
pub(super) struct BrandQuery {
    c: Option<String>,
}

/// `/static/brand.css?c=RRGGBB`: the site's accent colour over the stylesheet's, in light and
/// dark, with text on it black or white, whichever reads better. The colour is in the address,
/// so a change is a new address and each can be cached for good.
pub(super) async fn brand_css(
    axum::extract::Query(q): axum::extract::Query<BrandQuery>,
) -> Response {
    let hex = q.c.unwrap_or_default();
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return crate::ApiError::not_found().into_response();
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance =
        0.2126 * linear(channel(0)) + 0.7152 * linear(channel(2)) + 0.0722 * linear(channel(4));
    // Contrast against white is (1.05) / (L + 0.05), against black (L + 0.05) / 0.05.
    let text = if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 {
        "#ffffff"
    } else {
        "#111111"
    };
    let css = format!(
        ":root {{ --accent: #{hex}; --accent-text: {text}; }}\n\
         @media (prefers-color-scheme: dark) {{ :root {{ --accent: #{hex}; --accent-text: {text}; }} }}\n"
    );
    asset(css, "text/css; charset=utf-8")
}

pub(super) async fn script() -> Response {
    asset(JS, "text/javascript; charset=utf-8")
}

pub(super) async fn favicon_svg() -> Response {
    asset(FAVICON_SVG, "image/svg+xml")
}

pub(super) async fn favicon_png() -> Response {
    asset(FAVICON_PNG, "image/png")
}
