//! Unwrapping of the `{code, message, response}` envelope into results and typed errors.

use std::{
    cell::Cell,
    future::Future,
    time::{Duration, Instant},
};

use bytes::Bytes;
use futures_util::FutureExt;
use progenitor_client::{Error as GenError, ResponseValue};

use crate::{Error, Result, RetryPolicy, generated::types};

/// The envelope every response body is wrapped in; implemented by the generated `*Envelope`
/// types.
pub(crate) trait Envelope {
    /// What a successful call returns.
    type Payload;
    /// How the envelope holds the payload until the call returns it: an object in a `Box`
    /// (it can be over a kilobyte, and every layer a value passes through copies it), a list
    /// as it is.
    type Held;
    /// The code and message; the payload goes into `payload`.
    fn take_parts(&mut self, payload: &mut Option<Self::Held>) -> (i64, Option<String>);
    /// The payload out of its holder.
    fn payload(held: Self::Held) -> Self::Payload;
}

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
    /// [`decoded`] or by the error conversion.
    pub(crate) body: Cell<Option<Bytes>>,
    /// A typed error raised inside a hook (token exchange failed, body too large).
    pub(crate) error: Cell<Option<Box<Error>>>,
    /// For a request that changes something: what it asked for.
    pub(crate) attempted: Cell<Option<Box<crate::Attempted>>>,
    /// The `Authorization` value the last attempt carried: scrubbed from any text of the
    /// server's that an error quotes (see [`scrub_tokens`]).
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

const EXCERPT_CHARS: usize = 200;
const MASK: &str = "[masked]";

/// The start of a body, lossily decoded, for error messages, with personal data masked.
///
/// Error messages end up in logs, so a body is quoted only after masking:
///
/// - a token response is never quoted;
/// - a body that starts like JSON (`{` or `[`), complete or cut short, is scanned token by
///   token: the value of every personal key (see [`is_personal_key`]) is replaced by
///   `[masked]`, whatever its type, at any depth, and so is every string that contains `@`;
/// - any other body (an HTML error page, plain text) is quoted with every run of four or more
///   digits turned into `#`s and every word containing `@` masked, which covers card,
///   account, telephone and registration numbers and e-mail addresses;
///
/// and the result is cut to 200 characters.
pub(crate) fn excerpt(body: &[u8], secret: bool) -> String {
    if secret {
        return "[token response withheld]".to_owned();
    }
    if body.is_empty() {
        return "[empty body]".to_owned();
    }
    // Before it is cut: half a token is still too much of one.
    let text = scrub_tokens(String::from_utf8_lossy(body).into_owned());
    let masked = if text.trim_start().starts_with(['{', '[']) {
        mask_json(&text)
    } else {
        mask_text(&text)
    };
    let mut out: String = masked.chars().take(EXCERPT_CHARS).collect();
    if out.len() < masked.len() {
        out.push('…');
    }
    out
}

/// A text of the server's (a quoted body, an envelope's message) without access tokens: a
/// server or gateway may echo the request's `Authorization` header in its error. The value
/// after every `Bearer` and, anywhere in the text, the token the current call sent, become
/// `[masked]`.
pub(crate) fn scrub_tokens(text: String) -> String {
    let sent = CALL
        .try_with(|c| {
            let header = c.token.take();
            let token = header
                .as_ref()
                .and_then(|h| h.to_str().ok())
                .map(|h| h.trim_start_matches("Bearer ").trim().to_owned());
            c.token.set(header);
            token
        })
        .ok()
        .flatten()
        .filter(|t| !t.is_empty());
    let mut text = match sent {
        Some(token) if text.contains(token.as_str()) => text.replace(token.as_str(), MASK),
        _ => text,
    };
    let mut from = 0;
    while let Some(at) = find_ascii_ci(&text[from..], "bearer") {
        let start = from + at + "bearer".len();
        let rest = &text[start..];
        let gap = rest.len() - rest.trim_start().len();
        let value = rest[gap..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';' | '<' | '>'))
            .unwrap_or(rest.len() - gap);
        if gap == 0 || value == 0 || rest[gap..].starts_with(MASK) {
            from = start;
            continue;
        }
        text.replace_range(start + gap..start + gap + value, MASK);
        from = start + gap + MASK.len();
    }
    text
}

