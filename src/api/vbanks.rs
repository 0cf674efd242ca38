//! Virtual accounts issued from the server, changed and revoked while unpaid.

use crate::{
    Client, Error, Result, input,
    types::{Payment, VbankRequest, VbankUpdateRequest},
};

impl Client {
    /// Issues a virtual account for an order (`POST /vbanks`) and returns its payment,
    /// `ready` with the account (`vbank_num`, `vbank_name`, `vbank_date`) until the buyer pays
    /// into it; the payment turns `paid` then, and the webhook is called.
    ///
    /// Needs a PG contract for accounts issued from the server; without one the server
    /// refuses ([`Error::Api`]).
    ///
    /// **Never sent twice.** When the answer is lost after the request may have arrived, the
    /// error is [`Error::OutcomeUnknown`], whose [`Error::attempted`] names the order: look it
    /// up with [`Client::find_payment`] before asking for an account again.
    ///
    /// ```no_run
    /// use iamport::{UnixTime, types::VbankRequest};
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let due = UnixTime::from_secs(UnixTime::now().as_secs() + 3 * 86_400);
    /// let request = VbankRequest::new("channel-key-5b8a13f0", "deposit-4411", 35000, "088", due)
    ///     .vbank_holder("주식회사예시")
    ///     .name("가구 주문 4411");
    /// let payment = client.issue_vbank(request).await?;
    /// println!("pay {} into {:?} at {:?}", payment.amount, payment.vbank_num, payment.vbank_name);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (nothing is sent) for a malformed id, an amount not above zero
    /// or a due time not in the future; [`Error::OutcomeUnknown`]; [`Error::Api`] when the
    /// server refuses (no contract, the order paid already).
    pub async fn issue_vbank(&self, request: VbankRequest) -> Result<Payment> {
        input::future("vbank_due", request.vbank_due, self.now())?;
        self.call(|| self.api.issue_vbank(&request)).await
    }

    /// Changes the amount or the due time of an unpaid virtual account
    /// (`PUT /vbanks/{imp_uid}`; only some PGs allow it, Settlebank among them) and returns
    /// the payment.
    ///
    /// Never sent twice: on [`Error::OutcomeUnknown`] look the payment up
    /// ([`Client::payment`]) before changing it again.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (nothing is sent) for a request that changes nothing, an amount
    /// not above zero or a due time not in the future; [`Error::Api`] (400) for a payment that
    /// is not an unpaid virtual account; [`Error::NotFound`] for an unknown id.
    pub async fn update_vbank(
        &self,
        imp_uid: &str,
        request: VbankUpdateRequest,
    ) -> Result<Payment> {
        if request.amount.is_none() && request.vbank_due.is_none() {
            return Err(Error::invalid(
                "request",
                "give a new amount, a new due time, or both",
            ));
        }
        if let Some(due) = request.vbank_due {
            input::future("vbank_due", due, self.now())?;
        }
        self.call(|| self.api.update_vbank(imp_uid, &request)).await
    }

    /// Revokes an unpaid virtual account (`DELETE /vbanks/{imp_uid}`) and returns the payment.
    ///
    /// An account the buyer paid into already cannot be revoked: that refusal is
    /// [`Error::AlreadyPaid`], with the payment; refund it with [`Client::cancel_payment`]
    /// instead. Never sent twice: on [`Error::OutcomeUnknown`] look the payment up before
    /// revoking again.
    ///
    /// ```no_run
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// match client.revoke_vbank("imp_771020348815").await {
    ///     Ok(payment) => println!("revoked; status {}", payment.status),
    ///     Err(e) if e.is_already_paid() => println!("paid in the meantime: refund it instead"),
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::AlreadyPaid`]; [`Error::Api`] (400) for a payment that is not a virtual
    /// account; [`Error::NotFound`] for an unknown id; [`Error::OutcomeUnknown`].
    pub async fn revoke_vbank(&self, imp_uid: &str) -> Result<Payment> {
        let answer = self.call(|| self.api.revoke_vbank(imp_uid)).await;
        self.revoked(imp_uid, answer).await
    }
}
