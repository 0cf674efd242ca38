//! One `tracing` span per call of an operation, in the shape of OpenTelemetry's HTTP client
//! spans: named by the operation (`otel.name`), with the method, the route template (never
//! the path with its ids), the status, the API's `code`, how often the request was sent
//! again, and whether the outcome of a change is unknown. Retries and the token refresh
//! happen inside it: a `retrying` event, and the token exchange's own span as a child.
//!
//! No field carries an id, an amount or a personal value.

use tracing::{Span, field::Empty};

use crate::Error;

/// The method and path template of an operation, as the spec gives them.
pub(crate) fn route(operation: &str) -> Option<(&'static str, &'static str)> {
    crate::generated::OPERATIONS
        .iter()
        .find(|(id, _, _)| *id == operation)
        .map(|(_, method, template)| (*method, *template))
}

/// A new span for one call; its operation is named by [`name`] once the call's request is
/// built, and its end recorded by [`ended`].
pub(crate) fn call_span() -> Span {
    tracing::info_span!(
        "iamport.operation",
        otel.name = Empty,
        otel.kind = "client",
        otel.status_code = Empty,
        http.request.method = Empty,
        url.template = Empty,
        http.response.status_code = Empty,
        http.request.resend_count = Empty,
        iamport.code = Empty,
        iamport.outcome_unknown = Empty,
        error.type = Empty,
    )
}

/// Names the current call's span by the operation it sends.
pub(crate) fn name(operation: &'static str) {
    let Some(span) = own_span() else { return };
    span.record("otel.name", operation);
    if let Some((method, template)) = route(operation) {
        span.record("http.request.method", method);
        span.record("url.template", template);
    }
}

/// Records how the current call ended: the last response's status, the API's code, how many
/// times the request was sent again, and the kind of error.
pub(crate) fn ended(result: &Result<(), Error>, status: Option<u16>, resends: u32) {
    let Some(span) = own_span() else { return };
    if let Some(status) = status {
        span.record("http.response.status_code", status);
    }
    if resends > 0 {
        span.record("http.request.resend_count", resends);
    }
    match result {
        Ok(()) => {
            span.record("iamport.code", 0);
        }
        Err(e) => {
            if let Some(code) = e.api_code() {
                span.record("iamport.code", code);
            }
            span.record("iamport.outcome_unknown", e.is_outcome_unknown());
            span.record("otel.status_code", "ERROR");
            span.record("error.type", kind(e));
        }
    }
}

/// The current span when it is a call's own: with `iamport.operation` filtered out, the
/// current span is the caller's, whose fields are not ours to write.
fn own_span() -> Option<Span> {
    let span = Span::current();
    let ours = span
        .metadata()
        .is_some_and(|m| m.name() == "iamport.operation");
    ours.then_some(span)
}

/// A short, stable name for the kind of an error (`error.type`).
fn kind(e: &Error) -> &'static str {
    match e {
        Error::Api { .. } => "refused",
        Error::NotFound { .. } => "not_found",
        Error::Auth { .. } => "auth",
        Error::Http { .. } => "unexpected_response",
        Error::Decode { .. } => "decode",
        Error::OutcomeUnknown { .. } => "outcome_unknown",
        Error::TokenTimeout { .. } => "token_timeout",
        Error::ResponseTooLarge { .. } => "response_too_large",
        Error::Transport(e) if e.is_timeout() => "timeout",
        Error::Transport(_) => "transport",
        Error::InvalidInput { .. } => "invalid_input",
        Error::Config { .. } => "config",
        _ => "other",
    }
}
