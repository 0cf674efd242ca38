//! Server-side verification of a payment against what the merchant expected.
//!
//! The canonical flow after a buyer pays in the browser or app:
//!
//! 1. The client side receives the `imp_uid` and passes it to the merchant's server. Nothing it
//!    says about the amount or status can be trusted.
//! 2. The server fetches the payment from i'mport by `imp_uid` ([`Client::verify_payment`]
//!    does this).
//! 3. It compares the payment with its own order: the order id, status `paid`, the exact
//!    amount and the currency.
//! 4. On a match it fulfils the order. On a mismatch it does not fulfil, and does what
//!    [`PaymentMismatch::remedy`] says: a payment of *another* order (someone replayed an
//!    `imp_uid`) must never be cancelled, since that refunds a stranger; a payment that is not
//!    paid (a `ready` virtual account still waiting for its deposit) has nothing to refund;
//!    only this order's own payment with a wrong amount or currency is refunded.
//!
//! The other half of i'mport's tamper protection is registering the amount before the
//! payment is requested ([`Client::prepare_payment`]): the server then refuses a payment
//! request whose amount was changed in the browser.
//!
//! The same check applies to the payment re-fetched for a webhook notification
//! ([`Client::payment_from_notification`](crate::Client::payment_from_notification)).

use std::fmt;

use crate::{Amount, Client, Currency, Error, Payment, PaymentStatus, Result};

/// What the merchant expects of a payment: its own order id, status `paid`, an exact amount,
/// a currency (KRW unless stated), nothing refunded (unless stated), and real money: a payment
/// made through a test channel (`sandbox`) does not verify unless
/// [`Expected::accept_test_payments`] says so.
///
/// The order id is required: without it, one paid `imp_uid` could be replayed to "verify"
/// every order of the same amount.
///
/// ```
/// use iamport::{Currency, Expected};
/// let krw = Expected::new("order-1", 32000);
/// let usd = Expected::new("order-2", "10.50".parse::<iamport::Amount>().unwrap()).currency(Currency::Usd);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    merchant_uid: String,
    amount: Amount,
    currency: Currency,
    status: PaymentStatus,
    refunded: Amount,
    test_payments: bool,
}

impl Expected {
    /// A `paid` payment for the order `merchant_uid` of exactly `amount` KRW.
    pub fn new(merchant_uid: impl Into<String>, amount: impl Into<Amount>) -> Self {
        Expected {
            merchant_uid: merchant_uid.into(),
            amount: amount.into(),
            currency: Currency::Krw,
            status: PaymentStatus::Paid,
            refunded: Amount::ZERO,
            test_payments: false,
        }
    }

    /// Require this much to have been refunded already (the payment's `cancel_amount`), as
    /// your ledger records it; by default nothing. A payment of 50,000 of which 45,000 was
    /// refunded is still `paid` with an `amount` of 50,000: without this check it would pass
    /// as paid in full.
    pub fn refunded(mut self, refunded: impl Into<Amount>) -> Self {
        self.refunded = refunded.into();
        self
    }

    /// Accept a payment made through a test channel (`sandbox: true`), which moved no money:
    /// for staging only. By default such a payment is a mismatch ([`Field::Sandbox`]).
    pub fn accept_test_payments(mut self) -> Self {
        self.test_payments = true;
        self
    }

