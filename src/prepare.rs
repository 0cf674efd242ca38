//! Pre-registration of the amount an order's payment must have.

use crate::{
    Amount, Client, Currency, PreparedPayment, Result, envelope::run, generated::types, validate,
};

impl Client {
    /// Registers the amount a payment for `merchant_uid` must have (`POST /payments/prepare`);
    /// a payment request with another amount is then refused before it reaches the PG.
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
        validate::merchant_uid(merchant_uid)?;
        Ok(run(
            false,
            self.api
                .get_prepared_payment()
                .merchant_uid(merchant_uid)
                .send(),
        )
        .await?
        .1)
    }
}

/// Builder for [`Client::prepare_payment`] and [`Client::update_prepared_payment`].
#[derive(Debug, Clone)]
#[must_use = "call .send() to make the request"]
pub struct Prepare<'c> {
    client: &'c Client,
    update: bool,
    merchant_uid: String,
    amount: Amount,
    currency: Option<Currency>,
}

impl<'c> Prepare<'c> {
    fn new(client: &'c Client, update: bool, merchant_uid: String, amount: Amount) -> Self {
        Prepare {
            client,
            update,
            merchant_uid,
            amount,
            currency: None,
        }
    }

    /// Also require this currency.
    pub fn currency(mut self, currency: Currency) -> Self {
        self.currency = Some(currency);
        self
    }

    /// Sends the request.
    ///
    /// # Errors
    /// [`crate::Error::InvalidInput`] for a malformed order id or a negative amount.
    pub async fn send(self) -> Result<PreparedPayment> {
        validate::merchant_uid(&self.merchant_uid)?;
        if self.amount.is_negative() {
            return Err(crate::Error::invalid("amount", "must not be negative"));
        }
        let body = types::PrepareRequest {
            amount: self.amount,
            currency: self.currency,
            merchant_uid: validate::convert("merchant_uid", self.merchant_uid.as_str())?,
        };
        let result = if self.update {
            run(
                false,
                self.client.api.update_prepared_payment().body(body).send(),
            )
            .await
        } else {
            run(false, self.client.api.prepare_payment().body(body).send()).await
        };
        Ok(result?.1)
    }
}
