//! The web site: server-rendered pages (askama templates compiled into the binary), usable
//! without JavaScript. Pages call the same `Agora` use cases as the API; errors travel as the
//! same `ApiError` and are rendered as HTML pages by [`html_errors`].

pub(crate) mod admin;
pub(crate) mod admin_members;
pub(crate) mod api_docs;
pub(crate) mod auth;
pub(crate) mod avatar;
pub(crate) mod bookmarks;
pub(crate) mod complaints;
pub(crate) mod context;
pub(crate) mod data;
pub(crate) mod email;
pub(crate) mod flags;
pub(crate) mod group_settings;
pub(crate) mod groups;
pub(crate) mod home;
pub(crate) mod latest;
pub(crate) mod legal;
pub(crate) mod mailings;
pub(crate) mod members;
pub(crate) mod reactions;
pub(crate) mod sanctions;
pub(crate) mod search;
pub(crate) mod seo;
pub(crate) mod sorts;
pub(crate) mod structured;
pub(crate) mod topics;
pub(crate) mod trust;
pub(crate) mod view;

pub use context::Page;
#[doc(hidden)]
pub use topics::render_sample_topic;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::error::ErrorInfo;
use crate::state::AppState;

use self::view::Layout;

/// The pages' routes.
pub fn routes() -> Router<AppState> {
    crate::kinds::KINDS
        .iter()
        .fold(shared_routes(), |r, k| r.merge((k.pages)()))
}

