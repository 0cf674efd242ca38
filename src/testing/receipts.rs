//! Typed stubs for cash receipts (feature `receipts`).

use httpmock::Mock;

use super::{MockIamport, stub::sent};
use crate::types::{ExternalReceipt, ExternalReceiptRequest, Receipt, ReceiptRequest};

/// Typed stubs for cash receipts, for payments made through i'mport or elsewhere. Each answers
/// the one request the client sends for the receipt's id (and request), as the payment stubs
/// do.
impl MockIamport {
    /// Answers `GET /receipts/{imp_uid}` (the receipt's payment) with the receipt.
    pub fn receipt(&self, receipt: &Receipt) -> Mock<'_> {
        let expect = sent("receipt", self.capturer().receipt(&receipt.imp_uid));
        self.ok(&expect, receipt)
    }

    /// Answers `POST /receipts/{imp_uid}` (the receipt's payment) carrying exactly `request`
    /// with the receipt.
    pub fn issue_receipt(&self, request: &ReceiptRequest, receipt: &Receipt) -> Mock<'_> {
        let call = self
            .capturer()
            .issue_receipt(&receipt.imp_uid, request.clone());
        self.ok(&sent("issue_receipt", call), receipt)
    }

    /// Answers `DELETE /receipts/{imp_uid}` (the receipt's payment) with the receipt as given
    /// (set its `cancelled_at`).
    pub fn revoke_receipt(&self, receipt: &Receipt) -> Mock<'_> {
        let call = self.capturer().revoke_receipt(&receipt.imp_uid);
        self.ok(&sent("revoke_receipt", call), receipt)
    }

    /// Answers `GET /receipts/external/{merchant_uid}` (the receipt's order) with the receipt.
    pub fn external_receipt(&self, receipt: &ExternalReceipt) -> Mock<'_> {
        let call = self.capturer().external_receipt(&receipt.merchant_uid);
        self.ok(&sent("external_receipt", call), receipt)
    }

    /// Answers `POST /receipts/external/{merchant_uid}` (the receipt's order) carrying exactly
    /// `request` with the receipt.
    pub fn issue_external_receipt(
        &self,
        request: &ExternalReceiptRequest,
        receipt: &ExternalReceipt,
    ) -> Mock<'_> {
        let call = self
            .capturer()
            .issue_external_receipt(&receipt.merchant_uid, request.clone());
        self.ok(&sent("issue_external_receipt", call), receipt)
    }

    /// Answers `DELETE /receipts/external/{merchant_uid}` (the receipt's order) with the
    /// receipt as given.
    pub fn revoke_external_receipt(&self, receipt: &ExternalReceipt) -> Mock<'_> {
        let call = self
            .capturer()
            .revoke_external_receipt(&receipt.merchant_uid);
        self.ok(&sent("revoke_external_receipt", call), receipt)
    }
}
