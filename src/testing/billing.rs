//! Typed stubs and example payloads for billing keys, charges and schedules.

use httpmock::Mock;

use super::{
    MockIamport,
    fixtures::{recorded_payment, template},
    stub::sent,
};
use crate::{
    Amount, BillingKey, DeleteBillingKey, Payment, PaymentStatus, Schedule, ScheduleStatus,
    UnixTime,
    types::{
        BillingKeyRequest, ChargeBillingKeyRequest, ChargeOnetimeRequest, ScheduleRequest,
        StandardBillingKey, SuperBillingKey, UnscheduleRequest,
    },
};

/// Typed stubs for billing keys, charges and schedules. Like the others, each answers the one
/// authenticated request the SDK sends for the arguments given (the request value the client
/// method takes, or the call's builder) and returns the `httpmock` stub, to assert how often
/// it was hit. Listings of a key's payments and of schedules are stubbed with
/// [`MockIamport::page`] and [`MockIamport::listing`].
///
/// ```
/// use iamport::testing::{MockIamport, billing_key, charged_payment};
/// use iamport::types::ChargeBillingKeyRequest;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let mock = MockIamport::start().await;
/// let key = mock.billing_key(&billing_key("member-1-card-1"));
/// let request = ChargeBillingKeyRequest::new("member-1-card-1", "order-1", 9900, "Monthly plan");
/// let charge = mock.charge_billing_key(
///     &request,
///     &charged_payment("imps_1", "order-1", "member-1-card-1", 9900),
/// );
///
/// let client = mock.client();
/// assert!(client.billing_key("member-1-card-1").await.is_ok());
/// assert!(client.charge_billing_key(request.clone()).await.unwrap().is_paid());
/// // The same charge of another amount matches no stub.
/// let other = ChargeBillingKeyRequest::new("member-1-card-1", "order-1", 100, "Monthly plan");
/// assert!(client.charge_billing_key(other).await.is_err());
/// key.assert_calls(1);
/// charge.assert_calls(1);
/// # }
/// ```
impl MockIamport {
    /// Answers `GET /subscribe/customers/{customer_uid}` (the key's id) with the key.
    pub fn billing_key(&self, key: &BillingKey) -> Mock<'_> {
        let expect = sent(
            "billing_key",
            self.capturer().billing_key(key.customer_uid()),
        );
        self.ok(&expect, key)
    }

    /// Answers the batch lookup `GET /subscribe/customers` with exactly these
    /// `customer_uid[]`, as the server does: the keys of `found`, with 200 when every id is
    /// among them, 207 when only some are, and 404 when none is (the client then gives every
    /// id as missing).
    pub fn billing_keys<I, S>(&self, customer_uids: I, found: &[BillingKey]) -> Mock<'_>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let ids: Vec<String> = customer_uids.into_iter().map(Into::into).collect();
        let expect = sent("billing_keys", self.capturer().billing_keys(ids.clone()));
        let all = ids
            .iter()
            .all(|id| found.iter().any(|k| k.customer_uid() == id));
        let message = "요청하신 customer_uid로 등록된 정보를 찾을 수 없습니다.";
        self.batch(&expect, found, all, message)
    }

    /// Answers `POST /subscribe/customers/{customer_uid}` (the key's id) carrying exactly
    /// `request` (the card data included) with the key.
    pub fn issue_billing_key(&self, request: &BillingKeyRequest, key: &BillingKey) -> Mock<'_> {
        let call = self
            .capturer()
            .issue_billing_key(key.customer_uid(), request.clone());
        self.ok(&sent("issue_billing_key", call), key)
    }

    /// Answers the deletion `call` sends (`DELETE /subscribe/customers/{customer_uid}`, with
    /// its `reason` and requester) with the key as it was.
    pub fn delete_billing_key(&self, call: DeleteBillingKey<'_>, key: &BillingKey) -> Mock<'_> {
        self.ok(&sent("delete_billing_key", call.send()), key)
    }

    /// Answers `POST /subscribe/payments/again` carrying exactly `request` with the payment
    /// (paid, or failed for a declined card: [`declined_payment`]).
    pub fn charge_billing_key(
        &self,
        request: &ChargeBillingKeyRequest,
        payment: &Payment,
    ) -> Mock<'_> {
        let call = self.capturer().charge_billing_key(request.clone());
        self.ok(&sent("charge_billing_key", call), payment)
    }

    /// Answers `POST /subscribe/payments/onetime` carrying exactly `request` (the card data
    /// included) with the payment.
    pub fn charge_onetime(&self, request: &ChargeOnetimeRequest, payment: &Payment) -> Mock<'_> {
        let call = self.capturer().charge_onetime(request.clone());
        self.ok(&sent("charge_onetime", call), payment)
    }

    /// Answers `POST /subscribe/payments/schedule` carrying exactly `request` with the
    /// schedules, as the server answers a request that schedules them.
    pub fn schedule_payments(&self, request: &ScheduleRequest, schedules: &[Schedule]) -> Mock<'_> {
        let call = self.capturer().schedule_payments(request.clone());
        self.ok(&sent("schedule_payments", call), schedules)
    }

    /// Answers `POST /subscribe/payments/unschedule` carrying exactly `request` with the
    /// schedules as revoked now.
    pub fn unschedule_payments(
        &self,
        request: &UnscheduleRequest,
        schedules: &[Schedule],
    ) -> Mock<'_> {
        let now = UnixTime::now();
        let revoked: Vec<Schedule> = schedules
            .iter()
            .cloned()
            .map(|mut s| {
                s.schedule_status = ScheduleStatus::Revoked;
                s.revoked_at = Some(now);
                s
            })
            .collect();
        let call = self.capturer().unschedule_payments(request.clone());
        self.ok(&sent("unschedule_payments", call), &revoked)
    }

    /// Answers `GET /subscribe/payments/schedule/{merchant_uid}` (the schedule's order id)
    /// with the schedule.
    pub fn schedule(&self, schedule: &Schedule) -> Mock<'_> {
        let expect = sent("schedule", self.capturer().schedule(&schedule.merchant_uid));
        self.ok(&expect, schedule)
    }

    /// Answers the move of a schedule to its `schedule_at`
    /// (`PUT /subscribe/payments/schedule/{merchant_uid}` carrying that time) with the
    /// schedule.
    pub fn move_schedule(&self, schedule: &Schedule) -> Mock<'_> {
        let call = self
            .capturer()
            .move_schedule(&schedule.merchant_uid, schedule.schedule_at);
        self.ok(&sent("move_schedule", call), schedule)
    }

    /// Answers the new run of a schedule at its `schedule_at`
    /// (`POST /subscribe/payments/schedule/{merchant_uid}/reschedule` carrying that time) with
    /// the schedule.
    pub fn reschedule_payment(&self, schedule: &Schedule) -> Mock<'_> {
        let call = self
            .capturer()
            .reschedule_payment(&schedule.merchant_uid, schedule.schedule_at);
        self.ok(&sent("reschedule_payment", call), schedule)
    }

    /// Answers `POST /subscribe/payments/schedule/{merchant_uid}/retry` (the payment's order
    /// id) with the payment of the charge.
    pub fn retry_schedule(&self, payment: &Payment) -> Mock<'_> {
        let call = self.capturer().retry_schedule(&payment.merchant_uid);
        self.ok(&sent("retry_schedule", call), payment)
    }
}

