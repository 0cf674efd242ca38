//! The facade: one documented method on [`Client`](crate::Client) per operation, grouped by
//! the API's groups. Each checks what the spec cannot say of its arguments (a time window, a
//! time in the future, two lists together), calls the generated operation, which checks the
//! spec's own limits before sending, and unwraps the envelope through
//! [`Client::call`](crate::Client); the data types come from the spec.

/// Builder setters that store `Some(value)` in the field of the same name, each with its doc:
/// `setters! { /// The page to fetch. page: u32, }`.
macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty),* $(,)?) => {$(
        $(#[$doc])*
        pub fn $name(mut self, $name: $ty) -> Self {
            self.$name = Some($name);
            self
        }
    )*};
}

#[cfg(feature = "account")]
mod account;
#[cfg(feature = "benepia")]
mod benepia;
#[cfg(feature = "billing")]
mod billing;
mod cancel;
#[cfg(feature = "certifications")]
mod certifications;
#[cfg(feature = "codes")]
mod codes;
#[cfg(feature = "cvs")]
mod cvs;
#[cfg(feature = "escrow")]
mod escrow;
#[cfg(feature = "kcpquick")]
mod kcpquick;
mod listings;
#[cfg(feature = "naver")]
mod naver;
#[cfg(feature = "partners")]
mod partners;
#[cfg(feature = "payco")]
mod payco;
mod payments;
#[cfg(feature = "paymentwall")]
mod paymentwall;
mod prepare;
#[cfg(feature = "receipts")]
mod receipts;
#[cfg(feature = "billing")]
mod schedules;
#[cfg(any(feature = "vbanks", feature = "cvs"))]
mod unpaid;
#[cfg(feature = "vbanks")]
mod vbanks;

#[cfg(feature = "benepia")]
pub use benepia::Benepia;
#[cfg(feature = "billing")]
pub use billing::{BillingKeyBatch, BillingKeyPayments, DeleteBillingKey};
pub use cancel::CancelPayment;
#[cfg(feature = "kcpquick")]
pub use kcpquick::KcpQuick;
pub use listings::{FindAllPayments, FindPayment, PaymentsByStatus};
#[cfg(feature = "naver")]
pub use naver::{Naver, NaverChange};
#[cfg(feature = "payco")]
pub use payco::Payco;
pub use payments::{MissingId, PaymentBatch, PaymentsRequest};
#[cfg(feature = "paymentwall")]
pub use paymentwall::Paymentwall;
pub use prepare::Prepare;
#[cfg(feature = "billing")]
pub use schedules::{KeySchedules, Schedules};

use std::future::Future;

use progenitor_client::{Error as GenError, ResponseValue};

use crate::{Client, Result, call, envelope::Envelope, generated::types::ErrorEnvelope};

impl Client {
    /// Runs one generated operation (again, for a retry or a token refresh) and unwraps its
    /// envelope into the payload: the one path every facade method takes. `operation` builds
    /// the operation's future, once per attempt. See [`call::run`] for how its future is
    /// laid out.
    pub(crate) fn call<'a, T, M, F>(
        &'a self,
        operation: M,
    ) -> impl Future<Output = Result<T::Payload>> + 'a
    where
        T: Envelope + 'a,
        M: Fn() -> F + 'a,
        F: Future<Output = std::result::Result<ResponseValue<T>, GenError<ErrorEnvelope>>> + 'a,
    {
        call::run(false, &self.api.inner.0.retry, operation)
    }
}
