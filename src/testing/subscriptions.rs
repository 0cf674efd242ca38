//! A stateful stub of billing: billing keys, charges and schedules served from one ledger,
//! with a clock the test advances that runs the schedules that fall due and posts their
//! webhook notifications.

use std::{
    collections::BTreeMap,
    fmt,
    future::Future,
    pin::Pin,
    sync::{Arc, Mutex, MutexGuard},
};

use httpmock::{HttpMockResponse, Mock};
use serde_json::json;

use super::{MockIamport, charged_payment, declined_payment};
use crate::{
    Amount, BillingKey, Payment, Schedule, SchedulePaymentStatus, ScheduleStatus, UnixTime,
};

mod routes;
use routes::{refusal, route, serve};

/// What a test's webhook handler is given: the body i'mport posts, as JSON
/// (`{"imp_uid": .., "merchant_uid": .., "status": ..}`, `Content-Type: application/json`).
type Handler = Arc<dyn Fn(Vec<u8>) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// Where the notifications of executed schedules go.
#[derive(Clone)]
enum Target {
    Url(String),
    Handler(Handler),
}

/// Everything the billing state holds.
#[derive(Default)]
struct Ledger {
    now: Option<UnixTime>,
    keys: BTreeMap<String, BillingKey>,
    /// In the order they were scheduled.
    schedules: Vec<Schedule>,
    /// Charges and executed schedules, in the order they were made.
    payments: Vec<Payment>,
    /// Keys whose charges the card company declines, with the reason.
    declines: BTreeMap<String, String>,
    issued: u64,
    webhook: Option<Target>,
    /// The HTTP status of each notification posted to a URL.
    delivered: Vec<u16>,
}

impl Ledger {
    fn now(&self) -> UnixTime {
        self.now.unwrap_or_else(UnixTime::now)
    }

    /// Why a charge of this key is declined now: the reason a test set, or the API's own
    /// words for a key that is not (or no longer) registered. `None`: it is approved.
    fn declined(&self, customer_uid: &str) -> Option<String> {
        match self.declines.get(customer_uid) {
            Some(reason) => Some(reason.clone()),
            None if !self.keys.contains_key(customer_uid) => {
                Some("등록되지 않은 구매자입니다.".to_owned())
            }
            None => None,
        }
    }

    /// A charge of `customer_uid`'s key made now: paid, or failed when
    /// [`Ledger::declined`] says so.
    fn charge(
        &mut self,
        customer_uid: &str,
        merchant_uid: &str,
        amount: Amount,
        name: Option<&str>,
    ) -> Payment {
        self.issued += 1;
        let imp_uid = format!("imps_{:012}", self.issued);
        let now = self.now();
        let mut p = match self.declined(customer_uid) {
            None => {
                let mut p = charged_payment(imp_uid, merchant_uid, customer_uid, amount);
                p.paid_at = Some(now);
                p
            }
            Some(reason) => {
                let mut p = declined_payment(imp_uid, merchant_uid, customer_uid, amount);
                p.fail_reason = Some(reason);
                p.failed_at = Some(now);
                p
            }
        };
        p.started_at = Some(now);
        if let Some(name) = name {
            p.name = Some(name.to_owned());
        }
        self.payments.push(p.clone());
        p
    }
}

/// Billing served from one ledger by [`MockIamport::billing_state`]: keys, charges,
/// schedules and the payments they make, with a clock the test moves
/// ([`BillingState::advance_to`]).
pub struct BillingState<'a> {
    ledger: Arc<Mutex<Ledger>>,
    stub: Mock<'a>,
}

impl fmt::Debug for BillingState<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let l = lock(&self.ledger);
        f.debug_struct("BillingState")
            .field("now", &l.now)
            .field("keys", &l.keys.len())
            .field("schedules", &l.schedules.len())
            .field("payments", &l.payments.len())
            .finish_non_exhaustive()
    }
}

fn lock(ledger: &Mutex<Ledger>) -> MutexGuard<'_, Ledger> {
    ledger.lock().unwrap_or_else(|e| e.into_inner())
}

