//! Pre-registration of the amount an order's payment must have.

use crate::{
    Amount, Client, Currency, Result,
    types::{PrepareRequest, PreparedPayment},
};

impl Client {
    /// Registers the amount a payment for `merchant_uid` must have (`POST /payments/prepare`);
    /// a payment request with another amount is then refused before it reaches the PG.
    ///
    /// This is the other half of i'mport's tamper protection, beside checking the paid payment
    /// on the server ([`Client::verify_payment`]).
    pub fn prepare_payment(
        &self,
        merchant_uid: impl Into<String>,
        amount: impl Into<Amount>,
    ) -> Prepare<'_> {
        Prepare::new(self, false, merchant_uid.into(), amount.into())
    }

    /// Replaces the amount registered for `merchant_uid` (`PUT /payments/prepare`).
    pub fn update_prepared_payment(
        &self,
        merchant_uid: impl Into<String>,
        amount: impl Into<Amount>,
    ) -> Prepare<'_> {
        Prepare::new(self, true, merchant_uid.into(), amount.into())
    }

    /// What was registered for `merchant_uid` (`GET /payments/prepare/{merchant_uid}`).
    ///
    /// # Errors
    /// [`crate::Error::NotFound`] when nothing was registered.
    pub async fn prepared_payment(&self, merchant_uid: &str) -> Result<PreparedPayment> {
        self.call(|| self.api.get_prepared_payment(merchant_uid))
            .await
    }
}

/// Builder for [`Client::prepare_payment`] and [`Client::update_prepared_payment`].
#[derive(Debug, Clone)]
#[must_use = "call .send() to make the request"]
pub struct Prepare<'c> {
    client: &'c Client,
    pub(crate) update: bool,
    pub(crate) body: PrepareRequest,
}

impl<'c> Prepare<'c> {
    fn new(client: &'c Client, update: bool, merchant_uid: String, amount: Amount) -> Self {
        let body = PrepareRequest::new(merchant_uid, amount);
        Prepare {
            client,
            update,
            body,
        }
    }

    /// Also require this currency.
    pub fn currency(mut self, currency: Currency) -> Self {
        self.body.currency = Some(currency);
        self
    }

    /// Sends the request.
    ///
    /// # Errors
    /// [`crate::Error::InvalidInput`] for a malformed order id or an amount not above zero.
    pub async fn send(self) -> Result<PreparedPayment> {
        let api = &self.client.api;
        if self.update {
            self.client
                .call(|| api.update_prepared_payment(&self.body))
                .await
        } else {
            self.client.call(|| api.prepare_payment(&self.body)).await
        }
    }
}
