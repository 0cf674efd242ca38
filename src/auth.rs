//! Credentials and the shared access-token cache.
//!
//! One token per [`Client`](crate::Client), shared by its clones. Its lifetime is the server's
//! own `expired_at - now` (the server hands out the same token again until it expires, so that
//! is often under 30 minutes), measured on a local monotonic clock and cut short by a margin.
//! However many tasks need a token at once, one exchange is in flight, and the tasks waiting
//! for it share its outcome: the token, or the error.

use std::{
    fmt,
    future::Future,
    pin::Pin,
    sync::{
        RwLock,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use reqwest::header::HeaderValue;
use serde::{Deserialize, Serialize};

use crate::{
    Error, Result, UnixTime,
    generated::types::{AccessToken, TokenRequest},
};

/// A string that must never be printed: the API secret, an access token, card data.
///
/// Its `Debug` prints a redaction marker and it has no `Display`; it serializes as the plain
/// string, so it can be sent. Fields the spec marks `format: password` have this type.
///
/// ```
/// let secret = iamport::Secret::from("4242-4242-4242-4242");
/// assert_eq!(format!("{secret:?}"), "[redacted]");
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub(crate) fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}

struct Cached {
    /// `Authorization: Bearer <token>`, marked sensitive.
    header: HeaderValue,
    /// When the token stops being used (its expiry minus the margin).
    refresh_at: Instant,
}

/// What the cache knows: the token in use, and how the last exchange ended.
#[derive(Default)]
struct State {
    current: Option<Cached>,
    /// Counts finished exchanges, so that a task that waited for one can tell it has ended.
    exchanges: u64,
    /// The error of the last exchange, when it failed; handed to the tasks that waited for it.
    failure: Option<Error>,
}

/// Fetches a token; boxed because the fetch runs through the same hooks that ask for tokens.
pub(crate) type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<AccessToken>> + Send + 'a>>;

/// The longest lifetime believed, whatever the server says: a day (tokens live 30 minutes).
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// The token cache of one client and its clones.
pub(crate) struct TokenCache {
    pub(crate) key: String,
    pub(crate) secret: Secret,
    margin: Duration,
    /// The longest a call waits for a token (the request timeout).
    wait: Duration,
    state: RwLock<State>,
    refresh: tokio::sync::Mutex<()>,
    /// Tasks waiting for the exchange in flight.
    waiting: AtomicUsize,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("key", &self.key)
            .field("secret", &self.secret)
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}

/// How long a token is used: its remaining life by the server's clock (`expired_at - now`,
/// clamped to `0..=MAX_LIFETIME`), less the margin, which never takes more than half of it. A
/// token with less life than the margin is still used for half of what it has.
pub(crate) fn usable_for(now: UnixTime, expired_at: UnixTime, margin: Duration) -> Duration {
    let life = expired_at.as_secs().saturating_sub(now.as_secs()).max(0);
    let life = Duration::from_secs(u64::try_from(life).unwrap_or(0)).min(MAX_LIFETIME);
    life.saturating_sub(margin.min(life / 2))
}

/// Counts a task among those waiting for the exchange in flight, for as long as it lives (a
/// task cancelled while waiting is uncounted too).
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn new(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Waiting(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl TokenCache {
    pub(crate) fn new(key: String, secret: Secret, margin: Duration, wait: Duration) -> Self {
        TokenCache {
            key,
            secret,
            margin,
            wait,
            state: RwLock::new(State::default()),
            refresh: tokio::sync::Mutex::new(()),
            waiting: AtomicUsize::new(0),
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|p| p.into_inner())
    }

    /// The header of the cached token, if it is still fresh.
    pub(crate) fn cached(&self) -> Option<HeaderValue> {
        self.read()
            .current
            .as_ref()
            .filter(|c| Instant::now() < c.refresh_at)
            .map(|c| c.header.clone())
    }

    /// The `Authorization` header value of a usable token, fetching one if needed.
    ///
    /// Concurrent callers wait for the single fetch in flight and share its outcome, success
    /// or failure. The wait is bounded by the request timeout.
    pub(crate) async fn header<'f, F>(&self, fetch: F) -> Result<HeaderValue>
    where
        F: FnOnce(TokenRequest) -> TokenFuture<'f>,
    {
        if let Some(h) = self.cached() {
            return Ok(h);
        }
        // Counted before `seen` is read: an exchange that ends after this task read `seen`
        // sees it waiting, and keeps its outcome for it.
        let counted = Waiting::new(&self.waiting);
        let seen = self.read().exchanges;
        let asked = Instant::now();
        let locked = tokio::time::timeout(self.wait, self.refresh.lock()).await;
        drop(counted);
        let Ok(_guard) = locked else {
            return Err(Error::TokenTimeout {
                waited: asked.elapsed(),
            });
        };
        {
            let state = self.read();
            // Someone else may have refreshed while this task waited, or failed to.
            if let Some(c) = state
                .current
                .as_ref()
                .filter(|c| Instant::now() < c.refresh_at)
            {
                return Ok(c.header.clone());
            }
            if state.exchanges != seen
                && let Some(failure) = &state.failure
            {
                return Err(failure.clone());
            }
        }
        let started = Instant::now();
        let request = TokenRequest::new(self.key.clone(), self.secret.clone());
        // The exchange itself is bounded too: an HTTP client without a timeout must not keep
        // every caller waiting.
        let fetched = match tokio::time::timeout(self.wait, fetch(request)).await {
            Ok(fetched) => fetched,
            Err(_) => Err(Error::TokenTimeout {
                waited: asked.elapsed(),
            }),
        };
        let outcome = fetched.and_then(|token| {
            let mut header = HeaderValue::try_from(format!(
                "Bearer {}",
                token.access_token.expose()
            ))
            .map_err(|_| Error::Auth {
                status: 200,
                code: None,
                message: Some("the token contains characters not allowed in a header".into()),
            })?;
            header.set_sensitive(true);
            Ok((header, token))
        });
        let mut state = self.write();
        state.exchanges = state.exchanges.wrapping_add(1);
        match outcome {
            Ok((header, token)) => {
                let usable = usable_for(token.now, token.expired_at, self.margin);
                // A lifetime no clock can hold is cut to what it can.
                let refresh_at = started
                    .checked_add(usable)
                    .or_else(|| started.checked_add(MAX_LIFETIME))
                    .unwrap_or(started);
                state.current = Some(Cached {
                    header: header.clone(),
                    refresh_at,
                });
                state.failure = None;
                tracing::debug!(used_for_s = usable.as_secs(), "access token obtained");
                Ok(header)
            }
            // With nobody waiting, the error is handed on as it is; otherwise every caller gets
            // a share of it.
            Err(e) if self.waiting.load(Ordering::SeqCst) == 0 => {
                state.failure = None;
                Err(e)
            }
            Err(e) => {
                state.failure = Some(e.clone());
                Err(e)
            }
        }
    }

    /// Forgets the token after the API rejected it, unless another task already replaced it.
    pub(crate) fn invalidate(&self, rejected: Option<&HeaderValue>) {
        let mut state = self.write();
        let same = match (state.current.as_ref(), rejected) {
            (Some(c), Some(r)) => c.header == *r,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if same {
            state.current = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_margin_never_takes_more_than_half_the_life() {
        let t = UnixTime::from_secs;
        let margin = Duration::from_secs(60);
        assert_eq!(usable_for(t(0), t(1800), margin), Duration::from_secs(1740));
        assert_eq!(usable_for(t(0), t(30), margin), Duration::from_secs(15));
        assert_eq!(usable_for(t(0), t(0), margin), Duration::ZERO);
        assert_eq!(usable_for(t(100), t(0), margin), Duration::ZERO);
    }

    proptest::proptest! {
        #[test]
        fn no_lifetime_panics(now in proptest::prelude::any::<i64>(), at in proptest::prelude::any::<i64>(), m in proptest::prelude::any::<u64>()) {
            let usable = usable_for(UnixTime::from_secs(now), UnixTime::from_secs(at), Duration::from_secs(m));
            proptest::prop_assert!(usable <= MAX_LIFETIME);
            let _ = Instant::now().checked_add(usable);
        }
    }
}
