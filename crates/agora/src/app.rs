//! Wiring: opens the store, builds `Agora` and the router, serves.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use tokio::net::TcpListener;

use agora_core::mail::Mailer;
use agora_core::members::PasswordHasher;
use agora_core::{Agora, AgoraConfig};
use agora_store::SqlStore;
use agora_web::{AppState, GuestCache, WebConfig};

/// An opened application: the store and the core on it.
#[derive(Clone)]
pub struct App {
    pub store: Arc<SqlStore>,
    pub agora: Agora,
}

/// Opens the database (applying migrations) and builds the application on it.
pub async fn open(
    database_url: &str,
    hasher: PasswordHasher,
    mailer: Arc<dyn Mailer>,
    config: AgoraConfig,
) -> anyhow::Result<App> {
    let store = Arc::new(
        agora_store::connect(database_url)
            .await
            .context("opening the database")?,
    );
    let agora = Agora::new(store.clone(), hasher, mailer, config);
    Ok(App { store, agora })
}

/// The mail transport the settings ask for: SMTP, or the outbox folder.
pub fn mailer(settings: &crate::config::Settings) -> anyhow::Result<Arc<dyn Mailer>> {
    let from: lettre::message::Mailbox = settings
        .mail_from
        .parse()
        .context("the mail sender is not valid")?;
    Ok(match &settings.smtp_url {
        Some(url) => Arc::new(crate::mail::SmtpMailer::new(url, from)?),
        None => Arc::new(
            crate::mail::OutboxMailer::new(&settings.outbox(), from).with_context(|| {
                format!("creating the mail outbox {}", settings.outbox().display())
            })?,
        ),
    })
}

impl App {
    /// The router serving this application, with a guest cache of its own.
    pub fn router(&self, web: WebConfig) -> axum::Router {
        self.router_with(web, GuestCache::default())
    }

    /// The router serving this application with `guest_cache`, which `GuestCache::follow`
    /// keeps in step with changes made through other nodes.
    pub fn router_with(&self, web: WebConfig, guest_cache: GuestCache) -> axum::Router {
        self.serving(web, guest_cache).0
    }

    /// The router, and the count of its requests that may change something still running
    /// (what [`finish`] waits for before the store closes).
    pub fn serving(
        &self,
        web: WebConfig,
        guest_cache: GuestCache,
    ) -> (axum::Router, agora_web::InFlight) {
        let state = AppState::new(self.agora.clone(), web, guest_cache);
        let in_flight = state.in_flight.clone();
        (agora_web::router(state), in_flight)
    }
}

/// Serves `router` on `listener` until `shutdown` completes (Ctrl-C or SIGTERM: see
/// [`shutdown_signal`]), then lets running requests finish.
pub async fn serve(
    listener: TcpListener,
    router: axum::Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .context("serving HTTP")
}

/// How long a stopping server waits for the writes still running (their clients may have
/// left) before it closes the store anyway.
pub const SETTLE_WRITES: std::time::Duration = std::time::Duration::from_secs(30);

/// After serving stopped: waits for every request that may change something and is still
/// running (up to `bound`), then closes the store, which finishes every write handed to it.
/// Returns how many requests were still running when the bound passed (0 normally).
pub async fn finish(
    store: &agora_store::SqlStore,
    in_flight: &agora_web::InFlight,
    bound: std::time::Duration,
) -> usize {
    let left = in_flight.settle(bound).await;
    if left > 0 {
        tracing::warn!(left, "closing the store with requests still running");
    }
    store.close().await;
    left
}

/// How often a worker looks for events recorded by other processes.
pub const WORKER_POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// A name for this process's event worker, unique among the workers sharing a database.
pub fn worker_name() -> String {
    format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple())
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
