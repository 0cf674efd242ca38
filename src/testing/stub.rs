//! Stubs of any operation, made from the request the client itself sends for a call.

use std::future::IntoFuture;

use httpmock::Mock;
use serde::Serialize;
use serde_json::{Value, json};

use super::{MockIamport, Recording, capture, matcher::RequestMatcher};

/// A stub of one request, as [`MockIamport::when`] took it from a call: waiting for its
/// answer.
#[must_use = "a stub is made by giving it an answer: .ok(..), .error(..), .recorded(..)"]
pub struct RequestStub<'a> {
    pub(super) mock: &'a MockIamport,
    pub(super) expect: RequestMatcher,
    /// How long the answer waits ([`RequestStub::delayed`]).
    pub(super) delay: Option<std::time::Duration>,
}

impl std::fmt::Debug for RequestStub<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestStub")
            .field("request", &self.expect)
            .finish_non_exhaustive()
    }
}

impl MockIamport {
    /// A stub of exactly the request `call` sends: its method, path, every query parameter
    /// and its whole JSON body, as the client produces them, so any operation of the client
    /// can be stubbed, with no description of it but the call. Give the stub its answer with
    /// [`RequestStub::ok`], [`RequestStub::error`] or [`RequestStub::recorded`].
    ///
    /// `call` is not sent: it runs only up to the request it would make (it takes no token),
    /// and a request with any other id, parameter or body matches no stub.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> iamport::Result<()> {
    /// use iamport::testing::{MockIamport, payment, after_cancel};
    ///
    /// let mock = MockIamport::start().await;
    /// let client = mock.client();
    /// let paid = payment("imp_1", "order-1", 15000);
    /// let lookup = mock.when(client.payment("imp_1")).ok(&paid);
    /// let refund = mock
    ///     .when(client.cancel_payment().imp_uid("imp_1").amount(5000).checksum(15000).send())
    ///     .ok(&after_cancel(&paid, 5000, "size"));
    ///
    /// assert_eq!(client.payment("imp_1").await?, paid);
    /// // Another refund than the one stubbed matches nothing.
    /// let other = client.cancel_payment().imp_uid("imp_1").amount(6000).checksum(15000);
    /// assert!(other.send().await.unwrap_err().to_string().contains("no stub for POST /payments/cancel"));
    /// client.cancel_payment().imp_uid("imp_1").amount(5000).checksum(15000).send().await?;
    /// lookup.assert_calls(1);
    /// refund.assert_calls(1);
    /// # Ok(()) }
    /// ```
    ///
    /// # Panics
    /// When the client would send nothing for `call` (an id too long, a refund of zero, ...):
    /// the panic gives the client's reason.
    pub fn when<T>(&self, call: impl IntoFuture<Output = crate::Result<T>>) -> RequestStub<'_> {
        RequestStub {
            mock: self,
            expect: sent("when", call),
            delay: None,
        }
    }
}

impl<'a> RequestStub<'a> {
    /// Answers with `payload` in a success envelope (`{"code": 0, "response": payload}`).
    pub fn ok<T: Serialize + ?Sized>(self, payload: &T) -> Mock<'a> {
        self.respond(200, super::mock::envelope(payload))
    }

    /// Answers with an error envelope: `status` (often 200 for a business refusal), a
    /// non-zero `code` and a message.
    pub fn error(self, status: u16, code: i64, message: &str) -> Mock<'a> {
        let body = json!({"code": code, "message": message, "response": null});
        self.respond(status, body)
    }

    /// Answers with a recording's response: its status and body, as the server sent them.
    pub fn recorded(self, recording: &Recording) -> Mock<'a> {
        self.respond(recording.response.status, recording.response.body.clone())
    }

    /// Answers with `status` and this JSON body, whatever it is.
    pub fn respond(self, status: u16, body: Value) -> Mock<'a> {
        self.mock.stub_after(&self.expect, status, body, self.delay)
    }
}

/// The request `call` sends, for the stub method `stub`.
///
/// # Panics
/// When the client would send nothing for the call, with the client's reason.
pub(super) fn sent<T>(
    stub: &str,
    call: impl IntoFuture<Output = crate::Result<T>>,
) -> RequestMatcher {
    capture::request_of(call)
        .unwrap_or_else(|e| panic!("MockIamport::{stub}: the call would not be sent: {e}"))
}
