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
/// How much of a body an excerpt is made from: far more than the excerpt shows, so that the
/// masking, which shortens what it masks, still fills it; little enough that a body of
/// megabytes costs no more to quote than one of a few kilobytes.
const EXCERPT_SCAN_BYTES: usize = 8 * 1024;
const MASK: &str = "[masked]";

/// The start of a body, lossily decoded, for error messages, with personal data masked.
///
/// Error messages end up in logs, so a body is quoted only after masking:
///
/// - a token response is never quoted;
/// - only the first 8 KiB are read; a word, string or value that runs past them is masked
///   whole, since what would have told whether it is personal may lie beyond;
/// - access tokens are masked (see [`scrub_tokens`]);
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
    let cut = body.len() > EXCERPT_SCAN_BYTES;
    let head = &body[..body.len().min(EXCERPT_SCAN_BYTES)];
    // Before it is masked and cut: half a token is still too much of one.
    let text = scrub_tokens(&String::from_utf8_lossy(head));
    let masked = if text.trim_start().starts_with(['{', '[']) {
        mask_json(&text, cut)
    } else {
        mask_text(&text, cut)
    };
    let mut out: String = masked.chars().take(EXCERPT_CHARS).collect();
    if cut || out.len() < masked.len() {
        out.push('…');
    }
    out
}

