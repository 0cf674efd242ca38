//! Server-side verification of a payment against what the merchant expected.
//!
//! The canonical flow after a buyer pays in the browser or app:
//!
//! 1. The client side receives the `imp_uid` and passes it to the merchant's server. Nothing it
//!    says about the amount or status can be trusted.
//! 2. The server fetches the payment from i'mport by `imp_uid` ([`Client::verify_payment`]
//!    does this).
//! 3. It compares the payment with its own order: status `paid`, the exact amount, the order
//!    id and the currency.
//! 4. On a match it fulfils the order. On a mismatch it does not fulfil, and usually cancels the
//!    payment ([`PaymentMismatch::payment`] has what a cancel needs).
//!
//! The same check applies to the payment re-fetched for a webhook notification
//! ([`Client::payment_from_notification`](crate::Client::payment_from_notification)).

use std::fmt;

use crate::{Amount, Client, Currency, Error, Payment, PaymentStatus, Result};

/// What the merchant expects of a payment: status `paid` and an exact amount, optionally an
/// order id and a currency.
///
/// ```
/// use iamport::{Currency, Expected};
/// let expected = Expected::new(32000).merchant_uid("order-1").currency(Currency::Krw);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    amount: Amount,
    status: PaymentStatus,
    merchant_uid: Option<String>,
    currency: Option<Currency>,
}

impl Expected {
    /// A `paid` payment of exactly this amount.
    pub fn new(amount: impl Into<Amount>) -> Self {
        Expected {
            amount: amount.into(),
            status: PaymentStatus::Paid,
            merchant_uid: None,
            currency: None,
        }
    }

    /// Also require this order id.
    pub fn merchant_uid(mut self, merchant_uid: impl Into<String>) -> Self {
        self.merchant_uid = Some(merchant_uid.into());
        self
    }

    /// Also require this currency.
    pub fn currency(mut self, currency: Currency) -> Self {
        self.currency = Some(currency);
        self
    }

    /// Require another status than `paid` (`ready` for an issued virtual account, say).
    pub fn status(mut self, status: PaymentStatus) -> Self {
        self.status = status;
        self
    }
}

/// A field of a payment that [`Expected`] checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Field {
    /// `status`.
    Status,
    /// `amount`.
    Amount,
    /// `merchant_uid`.
    MerchantUid,
    /// `currency`.
    Currency,
}

impl Field {
    /// The field's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Status => "status",
            Field::Amount => "amount",
            Field::MerchantUid => "merchant_uid",
            Field::Currency => "currency",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One field that differs from what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Difference {
    /// Which field.
    pub field: Field,
    /// The expected value, as on the wire.
    pub expected: String,
    /// The payment's value, as on the wire.
    pub actual: String,
}

/// A payment that is not what the merchant expected: every differing field, and the payment.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PaymentMismatch {
    /// The fields that differ, in the order status, amount, order id, currency.
    pub differences: Vec<Difference>,
    /// The payment as i'mport reported it.
    pub payment: Payment,
}

impl PaymentMismatch {
    /// The difference in one field, if that field differs.
    pub fn get(&self, field: Field) -> Option<&Difference> {
        self.differences.iter().find(|d| d.field == field)
    }
}

impl fmt::Display for PaymentMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "payment {} is not as expected:", self.payment.imp_uid)?;
        for (i, d) in self.differences.iter().enumerate() {
            let sep = if i == 0 { " " } else { ", " };
            write!(
                f,
                "{sep}{} is {:?}, expected {:?}",
                d.field, d.actual, d.expected
            )?;
        }
        Ok(())
    }
}

impl Payment {
    /// Compares the payment with what the merchant expected.
    ///
    /// # Errors
    /// A [`PaymentMismatch`] listing every field that differs. Amounts compare exactly
    /// (`10.5` is not `10.50001`; `1000` equals `1000.0`).
    pub fn check(&self, expected: &Expected) -> std::result::Result<(), Box<PaymentMismatch>> {
        let mut differences = Vec::new();
        let mut differ = |field, expected: String, actual: String| {
            differences.push(Difference {
                field,
                expected,
                actual,
            });
        };
        if self.status != expected.status {
            differ(
                Field::Status,
                expected.status.to_string(),
                self.status.to_string(),
            );
        }
        if self.amount != expected.amount {
            differ(
                Field::Amount,
                expected.amount.to_string(),
                self.amount.to_string(),
            );
        }
        if let Some(m) = &expected.merchant_uid
            && *m != self.merchant_uid
        {
            differ(Field::MerchantUid, m.clone(), self.merchant_uid.clone());
        }
        if let Some(c) = &expected.currency
            && *c != self.currency
        {
            differ(Field::Currency, c.to_string(), self.currency.to_string());
        }
        if differences.is_empty() {
            Ok(())
        } else {
            Err(Box::new(PaymentMismatch {
                differences,
                payment: self.clone(),
            }))
        }
    }
}

impl Client {
    /// Fetches a payment by `imp_uid` and checks it against what the merchant expected: the
    /// server-side step after a buyer pays (see [the module docs](crate::verify)).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// # let mock = iamport::testing::MockIamport::start().await;
    /// # let client = mock.client();
    /// # let _stub = mock.payment(&iamport::testing::payment("imp_448280090638", "order-1", 32000));
    /// use iamport::Expected;
    /// match client
    ///     .verify_payment("imp_448280090638", &Expected::new(32000).merchant_uid("order-1"))
    ///     .await
    /// {
    ///     Ok(payment) => println!("fulfil order {}", payment.merchant_uid),
    ///     Err(e) => match e.mismatch() {
    ///         Some(m) => println!("do not fulfil; cancel {}: {m}", m.payment.imp_uid),
    ///         None => println!("could not verify now, try again: {e}"),
    ///     },
    /// }
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`Error::Mismatch`] when the payment differs from `expected`; the errors of
    /// [`Client::payment`] when it cannot be fetched.
    pub async fn verify_payment(&self, imp_uid: &str, expected: &Expected) -> Result<Payment> {
        let payment = self.payment(imp_uid).await?;
        payment.check(expected).map_err(Error::Mismatch)?;
        Ok(payment)
    }
}