/// The pages every kind shares.
fn shared_routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/about", get(home::about))
        .route("/api", get(api_docs::show))
        .route("/signup", get(auth::signup_form).post(auth::signup))
        .route("/signin", get(auth::signin_form).post(auth::signin))
        .route("/signout", post(auth::signout))
        .route("/verify/resend", post(email::resend))
        .route(
            "/verify/{token}",
            get(email::verify_form).post(email::verify),
        )
        .route("/forgot", get(email::forgot_form).post(email::forgot))
        .route("/reset/{token}", get(email::reset_form).post(email::reset))
        .route(
            "/settings/email",
            get(email::change_form).post(email::change),
        )
        .route(
            "/settings/avatar",
            get(avatar::form)
                .post(avatar::upload)
                .layer(crate::upload::body_limit()),
        )
        .route("/settings/avatar/remove", post(avatar::remove))
        .route("/settings/export", get(data::export))
        .route("/settings/erase", get(data::erase_form).post(data::erase))
        .route("/groups", get(groups::directory))
        .route("/groups/new", get(groups::new_form).post(groups::create))
        .route("/g/{slug}", get(groups::show))
        .route("/g/{slug}/join", post(groups::join))
        .route("/g/{slug}/leave", post(groups::leave))
        .route("/g/{slug}/members", get(groups::members))
        .route(
            "/g/{slug}/settings",
            get(group_settings::form).post(group_settings::save),
        )
        .route("/g/{slug}/delete", post(group_settings::delete))
        .route(
            "/g/{slug}/members/{username}/remove",
            post(groups::remove_member),
        )
        .route(
            "/g/{slug}/requests/{username}/{decision}",
            post(groups::decide),
        )
        .route("/g/{slug}/invite", post(groups::invite))
        .route("/g/{slug}/new", get(topics::compose).post(topics::create))
        .route(
            "/g/{slug}/new/upload",
            post(topics::compose_upload).layer(crate::upload::body_limit()),
        )
        .route("/invitations", get(groups::invitations))
        .route("/invitations/{id}/accept", post(groups::accept))
        .route("/t/{id}", get(topics::short_link))
        .route("/t/{id}/{slug}", get(topics::show))
        .route("/t/{id}/reply", post(topics::reply))
        .route(
            "/t/{id}/reply/upload",
            post(topics::reply_upload).layer(crate::upload::body_limit()),
        )
        .route("/t/{id}/moderate", post(topics::moderate))
        .route("/p/{id}", get(topics::post_link))
        .route("/p/{id}/edit", get(topics::edit_form).post(topics::edit))
        .route(
            "/p/{id}/edit/upload",
            post(topics::edit_upload).layer(crate::upload::body_limit()),
        )
        .route("/p/{id}/history", get(topics::history))
        .route("/p/{id}/delete", post(topics::delete))
        .route("/p/{id}/restore", post(topics::restore))
        .route("/items/{kind}/{id}/react", post(reactions::react))
        .route("/items/{kind}/{id}/reactions", get(reactions::who))
        .route(
            "/items/{kind}/{id}/bookmark",
            get(bookmarks::show).post(bookmarks::save),
        )
        .route("/bookmarks", get(bookmarks::list))
        .route("/u/{username}", get(members::profile))
        .route(
            "/settings",
            get(members::settings_form).post(members::settings),
        )
        .route("/search", get(search::search))
        .route("/latest", get(latest::latest))
        .route("/tags", get(latest::tags))
        .route("/tags/{tag}", get(latest::tag))
        .route("/sanctions", get(sanctions::show))
        .route("/sanctions/{id}/appeal", post(sanctions::appeal))
        .route("/admin", get(admin::settings_form).post(admin::settings))
        .route("/admin/members", get(admin_members::members))
        .route("/admin/members.csv", get(admin_members::export))
        .route("/admin/members/{username}/role", post(admin::set_role))
        .route("/admin/groups", get(admin::groups))
        .route("/admin/audit", get(admin::audit))
        .route("/admin/queue", get(flags::queue))
        .route("/admin/queue/{id}", post(flags::resolve))
        .route(
            "/admin/queue/{kind}/{id}",
            get(flags::report).post(flags::resolve_item),
        )
        .route(
            "/admin/queue/members/{username}",
            post(flags::resolve_member),
        )
        .route(
            "/admin/trust",
            get(trust::admin_form).post(trust::admin_save),
        )
        .route("/admin/members/{username}/trust", post(trust::set_level))
        .route(
            "/settings/email-preferences",
            get(mailings::preferences).post(mailings::save_preferences),
        )
        .route(
            "/unsubscribe/{token}",
            get(mailings::unsubscribe_form).post(mailings::unsubscribe),
        )
        .route(
            "/admin/bulletins",
            get(mailings::bulletins).post(mailings::send),
        )
        .route("/admin/cases", get(complaints::cases))
        .route("/admin/cases/{id}", get(complaints::case))
        .route("/admin/cases/{id}/note", post(complaints::note))
        .route("/admin/cases/{id}/decide", post(complaints::decide))
        .route(
            "/p/{id}/complaint",
            get(complaints::form).post(complaints::file),
        )
        .route(
            "/legal/complaints/confirm/{token}",
            get(complaints::confirm_form).post(complaints::confirm),
        )
        .route("/settings/trust", get(trust::mine))
        .route(
            "/u/{username}/flag",
            get(trust::flag_form).post(trust::flag),
        )
        .route("/p/{id}/flag", get(flags::form).post(flags::flag))
        .route("/items/{kind}/{id}", get(flags::item_link))
        .route(
            "/items/{kind}/{id}/report",
            get(flags::item_form).post(flags::item_flag),
        )
        .route(
            "/items/{kind}/{id}/complaint",
            get(complaints::item_form).post(complaints::item_file),
        )
        .route("/admin/documents", get(legal::admin))
        .route("/admin/documents/{kind}", post(legal::publish))
        .route("/legal/accept", get(legal::accept_form).post(legal::accept))
        .route("/legal/{kind}", get(legal::show))
        .route("/sitemap.xml", get(seo::sitemap))
        .route("/robots.txt", get(seo::robots))
        .route("/static/agora.css", get(stylesheet))
        .route("/static/agora.js", get(script))
        .route("/static/brand.css", get(brand_css))
        .route("/static/favicon.svg", get(favicon_svg))
        .route("/static/favicon-32.png", get(favicon_png))
        // Browsers ask for it whether a page links it or not.
        .route("/favicon.ico", get(favicon_png))
        .route("/media/{name}", get(media))
}

