//! A local mock of the API and the stubs every typed one is made of.

use std::{
    fmt,
    time::{SystemTime, UNIX_EPOCH},
};

use httpmock::{Method, Mock, MockServer};
use serde::Serialize;
use serde_json::{Value, json};

use super::{Recording, matcher::RequestMatcher};
use crate::Client;

/// A local HTTP server that speaks the i'mport API, with the token endpoint wired.
///
/// The token endpoint accepts [`MockIamport::KEY`] and [`MockIamport::SECRET`] and hands out
/// [`MockIamport::TOKEN`] for 30 minutes; [`MockIamport::client`] is configured with them.
/// Every other endpoint answers what the test stubs:
///
/// - a stub of any call, taken from the request the client makes for it
///   ([`MockIamport::when`]);
/// - typed stubs, one per operation, each answering only the request the SDK sends for the
///   arguments given (method, path, every query parameter, the exact JSON body): lookups by
///   id take their answer ([`MockIamport::payment`], [`MockIamport::receipt`], ...);
///   operations with options take the call as the code under test builds it
///   ([`MockIamport::cancel`], [`MockIamport::find_payment`], [`MockIamport::page`],
///   [`MockIamport::listing`], ...); those with a request body take the request
///   ([`MockIamport::charge_billing_key`], [`MockIamport::issue_receipt`], ...);
/// - loose stubs that say so: [`MockIamport::cancel_loose`], [`MockIamport::respond`],
///   [`MockIamport::error`], [`MockIamport::not_found`];
/// - recordings ([`MockIamport::recording`]), or anything on [`MockIamport::server`];
/// - faults: a failing token endpoint ([`MockIamport::fail_token`]), an answer that times
///   the client out, a connection closed unanswered and a 429 with `Retry-After`
///   ([`RequestStub::delayed`](super::RequestStub::delayed),
///   [`RequestStub::drop_connection`](super::RequestStub::drop_connection),
///   [`RequestStub::throttled`](super::RequestStub::throttled)).
///
/// Every stub but the token endpoint's answers only requests that carry
/// [`MockIamport::TOKEN`] as their bearer: a request without it, or with another token, is
/// answered by none of them.
///
/// A request that no stub matches fails, in a client of the mock, with an error whose
/// message names it (`no stub for GET /payments/imp_123`); `stub.assert()` on the stub that
/// should have answered shows how the closest request differed.
///
/// A test of checkout code, as it could sit in your own `tests/` (there, mark the function
/// `#[tokio::test]`):
///
/// ```
/// use iamport::testing::{MockIamport, payment, vbank_ready};
/// use iamport::Expected;
///
/// async fn an_order_is_fulfilled_only_when_paid_in_full() {
///     let mock = MockIamport::start().await;
///     let client = mock.client();
///
///     let paid = mock.payment(&payment("imp_001", "order-1", 32000));
///     let _waiting = mock.payment(&vbank_ready("imp_002", "order-2", 1000));
///     let gone = mock.not_found("GET", "/payments/imp_003");
///
///     assert!(client.verify_payment("imp_001", &Expected::new("order-1", 32000)).await.is_ok());
///     let err = client.verify_payment("imp_002", &Expected::new("order-2", 32000)).await.unwrap_err();
///     assert_eq!(err.mismatch().unwrap().differences.len(), 2); // status and amount
///     assert!(client.payment("imp_003").await.unwrap_err().is_not_found());
///     let unstubbed = client.payment("imp_004").await.unwrap_err();
///     assert!(unstubbed.to_string().contains("no stub for GET /payments/imp_004"));
///
///     paid.assert_calls(1);
///     gone.assert_calls(1);
///     assert_eq!(mock.token_mock().calls(), 1); // one token for all the calls
/// }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() { an_order_is_fulfilled_only_when_paid_in_full().await }
/// ```
pub struct MockIamport {
    server: MockServer,
    token: usize,
    /// What the token endpoint answers instead of a token, when a test says so.
    pub(super) token_fault: super::faults::TokenFaults,
    /// The client whose calls the typed stubs take their requests from (never sent), built
    /// when a stub first needs it.
    capturer: std::sync::OnceLock<Client>,
}

impl fmt::Debug for MockIamport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockIamport")
            .field("base_url", &self.server.base_url())
            .finish_non_exhaustive()
    }
}

impl MockIamport {
    /// The API key the mock accepts.
    pub const KEY: &'static str = "imp_test_key";
    /// The API secret the mock accepts.
    pub const SECRET: &'static str = "imp_test_secret";
    /// The access token the mock hands out and expects as `Authorization: Bearer`.
    pub const TOKEN: &'static str = "mock0token0000000000000000000000000000000";

    /// Starts a server on a free loopback port.
    pub async fn start() -> MockIamport {
        let server = MockServer::start_async().await;
        let token_fault = super::faults::TokenFaults::default();
        let faults = token_fault.clone();
        let token = server
            .mock_async(|when, then| {
                when.method("POST")
                    .path("/users/getToken")
                    .json_body(json!({"imp_key": Self::KEY, "imp_secret": Self::SECRET}));
                then.respond_with(move |_| faults.answer(Self::TOKEN));
            })
            .await
            .id();
        MockIamport {
            server,
            token,
            token_fault,
            capturer: std::sync::OnceLock::new(),
        }
    }

