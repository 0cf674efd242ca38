//! [`ClientBuilder`]: the settings of a [`Client`], its TLS set-up and the check of its base
//! URL.

use std::{fmt, net::IpAddr, sync::Arc, time::Duration};

use reqwest::{Url, header::HeaderValue};

#[cfg(feature = "testing")]
use super::Responder;
use super::{Client, ClientState, ClientStateInner, DEFAULT_BASE_URL};
use crate::{
    Error, Result,
    auth::{Secret, TokenCache},
    generated,
    retry::RetryPolicy,
};

const USER_AGENT: &str = concat!("iamport-rs/", env!("CARGO_PKG_VERSION"));

/// Configures a [`Client`].
pub struct ClientBuilder {
    key: Option<String>,
    secret: Option<Secret>,
    base_url: String,
    tier: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    token_margin: Duration,
    http: Option<reqwest::Client>,
    pub(crate) retry: RetryPolicy,
    max_response_bytes: usize,
    #[cfg(feature = "testing")]
    responder: Option<Responder>,
    #[cfg(feature = "testing")]
    now: Option<crate::UnixTime>,
    #[cfg(feature = "testing")]
    report_unmatched: bool,
}

/// The default of [`ClientBuilder::max_response_bytes`]: 8 MiB, four times a page of 1000
/// payments.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 << 20;

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            key: None,
            secret: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            tier: None,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            token_margin: Duration::from_secs(60),
            http: None,
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            #[cfg(feature = "testing")]
            responder: None,
            #[cfg(feature = "testing")]
            now: None,
            #[cfg(feature = "testing")]
            report_unmatched: false,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("key", &self.key)
            .field("secret", &self.secret)
            .field("base_url", &redact_userinfo(&self.base_url))
            .field("tier", &self.tier)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("token_margin", &self.token_margin)
            .field("http", &self.http.as_ref().map(|_| "custom"))
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

impl ClientBuilder {
    /// The REST API key and secret from the i'mport console.
    pub fn credentials(mut self, key: impl Into<String>, secret: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self.secret = Some(Secret::new(secret));
        self
    }

    /// Where to send requests; default `https://api.iamport.kr`. Must be `https`, except for
    /// loopback hosts (`127.0.0.1`, `::1`, `localhost`) used in tests, and must not carry
    /// user-info (`user:password@`): [`build`](Self::build) refuses it, and no `Debug` or error
    /// shows it.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Act for a sub-merchant: sends its code in the `Tier` header.
    pub fn tier(mut self, tier: impl Into<String>) -> Self {
        self.tier = Some(tier.into());
        self
    }

