//! Typed stubs for payments, cancels and prepared amounts.

use httpmock::Mock;
use serde_json::json;

use super::{MockIamport, stub::sent};
use crate::{
    CancelPayment, FindPayment, PaymentsRequest, Prepare,
    types::{Payment, PaymentBalance, PreparedPayment},
};

/// The message the API sends with a 404 for an unknown payment.
const NO_PAYMENT: &str = "존재하지 않는 결제정보입니다.";

/// Typed stubs for payments, cancels, prepared amounts and cash receipts.
///
/// Each answers one authenticated request, the one the SDK sends for the arguments given, with
/// the given value in a success envelope, and returns the `httpmock` stub to count its hits
/// (`stub.assert_calls(1)`). A lookup by id takes its answer, whose id names the request; an
/// operation with options or a body takes the call, built exactly as the code under test
/// builds it (never sent), or the request value the client method takes.
impl MockIamport {
    /// Answers `GET /payments/{imp_uid}` (the payment's id, no query) with the payment.
    pub fn payment(&self, payment: &Payment) -> Mock<'_> {
        let expect = sent("payment", self.capturer().payment(&payment.imp_uid));
        self.ok(&expect, payment)
    }

    /// Answers `GET /payments/{imp_uid}/balance` with the balance.
    pub fn payment_balance(&self, imp_uid: &str, balance: &PaymentBalance) -> Mock<'_> {
        let expect = sent("payment_balance", self.capturer().payment_balance(imp_uid));
        self.ok(&expect, balance)
    }

    /// Answers the lookup `call` makes (`GET /payments/find/{merchant_uid}[/{status}]`, with
    /// its `sorting`) with the payment.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> iamport::Result<()> {
    /// use iamport::{PaymentStatus, testing::{MockIamport, payment}};
    ///
    /// let mock = MockIamport::start().await;
    /// let client = mock.client();
    /// let p = payment("imp_1", "order-1", 1000);
    /// let stub = mock.find_payment(client.find_payment("order-1").status(PaymentStatus::Paid), &p);
    /// assert_eq!(client.find_payment("order-1").status(PaymentStatus::Paid).send().await?, p);
    /// // Another request (here, without the status) matches no stub.
    /// assert!(client.find_payment("order-1").send().await.is_err());
    /// stub.assert_calls(1);
    /// # Ok(()) }
    /// ```
    pub fn find_payment(&self, call: FindPayment<'_>, payment: &Payment) -> Mock<'_> {
        self.ok(&sent("find_payment", call.send()), payment)
    }

    /// Answers the batch lookup `call` makes (`GET /payments` with its `imp_uid[]` and
    /// `merchant_uid[]`) with the payments of `found`, as the server does: 200 when every id
    /// asked for is among them, 207 when only some are (the client then reports the others in
    /// [`PaymentBatch::missing`](crate::PaymentBatch::missing)), and 404 when none is.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> iamport::Result<()> {
    /// use iamport::{MissingId, testing::{MockIamport, payment}};
    ///
    /// let mock = MockIamport::start().await;
    /// let client = mock.client();
    /// let stub = mock.payments(
    ///     client.payments().imp_uids(["imp_1", "imp_2"]),
    ///     &[payment("imp_1", "order-1", 1000)],
    /// );
    /// let batch = client.payments().imp_uids(["imp_1", "imp_2"]).send().await?;
    /// assert_eq!(batch.payments.len(), 1);
    /// assert_eq!(batch.missing, [MissingId::ImpUid("imp_2".into())]);
    /// stub.assert_calls(1);
    /// # Ok(()) }
    /// ```
    pub fn payments(&self, call: PaymentsRequest<'_>, found: &[Payment]) -> Mock<'_> {
        let expect = sent("payments", call.clone().send());
        let all = call
            .imp_uids
            .iter()
            .all(|id| found.iter().any(|p| &p.imp_uid == id))
            && call
                .merchant_uids
                .iter()
                .all(|id| found.iter().any(|p| &p.merchant_uid == id));
        self.batch(&expect, found, all, NO_PAYMENT)
    }

    /// Answers the cancel `call` sends (`POST /payments/cancel`) with the payment as it is
    /// after the cancel ([`after_cancel`](super::after_cancel) makes one).
    ///
    /// The stub matches the whole body the call sends: the payment's id, `amount`, `checksum`,
    /// `reason` and every other setting, and no other key. A refund of another amount, or one
    /// without the checksum, matches no stub and fails, so a test of refund code cannot pass
    /// while the code sends the wrong refund.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> iamport::Result<()> {
    /// use iamport::testing::{MockIamport, after_cancel, payment};
    ///
    /// let mock = MockIamport::start().await;
    /// let client = mock.client();
    /// let paid = payment("imp_1", "order-1", 15000);
    /// let refund = mock.cancel(
    ///     client.cancel_payment().imp_uid("imp_1").amount(5000).checksum(15000).reason("size"),
    ///     &after_cancel(&paid, 5000, "size"),
    /// );
    ///
    /// // The code under test forgets the checksum: no stub matches, the call fails.
    /// let wrong = client.cancel_payment().imp_uid("imp_1").amount(5000).reason("size");
    /// let err = wrong.send().await.unwrap_err();
    /// assert!(err.to_string().contains("no stub for POST /payments/cancel"), "{err}");
    ///
    /// let after = client
    ///     .cancel_payment()
    ///     .imp_uid("imp_1")
    ///     .amount(5000)
    ///     .checksum(15000)
    ///     .reason("size")
    ///     .send()
    ///     .await?;
    /// assert_eq!(after.cancellable_amount(), Some(iamport::Amount::from(10000)));
    /// refund.assert_calls(1);
    /// # Ok(()) }
    /// ```
    ///
    /// # Panics
    /// When the call would not be sent (no payment named, an amount over the checksum, ...):
    /// `send` would fail before any request.
    pub fn cancel(&self, call: CancelPayment<'_>, after: &Payment) -> Mock<'_> {
        self.ok(&sent("cancel", call.send()), after)
    }

    /// Answers **any** cancel of the payment's `imp_uid` (`POST /payments/cancel`), whatever
    /// its amount, checksum and reason, with the payment as given.
    ///
    /// Loose: a test using it passes whatever refund the code sends. Prefer
    /// [`MockIamport::cancel`], which matches the whole request.
    pub fn cancel_loose(&self, after: &Payment) -> Mock<'_> {
        let partial = json!({"imp_uid": after.imp_uid});
        self.server().mock(|when, then| {
            when.method("POST")
                .path("/payments/cancel")
                .header("authorization", format!("Bearer {}", Self::TOKEN))
                .json_body_includes(partial.to_string());
            then.status(200)
                .header("content-type", "application/json; charset=UTF-8")
                .json_body(super::mock::envelope(after));
        })
    }

    /// Answers the registration `call` sends (`POST /payments/prepare` for
    /// [`Client::prepare_payment`](crate::Client::prepare_payment), `PUT` for
    /// [`Client::update_prepared_payment`](crate::Client::update_prepared_payment)), its
    /// order id, amount and currency, with `prepared`.
    pub fn prepare(&self, call: Prepare<'_>, prepared: &PreparedPayment) -> Mock<'_> {
        self.ok(&sent("prepare", call.send()), prepared)
    }

    /// Answers `GET /payments/prepare/{merchant_uid}` (its order id) with `prepared`.
    pub fn prepared_payment(&self, prepared: &PreparedPayment) -> Mock<'_> {
        let call = self.capturer().prepared_payment(&prepared.merchant_uid);
        self.ok(&sent("prepared_payment", call), prepared)
    }
}
