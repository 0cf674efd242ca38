//! The shipping of escrow payments, registered with the PG.

use crate::{
    Client, Result,
    types::{EscrowShipment, EscrowShippingRequest, EscrowShippingUpdate},
};

impl Client {
    /// Registers the shipping of an escrow payment (`POST /escrows/logis/{imp_uid}`): who sent
    /// the goods, who receives them, the courier and the invoice. Which sender and receiver
    /// fields are needed depends on the PG (see [`EscrowShippingRequest`]); the addresses and
    /// phone numbers are personal data and never appear in `Debug` or errors.
    ///
    /// ```no_run
    /// use iamport::{CourierCompany, UnixTime};
    /// use iamport::types::{EscrowLogis, EscrowReceiver, EscrowSender, EscrowShippingRequest};
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let sender = EscrowSender::default().name("주식회사예시").tel("0215889999")
    ///     .addr("서울특별시 성동구 성수이로 51").postcode("04790");
    /// let receiver = EscrowReceiver::default().name("강하늘").tel("01055556666")
    ///     .addr("부산광역시 해운대구 센텀중앙로 78").postcode("48058");
    /// let logis = EscrowLogis::new(CourierCompany::CjGls, "600012345678", UnixTime::now());
    /// let request = EscrowShippingRequest::new(sender, receiver, logis);
    /// let shipped = client.register_escrow_shipping("imp_448210037761", request).await?;
    /// println!("registered at {}", shipped.applied_at);
    /// # Ok(()) }
    /// ```
    ///
    /// Never sent twice: on [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown) read the
    /// shipping ([`Client::escrow_shipping`]) before registering again.
    ///
    /// # Errors
    /// [`Error::Api`](crate::Error::Api) with status 400 for a payment without escrow or
    /// missing fields, 409 when shipping is registered already;
    /// [`Error::NotFound`](crate::Error::NotFound) for an unknown payment.
    pub async fn register_escrow_shipping(
        &self,
        imp_uid: &str,
        request: EscrowShippingRequest,
    ) -> Result<EscrowShipment> {
        self.call(|| self.api.register_escrow_shipping(imp_uid, &request))
            .await
    }

    /// Replaces the registered shipping of an escrow payment (`PUT /escrows/logis/{imp_uid}`):
    /// a corrected invoice, another courier.
    ///
    /// # Errors
    /// [`Error::Api`](crate::Error::Api) with status 409 when nothing is registered or the PG
    /// no longer allows a change.
    pub async fn update_escrow_shipping(
        &self,
        imp_uid: &str,
        request: EscrowShippingUpdate,
    ) -> Result<EscrowShipment> {
        self.call(|| self.api.update_escrow_shipping(imp_uid, &request))
            .await
    }

    /// The shipping registered for an escrow payment (`GET /escrows/logis/{imp_uid}`).
    ///
    /// # Errors
    /// [`Error::Api`](crate::Error::Api) with status 409 when nothing is registered;
    /// [`Error::NotFound`](crate::Error::NotFound) for an unknown payment.
    pub async fn escrow_shipping(&self, imp_uid: &str) -> Result<EscrowShipment> {
        self.call(|| self.api.get_escrow_shipping(imp_uid)).await
    }
}