impl MockIamport {
    /// Serves billing from one shared ledger whose clock starts at `now`: what a request
    /// changes, the next one sees, as on the server.
    ///
    /// - **Keys**: registering a card (`POST /subscribe/customers/{customer_uid}`) stores a
    ///   key ([`billing_key`](super::billing_key) with that id); a lookup or a deletion of
    ///   a key the ledger holds answers it (a deletion removes it), of any other is refused
    ///   with code 1, as the API refuses an unknown key. [`BillingState::register`] stores
    ///   one directly.
    /// - **Charges** (`POST /subscribe/payments/again`) of a stored key make a payment paid
    ///   now (`imps_...`), or failed when the key was set to be declined
    ///   ([`BillingState::decline`]); of an unknown key, or with an order id already used,
    ///   they are refused with code 1.
    /// - **Schedules** (`POST /subscribe/payments/schedule`) of a stored key are kept
    ///   `scheduled`; an order id already scheduled is refused. They are looked up by order
    ///   id (`GET /subscribe/payments/schedule/{merchant_uid}`, 404 when unknown), listed
    ///   (`GET /subscribe/payments/schedule` and the two per-key listings, by `schedule_at`
    ///   from inclusive to exclusive, with their status filter, page and limit) and revoked
    ///   (`POST /subscribe/payments/unschedule`: the order ids named, or every pending one of
    ///   the key when none is; code 1 when none is pending).
    /// - **The clock**: [`BillingState::advance_to`] runs every pending schedule whose time
    ///   has come, in time order, each a charge as above, marks it `executed` with its
    ///   payment, and posts the webhook notification i'mport sends for it
    ///   (`{"imp_uid", "merchant_uid", "status"}` as JSON) to the URL or handler the test
    ///   gave ([`BillingState::notify_url`], [`BillingState::notify_with`]).
    /// - **Payments** it made are served to `GET /payments/{imp_uid}` and cancelled by
    ///   `POST /payments/cancel`, with the rules of [`MockIamport::payment_state`]
    ///   (checksum, amount, nothing left).
    ///
    /// Start the clock at [`UnixTime::now`] or later: the client refuses to schedule at a
    /// time before its own clock, which is the system's.
    ///
    /// Only requests with the mock's token reach it; a request it cannot answer (another
    /// payment, say) falls through to the other stubs.
    ///
    /// A month of a subscription:
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> iamport::Result<()> {
    /// use std::sync::{Arc, Mutex};
    /// use iamport::{PaymentStatus, UnixTime, webhook::Notification};
    /// use iamport::testing::{MockIamport, billing_key};
    /// use iamport::types::{ChargeBillingKeyRequest, ScheduleEntry, ScheduleRequest};
    ///
    /// let start = UnixTime::now();
    /// let day = |d: i64| UnixTime::from_secs(start.as_secs() + d * 86_400);
    /// let mock = MockIamport::start().await;
    /// let client = mock.client();
    /// let billing = mock.billing_state(start);
    /// billing.register(&billing_key("member-1"));
    ///
    /// // The first month, charged now; the second, scheduled for day 30.
    /// let first = ChargeBillingKeyRequest::new("member-1", "sub-1-m1", 9900, "Monthly plan");
    /// assert!(client.charge_billing_key(first).await?.is_paid());
    /// let next = ScheduleEntry::new("sub-1-m2", day(30), 9900);
    /// client.schedule_payments(ScheduleRequest::new("member-1", vec![next])).await?;
    ///
    /// // The service's webhook handler, here collecting what it is told.
    /// let told = Arc::new(Mutex::new(Vec::new()));
    /// let inbox = told.clone();
    /// billing.notify_with(move |body| {
    ///     let inbox = inbox.clone();
    ///     async move {
    ///         let n = Notification::parse(Some("application/json"), &body).unwrap();
    ///         inbox.lock().unwrap().push(n);
    ///     }
    /// });
    ///
    /// assert!(billing.advance_to(day(29)).await.is_empty()); // not due yet
    /// let ran = billing.advance_to(day(30)).await;
    /// assert_eq!(ran.len(), 1);
    /// let n = told.lock().unwrap()[0].clone();
    /// assert_eq!(n.merchant_uid, "sub-1-m2");
    /// // The notification only names the payment: the lookup says what happened.
    /// let paid = client.payment_from_notification(&n).await?;
    /// assert_eq!(paid.status, PaymentStatus::Paid);
    /// assert_eq!(paid.paid_at, Some(day(30)));
    /// # Ok(()) }
    /// ```
    pub fn billing_state(&self, now: UnixTime) -> BillingState<'_> {
        let ledger = Arc::new(Mutex::new(Ledger {
            now: Some(now),
            ..Ledger::default()
        }));
        let (matcher, responder) = (ledger.clone(), ledger.clone());
        let stub = self.server().mock(|when, then| {
            when.header("authorization", format!("Bearer {}", Self::TOKEN))
                .is_true(move |req| route(&lock(&matcher), req).is_some());
            then.respond_with(move |req| {
                let mut ledger = lock(&responder);
                let (status, body) = match route(&ledger, req) {
                    Some(route) => serve(&mut ledger, route, req),
                    None => refusal(404, -1, "no such route"),
                };
                HttpMockResponse::builder()
                    .status(status)
                    .header("content-type", "application/json; charset=UTF-8")
                    .body(body.to_string())
                    .build()
            });
        });
        BillingState { ledger, stub }
    }
}

impl<'a> BillingState<'a> {
    /// Stores `key` as a registered billing key, under its `customer_uid`.
    pub fn register(&self, key: &BillingKey) {
        lock(&self.ledger)
            .keys
            .insert(key.customer_uid().to_owned(), key.clone());
    }

    /// From now on the card company declines the charges of this key, immediate and
    /// scheduled: they make a payment with status `failed` and this `fail_reason`.
    pub fn decline(&self, customer_uid: &str, reason: &str) {
        lock(&self.ledger)
            .declines
            .insert(customer_uid.to_owned(), reason.to_owned());
    }