    /// The client whose calls the typed stubs take their requests from (never sent).
    pub(super) fn capturer(&self) -> &Client {
        self.capturer.get_or_init(|| {
            self.client_builder()
                // Stubs of scheduling calls do not depend on the clock.
                .fixed_now(crate::UnixTime::from_secs(0))
                .build()
                .unwrap_or_else(|e| unreachable!("a loopback client always builds: {e}"))
        })
    }

    /// The underlying `httpmock` server, to add stubs of any shape. When several stubs match
    /// a request, the one created first answers.
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// A client of this server with the accepted credentials. A request of it that no stub
    /// matches fails with [`Error::Http`](crate::Error::Http) naming the request
    /// (`no stub for GET /payments/imp_123`).
    pub fn client(&self) -> Client {
        self.client_builder()
            .build()
            .unwrap_or_else(|e| unreachable!("a loopback client always builds: {e}"))
    }

    /// A builder already pointed at this server with the accepted credentials, to test with
    /// the same settings as production (retry policy, timeouts, size cap). Its clients report
    /// an unmatched request as [`MockIamport::client`]'s do:
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> iamport::Result<()> {
    /// use iamport::{RetryPolicy, testing::MockIamport};
    ///
    /// let mock = MockIamport::start().await;
    /// let client = mock
    ///     .client_builder()
    ///     .retry(RetryPolicy::none())
    ///     .timeout(std::time::Duration::from_secs(2))
    ///     .build()?;
    /// let _stub = mock.error("GET", "/payments/imp_1", 503, -1, "busy");
    /// assert_eq!(client.payment("imp_1").await.unwrap_err().status(), Some(503));
    /// # Ok(()) }
    /// ```
    pub fn client_builder(&self) -> crate::ClientBuilder {
        Client::builder()
            .credentials(Self::KEY, Self::SECRET)
            .base_url(self.base_url())
            .report_unmatched()
    }

    /// The token endpoint's stub, to count token requests.
    pub fn token_mock(&self) -> Mock<'_> {
        Mock::new(self.token, &self.server)
    }

    /// Serves a recording to authenticated requests that match it.
    pub fn recording(&self, rec: &Recording) -> Mock<'_> {
        let body = serde_json::to_vec(&rec.response.body).unwrap_or_default();
        mock_exchange(
            &self.server,
            rec,
            Some(Self::TOKEN),
            rec.response.status,
            body,
        )
    }
}

/// Stubs a recording's request on `server`: method, path, exactly the recorded query pairs (a
/// request with another parameter, or without one, is not answered), the JSON body if any, and `Authorization: Bearer <bearer>` (or no `Authorization` at all when `bearer` is
/// `None`). It answers with `status` and the raw `body`, so a test can serve a recorded request
/// with a different response.
pub fn mock_exchange<'a>(
    server: &'a MockServer,
    rec: &Recording,
    bearer: Option<&str>,
    status: u16,
    body: Vec<u8>,
) -> Mock<'a> {
    let req = &rec.request;
    let query = req.query.iter().fold(
        RequestMatcher::new(&req.method, req.path.clone()),
        |e, (k, v)| e.query(k, Some(v)),
    );
    server.mock(|when, then| {
        let mut when = when
            .method(req.method.as_str())
            .path(req.path.as_str())
            .is_true(move |r| query.query_matches(&r.query_params()));
        if let Some(body) = &req.body {
            when = when.json_body(body.clone());
        }
        match bearer {
            Some(t) => {
                when.header("authorization", format!("Bearer {t}"));
            }
            None => {
                when.header_missing("authorization");
            }
        }
        then.status(status)
            .header("content-type", "application/json; charset=UTF-8")
            .body(body);
    })
}

