//! The one conversion from sqlx's errors to the core's `StoreError`.

use agora_core::StoreError;

/// Maps a sqlx error: constraint violations become `Conflict` (naming the constraint, or on
/// SQLite the table and column it reports), lost connections `Unavailable`.
pub fn from_sqlx(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) => {
            let unique_or_fk = db.is_unique_violation() || db.is_foreign_key_violation();
            if unique_or_fk {
                let constraint = db
                    .constraint()
                    .map(str::to_owned)
                    .unwrap_or_else(|| db.message().to_owned());
                StoreError::Conflict { constraint }
            } else {
                StoreError::Other(db.to_string())
            }
        }
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            StoreError::Unavailable(e.to_string())
        }
        other => StoreError::Other(other.to_string()),
    }
}
