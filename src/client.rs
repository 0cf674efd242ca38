//! `Client`, its builder, and the hooks that authenticate every generated request.

use std::{fmt, future::Future, net::IpAddr, pin::Pin, sync::Arc, time::Duration};

use bytes::{Bytes, BytesMut};
use futures_util::{FutureExt, future::Either};
use reqwest::ResponseBuilderExt;

use progenitor_client::{ClientHooks, Error as GenError, OperationInfo};
use reqwest::{
    StatusCode, Url,
    header::{AUTHORIZATION, HeaderName, HeaderValue},
};

use crate::{
    Error, Result,
    auth::{Secret, TokenCache},
    call::{self, Again, AgainReason, CALL, with_call},
    generated,
    retry::{self, Kind, RetryPolicy},
};

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.iamport.kr";

const USER_AGENT: &str = concat!("iamport-rs/", env!("CARGO_PKG_VERSION"));
const TOKEN_OPERATION: &str = "get_token";
const TIER: HeaderName = HeaderName::from_static("tier");

/// State shared by a client and its clones: the token cache and per-account headers.
#[derive(Clone, Debug)]
pub(crate) struct Shared(pub(crate) Arc<SharedInner>);

#[derive(Debug)]
pub(crate) struct SharedInner {
    pub(crate) tokens: TokenCache,
    tier: Option<HeaderValue>,
    pub(crate) retry: RetryPolicy,
    /// The base URL, parsed once: each request's URL starts from it (see
    /// [`quirks::request`](crate::quirks::request)).
    pub(crate) base: Url,
    max_response_bytes: usize,
    /// Answers requests in memory instead of the network (tests of the decoding path).
    #[cfg(feature = "testing")]
    pub(crate) responder: Option<Responder>,
    /// A fixed "now" for the checks of times against the clock (replays of recordings).
    #[cfg(feature = "testing")]
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

