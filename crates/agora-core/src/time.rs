//! Time as agora stores it: UTC, whole microseconds since the Unix epoch.
//!
//! Both databases store an `i64`; the domain speaks `Timestamp`, which converts to
//! `OffsetDateTime` for display and RFC 3339 for the API.

use std::sync::atomic::{AtomicI64, Ordering};

use serde::{Serialize, Serializer};
use time::OffsetDateTime;

/// A point in time, in microseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

/// Where the application's time comes from: the system clock when serving, a clock a test sets
/// and moves (so that a suspension can be seen to end and a session to expire).
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// The system's clock moved forward by as much as a test asks: time passes as usual, and a
/// test can jump a week ahead to see a suspension end or a session expire.
#[derive(Debug, Default)]
pub struct ShiftedClock {
    /// How far ahead of the system's clock this clock is, in microseconds.
    ahead: AtomicI64,
}

impl ShiftedClock {
    /// Moves the clock forward by `seconds` (back, if negative).
    pub fn advance(&self, seconds: i64) {
        self.ahead
            .fetch_add(seconds.saturating_mul(1_000_000), Ordering::SeqCst);
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> Timestamp {
        Timestamp(
            Timestamp::now()
                .0
                .saturating_add(self.ahead.load(Ordering::SeqCst)),
        )
    }
}

impl Timestamp {
    /// The system's current time, truncated to microseconds. Use cases ask their `Clock`.
    pub fn now() -> Self {
        Self::from_datetime(OffsetDateTime::now_utc())
    }

    /// Converts, truncating to microseconds.
    pub fn from_datetime(at: OffsetDateTime) -> Self {
        let micros = at.unix_timestamp_nanos() / 1_000;
        Self(i64::try_from(micros).unwrap_or(i64::MAX))
    }

    /// This timestamp as a UTC date-time; out-of-range values clamp to the epoch.
    pub fn to_datetime(self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// RFC 3339, as the API writes it.
    pub fn to_rfc3339(self) -> String {
        self.to_datetime()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    }

    /// This timestamp moved by a number of seconds (negative moves back).
    pub fn plus_seconds(self, seconds: i64) -> Self {
        Self(self.0.saturating_add(seconds.saturating_mul(1_000_000)))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_datetime_at_microsecond_precision() {
        let at = Timestamp(1_700_000_000_123_456);
        assert_eq!(Timestamp::from_datetime(at.to_datetime()), at);
        assert_eq!(at.to_rfc3339(), "2023-11-14T22:13:20.123456Z");
    }

    #[test]
    fn a_shifted_clock_runs_ahead_by_what_it_was_moved() {
        let clock = ShiftedClock::default();
        let before = Timestamp::now();
        clock.advance(7 * 86_400);
        let shifted = clock.now();
        let after = Timestamp::now();
        assert!(shifted >= before.plus_seconds(7 * 86_400));
        assert!(shifted <= after.plus_seconds(7 * 86_400));
    }
}
