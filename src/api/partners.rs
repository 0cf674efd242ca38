//! Sales slips per sub-merchant, for platforms that take one payment for several sellers.

use crate::{
    Client, Result,
    types::{PartnerReceiptsRequest, PartnerReceiptsResult},
};

impl Client {
    /// Splits a platform payment into a sales slip per sub-merchant
    /// (`POST /partners/receipts/{imp_uid}`, KG Inicis) and returns where they are shown.
    ///
    /// ```no_run
    /// use iamport::types::{PartnerReceipt, PartnerReceiptsRequest};
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let request = PartnerReceiptsRequest::new(vec![
    ///     PartnerReceipt::new("123-45-67890", "예시상점 강남", 30000),
    ///     PartnerReceipt::new("220-81-12345", "예시상점 판교", 20000).tax_free(5000),
    /// ]);
    /// let slips = client.issue_partner_receipts("imp_330291004417", request).await?;
    /// println!("{:?}", slips.receipt_url);
    /// # Ok(()) }
    /// ```
    ///
    /// Never sent twice: on [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown) check the
    /// slips with the PG before issuing again.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) (nothing is sent) for no entry, a
    /// business number not in the `123-45-67890` form or an amount not above zero;
    /// [`Error::Api`](crate::Error::Api) with status 501 for a PG without such slips.
    pub async fn issue_partner_receipts(
        &self,
        imp_uid: &str,
        request: PartnerReceiptsRequest,
    ) -> Result<PartnerReceiptsResult> {
        self.call(|| self.api.issue_partner_receipts(imp_uid, &request))
            .await
    }
}
