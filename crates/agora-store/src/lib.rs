//! agora's storage: the core's store traits implemented once in SQL that runs on SQLite
//! (embedded, the default) and on PostgreSQL (for several app nodes), with migrations per
//! backend under `migrations/`.

mod audit;
pub mod backup;
mod bookmarks;
pub mod bulk;
mod cases;
mod connect;
mod consent;
pub mod copy;
mod data;
mod db;
mod error;
mod events;
pub mod files;
mod forum;
mod forum_items;
mod groups;
mod item_refs;
mod items;
mod kinds;
mod mailings;
mod media;
mod members;
mod mentions;
mod moderation;
mod reactions;
mod roster;
mod rows;
mod sanctions;
pub mod scope;
mod search;
mod topic_sorts;
mod trust;
mod writer;

pub use connect::{ConnectError, connect, redact};
pub use db::Backend;

use db::Pools;

/// The store: every trait of `agora_core::store` on one pool set.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pools: Pools,
}

impl SqlStore {
    /// The PostgreSQL pool, if this store runs on PostgreSQL.
    pub(crate) fn pg_pool(&self) -> Option<sqlx::PgPool> {
        match &self.pools {
            Pools::Postgres { pool, .. } => Some(pool.clone()),
            Pools::Sqlite { .. } => None,
        }
    }

    /// Which database this store runs on.
    pub fn backend(&self) -> Backend {
        self.pools.backend()
    }

    /// Finishes every write handed over so far, then closes every connection.
    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite { read, writer } => {
                writer.close().await;
                read.close().await;
            }
            Pools::Postgres { pool, .. } => {
                self.pools.settle().await;
                pool.close().await;
            }
        }
    }

    /// Waits until every write handed over before the call has finished (committed or rolled
    /// back), including those whose callers left.
    pub async fn settle(&self) {
        self.pools.settle().await;
    }

    /// Sets the gauges of each connection pool's use (for a metrics scrape).
    pub fn record_pool_use(&self) {
        for (pool, open, idle) in self.pools.pool_use() {
            metrics::gauge!("agora_db_connections", "pool" => pool, "state" => "open")
                .set(f64::from(open));
            metrics::gauge!("agora_db_connections", "pool" => pool, "state" => "idle")
                .set(f64::from(idle));
        }
    }

    /// One setting's value, if set.
    pub(crate) async fn setting(
        &self,
        key: &str,
    ) -> Result<Option<String>, agora_core::StoreError> {
        #[derive(sqlx::FromRow)]
        struct Value {
            value: String,
        }
        let mut db = self.pools.read().await?;
        Ok(db
            .optional::<Value>("SELECT value FROM settings WHERE key = $1", &[key.into()])
            .await?
            .map(|v| v.value))
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), agora_core::StoreError> {
        let mut h = self.pools.read().await?;
        h.one::<db::Int>("SELECT CAST(1 AS BIGINT)", &[])
            .await
            .map(|_| ())
    }
}

/// How long a readiness probe's write may wait for its turn and its commit.
const READY_WRITE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

#[async_trait::async_trait]
impl agora_core::store::HealthStore for SqlStore {
    async fn ready(&self) -> Result<(), agora_core::StoreError> {
        use agora_core::StoreError;
        self.ping()
            .await
            .map_err(|e| StoreError::Unavailable(format!("reads fail: {e}")))?;
        // An empty write transaction proves the write path: its turn, its begin and its commit.
        let probe = self.pools.write(|tx| {
            Box::pin(async move {
                tx.one::<db::Int>("SELECT CAST(1 AS BIGINT)", &[])
                    .await
                    .map(|_| ())
            })
        });
        match tokio::time::timeout(READY_WRITE_WAIT, probe).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(StoreError::Unavailable(format!("writes fail: {e}"))),
            Err(_) => {
                // Why the writer is slow, if it knows (its last batch could not begin or
                // commit); a probe that commits clears it, so a node taken out recovers.
                let known = match &self.pools {
                    Pools::Sqlite { writer, .. } => writer.health().err(),
                    Pools::Postgres { .. } => None,
                };
                Err(StoreError::Unavailable(format!(
                    "a write waited more than {} s for the database{}",
                    READY_WRITE_WAIT.as_secs(),
                    known.map(|r| format!(" ({r})")).unwrap_or_default()
                )))
            }
        }
    }
}
