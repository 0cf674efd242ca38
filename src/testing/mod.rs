//! Test support (feature `testing`): a local mock of the API with typed stubs and fixtures
//! for tests of code built on the SDK, recorded exchanges, and a check that runs a recording
//! through the client exactly as the SDK would handle the live response.
//!
//! # A kit that cannot pass wrongly
//!
//! - **Stubs match the whole request, as the client itself makes it.**
//!   [`MockIamport::when`] takes any call of the client, unsent, and stubs exactly the request
//!   it would send: method, path, every query parameter and the whole JSON body
//!   (`mock.when(client.payment("imp_1")).ok(&p)`). Every operation can be stubbed this way
//!   with no kit code of its own, answered with a value, an error or a recording
//!   ([`RequestStub`]). The typed stubs ([`MockIamport::payment`], [`MockIamport::cancel`],
//!   ...) take their requests the same way: an operation with options takes the call as the
//!   code under test builds it
//!   (`mock.cancel(client.cancel_payment().imp_uid(..).amount(..).checksum(..), ..)`); one
//!   with a request body takes that request. A refund of the wrong amount, or without its
//!   checksum, matches nothing and fails. Loose stubs ([`MockIamport::cancel_loose`],
//!   [`MockIamport::respond`]) say so in their names.
//! - **A request no stub matches fails, naming it**: a client of the mock
//!   ([`MockIamport::client`], [`MockIamport::client_builder`]) reports it as an
//!   [`Error::Http`](crate::Error::Http) whose message reads
//!   `no stub for GET /payments/imp_123`, never as a payment that is not found.
//! - **Every operation has a stub and every answer a fixture**: payments, listings (one page,
//!   or a whole listing walked by `stream()`), cancels, prepared amounts, receipts, billing
//!   keys, charges and schedules; fixtures such as [`payment`], [`after_cancel`],
//!   [`vbank_ready`], [`failed_payment`] and [`payment_page`] are realistic values to mutate.
//! - **Faults as stubs**: the token endpoint failing ([`MockIamport::fail_token`]: an outage
//!   or refused credentials), an answer too slow for the client ([`RequestStub::delayed`]),
//!   a connection closed without an answer ([`RequestStub::drop_connection`]) and throttling
//!   ([`RequestStub::throttled`]), each documented with what the client then returns. The
//!   other stubs answer only requests that carry the mock's token, so they cannot stand for
//!   a token outage.
//! - **Flows, not only calls**: [`MockIamport::payment_state`] serves one payment's lookups
//!   and cancels from a shared state, so a refund changes what the next lookup returns and a
//!   stale checksum is refused. [`MockIamport::billing_state`] does the same for billing
//!   keys, charges and schedules, with a clock the test advances
//!   ([`BillingState::advance_to`]) that runs the schedules that fall due and posts their
//!   webhook notifications, so a subscription's month is tested end to end.
//! - **One order of arguments** in the fixtures: `imp_uid`, `merchant_uid`, `customer_uid`,
//!   then the rest (`charged_payment(imp_uid, merchant_uid, customer_uid, amount)`,
//!   `schedule(merchant_uid, customer_uid, schedule_at, amount)`).
//!
//! The kit's docs build from a dependent crate (`cargo doc --features iamport/testing`) with
//! any set of API groups: a link to an operation of a group left out renders as text.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use iamport::testing::{MockIamport, Recording};
//!
//! let mock = MockIamport::start().await;
//! let rec = Recording::load("spec/recordings/get_payment.card_paid.json").unwrap();
//! let served = mock.recording(&rec);
//! let payment = mock.client().payment("imp_448280090638").await.unwrap();
//! assert_eq!(payment.amount.to_string(), "32000");
//! assert_eq!(served.calls_async().await, 1);
//!
//! let err = mock.client().payment("imp_000000000001").await.unwrap_err();
//! assert_eq!(err.to_string(), "unexpected response (http 404): no stub for GET /payments/imp_000000000001");
//! assert!(!err.is_not_found());
//! # }
//! ```

#[cfg(feature = "billing")]
mod billing;
mod canned;
pub(crate) mod capture;
mod faults;
mod fixtures;
mod listings;
mod matcher;
mod mock;
mod payments;
#[cfg(feature = "receipts")]
mod receipts;
mod recording;
mod replay;
mod state;
mod stub;
#[cfg(feature = "billing")]
mod subscriptions;

#[cfg(feature = "billing")]
pub use billing::{billing_key, charged_payment, declined_payment, schedule, super_billing_key};
pub use canned::CannedClient;
pub use faults::TokenFault;
#[cfg(feature = "billing")]
pub use fixtures::schedule_page;
#[cfg(feature = "vbanks")]
pub use fixtures::vbank_issued;
pub use fixtures::{
    after_cancel, failed_payment, payment, payment_balance, payment_page, prepared_payment,
    vbank_ready,
};
#[cfg(feature = "certifications")]
pub use fixtures::{certified_person, unfinished_certification};
#[cfg(feature = "receipts")]
pub use fixtures::{external_receipt, receipt};
/// The stub every typed stub returns, to count its hits (`stub.assert_calls(1)`, `stub.calls()`)
/// or, with `stub.assert()`, to see how the closest request differed from it. Re-exported
/// from `httpmock` so that a test can name it without depending on `httpmock`.
pub use httpmock::Mock;
pub use listings::Listing;
pub use mock::{MockIamport, mock_exchange, token_body};
pub use recording::{
    Provenance, ProvenanceKind, RecordedRequest, RecordedResponse, Recording, RecordingError,
};
pub use replay::{Mismatch, RECORDED_AT, call, differences, verify};
pub use state::PaymentState;
pub use stub::RequestStub;
#[cfg(feature = "billing")]
pub use subscriptions::BillingState;

/// What `httpmock` answers, with 404, to a request that matched no stub.
const UNMATCHED_BODY: &[u8] = br#"{"message":"Request did not match any route or mock"}"#;

/// A request as an unmatched-stub message names it: `GET /path?query`.
pub(crate) fn described(request: &reqwest::Request) -> String {
    let url = request.url();
    match url.query() {
        Some(query) => format!("{} {}?{query}", request.method(), url.path()),
        None => format!("{} {}", request.method(), url.path()),
    }
}

/// Whether a response is the mock server's answer to a request that matched no stub.
pub(crate) fn is_unmatched(status: http::StatusCode, body: &[u8]) -> bool {
    status == http::StatusCode::NOT_FOUND && body == UNMATCHED_BODY
}
