//! The web site: server-rendered pages (askama templates compiled into the binary), usable
//! without JavaScript. Pages call the same `Agora` use cases as the API; errors travel as the
//! same `ApiError` and are rendered as HTML pages by [`html_errors`].
//!
//! Here the routes of the pages every kind shares and rendering a template; beside them the
//! static assets (`assets.rs`), the media folder (`media.rs`), the error page
//! (`error_page.rs`) and redirects (`redirects.rs`).

pub(crate) mod admin;
pub(crate) mod admin_members;
pub(crate) mod api_docs;
mod assets;
pub(crate) mod auth;
pub(crate) mod avatar;
pub(crate) mod bookmarks;
pub(crate) mod complaints;
pub(crate) mod context;
pub(crate) mod data;
pub(crate) mod email;
mod error_page;
pub(crate) mod flags;
pub(crate) mod group_settings;
pub(crate) mod groups;
pub(crate) mod home;
pub(crate) mod latest;
pub(crate) mod legal;
pub(crate) mod mailings;
mod media;
pub(crate) mod members;
pub(crate) mod reactions;
mod redirects;
pub(crate) mod sanctions;
pub(crate) mod search;
pub(crate) mod seo;
pub(crate) mod sorts;
pub(crate) mod structured;
pub(crate) mod topics;
pub(crate) mod trust;
pub(crate) mod view;

pub(crate) use assets::asset_version;
pub use context::Page;
pub use error_page::html_errors;
pub(crate) use redirects::{safe_next, see_other, urlencode};
#[doc(hidden)]
pub use topics::render_sample_topic;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};

use crate::state::AppState;

use self::assets::{brand_css, favicon_png, favicon_svg, script, stylesheet};
use self::media::media;

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
        .route("/admin/outbox", get(admin::outbox))
        .route("/admin/outbox/parked/{id}/retry", post(admin::retry_parked))
        .route(
            "/admin/outbox/parked/{id}/dismiss",
            post(admin::dismiss_parked),
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
