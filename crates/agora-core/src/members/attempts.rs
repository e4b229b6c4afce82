//! Password attempts. Every path that checks a password (signing in, changing the address,
//! erasing the account) takes the attempt before it checks: the counters are raised first, each
//! by one statement, and an attempt past the limit is refused without looking at the password.
//! So a hundred guesses sent at once are counted before any is answered, and five are checked,
//! not a hundred. Failures are counted per account, whatever names it (the username or the
//! address, in any case), and per client address; a right password clears the account's count
//! and gives the client its attempt back, so people signing in from one office do not lock each
//! other out.

use crate::agora::Accounts;
use crate::error::StoreError;
use crate::members::Credentials;

/// What checking a password found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attempt {
    Right,
    Wrong,
    /// Too many attempts on this account or from this address; none was checked.
    Limited {
        retry_after_secs: i64,
    },
}

impl Accounts<'_> {
    /// Checks `password` against the account `found` (none: a login that names no account,
    /// counted under `login` so that the answer is the same), from `client`.
    pub(crate) async fn attempt_password(
        self,
        found: Option<&Credentials>,
        login: &str,
        password: &str,
        client: &str,
    ) -> Result<Attempt, StoreError> {
        let now = self.now();
        let window = self.config.login_window_secs;
        let floor = now.plus_seconds(-window);
        let account_key = match found {
            Some(c) => format!("login-member:{}", c.member.id.0),
            None => format!("login:{}", login.trim().to_lowercase()),
        };
        let client_key = crate::rate::per_address("login-client", client);
        let allowed = self.config.login_failures_allowed;
        let mut retry_after_secs = None;
        for (key, allowed) in [(&account_key, allowed), (&client_key, allowed * 4)] {
            let count = self.store.bump_counter(key, now, floor).await?;
            if count.hits > allowed {
                let wait = crate::rate::retry_after(count.window_start, window, now);
                retry_after_secs = Some(retry_after_secs.map_or(wait, |w: i64| w.max(wait)));
            }
        }
        if let Some(retry_after_secs) = retry_after_secs {
            metrics::counter!("agora_password_attempts_total", "result" => "limited").increment(1);
            return Ok(Attempt::Limited { retry_after_secs });
        }
        let right = match found {
            Some(c) => self.hasher.verify(password, &c.password_hash).await,
            None => {
                // The same work as for an account, so the time does not tell either.
                let decoy = self.hasher.decoy_hash().await;
                let _ = self.hasher.verify(password, &decoy).await;
                false
            }
        };
        if !right {
            metrics::counter!("agora_password_attempts_total", "result" => "wrong").increment(1);
            return Ok(Attempt::Wrong);
        }
        self.store.clear_counter(&account_key).await?;
        self.store.release_counter(&client_key, floor).await?;
        Ok(Attempt::Right)
    }
}
