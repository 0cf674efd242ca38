//! Cancellation of payments, in full or in part.

use crate::{
    Amount, CancelRequester, Client, Error, Result,
    types::{CancelExtra, CancelRequest, Payment},
    validate,
};

impl Client {
    /// Cancels a payment in full or in part (`POST /payments/cancel`).
    ///
    /// Name the payment with [`CancelPayment::imp_uid`] or [`CancelPayment::merchant_uid`].
    /// Leave the amount out to cancel everything that is left.
    ///
    /// **Give a [`checksum`](CancelPayment::checksum)**: what your own records say is still
    /// cancellable. The server then refuses a cancel whose premise is stale. Take it from your
    /// ledger (the amount paid less what you have refunded), not from a payment fetched just
    /// before: a checksum read fresh each time lets a second click in an admin page refund
    /// again, since each click sees the balance the first one left.
    ///
    /// A cancel is sent again only when it surely did not arrive (the connection was refused,
    /// or 429). Once it may have reached the server it is never sent again, with or without
    /// `checksum` (a checksum guards against a stale balance, not a concurrent cancel): a lost
    /// or unclear answer is [`Error::OutcomeUnknown`]; learn what happened with
    /// [`Client::cancellation_outcome`].
    ///
    /// ```no_run
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let payment = client.payment("imp_123").await?;
    /// let updated = client
    ///     .cancel_payment()
    ///     .imp_uid(&payment.imp_uid)
    ///     .amount(1000)
    ///     .checksum(payment.cancellable_amount())
    ///     .reason("out of stock")
    ///     .send()
    ///     .await?;
    /// println!("cancelled so far: {}", updated.cancel_amount);
    /// # Ok(()) }
    /// ```
    pub fn cancel_payment(&self) -> CancelPayment<'_> {
        CancelPayment {
            client: self,
            imp_uid: None,
            merchant_uid: None,
            body: CancelRequest::default(),
        }
    }
}

/// Builder for [`Client::cancel_payment`].
#[derive(Debug, Clone)]
#[must_use = "call .send() to make the request"]
pub struct CancelPayment<'c> {
    client: &'c Client,
    imp_uid: Option<String>,
    merchant_uid: Option<String>,
    body: CancelRequest,
}

macro_rules! string_setters {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.body.$name = Some(value.into());
            self
        }
    )*};
}

macro_rules! amount_setters {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        pub fn $name(mut self, value: impl Into<Amount>) -> Self {
            self.body.$name = Some(value.into());
            self
        }
    )*};
}

impl CancelPayment<'_> {
    /// The payment to cancel, by i'mport id (wins over `merchant_uid`).
    pub fn imp_uid(mut self, imp_uid: impl Into<String>) -> Self {
        self.imp_uid = Some(imp_uid.into());
        self
    }

    /// The payment to cancel, by order id.
    pub fn merchant_uid(mut self, merchant_uid: impl Into<String>) -> Self {
        self.merchant_uid = Some(merchant_uid.into());
        self
    }

    amount_setters! {
        /// How much to cancel; leave out to cancel everything that is left.
        amount,
        /// The tax-free part of the amount.
        tax_free,
        /// The VAT part of the amount.
        vat_amount,
        /// What you believe is still cancellable ([`Payment::cancellable_amount`]). The server
        /// refuses the cancel when it does not match, which makes a retry safe.
        checksum,
    }

    string_setters! {
        /// Why the payment is cancelled (required by some PGs).
        reason,
        /// Holder of the account a virtual-account payment is refunded to.
        refund_holder,
        /// Bank code of the refund account.
        refund_bank,
        /// Number of the refund account.
        refund_account,
        /// Telephone of the refund account's holder.
        refund_tel,
    }

    /// Keep a card promotion on a partial cancel.
    pub fn retain_promotion(mut self, retain: bool) -> Self {
        self.body.retain_promotion = Some(retain);
        self
    }

    /// Also send the cancellation webhook, which API cancels skip by default.
    pub fn enable_webhook(mut self, enable: bool) -> Self {
        self.body.enable_webhook = Some(enable);
        self
    }

    /// Who asked for the cancellation.
    pub fn requester(mut self, requester: CancelRequester) -> Self {
        self.body.extra = Some(CancelExtra::new().requester(requester));
        self
    }

    /// Sends the cancellation and returns the updated payment.
    ///
    /// # Errors
    /// [`Error::Api`] when the server refuses (already cancelled, amount too large, checksum
    /// stale); [`Error::InvalidInput`] when no payment is named, or an amount is negative or the
    /// amount exceeds the checksum (nothing is sent).
    pub async fn send(self) -> Result<Payment> {
        let client = self.client;
        let body = self.into_body()?;
        client.call(client.api.cancel_payment(&body)).await
    }

    /// The body this cancel sends, once its arguments are checked.
    pub(crate) fn into_body(self) -> Result<CancelRequest> {
        let mut body = self.body;
        match (&self.imp_uid, &self.merchant_uid) {
            (None, None) => {
                return Err(Error::invalid(
                    "imp_uid",
                    "name the payment by imp_uid or merchant_uid",
                ));
            }
            (imp, merchant) => {
                if let Some(id) = imp {
                    validate::imp_uid(id)?;
                    body.imp_uid = Some(id.clone());
                }
                if let Some(id) = merchant {
                    validate::merchant_uid(id)?;
                    body.merchant_uid = Some(id.clone());
                }
            }
        }
        for (field, value) in [
            ("amount", body.amount),
            ("tax_free", body.tax_free),
            ("vat_amount", body.vat_amount),
            ("checksum", body.checksum),
        ] {
            if value.is_some_and(|v| v.is_negative()) {
                return Err(Error::invalid(field, "must not be negative"));
            }
        }
        if let (Some(amount), Some(checksum)) = (body.amount, body.checksum)
            && amount > checksum
        {
            return Err(Error::invalid(
                "amount",
                format!("{amount} is more than the cancellable {checksum}"),
            ));
        }
        Ok(body)
    }
}