/// The byte offset of `needle` (ASCII, lower case) in `haystack`, ignoring ASCII case.
fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Keys whose values are personal data: the property names the spec marks `x-personal` or
/// `format: password`, in any component (generated from the spec, the one list of them).
fn is_personal_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    crate::generated::PERSONAL_KEYS
        .binary_search(&key.as_str())
        .is_ok()
}

/// A decoder's error without the values it quotes: serde says `invalid type: string "..."` or
/// ``integer `...` `` of the value that did not fit, which may be a buyer's telephone or a
/// token. The kind of value, what was expected and the position stay.
fn values_withheld(e: serde_json::Error) -> serde_json::Error {
    if e.classify() != serde_json::error::Category::Data {
        return e;
    }
    let text = e.to_string();
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match quote {
            Some(q) if c == q => {
                out.push_str(MASK);
                out.push(c);
                quote = None;
            }
            Some(_) => {}
            None => {
                out.push(c);
                if c == '"' || c == '`' {
                    quote = Some(c);
                }
            }
        }
    }
    if quote.is_some() {
        out.push_str(MASK);
    }
    <serde_json::Error as serde::de::Error>::custom(out)
}

/// Masks a JSON text, complete or not, without parsing it into values: personal keys' values
/// and strings containing `@` are replaced; everything else is copied.
fn mask_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(EXCERPT_CHARS * 4));
    let mut chars = text.char_indices().peekable();
    // While the value of a personal key is an object or array: its depth, all of it skipped.
    let mut masking_depth: Option<usize> = None;
    let mut depth = 0usize;
    // The last key seen, and whether the value that follows is to be masked.
    let mut pending_key: Option<String> = None;
    let mut mask_next = false;
    while let Some((_, c)) = chars.next() {
        // Enough for the excerpt, in any script.
        if out.len() > EXCERPT_CHARS * 4 {
            break;
        }
        match c {
            '"' => {
                let mut raw = String::new();
                let mut escaped = false;
                for (_, c) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                    raw.push(c);
                }
                // A string followed by ':' is a key.
                let mut lookahead = chars.clone();
                while lookahead.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                    lookahead.next();
                }
                let is_key = lookahead.peek().is_some_and(|(_, c)| *c == ':');
                if masking_depth.is_some() {
                    continue;
                }
                if is_key {
                    pending_key = Some(raw.clone());
                    out.push('"');
                    out.push_str(&raw);
                    out.push('"');
                } else if mask_next || raw.contains('@') {
                    mask_next = false;
                    out.push('"');
                    out.push_str(MASK);
                    out.push('"');
                } else {
                    out.push('"');
                    out.push_str(&raw);
                    out.push('"');
                }
            }
            ':' => {
                if masking_depth.is_none() {
                    out.push(':');
                    mask_next = pending_key.take().is_some_and(|k| is_personal_key(&k));
                }
            }
            '{' | '[' => {
                depth += 1;
                if masking_depth.is_some() {
                    continue;
                }
                if mask_next {
                    mask_next = false;
                    masking_depth = Some(depth);
                    out.push('"');
                    out.push_str(MASK);
                    out.push('"');
                } else {
                    out.push(c);
                }
            }
            '}' | ']' => {
                if masking_depth == Some(depth) {
                    masking_depth = None;
                } else if masking_depth.is_none() {
                    out.push(c);
                }
                depth = depth.saturating_sub(1);
            }
            ',' => {
                if masking_depth.is_none() {
                    mask_next = false;
                    out.push(',');
                }
            }
            c if c.is_whitespace() => {
                if masking_depth.is_none() {
                    out.push(c);
                }
            }
            c => {
                // A bare value: a number, `true`, `false`, `null`, or garbage.
                if masking_depth.is_some() {
                    continue;
                }
                let mut word = String::from(c);
                while let Some(&(_, n)) = chars.peek() {
                    if matches!(n, ',' | '}' | ']' | '"' | ':') || n.is_whitespace() {
                        break;
                    }
                    word.push(n);
                    chars.next();
                }
                if (mask_next && word != "null") || word.contains('@') {
                    out.push_str(MASK);
                } else {
                    out.push_str(&word);
                }
                mask_next = false;
            }
        }
    }
    out
}

