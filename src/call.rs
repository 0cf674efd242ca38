//! One call of an operation: its context (what the hooks learn about it), and the loop that
//! runs the operation again as the hooks ask (retries and the token refresh).

use std::{
    cell::Cell,
    future::Future,
    time::{Duration, Instant},
};

use bytes::Bytes;
use progenitor_client::{Error as GenError, ResponseValue};

use crate::{
    Error, Result, RetryPolicy,
    envelope::{Envelope, settled},
    generated::types,
};

/// What the hooks learn about one call that the generated error cannot carry.
///
/// Small on purpose (the rare parts are boxed): the task-local swaps it in and out every time
/// the call's future is polled.
#[derive(Default)]
pub(crate) struct CallContext {
    /// Status of the last response received.
    pub(crate) status: Cell<Option<u16>>,
    /// Whether the last attempt may have reached the server and been acted on (it was sent,
    /// and not answered with 401 or 429).
    pub(crate) may_have_arrived: Cell<bool>,
    /// Whether the token was refreshed once already (a second 401 is handed on).
    pub(crate) refreshed: Cell<bool>,
    /// How many attempts were made before the one under way (for the logs).
    pub(crate) retries: Cell<u16>,
    /// Set by the `exec` hook when the attempt just made asks for another: the operation is
    /// run again, building its request anew, rather than a copy of every request kept.
    pub(crate) again: Cell<Option<Box<Again>>>,
    /// The body of the response the `exec` hook handed on, read there in full; taken by
    /// [`decoded`](crate::envelope::decoded) or by the error conversion.
    pub(crate) body: Cell<Option<Bytes>>,
    /// A typed error raised inside a hook (token exchange failed, body too large).
    pub(crate) error: Cell<Option<Box<Error>>>,
    /// For a request that changes something: what it asked for.
    pub(crate) attempted: Cell<Option<Box<crate::Attempted>>>,
    /// The `Authorization` value the last attempt carried: scrubbed from any text of the
    /// server's that an error quotes (see [`scrub_tokens`](crate::redact::scrub_tokens)).
    pub(crate) token: Cell<Option<reqwest::header::HeaderValue>>,
}

/// Why an attempt is to be followed by another.
#[derive(Debug)]
pub(crate) struct Again {
    /// The operation, for the logs.
    pub(crate) operation: &'static str,
    pub(crate) reason: AgainReason,
}

#[derive(Debug)]
pub(crate) enum AgainReason {
    /// The token was rejected and has been forgotten: run again at once, with a fresh one.
    Refresh,
    /// A failure that may pass: run again after a wait, if the policy allows another attempt.
    /// `retry_after` is the server's `Retry-After`; `status` is absent for a transport failure.
    Retry {
        status: Option<u16>,
        retry_after: Option<Duration>,
    },
}

tokio::task_local! {
    pub(crate) static CALL: CallContext;
}

/// Records a fact about the current call, when one is being tracked.
pub(crate) fn with_call(f: impl FnOnce(&CallContext)) {
    let _ = CALL.try_with(f);
}

/// Runs one generated operation, again as the `exec` hook asks (retries and the token
/// refresh), and unwraps its envelope into the payload.
///
/// `operation` builds the operation's future; each attempt calls it, so each builds its
/// request anew and no copy of a request is kept for an attempt that will most likely never
/// come. Each attempt's future is boxed, so it is held once, behind a pointer, however many
/// futures await this one.
///
/// The payload (a `Payment` is over a kilobyte) travels boxed (see [`Envelope::Held`]) into
/// a slot in this future, and is taken out of its box only here, as the call returns it:
/// every layer a value passes through copies it.
pub(crate) async fn run<T, M, F>(
    secret_body: bool,
    retry: &RetryPolicy,
    operation: M,
) -> Result<T::Payload>
where
    T: Envelope,
    M: Fn() -> F,
    F: Future<Output = Result<ResponseValue<T>, GenError<types::ErrorEnvelope>>>,
{
    use tracing::Instrument;
    let mut payload = None;
    CALL.scope(
        CallContext::default(),
        scoped(secret_body, retry, operation, &mut payload),
    )
    .instrument(crate::trace::call_span())
    .await?;
    // `scoped` fills the slot whenever it succeeds.
    payload.map(T::payload).ok_or_else(|| Error::Http {
        status: 0,
        excerpt: "no payload was handed on".to_owned(),
    })
}

/// The body of [`run`], inside the call's context: on success the payload is in `slot`.
async fn scoped<T, M, F>(
    secret_body: bool,
    retry: &RetryPolicy,
    operation: M,
    slot: &mut Option<T::Held>,
) -> Result<()>
where
    T: Envelope,
    M: Fn() -> F,
    F: Future<Output = Result<ResponseValue<T>, GenError<types::ErrorEnvelope>>>,
{
    let started = Instant::now();
    let mut attempt: u32 = 1;
    // Every time the request is sent again: retries and the run after a token refresh.
    let mut resends: u32 = 0;
    loop {
        // The outcome lives in this block only, so no await below holds it.
        let wait = {
            let mut outcome = Box::pin(operation()).await;
            let again = CALL.with(|c| c.again.take());
            let wait = again.and_then(|again| match again.reason {
                AgainReason::Refresh => Some(Duration::ZERO),
                AgainReason::Retry {
                    status,
                    retry_after,
                } => {
                    let wait = retry.delay(attempt, started, retry_after)?;
                    // The status of an answer, or the cause of a transport failure (an
                    // answer's error would quote the whole response).
                    let failure = outcome
                        .as_ref()
                        .err()
                        .filter(|_| status.is_none())
                        .and_then(transport_failure);
                    tracing::warn!(
                        operation = again.operation,
                        attempt,
                        status,
                        error = failure.as_deref(),
                        wait_ms = wait.as_millis(),
                        "retrying"
                    );
                    attempt = attempt.saturating_add(1);
                    Some(wait)
                }
            });
            match wait {
                Some(wait) => wait,
                None => {
                    let result = settled(secret_body, &mut outcome, slot);
                    let status = CALL.with(|c| c.status.get());
                    crate::trace::ended(&result, status, resends);
                    return result;
                }
            }
        };
        resends = resends.saturating_add(1);
        CALL.with(|c| {
            c.retries
                .set(u16::try_from(attempt - 1).unwrap_or(u16::MAX))
        });
        if !wait.is_zero() {
            // Boxed: the wait is rare, and held inline it would grow every call's future.
            Box::pin(tokio::time::sleep(wait)).await;
        }
    }
}

/// What a failed attempt's error says in the logs, for a transport failure: what
/// [`Error::Transport`] says of it, never the error's own text (it quotes the URL, whose path
/// carries ids).
fn transport_failure(e: &GenError<types::ErrorEnvelope>) -> Option<String> {
    match e {
        GenError::CommunicationError(e)
        | GenError::ResponseBodyError(e)
        | GenError::InvalidUpgrade(e) => Some(crate::error::transport_cause(e)),
        _ => None,
    }
}
