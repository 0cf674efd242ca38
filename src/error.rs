//! The crate's one error type.

/// Everything that can go wrong, split by what the caller should do next.
///
/// Neither the API secret nor an access token ever appears in an error's `Debug` or `Display`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API refused the request: a non-zero `code` in the envelope (often with HTTP 200).
    /// Read the message; retrying the same request gives the same answer.
    #[error("i'mport refused the request (http {status}, code {code}): {}", message.as_deref().unwrap_or("no message"))]
    Api {
        /// HTTP status of the response.
        status: u16,
        /// The envelope's `code`.
        code: i64,
        /// The envelope's `message`, usually Korean.
        message: Option<String>,
    },

    /// Nothing matches the id (HTTP 404).
    #[error("not found (code {code}): {}", message.as_deref().unwrap_or("no message"))]
    NotFound {
        /// The envelope's `code`.
        code: i64,
        /// The envelope's `message`.
        message: Option<String>,
    },

    /// The credentials were refused, or the API rejected a freshly issued token.
    /// Check the key, the secret and the tier.
    #[error("authentication failed (http {status}): {}", message.as_deref().unwrap_or("no message"))]
    Auth {
        /// HTTP status of the refusal.
        status: u16,
        /// The envelope's `code`, when the body was an envelope.
        code: Option<i64>,
        /// The envelope's `message`, when the body was an envelope.
        message: Option<String>,
    },

    /// The response was not the envelope the API promises (an HTML error page, an empty body,
    /// an unexpected status).
    #[error("unexpected response (http {status}): {excerpt}")]
    Http {
        /// HTTP status of the response.
        status: u16,
        /// The start of the body, for diagnosis.
        excerpt: String,
    },

    /// The body was JSON-like but did not decode into the expected shape, or was cut short.
    #[error("cannot decode the response (http {status}): {excerpt}")]
    Decode {
        /// HTTP status of the response.
        status: u16,
        /// The start of the body, for diagnosis (withheld for token responses).
        excerpt: String,
        /// What the decoder said.
        #[source]
        source: serde_json::Error,
    },

    /// A request that changes something (a cancel, a registration, a receipt) may or may not
    /// have been carried out: it was sent, and then the connection failed, the request timed
    /// out, or a gateway answered in the server's place. It was not sent again. Query the
    /// payment (or receipt) before deciding to retry; a cancel with a `checksum` is retried
    /// safely instead.
    #[error(
        "outcome unknown: {operation} may or may not have been carried out; query the payment before retrying"
    )]
    OutcomeUnknown {
        /// The operation, e.g. `cancel_payment`.
        operation: &'static str,
        /// What happened to the request.
        #[source]
        source: Box<Error>,
    },

    /// A charge was answered, but its payment is not paid: the card company declined it (the
    /// payment's `status` is `failed` and `fail_reason` says why) or left it in another state.
    /// The server reports a declined card as a success (`code` 0), so the SDK turns it into
    /// this error: a charge is `Ok` only when the money moved. Nothing was charged; tell the
    /// buyer, or charge again later (with a new `merchant_uid`).
    #[error("the charge was not approved (status {}): {}", .0.status, .0.fail_reason.as_deref().unwrap_or("no reason given"))]
    Declined(Box<crate::Payment>),

    /// The response body was larger than the client accepts
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    #[error("response body over {limit} bytes (http {status})")]
    ResponseTooLarge {
        /// HTTP status of the response.
        status: u16,
        /// The limit in bytes.
        limit: usize,
    },

    /// The request did not complete: connection refused or reset, timeout, TLS failure.
    #[error("transport error")]
    Transport(#[source] reqwest::Error),

    /// The payment is not what the merchant expected (see [`Client::verify_payment`]); do not
    /// fulfil the order. The mismatch lists each differing field and carries the payment.
    ///
    /// [`Client::verify_payment`]: crate::Client::verify_payment
    #[error("{0}")]
    Mismatch(Box<crate::PaymentMismatch>),

    /// An argument was rejected before anything was sent.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The argument at fault.
        field: &'static str,
        /// Why it was rejected.
        reason: String,
    },

    /// The client could not be configured (bad base URL, missing credentials, ...).
    #[error("configuration error: {reason}")]
    Config {
        /// What is wrong.
        reason: String,
        /// The underlying error, when there is one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    },
}

/// `Result` with [`enum@Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Whether the API said the thing asked for does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }

    /// Whether authentication failed.
    pub fn is_auth(&self) -> bool {
        matches!(self, Error::Auth { .. })
    }

    /// Whether the same request may succeed later: transport failures, 429 and 5xx (except 501).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(e) => !e.is_builder() && !e.is_redirect(),
            Error::Http { status, .. }
            | Error::Decode { status, .. }
            | Error::Api { status, .. } => *status == 429 || (*status >= 500 && *status != 501),
            _ => false,
        }
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Transport(e) => e.is_timeout(),
            Error::OutcomeUnknown { source, .. } => source.is_timeout(),
            _ => false,
        }
    }

    /// Whether a request that changes something may or may not have been carried out (see
    /// [`Error::OutcomeUnknown`]): query before retrying.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, Error::OutcomeUnknown { .. })
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. }
            | Error::Auth { status, .. }
            | Error::Http { status, .. }
            | Error::Decode { status, .. }
            | Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::NotFound { .. } => Some(404),
            Error::OutcomeUnknown { source, .. } => source.status(),
            Error::Transport(e) => e.status().map(|s| s.as_u16()),
            _ => None,
        }
    }

    /// The envelope's `code`, when the API answered with one.
    pub fn api_code(&self) -> Option<i64> {
        match self {
            Error::Api { code, .. } | Error::NotFound { code, .. } => Some(*code),
            Error::Auth { code, .. } => *code,
            _ => None,
        }
    }

    /// The envelope's `message`, when the API answered with one.
    pub fn api_message(&self) -> Option<&str> {
        match self {
            Error::Api { message, .. }
            | Error::NotFound { message, .. }
            | Error::Auth { message, .. } => message.as_deref(),
            _ => None,
        }
    }

    /// Whether a charge was answered with a payment that is not paid (a declined card).
    pub fn is_declined(&self) -> bool {
        matches!(self, Error::Declined(_))
    }

    /// The payment of a declined charge, with its `status` and `fail_reason`.
    pub fn declined_payment(&self) -> Option<&crate::Payment> {
        match self {
            Error::Declined(p) => Some(p),
            _ => None,
        }
    }

    /// The mismatch, when a payment was not what the merchant expected.
    pub fn mismatch(&self) -> Option<&crate::PaymentMismatch> {
        match self {
            Error::Mismatch(m) => Some(m),
            _ => None,
        }
    }

    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field,
            reason: reason.into(),
        }
    }

    pub(crate) fn config(reason: impl Into<String>) -> Self {
        Error::Config {
            reason: reason.into(),
            source: None,
        }
    }
}
