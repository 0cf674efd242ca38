//! The crate's one error type, [`Attempted`] (what a lost change asked for) and the
//! predicates callers branch on. Longer than most files here: each variant's doc says what to
//! do next, which is the point of the type.

/// Everything that can go wrong, split by what the caller should do next.
///
/// Neither the API secret nor an access token ever appears in an error's `Debug` or `Display`.
///
/// Cheap to clone: the errors of other crates it carries are shared, not copied. The callers
/// that waited for one failed token exchange each get a clone of its error.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API refused the request: a non-zero `code` in the envelope (often with HTTP 200).
    /// Read the message; retrying the same request gives the same answer. The server gives
    /// different refusals the same `code`; [`Error::refusal`] tells the common ones apart
    /// (already cancelled, no such payment, unknown billing key, ...).
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
        source: std::sync::Arc<serde_json::Error>,
    },

    /// A request that changes something (a cancel, a registration, a receipt, a prepare) may or
    /// may not have been carried out: it was sent, and the answer was neither a clear success
    /// nor a clear refusal. The connection failed or timed out after sending, a gateway answered
    /// in the server's place (502/503/504), the server failed (5xx), or a `code 0` answer had a
    /// payload that was missing, too large or undecodable.
    ///
    /// The request was **not** sent again, and it must not be sent again blindly: look up
    /// what it would have changed first ([`Attempted::next_step`] says what, per operation).
    /// [`Error::attempted`] says what was asked for; for a cancel,
    /// [`Client::cancellation_outcome`](crate::Client::cancellation_outcome) and for a charge
    /// [`Client::charge_outcome`](crate::Client::charge_outcome) do the lookup. Never
    /// [`is_retryable`](Error::is_retryable).
    ///
    /// Its `Display` says what happened to the request too (`timed out (api.iamport.kr)`, the
    /// gateway's status), so a one-line log has the cause; [`source`](std::error::Error::source)
    /// gives the same error typed.
    #[error(
        "outcome unknown: {} may or may not have been carried out ({source}); {}",
        attempted.operation,
        attempted.next_step()
    )]
    OutcomeUnknown {
        /// What the request asked for, as far as it named it.
        attempted: Box<Attempted>,
        /// What happened to the request.
        #[source]
        source: Box<Error>,
    },

    /// No access token could be had within the request timeout
    /// ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)) while another call's token
    /// exchange was still running. Nothing was sent.
    #[error("timed out after {waited:?} waiting for an access token")]
    TokenTimeout {
        /// How long the call waited.
        waited: std::time::Duration,
    },

    /// A charge was answered, but its payment is not paid: the card company declined it (the
    /// payment's `status` is `failed` and `fail_reason` says why) or it was cancelled. The
    /// server reports a declined card as a success (`code` 0), so the SDK turns it into this
    /// error: a charge is `Ok` only when the money moved. Nothing was charged; tell the buyer,
    /// or charge again later (with a new `merchant_uid`). With PayPal and Paymentwall a
    /// `failed` payment can still turn `paid` later (with a `paid` webhook), so there keep
    /// listening for the webhook before charging the order again. A payment still `ready`, which may
    /// yet complete, is never this error but [`Error::OutcomeUnknown`] (with
    /// [`Error::Pending`] as its source).
    #[error("the charge was not approved (status {}): {}", .0.status, .0.fail_reason.as_deref().unwrap_or("no reason given"))]
    Declined(Box<crate::Payment>),

    /// The PG refused the request in an answer i'mport gave as a success (`code` 0), with its
    /// own code and message inside the payload: Paymentwall answers a delivery report it does
    /// not take this way. Nothing was done; read the message (and, in `answer`, the PG's
    /// notices), fix the request and send it again. Its [`refusal`](Error::refusal) is
    /// [`Refusal::Other`](crate::Refusal::Other).
    #[error("the PG refused the request (its code {code}): {}", message.as_deref().unwrap_or("no message"))]
    PgRejected {
        /// The PG's code.
        code: i64,
        /// The PG's message.
        message: Option<String>,
        /// The whole answer, as the server sent it.
        answer: Box<serde_json::Value>,
    },

    /// A virtual account or a convenience-store payment number was not revoked because the
    /// buyer paid it already: the server refused the revoke, and the payment, looked up after
    /// the refusal, is `paid`. Nothing was changed. Paid money is returned with a refund
    /// ([`Client::cancel_payment`](crate::Client::cancel_payment); for a virtual account, with
    /// the account to refund to), never by revoking. Its [`refusal`](Error::refusal) is
    /// [`Refusal::AlreadyPaid`](crate::Refusal::AlreadyPaid).
    #[error("the payment {} was paid already and cannot be revoked; refund it with a cancel instead", .0.imp_uid)]
    AlreadyPaid(Box<crate::Payment>),

    /// A charge was answered with a payment that is neither paid nor failed (`ready`): it may
    /// still complete. The source of an [`Error::OutcomeUnknown`]: do not charge again; learn
    /// the outcome with [`Client::charge_outcome`](crate::Client::charge_outcome).
    #[error("the charge is neither paid nor failed yet (status {})", .0.status)]
    Pending(Box<crate::Payment>),

    /// A cancel was accepted (`code` 0) but the refund waits for the PG's approval: the
    /// returned payment does not record it yet (no entry for it in `cancel_history`, and a
    /// cancel of all that was left has not turned the payment `cancelled`). PayPal
    /// (`paypal_v2`) approves refunds this way; the approval may still be given or refused,
    /// and the outcome arrives by webhook. Nothing was refunded yet and nothing must be sent
    /// again: mark the refund as requested, not made, and learn its outcome later with
    /// [`Client::cancellation_outcome`](crate::Client::cancellation_outcome) and
    /// [`Error::attempted`] (it answers
    /// [`CancelOutcome::Pending`](crate::reconcile::CancelOutcome::Pending) while the
    /// approval is still awaited).
    #[error("the refund of {} waits for the PG's approval; do not cancel again", attempted.imp_uid.as_deref().or(attempted.merchant_uid.as_deref()).unwrap_or("the payment"))]
    RefundPending {
        /// What the cancel asked for; its [`Attempted::accepted`] is `true`.
        attempted: Box<Attempted>,
        /// The payment as the cancel's answer gave it.
        payment: Box<crate::Payment>,
    },

    /// The response body was larger than the client accepts
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    #[error("response body over {limit} bytes (http {status})")]
    ResponseTooLarge {
        /// HTTP status of the response.
        status: u16,
        /// The limit in bytes.
        limit: usize,
    },

    /// The request did not complete: connection refused or reset, timeout, TLS failure. Its
    /// `Display`, `Debug` and source name the host, never the URL's path or query (they carry
    /// ids).
    #[error("transport error: {}", transport_cause(.0))]
    Transport(#[source] std::sync::Arc<reqwest::Error>),

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
        source: Option<std::sync::Arc<dyn std::error::Error + Send + Sync + 'static>>,
    },
}

