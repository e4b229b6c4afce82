//! What every handler can reach: the application and the web settings.

use agora_core::Agora;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The address members use, e.g. `https://community.example.com`; decides whether the
    /// session cookie is `Secure` (if `public_url_set`) and which `Origin` counts as our own.
    pub public_url: String,
    /// Whether `public_url` was configured; if not, it is only a default made of the listen
    /// address, and a trusted proxy's `X-Forwarded-Proto` decides whether cookies are `Secure`.
    pub public_url_set: bool,
    /// Proxies whose `X-Forwarded-For` / `Forwarded` headers name the client (see `client`).
    pub trusted_proxies: crate::client::TrustedProxies,
    /// Where copies of remote images are kept (served as `/media/NAME`); none: not served.
    pub media_dir: Option<std::path::PathBuf>,
    /// The least time, in seconds, between showing the sign-up form and its submission;
    /// faster is a program, not a person.
    pub signup_min_secs: i64,
    /// How long, in seconds, a public page is kept for guests (see `cache`); 0 turns the
    /// guest cache off.
    pub guest_cache_secs: u64,
}

impl WebConfig {
    /// Settings for `public_url` with the defaults for the rest: no trusted proxies, the
    /// guest cache off, no least time for the sign-up form.
    pub fn new(public_url: &str) -> Self {
        Self {
            public_url: public_url.to_owned(),
            public_url_set: true,
            trusted_proxies: Default::default(),
            media_dir: None,
            signup_min_secs: 0,
            guest_cache_secs: 0,
        }
    }
}

/// The state shared by all handlers: one pointer, so the copy each middleware layer and
/// handler takes of it costs one atomic increment (cloning the parts, with their strings and a
/// dozen reference counts, was a sixth of a `/health` request's time).
#[derive(Clone)]
pub struct AppState(std::sync::Arc<Shared>);

/// What [`AppState`] points at.
pub struct Shared {
    pub agora: Agora,
    pub config: WebConfig,
    /// This node's guest cache.
    pub guest_cache: crate::cache::GuestCache,
    /// The requests that may change something, still running.
    pub in_flight: crate::finish::InFlight,
}

impl AppState {
    pub fn new(agora: Agora, config: WebConfig, guest_cache: crate::cache::GuestCache) -> Self {
        Self(std::sync::Arc::new(Shared {
            agora,
            config,
            guest_cache,
            in_flight: crate::finish::InFlight::default(),
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
