//! Benepia: the point balance of a Benepia member and payments with the points. Reached
//! through [`Client::benepia`].

use super::payments::paid;
use crate::{
    Amount, Client, Result, Secret,
    types::{BenepiaPaymentRequest, BenepiaPointRequest, Payment},
};

/// The Benepia operations, from [`Client::benepia`]. They need a Benepia channel set up in
/// the i'mport console. The member's password is a [`Secret`]: it never appears in `Debug`,
/// errors or logs.
#[derive(Debug, Clone, Copy)]
pub struct Benepia<'a> {
    client: &'a Client,
}

impl Client {
    /// The Benepia operations.
    pub fn benepia(&self) -> Benepia<'_> {
        Benepia { client: self }
    }
}

impl Benepia<'_> {
    /// The point balance of a Benepia member (`POST /benepia/point`).
    ///
    /// ```no_run
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let points = client.benepia().point("bene-user", "bene-password", "channel-key-bene").await?;
    /// println!("{points} points");
    /// # Ok(()) }
    /// ```
    pub async fn point(
        &self,
        user: impl Into<String>,
        password: impl Into<Secret>,
        channel_key: impl Into<String>,
    ) -> Result<Amount> {
        let request = BenepiaPointRequest::new(user, password, channel_key);
        let c = self.client;
        c.call(|| c.api.get_benepia_point(&request))
            .await
            .map(|p| p.point)
    }

    /// Pays an order with a member's points (`POST /benepia/payment`).
    ///
    /// **Moves money; never sent twice.** `Ok` only when the payment is paid. On
    /// [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown) look the order up by its
    /// `merchant_uid` ([`Client::find_payment`]) before paying again.
    pub async fn pay(&self, request: BenepiaPaymentRequest) -> Result<Payment> {
        let c = self.client;
        paid(
            "pay_benepia_point",
            c.call(|| c.api.pay_benepia_point(&request)).await,
        )
    }
}
