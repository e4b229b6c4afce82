//! What every page knows about its request: the viewer (from the session cookie), the CSRF
//! token of their session, the site's settings, and how to build the page layout.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};

use agora_core::Viewer;
use agora_core::members::session::hash_token;
use agora_core::site::SiteSettings;

use crate::error::ApiError;
use crate::extract::SESSION_COOKIE;
use crate::pages::view::{Layout, NavViewer};
use crate::state::AppState;

/// A page request's context.
pub struct Page {
    pub viewer: Viewer,
    pub token: Option<String>,
    pub site: SiteSettings,
    display_name: String,
    invitations: i64,
    pending_documents: usize,
    path: String,
    public_url: String,
}

impl FromRequestParts<AppState> for Page {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let cookie = parts.headers.get(header::COOKIE);
        let mut page = Self::load(state, cookie).await?;
        page.viewer = page.viewer.with_client(crate::extract::client_addr(parts));
        page.path = parts
            .uri
            .path_and_query()
            .map_or_else(String::new, |p| p.as_str().to_owned());
        Ok(page)
    }
}

impl Page {
    /// A guest's context on a default site, for benchmarks.
    #[doc(hidden)]
    pub fn sample() -> Self {
        Self {
            viewer: Viewer::guest(),
            token: None,
            site: SiteSettings::default(),
            display_name: String::new(),
            invitations: 0,
            pending_documents: 0,
            path: "/t/7/battery-range-in-winter".into(),
            public_url: "https://community.example".into(),
        }
    }

    async fn load(state: &AppState, cookie: Option<&HeaderValue>) -> Result<Self, ApiError> {
        let token = cookie.and_then(|c| session_token(c.to_str().ok()?));
        // The viewer and what the header shows them about themselves: one query.
        let (viewer, facts) = match &token {
            Some(t) => state.agora.session_view(t).await?,
            None => (Viewer::guest(), None),
        };
        let facts = facts.unwrap_or_default();
        Ok(Self {
            token: token.filter(|_| viewer.id().is_some()),
            viewer,
            site: state.agora.site_settings().await?,
            display_name: facts.display_name,
            invitations: facts.invitations,
            pending_documents: usize::try_from(facts.pending_documents).unwrap_or(0),
            path: String::new(),
            public_url: state.config.public_url.clone(),
        })
    }

    /// The context for an error page; never fails (a broken database still gets a page).
    pub async fn for_error(state: &AppState, cookie: Option<&HeaderValue>) -> Self {
        match Self::load(state, cookie).await {
            Ok(p) => p,
            Err(_) => Self {
                viewer: Viewer::guest(),
                token: None,
                site: SiteSettings::default(),
                display_name: String::new(),
                invitations: 0,
                pending_documents: 0,
                path: String::new(),
                public_url: state.config.public_url.clone(),
            },
        }
    }

    /// The CSRF token of this session: forms carry it, posts must return it.
    pub fn csrf(&self) -> String {
        self.token
            .as_deref()
            .map(|t| hash_token(&format!("csrf:{t}"))[..32].to_owned())
            .unwrap_or_default()
    }

    /// Checks a form's CSRF token (signed-in sessions only; the origin check covers guests).
    pub fn check_csrf(&self, submitted: &str) -> Result<(), ApiError> {
        if self.token.is_some() && submitted != self.csrf() {
            return Err(ApiError::forbidden("csrf_failed"));
        }
        Ok(())
    }

    /// The layout of a page: `section` highlights the navigation, `noindex` keeps private
    /// pages out of search engines.
    pub fn layout(
        &self,
        title: &str,
        description: &str,
        section: &'static str,
        noindex: bool,
    ) -> Layout {
        let nav = self.viewer.actor().map(|a| NavViewer {
            username: a.username.clone(),
            display_name: self.display_name.clone(),
            initial: crate::pages::view::initial(&self.display_name, &a.username),
            hue: crate::pages::view::hue(&a.username),
            is_admin: self.viewer.is_admin(),
            verified: a.verified,
            pending_documents: self.pending_documents,
            restriction: match a.restriction {
                agora_core::viewer::Restriction::Suspended => "suspended",
                agora_core::viewer::Restriction::Silenced => "silenced",
                agora_core::viewer::Restriction::None => "",
            },
            invitations: self.invitations,
        });
        Layout {
            site_initial: crate::pages::view::initial(&self.site.name, "a"),
            site_name: self.site.name.clone(),
            title: title.to_owned(),
            description: truncate(description, 160),
            canonical: format!("{}{}", self.public_url, self.path),
            noindex,
            viewer: nav,
            csrf: self.csrf(),
            asset_version: crate::pages::asset_version(),
            section,
            query: String::new(),
        }
    }
}

fn session_token(cookies: &str) -> Option<String> {
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty())
}

/// At most `max` characters, cut at a word boundary with an ellipsis.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}
