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
use crate::pages::view::{Layout, NavLink, NavViewer};
use crate::state::AppState;

/// A page request's context.
pub struct Page {
    pub viewer: Viewer,
    pub token: Option<String>,
    pub site: SiteSettings,
    pub(crate) display_name: String,
    invitations: i64,
    /// The counts beside the kinds' links in the header (unread conversations), by the link's
    /// section, in the order of the registry of kinds.
    nav_counts: Vec<(&'static str, i64)>,
    pending_documents: usize,
    path: String,
    pub(crate) public_url: String,
}

impl Page {
    /// Where a `next=` parameter may send the member: a path on this site, else `/`.
    pub fn safe_next(&self, next: Option<&str>) -> String {
        crate::pages::safe_next(next, &self.public_url)
    }
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
            nav_counts: Vec::new(),
            pending_documents: 0,
            path: "/t/7/battery-range-in-winter".into(),
            public_url: "https://community.example".into(),
        }
    }

    async fn load(state: &AppState, cookie: Option<&HeaderValue>) -> Result<Self, ApiError> {
        let token = cookie.and_then(|c| session_token(c.to_str().ok()?));
        // The viewer and what the header shows them about themselves: one query.
        let (viewer, facts) = match &token {
            Some(t) => state.agora.accounts().session_view(t).await?,
            None => (Viewer::guest(), None),
        };
        let facts = facts.unwrap_or_default();
        // The counts beside the kinds' links in the header (unread conversations), read with
        // the session, by the link's section.
        let nav_counts = crate::kinds::KINDS
            .iter()
            .filter_map(|k| {
                let nav = k.nav.as_ref()?;
                let count = facts
                    .header_counts
                    .iter()
                    .find(|(kind, _)| *kind == k.name)?;
                Some((nav.section, count.1))
            })
            .collect();
        Ok(Self {
            token: token.filter(|_| viewer.id().is_some()),
            viewer,
            site: state.agora.site().site_settings().await?,
            display_name: facts.display_name,
            invitations: facts.invitations,
            nav_counts,
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
                nav_counts: Vec::new(),
                pending_documents: 0,
                path: String::new(),
                public_url: state.config.public_url.clone(),
            },
        }
    }

    /// The page itself read what one of the header's counts counted (the last unread messages
    /// of a conversation): the header link of `section`, counted before, counts one fewer.
    pub(crate) fn read_one(&mut self, section: &str) {
        for (s, n) in &mut self.nav_counts {
            if *s == section {
                *n = (*n - 1).max(0);
            }
        }
    }

    /// The CSRF token of this session (32 hex digits), or none for a guest.
    fn session_csrf(&self) -> Option<String> {
        self.token
            .as_deref()
            .map(|t| hash_token(&format!("csrf:{t}"))[..32].to_owned())
    }

    /// The CSRF token a form carries: the session's token masked with fresh random bytes,
    /// so that it differs in every form and every response. Pages are compressed, and a
    /// secret repeated unchanged beside text a request can influence would let an observer
    /// of compressed sizes guess it byte by byte (BREACH).
    pub fn csrf(&self) -> String {
        self.session_csrf()
            .map(|token| csrf_mask(&token, uuid::Uuid::new_v4().as_bytes()))
            .unwrap_or_default()
    }

    /// Checks a form's CSRF token, masked as forms carry it or bare (signed-in sessions
    /// only; the origin check covers guests).
    pub fn check_csrf(&self, submitted: &str) -> Result<(), ApiError> {
        match self.session_csrf() {
            Some(token)
                if submitted != token
                    && csrf_unmask(submitted).as_deref() != Some(token.as_str()) =>
            {
                Err(ApiError::forbidden("csrf_failed"))
            }
            _ => Ok(()),
        }
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
            is_admin: agora_core::audience::holds(
                &self.viewer,
                agora_core::audience::Duty::RunSite,
            ),
            verified: a.verified,
            pending_documents: self.pending_documents,
            restriction: match a.restriction {
                agora_core::viewer::Restriction::Suspended => "suspended",
                agora_core::viewer::Restriction::Silenced => "silenced",
                agora_core::viewer::Restriction::None => "",
            },
            invitations: self.invitations,
            links: crate::kinds::KINDS
                .iter()
                .filter_map(|k| k.nav.as_ref())
                .map(|n| NavLink {
                    label: n.label,
                    href: n.href,
                    section: n.section,
                    count: self
                        .nav_counts
                        .iter()
                        .find(|(s, _)| *s == n.section)
                        .map_or(0, |(_, c)| *c),
                })
                .collect(),
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
            logo_url: self.site.logo_url.clone(),
            social_image: match self.site.social_image_url.as_str() {
                "" => String::new(),
                path => format!("{}{path}", self.public_url),
            },
            brand_css: match self.site.accent_color.trim_start_matches('#') {
                "" => String::new(),
                hex => format!("/static/brand.css?c={hex}"),
            },
            json_ld: String::new(),
            documents: agora_core::consent::KINDS
                .iter()
                .filter(|(kind, _)| self.site.published_documents.iter().any(|d| d == kind))
                .map(|(kind, title)| (*kind, *title))
                .collect(),
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

/// Plain text at most `max` characters long, cut at a word boundary with an ellipsis (for
/// markdown, `agora_core::content::markdown::excerpt`).
pub(crate) fn truncate(s: &str, max: usize) -> String {
    agora_core::search::excerpt(s, max)
}

/// `token` (16 bytes as 32 hex digits) masked: the 16-byte pad, then the token XOR the pad,
/// 64 hex digits in all.
fn csrf_mask(token: &str, pad: &[u8; 16]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(64);
    let bytes = decode_hex(token).unwrap_or_default();
    for b in pad
        .iter()
        .copied()
        .chain(bytes.iter().zip(pad).map(|(b, p)| b ^ p))
    {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The session token inside a masked form token, if it is one.
fn csrf_unmask(submitted: &str) -> Option<String> {
    if submitted.len() != 64 {
        return None;
    }
    let bytes = decode_hex(submitted)?;
    let (pad, masked) = bytes.split_at(16);
    Some(
        pad.iter()
            .zip(masked)
            .map(|(p, m)| format!("{:02x}", p ^ m))
            .collect(),
    )
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod csrf_tests {
    use super::*;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn a_masked_token_unmasks_to_the_session_token_and_differs_each_time() {
        let a = csrf_mask(TOKEN, &[7; 16]);
        let b = csrf_mask(TOKEN, &[200; 16]);
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(!a.contains(TOKEN) && !b.contains(TOKEN));
        assert_eq!(csrf_unmask(&a).as_deref(), Some(TOKEN));
        assert_eq!(csrf_unmask(&b).as_deref(), Some(TOKEN));
    }

    #[test]
    fn anything_else_does_not_unmask() {
        assert_eq!(csrf_unmask(TOKEN), None, "a bare token is not a masked one");
        assert_eq!(csrf_unmask(""), None);
        assert_eq!(csrf_unmask(&"z".repeat(64)), None);
        assert_eq!(csrf_unmask(&"é".repeat(32)), None);
        let mut flipped = csrf_mask(TOKEN, &[1; 16]);
        flipped.replace_range(63..64, "0");
        assert_ne!(csrf_unmask(&flipped).as_deref(), Some(TOKEN));
    }
}