/// What a request that changes something asked for, as far as the request named it: enough to
/// look the payment up and learn whether the change was carried out. Carried by
/// [`Error::OutcomeUnknown`].
///
/// ```
/// # fn f(err: iamport::Error) {
/// if let Some(attempted) = err.attempted() {
///     println!("{} of {:?} on {:?}", attempted.operation, attempted.amount, attempted.imp_uid);
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempted {
    /// The operation, e.g. `cancel_payment`.
    pub operation: &'static str,
    /// The payment's i'mport id, when the request named it (in its path or body).
    pub imp_uid: Option<String>,
    /// The merchant's order id, when the request named exactly one (in its path or body).
    pub merchant_uid: Option<String>,
    /// Every order id the request named, in order: one for most changes, several for a
    /// request that schedules or revokes several charges.
    pub merchant_uids: Vec<String>,
    /// The billing key (`customer_uid`), when the request named it.
    pub customer_uid: Option<String>,
    /// The amount the change moves, as its request carried it at the top of its body (for a
    /// cancel, how much to cancel; `None` means all that was left). A request of several
    /// charges (`schedule_payments`) has no one amount: its entries' amounts are not here.
    pub amount: Option<crate::Amount>,
    /// When the call started, by the local clock: the change, if carried out, was recorded
    /// after this.
    pub started_at: crate::UnixTime,
    /// Whether the server answered that it accepted the change and is still carrying it out
    /// (a refund waiting for the PG's approval: [`Error::RefundPending`]). A lookup that does
    /// not find the change yet then means it is pending, not lost.
    pub accepted: bool,
}

