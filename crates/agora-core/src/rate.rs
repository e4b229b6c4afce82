//! Rate limits: a counter per key in a window that restarts when it has run out. Limits that
//! must hold across app nodes (sign-up, sign-in, password reset, mail, appeals, complaints,
//! newcomers' posts a day) count in the database; the per-minute posting limits, checked on
//! every post and there to slow down a fast writer, count in this node's memory (with several
//! nodes, a writer may get the limit once per node), so a reply costs no extra commits.

use std::net::IpAddr;

use crate::agora::Agora;
use crate::error::StoreError;
use crate::time::Timestamp;

impl Agora {
    /// Counts one more hit on `key`. More than `allowed` within `window` seconds answers
    /// `Some(seconds until the window ends)`; otherwise `None`.
    pub(crate) async fn over_limit(
        &self,
        key: &str,
        allowed: i64,
        window: i64,
    ) -> Result<Option<i64>, StoreError> {
        let now = self.now();
        let count = self
            .store
            .bump_counter(key, now, now.plus_seconds(-window))
            .await?;
        Ok((count.hits > allowed).then(|| retry_after(count.window_start, window, now)))
    }

    /// Like [`Agora::over_limit`], counted in this node's memory.
    pub(crate) fn over_limit_here(&self, key: &str, allowed: i64, window: i64) -> Option<i64> {
        let now = self.now();
        let floor = now.plus_seconds(-window);
        let Ok(mut counters) = self.local_counters.lock() else {
            return None;
        };
        if counters.len() > 50_000 {
            counters.retain(|_, (start, _)| *start > floor);
        }
        let entry = counters.entry(key.to_owned()).or_insert((now, 0));
        if entry.0 <= floor {
            *entry = (now, 0);
        }
        entry.1 += 1;
        (entry.1 > allowed).then(|| retry_after(entry.0, window, now))
    }
}

/// Seconds until a window that started at `start` and lasts `window` seconds is over.
pub(crate) fn retry_after(start: Timestamp, window: i64, now: Timestamp) -> i64 {
    let end = start.plus_seconds(window);
    ((end.0 - now.0) / 1_000_000).max(1)
}

/// The key of the limit `scope` (`login-client`, `register-burst`, …) for a request from the
/// network address `client`, as [`network`] counts it. Every limit per address builds its key
/// here.
pub(crate) fn per_address(scope: &str, client: &str) -> String {
    format!("{scope}:{}", network(client))
}

/// What limits per address count a client as: an IPv4 address whole; an IPv6 address by its
/// /64, the network one subscriber (a home, a server) is given, so a client cannot escape a
/// limit by taking another of its 2^64 addresses; an IPv4-mapped IPv6 address
/// (`::ffff:a.b.c.d`) as the IPv4 address. Text that is no address (`local`) counts as itself.
/// Logs keep the full address.
pub(crate) fn network(client: &str) -> String {
    match client.parse::<IpAddr>().map(|ip| ip.to_canonical()) {
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Ok(IpAddr::V6(v6)) => {
            let prefix = u128::from(v6) & !u128::from(u64::MAX);
            format!("{}/64", std::net::Ipv6Addr::from(prefix))
        }
        Err(_) => client.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_client_is_counted_by_its_64_and_an_ipv4_one_whole() {
        for (client, counted_as) in [
            ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
            ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
            ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
            ("::1", "::/64"),
            ("198.51.100.7", "198.51.100.7"),
            ("::ffff:198.51.100.7", "198.51.100.7"),
            ("local", "local"),
        ] {
            assert_eq!(network(client), counted_as, "{client}");
        }
        assert_eq!(
            per_address("login-client", "2001:db8:1:2:aaaa::9"),
            per_address("login-client", "2001:db8:1:2:bbbb::1")
        );
        assert_ne!(
            per_address("login-client", "2001:db8:1:2::1"),
            per_address("login-client", "2001:db8:1:3::1")
        );
        assert_ne!(
            per_address("login-client", "198.51.100.7"),
            per_address("login-client", "198.51.100.8")
        );
    }
}