    /// Require this currency instead of KRW.
    pub fn currency(mut self, currency: Currency) -> Self {
        self.currency = currency;
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
    /// `sandbox`: the payment went through a test channel and moved no money.
    Sandbox,
    /// `cancel_amount`: how much of the payment was refunded.
    CancelAmount,
}

impl Field {
    /// The field's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Status => "status",
            Field::Amount => "amount",
            Field::MerchantUid => "merchant_uid",
            Field::Currency => "currency",
            Field::Sandbox => "sandbox",
            Field::CancelAmount => "cancel_amount",
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

/// What to do about a payment that is not what the order expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Remedy {
    /// The payment belongs to another order: the caller sent someone else's `imp_uid`. Do not
    /// fulfil, and do **not** cancel it: that would refund a stranger's payment.
    NotThisOrder,
    /// The payment is this order's but is not paid (a `ready` virtual account waiting for its
    /// deposit, a failed or cancelled payment), or was made through a test channel and moved
    /// no money: do not fulfil; there is nothing to refund. A virtual account may still be
    /// paid: wait for its webhook.
    NotPaid,
    /// The payment is this order's and paid, but more of it was refunded than the order says
    /// (or less): do not fulfil, and do not refund anything automatically. Compare the
    /// payment's `cancel_history` with your ledger: a refund made elsewhere (the console, an
    /// earlier attempt whose answer was lost) has to be recorded before deciding.
    Reconcile,
    /// The payment is this order's and paid, with another amount or currency (tampered with,
    /// or the order changed): do not fulfil; refund it in full. Your ledger has refunded none
    /// of it, so its [`checksum`](crate::CancelPayment::checksum) is the payment's `amount`:
    /// a repeated refund of the same payment is then refused, not carried out twice.
    Refund,
}

/// A payment that is not what the merchant expected: every differing field, and the payment.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PaymentMismatch {
    /// The fields that differ, in the order status, amount, order id, currency, sandbox,
    /// cancelled amount.
    pub differences: Vec<Difference>,
    /// The payment as i'mport reported it.
    pub payment: Payment,
}

impl PaymentMismatch {
    /// The difference in one field, if that field differs.
    pub fn get(&self, field: Field) -> Option<&Difference> {
        self.differences.iter().find(|d| d.field == field)
    }

    /// What to do about the payment; see [`Remedy`].
    ///
    /// ```
    /// use iamport::{Expected, verify::Remedy, testing::payment};
    ///
    /// // Someone else's payment of the same amount: never cancel it.
    /// let other = payment("imp_1", "order-of-someone-else", 32000);
    /// let m = other.check(&Expected::new("order-1", 32000)).unwrap_err();
    /// assert_eq!(m.remedy(), Remedy::NotThisOrder);
    /// assert!(!m.should_refund());
    ///
    /// // This order's payment with a tampered amount: refund it.
    /// let tampered = payment("imp_2", "order-1", 100);
    /// let m = tampered.check(&Expected::new("order-1", 32000)).unwrap_err();
    /// assert_eq!(m.remedy(), Remedy::Refund);
    /// ```
    pub fn remedy(&self) -> Remedy {
        if self.get(Field::MerchantUid).is_some() {
            Remedy::NotThisOrder
        } else if self.payment.status != PaymentStatus::Paid || self.get(Field::Sandbox).is_some() {
            Remedy::NotPaid
        } else if self.get(Field::CancelAmount).is_some() {
            Remedy::Reconcile
        } else {
            Remedy::Refund
        }
    }

    /// Whether refunding this payment is the right response: only for [`Remedy::Refund`].
    pub fn should_refund(&self) -> bool {
        self.remedy() == Remedy::Refund
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
    /// (`10.5` is not `10.50001`; `1000` equals `1000.0`). A payment through a test channel
    /// differs in [`Field::Sandbox`] unless [`Expected::accept_test_payments`]; a refunded
    /// amount other than [`Expected::refunded`] (none by default) in [`Field::CancelAmount`].
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
        if expected.merchant_uid != self.merchant_uid {
            differ(
                Field::MerchantUid,
                expected.merchant_uid.clone(),
                self.merchant_uid.clone(),
            );
        }
        if expected.currency != self.currency {
            differ(
                Field::Currency,
                expected.currency.to_string(),
                self.currency.to_string(),
            );
        }
        let sandbox = self.sandbox == Some(true);
        if sandbox && !expected.test_payments {
            differ(Field::Sandbox, "false".to_owned(), "true".to_owned());
        }
        if self.cancel_amount != expected.refunded {
            differ(
                Field::CancelAmount,
                expected.refunded.to_string(),
                self.cancel_amount.to_string(),
            );
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
    ///     .verify_payment("imp_448280090638", &Expected::new("order-1", 32000))
    ///     .await
    /// {
    ///     Ok(payment) => println!("fulfil order {}", payment.merchant_uid),
    ///     Err(e) => match e.mismatch() {
    ///         // Only this order's own payment, paid with a wrong amount, is refunded.
    ///         Some(m) if m.should_refund() => println!("refund {}: {m}", m.payment.imp_uid),
    ///         Some(m) => println!("do not fulfil, do not refund: {m}"),
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
