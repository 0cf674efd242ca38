//! Fault stubs: a token endpoint that fails, answers that come too late, connections closed
//! without an answer, and throttling with `Retry-After`.
//!
//! Every other stub of the kit answers only requests that carry the mock's token
//! (`Authorization: Bearer` [`MockIamport::TOKEN`]), so none of them can stand for a token
//! outage: a client that gets no token sends no request for them to answer. The faults here
//! are how a test makes the token endpoint, or one request, fail.
//!
//! What the client returns for each (a client of the mock, default
//! [`RetryPolicy`](crate::RetryPolicy)):
//!
//! | Fault | A lookup | A change (cancel, charge, schedule, ...) |
//! |---|---|---|
//! | [`TokenFault::Outage`] (503, 429) | retried; then [`Error::Api`](crate::Error::Api) with that status: [`is_retryable`](crate::Error::is_retryable), [`refusal`](crate::Error::refusal) `None` | the same: nothing was sent, so it is never [`is_outcome_unknown`](crate::Error::is_outcome_unknown) |
//! | [`TokenFault::Refused`] | [`Error::Auth`](crate::Error::Auth) ([`is_auth`](crate::Error::is_auth)), not retried | the same; nothing was sent |
//! | [`RequestStub::delayed`] past the client's timeout | retried; then a transport error that [`is_timeout`](crate::Error::is_timeout) | sent once, then [`is_outcome_unknown`](crate::Error::is_outcome_unknown) (and `is_timeout`): look up before trying again |
//! | [`RequestStub::drop_connection`] | retried; then a transport error | sent once, then [`is_outcome_unknown`](crate::Error::is_outcome_unknown) |
//! | [`RequestStub::throttled`] | retried after `Retry-After`; then [`Error::Api`](crate::Error::Api) 429, retryable, refusal `None` | the same: a 429 was not carried out, so it is retried too |

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use httpmock::{HttpMockResponse, Mock};
use serde_json::json;

use super::{MockIamport, RequestStub, mock::loose, token_body};

/// What the token endpoint (`POST /users/getToken`) answers instead of a token, set with
/// [`MockIamport::fail_token`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenFault {
    /// An outage or throttling: this status (503, 502, 429, ...) with an error envelope, as
    /// an overloaded server or its gateway answers. The client reports it as the status it
    /// is, retryable, never as refused credentials or a refusal of the request.
    Outage(u16),
    /// The credentials refused: 401 with the API's envelope, as for a wrong or revoked
    /// secret. The client reports [`Error::Auth`](crate::Error::Auth).
    Refused,
}

/// The token endpoint's fault, shared by the mock and its token stub.
#[derive(Debug, Clone, Default)]
pub(super) struct TokenFaults(Arc<Mutex<Option<TokenFault>>>);

impl TokenFaults {
    fn set(&self, fault: Option<TokenFault>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = fault;
    }

    /// The token endpoint's answer now: `token` for 30 minutes, or the fault.
    pub(super) fn answer(&self, token: &str) -> HttpMockResponse {
        let fault = self.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let (status, body) = match fault {
            None => (200, token_body(token)),
            Some(TokenFault::Outage(status)) => {
                let message = format!("service unavailable (http {status})");
                let body = json!({"code": -1, "message": message, "response": null});
                (status, body.to_string().into_bytes())
            }
            Some(TokenFault::Refused) => {
                let body = json!({"code": -1, "message": "Unauthorized", "response": null});
                (401, body.to_string().into_bytes())
            }
        };
        HttpMockResponse::builder()
            .status(status)
            .header("content-type", "application/json; charset=UTF-8")
            .body(body)
            .build()
    }
}

