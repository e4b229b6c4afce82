//! `Agora`: the entry point to every use case, holding the store, the password hasher and the
//! settings that do not change while the server runs.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::bookmarks::BookmarkStore;
use crate::content::uploads::MediaStore;
use crate::forum::mentions::MentionStore;
use crate::forum::sorts::TopStore;
use crate::mail::Mailer;
use crate::members::PasswordHasher;
use crate::members::blocks::BlockStore;
use crate::reactions::ReactionStore;
use crate::site::SiteSettings;
use crate::store::{
    AuditStore, CaseStore, ConsentStore, EmailTokenStore, EventStore, ForumStore, GroupStore,
    MailingStore, MemberDataStore, MemberStore, ModerationStore, SanctionStore, Store, TrustStore,
};

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
    /// Days the outbox keeps an event every consumer has handled (0: for ever).
    pub outbox_retention_days: i64,
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
            outbox_retention_days: 14,
        }
    }
}

/// The application: what every use case shares (the store, the clock, the mailer, the settings
/// fixed at start). The use cases themselves live in bounded modules, reached through
/// [`Agora::accounts`], [`Agora::groups`], [`Agora::forum`] and the other handles declared at
/// the end of this file; each module's methods are in its own files.
#[derive(Clone)]
pub struct Agora {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) hasher: PasswordHasher,
    pub(crate) mailer: Arc<dyn Mailer>,
    /// Renders markdown off the async threads, a few bodies at a time.
    pub(crate) renderer: crate::content::renderer::Renderer,
    /// Copies remote images of posts to our own origin (none by default).
    pub(crate) images: Arc<dyn crate::content::media::ImageFetcher>,
    /// Keeps uploaded images in the media folder (none by default: uploads are refused).
    pub(crate) media_files: Arc<dyn crate::content::uploads::MediaFiles>,
    pub(crate) config: AgoraConfig,
    /// Wakes this process's event worker's consumers when a use case recorded an event: each
    /// consumer watches the count, so a nudge given while it works is seen when it is done.
    pub(crate) events_recorded: Arc<tokio::sync::watch::Sender<u64>>,
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
    /// The kinds this application knows: [`crate::kinds::ALL`], and a kind a test adds
    /// (`with_kind`).
    pub(crate) kinds: Arc<[&'static crate::kinds::Kind]>,
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
            media_files: Arc::new(crate::content::uploads::NoMediaFiles),
            renderer: crate::content::renderer::Renderer::for_this_machine(),
            config,
            clock: Arc::new(crate::time::SystemClock),
            events_recorded: Arc::new(tokio::sync::watch::channel(0).0),
            settings_cache: Arc::new(RwLock::new(None)),
            trust_checked: Arc::default(),
            local_counters: Arc::default(),
            member_count_cache: Arc::default(),
            last_sweep: Arc::default(),
            kinds: crate::kinds::ALL.into(),
        }
    }

    /// The same application, knowing one more kind besides [`crate::kinds::ALL`] (a kind a
    /// test declares for itself): its items are reported, reacted to, bookmarked and found
    /// through the shared services like every other kind's.
    pub fn with_kind(mut self, kind: &'static crate::kinds::Kind) -> Self {
        if let Some(items) = kind.items {
            items.kind().learn();
        }
        let mut kinds = self.kinds.to_vec();
        kinds.push(kind);
        self.kinds = kinds.into();
        self
    }

    /// The same application, copying the remote images of posts with `images`.
    pub fn with_image_fetcher(
        mut self,
        images: Arc<dyn crate::content::media::ImageFetcher>,
    ) -> Self {
        self.images = images;
        self
    }

    /// The same application, keeping uploaded images with `files`.
    pub fn with_media_files(mut self, files: Arc<dyn crate::content::uploads::MediaFiles>) -> Self {
        self.media_files = files;
        self
    }

    /// The same application, rendering markdown with `renderer` (tests bound it tighter).
    pub fn with_renderer(mut self, renderer: crate::content::renderer::Renderer) -> Self {
        self.renderer = renderer;
        self
    }

    /// Renders a new body (a post, a preview, a document) off the async threads, refusing one
    /// past the renderer's budget with an error on `field`.
    pub(crate) async fn render_new(
        &self,
        markdown: &str,
        field: &'static str,
    ) -> Result<crate::content::markdown::Rendered, crate::error::Refused> {
        let markdown = markdown.to_owned();
        self.renderer
            .run(move || crate::content::markdown::render_checked(&markdown))
            .await?
            .map_err(|e| e.invalid(field).into())
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

/// Declares the handle of a bounded module: a borrowed view of the application whose methods are
/// the module's use cases (written as `impl Forum<'_>` in the module's files), the accessor
/// that gives it (`agora.forum()`), and the module's **port**: the store traits it may use.
/// `self.store` in a use case is the port, not the whole store, so a module that starts
/// reading another's tables shows here first. The handle reads the other shared parts
/// (`now()`, `config`, the helpers on `Agora`) through `Deref`; a use case of another module is
/// called through that module's accessor, so every dependency between modules is written out.
macro_rules! bounded_modules {
    ($($(#[$doc:meta])* $name:ident => $accessor:ident, $port:ident: $first:ident $(+ $rest:ident)*;)*) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Copy)]
            pub struct $name<'a> {
                app: &'a $crate::agora::Agora,
                /// The store traits this module uses.
                pub(crate) store: &'a dyn $port,
            }

            impl std::ops::Deref for $name<'_> {
                type Target = $crate::agora::Agora;
                fn deref(&self) -> &$crate::agora::Agora {
                    self.app
                }
            }

            #[doc = concat!("What [`", stringify!($name), "`] may use of the store.")]
            pub trait $port: $first $(+ $rest)* + Send + Sync {}
            impl<T: $first $(+ $rest)* + Send + Sync + ?Sized> $port for T {}
        )*

        impl $crate::agora::Agora {
            $(
                $(#[$doc])*
                pub fn $accessor(&self) -> $name<'_> {
                    $name { app: self, store: &*self.store }
                }
            )*
        }
    };
}

