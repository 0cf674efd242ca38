//! Unwrapping of the `{code, message, response}` envelope into results and typed errors.

use std::{
    cell::{Cell, RefCell},
    future::Future,
};

use progenitor_client::{Error as GenError, ResponseValue};

use crate::{Error, Result, generated::types};

/// The envelope every response body is wrapped in; implemented by the generated `*Envelope`
/// types.
pub(crate) trait Envelope {
    type Payload;
    fn into_parts(self) -> (i64, Option<String>, Option<Self::Payload>);
}

/// What the hooks learn about one call that the generated error cannot carry.
#[derive(Default)]
pub(crate) struct CallContext {
    /// Status of the last response received.
    pub(crate) status: Cell<Option<u16>>,
    /// A typed error raised inside a hook (token exchange failed, body too large).
    pub(crate) error: RefCell<Option<Error>>,
    /// Set when a request that changes something may have been carried out without the
    /// client learning the result: the operation's name.
    pub(crate) outcome_unknown: Cell<Option<&'static str>>,
}

tokio::task_local! {
    pub(crate) static CALL: CallContext;
}

/// Records a fact about the current call, when one is being tracked.
pub(crate) fn with_call(f: impl FnOnce(&CallContext)) {
    let _ = CALL.try_with(f);
}

const EXCERPT_CHARS: usize = 200;

/// The start of a body, lossily decoded, for error messages.
pub(crate) fn excerpt(body: &[u8], secret: bool) -> String {
    if secret {
        return "[token response withheld]".to_owned();
    }
    if body.is_empty() {
        return "[empty body]".to_owned();
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT_CHARS * 4)]);
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if out.len() < text.len() || body.len() > EXCERPT_CHARS * 4 {
        out.push('…');
    }
    out
}

/// Turns an envelope that arrived with an error status or a non-zero code into an error.
pub(crate) fn refusal(status: u16, code: i64, message: Option<String>, token_call: bool) -> Error {
    match status {
        404 => Error::NotFound { code, message },
        401 => Error::Auth {
            status,
            code: Some(code),
            message,
        },
        _ if token_call && code != 0 => Error::Auth {
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

/// Runs one generated operation and unwraps its envelope. Returns the HTTP status with the
/// payload, so callers can tell a 207 partial answer from a 200.
///
/// The operation's future is large (it holds the request, the hooks and the response being
/// read); it is boxed here, once, so the futures that await it move a pointer, not its bytes.
pub(crate) fn run<'a, T, F>(
    secret_body: bool,
    call: F,
) -> impl Future<Output = Result<(u16, T::Payload)>> + 'a
where
    T: Envelope + 'a,
    F: Future<Output = Result<ResponseValue<T>, GenError<types::ErrorEnvelope>>> + 'a,
{
    scoped(secret_body, Box::pin(call))
}

async fn scoped<T, F>(secret_body: bool, call: F) -> Result<(u16, T::Payload)>
where
    T: Envelope,
    F: Future<Output = Result<ResponseValue<T>, GenError<types::ErrorEnvelope>>>,
{
    let cx = CallContext::default();
    CALL.scope(cx, async move {
        let outcome = call.await;
        let hook_error = CALL.with(|c| c.error.borrow_mut().take());
        let status = CALL.with(|c| c.status.get());
        let unknown = CALL.with(|c| c.outcome_unknown.get());
        let result = match (hook_error, outcome) {
            (Some(hook_error), _) => Err(hook_error),
            (None, outcome) => unwrap(outcome, status, secret_body).await,
        };
        match (unknown, result) {
            (Some(operation), Err(e)) => Err(Error::OutcomeUnknown {
                operation,
                source: Box::new(e),
            }),
            (_, result) => result,
        }
    })
    .await
}

async fn unwrap<T: Envelope>(
    outcome: Result<ResponseValue<T>, GenError<types::ErrorEnvelope>>,
    status: Option<u16>,
    secret_body: bool,
) -> Result<(u16, T::Payload)> {
    match outcome {
        Ok(value) => {
            let status = value.status().as_u16();
            let (code, message, payload) = value.into_inner().into_parts();
            if code != 0 {
                return Err(refusal(status, code, message, secret_body));
            }
            match payload {
                Some(p) => Ok((status, p)),
                None => Err(Error::Http {
                    status,
                    excerpt: "code 0 without a response payload".to_owned(),
                }),
            }
        }
        Err(e) => Err(convert(e, status, secret_body).await),
    }
}

async fn convert(e: GenError<types::ErrorEnvelope>, status: Option<u16>, secret: bool) -> Error {
    let status = status.unwrap_or(0);
    match e {
        GenError::ErrorResponse(value) => {
            let status = value.status().as_u16();
            let env = value.into_inner();
            refusal(status, env.code, env.message, secret)
        }
        GenError::InvalidResponsePayload(body, source) => Error::Decode {
            status,
            excerpt: excerpt(&body, secret),
            source,
        },
        GenError::UnexpectedResponse(response) => {
            let status = response.status().as_u16();
            match response.bytes().await {
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
