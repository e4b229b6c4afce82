//! The two errors every use case shares: the store's, and a field that failed its rules.
//!
//! Each use case has its own error enum named for its outcomes; those wrap these two.

/// What can go wrong below the storage boundary.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A unique or foreign-key constraint refused the write; `constraint` names it.
    #[error("conflict on {constraint}")]
    Conflict { constraint: String },
    /// The database could not be reached or timed out.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Anything else; the text is for logs, never for clients.
    #[error("storage error: {0}")]
    Other(String),
}

/// A field that failed validation: which field, a stable code, and a sentence for a person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    /// The request field at fault, as the API names it.
    pub field: &'static str,
    /// A stable snake_case code clients can translate (`too_long`, `required`, …).
    pub code: &'static str,
    /// What to fix, in a sentence.
    pub message: String,
}

impl Invalid {
    /// Builds an `Invalid`.
    pub fn new(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            code,
            message: message.into(),
        }
    }
}
