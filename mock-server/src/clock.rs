//! The virtual clock of a tenant: a base clock (the system clock unless a test pins one)
//! plus an offset that the admin API moves forward. Every move is announced on
//! [`VirtualClock::changed`], so work scheduled on virtual time (callback retries) runs as soon
//! as the clock passes it instead of waiting for real time to catch up.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use tokio::sync::Notify;
use wechatpay_crypto::{Clock, SystemClock};

/// Why the clock refused to move.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// Only forward moves are allowed: state machines and timeouts assume time never runs back.
    #[error("the virtual clock only moves forward; got {secs} s")]
    NotForward {
        /// The requested move.
        secs: i64,
    },
    /// The offset would overflow.
    #[error("advancing by {secs} s overflows the virtual clock")]
    Overflow {
        /// The requested move.
        secs: i64,
    },
}

/// The latest time the virtual clock may reach: 9999-12-31T23:59:59Z, the last instant
/// RFC 3339 (and so every time field of the API) can write.
pub const MAX_UNIX: i64 = 253_402_300_799;

/// Real time plus an offset. Cheap to clone; clones share the offset.
#[derive(Clone, Debug)]
pub struct VirtualClock {
    base: Arc<dyn Clock>,
    offset_secs: Arc<AtomicI64>,
    changed: Arc<Notify>,
}

impl Default for VirtualClock {
    fn default() -> Self {
        Self::new(Arc::new(SystemClock))
    }
}

impl VirtualClock {
    /// A clock running on `base` with no offset.
    pub fn new(base: Arc<dyn Clock>) -> Self {
        Self { base, offset_secs: Arc::new(AtomicI64::new(0)), changed: Arc::new(Notify::new()) }
    }

    /// Notified (`notify_one`: a move is remembered until someone waits) whenever the clock
    /// moves or is reset; the callback dispatcher waits on it.
    pub fn changed(&self) -> &Notify {
        &self.changed
    }

    /// How far ahead of the base clock this clock runs, seconds.
    pub fn offset_secs(&self) -> i64 {
        self.offset_secs.load(Ordering::SeqCst)
    }

    /// Moves the clock forward by `secs` (> 0) and returns the new time.
    ///
    /// # Errors
    /// [`ClockError::NotForward`] for `secs <= 0`; [`ClockError::Overflow`].
    pub fn advance(&self, secs: i64) -> Result<i64, ClockError> {
        if secs <= 0 {
            return Err(ClockError::NotForward { secs });
        }
        let base = self.base.now_unix();
        // Past MAX_UNIX the time would saturate or be unwritable; refuse instead.
        let fits = |offset: &i64| base.checked_add(*offset).is_some_and(|t| t <= MAX_UNIX);
        self.offset_secs
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |o| o.checked_add(secs).filter(fits))
            .map_err(|_| ClockError::Overflow { secs })?;
        self.changed.notify_one();
        Ok(self.now_unix())
    }

    /// Back to the base clock (tenant reset).
    pub fn reset(&self) {
        self.offset_secs.store(0, Ordering::SeqCst);
        self.changed.notify_one();
    }
}

impl Clock for VirtualClock {
    fn now_unix(&self) -> i64 {
        self.base.now_unix().saturating_add(self.offset_secs())
    }
}

#[cfg(test)]
mod tests {
    use wechatpay_crypto::FixedClock;

    use super::*;

    // Proves advancing adds to the base time, clones share the offset and reset clears it.
    #[test]
    fn advance_and_reset() {
        let clock = VirtualClock::new(Arc::new(FixedClock::new(1_000)));
        let twin = clock.clone();
        assert_eq!(clock.advance(60), Ok(1_060));
        assert_eq!(twin.now_unix(), 1_060);
        assert_eq!(twin.offset_secs(), 60);
        clock.reset();
        assert_eq!(twin.now_unix(), 1_000);
    }

    // Proves the clock moves up to exactly MAX_UNIX and refuses one second more, leaving the
    // time unchanged.
    #[test]
    fn advance_stops_at_max_unix() {
        let clock = VirtualClock::new(Arc::new(FixedClock::new(1_000)));
        assert_eq!(clock.advance(i64::MAX), Err(ClockError::Overflow { secs: i64::MAX }));
        assert_eq!(
            clock.advance(MAX_UNIX - 1_000 + 1),
            Err(ClockError::Overflow { secs: MAX_UNIX - 999 })
        );
        assert_eq!(clock.now_unix(), 1_000);
        assert_eq!(clock.advance(MAX_UNIX - 1_000), Ok(MAX_UNIX));
    }

    // Proves a move is announced to a waiter that starts waiting only afterwards, and a
    // refused move announces nothing.
    #[test]
    fn moves_are_announced() {
        use futures_util::FutureExt;
        let clock = VirtualClock::new(Arc::new(FixedClock::new(1_000)));
        assert_eq!(clock.advance(0), Err(ClockError::NotForward { secs: 0 }));
        assert!(clock.changed().notified().now_or_never().is_none());
        clock.advance(15).unwrap();
        assert!(clock.clone().changed().notified().now_or_never().is_some());
    }

    // Proves the clock refuses to run backwards or to overflow, and stays put when it refuses.
    #[test]
    fn refuses_bad_moves() {
        let clock = VirtualClock::new(Arc::new(FixedClock::new(1_000)));
        assert_eq!(clock.advance(0), Err(ClockError::NotForward { secs: 0 }));
        assert_eq!(clock.advance(-5), Err(ClockError::NotForward { secs: -5 }));
        assert_eq!(clock.advance(i64::MAX), Err(ClockError::Overflow { secs: i64::MAX }));
        assert_eq!(clock.advance(MAX_UNIX - 1_000), Ok(MAX_UNIX));
        assert_eq!(clock.advance(1), Err(ClockError::Overflow { secs: 1 }));
        assert_eq!(clock.offset_secs(), MAX_UNIX - 1_000);
    }
}
