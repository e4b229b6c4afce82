//! The command line of the `agora` binary (not of its library): the settings every command
//! shares, and the commands with their arguments, as clap reads them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// agora: a self-hosted community platform (groups, forums, search) on SQLite or PostgreSQL.
#[derive(Parser)]
#[command(name = "agora", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) common: Common,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Settings every command shares. Each can also come from the environment or, except the
/// data folder itself, from `agora.toml` in the data folder.
#[derive(Args)]
pub(crate) struct Common {
    /// Folder for the SQLite database and agora.toml.
    #[arg(long, global = true, env = "AGORA_DATA_DIR", value_name = "DIR")]
    pub(crate) data_dir: Option<PathBuf>,
    /// Database URL: sqlite:PATH or postgres://USER@HOST/DB [default: sqlite in the data folder].
    #[arg(long, global = true, env = "AGORA_DATABASE_URL", value_name = "URL")]
    pub(crate) database_url: Option<String>,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Apply pending migrations, then serve the community over HTTP.
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080].
        #[arg(long, env = "AGORA_LISTEN", value_name = "ADDR")]
        listen: Option<String>,
        /// The address members use, e.g. https://community.example.com [default: http://ADDR].
        #[arg(long, env = "AGORA_PUBLIC_URL", value_name = "URL")]
        public_url: Option<String>,
        /// Load the demo community first if the database is empty.
        #[arg(long)]
        demo: bool,
        /// Do not run the event worker in this process (run `agora worker` elsewhere).
        #[arg(long, env = "AGORA_NO_WORKER")]
        no_worker: bool,
    },
    /// Run only the event worker (bulletin delivery and the other work that follows a change),
    /// for setups where several nodes serve one PostgreSQL database.
    Worker,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Administration tasks.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Fill an empty database with the demo community (Voltera Riders).
    Demo,
    /// Write a consistent copy of the SQLite database to FILE while agora serves (on
    /// PostgreSQL, use pg_dump).
    Backup {
        /// The backup file to write; it must not exist.
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// Put a backup in place of the SQLite database (stop agora first).
    Restore {
        /// The backup file, as `agora backup` wrote it.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// Replace a database that holds data.
        #[arg(long)]
        force: bool,
    },
    /// Copy a whole community into an empty database: SQLite to PostgreSQL, or back (stop
    /// agora on the source first).
    Copy {
        /// The database to copy from (read, never changed): sqlite:PATH or postgres://…
        #[arg(long, value_name = "URL")]
        from: String,
        /// The empty database to copy into: sqlite:PATH or postgres://…
        #[arg(long, value_name = "URL")]
        to: String,
    },
    /// Benchmark tooling (see docs/performance.md).
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
}

#[derive(Subcommand)]
pub(crate) enum BenchCommand {
    /// Fill an empty database with a large generated community for the load benchmark, and
    /// write what the benchmark needs to know about it (a JSON manifest).
    Seed {
        /// How many posts (topics' opening posts included).
        #[arg(long, default_value_t = 1_000_000)]
        posts: u64,
        /// The generator's seed: the same seed gives the same community.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where to write the manifest [default: DATA/bench-manifest.json].
        #[arg(long, value_name = "FILE")]
        manifest: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub(crate) enum AdminCommand {
    /// Create a site admin (or make an existing member one).
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
        /// Shown beside posts; defaults to the username.
        #[arg(long, default_value = "")]
        display_name: String,
        /// Read the password from standard input (the only way to give it, so it stays out
        /// of shell history and process lists).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}