/// A text of the server's (a quoted body, an envelope's message) without access tokens: a
/// server or gateway may echo the request's `Authorization` header in its error. The value
/// after every `Bearer` (up to a space, a quote or `,;<>`) and, anywhere in the text, the
/// token the current call sent, become `[masked]`.
///
/// One pass, linear in the length of the text whatever it holds; [`excerpt`] hands it only
/// the start of a body.
pub(crate) fn scrub_tokens(text: &str) -> String {
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
    let sent_len = sent.as_ref().map_or(0, String::len);
    // Where the sent token occurs, in order (found in one linear search).
    let mut sent_at = sent
        .as_deref()
        .into_iter()
        .flat_map(|token| text.match_indices(token).map(|(at, _)| at))
        .peekable();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // Everything before `copied` is in `out`; `at` is where the scan is.
    let (mut copied, mut at) = (0, 0);
    while at < bytes.len() {
        // Occurrences that start inside a value masked already.
        while sent_at.next_if(|&found| found < at).is_some() {}
        if sent_at.next_if_eq(&at).is_some() {
            out.push_str(&text[copied..at]);
            out.push_str(MASK);
            at += sent_len;
            copied = at;
            continue;
        }
        if !bytes[at..]
            .get(..6)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"bearer"))
        {
            at += 1;
            continue;
        }
        // Six ASCII bytes: `start` is a character boundary.
        let start = at + "bearer".len();
        let rest = &text[start..];
        let gap = rest.len() - rest.trim_start().len();
        // The value is looked for only after a gap: `BearerBearer…` costs nothing more.
        let value = if gap == 0 {
            0
        } else {
            rest[gap..]
                .find(|c: char| {
                    c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';' | '<' | '>')
                })
                .unwrap_or(rest.len() - gap)
        };
        if value == 0 {
            at = start;
            continue;
        }
        out.push_str(&text[copied..start + gap]);
        out.push_str(MASK);
        at = start + gap + value;
        copied = at;
    }
    out.push_str(&text[copied..]);
    out
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
///
/// A string is quoted as Rust writes it (`Debug`), with `\"` and `\\` inside: an escaped quote
/// does not end it.
fn values_withheld(e: serde_json::Error) -> serde_json::Error {
    if e.classify() != serde_json::error::Category::Data {
        return e;
    }
    let text = e.to_string();
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in text.chars() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some('"') if c == '\\' => escaped = true,
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
/// and strings containing `@` are replaced; everything else is copied. When the text is the
/// start of a longer one (`cut`), a string or value it ends inside is replaced too.
fn mask_json(text: &str, cut: bool) -> String {
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
                let mut closed = false;
                for (_, c) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        closed = true;
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
                } else if mask_next || raw.contains('@') || (cut && !closed) {
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
                let ends_the_cut = cut && chars.peek().is_none();
                if (mask_next && word != "null") || word.contains('@') || ends_the_cut {
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
/// become `[masked]`. When the text is the start of a longer one (`cut`), so does the word it
/// ends inside.
fn mask_text(text: &str, cut: bool) -> String {
    let mut out = String::new();
    let mut words = text.split(' ').enumerate().peekable();
    while let Some((i, word)) = words.next() {
        if i > 0 {
            out.push(' ');
        }
        let ends_the_cut = cut && words.peek().is_none() && !word.is_empty();
        if word.contains('@') || ends_the_cut {
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
    let message = message.map(|m| scrub_tokens(&m));
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
                    source: std::sync::Arc::new(values_withheld(source)),
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
                Err(source) => Error::transport(source),
            }
        }
        GenError::CommunicationError(source)
        | GenError::ResponseBodyError(source)
        | GenError::InvalidUpgrade(source) => Error::transport(source),
        GenError::InvalidRequest(reason) => Error::invalid("request", reason),
        GenError::Custom(reason) => Error::config(reason),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const LIVE: &str = "liveTokenQWERTYuiopASDFGhjkl0123";

    /// `f` run as part of a call that sent `LIVE`.
    fn with_live_token<R>(f: impl FnOnce() -> R) -> R {
        let context = CallContext::default();
        context
            .token
            .set(Some(reqwest::header::HeaderValue::from_static(
                "Bearer liveTokenQWERTYuiopASDFGhjkl0123",
            )));
        CALL.sync_scope(context, f)
    }

    /// A body of megabytes of `Bearer` (each one a value to look for, and to mask) is quoted
    /// from its start, scrubbed and short.
    #[test]
    fn a_body_of_megabytes_of_bearer_is_quoted_scrubbed_and_short() {
        const MB: usize = 1 << 20;
        let bodies = [
            format!("denied: Bearer {LIVE} {}", "Bearer ".repeat(4 * MB / 7)),
            format!("{}Bearer {LIVE}", "Bearer".repeat(4 * MB / 6)),
            format!(
                r#"{{"code":-1,"message":"{LIVE} {}","response":null}}"#,
                "BearerBearer ".repeat(4 * MB / 13)
            ),
        ];
        for body in bodies {
            let quoted = with_live_token(|| excerpt(body.as_bytes(), false));
            assert!(!quoted.contains(LIVE), "{quoted}");
            assert!(quoted.chars().count() <= EXCERPT_CHARS + 1, "{quoted}");
            assert!(quoted.ends_with('…'), "{quoted}");
        }
    }

    /// A message of megabytes (an envelope's message is kept whole) is scrubbed all along.
    #[test]
    fn a_message_of_megabytes_of_bearer_is_scrubbed_all_along() {
        const MB: usize = 1 << 20;
        for message in [
            format!("{}{LIVE} Bearer x9", "Bearer Bearer ".repeat(4 * MB / 14)),
            format!("{}Bearer x9 {LIVE}", "Bearer".repeat(4 * MB / 6)),
        ] {
            let refused = with_live_token(|| refusal(400, -1, Some(message), false));
            let message = refused.api_message().unwrap_or_default();
            assert!(!message.contains(LIVE), "the live token is left");
            assert!(!message.contains("x9"), "a bearer value is left");
            assert!(message.len() > MB, "the message is kept whole");
        }
    }

    #[test]
    fn scrubbing_masks_bearer_values_and_the_sent_token_only() {
        let cases = [
            (
                "authorization: Bearer abc.def, next",
                "authorization: Bearer [masked], next",
            ),
            ("BEARER\tabc", "BEARER\t[masked]"),
            ("Bearer", "Bearer"),
            ("Bearer ", "Bearer "),
            ("Bearer \"abc\"", "Bearer \"abc\""),
            ("BearerBearer abc", "BearerBearer [masked]"),
            ("Bearer Bearer Bearer", "Bearer [masked] Bearer"),
            (
                "Bearer Bearer Bearer Bearer",
                "Bearer [masked] Bearer [masked]",
            ),
            ("Bearer [masked]", "Bearer [masked]"),
            ("한글 Bearer 값 끝", "한글 Bearer [masked] 끝"),
        ];
        for (text, scrubbed) in cases {
            assert_eq!(scrub_tokens(text), scrubbed, "{text}");
        }
        let scrubbed = with_live_token(|| {
            scrub_tokens(&format!(
                "token {LIVE} is unknown; {LIVE}{LIVE}; Bearer {LIVE}x"
            ))
        });
        assert_eq!(
            scrubbed,
            "token [masked] is unknown; [masked][masked]; Bearer [masked]"
        );
    }

    /// `start`, a filler of `x`s, `end` and `tail`, the filler so long that only the first
    /// `into_tail` bytes of `tail` are read for an excerpt.
    fn cut_into(start: &str, end: &str, tail: &str, into_tail: usize) -> String {
        let fill = EXCERPT_SCAN_BYTES - start.len() - end.len() - into_tail;
        format!("{start}{}{end}{tail}", "x".repeat(fill))
    }

    /// Only the start of a body is read: a word, string or value it ends inside is masked
    /// whole, since what tells whether it is personal (an `@`, the rest of a token) may lie
    /// beyond.
    #[test]
    fn what_the_read_start_of_a_body_ends_inside_is_masked() {
        let token_tail = format!("{LIVE} and on");
        let json_token_tail = format!("{LIVE}\"}}]");
        let cases = [
            // A masked e-mail address, then a token cut short.
            (cut_into("a@", " ", &token_tail, 10), "[masked] [masked]…"),
            (
                cut_into(
                    r#"[{"custom_data":""#,
                    r#""},{"note":""#,
                    &json_token_tail,
                    10,
                ),
                r#"[{"custom_data":"[masked]"},{"note":"[masked]"…"#,
            ),
            // The `@` that makes it personal comes after the cut.
            (
                cut_into(
                    r#"[{"custom_data":""#,
                    r#""},{"note":""#,
                    r#"kim.minsu@example.com"}]"#,
                    6,
                ),
                r#"[{"custom_data":"[masked]"},{"note":"[masked]"…"#,
            ),
            (
                cut_into(r#"[{"custom_data":""#, r#""},{"n":"#, "01012345678@x}]", 6),
                r#"[{"custom_data":"[masked]"},{"n":[masked]…"#,
            ),
        ];
        for (body, quoted) in cases {
            let shown = with_live_token(|| excerpt(body.as_bytes(), false));
            assert_eq!(shown, quoted);
        }
    }

    /// A value quoted in the decoder's error is withheld whole, escaped quotes and all.
    #[test]
    fn a_quoted_value_with_escaped_quotes_is_withheld_whole() {
        for json in [
            r#""x\" 010-1234-5678 Kim Minsu""#,
            r#""\\\" 010-1234-5678 Kim Minsu \\""#,
            r#""010-1234-5678 Kim Minsu\\""#,
        ] {
            let e = serde_json::from_str::<u32>(json).unwrap_err();
            assert!(e.to_string().contains("Kim Minsu"), "{e}");
            let shown = values_withheld(e).to_string();
            assert!(!shown.contains("Kim") && !shown.contains("1234"), "{shown}");
            assert!(
                shown.starts_with("invalid type: string \"[masked]\", expected u32"),
                "{shown}"
            );
        }
    }
}
