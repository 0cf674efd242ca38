//! Cash receipts, for payments made through i'mport and elsewhere.

use crate::{
    Client, Result,
    types::{ExternalReceipt, ExternalReceiptRequest, Receipt, ReceiptRequest},
};

impl Client {
    /// The cash receipt of a payment (`GET /receipts/{imp_uid}`).
    ///
    /// # Errors
    /// [`Error::NotFound`](crate::Error::NotFound) when the payment has no receipt.
    pub async fn receipt(&self, imp_uid: &str) -> Result<Receipt> {
        self.call(|| self.api.get_receipt(imp_uid)).await
    }

    /// Issues a cash receipt for a paid payment (`POST /receipts/{imp_uid}`).
    ///
    /// ```no_run
    /// use iamport::{IdentifierType, types::ReceiptRequest};
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let request = ReceiptRequest::new("01012345678")
    ///     .identifier_type(IdentifierType::Phone)
    ///     .buyer_email("buyer@example.com");
    /// let receipt = client.issue_receipt("imp_448280090638", request).await?;
    /// println!("approval {:?}", receipt.apply_num);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for a malformed id, an empty identifier or a negative amount
    /// (nothing is sent); [`Error::Api`](crate::Error::Api) when the server refuses (already issued, say).
    pub async fn issue_receipt(&self, imp_uid: &str, request: ReceiptRequest) -> Result<Receipt> {
        self.call(|| self.api.issue_receipt(imp_uid, &request))
            .await
    }

    /// Revokes the cash receipt of a payment (`DELETE /receipts/{imp_uid}`).
    pub async fn revoke_receipt(&self, imp_uid: &str) -> Result<Receipt> {
        self.call(|| self.api.revoke_receipt(imp_uid)).await
    }

    /// A cash receipt for a payment made elsewhere (`GET /receipts/external/{merchant_uid}`).
    pub async fn external_receipt(&self, merchant_uid: &str) -> Result<ExternalReceipt> {
        self.call(|| self.api.get_external_receipt(merchant_uid))
            .await
    }

    /// Issues a cash receipt for a cash payment that i'mport did not process
    /// (`POST /receipts/external/{merchant_uid}`).
    ///
    /// ```no_run
    /// use iamport::{IdentifierType, types::ExternalReceiptRequest};
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let request = ExternalReceiptRequest::new("channel-key-1", "Coffee beans", 15000, "01012345678")
    ///     .identifier_type(IdentifierType::Phone);
    /// let receipt = client.issue_external_receipt("order-1", request).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for a malformed order id, an empty channel key, name or
    /// identifier, or an amount not above zero (nothing is sent).
    pub async fn issue_external_receipt(
        &self,
        merchant_uid: &str,
        request: ExternalReceiptRequest,
    ) -> Result<ExternalReceipt> {
        self.call(|| self.api.issue_external_receipt(merchant_uid, &request))
            .await
    }

    /// Revokes an external cash receipt (`DELETE /receipts/external/{merchant_uid}`).
    pub async fn revoke_external_receipt(&self, merchant_uid: &str) -> Result<ExternalReceipt> {
        self.call(|| self.api.revoke_external_receipt(merchant_uid))
            .await
    }
}
