#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(docsrs, feature(doc_cfg))]
// The docs link to the operations of every API group. A build without some group (a
// dependent's `default-features = false`, then `cargo doc --features iamport/testing`) has
// no page for them: those links render as text instead of failing a `-D warnings` doc build.
// The builds with every group (the default features, `--all-features`) check every link.
#![cfg_attr(
    not(all(feature = "billing", feature = "receipts")),
    allow(rustdoc::broken_intra_doc_links)
)]

// The call machinery: how every operation is sent, authenticated, retried and unwrapped.
mod auth;
mod call;
mod client;
mod envelope;
mod error;
mod input;
mod redact;
mod refusal;
mod retry;
mod trace;

// What the spec cannot say: exact money, typed time, open enums and the serde conventions.
mod amount;
mod date;
mod enums;
mod quirks;
mod time;
mod time_crates;

// The generated client (private) and data types (public in `types`).
mod generated;
pub mod types;

// The facade: one method on `Client` per operation, by API group.
mod api;

pub mod reconcile;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
pub mod verify;
pub mod webhook;

pub use amount::{Amount, ParseAmountError, Rounding};
#[cfg(feature = "benepia")]
pub use api::Benepia;
#[cfg(feature = "kcpquick")]
pub use api::KcpQuick;
#[cfg(feature = "payco")]
pub use api::Payco;
#[cfg(feature = "paymentwall")]
pub use api::Paymentwall;
#[cfg(feature = "billing")]
pub use api::{BillingKeyBatch, BillingKeyPayments, DeleteBillingKey, KeySchedules, Schedules};
pub use api::{
    CancelPayment, FindAllPayments, FindPayment, MissingId, PaymentBatch, PaymentsByStatus,
    PaymentsRequest, Prepare,
};
#[cfg(feature = "naver")]
pub use api::{Naver, NaverChange};
pub use auth::Secret;
#[cfg(feature = "rustls-ring")]
pub use client::install_crypto_provider;
pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BYTES};
pub use date::{Date, ParseDateError};
pub use enums::*;
pub use error::{Attempted, Error, Result};
pub use refusal::Refusal;
pub use retry::RetryPolicy;
pub use rust_decimal::Decimal;
pub use time::{UnixTime, UnixTimeRangeError};
#[cfg(feature = "escrow")]
pub use types::EscrowShipment;
#[cfg(feature = "partners")]
pub use types::PartnerReceiptsResult;
#[cfg(feature = "codes")]
pub use types::StandardCode;
pub use types::{
    BalanceDetail, BalanceHistory, Payment, PaymentBalance, PaymentCancel, PaymentPage,
    PaymentPromotion, PreparedPayment, VbankDeposit,
};
#[cfg(feature = "billing")]
pub use types::{BillingKey, Schedule, SchedulePage, StandardBillingKey, SuperBillingKey};
#[cfg(feature = "certifications")]
pub use types::{Certification, CertificationOtp};
#[cfg(feature = "receipts")]
pub use types::{ExternalReceipt, Receipt};
#[cfg(feature = "naver")]
pub use types::{NaverProductOrder, NaverReview};
#[cfg(feature = "account")]
pub use types::{PgSetting, Tier};
pub use verify::{Expected, PaymentMismatch};
