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

use httpmock::{HttpMockRequest, HttpMockResponse, Mock};
use serde_json::{Value, json};

use super::{
    MockIamport, billing_key, charged_payment, declined_payment, mock::envelope, schedule,
    state::cancel as cancelled,
};
use crate::{
    Amount, BillingKey, Payment, Schedule, ScheduleStatus, UnixTime,
    types::{
        BillingKeyRequest, CancelRequest, ChargeBillingKeyRequest, SchedulePage, ScheduleRequest,
        UnscheduleRequest,
    },
};

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

    /// A charge of `customer_uid`'s key, paid or declined, made now.
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
        let mut p = match self.declines.get(customer_uid) {
            None => {
                let mut p = charged_payment(imp_uid, merchant_uid, customer_uid, amount);
                p.paid_at = Some(now);
                p
            }
            Some(reason) => {
                let mut p = declined_payment(imp_uid, merchant_uid, customer_uid, amount);
                p.fail_reason = Some(reason.clone());
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
    ///   key ([`billing_key`] with that id); a lookup or a deletion of a key the ledger holds
    ///   answers it (a deletion removes it), of any other is refused with code 1, as the API
    ///   refuses an unknown key. [`BillingState::register`] stores one directly.
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
            .insert(key.customer_uid.clone(), key.clone());
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
                let payment = if ledger.keys.contains_key(&run.customer_uid) {
                    ledger.charge(
                        &run.customer_uid,
                        &run.merchant_uid,
                        run.amount,
                        run.name.as_deref(),
                    )
                } else {
                    let removed = ledger.declines.insert(
                        run.customer_uid.clone(),
                        "등록되지 않은 구매자입니다.".into(),
                    );
                    let p = ledger.charge(
                        &run.customer_uid,
                        &run.merchant_uid,
                        run.amount,
                        run.name.as_deref(),
                    );
                    match removed {
                        Some(reason) => ledger.declines.insert(run.customer_uid.clone(), reason),
                        None => ledger.declines.remove(&run.customer_uid),
                    };
                    p
                };
                let executed_at = ledger.now();
                let s = &mut ledger.schedules[i];
                s.schedule_status = ScheduleStatus::Executed;
                s.executed_at = Some(executed_at);
                s.imp_uid = Some(payment.imp_uid.clone());
                s.payment_status = Some(payment.status.clone());
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

/// What a request asks the ledger for.
#[derive(Debug, Clone, PartialEq)]
enum Route {
    Key(String),
    IssueKey(String),
    DeleteKey(String),
    Charge,
    Schedule,
    Unschedule,
    ScheduleOf(String),
    Schedules,
    KeySchedules(String),
    Payment(String),
    Cancel(usize),
}

/// The route of `req`, when the ledger answers it.
fn route(ledger: &Ledger, req: &HttpMockRequest) -> Option<Route> {
    let uri = req.uri();
    let segments: Vec<String> = uri
        .path()
        .trim_start_matches('/')
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let method = req.method_str().to_ascii_uppercase();
    Some(match (method.as_str(), segments.as_slice()) {
        ("GET", ["subscribe", "customers", uid]) => Route::Key((*uid).to_owned()),
        ("POST", ["subscribe", "customers", uid]) => Route::IssueKey((*uid).to_owned()),
        ("DELETE", ["subscribe", "customers", uid]) => Route::DeleteKey((*uid).to_owned()),
        ("GET", ["subscribe", "customers", uid, "schedules"])
        | ("GET", ["subscribe", "payments", "schedule", "customers", uid]) => {
            Route::KeySchedules((*uid).to_owned())
        }
        ("POST", ["subscribe", "payments", "again"]) => Route::Charge,
        ("POST", ["subscribe", "payments", "schedule"]) => Route::Schedule,
        ("POST", ["subscribe", "payments", "unschedule"]) => Route::Unschedule,
        ("GET", ["subscribe", "payments", "schedule"]) => Route::Schedules,
        ("GET", ["subscribe", "payments", "schedule", merchant_uid]) => {
            Route::ScheduleOf((*merchant_uid).to_owned())
        }
        ("GET", ["payments", imp_uid]) if ledger.payments.iter().any(|p| p.imp_uid == *imp_uid) => {
            Route::Payment((*imp_uid).to_owned())
        }
        ("POST", ["payments", "cancel"]) => {
            let body: CancelRequest = serde_json::from_slice(req.body_ref()).ok()?;
            let i =
                ledger
                    .payments
                    .iter()
                    .position(|p| match (&body.imp_uid, &body.merchant_uid) {
                        (Some(imp), _) => *imp == p.imp_uid,
                        (None, Some(merchant)) => *merchant == p.merchant_uid,
                        (None, None) => false,
                    })?;
            Route::Cancel(i)
        }
        _ => return None,
    })
}

/// An error envelope.
fn refusal(status: u16, code: i64, message: &str) -> (u16, Value) {
    (
        status,
        json!({"code": code, "message": message, "response": null}),
    )
}

fn unknown_key(uid: &str) -> (u16, Value) {
    let message = format!("요청하신 customer_uid({uid})로 등록된 정보를 찾을 수 없습니다.");
    refusal(200, 1, &message)
}

fn ok<T: serde::Serialize + ?Sized>(payload: &T) -> (u16, Value) {
    (200, envelope(payload))
}

/// The body of `req` as `T`, or the refusal of a body that is not one.
fn body<T: serde::de::DeserializeOwned>(req: &HttpMockRequest) -> Result<T, (u16, Value)> {
    serde_json::from_slice(req.body_ref())
        .map_err(|e| refusal(400, -1, &format!("not a valid body: {e}")))
}

/// The query parameter `name`, if the request has it.
fn param(req: &HttpMockRequest, name: &str) -> Option<String> {
    req.query_params()
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// The answer of the ledger to `req`, changing it as the server would.
fn serve(ledger: &mut Ledger, route: Route, req: &HttpMockRequest) -> (u16, Value) {
    let answer = match route {
        Route::Key(uid) => match ledger.keys.get(&uid) {
            Some(key) => Ok(ok(key)),
            None => Ok(unknown_key(&uid)),
        },
        Route::IssueKey(uid) => body::<BillingKeyRequest>(req).map(|card| {
            let mut key = billing_key(uid.clone());
            key.customer_id = card.customer_id.or(key.customer_id);
            key.inserted = ledger.now();
            key.updated = ledger.now();
            ledger.keys.insert(uid, key.clone());
            ok(&key)
        }),
        Route::DeleteKey(uid) => Ok(match ledger.keys.remove(&uid) {
            Some(key) => ok(&key),
            None => unknown_key(&uid),
        }),
        Route::Charge => body::<ChargeBillingKeyRequest>(req).map(|charge| {
            if !ledger.keys.contains_key(&charge.customer_uid) {
                refusal(200, 1, "등록되지 않은 구매자입니다.")
            } else if ledger
                .payments
                .iter()
                .any(|p| p.merchant_uid == charge.merchant_uid)
            {
                refusal(
                    200,
                    1,
                    "이미 주문이 이루어진 건입니다. (동일한 merchant_uid로 결제 또는 취소된 기록이 있습니다)",
                )
            } else {
                let p = ledger.charge(
                    &charge.customer_uid,
                    &charge.merchant_uid,
                    charge.amount,
                    Some(&charge.name),
                );
                ok(&p)
            }
        }),
        Route::Schedule => body::<ScheduleRequest>(req).map(|request| {
            if !ledger.keys.contains_key(&request.customer_uid) {
                return refusal(200, 1, "등록된 고객정보가 없습니다.");
            }
            let taken = request.schedules.iter().find(|e| {
                ledger
                    .schedules
                    .iter()
                    .any(|s| s.merchant_uid == e.merchant_uid)
            });
            if let Some(e) = taken {
                let message = format!("이미 예약된 merchant_uid입니다. ({})", e.merchant_uid);
                return refusal(200, 1, &message);
            }
            let made: Vec<Schedule> = request
                .schedules
                .iter()
                .map(|e| {
                    let mut s = schedule(
                        e.merchant_uid.clone(),
                        request.customer_uid.clone(),
                        e.schedule_at,
                        e.amount,
                    );
                    s.name = e.name.clone().or(s.name);
                    s.customer_id = request.customer_id.clone().or(s.customer_id);
                    s
                })
                .collect();
            ledger.schedules.extend(made.iter().cloned());
            ok(&made)
        }),
        Route::Unschedule => body::<UnscheduleRequest>(req).map(|request| {
            let now = ledger.now();
            let named = request.merchant_uid.unwrap_or_default();
            let revoked: Vec<Schedule> = ledger
                .schedules
                .iter_mut()
                .filter(|s| {
                    s.schedule_status == ScheduleStatus::Scheduled
                        && request
                            .customer_uid
                            .as_ref()
                            .is_none_or(|uid| *uid == s.customer_uid)
                        && (named.is_empty() || named.contains(&s.merchant_uid))
                })
                .map(|s| {
                    s.schedule_status = ScheduleStatus::Revoked;
                    s.revoked_at = Some(now);
                    s.clone()
                })
                .collect();
            if revoked.is_empty() {
                refusal(200, 1, "취소할 예약결제 기록이 존재하지 않습니다.")
            } else {
                ok(&revoked)
            }
        }),
        Route::ScheduleOf(merchant_uid) => Ok(
            match ledger
                .schedules
                .iter()
                .find(|s| s.merchant_uid == merchant_uid)
            {
                Some(s) => ok(s),
                None => refusal(404, -1, "존재하지 않는 결제예약입니다."),
            },
        ),
        Route::Schedules => Ok(page(ledger, None, req, Params::ALL_KEYS)),
        Route::KeySchedules(uid) => Ok(page(ledger, Some(&uid), req, Params::ONE_KEY)),
        Route::Payment(imp_uid) => Ok(match ledger.payments.iter().find(|p| p.imp_uid == imp_uid)
        {
            Some(p) => ok(p),
            None => refusal(404, -1, "존재하지 않는 결제정보입니다."),
        }),
        Route::Cancel(i) => Ok(match cancelled(&ledger.payments[i], req) {
            Ok(after) => {
                ledger.payments[i] = after;
                ok(&ledger.payments[i])
            }
            Err(message) => refusal(200, 1, &message),
        }),
    };
    answer.unwrap_or_else(|refused| refused)
}

/// The names of a schedule listing's parameters: the window's ends and the status filter.
struct Params {
    from: &'static str,
    to: &'static str,
    status: &'static str,
}

impl Params {
    /// `GET /subscribe/payments/schedule`.
    const ALL_KEYS: Params = Params {
        from: "schedule_from",
        to: "schedule_to",
        status: "schedule_status",
    };
    /// The two listings of one key.
    const ONE_KEY: Params = Params {
        from: "from",
        to: "to",
        status: "schedule-status",
    };
}

/// One page of the schedules of `customer_uid` (or of every key) in the request's window:
/// `schedule_at` from its start (inclusive) to its end (exclusive), in the state the status
/// parameter names, latest first (earliest first with `sorting=scheduled`).
fn page(
    ledger: &Ledger,
    customer_uid: Option<&str>,
    req: &HttpMockRequest,
    names: Params,
) -> (u16, Value) {
    let secs = |name: &str| param(req, name).and_then(|v| v.parse::<i64>().ok());
    let (Some(from), Some(to)) = (secs(names.from), secs(names.to)) else {
        return refusal(400, -1, "the window's start and end are required");
    };
    let status = param(req, names.status).map(|s| ScheduleStatus::from(s.as_str()));
    let mut list: Vec<&Schedule> = ledger
        .schedules
        .iter()
        .filter(|s| customer_uid.is_none_or(|uid| s.customer_uid == uid))
        .filter(|s| (from..to).contains(&s.schedule_at.as_secs()))
        .filter(|s| status.as_ref().is_none_or(|st| s.schedule_status == *st))
        .collect();
    list.sort_by_key(|s| s.schedule_at);
    if param(req, "sorting").as_deref() != Some("scheduled") {
        list.reverse();
    }
    let limit = param(req, "limit")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(20)
        .max(1);
    let number = param(req, "page")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let pages = list.len().div_ceil(limit);
    let page = SchedulePage {
        total: list.len() as u64,
        previous: if number > 1 { (number - 1) as u32 } else { 0 },
        next: if number < pages {
            (number + 1) as u32
        } else {
            0
        },
        list: list
            .into_iter()
            .skip((number - 1) * limit)
            .take(limit)
            .cloned()
            .collect(),
    };
    ok(&page)
}