pub(crate) use bounded_modules;

bounded_modules! {
    /// Accounts: registration, sessions, profiles, email addresses and passwords, and a member's
    /// data (export and erasure). In `members/`.
    Accounts => accounts, AccountsPort: MemberStore + EmailTokenStore + MemberDataStore
        + ConsentStore + SanctionStore + ForumStore + BlockStore;
    /// Groups: creating and listing them, membership, join requests, invitations and roles; the
    /// group policy's reach (`readable_group`). In `groups/`.
    Groups => groups, GroupsPort: GroupStore;
    /// The forum, which every kind of content builds on: topics, posts, edits, deletion, the
    /// screening of new posts and image copies. In `forum/` and `content/media.rs`.
    Forum => forum, ForumPort: ForumStore + MemberStore + TrustStore + MentionStore + TopStore;
    /// The site: its settings and the site-wide lists (latest activity, popular groups, the
    /// member directory). In `site/` and `activity.rs`.
    Site => site, SitePort: MemberStore + GroupStore + ForumStore + ConsentStore + TopStore;
    /// Moderation: reports on items of every kind and on members, sanctions and appeals, the
    /// audit log. In `flags/`, `sanctions.rs` and `audit.rs`; items are reached through their
    /// kinds' declarations (`Agora::seen_item`), never their tables.
    Moderation => moderation, ModerationPort: ModerationStore + SanctionStore + AuditStore
        + GroupStore;
    /// Legal complaints (notice and action) about items of every kind, and their cases. In
    /// `complaints/`.
    Legal => legal, LegalPort: CaseStore + GroupStore + MemberStore;
    /// Trust levels: the activity they are computed from, their settings, recounts. In `trust/`.
    Trust => trust, TrustPort: TrustStore + MemberStore;
    /// Versioned documents and the consent ledger. In `consent.rs`.
    Consent => consent, ConsentPort: ConsentStore;
    /// Mailings: email preferences, opt-ins, bulletins, unsubscribing. In `mailings.rs`.
    Mailings => mailings, MailingsPort: MailingStore + ConsentStore;
    /// The event worker: consumers of the outbox and what is due by time. In `events.rs`.
    Events => events, EventsPort: EventStore + GroupStore + ForumStore;
    /// Uploaded images (avatars, images for posts) and who may see each file of the media
    /// folder. In `content/uploads.rs`.
    Media => media, MediaPort: MediaStore + GroupStore;
    /// Reactions on every item: the like and the site's emoji, counts, who reacted. In
    /// `reactions/`.
    Reactions => reactions, ReactionsPort: ReactionStore;
    /// Bookmarks on every item, with reminders and notes. In `bookmarks.rs`.
    Bookmarks => bookmarks, BookmarksPort: BookmarkStore;
}
