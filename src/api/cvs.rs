//! Convenience-store payment numbers (Galaxia Communications), issued and revoked from the
//! server: the virtual accounts' rules.

use crate::{
    Client, Result, input,
    types::{CvsRequest, Payment},
};

impl Client {
    /// Issues a convenience-store payment number for an order (`POST /cvs`), or registers
    /// the merchant's own (`barcode`), and returns its payment, `ready` until the buyer pays
    /// at a store.
    ///
    /// **Never sent twice.** When the answer is lost after the request may have arrived, the
    /// error is [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown), whose
    /// [`attempted`](crate::Error::attempted) names the order: look it up with
    /// [`Client::find_payment`] before asking for a number again.
    ///
    /// ```no_run
    /// use iamport::types::CvsRequest;
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let request = CvsRequest::new("channel-key-3e6f0b21", "cvs-2024-0519-77", 18000).name("도서 3권");
    /// let payment = client.issue_cvs_payment(request).await?;
    /// println!("{} waits for {}", payment.merchant_uid, payment.amount);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) (nothing is sent) for a malformed
    /// id, an amount not above zero or an expiry not in the future;
    /// [`Error::Api`](crate::Error::Api) when the server refuses (the order paid already).
    pub async fn issue_cvs_payment(&self, request: CvsRequest) -> Result<Payment> {
        if let Some(at) = request.expired_at {
            input::future("expired_at", at, self.now())?;
        }
        self.call(|| self.api.issue_cvs_payment(&request)).await
    }

    /// Revokes an unpaid convenience-store payment number (`DELETE /cvs/{imp_uid}`) and
    /// returns the payment.
    ///
    /// A number paid already cannot be revoked: that refusal is
    /// [`Error::AlreadyPaid`](crate::Error::AlreadyPaid); refund the payment with
    /// [`Client::cancel_payment`] instead. Never sent twice.
    pub async fn revoke_cvs_payment(&self, imp_uid: &str) -> Result<Payment> {
        let answer = self.call(|| self.api.revoke_cvs_payment(imp_uid)).await;
        self.revoked(imp_uid, answer).await
    }
}
