//! `agora`: serve a community, migrate its database, create its first admin, load the demo.

mod cli;

use std::io::Read as _;

use anyhow::{Context as _, bail};
use clap::Parser as _;
use tracing_subscriber::EnvFilter;

use agora::app::{self, App};
use agora::config::{Overrides, Settings};
use agora::demo::{self, Loaded};
use agora_core::AgoraConfig;
use agora_core::members::{PasswordHasher, Registration};
use agora_core::viewer::SiteRole;
use agora_web::WebConfig;

use cli::{AdminCommand, BenchCommand, Cli, Command};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let (listen, public_url) = match &cli.command {
        Command::Serve {
            listen, public_url, ..
        } => (listen.clone(), public_url.clone()),
        _ => (None, None),
    };
    let settings = Settings::resolve(Overrides {
        data_dir: cli.common.data_dir,
        listen,
        database_url: cli.common.database_url,
        public_url,
        smtp_url: std::env::var("AGORA_SMTP_URL").ok(),
        mail_from: std::env::var("AGORA_MAIL_FROM").ok(),
        posts_per_minute: std::env::var("AGORA_POSTS_PER_MINUTE").ok(),
        guest_cache_secs: std::env::var("AGORA_GUEST_CACHE_SECS").ok(),
        outbox_retention_days: std::env::var("AGORA_OUTBOX_RETENTION_DAYS").ok(),
        trusted_proxies: std::env::var("AGORA_TRUSTED_PROXIES").ok(),
        metrics_listen: std::env::var("AGORA_METRICS_LISTEN").ok(),
    })?;
    // Seeding's bulk statements are slow by design; sqlx would print each one whole.
    let quiet_slow_statements = matches!(cli.command, Command::Bench { .. });
    init_tracing(settings.log.as_deref(), quiet_slow_statements);
    // Private (0700): it holds the database, the outbox's mails and the backups' default place.
    agora_store::files::private_dir(&settings.data_dir)
        .with_context(|| format!("creating the data folder {}", settings.data_dir.display()))?;
    // These work on whole databases, not on an opened community.
    match &cli.command {
        Command::Copy { from, to } => return agora::moving::copy(from, to).await,
        Command::Restore { from, force } => {
            return agora::moving::restore(from, &settings.database_url, *force).await;
        }
        _ => {}
    }
    let mailer = app::mailer(&settings)?;
    let config = AgoraConfig {
        public_url: settings.public_url.clone(),
        posts_per_minute: settings.posts_per_minute,
        outbox_retention_days: settings.outbox_retention_days,
        ..AgoraConfig::default()
    };
    let mut app = app::open(
        &settings.database_url,
        PasswordHasher::recommended(),
        mailer,
        config,
    )
    .await?;
    // Remote images in posts are copied to the data folder and served from our origin.
    // Uploaded images are kept in the same folder.
    let images = std::sync::Arc::new(agora::images::RemoteImages::new(&settings.media_dir())?);
    app.agora = app
        .agora
        .clone()
        .with_image_fetcher(images.clone())
        .with_media_files(images);

    match cli.command {
        Command::Migrate => {
            println!("The database is up to date ({}).", backend_name(&app));
        }
        Command::Demo => report_demo(demo::load(&app).await?),
        Command::Backup { to } => agora::moving::backup(&app.store, &to).await?,
        Command::Copy { .. } | Command::Restore { .. } => {}
        Command::Bench {
            command:
                BenchCommand::Seed {
                    posts,
                    seed,
                    manifest,
                },
        } => {
            let (report, m) =
                agora::bench::seed(&app, agora::bench::SeedOptions { posts, seed }).await?;
            let path = manifest.unwrap_or_else(|| settings.data_dir.join("bench-manifest.json"));
            std::fs::write(&path, serde_json::to_vec_pretty(&m)?)
                .with_context(|| format!("writing {}", path.display()))?;
            println!(
                "Seeded {} members, {} groups, {} memberships, {} topics and {} posts in {:.1} s ({:.0} rows/s; posts with their search entries took {:.1} s). Manifest: {}",
                report.members,
                report.groups,
                report.memberships,
                report.topics,
                report.posts,
                report.seconds,
                report.rows_per_second,
                report.post_seconds,
                path.display()
            );
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    username,
                    email,
                    display_name,
                    ..
                },
        } => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\n', '\r']).to_owned();
            if password.is_empty() {
                bail!(
                    "no password on standard input; pipe it in, e.g. `echo \"$PW\" | agora admin create …`"
                );
            }
            let form = Registration {
                username,
                email,
                password,
                display_name,
                accept_documents: true,
                email_opt_ins: Vec::new(),
            };
            let member = app
                .agora
                .accounts()
                .create_with_role(form, SiteRole::Admin)
                .await
                .map_err(|e| anyhow::anyhow!(describe_register_error(e)))?;
            println!("{} is a site admin.", member.username);
        }
        Command::Serve {
            demo: load_demo,
            no_worker,
            ..
        } => serve(app, settings, load_demo, !no_worker).await?,
        Command::Worker => {
            println!(
                "agora's event worker is running on the {} database (Ctrl-C stops it)",
                backend_name(&app)
            );
            app.agora
                .events()
                .run_worker(
                    &app::worker_name(),
                    app::WORKER_POLL,
                    app::shutdown_signal(),
                )
                .await;
            app.store.close().await;
        }
    }
    Ok(())
}

