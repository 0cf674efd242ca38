#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used)]

mod amount;
mod auth;
mod client;
mod enums;
mod envelope;
mod error;
mod generated;
mod payment;
mod payments;
mod prepare;
mod receipts;
pub mod reconcile;
mod retry;
#[cfg(feature = "testing")]
pub mod testing;
mod validate;
pub mod verify;
pub mod webhook;

pub use amount::{Amount, ParseAmountError, UnixTime};
pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BYTES};
pub use enums::{
    CancelRequester, Channel, Currency, ExternalPayMethod, IdentifierType, PayMethod,
    PaymentStatus, PaymentStatusFilter, ProductType, ReceiptType, Sorting,
};
pub use error::{Attempted, Error, Result};
pub use payment::{
    BalanceDetail, BalanceHistory, Payment, PaymentBalance, PaymentCancel, PaymentPage,
    PaymentPromotion, PreparedPayment, VbankDeposit,
};
pub use payments::{
    CancelPayment, FindAllPayments, FindPayment, MissingId, PaymentBatch, PaymentsByStatus,
    PaymentsRequest,
};
pub use prepare::Prepare;
pub use receipts::{ExternalReceipt, IssueExternalReceipt, IssueReceipt, Receipt};
pub use retry::RetryPolicy;
pub use rust_decimal::Decimal;
pub use verify::{Expected, PaymentMismatch};
