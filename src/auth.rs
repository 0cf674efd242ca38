//! Credentials and the shared access-token cache.
//!
//! One token per [`Client`](crate::Client), shared by its clones. Its lifetime is the server's
//! own `expired_at - now` (the server hands out the same token again until it expires, so that
//! is often under 30 minutes), measured on a local monotonic clock and cut short by a margin.
//! However many tasks need a token at once, one exchange is in flight.

use std::{
    fmt,
    future::Future,
    pin::Pin,
    sync::RwLock,
    time::{Duration, Instant},
};

use reqwest::header::HeaderValue;
use serde::{Deserialize, Serialize};

use crate::{
    Error, Result,
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

/// Fetches a token; boxed because the fetch runs through the same hooks that ask for tokens.
pub(crate) type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<AccessToken>> + Send + 'a>>;

/// The token cache of one client and its clones.
pub(crate) struct TokenCache {
    pub(crate) key: String,
    pub(crate) secret: Secret,
    margin: Duration,
    current: RwLock<Option<Cached>>,
    refresh: tokio::sync::Mutex<()>,
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

impl TokenCache {
    pub(crate) fn new(key: String, secret: Secret, margin: Duration) -> Self {
        TokenCache {
            key,
            secret,
            margin,
            current: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(()),
        }
    }

    /// The header of the cached token, if it is still fresh.
    pub(crate) fn cached(&self) -> Option<HeaderValue> {
        let guard = self.current.read().unwrap_or_else(|p| p.into_inner());
        guard
            .as_ref()
            .filter(|c| Instant::now() < c.refresh_at)
            .map(|c| c.header.clone())
    }

    /// The `Authorization` header value of a usable token, fetching one if needed.
    ///
    /// Concurrent callers wait for the single fetch in flight and share its result.
    pub(crate) async fn header<'f, F>(&self, fetch: F) -> Result<HeaderValue>
    where
        F: FnOnce(TokenRequest) -> TokenFuture<'f>,
    {
        if let Some(h) = self.cached() {
            return Ok(h);
        }
        let _guard = self.refresh.lock().await;
        // Someone else may have refreshed while this task waited.
        if let Some(h) = self.cached() {
            return Ok(h);
        }
        let started = Instant::now();
        let request = TokenRequest::new(self.key.clone(), self.secret.clone());
        let token = fetch(request).await?;
        let mut header = HeaderValue::try_from(format!("Bearer {}", token.access_token.expose()))
            .map_err(|_| Error::Auth {
            status: 200,
            code: None,
            message: Some("the token contains characters not allowed in a header".into()),
        })?;
        header.set_sensitive(true);
        let life = token
            .expired_at
            .as_secs()
            .saturating_sub(token.now.as_secs())
            .max(0);
        let usable =
            Duration::from_secs(u64::try_from(life).unwrap_or(0)).saturating_sub(self.margin);
        let cached = Cached {
            header: header.clone(),
            refresh_at: started + usable,
        };
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(cached);
        tracing::debug!(
            lifetime_s = life,
            used_for_s = usable.as_secs(),
            "access token obtained"
        );
        Ok(header)
    }

    /// Forgets the token after the API rejected it, unless another task already replaced it.
    pub(crate) fn invalidate(&self, rejected: Option<&HeaderValue>) {
        let mut guard = self.current.write().unwrap_or_else(|p| p.into_inner());
        let same = match (guard.as_ref(), rejected) {
            (Some(c), Some(r)) => c.header == *r,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if same {
            *guard = None;
        }
    }
}
