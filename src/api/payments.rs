//! Payment lookups: one payment, several at once, and a payment's balance.

use crate::{
    Amount, Client, Error, Result, input,
    types::{Payment, PaymentBalance},
};

impl Client {
    /// The payment with this i'mport id (`GET /payments/{imp_uid}`).
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is no such payment; [`Error::InvalidInput`] for an empty
    /// or malformed id (nothing is sent).
    pub async fn payment(&self, imp_uid: &str) -> Result<Payment> {
        self.call(|| self.api.get_payment(imp_uid, None, None))
            .await
    }

    /// Like [`Client::payment`], also finding payments made through test channels.
    pub async fn payment_including_sandbox(&self, imp_uid: &str) -> Result<Payment> {
        self.call(|| self.api.get_payment(imp_uid, None, Some(true)))
            .await
    }

    /// Like [`Client::payment`], with the PG-specific data in [`Payment::extension`]
    /// (`?extension=true`): Kiwoom Pay (`daou`) names a virtual account's depositor only
    /// there ([`Payment::remitter`]).
    pub async fn payment_with_extension(&self, imp_uid: &str) -> Result<Payment> {
        self.call(|| self.api.get_payment(imp_uid, Some(true), None))
            .await
    }

    /// Several payments at once by i'mport id and by order id (`GET /payments`).
    ///
    /// ```no_run
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let batch = client.payments().imp_uids(["imp_1", "imp_2"]).merchant_uids(["m_1"]).send().await?;
    /// for id in &batch.missing {
    ///     println!("not found: {id}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn payments(&self) -> PaymentsRequest<'_> {
        PaymentsRequest {
            client: self,
            imp_uids: Vec::new(),
            merchant_uids: Vec::new(),
        }
    }

    /// How a payment's amount splits by means of payment (`GET /payments/{imp_uid}/balance`).
    /// Only some PGs support it; others answer with an API error.
    pub async fn payment_balance(&self, imp_uid: &str) -> Result<PaymentBalance> {
        self.call(|| self.api.get_payment_balance(imp_uid)).await
    }
}

/// An id asked for in a batch lookup that the server did not return.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MissingId {
    /// An i'mport payment id.
    ImpUid(String),
    /// A merchant order id.
    MerchantUid(String),
}

impl MissingId {
    /// The id itself.
    pub fn as_str(&self) -> &str {
        match self {
            MissingId::ImpUid(s) | MissingId::MerchantUid(s) => s,
        }
    }
}

impl std::fmt::Display for MissingId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MissingId::ImpUid(s) => write!(f, "imp_uid {s}"),
            MissingId::MerchantUid(s) => write!(f, "merchant_uid {s}"),
        }
    }
}

/// The answer to a batch lookup: what was found and what was not.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PaymentBatch {
    /// The payments found.
    pub payments: Vec<Payment>,
    /// The ids asked for that no returned payment carries.
    pub missing: Vec<MissingId>,
}

impl PaymentBatch {
    /// Whether every id asked for was found.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }
}

/// Builder for [`Client::payments`].
#[derive(Debug, Clone)]
#[must_use = "call .send() to make the request"]
pub struct PaymentsRequest<'c> {
    client: &'c Client,
    pub(crate) imp_uids: Vec<String>,
    pub(crate) merchant_uids: Vec<String>,
}

