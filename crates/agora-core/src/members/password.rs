//! Passwords: the rules a new one must meet, and argon2id hashing off the async threads.

use std::sync::Arc;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::error::Invalid;

/// A password that meets the rules: 10 to 256 characters.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

impl Password {
    pub const MIN_LEN: usize = 10;
    pub const MAX_LEN: usize = 256;

    /// Checks a new password.
    pub fn parse_new(raw: &str) -> Result<Self, Invalid> {
        let n = raw.chars().count();
        if n < Self::MIN_LEN {
            return Err(Invalid::new(
                "password",
                "too_short",
                format!(
                    "Choose a password of at least {} characters.",
                    Self::MIN_LEN
                ),
            ));
        }
        if n > Self::MAX_LEN {
            return Err(Invalid::new(
                "password",
                "too_long",
                format!(
                    "A password may be at most {} characters long.",
                    Self::MAX_LEN
                ),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The password text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Hashes and verifies passwords with argon2id on blocking threads, a few at a time, so that
/// a burst of sign-ins cannot starve the server of memory or threads; a hash keeps its place
/// until it is done, even when the request that asked for it is gone.
#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    permits: Arc<Semaphore>,
}

impl PasswordHasher {
    /// OWASP's argon2id parameters: 19 MiB, 2 passes, 1 lane.
    pub fn recommended() -> Self {
        Self::with_params(Params::default())
    }

    /// Cheap parameters for test suites that create hundreds of accounts. Still argon2id.
    pub fn fast_for_tests() -> Self {
        let params = Params::new(1024, 1, 1, None).unwrap_or_default();
        Self::with_params(params)
    }

    fn with_params(params: Params) -> Self {
        Self {
            params,
            permits: Arc::new(Semaphore::new(4)),
        }
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// Hashes a password into a PHC string.
    pub async fn hash(&self, password: &Password) -> Result<String, String> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| e.to_string())?;
        let argon2 = self.argon2();
        let pw = password.0.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            argon2
                .hash_password(pw.as_bytes())
                .map(|h: PasswordHash| h.to_string())
                .map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| e.to_string())?
    }

    /// Whether `password` matches the PHC string `hash`. A malformed hash never matches.
    pub async fn verify(&self, password: &str, hash: &str) -> bool {
        let Ok(permit) = self.permits.clone().acquire_owned().await else {
            return false;
        };
        let argon2 = self.argon2();
        let pw = password.to_owned();
        let hash = hash.to_owned();
        tokio::task::spawn_blocking(move || {
            // The place is held until the hash is computed, even if the caller has gone: a
            // client that hangs up cannot make more hashes run at once.
            let _permit = permit;
            PasswordHash::new(&hash)
                .map(|parsed| argon2.verify_password(pw.as_bytes(), &parsed).is_ok())
                .unwrap_or(false)
        })
        .await
        .unwrap_or(false)
    }

    /// A hash of a random password, verified against when the account does not exist so that
    /// sign-in takes the same time either way.
    pub async fn decoy_hash(&self) -> String {
        let pw = Password(crate::members::session::SessionToken::generate().0);
        self.hash(&pw).await.unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let hasher = PasswordHasher::fast_for_tests();
        let pw = Password::parse_new("correct horse battery").unwrap_or_else(|e| panic!("{e}"));
        let hash = hasher.hash(&pw).await.unwrap_or_default();
        assert!(hash.starts_with("$argon2id$"));
        assert!(hasher.verify("correct horse battery", &hash).await);
        assert!(!hasher.verify("correct horse battery!", &hash).await);
        assert!(!hasher.verify("x", "not a hash").await);
    }

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(
            Password::parse_new("short").map(|_| ()).map_err(|e| e.code),
            Err("too_short")
        );
    }
}
