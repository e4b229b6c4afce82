//! Password attempts. Every path that checks a password (signing in, changing the address,
//! erasing the account) takes the attempt before it checks: the account's counter is raised
//! first, then the address's, each by one statement, and an attempt past either limit is
//! refused without looking at the password.
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
    /// counted under the `login` typed so that the answer is the same; no login either: one no
    /// account can have, counted against the address only), from `client`.
    pub(crate) async fn attempt_password(
        self,
        found: Option<&Credentials>,
        login: Option<&str>,
        password: &str,
        client: &str,
    ) -> Result<Attempt, StoreError> {
        let now = self.now();
        let window = self.config.login_window_secs;
        let floor = now.plus_seconds(-window);
        let account_key = match (found, login) {
            (Some(c), _) => Some(format!("login-member:{}", c.member.id.0)),
            (None, Some(login)) => Some(format!("login:{}", login.trim().to_lowercase())),
            (None, None) => None,
        };
        let client_key = crate::rate::per_address("login-client", client);
        let allowed = self.config.login_failures_allowed;
        // The account's count first: an attempt past it is refused without touching the
        // address's count (it was not checked, so it is no failure from there). Then the
        // address's: an attempt past that gives the account its attempt back.
        if let Some(key) = &account_key {
            let account = self.store.bump_counter(key, now, floor).await?;
            if account.hits > allowed {
                return Ok(limited(account.window_start, window, now));
            }
        }
        let address = self.store.bump_counter(&client_key, now, floor).await?;
        if address.hits > allowed * 4 {
            if let Some(key) = &account_key {
                self.store.release_counter(key, floor).await?;
            }
            return Ok(limited(address.window_start, window, now));
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
        if let Some(key) = &account_key {
            self.store.clear_counter(key).await?;
        }
        self.store.release_counter(&client_key, floor).await?;
        Ok(Attempt::Right)
    }
}

/// An attempt refused by a count whose window started at `start`.
fn limited(start: crate::time::Timestamp, window: i64, now: crate::time::Timestamp) -> Attempt {
    metrics::counter!("agora_password_attempts_total", "result" => "limited").increment(1);
    Attempt::Limited {
        retry_after_secs: crate::rate::retry_after(start, window, now),
    }
}
