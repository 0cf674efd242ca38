//! Test support (feature `testing`): a local mock of the API, recorded exchanges, and a check
//! that runs a recording through the client exactly as the SDK would handle the live response.
//!
//! The crate's own tests and `cargo xtask validate` use the same code, so a recording that the
//! validator accepts is one the client decodes.
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
//! # }
//! ```

mod billing;
mod canned;
mod mock;
mod recording;
mod replay;

pub use billing::{billing_key, charged_payment, declined_payment, schedule};
pub use canned::CannedClient;
pub use mock::{MockIamport, mock_exchange, payment, receipt, token_body};
pub use recording::{RecordedRequest, RecordedResponse, Recording, RecordingError};
pub use replay::{Mismatch, RECORDED_AT, call, differences, verify};
