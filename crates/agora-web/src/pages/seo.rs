//! For search engines: `/robots.txt`, and `/sitemap.xml` listing public content only (what a
//! guest may read, decided by the same policy as every page).

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use agora_core::Viewer;

use crate::error::ApiError;
use crate::state::AppState;

/// Private pages carry `noindex`; this keeps crawlers out of the API, the admin pages and
/// forms nobody lands on from a search engine. The sign-up page ("Join …") and search results
/// that found something are pages people do arrive at, so crawlers may read them.
pub async fn robots(State(state): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\nDisallow: /api/\nDisallow: /admin\nDisallow: /signin\nDisallow: /settings\n\nSitemap: {}/sitemap.xml\n",
        state.config.public_url
    );
    with_type(body, "text/plain; charset=utf-8")
}

/// The public groups and their recent topics, as a guest sees them.
pub async fn sitemap(State(state): State<AppState>) -> Result<Response, ApiError> {
    let guest = Viewer::guest();
    let base = &state.config.public_url;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut push = |path: &str, lastmod: Option<String>| {
        xml.push_str("  <url><loc>");
        xml.push_str(&escape(&format!("{base}{path}")));
        xml.push_str("</loc>");
        if let Some(l) = lastmod {
            xml.push_str("<lastmod>");
            xml.push_str(&l);
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    };
    push("/", None);
    push("/about", None);
    push("/groups", None);
    let (groups, _) = state.agora.groups().list_groups(&guest, None, 100).await?;
    for g in groups
        .iter()
        .filter(|g| g.access >= agora_core::groups::policy::Access::Read)
    {
        push(
            &format!("/g/{}", g.group.slug),
            Some(g.group.last_activity_at.to_rfc3339()),
        );
    }
    for t in state.agora.site().latest_activity(&guest, 1_000).await? {
        push(
            &format!("/t/{}/{}", t.topic.id.0, t.topic.slug),
            Some(t.topic.last_activity_at.to_rfc3339()),
        );
    }
    xml.push_str("</urlset>\n");
    Ok(with_type(xml, "application/xml; charset=utf-8"))
}

fn with_type(body: String, content_type: &'static str) -> Response {
    let mut res = body.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