    /// The charges of this key are approved again, after [`BillingState::decline`].
    pub fn approve(&self, customer_uid: &str) {
        lock(&self.ledger).declines.remove(customer_uid);
    }

    /// Posts the notifications of executed schedules to `url` (the service's webhook
    /// endpoint), as JSON. The status of each answer is kept ([`BillingState::deliveries`]).
    pub fn notify_url(&self, url: impl Into<String>) {
        lock(&self.ledger).webhook = Some(Target::Url(url.into()));
    }

    /// Hands the notifications of executed schedules to `handler` (the service's webhook
    /// handler, without HTTP): the JSON body i'mport posts, awaited before the next one.
    pub fn notify_with<F, Fut>(&self, handler: F)
    where
        F: Fn(Vec<u8>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |body| Box::pin(handler(body)));
        lock(&self.ledger).webhook = Some(Target::Handler(handler));
    }

    /// The time on the ledger's clock.
    pub fn now(&self) -> UnixTime {
        lock(&self.ledger).now()
    }

    /// Moves the clock to `at` and runs every pending schedule due by then (`schedule_at`
    /// at or before `at`), in time order: each is charged as a charge of its key would be
    /// (paid, or failed for a declined key or a key deleted since), marked `executed` with
    /// its payment, and notified to the webhook target, if any, before the next one runs.
    /// Returns the payments made.
    ///
    /// # Panics
    /// When `at` is before the clock's time (time does not go back), or when posting to the
    /// [`notify_url`](BillingState::notify_url) fails to connect.
    pub async fn advance_to(&self, at: UnixTime) -> Vec<Payment> {
        let now = self.now();
        assert!(
            at >= now,
            "BillingState::advance_to: {at:?} is before the clock's {now:?}"
        );
        let mut made = Vec::new();
        loop {
            // One schedule at a time: the ledger is not locked while a notification is out.
            let (payment, target) = {
                let mut ledger = lock(&self.ledger);
                let due = ledger
                    .schedules
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| {
                        s.schedule_status == ScheduleStatus::Scheduled && s.schedule_at <= at
                    })
                    .min_by_key(|(i, s)| (s.schedule_at, *i))
                    .map(|(i, _)| i);
                let Some(i) = due else {
                    ledger.now = Some(at);
                    break;
                };
                let run = ledger.schedules[i].clone();
                ledger.now = Some(run.schedule_at.max(now));
                let payment = ledger.charge(
                    &run.customer_uid,
                    &run.merchant_uid,
                    run.amount,
                    run.name.as_deref(),
                );
                let executed_at = ledger.now();
                let s = &mut ledger.schedules[i];
                s.schedule_status = ScheduleStatus::Executed;
                s.executed_at = Some(executed_at);
                s.imp_uid = Some(payment.imp_uid.clone());
                s.payment_status = Some(SchedulePaymentStatus::from(payment.status.as_str()));
                s.fail_reason = payment.fail_reason.clone();
                (payment, ledger.webhook.clone())
            };
            let body = json!({
                "imp_uid": payment.imp_uid,
                "merchant_uid": payment.merchant_uid,
                "status": payment.status.as_str(),
            })
            .to_string()
            .into_bytes();
            match target {
                None => {}
                Some(Target::Handler(handler)) => handler(body).await,
                Some(Target::Url(url)) => {
                    let sent = reqwest::Client::new()
                        .post(&url)
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await
                        .unwrap_or_else(|e| {
                            panic!("BillingState: the webhook at {url} was not reached: {e}")
                        });
                    lock(&self.ledger).delivered.push(sent.status().as_u16());
                }
            }
            made.push(payment);
        }
        made
    }

    /// The HTTP status of each notification posted to the
    /// [`notify_url`](BillingState::notify_url), in order.
    pub fn deliveries(&self) -> Vec<u16> {
        lock(&self.ledger).delivered.clone()
    }

    /// The billing key stored under `customer_uid`, if any.
    pub fn key(&self, customer_uid: &str) -> Option<BillingKey> {
        lock(&self.ledger).keys.get(customer_uid).cloned()
    }

    /// Every schedule, as it is now, in the order they were made.
    pub fn schedules(&self) -> Vec<Schedule> {
        lock(&self.ledger).schedules.clone()
    }

    /// Every payment the ledger made (charges and executed schedules), as it is now
    /// (refunds included), in the order they were made.
    pub fn payments(&self) -> Vec<Payment> {
        lock(&self.ledger).payments.clone()
    }

    /// The payment of this order id, as it is now.
    pub fn payment(&self, merchant_uid: &str) -> Option<Payment> {
        lock(&self.ledger)
            .payments
            .iter()
            .find(|p| p.merchant_uid == merchant_uid)
            .cloned()
    }

    /// The stub serving every request of the ledger, to count them.
    pub fn stub(&self) -> &Mock<'a> {
        &self.stub
    }
}