    /// The time the checks of arguments compare with: the system clock (fixed in replays).
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
        let (base_url, base) = check_base_url(&self.base_url)?;
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
        let shared = Shared(Arc::new(SharedInner {
            tokens: TokenCache::new(key, secret, self.token_margin, self.timeout),
            tier,
            retry: self.retry,
            base,
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

/// The base URL checked: as the generated client formats its URLs with it (no trailing `/`),
/// and parsed, for [`quirks::request`](crate::quirks::request) to start each request from.
pub(crate) fn check_base_url(raw: &str) -> Result<(String, Url)> {
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
    Ok((url.as_str().trim_end_matches('/').to_owned(), url))
}

impl generated::Client {
    /// The `Authorization` value of a usable token: the cached one, or a new one fetched through
    /// `get_token`. The fetch is boxed: it runs through the same hooks that call this.
    fn token_header(&self) -> Pin<Box<dyn Future<Output = Result<HeaderValue>> + Send + '_>> {
        Box::pin(async move {
            let tokens = &self.inner.0.tokens;
            if let Some(header) = tokens.cached() {
                return Ok(header);
            }
            tokens
                .header(move |request| {
                    Box::pin(async move {
                        let retry = &self.inner.0.retry;
                        call::run(true, retry, || self.get_token(&request)).await
                    })
                })
                .await
        })
    }
}

impl ClientHooks<Shared> for generated::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> std::result::Result<(), GenError<E>> {
        if let Some(tier) = &self.inner.0.tier {
            request.headers_mut().insert(TIER, tier.clone());
        }
        if info.operation_id == TOKEN_OPERATION {
            return Ok(());
        }
        // A call the testing kit captures is never sent: it needs no token.
        #[cfg(feature = "testing")]
        if crate::testing::capture::active() {
            return Ok(());
        }
        // The usual case, a cached token, without the boxed future of an exchange.
        if let Some(header) = self.inner.0.tokens.cached() {
            request.headers_mut().insert(AUTHORIZATION, header);
            return Ok(());
        }
        match self.token_header().await {
            Ok(header) => {
                request.headers_mut().insert(AUTHORIZATION, header);
                Ok(())
            }
            Err(e) => {
                with_call(|c| c.error.set(Some(Box::new(e))));
                Err(GenError::Custom("token exchange failed".into()))
            }
        }
    }

    /// Sends the request once, reads the response's whole body (see [`Received`]), and says
    /// whether another attempt is due (a retry, or a token refresh) in the call's context,
    /// where [`call::run`] runs the operation again.
    ///
    /// Not an `async fn`: the attempt is set going before the future is built, so the future
    /// holds that attempt and nothing twice.
    fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        let token_call = info.operation_id == TOKEN_OPERATION;
        crate::trace::name(info.operation_id);
        let call = Attempt {
            operation: info.operation_id,
            kind: Kind::of(&request, token_call),
            // The token exchange itself is never refreshed.
            token: if token_call {
                None
            } else {
                request.headers().get(AUTHORIZATION).cloned()
            },
        };
        if call.kind == Kind::Change {
            let attempted = crate::reconcile::attempted(call.operation, &request);
            with_call(|c| c.attempted.set(Some(Box::new(attempted))));
        }
        self.attempt(request, &call)
            .map(move |outcome| self.settle(call, outcome).map(deliver))
    }
}

/// What `exec` keeps of a request it sends: the operation, what kind of request it is, and
/// the token it carried (forgotten if the server rejects it).
struct Attempt {
    operation: &'static str,
    kind: Kind,
    token: Option<HeaderValue>,
}

/// A response whose whole body has been read.
///
/// Reading the body inside the hook puts the size cap on every body and makes a connection
/// reset in the middle of one a failure of the attempt, retried like any other.
struct Received {
    response: reqwest::Response,
    body: Bytes,
}

impl Received {
    /// A stand-in for a call whose real outcome is recorded as a hook error.
    fn empty(status: u16) -> Received {
        let mut response = http::Response::new(Bytes::new());
        *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
        Received {
            response: reqwest::Response::from(response),
            body: Bytes::new(),
        }
    }
}

/// Hands a response on, with its body.
///
/// The body goes into the call's context, where the generated operation's decoding
/// ([`decoded`](crate::envelope::decoded)) takes it: it is not read a second time, and the response is not
/// rebuilt. Outside a call's context, the response is rebuilt around its body.
fn deliver(received: Received) -> reqwest::Response {
    let Received { mut response, body } = received;
    let mut body = Some(body);
    with_call(|c| c.body.set(body.take()));
    let Some(body) = body else { return response };
    // Carrying the URL over spares reqwest parsing a placeholder for the rebuilt response.
    let mut rebuilt = http::Response::builder()
        .status(response.status())
        .version(response.version())
        .url(response.url().clone())
        .body(body)
        .unwrap_or_else(|e| unreachable!("a builder given typed parts cannot fail: {e}"));
    *rebuilt.headers_mut() = std::mem::take(response.headers_mut());
    reqwest::Response::from(rebuilt)
}

/// Why one attempt produced no response to hand on.
enum Failure {
    Transport(reqwest::Error),
    TooLarge {
        status: u16,
    },
    /// A change was answered from another URL than it was sent to: the `reqwest::Client`
    /// followed a redirect (one given through `http_client` may).
    Redirected {
        status: u16,
    },
    /// The mock server matched no stub to the request, described as `GET /path?query`.
    #[cfg(feature = "testing")]
    Unmatched(String),
}

/// A response answered in memory (tests of the decoding path).
type Canned = Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send>>;

impl generated::Client {
    /// Sends a request once and reads its whole body, up to the size limit, so that a failure
    /// while reading is a failure of this attempt (and may be retried).
    fn attempt(
        &self,
        request: reqwest::Request,
        call: &Attempt,
    ) -> impl Future<Output = std::result::Result<Received, Failure>> + use<> {
        // The fields are read only when the event is enabled.
        tracing::debug!(
            operation = call.operation,
            attempt = CALL.try_with(|c| c.retries.get()).unwrap_or(0) + 1,
            method = %request.method(),
            // The route, not the path: a path carries ids.
            route = crate::trace::route(call.operation).map(|(_, template)| template),
            "sending"
        );
        let limit = self.inner.0.max_response_bytes;
        #[cfg(feature = "testing")]
        let asked = self
            .inner
            .0
            .report_unmatched
            .then(|| crate::testing::described(&request));
        // A request the testing kit captures is kept there, and never sent.
        #[cfg(feature = "testing")]
        if crate::testing::capture::record(&request) {
            let captured = Failure::Unmatched(format!(
                "{} (captured)",
                crate::testing::described(&request)
            ));
            return Either::Right(std::future::ready(Err(captured)));
        }
        // Only a change's URL is kept: where it was answered from matters for it alone.
        let sent_to = (call.kind == Kind::Change).then(|| request.url().clone());
        let sending = self.send(request);
        Either::<_, std::future::Ready<std::result::Result<Received, Failure>>>::Left(async move {
            let mut response = sending.await.map_err(Failure::Transport)?;
            if sent_to.is_some_and(|sent| *response.url() != sent) {
                return Err(Failure::Redirected {
                    status: response.status().as_u16(),
                });
            }
            let body = read_capped(&mut response, limit).await?;
            #[cfg(feature = "testing")]
            if let Some(asked) = asked
                && crate::testing::is_unmatched(response.status(), &body)
            {
                return Err(Failure::Unmatched(asked));
            }
            Ok(Received { response, body })
        })
    }

