//! Paymentwall: delivery reports of the goods of a payment. Reached through
//! [`Client::paymentwall`].

use crate::{
    Client, Error, Result,
    types::{PaymentwallDelivery, PaymentwallDeliveryRequest},
};

/// The Paymentwall operations, from [`Client::paymentwall`]. They need a Paymentwall channel
/// set up in the i'mport console.
#[derive(Debug, Clone, Copy)]
pub struct Paymentwall<'a> {
    client: &'a Client,
}

impl Client {
    /// The Paymentwall operations.
    pub fn paymentwall(&self) -> Paymentwall<'_> {
        Paymentwall { client: self }
    }
}

impl Paymentwall<'_> {
    /// Reports the delivery of a payment's goods to Paymentwall (`POST /paymentwall/delivery`),
    /// which it needs before it settles the payment.
    ///
    /// Paymentwall's own refusal comes inside a `code` 0 answer (its `error_code`, `error` and
    /// `notices`); it is returned as [`Error::PgRejected`], so an `Ok` is a delivery
    /// Paymentwall took.
    pub async fn register_delivery(
        &self,
        request: PaymentwallDeliveryRequest,
    ) -> Result<PaymentwallDelivery> {
        let c = self.client;
        let answer = c
            .call(|| c.api.register_paymentwall_delivery(&request))
            .await?;
        if answer.error_code.is_some() || answer.error.is_some() {
            return Err(Error::PgRejected {
                code: answer.error_code.unwrap_or(-1),
                message: answer.error.clone(),
                answer: Box::new(serde_json::to_value(&answer).unwrap_or_default()),
            });
        }
        Ok(answer)
    }
}
