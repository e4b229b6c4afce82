//! `Agora`: the entry point to every use case, holding the store, the password hasher and the
//! settings that do not change while the server runs.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::mail::Mailer;
use crate::members::PasswordHasher;
use crate::site::SiteSettings;
use crate::store::Store;

/// Settings fixed at start (from flags, environment or `agora.toml`).
#[derive(Debug, Clone)]
pub struct AgoraConfig {
    /// How long a session lasts without use, in days.
    pub session_days: i64,
    /// Failed sign-ins allowed per account (and, ×4, per client address) in a window.
    pub login_failures_allowed: i64,
    /// The sign-in failure window, in seconds.
    pub login_window_secs: i64,
    /// Registrations allowed per client address per hour.
    pub registrations_per_hour: i64,
    /// The address members use, for links in mail (no trailing slash).
    pub public_url: String,
    /// Topics and replies a member may post per minute.
    pub posts_per_minute: i64,
    /// Flags from distinct verified members that hide a post until a moderator looks.
    pub flags_to_hide: i64,
}

impl Default for AgoraConfig {
    fn default() -> Self {
        Self {
            session_days: 30,
            login_failures_allowed: 5,
            login_window_secs: 15 * 60,
            registrations_per_hour: 20,
            public_url: "http://127.0.0.1:8080".into(),
            posts_per_minute: 10,
            flags_to_hide: 3,
        }
    }
}

/// The application: every use case is a method on it (see the `members`, `groups`, `forum`
/// and `site` modules for the methods).
#[derive(Clone)]
pub struct Agora {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) hasher: PasswordHasher,
    pub(crate) mailer: Arc<dyn Mailer>,
    /// Copies remote images of posts to our own origin (none by default).
    pub(crate) images: Arc<dyn crate::content::media::ImageFetcher>,
    pub(crate) config: AgoraConfig,
    /// Wakes this process's event worker when a use case recorded an event.
    pub(crate) events_recorded: Arc<tokio::sync::Notify>,
    /// Where the time comes from (the system clock unless a test sets one).
    pub(crate) clock: Arc<dyn crate::time::Clock>,
    /// Site settings as last read, and when: every page needs them, they rarely change.
    pub(crate) settings_cache: Arc<RwLock<Option<(Instant, SiteSettings)>>>,
    /// The number of members as last counted, and when (the landing page shows it; counting
    /// tens of thousands of rows on every visit is waste).
    pub(crate) member_count_cache: Arc<RwLock<Option<(Instant, i64)>>>,
    /// Rate-limit counters kept in this node's memory: key → (window start, hits).
    pub(crate) local_counters:
        Arc<std::sync::Mutex<std::collections::HashMap<String, (crate::time::Timestamp, i64)>>>,
    /// When each member's trust was last looked at after posting (on this node).
    pub(crate) trust_checked:
        Arc<std::sync::Mutex<std::collections::HashMap<crate::ids::MemberId, Instant>>>,
    /// When this node's worker last looked for what is due by time (answers waiting for
    /// acceptance), by the application's clock.
    pub(crate) last_sweep: Arc<std::sync::Mutex<Option<crate::time::Timestamp>>>,
}

/// How long cached site settings are used before they are read again. A change made on this
/// node is seen at once; one made on another node within this time.
pub(crate) const SETTINGS_TTL: Duration = Duration::from_secs(2);

impl Agora {
    /// Builds the application on a store and a mail transport.
    pub fn new(
        store: Arc<dyn Store>,
        hasher: PasswordHasher,
        mailer: Arc<dyn Mailer>,
        config: AgoraConfig,
    ) -> Self {
        Self {
            store,
            hasher,
            mailer,
            images: Arc::new(crate::content::media::NoFetching),
            config,
            clock: Arc::new(crate::time::SystemClock),
            events_recorded: Arc::default(),
            settings_cache: Arc::new(RwLock::new(None)),
            trust_checked: Arc::default(),
            local_counters: Arc::default(),
            member_count_cache: Arc::default(),
            last_sweep: Arc::default(),
        }
    }

    /// The same application, copying the remote images of posts with `images`.
    pub fn with_image_fetcher(
        mut self,
        images: Arc<dyn crate::content::media::ImageFetcher>,
    ) -> Self {
        self.images = images;
        self
    }

    /// The same application, telling time by `clock` (tests move it to see things expire).
    pub fn with_clock(mut self, clock: Arc<dyn crate::time::Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The current time by the application's clock: what pages and answers compare against
    /// (whether a sanction is still active, how long ago something happened).
    pub fn now(&self) -> crate::time::Timestamp {
        self.clock.now()
    }

    /// Whether the database serves reads and takes writes; if not, why (for `/ready`).
    pub async fn ready(&self) -> Result<(), crate::error::StoreError> {
        self.store.ready().await
    }

    /// The settings fixed at start.
    pub fn config(&self) -> &AgoraConfig {
        &self.config
    }
}