    /// The request on its way: over the network, or to the in-memory responder of tests.
    fn send(
        &self,
        request: reqwest::Request,
    ) -> Either<impl Future<Output = reqwest::Result<reqwest::Response>> + use<>, Canned> {
        #[cfg(feature = "testing")]
        if let Some(responder) = &self.inner.0.responder {
            // Answered from the URL asked, as a server would be.
            let (parts, body) = (responder.0)(&request).into_parts();
            let mut rebuilt = http::Response::builder()
                .status(parts.status)
                .url(request.url().clone())
                .body(body)
                .unwrap_or_else(|e| unreachable!("a builder given typed parts cannot fail: {e}"));
            *rebuilt.headers_mut() = parts.headers;
            let canned = reqwest::Response::from(rebuilt);
            return Either::Right(Box::pin(std::future::ready(Ok(canned))));
        }
        Either::Left(self.client.execute(request))
    }

    /// What an attempt gives: the response or failure to hand on, with the facts the call's
    /// context keeps (status, whether the request may have arrived, and whether another
    /// attempt is due).
    fn settle(
        &self,
        call: Attempt,
        outcome: std::result::Result<Received, Failure>,
    ) -> reqwest::Result<Received> {
        let shared = &self.inner.0;
        let operation = call.operation;
        with_call(|c| c.token.set(call.token.clone()));
        let again = |reason| {
            with_call(|c| c.again.set(Some(Box::new(Again { operation, reason }))));
        };
        match outcome {
            Ok(received) => {
                let status = received.response.status();
                tracing::debug!(operation, status = status.as_u16(), "response");
                let refresh = status == StatusCode::UNAUTHORIZED
                    && call.token.is_some()
                    && CALL
                        .try_with(|c| !c.refreshed.replace(true))
                        .unwrap_or(false);
                with_call(|c| {
                    c.status.set(Some(status.as_u16()));
                    c.may_have_arrived.set(!retry::surely_not_processed(status));
                });
                if refresh {
                    // The token was rejected: forget it, and run again with another.
                    tracing::info!(operation, "access token rejected; fetching another");
                    shared.tokens.invalidate(call.token.as_ref());
                    again(AgainReason::Refresh);
                } else if call.kind.retries_status(status) {
                    again(AgainReason::Retry {
                        status: Some(status.as_u16()),
                        retry_after: retry::retry_after(received.response.headers()),
                    });
                }
                Ok(received)
            }
            Err(Failure::TooLarge { status }) => {
                with_call(|c| {
                    c.status.set(Some(status));
                    c.may_have_arrived.set(true);
                    c.error.set(Some(Box::new(Error::ResponseTooLarge {
                        status,
                        limit: shared.max_response_bytes,
                    })));
                });
                Ok(Received::empty(status))
            }
            Err(Failure::Redirected { status }) => {
                // Where the redirect led, the change may have been carried out.
                // Status 0: no answer came from where the change was sent, so whatever the
                // redirect's target said (even 401 or 429) is not a refusal of it.
                with_call(|c| {
                    c.status.set(Some(status));
                    c.may_have_arrived.set(true);
                    c.error.set(Some(Box::new(Error::Http {
                        status: 0,
                        excerpt: format!(
                            "answered ({status}) from another URL: a redirect was followed (a \
                             client given through http_client follows redirects unless built \
                             with redirect::Policy::none())"
                        ),
                    })));
                });
                Ok(Received::empty(status))
            }
            #[cfg(feature = "testing")]
            Err(Failure::Unmatched(asked)) => {
                // Nothing answered the request: it was surely not acted on.
                with_call(|c| {
                    c.status.set(Some(404));
                    c.may_have_arrived.set(false);
                    c.error.set(Some(Box::new(Error::Http {
                        status: 404,
                        excerpt: format!("no stub for {asked}"),
                    })));
                });
                Ok(Received::empty(404))
            }
            Err(Failure::Transport(e)) => {
                // Failing to connect means nothing was sent; anything later may have arrived.
                let arrived = !e.is_connect();
                with_call(|c| c.may_have_arrived.set(arrived));
                if call.kind.retries_failure(arrived) {
                    again(AgainReason::Retry {
                        status: None,
                        retry_after: None,
                    });
                }
                Err(e)
            }
        }
    }
}

/// Reads a response's whole body, up to `limit` bytes.
async fn read_capped(
    response: &mut reqwest::Response,
    limit: usize,
) -> std::result::Result<Bytes, Failure> {
    let status = response.status().as_u16();
    let declared = response.content_length().unwrap_or(0);
    if declared > limit as u64 {
        return Err(Failure::TooLarge { status });
    }
    // A body that arrives in one chunk is kept as it is; only a split one is copied.
    let mut first: Option<Bytes> = None;
    let mut joined: Option<BytesMut> = None;
    let mut len = 0;
    while let Some(chunk) = response.chunk().await.map_err(Failure::Transport)? {
        len += chunk.len();
        if len > limit {
            return Err(Failure::TooLarge { status });
        }
        match (&mut joined, first.take()) {
            (Some(all), _) => all.extend_from_slice(&chunk),
            (None, None) => first = Some(chunk),
            (None, Some(head)) => {
                let mut all = BytesMut::with_capacity(
                    usize::try_from(declared)
                        .unwrap_or(0)
                        .max(head.len() + chunk.len()),
                );
                all.extend_from_slice(&head);
                all.extend_from_slice(&chunk);
                joined = Some(all);
            }
        }
    }
    Ok(match joined {
        Some(all) => all.freeze(),
        None => first.unwrap_or_default(),
    })
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

    /// A response as the `exec` hook hands it on: its body already read out of it.
    fn received(body: &'static [u8]) -> super::Received {
        let mut response = http::Response::new(bytes::Bytes::new());
        *response.status_mut() = reqwest::StatusCode::NOT_FOUND;
        super::Received {
            response: reqwest::Response::from(response),
            body: bytes::Bytes::from_static(body),
        }
    }

    const BODY: &[u8] = br#"{"code":-1,"message":"no such payment","response":null}"#;

    fn decode(response: reqwest::Response) -> crate::generated::types::ErrorEnvelope {
        let value =
            crate::envelope::decoded::<crate::generated::types::ErrorEnvelope, ()>(response)
                .unwrap();
        assert_eq!(value.status(), reqwest::StatusCode::NOT_FOUND);
        value.into_inner()
    }

    #[test]
    fn a_response_handed_on_within_a_call_leaves_its_body_aside_and_is_decoded_from_it() {
        use crate::call::{CALL, CallContext};
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let envelope = runtime.block_on(CALL.scope(CallContext::default(), async {
            let response = super::deliver(received(BODY));
            let kept = CALL.with(|c| {
                let body = c.body.take();
                let kept = body.as_deref() == Some(BODY);
                c.body.set(body);
                kept
            });
            assert!(kept, "the body is not in the call's context");
            let envelope = decode(response);
            assert!(
                CALL.with(|c| c.body.take()).is_none(),
                "the body was left behind"
            );
            envelope
        }));
        assert_eq!(
            (envelope.code, envelope.message.as_deref()),
            (-1, Some("no such payment"))
        );
    }

    #[test]
    fn a_response_handed_on_outside_a_call_carries_its_body_itself() {
        let envelope = decode(super::deliver(received(BODY)));
        assert_eq!(
            (envelope.code, envelope.message.as_deref()),
            (-1, Some("no such payment"))
        );
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
