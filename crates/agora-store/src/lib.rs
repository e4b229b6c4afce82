//! agora's storage: the core's store traits implemented once in SQL that runs on SQLite
//! (embedded, the default) and on PostgreSQL (for several app nodes), with migrations per
//! backend under `migrations/`.

mod audit;
pub mod bulk;
mod cases;
mod connect;
mod consent;
mod data;
mod db;
mod error;
mod forum;
mod groups;
mod mailings;
mod members;
mod moderation;
mod rows;
mod sanctions;
mod scope;
mod search;
mod trust;
mod writer;

pub use connect::{ConnectError, connect};
pub use db::Backend;

use db::Pools;

/// The store: every trait of `agora_core::store` on one pool set.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pools: Pools,
}

impl SqlStore {
    /// Which database this store runs on.
    pub fn backend(&self) -> Backend {
        self.pools.backend()
    }

    /// Closes every connection, waiting for running queries.
    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite {
                read,
                write,
                writer,
            } => {
                // A batch left open would hold its connection, and closing would wait for it.
                if let Err(e) = writer::flush(writer).await {
                    tracing::warn!(error = %e, "could not commit the last write batch");
                }
                write.close().await;
                read.close().await;
            }
            Pools::Postgres(p) => p.close().await,
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), agora_core::StoreError> {
        let mut h = self.pools.read().await?;
        h.one::<db::Int>("SELECT 1", &[]).await.map(|_| ())
    }
}
