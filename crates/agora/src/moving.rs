//! The operator's commands that move a whole database: `agora backup`, `agora restore` and
//! `agora copy`, with their progress on the terminal.

use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};

use agora_store::SqlStore;
use agora_store::copy::Progress;

/// `agora backup --to FILE`.
pub async fn backup(store: &SqlStore, to: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    let spinner = ProgressBar::new_spinner().with_message(format!("writing {}", to.display()));
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let bytes = store.backup_to(to).await;
    spinner.finish_and_clear();
    let bytes = bytes?;
    println!(
        "Backed up to {} ({:.1} MB, checked) in {:.1} s; agora went on serving meanwhile.",
        to.display(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `agora restore --from FILE [--force]`.
pub async fn restore(from: &Path, database_url: &str, force: bool) -> anyhow::Result<()> {
    let restored = agora_store::backup::restore(from, database_url, force)
        .await
        .with_context(|| format!("restoring {}", from.display()))?;
    println!(
        "Restored {} to {} ({:.1} MB: {} members, {} posts).",
        from.display(),
        restored.path.display(),
        restored.bytes as f64 / 1e6,
        restored.members,
        restored.posts
    );
    Ok(())
}

/// `agora copy --from URL --to URL`.
pub async fn copy(from: &str, to: &str) -> anyhow::Result<()> {
    let started = Instant::now();
    let bars = Bars::default();
    let report = agora_store::copy::copy(from, to, &bars).await?;
    println!(
        "Copied {} rows in {} tables in {:.1} s; every table's rows were counted on both sides and agree. \
         The search index was rebuilt on the target.",
        report.rows(),
        report.tables.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A progress bar per table on a terminal, and a line per table always (for logs).
#[derive(Default)]
struct Bars {
    bar: Mutex<Option<ProgressBar>>,
}

impl Progress for Bars {
    fn start(&self, table: &str, rows: u64) {
        println!("copying {table}: {rows} rows");
        let bar = ProgressBar::new(rows).with_message(table.to_owned());
        if let Ok(style) =
            ProgressStyle::with_template("{msg:>18} [{bar:40}] {pos}/{len} rows ({per_sec})")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        if let Ok(mut slot) = self.bar.lock() {
            *slot = Some(bar);
        }
    }

    fn advance(&self, rows: u64) {
        if let Ok(slot) = self.bar.lock()
            && let Some(bar) = slot.as_ref()
        {
            bar.inc(rows);
        }
    }

    fn finish(&self, table: &str) {
        if let Ok(mut slot) = self.bar.lock()
            && let Some(bar) = slot.take()
        {
            bar.finish_and_clear();
        }
        println!("copied {table}");
    }
}