/// Masks a text that is not JSON: runs of four or more digits become `#`s, words with `@`
/// become `[masked]`.
fn mask_text(text: &str) -> String {
    let mut out = String::new();
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if word.contains('@') {
            out.push_str(MASK);
            continue;
        }
        let mut run = String::new();
        for c in word.chars() {
            if c.is_ascii_digit() {
                run.push(c);
                continue;
            }
            flush_digits(&mut out, &mut run);
            out.push(c);
        }
        flush_digits(&mut out, &mut run);
        if out.len() > EXCERPT_CHARS * 4 {
            break;
        }
    }
    out
}

fn flush_digits(out: &mut String, run: &mut String) {
    if run.len() >= 4 {
        out.extend(std::iter::repeat_n('#', run.len()));
    } else {
        out.push_str(run);
    }
    run.clear();
}

/// Turns an envelope that arrived with an error status or a non-zero code into an error.
///
/// For the token exchange, only a refusal of the credentials is [`Error::Auth`]: a 401, or a
/// non-zero code with a status that is neither 429 nor 5xx. An outage or a rate limit of the
/// token endpoint is an [`Error::Api`] with its status, which is retryable.
pub(crate) fn refusal(status: u16, code: i64, message: Option<String>, token_call: bool) -> Error {
    let message = message.map(scrub_tokens);
    match status {
        404 => Error::NotFound { code, message },
        401 => Error::Auth {
            status,
            code: Some(code),
            message,
        },
        _ if token_call && code != 0 && status != 429 && status < 500 => Error::Auth {
            status,
            code: Some(code),
            message,
        },
        _ => Error::Api {
            status,
            code,
            message,
        },
    }
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
                    // The status of an answer, or the error of a transport failure (an
                    // answer's error would quote the whole response).
                    let failure = outcome.as_ref().err().filter(|_| status.is_none());
                    tracing::warn!(
                        operation = again.operation,
                        attempt,
                        status,
                        error = failure.map(tracing::field::display),
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

/// The result of an operation's last attempt: the payload in `slot`, or the error. The
/// outcome is borrowed, not moved: a move copies it, payload and all.
fn settled<T: Envelope>(
    secret_body: bool,
    outcome: &mut Result<ResponseValue<T>, GenError<types::ErrorEnvelope>>,
    slot: &mut Option<T::Held>,
) -> Result<()> {
    let (hook_error, status, attempted, arrived) = CALL.with(|c| {
        (
            c.error.take(),
            c.status.get(),
            c.attempted.take(),
            c.may_have_arrived.get(),
        )
    });
    // The payload goes straight out; only errors are looked at further.
    let error = match hook_error {
        Some(hook_error) => *hook_error,
        None => match outcome {
            Ok(value) => match unwrap(value, secret_body, slot) {
                Ok(()) => return Ok(()),
                Err(refused) => refused,
            },
            Err(e) => convert(
                std::mem::replace(e, GenError::Custom(String::new())),
                status,
                secret_body,
            ),
        },
    };
    match attempted {
        // A change that may have reached the server, answered with neither a clear success
        // nor a clear refusal.
        Some(attempted) if arrived && !is_clear_refusal(&error) => {
            tracing::warn!(
                operation = attempted.operation,
                "outcome unknown; not sent again"
            );
            Err(Error::OutcomeUnknown {
                attempted,
                source: Box::new(error),
            })
        }
        _ => Err(error),
    }
}

/// Whether an error says the server refused a request without acting on it: an envelope with
/// a non-zero code (or a 4xx envelope) below 500 or with 501 (not implemented: the server
/// does not do this at all), a 401 or a 429, whatever its body. Any other 5xx may come from a
/// failure after the change was made.
fn is_clear_refusal(e: &Error) -> bool {
    match e {
        Error::Api { status, .. } => *status < 500 || *status == 501,
        Error::NotFound { .. } | Error::Auth { .. } => true,
        Error::Http { status, .. } => matches!(status, 401 | 429),
        _ => false,
    }
}

/// The payload of an envelope that arrived with a documented status, or the refusal it carries.
fn unwrap<T: Envelope>(
    value: &mut ResponseValue<T>,
    secret_body: bool,
    slot: &mut Option<T::Held>,
) -> Result<()> {
    let status = value.status().as_u16();
    let (code, message) = value.take_parts(slot);
    if code != 0 {
        *slot = None;
        return Err(refusal(status, code, message, secret_body));
    }
    if slot.is_none() {
        return Err(Error::Http {
            status,
            excerpt: "code 0 without a response payload".to_owned(),
        });
    }
    Ok(())
}

/// The body of a response the `exec` hook handed on: kept in the call's context, or, for a
/// call run outside one, still in the response and already in memory (so reading it is ready
/// at once; a body that were not would be reported as empty rather than awaited).
fn body_of(response: reqwest::Response) -> reqwest::Result<Bytes> {
    if let Ok(Some(body)) = CALL.try_with(|c| c.body.take()) {
        return Ok(body);
    }
    response
        .bytes()
        .now_or_never()
        .unwrap_or_else(|| Ok(Bytes::new()))
}

/// The generated operations' decoding of a response (`build/codegen.rs` puts it in place of
/// progenitor's `ResponseValue::from_response`): the same result, from the body the `exec`
/// hook already read, without reading it again or copying the headers.
#[allow(
    clippy::result_large_err,
    reason = "the generated operations' own error type"
)]
pub(crate) fn decoded<T, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, GenError<E>>
where
    T: serde::de::DeserializeOwned,
{
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = body_of(response).map_err(GenError::ResponseBodyError)?;
    match serde_json::from_slice(&body) {
        Ok(inner) => Ok(ResponseValue::new(inner, status, headers)),
        Err(e) => Err(GenError::InvalidResponsePayload(body, e)),
    }
}