impl Attempted {
    /// A cancel of `amount` (`None`: all that is left) of the payment with this i'mport id,
    /// started at `started_at`; for reconciling a cancel whose error was not kept.
    pub fn cancel_by_imp_uid(
        imp_uid: impl Into<String>,
        amount: Option<crate::Amount>,
        started_at: crate::UnixTime,
    ) -> Self {
        Attempted {
            operation: "cancel_payment",
            imp_uid: Some(imp_uid.into()),
            merchant_uid: None,
            merchant_uids: Vec::new(),
            customer_uid: None,
            amount,
            started_at,
            accepted: false,
        }
    }

    /// A cancel of `amount` (`None`: all that is left) of the payment with this order id,
    /// started at `started_at`.
    pub fn cancel_by_merchant_uid(
        merchant_uid: impl Into<String>,
        amount: Option<crate::Amount>,
        started_at: crate::UnixTime,
    ) -> Self {
        let merchant_uid = merchant_uid.into();
        Attempted {
            operation: "cancel_payment",
            imp_uid: None,
            merchant_uid: Some(merchant_uid.clone()),
            merchant_uids: vec![merchant_uid],
            customer_uid: None,
            amount,
            started_at,
            accepted: false,
        }
    }
}

impl Attempted {
    /// What to do before trying the change again, for this operation: look up what it would
    /// have changed (the payment, the billing key, the schedules, the receipt).
    pub fn next_step(&self) -> &'static str {
        match self.operation {
            "cancel_payment" => {
                "look the payment up (Client::cancellation_outcome) before cancelling again"
            }
            "charge_billing_key" | "charge_onetime" | "retry_schedule" => {
                "look the payment up (Client::charge_outcome) before charging again"
            }
            "issue_billing_key" | "delete_billing_key" => {
                "look the billing key up before trying again"
            }
            "schedule_payments" => {
                "look the schedules up (Client::schedule_outcome) before scheduling again"
            }
            "unschedule_payments" | "update_schedule" | "reschedule_schedule" => {
                "look the schedules up before trying again"
            }
            "issue_vbank" | "issue_cvs_payment" => {
                "look the order up by its merchant_uid (Client::find_payment) before asking again"
            }
            "update_vbank" | "revoke_vbank" | "revoke_cvs_payment" => {
                "look the payment up (Client::payment) before trying again"
            }
            "register_escrow_shipping" | "update_escrow_shipping" => {
                "read the shipping (Client::escrow_shipping) before trying again"
            }
            "request_certification_otp" => {
                "the person may have received a code: start a new verification only once they say they did not"
            }
            "confirm_certification_otp" | "delete_certification" => {
                "look the verification up (Client::certification) before trying again"
            }
            "issue_partner_receipts" => "check the sales slips with the PG before issuing again",
            "pay_kcpquick_money" | "pay_kcpquick_autopay" | "pay_benepia_point" => {
                "look the order up by its merchant_uid (Client::find_payment) before paying again"
            }
            "confirm_naver_payment" | "deposit_naver_point" | "update_payco_order_status" => {
                "look the payment up (Client::payment) before trying again"
            }
            op if op.contains("naver") => {
                "read the product orders (Client::naver().product_orders) before acting again"
            }
            "prepare_kcpquick_payment" | "update_kcpquick_prepared_payment" => {
                "send the registration again: a second one of the same order id is refused (409) if the first arrived"
            }
            "get_benepia_point" => "ask again: reading the balance changes nothing",
            "register_paymentwall_delivery" => {
                "report the delivery again: the same report describes the same delivery"
            }
            "prepare_payment" | "update_prepared_payment" => {
                "look the prepared amount up before trying again"
            }
            op if op.contains("receipt") => "look the receipt up before trying again",
            _ => "look up what it changes before trying again",
        }
    }
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
    /// Never true for [`Error::OutcomeUnknown`]: that request may have been carried out.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::TokenTimeout { .. } => true,
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
            Error::TokenTimeout { .. } => true,
            _ => false,
        }
    }

    /// Whether a cancel was accepted but its refund waits for the PG's approval (see
    /// [`Error::RefundPending`]): record it as requested, never cancel again.
    pub fn is_refund_pending(&self) -> bool {
        matches!(self, Error::RefundPending { .. })
    }

    /// Whether a request that changes something may or may not have been carried out (see
    /// [`Error::OutcomeUnknown`]): query before retrying.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, Error::OutcomeUnknown { .. })
    }

    /// What a request whose outcome is unknown asked for: the operation and the ids and
    /// amount the request was sent with. `None` for other errors.
    pub fn attempted(&self) -> Option<&Attempted> {
        match self {
            Error::OutcomeUnknown { attempted, .. } | Error::RefundPending { attempted, .. } => {
                Some(attempted)
            }
            _ => None,
        }
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

    /// The envelope's `code`, when the API answered with one; for an
    /// [`Error::OutcomeUnknown`] after an envelope with a 5xx status, that envelope's.
    pub fn api_code(&self) -> Option<i64> {
        match self {
            Error::Api { code, .. } | Error::NotFound { code, .. } => Some(*code),
            Error::Auth { code, .. } => *code,
            Error::OutcomeUnknown { source, .. } => source.api_code(),
            _ => None,
        }
    }

    /// The envelope's `message`, when the API answered with one; for an
    /// [`Error::OutcomeUnknown`] after an envelope with a 5xx status, that envelope's.
    pub fn api_message(&self) -> Option<&str> {
        match self {
            Error::Api { message, .. }
            | Error::NotFound { message, .. }
            | Error::Auth { message, .. } => message.as_deref(),
            Error::OutcomeUnknown { source, .. } => source.api_message(),
            _ => None,
        }
    }

    /// Whether an argument was rejected before anything was sent ([`Error::InvalidInput`]).
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Error::InvalidInput { .. })
    }

    /// Whether the client could not be configured ([`Error::Config`]).
    pub fn is_config(&self) -> bool {
        matches!(self, Error::Config { .. })
    }

    /// Whether the request did not complete (connection, TLS, timeout).
    pub fn is_transport(&self) -> bool {
        matches!(self, Error::Transport(_))
    }

    /// Whether a payment was not what the merchant expected ([`Error::Mismatch`]).
    pub fn is_mismatch(&self) -> bool {
        matches!(self, Error::Mismatch(_))
    }

    /// Whether a revoke of a virtual account or convenience-store payment number was refused
    /// because the buyer paid it already ([`Error::AlreadyPaid`]): refund it instead.
    pub fn is_already_paid(&self) -> bool {
        matches!(self, Error::AlreadyPaid(_))
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

    /// A transport failure, its URL cut to the scheme, host and port: `reqwest::Error`'s
    /// `Debug` and `Display` show the URL, whose path and query carry ids.
    pub(crate) fn transport(mut e: reqwest::Error) -> Self {
        if let Some(url) = e.url_mut() {
            url.set_path("/");
            url.set_query(None);
            url.set_fragment(None);
        }
        Error::Transport(std::sync::Arc::new(e))
    }

    pub(crate) fn config(reason: impl Into<String>) -> Self {
        Error::Config {
            reason: reason.into(),
            source: None,
        }
    }
}

/// What went wrong in a transport failure, for `Display` and the logs: what was being done,
/// the host, and the innermost cause ("connection refused", "operation timed out"). Never the
/// path or query, which carry ids.
pub(crate) fn transport_cause(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the response broke off"
    } else if e.is_redirect() {
        "redirected"
    } else {
        "the request failed"
    };
    let mut root: &dyn std::error::Error = e;
    while let Some(inner) = root.source() {
        root = inner;
    }
    let host = e.url().and_then(|u| u.host_str()).unwrap_or("the server");
    let cause = root.to_string();
    if std::ptr::addr_eq(root, e) || cause.is_empty() {
        format!("{what} ({host})")
    } else {
        format!("{what} ({host}): {cause}")
    }
}
