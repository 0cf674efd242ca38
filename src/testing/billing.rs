//! Typed stubs and example payloads for billing keys, charges and schedules.

use httpmock::Mock;
use progenitor_client::encode_path;
use serde_json::json;

use super::MockIamport;
use super::mock::{envelope, template};
use crate::{Amount, BillingKey, Payment, PaymentStatus, Schedule, ScheduleStatus, UnixTime};

/// Typed stubs for billing keys, charges and schedules. Like the others, each answers
/// authenticated requests only and returns the `httpmock` stub, to assert how often it was hit.
///
/// ```
/// use iamport::testing::{MockIamport, billing_key, charged_payment};
/// use iamport::types::ChargeBillingKeyRequest;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let mock = MockIamport::start().await;
/// let key = mock.billing_key(&billing_key("member-1-card-1"));
/// let charge = mock.charge_billing_key(&charged_payment("imps_1", "order-1", "member-1-card-1", 9900));
///
/// let client = mock.client();
/// assert!(client.billing_key("member-1-card-1").await.is_ok());
/// let request = ChargeBillingKeyRequest::new("member-1-card-1", "order-1", 9900, "Monthly plan");
/// assert!(client.charge_billing_key(request).await.unwrap().is_paid());
/// key.assert_calls(1);
/// charge.assert_calls(1);
/// # }
/// ```
impl MockIamport {
    /// Answers `GET /subscribe/customers/{customer_uid}` (the key's id) with the key.
    pub fn billing_key(&self, key: &BillingKey) -> Mock<'_> {
        let path = format!("/subscribe/customers/{}", encode_path(&key.customer_uid));
        self.answer("GET", &path, None, 200, envelope(key))
    }

    /// Answers `POST /subscribe/customers/{customer_uid}` (the key's id), any card, with the
    /// key.
    pub fn issue_billing_key(&self, key: &BillingKey) -> Mock<'_> {
        let path = format!("/subscribe/customers/{}", encode_path(&key.customer_uid));
        self.answer("POST", &path, None, 200, envelope(key))
    }

    /// Answers `DELETE /subscribe/customers/{customer_uid}` (the key's id) with the key.
    pub fn delete_billing_key(&self, key: &BillingKey) -> Mock<'_> {
        let path = format!("/subscribe/customers/{}", encode_path(&key.customer_uid));
        self.answer("DELETE", &path, None, 200, envelope(key))
    }

    /// Answers `POST /subscribe/payments/again` for the payment's `merchant_uid` with the
    /// payment (paid, or failed for a declined card: [`declined_payment`]).
    pub fn charge_billing_key(&self, payment: &Payment) -> Mock<'_> {
        let body = json!({"merchant_uid": payment.merchant_uid});
        let path = "/subscribe/payments/again";
        self.answer("POST", path, Some(body), 200, envelope(payment))
    }

    /// Answers `POST /subscribe/payments/onetime` for the payment's `merchant_uid` with the
    /// payment.
    pub fn charge_onetime(&self, payment: &Payment) -> Mock<'_> {
        let body = json!({"merchant_uid": payment.merchant_uid});
        let path = "/subscribe/payments/onetime";
        self.answer("POST", path, Some(body), 200, envelope(payment))
    }

    /// Answers `POST /subscribe/payments/schedule` for the first schedule's key with the
    /// schedules, as the server answers a request that schedules them.
    pub fn schedule_payments(&self, schedules: &[Schedule]) -> Mock<'_> {
        let body = schedules
            .first()
            .map(|s| json!({"customer_uid": s.customer_uid}));
        let path = "/subscribe/payments/schedule";
        self.answer("POST", path, body, 200, envelope(&schedules))
    }

    /// Answers `POST /subscribe/payments/unschedule` with the schedules as revoked now.
    pub fn unschedule_payments(&self, schedules: &[Schedule]) -> Mock<'_> {
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
        let path = "/subscribe/payments/unschedule";
        self.answer("POST", path, None, 200, envelope(&revoked))
    }

    /// Answers `GET /subscribe/payments/schedule/{merchant_uid}` (the schedule's order id)
    /// with the schedule.
    pub fn schedule(&self, schedule: &Schedule) -> Mock<'_> {
        let path = format!(
            "/subscribe/payments/schedule/{}",
            encode_path(&schedule.merchant_uid)
        );
        self.answer("GET", &path, None, 200, envelope(schedule))
    }

    /// Answers `GET /subscribe/payments/schedule` (any window) with one page holding the
    /// schedules.
    pub fn schedules(&self, schedules: &[Schedule]) -> Mock<'_> {
        let page = json!({"total": schedules.len(), "previous": 0, "next": 0, "list": schedules});
        let path = "/subscribe/payments/schedule";
        self.answer("GET", path, None, 200, envelope(&page))
    }
}

/// A realistic billing key (a test card, masked; holder details set) under this id.
pub fn billing_key(customer_uid: impl Into<String>) -> BillingKey {
    let mut k: BillingKey = template(include_str!(
        "../../spec/recordings/get_billing_key.ok.json"
    ));
    k.customer_uid = customer_uid.into();
    k
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
    let mut p: Payment = template(recording);
    p.imp_uid = imp_uid;
    p.merchant_uid = merchant_uid;
    p.customer_uid = Some(customer_uid);
    p.amount = amount;
    p
}

/// A realistic pending schedule of this key.
pub fn schedule(
    customer_uid: impl Into<String>,
    merchant_uid: impl Into<String>,
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
