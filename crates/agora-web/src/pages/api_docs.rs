//! `/api`: the API's guide (`docs/api.md`, built into the binary) as a page a person reads,
//! with the way to the OpenAPI document every field is described in.

use askama::Template;
use axum::response::Response;

use crate::error::ApiError;
use crate::pages::view::Layout;
use crate::pages::{Page, render};

/// The guide, rendered once.
fn guide() -> &'static str {
    static HTML: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        agora_core::content::markdown::render(include_str!("../../../../docs/api.md")).html
    });
    &HTML
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct ApiDocs {
    layout: Layout,
    guide_html: &'static str,
}

/// `/api`.
pub async fn show(page: Page) -> Result<Response, ApiError> {
    Ok(render(&ApiDocs {
        layout: page.layout(
            "API",
            "agora's JSON API: authentication, errors, paging, and every route.",
            "about",
            false,
        ),
        guide_html: guide(),
    }))
}
