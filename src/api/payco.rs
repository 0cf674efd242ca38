//! PAYCO: the status of an order, as the merchant reports it. Reached through
//! [`Client::payco`].

use crate::{Client, PaycoChangedStatus, PaycoOrderStatus, Result, types::PaycoStatusRequest};

/// The PAYCO operations, from [`Client::payco`]. They need a PAYCO channel set up in the
/// i'mport console.
#[derive(Debug, Clone, Copy)]
pub struct Payco<'a> {
    client: &'a Client,
}

impl Client {
    /// The PAYCO operations.
    pub fn payco(&self) -> Payco<'_> {
        Payco { client: self }
    }
}

impl Payco<'_> {
    /// Reports a new status of a PAYCO order (`POST /payco/orders/status/{imp_uid}`): shipping
    /// started, purchase decided, or cancelled, and returns the status PAYCO now has.
    ///
    /// Never sent twice. Whether `Canceled` also refunds the buyer is not documented: read the
    /// payment back ([`Client::payment`]) afterwards, and on
    /// [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown) before reporting again.
    ///
    /// ```no_run
    /// use iamport::PaycoOrderStatus;
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let now = client.payco().update_order_status("imp_1", PaycoOrderStatus::DeliveryStart).await?;
    /// println!("PAYCO says {now}");
    /// # Ok(()) }
    /// ```
    pub async fn update_order_status(
        &self,
        imp_uid: &str,
        status: PaycoOrderStatus,
    ) -> Result<PaycoChangedStatus> {
        let request = PaycoStatusRequest::new(status);
        let c = self.client;
        c.call(|| c.api.update_payco_order_status(imp_uid, &request))
            .await
            .map(|s| s.status)
    }
}
