//! What every handler can reach: the application and the web settings.

use agora_core::Agora;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The address members use, e.g. `https://community.example.com`; decides whether the
    /// session cookie is `Secure` and which `Origin` counts as our own.
    pub public_url: String,
    /// The least time, in seconds, between showing the sign-up form and its submission;
    /// faster is a program, not a person.
    pub signup_min_secs: i64,
    /// How long, in seconds, a public page is kept for guests (see `cache`); 0 turns the
    /// guest cache off.
    pub guest_cache_secs: u64,
}

impl WebConfig {
    /// Whether the site is served over HTTPS.
    pub fn https(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// The state shared by all handlers.
#[derive(Clone)]
pub struct AppState {
    pub agora: Agora,
    pub config: WebConfig,
    /// This node's guest cache.
    pub guest_cache: crate::cache::GuestCache,
}