impl MockIamport {
    /// Makes the token endpoint answer with `fault` from now on, until
    /// [`MockIamport::restore_token`].
    ///
    /// A client asks for a token only when it holds none that is fresh: a client that already
    /// made a call keeps using its token. Use a new client ([`MockIamport::client`]) for a
    /// token outage at the start of a call; count the exchanges with
    /// [`MockIamport::token_mock`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use iamport::{RetryPolicy, testing::{MockIamport, TokenFault, payment}};
    ///
    /// let mock = MockIamport::start().await;
    /// let lookup = mock.payment(&payment("imp_1", "order-1", 1000));
    /// mock.fail_token(TokenFault::Outage(503));
    /// let client = mock.client_builder().retry(RetryPolicy::none()).build().unwrap();
    ///
    /// let err = client.payment("imp_1").await.unwrap_err();
    /// assert_eq!(err.status(), Some(503));
    /// assert!(err.is_retryable()); // an outage: try again later
    /// assert_eq!(err.refusal(), None); // not the server saying no
    /// lookup.assert_calls(0); // nothing was sent without a token
    ///
    /// mock.restore_token();
    /// assert!(client.payment("imp_1").await.is_ok());
    /// # }
    /// ```
    pub fn fail_token(&self, fault: TokenFault) {
        self.token_fault.set(Some(fault));
    }

    /// Makes the token endpoint hand out tokens again, after [`MockIamport::fail_token`].
    pub fn restore_token(&self) {
        self.token_fault.set(None);
    }

    /// A stub of **any** authenticated request with this method to `path` (as sent, ids
    /// percent-encoded), whatever its query and body, waiting for its answer like those of
    /// [`MockIamport::when`]: for a fault on a request whose details the test cannot know
    /// (`mock.any_request("POST", "/payments/cancel").throttled(..)`).
    ///
    /// # Panics
    /// When `method` is not an HTTP method.
    pub fn any_request(&self, method: &str, path: &str) -> RequestStub<'_> {
        RequestStub {
            mock: self,
            expect: loose(method, path),
            delay: None,
        }
    }
}

impl<'a> RequestStub<'a> {
    /// Gives the answer that follows only after `delay`: longer than the client's
    /// [`timeout`](crate::ClientBuilder::timeout), it times the client out
    /// (`mock.when(call).delayed(Duration::from_secs(3)).ok(&p)` against a client with a one
    /// second timeout). A lookup is then retried under the client's retry policy and ends in
    /// an error that [`is_timeout`](crate::Error::is_timeout); a change was sent, so it is
    /// never sent again: [`is_outcome_unknown`](crate::Error::is_outcome_unknown).
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Closes the connection without answering, once the request has been read: the request
    /// reached the server, and no answer came back. A lookup is retried under the client's
    /// retry policy and ends in a transport error; a change is never sent again:
    /// [`is_outcome_unknown`](crate::Error::is_outcome_unknown).
    ///
    /// The mock ends the connection's task by unwinding, so this needs the test profile's
    /// `panic = "unwind"` (the default); nothing is printed.
    pub fn drop_connection(self) -> Mock<'a> {
        self.mock.answer(&self.expect, |then| {
            then.respond_with(|_| {
                // The mock server runs each connection in a task of its own: unwinding out
                // of the answer ends that task, which drops the connection unanswered.
                // `resume_unwind` leaves the panic hook out, so nothing is printed.
                std::panic::resume_unwind(Box::new("the test asked to drop the connection"))
            });
        })
    }

    /// Answers 429 with `Retry-After` (whole seconds, at least one) and an error envelope:
    /// throttling. The client retries it under its retry policy, waiting as `Retry-After`
    /// asks, changes too (a 429 was not carried out); after the last attempt the error is an
    /// [`Error::Api`](crate::Error::Api) with status 429 that
    /// [`is_retryable`](crate::Error::is_retryable) and whose
    /// [`refusal`](crate::Error::refusal) is `None`: try again later, it was not refused.
    pub fn throttled(self, retry_after: Duration) -> Mock<'a> {
        let seconds = retry_after.as_secs().max(1);
        let body = json!({"code": -1, "message": "Too Many Requests", "response": null});
        self.mock.answer(&self.expect, |then| {
            let then = then
                .status(429)
                .header("content-type", "application/json; charset=UTF-8")
                .header("retry-after", seconds.to_string())
                .json_body(body);
            if let Some(delay) = self.delay {
                then.delay(delay);
            }
        })
    }
}