    /// How long to wait for a connection; default 5 s. Ignored with [`Self::http_client`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one request may take in all; default 30 s. Also bounds the wait for an access
    /// token while another call's exchange is running ([`Error::TokenTimeout`]). The HTTP
    /// part is ignored with [`Self::http_client`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long before its expiry a token is replaced; default 60 s. The margin never takes
    /// more than half of a token's remaining life: a token the server hands out with little
    /// life left is still used while it is valid.
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.token_margin = margin;
        self
    }

    /// When and how often to send a request again; see [`RetryPolicy`]. Default: 3 attempts
    /// within 30 s. [`RetryPolicy::none`] turns retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The largest response body accepted, in bytes; a larger one is
    /// [`Error::ResponseTooLarge`] and is not read further. Default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Read the clock as `now` in the checks of arguments (a schedule time must be in the
    /// future), so that recordings made on a given day
    /// ([`testing::RECORDED_AT`](crate::testing::RECORDED_AT)) replay the same on any later
    /// day. For tests only (feature `testing`).
    #[cfg(feature = "testing")]
    #[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
    pub fn fixed_now(mut self, now: crate::UnixTime) -> Self {
        self.now = Some(now);
        self
    }

    /// Answer every request with `responder` instead of sending it.
    #[cfg(feature = "testing")]
    pub(crate) fn responder(mut self, responder: Responder) -> Self {
        self.responder = Some(responder);
        self
    }

    /// Report the mock server's answer to a request no stub matched as an [`Error::Http`]
    /// naming the request, instead of a decoding error.
    #[cfg(feature = "testing")]
    pub(crate) fn report_unmatched(mut self) -> Self {
        self.report_unmatched = true;
        self
    }

    /// Use this `reqwest::Client` (its timeouts, proxy, TLS and user agent) instead of one
    /// built from the settings above.
    ///
    /// **Build it with `.redirect(reqwest::redirect::Policy::none())`.** A `reqwest::Client`
    /// follows redirects by default, and a 307 or 308 sends a request again, body and all, to
    /// wherever it points: the token exchange with the API secret, a cancel, a charge. The
    /// client this builder makes itself never follows one. With a client that does, a change
    /// answered from another URL than it was sent to is reported as
    /// [`Error::OutcomeUnknown`], never as done; a lookup that was redirected is answered as
    /// usual.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client. Nothing is sent until the first call.
    ///
    /// # Errors
    /// [`Error::Config`] when credentials are missing or empty, the base URL is invalid or not
    /// `https` for a non-loopback host, the tier is not a valid header value, or the HTTP client
    /// cannot be built.
    pub fn build(self) -> Result<Client> {
        let key = self.key.filter(|k| !k.trim().is_empty());
        let secret = self.secret.filter(|s| !s.expose().trim().is_empty());
        let (Some(key), Some(secret)) = (key, secret) else {
            return Err(Error::config("credentials are missing or empty"));
        };
        let base_url = check_base_url(&self.base_url)?;
        let tier = match self.tier {
            Some(t) => Some(
                HeaderValue::try_from(t.as_str()).map_err(|e| Error::Config {
                    reason: "tier is not a valid header value".into(),
                    source: Some(Arc::new(e)),
                })?,
            ),
            None => None,
        };
        let http = match self.http {
            Some(h) => h,
            // No redirects: a 307/308 would send a cancel again, elsewhere.
            None => tls::configure(
                reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .user_agent(USER_AGENT)
                    .connect_timeout(self.connect_timeout)
                    .timeout(self.timeout),
                &base_url,
            )?
            .build()
            .map_err(|e| Error::Config {
                reason: "cannot build the HTTP client".into(),
                source: Some(Arc::new(e)),
            })?,
        };
        let shared = ClientState(Arc::new(ClientStateInner {
            tokens: TokenCache::new(key, secret, self.token_margin, self.timeout),
            tier,
            retry: self.retry,
            max_response_bytes: self.max_response_bytes,
            #[cfg(feature = "testing")]
            responder: self.responder,
            #[cfg(feature = "testing")]
            now: self.now,
            #[cfg(feature = "testing")]
            report_unmatched: self.report_unmatched,
        }));
        Ok(Client {
            api: generated::Client::new_with_client(&base_url, http, shared),
        })
    }
}

