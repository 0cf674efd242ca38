//! Cancellation of payments, in full or in part.

use crate::{
    Amount, Attempted, CancelRequester, Client, Error, Result, UnixTime,
    reconcile::{DEFAULT_CLOCK_SLACK, recorded_cancellation},
    types::{CancelExtra, CancelRequest, Payment},
};

/// The PGs whose refunds can wait for an approval after a cancel is accepted (`code` 0):
/// PayPal, per the official per-PG notes of `POST /payments/cancel`. For the others an
/// accepted cancel is a refund made.
pub const DEFERRED_REFUND_PGS: &[&str] = &["paypal_v2"];

/// `Ok` when the accepted cancel's payment records the refund, [`Error::RefundPending`] when
/// its PG approves refunds later and the payment does not record it yet: no entry of the
/// requested amount (any amount, and the payment `cancelled`, for a cancel of all that was
/// left) in its `cancel_history` since the call started (less [`DEFAULT_CLOCK_SLACK`]).
pub(crate) fn refunded(
    body: &CancelRequest,
    full: bool,
    started_at: UnixTime,
    payment: Payment,
) -> Result<Payment> {
    let deferred = payment
        .pg_provider
        .as_deref()
        .is_some_and(|pg| DEFERRED_REFUND_PGS.contains(&pg));
    let amount = if full { None } else { body.amount };
    let slack = i64::try_from(DEFAULT_CLOCK_SLACK.as_secs()).unwrap_or(0);
    let since = UnixTime::from_secs(started_at.as_secs().saturating_sub(slack));
    if !deferred || recorded_cancellation(&payment, amount, since).is_some() {
        return Ok(payment);
    }
    let attempted = Attempted {
        operation: "cancel_payment",
        imp_uid: Some(payment.imp_uid.clone()),
        merchant_uid: Some(payment.merchant_uid.clone()),
        merchant_uids: vec![payment.merchant_uid.clone()],
        customer_uid: None,
        amount,
        started_at,
        accepted: true,
    };
    Err(Error::RefundPending {
        attempted: Box::new(attempted),
        payment: Box::new(payment),
    })
}

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
    /// `Ok` means refunded. Some PGs approve a refund after accepting the cancel: a PayPal
    /// (`paypal_v2`) cancel answered without the refund in the payment is
    /// [`Error::RefundPending`]: record the refund as requested, not made, and never send it
    /// again; its outcome comes by webhook or from [`Client::cancellation_outcome`].
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
    ///         // Accepted; the PG (PayPal) approves the refund later. It stays `Sent`:
    ///         // settle it from the webhook or `cancellation_outcome`, never resend.
    ///         Err(e) if e.is_refund_pending() => return Ok(()),
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
    ///
    /// [`Error::RefundPending`] when the server accepted the cancel but the PG approves the
    /// refund later (PayPal, `paypal_v2`): the answer's payment does not record the refund.
    /// Nothing was refunded yet; never cancel again (see [`Error::RefundPending`]).
    pub async fn send(self) -> Result<Payment> {
        let client = self.client;
        let full = self.full;
        let body = self.into_body()?;
        let started_at = client.now();
        let payment = client.call(|| client.api.cancel_payment(&body)).await?;
        refunded(&body, full, started_at, payment)
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