async fn serve(
    app: App,
    settings: Settings,
    load_demo: bool,
    with_worker: bool,
) -> anyhow::Result<()> {
    // First, so that everything from the demo's load on is counted.
    if let Some(addr) = settings.metrics_listen {
        let handle = agora::telemetry::install()?;
        let metrics = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("listening for metrics on {addr}"))?;
        println!(
            "metrics at http://{}/metrics",
            metrics.local_addr().unwrap_or(addr)
        );
        let router = agora::telemetry::router(handle, app.store.clone(), app.agora.clone());
        tokio::spawn(async move {
            if let Err(e) = axum::serve(metrics, router).await {
                tracing::error!(error = %e, "the metrics listener stopped");
            }
        });
    }
    if load_demo {
        report_demo(demo::load(&app).await?);
    }
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("listening on {}", settings.listen))?;
    let addr = listener.local_addr()?;
    let guest_cache = agora_web::GuestCache::default();
    let follows = settings.guest_cache_secs > 0;
    let (router, in_flight) = app.serving(
        WebConfig {
            public_url: settings.public_url.clone(),
            public_url_set: settings.public_url_set,
            trusted_proxies: settings.trusted_proxies.clone(),
            media_dir: Some(settings.media_dir()),
            signup_min_secs: 3,
            guest_cache_secs: settings.guest_cache_secs,
        },
        guest_cache.clone(),
    );
    let site = app.agora.site().site_settings().await?;
    println!(
        "agora is serving {} at http://{addr} ({} database; data in {})",
        site.name,
        backend_name(&app),
        settings.data_dir.display()
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = with_worker.then(|| {
        let agora = app.agora.clone();
        tokio::spawn(async move {
            let stop = async {
                let _ = stopped.await;
            };
            agora
                .events()
                .run_worker(&app::worker_name(), app::WORKER_POLL, stop)
                .await;
        })
    });
    // Changes made through other nodes reach this node's guests within `FOLLOW_EVERY`.
    let follower = follows.then(|| {
        let agora = app.agora.clone();
        let ttl = std::time::Duration::from_secs(settings.guest_cache_secs);
        tokio::spawn(guest_cache.follow(agora, ttl, std::future::pending()))
    });
    let served = app::serve(listener, router, app::shutdown_signal()).await;
    if let Some(follower) = follower {
        follower.abort();
    }
    // Writes still running (their clients may have left) finish before the worker and the
    // store stop: SIGTERM drops no write that was accepted.
    let left = in_flight.settle(app::SETTLE_WRITES).await;
    let _ = stop.send(());
    if let Some(worker) = worker {
        let _ = worker.await;
    }
    app::finish(&app.store, &in_flight, std::time::Duration::ZERO).await;
    if left > 0 {
        eprintln!(
            "stopped with {left} requests still running after {:?}",
            app::SETTLE_WRITES
        );
    }
    served
}

fn report_demo(loaded: Loaded) {
    match loaded {
        Loaded::Fresh(members, groups, topics, replies) => println!(
            "Loaded the demo community: {members} members, {groups} groups, {topics} topics, {replies} replies. \
             Sign in as mara (admin) or any demo member with the password {}.",
            demo::PASSWORD
        ),
        Loaded::AlreadyPopulated => {
            println!("The database already has members; the demo community was not loaded.");
        }
    }
}

fn backend_name(app: &App) -> &'static str {
    match app.store.backend() {
        agora_store::Backend::Sqlite => "SQLite",
        agora_store::Backend::Postgres => "PostgreSQL",
    }
}

fn describe_register_error(e: agora_core::members::RegisterError) -> String {
    use agora_core::members::RegisterError;
    match e {
        RegisterError::Invalid(i) => format!("{}: {}", i.field, i.message),
        RegisterError::Fields(all) => all
            .iter()
            .map(|i| format!("{}: {}", i.field, i.message))
            .collect::<Vec<_>>()
            .join("; "),
        RegisterError::UsernameTaken => "that username is taken".into(),
        RegisterError::EmailTaken => "an account with that email exists".into(),
        RegisterError::RateLimited { .. } | RegisterError::Burst { .. } => {
            "too many registrations; try later".into()
        }
        RegisterError::Store(s) => s.to_string(),
    }
}

fn init_tracing(file_level: Option<&str>, quiet_slow_statements: bool) {
    let mut filter = std::env::var("AGORA_LOG")
        .ok()
        .or_else(|| file_level.map(str::to_owned))
        .unwrap_or_else(|| "info,sqlx=warn".to_owned());
    if quiet_slow_statements {
        filter.push_str(",sqlx::query=error");
    }
    let builder = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_new(&filter).unwrap_or_else(|_| EnvFilter::new("info")));
    if std::env::var("AGORA_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}
