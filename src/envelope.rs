//! Unwrapping of the `{code, message, response}` envelope into results and typed errors.

use bytes::Bytes;
use futures_util::FutureExt;
use progenitor_client::{Error as GenError, ResponseValue};

use crate::{
    Error, Result,
    call::CALL,
    generated::types,
    redact::{excerpt, scrub_tokens, values_withheld},
};

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

/// The result of an operation's last attempt: the payload in `slot`, or the error. The
/// outcome is borrowed, not moved: a move copies it, payload and all.
pub(crate) fn settled<T: Envelope>(
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
/// follows the operation's in the call loop ([`run`](crate::call::run)) and the call's future holds nothing across one.
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