/// A realistic standard billing key (a test card, masked; holder details set) under this id.
pub fn billing_key(customer_uid: impl Into<String>) -> BillingKey {
    let mut k: StandardBillingKey = template(include_str!(
        "../../spec/recordings/get_billing_key.ok.json"
    ));
    k.customer_uid = customer_uid.into();
    k.into()
}

/// A realistic super billing key under this id: issued through a smart-routing group, with
/// one channel that issued a key and one that failed.
pub fn super_billing_key(customer_uid: impl Into<String>) -> BillingKey {
    let mut k: SuperBillingKey = template(include_str!(
        "../../spec/recordings/get_billing_key.super_key.json"
    ));
    k.customer_uid = customer_uid.into();
    k.into()
}

/// A realistic paid charge of a billing key (`imps_...`, channel `api`).
pub fn charged_payment(
    imp_uid: impl Into<String>,
    merchant_uid: impl Into<String>,
    customer_uid: impl Into<String>,
    amount: impl Into<Amount>,
) -> Payment {
    let mut p = charge(
        include_str!("../../spec/recordings/charge_billing_key.ok.json"),
        imp_uid.into(),
        merchant_uid.into(),
        customer_uid.into(),
        amount.into(),
    );
    p.status = PaymentStatus::Paid;
    p
}

/// The same charge declined by the card company, as the server answers it: `code` 0 and a
/// payment whose status is `failed`, with a `fail_reason`.
pub fn declined_payment(
    imp_uid: impl Into<String>,
    merchant_uid: impl Into<String>,
    customer_uid: impl Into<String>,
    amount: impl Into<Amount>,
) -> Payment {
    charge(
        include_str!("../../spec/recordings/charge_billing_key.declined.json"),
        imp_uid.into(),
        merchant_uid.into(),
        customer_uid.into(),
        amount.into(),
    )
}

/// The charge of an embedded recording with these ids and amount.
fn charge(
    recording: &str,
    imp_uid: String,
    merchant_uid: String,
    customer_uid: String,
    amount: Amount,
) -> Payment {
    let mut p = recorded_payment(recording, imp_uid, merchant_uid, amount);
    p.customer_uid = Some(customer_uid);
    p
}

/// A realistic pending schedule of this key, for this order. Its arguments come in the
/// fixtures' one order: `merchant_uid`, then `customer_uid`, then the rest.
pub fn schedule(
    merchant_uid: impl Into<String>,
    customer_uid: impl Into<String>,
    schedule_at: UnixTime,
    amount: impl Into<Amount>,
) -> Schedule {
    let mut s: Schedule = template(include_str!(
        "../../spec/recordings/get_schedule.pending.json"
    ));
    s.customer_uid = customer_uid.into();
    s.merchant_uid = merchant_uid.into();
    s.schedule_at = schedule_at;
    s.amount = amount.into();
    s
}