impl PaymentsRequest<'_> {
    /// Look these i'mport ids up.
    pub fn imp_uids<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.imp_uids.extend(ids.into_iter().map(Into::into));
        self
    }

    /// Look these order ids up.
    pub fn merchant_uids<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.merchant_uids.extend(ids.into_iter().map(Into::into));
        self
    }

    /// Sends the request.
    ///
    /// A 207 (some found) and a 404 (none found) both give `Ok`, with the ids not found in
    /// [`PaymentBatch::missing`].
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when no id or more than 100 ids are given, or an id is malformed.
    pub async fn send(self) -> Result<PaymentBatch> {
        let count = self.imp_uids.len() + self.merchant_uids.len();
        if count == 0 {
            return Err(Error::invalid(
                "ids",
                "give at least one imp_uid or merchant_uid",
            ));
        }
        if count > input::BATCH_MAX {
            return Err(Error::invalid(
                "ids",
                format!("at most {} ids per request", input::BATCH_MAX),
            ));
        }
        let imp = (!self.imp_uids.is_empty()).then_some(&self.imp_uids);
        let merchant = (!self.merchant_uids.is_empty()).then_some(&self.merchant_uids);
        let payments = match self
            .client
            .call(|| self.client.api.get_payments(imp, merchant))
            .await
        {
            Ok(payments) => payments,
            Err(e) if e.is_not_found() => Vec::new(),
            Err(e) => return Err(e),
        };
        let found_imp = |id: &String| payments.iter().any(|p| &p.imp_uid == id);
        let found_merchant = |id: &String| payments.iter().any(|p| &p.merchant_uid == id);
        let missing = self
            .imp_uids
            .iter()
            .filter(|id| !found_imp(id))
            .map(|id| MissingId::ImpUid(id.clone()))
            .chain(
                self.merchant_uids
                    .iter()
                    .filter(|id| !found_merchant(id))
                    .map(|id| MissingId::MerchantUid(id.clone())),
            )
            .collect();
        Ok(PaymentBatch { payments, missing })
    }
}

impl Payment {
    /// Whether the payment is paid (possibly partly cancelled since). A charge of a billing key
    /// or of card data that the card company declined comes back `failed`; a virtual account
    /// not paid into yet is `ready`.
    pub fn is_paid(&self) -> bool {
        self.status == crate::PaymentStatus::Paid
    }

    /// The amount that can still be cancelled, as the server counts it: `amount -
    /// cancel_amount`.
    ///
    /// Not a cancel's [`checksum`](crate::CancelPayment::checksum): that comes from the
    /// merchant's own ledger, since a balance fetched just before each cancel lets a repeated
    /// click refund again (see [`Client::cancel_payment`](crate::Client::cancel_payment)).
    ///
    /// `None` when the server's figures make no such amount: a negative `cancel_amount`, one
    /// larger than `amount`, or figures too large to subtract. Nothing about such a payment
    /// should be refunded automatically.
    pub fn cancellable_amount(&self) -> Option<Amount> {
        let (amount, cancelled) = (self.amount, self.cancel_amount);
        if cancelled.is_negative() || cancelled > amount {
            return None;
        }
        amount.checked_sub(cancelled)
    }

    /// The approval number, treating the server's `""` as absent.
    pub fn approval_number(&self) -> Option<&str> {
        self.apply_num.as_deref().filter(|s| !s.is_empty())
    }

    /// The depositor's name that a PG reports only in the PG-specific data (`REMITTER` in
    /// [`Payment::extension`]; Kiwoom Pay's virtual accounts): present only on a payment
    /// looked up with [`Client::payment_with_extension`](crate::Client::payment_with_extension).
    pub fn remitter(&self) -> Option<&str> {
        self.extension.get("REMITTER")?.as_str()
    }
}

/// A charge is `Ok` only when its payment is paid. A payment still `ready` (neither paid nor
/// failed) may yet complete: its outcome is unknown, not declined.
#[cfg(any(feature = "billing", feature = "kcpquick", feature = "benepia"))]
pub(crate) fn paid(operation: &'static str, result: Result<Payment>) -> Result<Payment> {
    match result {
        Ok(p)
            if !p.is_paid()
                && !matches!(
                    p.status,
                    crate::PaymentStatus::Failed | crate::PaymentStatus::Cancelled
                ) =>
        {
            Err(Error::OutcomeUnknown {
                attempted: Box::new(crate::Attempted {
                    operation,
                    imp_uid: Some(p.imp_uid.clone()),
                    merchant_uid: Some(p.merchant_uid.clone()),
                    merchant_uids: vec![p.merchant_uid.clone()],
                    customer_uid: p.customer_uid.clone(),
                    amount: Some(p.amount),
                    started_at: crate::UnixTime::now(),
                    accepted: false,
                }),
                source: Box::new(Error::Pending(Box::new(p))),
            })
        }
        Ok(p) if !p.is_paid() => Err(Error::Declined(Box::new(p))),
        other => other,
    }
}
