//! When a request is sent again, and how long to wait first.
//!
//! - Lookups (`GET`) and the token exchange are retried after connection failures, timeouts,
//!   dropped connections, 429 and 502/503/504.
//! - Every request is retried after a failure to connect (nothing was sent) and after 429
//!   (the server did not process it).
//! - A cancel whose outcome is unknown (sent, then a timeout, a dropped connection or a
//!   gateway error) is retried only when it carries `checksum`: a second cancel whose checksum
//!   no longer matches the cancellable balance is refused by the server. Other requests that
//!   change something are never sent again once they may have arrived; the caller gets
//!   [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown).

use std::{
    hash::{BuildHasher, Hasher, RandomState},
    time::{Duration, Instant},
};

use reqwest::{Method, StatusCode, header::RETRY_AFTER};

/// How many times, and how patiently, a request is retried.
///
/// Waits grow exponentially from `initial_backoff` up to `max_backoff`, each a random time up
/// to that bound ("full jitter"); a `Retry-After` in seconds is honoured instead. No retry
/// starts once `max_elapsed` would be exceeded.
///
/// ```
/// use std::time::Duration;
/// let policy = iamport::RetryPolicy::default()
///     .max_attempts(5)
///     .max_elapsed(Duration::from_secs(10));
/// let none = iamport::RetryPolicy::none();
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts, waits from 200 ms up to 5 s, at most 30 s in all.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_elapsed: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The bound of the first wait.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The largest bound of any wait.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// No retry starts after this long since the first attempt began.
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// The wait before attempt `attempt + 1`, or `None` when no retry is due.
    pub(crate) fn delay(
        &self,
        attempt: u32,
        started: Instant,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let wait = retry_after.unwrap_or_else(|| {
            let bound = self
                .initial_backoff
                .saturating_mul(1u32 << (attempt - 1).min(16))
                .min(self.max_backoff);
            jitter(bound)
        });
        (started.elapsed() + wait <= self.max_elapsed).then_some(wait)
    }
}

/// A random duration in `0..=bound`.
fn jitter(bound: Duration) -> Duration {
    let nanos = u64::try_from(bound.as_nanos()).unwrap_or(u64::MAX);
    if nanos == 0 {
        return bound;
    }
    let mut h = RandomState::new().build_hasher();
    h.write_u64(nanos);
    Duration::from_nanos(h.finish() % (nanos + 1))
}

/// What may be done again with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A lookup or the token exchange: repeat freely.
    Idempotent,
    /// A cancel carrying `checksum`: the server refuses a duplicate.
    GuardedCancel,
    /// Anything else that changes state: repeat only what surely did not arrive.
    Unsafe,
}

impl Kind {
    pub(crate) fn of(request: &reqwest::Request, operation: &str, token: bool) -> Kind {
        if token || request.method() == Method::GET {
            return Kind::Idempotent;
        }
        if operation == "cancel_payment" {
            let guarded = request
                .body()
                .and_then(reqwest::Body::as_bytes)
                .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok())
                .is_some_and(|v| v.get("checksum").is_some_and(|c| !c.is_null()));
            if guarded {
                return Kind::GuardedCancel;
            }
        }
        Kind::Unsafe
    }

    /// Whether a response with this status may be answered by sending again.
    pub(crate) fn retries_status(self, status: StatusCode) -> bool {
        match status.as_u16() {
            429 => true,
            502..=504 => self != Kind::Unsafe,
            _ => false,
        }
    }

    /// Whether a transport failure may be answered by sending again. `arrived` is whether the
    /// request may have reached the server.
    pub(crate) fn retries_failure(self, arrived: bool) -> bool {
        !arrived || self != Kind::Unsafe
    }
}

/// Whether the server may have acted on a request that got this status: a gateway error says
/// nothing about what happened behind it.
pub(crate) fn outcome_unknown_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 502..=504)
}

/// `Retry-After` in seconds.
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_are_jittered_and_bounded() {
        let policy = RetryPolicy::default()
            .max_attempts(10)
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(400))
            .max_elapsed(Duration::from_secs(60));
        let now = Instant::now();
        for attempt in 1..10 {
            let bound =
                Duration::from_millis(100 * (1 << (attempt - 1))).min(Duration::from_millis(400));
            let wait = policy.delay(attempt, now, None).unwrap();
            assert!(wait <= bound, "attempt {attempt}: {wait:?} > {bound:?}");
        }
        assert_eq!(policy.delay(10, now, None), None);
        assert_eq!(RetryPolicy::none().delay(1, now, None), None);
        let later = Some(Duration::from_secs(2));
        assert_eq!(policy.delay(1, now, later), later);
        let short = policy.max_elapsed(Duration::from_secs(1));
        assert_eq!(short.delay(1, now, later), None);
    }
}
