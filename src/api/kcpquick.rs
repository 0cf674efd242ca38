//! KCP quick pay: charges of a member's prepaid money or automatic-payment key, the
//! registration of prepaid-money transactions, and the member's keys. Reached through
//! [`Client::kcp_quick`].

use super::payments::paid;
use crate::{
    Client, Result,
    types::{
        KcpQuickAutopayKey, KcpQuickAutopayRequest, KcpQuickFidoRelease,
        KcpQuickFidoReleaseRequest, KcpQuickMember, KcpQuickMoneyRequest, KcpQuickPrepareRequest,
        Payment,
    },
};

/// The KCP quick pay operations, from [`Client::kcp_quick`]. They need a KCP quick pay
/// channel set up in the i'mport console (its `channel_key`), and members registered with
/// KCP quick pay.
#[derive(Debug, Clone, Copy)]
pub struct KcpQuick<'a> {
    client: &'a Client,
}

impl Client {
    /// The KCP quick pay operations: charges of prepaid money and automatic-payment keys, and
    /// the members' keys.
    pub fn kcp_quick(&self) -> KcpQuick<'_> {
        KcpQuick { client: self }
    }
}

impl KcpQuick<'_> {
    /// Charges a member's prepaid money (`POST /kcpquick/payment/money`).
    ///
    /// **Moves money; never sent twice.** `Ok` only when the payment is paid: a charge the
    /// server answers with a `failed` payment is [`Error::Declined`](crate::Error::Declined).
    /// On [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown) look the order up by its
    /// `merchant_uid` ([`Client::find_payment`]) before charging again.
    ///
    /// ```no_run
    /// use iamport::types::KcpQuickMoneyRequest;
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let charge = KcpQuickMoneyRequest::new("member-77", "channel-key-kcpq", "order-9", "Coffee", 4500, "imp_1");
    /// let paid = client.kcp_quick().pay_with_money(charge).await?;
    /// println!("paid {}", paid.amount);
    /// # Ok(()) }
    /// ```
    pub async fn pay_with_money(&self, request: KcpQuickMoneyRequest) -> Result<Payment> {
        let c = self.client;
        paid(
            "pay_kcpquick_money",
            c.call(|| c.api.pay_kcpquick_money(&request)).await,
        )
    }

    /// Charges a member's automatic-payment key without the buyer
    /// (`POST /kcpquick/payment/autopay`). The rules of
    /// [`pay_with_money`](Self::pay_with_money): `Ok` only when paid, never sent twice.
    pub async fn pay_with_autopay_key(&self, request: KcpQuickAutopayRequest) -> Result<Payment> {
        let c = self.client;
        paid(
            "pay_kcpquick_autopay",
            c.call(|| c.api.pay_kcpquick_autopay(&request)).await,
        )
    }

    /// Registers a prepaid-money transaction under `merchant_uid`
    /// (`POST /kcpquick/prepare/{merchant_uid}`). A second registration of the same id is
    /// refused (409): after a lost answer, that refusal says the first one arrived.
    pub async fn prepare(&self, merchant_uid: &str, request: KcpQuickPrepareRequest) -> Result<()> {
        let c = self.client;
        c.call(|| c.api.prepare_kcpquick_payment(merchant_uid, &request))
            .await
            .map(drop)
    }

    /// Changes a registered prepaid-money transaction
    /// (`PUT /kcpquick/prepare/{merchant_uid}`).
    pub async fn update_prepared(
        &self,
        merchant_uid: &str,
        request: KcpQuickPrepareRequest,
    ) -> Result<()> {
        let c = self.client;
        c.call(|| {
            c.api
                .update_kcpquick_prepared_payment(merchant_uid, &request)
        })
        .await
        .map(drop)
    }

    /// Turns off a member's biometric (FIDO) login
    /// (`POST /kcpquick/members/{member_id}/fido/release`).
    pub async fn release_fido(
        &self,
        member_id: &str,
        channel_key: impl Into<String>,
    ) -> Result<KcpQuickFidoRelease> {
        let request = KcpQuickFidoReleaseRequest::new(channel_key);
        let c = self.client;
        c.call(|| c.api.release_kcpquick_fido(member_id, &request))
            .await
    }

    /// Deletes a member of the site `site_code` (`DELETE /kcpquick/members/{member_id}`) and
    /// returns the member as it was.
    pub async fn delete_member(
        &self,
        member_id: &str,
        site_code: &str,
        partner_type: &str,
        partner_subtype: &str,
    ) -> Result<KcpQuickMember> {
        let c = self.client;
        c.call(|| {
            c.api
                .delete_kcpquick_member(member_id, partner_subtype, partner_type, site_code)
        })
        .await
    }

    /// Deletes an automatic-payment key (`DELETE /kcpquick/autopay/{customer_uid}`).
    pub async fn delete_autopay_key(&self, customer_uid: &str) -> Result<KcpQuickAutopayKey> {
        let c = self.client;
        c.call(|| c.api.delete_kcpquick_autopay_key(customer_uid))
            .await
    }
}