/// The stubs every typed one is made of.
impl MockIamport {
    /// Answers a request with an error envelope: `status` (often 200 for business refusals),
    /// a non-zero `code` and a message. `path` is as sent, ids percent-encoded; any query and
    /// body match.
    ///
    /// A client retries 429 and, for lookups, 502–504 under its
    /// [`RetryPolicy`](crate::RetryPolicy), so such a stub is hit more than once; build the
    /// client with `.retry(RetryPolicy::none())` to see a single hit.
    ///
    /// Like every stub of the mock, it answers only requests that carry the mock's token
    /// (`Authorization: Bearer` [`MockIamport::TOKEN`]): it stands for an API endpoint
    /// failing, never for the token exchange. A failing token endpoint is
    /// [`MockIamport::fail_token`]; a throttled, slow or dropped request is
    /// [`RequestStub::throttled`](super::RequestStub::throttled),
    /// [`RequestStub::delayed`](super::RequestStub::delayed) and
    /// [`RequestStub::drop_connection`](super::RequestStub::drop_connection).
    pub fn error(
        &self,
        method: &str,
        path: &str,
        status: u16,
        code: i64,
        message: &str,
    ) -> Mock<'_> {
        let body = json!({"code": code, "message": message, "response": null});
        self.stub(&loose(method, path), status, body)
    }

    /// Answers a request with 404 and the envelope the API sends for an unknown id; any query
    /// and body match. As with [`MockIamport::error`], only requests with the mock's token
    /// reach it.
    pub fn not_found(&self, method: &str, path: &str) -> Mock<'_> {
        self.error(method, path, 404, -1, "존재하지 않는 결제정보입니다.")
    }

    /// Answers **any** authenticated request to `path` (as sent, ids percent-encoded), whatever
    /// its query and body, with `payload` in a success envelope.
    ///
    /// The loosest stub: it cannot tell a right request from a wrong one. Prefer the typed
    /// stubs, which match the whole request; use this for a request whose details the test
    /// cannot know (an order id the code under test generates, say).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> iamport::Result<()> {
    /// use iamport::testing::{MockIamport, charged_payment};
    /// use iamport::types::ChargeBillingKeyRequest;
    ///
    /// let mock = MockIamport::start().await;
    /// let paid = charged_payment("imps_1", "order-generated-elsewhere", "member-1", 9900);
    /// let any_charge = mock.respond("POST", "/subscribe/payments/again", &paid);
    /// let request = ChargeBillingKeyRequest::new("member-1", "order-4f1b", 9900, "Monthly plan");
    /// assert!(mock.client().charge_billing_key(request).await?.is_paid());
    /// any_charge.assert_calls(1);
    /// # Ok(()) }
    /// ```
    pub fn respond<T: Serialize + ?Sized>(
        &self,
        method: &str,
        path: &str,
        payload: &T,
    ) -> Mock<'_> {
        self.stub(&loose(method, path), 200, envelope(payload))
    }

    /// Answers the authenticated request `expect` describes with `status` and `body`.
    pub(super) fn stub(&self, expect: &RequestMatcher, status: u16, body: Value) -> Mock<'_> {
        self.stub_after(expect, status, body, None)
    }

    /// As [`MockIamport::stub`], answering after `delay` when there is one.
    pub(super) fn stub_after(
        &self,
        expect: &RequestMatcher,
        status: u16,
        body: Value,
        delay: Option<std::time::Duration>,
    ) -> Mock<'_> {
        self.answer(expect, |then| {
            let then = then
                .status(status)
                .header("content-type", "application/json; charset=UTF-8")
                .json_body(body);
            if let Some(delay) = delay {
                then.delay(delay);
            }
        })
    }

    /// A stub of the authenticated request `expect` describes (method, path, query, JSON
    /// body and the mock's token), answered as `answer` says.
    pub(super) fn answer(
        &self,
        expect: &RequestMatcher,
        answer: impl FnOnce(httpmock::Then),
    ) -> Mock<'_> {
        let matcher = expect.clone();
        self.server.mock(|when, then| {
            let when = when
                .method(expect.method.as_str())
                .path(expect.path.as_str())
                .header("authorization", format!("Bearer {}", Self::TOKEN))
                .is_true(move |req| matcher.query_matches(&req.query_params()));
            if let Some(body) = &expect.body {
                when.json_body(body.clone());
            }
            answer(then);
        })
    }

    /// Answers a batch lookup as the server does: `found` with 200 when it holds every id
    /// asked for (`complete`), with 207 when it holds only some, and a 404 envelope with
    /// `message` when it is empty.
    pub(super) fn batch<T: Serialize>(
        &self,
        expect: &RequestMatcher,
        found: &[T],
        complete: bool,
        message: &str,
    ) -> Mock<'_> {
        if found.is_empty() {
            let body = json!({"code": -1, "message": message, "response": null});
            self.stub(expect, 404, body)
        } else {
            self.stub(expect, if complete { 200 } else { 207 }, envelope(found))
        }
    }

    /// Answers `expect` with `payload` in a success envelope.
    pub(super) fn ok<T: Serialize + ?Sized>(
        &self,
        expect: &RequestMatcher,
        payload: &T,
    ) -> Mock<'_> {
        self.stub(expect, 200, envelope(payload))
    }
}

/// Any request with this method to this path.
pub(super) fn loose(method: &str, path: &str) -> RequestMatcher {
    if method.parse::<Method>().is_err() {
        panic!("{method:?} is not an HTTP method");
    }
    RequestMatcher::new(&method.to_ascii_uppercase(), path.to_owned()).loose()
}

/// The body of a successful token exchange handing out `token` for 30 minutes from now, as
/// the API sends it.
pub fn token_body(token: &str) -> Vec<u8> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let body = json!({
        "code": 0,
        "message": null,
        "response": {"access_token": token, "now": now, "expired_at": now + 1800},
    });
    serde_json::to_vec(&body).unwrap_or_default()
}

pub(super) fn envelope<T: Serialize + ?Sized>(payload: &T) -> Value {
    json!({"code": 0, "message": null, "response": payload})
}