/// A file of the media folder: a copy of a remote image or an uploaded image, named by its
/// content (see `agora_core::content::uploads`). A public one is cached for a year by anyone;
/// one recorded for a closed or secret group is served only to those who may read the group
/// (`Cache-Control: private`), is 403 to others who see the group, and 404 where the group is
/// secret to them, as a missing name is. Only names the media folder makes are looked up.
async fn media(
    State(state): State<AppState>,
    auth: crate::extract::Auth,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Response {
    let Some(dir) = &state.config.media_dir else {
        return crate::ApiError::not_found().into_response();
    };
    let Some(content_type) = media_type(&name) else {
        return crate::ApiError::not_found().into_response();
    };
    let reach = match state.agora.media().reach(&auth.viewer, &name).await {
        Ok(reach) => reach,
        Err(e) => return crate::ApiError::from(e).into_response(),
    };
    match tokio::fs::read(dir.join(&name)).await {
        Ok(bytes) => {
            let mut res = asset(bytes, content_type);
            let brief = match reach {
                agora_core::content::uploads::Reach::Public => None,
                agora_core::content::uploads::Reach::PublicForNow => Some("public, max-age=300"),
                agora_core::content::uploads::Reach::Private => Some("private, max-age=600"),
            };
            if let Some(value) = brief {
                res.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
            }
            res
        }
        Err(_) => crate::ApiError::not_found().into_response(),
    }
}

/// The type of a name the media folder makes (32 lowercase hexadecimal digits, an avatar's
/// size, an image extension), or none.
fn media_type(name: &str) -> Option<&'static str> {
    let (stem, ext) = name.split_once('.')?;
    let content_type = match ext {
        "png" => "image/png",
        "jpg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        _ => return None,
    };
    let (hash, size) = stem.split_once('-').unwrap_or((stem, ""));
    let hex = hash.len() == 32
        && hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    let sized = size.is_empty() || matches!(size, "48" | "96" | "192");
    (hex && sized).then_some(content_type)
}

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

fn asset(body: impl IntoResponse, content_type: &'static str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    res
}

async fn stylesheet() -> Response {
    asset(STYLESHEET.as_str(), "text/css; charset=utf-8")
}

#[derive(serde::Deserialize)]
struct BrandQuery {
    c: Option<String>,
}

/// `/static/brand.css?c=RRGGBB`: the site's accent colour over the stylesheet's, in light and
/// dark, with text on it black or white, whichever reads better. The colour is in the address,
/// so a change is a new address and each can be cached for good.
async fn brand_css(axum::extract::Query(q): axum::extract::Query<BrandQuery>) -> Response {
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

async fn script() -> Response {
    asset(JS, "text/javascript; charset=utf-8")
}

async fn favicon_svg() -> Response {
    asset(FAVICON_SVG, "image/svg+xml")
}

async fn favicon_png() -> Response {
    asset(FAVICON_PNG, "image/png")
}

/// Renders a template into an HTML response; a template error is a 500.
pub(crate) fn render<T: askama::Template>(template: &T) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Renders a template into a piece of a page (a kind's part of a topic page); a template error
/// is a 500.
pub(crate) fn fragment<T: askama::Template>(
    template: &T,
) -> Result<String, crate::error::ApiError> {
    template
        .render()
        .map_err(|e| crate::error::ApiError::template(&e))
}

#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    status: u16,
    heading: &'static str,
    message: String,
}

/// Turns error responses of page routes into HTML pages: 401 becomes a redirect to sign in,
/// everything else the friendly error page with the same status. A secret group's 404 is the
/// very page a group that never existed gets.
pub async fn html_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let path_and_query = req
        .uri()
        .path_and_query()
        .map_or_else(|| path.clone(), |p| p.as_str().to_owned());
    let cookie = req.headers().get(header::COOKIE).cloned();
    let res = next.run(req).await;
    if path.starts_with("/api/") || path == "/health" || path == "/ready" {
        return res;
    }
    let Some(info) = res.extensions().get::<ErrorInfo>().cloned() else {
        return res;
    };
    if info.status == StatusCode::UNAUTHORIZED {
        let next = urlencode(&path_and_query);
        return Redirect::to(&format!("/signin?next={next}")).into_response();
    }
    let page = Page::for_error(&state, cookie.as_ref()).await;
    let (heading, message) = match info.status.as_u16() {
        404 if info.code == "past_the_end" => ("Past the end", info.message.clone()),
        404 => (
            "Page not found",
            "There is nothing here, or you may not see it. Check the address, or look around the groups.".to_owned(),
        ),
        403 => ("Not allowed", info.message.clone()),
        413 => ("Too large", info.message.clone()),
        429 => ("Slow down", info.message.clone()),
        s if s >= 500 => (
            "Something went wrong",
            "Something went wrong on our side. Try again in a moment.".to_owned(),
        ),
        _ => ("That did not work", info.message.clone()),
    };
    let mut out = render(&ErrorPage {
        layout: page.layout(heading, &message, "", true),
        status: info.status.as_u16(),
        heading,
        message,
    });
    *out.status_mut() = info.status;
    if let Some(v) = res.headers().get(header::RETRY_AFTER) {
        out.headers_mut().insert(header::RETRY_AFTER, v.clone());
    }
    out
}

