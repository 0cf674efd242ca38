//! When a request is sent again, and how long to wait first.
//!
//! - Lookups (`GET`) are retried after connection failures, timeouts, dropped connections,
//!   429 and 502/503/504.
//! - The token exchange is retried after the same failures and after any 5xx but 501: asking
//!   for a token again changes nothing.
//! - A request that changes something (every other operation: cancel, prepare, receipts, and
//!   any charge, schedule or registration) is sent again only when it surely did not arrive:
//!   the connection was refused (nothing was sent), or the server answered 429 (it did not
//!   process the request). Once it may have reached the server it is never sent again, with or
//!   without a `checksum`: a second cancel sent while the first is still being carried out sees
//!   the old balance, passes the checksum and refunds again. Such a request ends in a clear
//!   success, a clear refusal, or [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown).
use std::{
    hash::{BuildHasher, Hasher, RandomState},
    time::{Duration, Instant},
};

use reqwest::{Method, StatusCode, header::RETRY_AFTER};

/// How many times, and how patiently, a request is retried.
///
/// Which failures are retried depends on the request, whatever the policy:
///
/// - lookups: connection failures, timeouts, resets, 429 and 502/503/504;
/// - the token exchange: the same, and 500;
/// - changes (cancel, prepare, receipts, and every other non-`GET` operation): only what surely
///   did not arrive, a refused connection or a 429. A change that may have reached the server
///   is never sent again, with or without a `checksum`; an answer that is neither a clear
///   success nor a clear refusal is [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown).
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

    /// The wait before attempt `attempt + 1`, or `None` when no retry is due. A `Retry-After`
    /// that would end past the budget (`max_elapsed`) means no retry; no value the server
    /// sends can overflow the arithmetic.
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
                .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
                .min(self.max_backoff);
            jitter(bound)
        });
        let done = started.elapsed().checked_add(wait)?;
        (done <= self.max_elapsed).then_some(wait)
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
    Duration::from_nanos(h.finish() % nanos.saturating_add(1))
}

/// What may be done again with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A lookup: repeat after any failure that may pass.
    Lookup,
    /// The token exchange: repeat after any failure that may pass, 500 included.
    Token,
    /// Anything that changes something: repeat only what surely did not arrive.
    Change,
}

impl Kind {
    pub(crate) fn of(request: &reqwest::Request, token: bool) -> Kind {
        if token {
            Kind::Token
        } else if request.method() == Method::GET {
            Kind::Lookup
        } else {
            Kind::Change
        }
    }

    /// Whether a response with this status may be answered by sending again.
    pub(crate) fn retries_status(self, status: StatusCode) -> bool {
        matches!(
            (self, status.as_u16()),
            (_, 429) | (Kind::Lookup, 502..=504) | (Kind::Token, 500 | 502..=504)
        )
    }

    /// Whether a transport failure may be answered by sending again. `arrived` is whether the
    /// request may have reached the server.
    pub(crate) fn retries_failure(self, arrived: bool) -> bool {
        !arrived || self != Kind::Change
    }
}

/// Whether an answer with this status says the server did not act on the request: a refusal
/// of the token (401, answered by a refresh) or of the rate (429).
pub(crate) fn surely_not_processed(status: StatusCode) -> bool {
    matches!(status.as_u16(), 401 | 429)
}

/// `Retry-After` in seconds.
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    // Any number of seconds is accepted here; `RetryPolicy::delay` refuses a wait past the
    // budget.
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
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
        // Many draws per attempt: each is within its bound, they differ, and the largest come
        // near the bound, which doubles up to `max_backoff`. A wait that is always zero, always
        // the same, or never grows fails (by chance, with odds far below 2^-100).
        const DRAWS: usize = 200;
        let mut largest = Vec::new();
        for attempt in 1..10 {
            let bound =
                Duration::from_millis(100 * (1 << (attempt - 1))).min(Duration::from_millis(400));
            let waits: std::collections::BTreeSet<Duration> = (0..DRAWS)
                .map(|_| policy.delay(attempt, now, None).unwrap())
                .collect();
            let (low, high) = (*waits.first().unwrap(), *waits.last().unwrap());
            assert!(high <= bound, "attempt {attempt}: {high:?} > {bound:?}");
            assert!(
                high >= bound / 2,
                "attempt {attempt}: all of {waits:?} < {bound:?}/2"
            );
            assert!(
                low < bound / 2,
                "attempt {attempt}: all of {waits:?} >= {bound:?}/2"
            );
            assert!(
                waits.len() > DRAWS / 2,
                "attempt {attempt}: {waits:?} barely vary"
            );
            largest.push(high);
        }
        // 100, 200, then 400 ms from the third attempt on.
        assert!(largest[1] > largest[0] * 5 / 4, "{largest:?}");
        assert!(largest[2] > largest[1] * 5 / 4, "{largest:?}");
        assert_eq!(policy.delay(10, now, None), None);
        assert_eq!(RetryPolicy::none().delay(1, now, None), None);
        let later = Some(Duration::from_secs(2));
        assert_eq!(policy.delay(1, now, later), later);
        let short = policy.max_elapsed(Duration::from_secs(1));
        assert_eq!(short.delay(1, now, later), None);
    }

    #[test]
    fn a_huge_retry_after_after_a_first_wait_is_refused_without_overflow() {
        let policy = RetryPolicy::default().max_attempts(5);
        let started = Instant::now()
            .checked_sub(Duration::from_millis(1500))
            .expect("the monotonic clock is more than 1.5 s past its origin");
        let huge = Some(Duration::from_secs(u64::MAX));
        assert_eq!(policy.delay(2, started, huge), None);
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(RETRY_AFTER, "18446744073709551615".parse().unwrap());
        assert_eq!(retry_after(&headers), huge);
    }

    proptest::proptest! {
        #[test]
        fn no_header_value_or_attempt_number_panics(
            value in proptest::prelude::any::<String>(),
            number in proptest::prelude::any::<u64>(),
            attempt in proptest::prelude::any::<u32>(),
            elapsed_ms in 0u64..100_000,
        ) {
            let policy = RetryPolicy::default().max_attempts(u32::MAX);
            let started = Instant::now()
                .checked_sub(Duration::from_millis(elapsed_ms))
                .unwrap_or_else(Instant::now);
            // A number is always a header value, and read as that many seconds; any string
            // that is a header value is tried too.
            let header = |v: reqwest::header::HeaderValue| {
                reqwest::header::HeaderMap::from_iter([(RETRY_AFTER, v)])
            };
            let mut tried = Vec::new();
            for v in [number.to_string(), format!(" {number} ")] {
                let headers = header(v.try_into().unwrap());
                proptest::prop_assert_eq!(
                    retry_after(&headers),
                    Some(Duration::from_secs(number))
                );
                tried.push(headers);
            }
            tried.extend(reqwest::header::HeaderValue::try_from(value).ok().map(header));
            tried.push(reqwest::header::HeaderMap::new());
            for headers in &tried {
                let after = retry_after(headers);
                if let Some(wait) = policy.delay(attempt, started, after) {
                    proptest::prop_assert!(wait <= Duration::from_secs(30));
                }
            }
        }
    }

    #[test]
    fn the_longest_wait_is_jittered_without_overflow() {
        let wait = super::jitter(std::time::Duration::MAX);
        // The bound is capped at what a u64 of nanoseconds holds (it panicked adding one to it).
        assert!(wait <= std::time::Duration::from_nanos(u64::MAX));
    }
}