/// Installs `ring` as the process-wide rustls crypto provider, unless a provider is installed
/// already (feature `rustls-ring`).
///
/// The `Client` needs none of this: it sets up its own TLS. It is for `reqwest::Client`s that
/// your program builds itself. The `rustls-ring` feature builds reqwest's rustls support
/// without a provider of its own (that is what spares the `aws-lc-sys` build), and reqwest
/// panics when such a client sends a request with no provider installed, unless your own
/// dependency on reqwest turns on its `rustls` feature. Call this once at start-up, before
/// building one:
///
/// ```
/// iamport::install_crypto_provider();
/// let http = reqwest::Client::new();
/// # drop(http);
/// ```
#[cfg(feature = "rustls-ring")]
#[cfg_attr(docsrs, doc(cfg(feature = "rustls-ring")))]
pub fn install_crypto_provider() {
    // An error means a provider is installed already, which is what is wanted. Newer rustls
    // releases mark `ring`'s provider deprecated (no post-quantum key exchange); choosing it
    // is what this feature is for.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The TLS set-up chosen by the crate's features; see the README's "TLS" section.
mod tls {
    use crate::Result;

    /// With `rustls-ring` and neither other TLS feature: rustls with the `ring` provider, or
    /// the provider installed process-wide if there is one, and the platform's certificate
    /// verifier.
    #[cfg(all(
        feature = "rustls-ring",
        not(feature = "rustls"),
        not(feature = "native-tls")
    ))]
    pub(super) fn configure(
        builder: reqwest::ClientBuilder,
        _base_url: &str,
    ) -> Result<reqwest::ClientBuilder> {
        use std::sync::Arc;

        use rustls::crypto::CryptoProvider;
        use rustls_platform_verifier::BuilderVerifierExt;

        #[allow(deprecated)]
        let provider = CryptoProvider::get_default()
            .cloned()
            .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
        let refused = |e: rustls::Error| crate::Error::Config {
            reason: "cannot set up TLS".into(),
            source: Some(Arc::new(e)),
        };
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(refused)?
            .with_platform_verifier()
            .map_err(refused)?
            .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(builder.tls_backend_preconfigured(config))
    }

    /// With `rustls` (the default) or `native-tls`: reqwest's own set-up of that backend. As
    /// in reqwest, `native-tls` wins when it is on together with a rustls feature.
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    pub(super) fn configure(
        builder: reqwest::ClientBuilder,
        _base_url: &str,
    ) -> Result<reqwest::ClientBuilder> {
        Ok(builder)
    }

    /// Without any TLS feature only loopback `http` works: an `https` base URL is refused
    /// when the client is built, not at the first call.
    #[cfg(not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")))]
    pub(super) fn configure(
        builder: reqwest::ClientBuilder,
        base_url: &str,
    ) -> Result<reqwest::ClientBuilder> {
        if base_url.starts_with("https:") {
            return Err(crate::Error::config(
                "this build of iamport has no TLS: enable the `rustls`, `rustls-aws-lc` or `native-tls` feature",
            ));
        }
        Ok(builder)
    }
}

/// `raw` with any user-info (`user:password@`) replaced by a marker, for `Debug` and errors.
fn redact_userinfo(raw: &str) -> std::borrow::Cow<'_, str> {
    let start = raw.find("://").map_or(0, |i| i + 3);
    let rest = &raw[start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}[redacted]{}", &raw[..start], &rest[at..]).into(),
        None => raw.into(),
    }
}

/// The base URL checked, as the generated client formats its URLs with it (no trailing `/`).
fn check_base_url(raw: &str) -> Result<String> {
    let shown = redact_userinfo(raw);
    let url = Url::parse(raw.trim()).map_err(|e| Error::Config {
        reason: format!("base URL {shown:?} is not a URL"),
        source: Some(Arc::new(e)),
    })?;
    if !url.username().is_empty() || url.password().is_some() || shown != raw {
        return Err(Error::config(format!(
            "base URL {shown:?} must not carry user-info (user or password)"
        )));
    }
    let host = url
        .host_str()
        .ok_or_else(|| Error::config(format!("base URL {shown:?} has no host")))?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => bare.eq_ignore_ascii_case("localhost"),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        other => {
            return Err(Error::config(format!(
                "base URL must use https (got {other:?}); plain http is allowed for loopback hosts only"
            )));
        }
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(
            "base URL must not carry a query or a fragment",
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::Client;

    fn https_client() -> crate::Result<Client> {
        Client::builder()
            .credentials("key", "secret")
            .base_url("https://api.iamport.kr")
            .build()
    }

    #[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
    #[test]
    fn an_https_client_builds_with_the_tls_feature_chosen() {
        assert!(https_client().is_ok());
    }

    #[cfg(not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")))]
    #[test]
    fn without_tls_an_https_base_url_is_refused_when_built_and_loopback_http_still_works() {
        let err = https_client().unwrap_err();
        assert!(
            err.is_config() && err.to_string().contains("`rustls`"),
            "{err}"
        );
        let loopback = Client::builder()
            .credentials("key", "secret")
            .base_url("http://127.0.0.1:9")
            .build();
        assert!(loopback.is_ok());
    }
}