/// Percent-encodes a value for a query string.
pub(crate) fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char);
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A redirect after a successful form post (303, so the browser GETs the next page).
pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// A `next=` target that stays on this site: resolved with a real URL parser against the
/// site's public address, kept only if the result has the same origin, and returned as a path
/// (with its query and fragment) that a browser cannot read as another host. Anything else,
/// and anything with a control character or a backslash (which browsers drop or turn into a
/// slash), is `/`.
pub(crate) fn safe_next(next: Option<&str>, public_url: &str) -> String {
    const HOME: &str = "/";
    let Some(next) = next else {
        return HOME.to_owned();
    };
    if next.is_empty() || next.chars().any(|c| c.is_control() || c == '\\') {
        return HOME.to_owned();
    }
    let Ok(base) = url::Url::parse(public_url).or_else(|_| url::Url::parse("http://localhost/"))
    else {
        return HOME.to_owned();
    };
    let Ok(target) = base.join(next) else {
        return HOME.to_owned();
    };
    if target.origin() != base.origin() || !target.username().is_empty() {
        return HOME.to_owned();
    }
    let mut local = target.path().to_owned();
    if let Some(q) = target.query() {
        local.push('?');
        local.push_str(q);
    }
    if let Some(f) = target.fragment() {
        local.push('#');
        local.push_str(f);
    }
    // A path that starts with two slashes is another host to a browser.
    if local.starts_with("//") {
        return HOME.to_owned();
    }
    local
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    const SITE: &str = "https://forum.example";

    #[test]
    fn a_next_on_this_site_is_kept() {
        for (next, kept) in [
            ("/t/12/rides?page=2#p40", "/t/12/rides?page=2#p40"),
            ("/g/berlin", "/g/berlin"),
            ("https://forum.example/settings", "/settings"),
            ("settings", "/settings"),
            ("/%2f%2fevil.example", "/%2f%2fevil.example"),
            ("/%5cevil.example", "/%5cevil.example"),
            ("/%252f%252fevil.example", "/%252f%252fevil.example"),
            ("/@evil.example", "/@evil.example"),
        ] {
            assert_eq!(safe_next(Some(next), SITE), kept, "{next:?}");
        }
    }

    #[test]
    fn a_next_that_a_browser_would_read_as_another_host_goes_home() {
        for next in [
            "//evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "\\\\evil.example",
            "/\r\n/evil.example",
            "/\n/evil.example",
            "\t//evil.example",
            "https://evil.example/",
            "http://forum.example/",
            "https://forum.example@evil.example/",
            "//forum.example@evil.example",
            "https://user@forum.example/",
            "/.//evil.example",
            "/..//evil.example",
            "javascript:alert(1)",
            "data:text/html,hi",
            "",
        ] {
            assert_eq!(safe_next(Some(next), SITE), "/", "{next:?}");
        }
        assert_eq!(safe_next(None, SITE), "/");
    }
}
