//! `Client` and the state its clones share. Its builder is in `client/builder.rs`; the hooks
//! that authenticate, send and settle every generated request in `client/hooks.rs`.

use std::{fmt, sync::Arc};

use reqwest::header::HeaderValue;

use crate::{Error, Result, auth::TokenCache, generated, retry::RetryPolicy};

mod builder;
mod hooks;

#[cfg(feature = "rustls-ring")]
pub use builder::install_crypto_provider;
pub use builder::{ClientBuilder, DEFAULT_MAX_RESPONSE_BYTES};

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.iamport.kr";

/// State shared by a client and its clones: the token cache and per-account headers.
#[derive(Clone, Debug)]
pub(crate) struct ClientState(pub(crate) Arc<ClientStateInner>);

#[derive(Debug)]
pub(crate) struct ClientStateInner {
    pub(crate) tokens: TokenCache,
    tier: Option<HeaderValue>,
    pub(crate) retry: RetryPolicy,
    max_response_bytes: usize,
    /// Answers requests in memory instead of the network (tests of the decoding path).
    #[cfg(feature = "testing")]
    pub(crate) responder: Option<Responder>,
    /// A fixed "now" for the checks of times against the clock (replays of recordings); only
    /// the billing group checks times against the clock.
    #[cfg(feature = "testing")]
    #[cfg_attr(not(feature = "billing"), allow(dead_code))]
    pub(crate) now: Option<crate::UnixTime>,
    /// Report the mock server's answer to a request that no stub matched as an error that
    /// names the request (clients of [`MockIamport`](crate::testing::MockIamport)).
    #[cfg(feature = "testing")]
    pub(crate) report_unmatched: bool,
}

/// An in-memory stand-in for the server.
#[cfg(feature = "testing")]
type Respond = dyn Fn(&reqwest::Request) -> http::Response<bytes::Bytes> + Send + Sync;

#[cfg(feature = "testing")]
#[derive(Clone)]
pub(crate) struct Responder(pub(crate) Arc<Respond>);

#[cfg(feature = "testing")]
impl fmt::Debug for Responder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Responder")
    }
}

/// A client of the i'mport REST API.
///
/// Cheap to clone: clones share the connection pool and the access token. Tokens are fetched,
/// cached and refreshed on their own; a request rejected with 401 is retried once with a fresh
/// token.
///
/// ```no_run
/// # async fn run() -> iamport::Result<()> {
/// let client = iamport::Client::builder()
///     .credentials("imp_key", "imp_secret")
///     .build()?;
/// let payment = client.payment("imp_123456789012").await?;
/// println!("{} {} {}", payment.merchant_uid, payment.status, payment.amount);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) api: generated::Client,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.api.baseurl)
            .field("key", &self.api.inner.0.tokens.key)
            .field("secret", &self.api.inner.0.tokens.secret)
            .field("tier", &self.api.inner.0.tier)
            .finish()
    }
}

impl Client {
    /// A builder; `credentials` is the one required setting.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: `IAMPORT_API_KEY` and `IAMPORT_API_SECRET`
    /// (required), `IAMPORT_BASE_URL` and `IAMPORT_TIER` (optional).
    ///
    /// # Errors
    /// [`Error::Config`] when a required variable is missing or a value is invalid.
    pub fn from_env() -> Result<Client> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let key =
            var("IAMPORT_API_KEY").ok_or_else(|| Error::config("IAMPORT_API_KEY is not set"))?;
        let secret = var("IAMPORT_API_SECRET")
            .ok_or_else(|| Error::config("IAMPORT_API_SECRET is not set"))?;
        let mut builder = Client::builder().credentials(key, secret);
        if let Some(url) = var("IAMPORT_BASE_URL") {
            builder = builder.base_url(url);
        }
        if let Some(tier) = var("IAMPORT_TIER") {
            builder = builder.tier(tier);
        }
        builder.build()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.api.baseurl
    }

    /// Makes sure the client holds a usable access token, exchanging the credentials for one
    /// if it has none. Every call does this on its own; call it at start-up to learn early
    /// that the credentials are refused.
    ///
    /// # Errors
    /// [`Error::Auth`] when the credentials are refused; transport and decode errors of the
    /// token exchange.
    pub async fn authenticate(&self) -> Result<()> {
        self.api.token_header().await.map(|_| ())
    }

    /// The time the checks of arguments and the outcome rules compare with: the system clock
    /// (fixed in replays).
    pub(crate) fn now(&self) -> crate::UnixTime {
        #[cfg(feature = "testing")]
        if let Some(now) = self.api.inner.0.now {
            return now;
        }
        crate::UnixTime::now()
    }

    /// Drops the cached token, so the next call exchanges the credentials again.
    #[cfg(feature = "testing")]
    pub(crate) fn forget_token(&self) {
        self.api.inner.0.tokens.invalidate(None);
    }
}
