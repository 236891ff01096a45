//! Retries with exponential backoff and full jitter.

use std::time::Duration;

use http::{HeaderMap, StatusCode};
use rand::Rng;

/// When and how often a call is repeated.
///
/// A call is retried on a connection failure (always: nothing was sent), and on `429`,
/// `500`, `502`, `503`, `504` and timeouts / broken connections only when the request is
/// idempotent (every GET; a POST when its [`RequestSpec`](crate::RequestSpec) says so).
/// WeChat Pay asks for exactly this: "SYSTEM_ERROR / 429: retry with the same parameters".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts, the first included (1 disables retries).
    pub max_attempts: u32,
    /// The backoff ceiling before the first retry; it doubles for each further retry.
    pub initial_backoff: Duration,
    /// The largest backoff (also caps a `Retry-After` header).
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// Three attempts, backoff 200 ms then 400 ms (each jittered), at most 5 s.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// The delay before retry number `retry` (1-based): a uniformly random duration up to
    /// `min(max_backoff, initial_backoff * 2^(retry-1))` ("full jitter", so many clients
    /// that failed together do not retry together). A `Retry-After` in seconds, when
    /// given, sets the delay instead (capped at `max_backoff`).
    pub(crate) fn backoff(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(after) = retry_after {
            return after.min(self.max_backoff);
        }
        let shift = retry.saturating_sub(1).min(20);
        let ceiling = self.initial_backoff.saturating_mul(1u32 << shift).min(self.max_backoff);
        let ceiling_ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        if ceiling_ms == 0 {
            return Duration::ZERO;
        }
        Duration::from_millis(rand::rng().random_range(0..=ceiling_ms))
    }
}

/// Whether a status is worth repeating: rate limited (`429 FREQUENCY_LIMITED`, "request not
/// processed") or a transient server / gateway failure (`500 SYSTEM_ERROR`, `502`, `503`
/// `SERVICE_UNAVAILABLE`, `504`).
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// A `Retry-After` given in seconds (the HTTP-date form is not used by WeChat Pay).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let secs: u64 = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves backoff stays under the doubling ceiling and the cap, and honours Retry-After.
    #[test]
    fn backoff_is_bounded() {
        let p = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
        };
        for _ in 0..200 {
            assert!(p.backoff(1, None) <= Duration::from_millis(100));
            assert!(p.backoff(3, None) <= Duration::from_millis(400));
            assert!(p.backoff(30, None) <= Duration::from_secs(1));
        }
        assert_eq!(p.backoff(1, Some(Duration::from_secs(60))), Duration::from_secs(1));
        assert_eq!(p.backoff(1, Some(Duration::from_millis(300))), Duration::from_millis(300));
        let zero = RetryPolicy { initial_backoff: Duration::ZERO, ..p };
        assert_eq!(zero.backoff(5, None), Duration::ZERO);
    }

    // Proves which statuses are retried.
    #[test]
    fn retryable_statuses() {
        for s in [429, 500, 502, 503, 504] {
            assert!(is_retryable_status(StatusCode::from_u16(s).unwrap()), "{s}");
        }
        for s in [200, 204, 400, 401, 403, 404, 501] {
            assert!(!is_retryable_status(StatusCode::from_u16(s).unwrap()), "{s}");
        }
        let mut h = HeaderMap::new();
        h.insert(http::header::RETRY_AFTER, "2".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
    }
}
