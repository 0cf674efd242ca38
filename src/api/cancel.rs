//! Cancellation of payments, in full or in part.

use crate::{
    Amount, CancelRequester, Client, Error, Result,
    types::{CancelExtra, CancelRequest, Payment},
};

impl Client {
    /// Cancels a payment in full or in part (`POST /payments/cancel`).
    ///
    /// Name the payment with [`CancelPayment::imp_uid`] or [`CancelPayment::merchant_uid`],
    /// and say how much: [`CancelPayment::amount`] for a part, [`CancelPayment::full`] for all
    /// that is left. A cancel that says neither is refused before sending, and so is an amount
    /// of zero: the server reads both as "cancel everything", so a refund computed as zero
    /// would otherwise refund the whole payment.
    ///
    /// **Give a [`checksum`](CancelPayment::checksum)**: what *your own ledger* says is still
    /// refundable (the amount paid less every refund you have recorded), never a balance read
    /// from the server just before. The server refuses a cancel whose checksum differs from its
    /// own balance. That protects against acting on a stale view: a refund made elsewhere (the
    /// admin console, another service) that your ledger does not know yet, or two refunds
    /// decided at once on the same balance (once the first is carried out, the second's
    /// checksum is stale and it is refused).
    ///
    /// It does **not** make a refund happen once. A second refund decided after the first was
    /// recorded reads the new balance, passes the check and refunds again, and so does a
    /// refund sent again after a lost answer. Doing a refund once is the caller's part: give
    /// each refund an id of your own, store it with its amount before sending, send it only
    /// from that state, and settle a lost answer with [`Client::cancellation_outcome`], never
    /// by sending it again. The example below does that.
    ///
    /// A cancel is sent again by the client only when it surely did not arrive (the connection
    /// was refused, or 429). Once it may have reached the server it is never sent again: a lost
    /// or unclear answer is [`Error::OutcomeUnknown`].
    ///
    /// ```no_run
    /// use iamport::{Amount, reconcile::CancelOutcome};
    ///
    /// /// One refund the merchant decided on, stored under its own id before it is sent.
    /// struct Refund {
    ///     id: String,
    ///     imp_uid: String,
    ///     amount: Amount,
    ///     state: State,
    /// }
    ///
    /// #[derive(PartialEq)]
    /// enum State {
    ///     /// Decided, not sent: may be sent.
    ///     Decided,
    ///     /// Sent; its outcome is not known yet. Never sent again from here.
    ///     Sent,
    ///     /// Carried out by the server.
    ///     Done,
    ///     /// Refused, or surely not carried out.
    ///     NotMade,
    /// }
    ///
    /// /// `refundable`: the amount paid less the refunds recorded as done, read with the refund
    /// /// under one lock on the order (e.g. `SELECT .. FOR UPDATE`).
    /// async fn send_refund(
    ///     client: &iamport::Client,
    ///     refund: &mut Refund,
    ///     refundable: Amount,
    /// ) -> iamport::Result<()> {
    ///     if refund.state != State::Decided {
    ///         return Ok(()); // a second click on the same refund does nothing
    ///     }
    ///     refund.state = State::Sent; // stored before the request leaves
    ///     let result = client
    ///         .cancel_payment()
    ///         .imp_uid(&refund.imp_uid)
    ///         .amount(refund.amount)
    ///         .checksum(refundable)
    ///         .reason(format!("refund {}", refund.id))
    ///         .send()
    ///         .await;
    ///     refund.state = match result {
    ///         Ok(_) => State::Done,
    ///         // Lost after it may have arrived: look, never resend.
    ///         Err(e) if e.is_outcome_unknown() => {
    ///             let attempted = e.attempted().expect("carried by OutcomeUnknown");
    ///             match client.cancellation_outcome(attempted).send().await? {
    ///                 CancelOutcome::Recorded { .. } => State::Done,
    ///                 CancelOutcome::NotRecorded { .. } => State::NotMade,
    ///                 // Not settled yet: it stays `Sent`; look again later.
    ///                 _ => return Err(e),
    ///             }
    ///         }
    ///         // Throttled or an outage: it surely did not arrive; send it later.
    ///         Err(e) if e.is_retryable() => {
    ///             refund.state = State::Decided;
    ///             return Err(e);
    ///         }
    ///         // The server said no: already refunded in full, a stale checksum, ...
    ///         // Compare the payment with the ledger before deciding anything new.
    ///         Err(e) => {
    ///             refund.state = State::NotMade;
    ///             return Err(e);
    ///         }
    ///     };
    ///     Ok(())
    /// }
    /// ```
    pub fn cancel_payment(&self) -> CancelPayment<'_> {
        CancelPayment {
            client: self,
            imp_uid: None,
            merchant_uid: None,
            full: false,
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
    /// Whether [`CancelPayment::full`] was chosen (and no amount given since).
    full: bool,
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

    /// How much to cancel: more than zero, and no more than the
    /// [`checksum`](CancelPayment::checksum). To cancel all that is left, use
    /// [`CancelPayment::full`] instead (an amount of zero is refused).
    pub fn amount(mut self, amount: impl Into<Amount>) -> Self {
        self.body.amount = Some(amount.into());
        self.full = false;
        self
    }

    /// Cancel all that is left of the payment: the server's full cancel, which sends no
    /// amount. An explicit choice, since the server reads a missing amount as "everything".
    pub fn full(mut self) -> Self {
        self.body.amount = None;
        self.full = true;
        self
    }

    amount_setters! {
        /// The tax-free part of the amount.
        tax_free,
        /// The VAT part of the amount.
        vat_amount,
        /// What your own ledger says is still refundable: the amount paid less the refunds
        /// you have recorded. The server refuses the cancel when its balance differs. Not
        /// [`Payment::cancellable_amount`] of a payment fetched just before, which would let a
        /// repeated click refund again (see [`Client::cancel_payment`]).
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
    /// [`Error::Api`] when the server refuses; [`Error::refusal`] tells
    /// [`AlreadyCancelled`](crate::Refusal::AlreadyCancelled) and
    /// [`PaymentNotFound`](crate::Refusal::PaymentNotFound) apart, and gives
    /// [`Other`](crate::Refusal::Other) for the rest (an amount too large, a stale checksum).
    /// [`Error::OutcomeUnknown`] when the answer was lost or unclear (see above).
    /// [`Error::InvalidInput`] (nothing is sent) when no payment is named, neither an amount
    /// nor [`full`](CancelPayment::full) is given, the amount is zero, an amount is negative,
    /// the amount exceeds the checksum, or the checksum is zero (your ledger says nothing is
    /// left to refund).
    pub async fn send(self) -> Result<Payment> {
        let client = self.client;
        let body = self.into_body()?;
        client.call(|| client.api.cancel_payment(&body)).await
    }

    /// The body this cancel sends, once its arguments are checked.
    pub(crate) fn into_body(self) -> Result<CancelRequest> {
        let mut body = self.body;
        if self.imp_uid.is_none() && self.merchant_uid.is_none() {
            return Err(Error::invalid(
                "imp_uid",
                "name the payment by imp_uid or merchant_uid",
            ));
        }
        (body.imp_uid, body.merchant_uid) = (self.imp_uid, self.merchant_uid);
        match (body.amount, self.full) {
            (None, false) => {
                return Err(Error::invalid(
                    "amount",
                    "say how much to cancel: .amount(..) for a part, .full() for all that is left",
                ));
            }
            (Some(amount), _) if amount.is_zero() => {
                return Err(Error::invalid(
                    "amount",
                    "0 would cancel all that is left (the server reads it as no amount); \
                     to cancel everything call .full(), otherwise there is nothing to cancel",
                ));
            }
            _ => {}
        }
        if body.checksum.is_some_and(|c| c.is_zero()) {
            return Err(Error::invalid(
                "checksum",
                "0: your ledger says nothing is left to refund, so nothing can be cancelled",
            ));
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
