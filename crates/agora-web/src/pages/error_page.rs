//! The friendly error page that a page's error response becomes.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::error::ErrorInfo;
use crate::state::AppState;

use super::view::Layout;
use super::{Page, render, urlencode};

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
