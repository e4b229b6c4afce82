//! The errors every use case shares: the store's, a field that failed its rules, and
//! [`Refused`], the refusals any use case may answer with.
//!
//! A module whose use cases have outcomes of their own (a slug taken, a topic locked, a login
//! throttled) has its own error enum named for them; a module whose only failures are the
//! common ones (moderation, the site, trust, consent, mailings) returns [`Refused`] rather
//! than borrowing another module's enum.

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

/// The refusals any use case may answer with: what the viewer asked for does not exist for
/// them, they must sign in, they may not (the code says why), what they sent fails its rules,
/// or the store failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Refused {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The thing asked for does not exist for this viewer (404, never 403).
    #[error("not found")]
    NotFound,
    #[error("sign in required")]
    SignInRequired,
    /// Seen but not allowed; the code says why (`admins_only`, `moderators_only`, …).
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// Too many attempts in a while; try again in `retry_after_secs`.
    #[error("rate limited")]
    RateLimited { retry_after_secs: i64 },
    /// Too much work waits already (rendering); try again in a moment.
    #[error("busy")]
    Busy,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Gives a module's error enum, which holds the common refusals in one `Refused(Refused)`
/// variant beside its own outcomes, the conversions `?` needs: from a `Refused`, a field's
/// `Invalid`, a `StoreError`, and the guard's `Unmet`.
macro_rules! refusals {
    ($($error:ty),* $(,)?) => {$(
        impl From<$crate::error::Refused> for $error {
            fn from(r: $crate::error::Refused) -> Self {
                Self::Refused(r)
            }
        }
        impl From<$crate::error::Invalid> for $error {
            fn from(i: $crate::error::Invalid) -> Self {
                Self::Refused(i.into())
            }
        }
        impl From<$crate::error::StoreError> for $error {
            fn from(e: $crate::error::StoreError) -> Self {
                Self::Refused(e.into())
            }
        }
        impl From<$crate::guard::Unmet> for $error {
            fn from(u: $crate::guard::Unmet) -> Self {
                Self::Refused(u.into())
            }
        }
    )*};
}
pub(crate) use refusals;