/// The error a generated operation's failure stands for. Not `async`, so that no `await`
/// follows the operation's in [`scoped`] and the call's future holds nothing across one.
fn convert(e: GenError<types::ErrorEnvelope>, status: Option<u16>, secret: bool) -> Error {
    match undecoded(e, status, secret) {
        // Any 401 is a refusal of the credentials or the token, whatever its body: a gateway
        // in front of the API answers bare ones.
        Error::Http { status: 401, .. } | Error::Decode { status: 401, .. } => Error::Auth {
            status: 401,
            code: None,
            message: None,
        },
        other => other,
    }
}

/// [`convert`], before a 401 of any body is read as an authentication failure.
fn undecoded(e: GenError<types::ErrorEnvelope>, status: Option<u16>, secret: bool) -> Error {
    let status = status.unwrap_or(0);
    match e {
        GenError::ErrorResponse(value) => {
            let status = value.status().as_u16();
            let env = value.into_inner();
            refusal(status, env.code, env.message, secret)
        }
        GenError::InvalidResponsePayload(body, source) => {
            // A refusal whose `response` is not the promised shape is still a refusal.
            match serde_json::from_slice::<types::ErrorEnvelope>(&body) {
                Ok(env) if env.code != 0 => refusal(status, env.code, env.message, secret),
                _ => Error::Decode {
                    status,
                    excerpt: excerpt(&body, secret),
                    source: values_withheld(source),
                },
            }
        }
        GenError::UnexpectedResponse(response) => {
            let status = response.status().as_u16();
            match body_of(response) {
                Ok(body) => match serde_json::from_slice::<types::ErrorEnvelope>(&body) {
                    Ok(env) if env.code != 0 || status >= 400 => {
                        refusal(status, env.code, env.message, secret)
                    }
                    _ => Error::Http {
                        status,
                        excerpt: excerpt(&body, secret),
                    },
                },
                Err(source) => Error::Transport(source),
            }
        }
        GenError::CommunicationError(source) | GenError::ResponseBodyError(source) => {
            Error::Transport(source)
        }
        GenError::InvalidUpgrade(source) => Error::Transport(source),
        GenError::InvalidRequest(reason) => Error::invalid("request", reason),
        GenError::Custom(reason) => Error::config(reason),
    }
}
