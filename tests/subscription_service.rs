//! A subscription service as a merchant would write it on the SDK, tested on the testing kit
//! with the public API only: register a card and charge the first month, schedule the next,
//! let the mock's clock run it and send the webhook, re-fetch the payment in the webhook
//! handler and mark the month paid or failed, cancel with a prorated refund and a per-order
//! unschedule, reconcile over the listing of every status, and report a token outage as an
//! outage.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
};

use futures_util::TryStreamExt;
use iamport::{
    Amount, Client, Error, PaymentStatus, PaymentStatusFilter, Rounding, ScheduleStatus, UnixTime,
    testing::{MockIamport, TokenFault},
    types::{
        BillingKeyRequest, ChargeBillingKeyRequest, ScheduleEntry, ScheduleRequest,
        UnscheduleRequest,
    },
    webhook::Notification,
};

// ---------------------------------------------------------------------------------------------
// The service.

const DAY: i64 = 86_400;
/// Days in a billing period.
const PERIOD: i64 = 30;
const PLAN: &str = "Monthly plan";

/// One month of a member's subscription, in the service's own database.
#[derive(Debug, Clone, PartialEq)]
struct Month {
    merchant_uid: String,
    starts: UnixTime,
    amount: Amount,
    state: MonthState,
    imp_uid: Option<String>,
    refunded: Amount,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum MonthState {
    Scheduled,
    Paid,
    Failed,
    Unscheduled,
}

#[derive(Debug, Default)]
struct Member {
    customer_uid: String,
    price: Amount,
    months: Vec<Month>,
    cancelled: bool,
}

/// What the service reports, by what its caller does next.
#[derive(Debug)]
enum ServiceError {
    /// i'mport is down or throttling: try again later; nothing was refused.
    Outage(Error),
    /// The card was declined.
    Declined(String),
    /// i'mport said no to this request.
    Refused(Error),
    /// A change may or may not have happened: look it up before anything else.
    Unknown(Error),
}

impl From<Error> for ServiceError {
    fn from(err: Error) -> Self {
        // Checked in this order: an unknown outcome first (never retried), then an outage
        // (retry later), then the refusals.
        if err.is_outcome_unknown() {
            ServiceError::Unknown(err)
        } else if err.is_retryable() {
            ServiceError::Outage(err)
        } else if let Some(payment) = err.declined_payment() {
            ServiceError::Declined(payment.fail_reason.clone().unwrap_or_default())
        } else {
            ServiceError::Refused(err)
        }
    }
}

/// A difference between the service's books and i'mport's.
#[derive(Debug, PartialEq)]
enum Discrepancy {
    /// i'mport has a payment the service does not know.
    Unknown(String),
    /// Paid (or refunded) amounts differ.
    Amount {
        merchant_uid: String,
        ours: Amount,
        theirs: Amount,
    },
}

struct Subscriptions {
    client: Client,
    members: Mutex<BTreeMap<String, Member>>,
}

impl Subscriptions {
    fn new(client: Client) -> Arc<Self> {
        Arc::new(Subscriptions {
            client,
            members: Mutex::new(BTreeMap::new()),
        })
    }

    fn order_id(member: &str, n: usize) -> String {
        format!("sub-{member}-{n}")
    }

    /// Registers the card, charges the first month and schedules the second.
    async fn subscribe(
        &self,
        member: &str,
        card: BillingKeyRequest,
        price: Amount,
        now: UnixTime,
    ) -> Result<(), ServiceError> {
        let customer_uid = format!("{member}-card-1");
        self.client.issue_billing_key(&customer_uid, card).await?;
        let first = Self::order_id(member, 1);
        let charge = ChargeBillingKeyRequest::new(&customer_uid, &first, price, PLAN);
        let paid = self.client.charge_billing_key(charge).await?;
        let month = Month {
            merchant_uid: first,
            starts: now,
            amount: price,
            state: MonthState::Paid,
            imp_uid: Some(paid.imp_uid),
            refunded: Amount::ZERO,
        };
        self.members.lock().unwrap().insert(
            member.to_owned(),
            Member {
                customer_uid,
                price,
                months: vec![month],
                cancelled: false,
            },
        );
        self.schedule_next(member).await
    }

    /// Schedules the month after the member's last one.
    async fn schedule_next(&self, member: &str) -> Result<(), ServiceError> {
        let (customer_uid, entry, month) = {
            let members = self.members.lock().unwrap();
            let m = &members[member];
            let last = m.months.last().expect("a member has a month");
            let starts = UnixTime::from_secs(last.starts.as_secs() + PERIOD * DAY);
            let merchant_uid = Self::order_id(member, m.months.len() + 1);
            let entry = ScheduleEntry::new(&merchant_uid, starts, m.price).name(PLAN);
            let month = Month {
                merchant_uid,
                starts,
                amount: m.price,
                state: MonthState::Scheduled,
                imp_uid: None,
                refunded: Amount::ZERO,
            };
            (m.customer_uid.clone(), entry, month)
        };
        let request = ScheduleRequest::new(&customer_uid, vec![entry]);
        self.client.schedule_payments(request).await?;
        let mut members = self.members.lock().unwrap();
        members.get_mut(member).unwrap().months.push(month);
        Ok(())
    }

    /// The webhook endpoint: the notification only names a payment; the payment as i'mport
    /// returns it decides. Answers the HTTP status i'mport gets (a 5xx makes it send again).
    async fn on_webhook(&self, content_type: Option<&str>, body: &[u8]) -> u16 {
        let Ok(notification) = Notification::parse(content_type, body) else {
            return 400;
        };
        let payment = match self.client.payment_from_notification(&notification).await {
            Ok(p) => p,
            Err(e) if e.is_mismatch() => return 400,
            Err(_) => return 503,
        };
        let renew = {
            let mut members = self.members.lock().unwrap();
            let Some((name, month)) = members.iter_mut().find_map(|(name, m)| {
                m.months
                    .iter_mut()
                    .find(|mo| mo.merchant_uid == payment.merchant_uid)
                    .map(|mo| (name.clone(), mo))
            }) else {
                // Not a subscription's order (another part of the business charged it).
                return 200;
            };
            if payment.amount != month.amount {
                return 400;
            }
            month.imp_uid = Some(payment.imp_uid.clone());
            month.state = match payment.status {
                PaymentStatus::Paid => MonthState::Paid,
                PaymentStatus::Failed => MonthState::Failed,
                _ => return 200,
            };
            (month.state == MonthState::Paid && !members[&name].cancelled).then_some(name)
        };
        match renew {
            Some(member) => match self.schedule_next(&member).await {
                Ok(()) => 200,
                Err(_) => 503,
            },
            None => 200,
        }
    }

    /// Ends a subscription now: revokes the member's pending month by its own order id (not
    /// every schedule of the card), refunds the unused days of the paid month, rounded down,
    /// with the checksum from the service's own books, and deletes the card.
    async fn cancel(&self, member: &str, now: UnixTime) -> Result<Amount, ServiceError> {
        let (customer_uid, pending, current) = {
            let mut members = self.members.lock().unwrap();
            let m = members.get_mut(member).unwrap();
            if m.cancelled {
                // A second cancel (a double click, a retried job) refunds nothing: the
                // checksum would not stop it, since the books already show the first refund.
                return Ok(Amount::ZERO);
            }
            m.cancelled = true;
            let pending: Vec<String> = m
                .months
                .iter()
                .filter(|mo| mo.state == MonthState::Scheduled)
                .map(|mo| mo.merchant_uid.clone())
                .collect();
            let current = m
                .months
                .iter()
                .rev()
                .find(|mo| mo.state == MonthState::Paid)
                .cloned();
            (m.customer_uid.clone(), pending, current)
        };
        if !pending.is_empty() {
            let request = UnscheduleRequest::new()
                .customer_uid(&customer_uid)
                .merchant_uid(pending.clone());
            self.client.unschedule_payments(request).await?;
            let mut members = self.members.lock().unwrap();
            for mo in &mut members.get_mut(member).unwrap().months {
                if pending.contains(&mo.merchant_uid) {
                    mo.state = MonthState::Unscheduled;
                }
            }
        }
        let mut refund = Amount::ZERO;
        if let Some(month) = current {
            let used = ((now.as_secs() - month.starts.as_secs()) / DAY).clamp(0, PERIOD);
            let unused = (PERIOD - used) as u64;
            refund = month
                .amount
                .prorate(unused, PERIOD as u64, 0, Rounding::Down)
                .expect("unused days are within the period");
            let left = month.amount.checked_sub(month.refunded).unwrap();
            if refund > Amount::ZERO {
                self.client
                    .cancel_payment()
                    .imp_uid(month.imp_uid.clone().unwrap())
                    .amount(refund)
                    .checksum(left)
                    .reason("subscription cancelled")
                    .send()
                    .await?;
                let mut members = self.members.lock().unwrap();
                let mo = members
                    .get_mut(member)
                    .unwrap()
                    .months
                    .iter_mut()
                    .find(|mo| mo.merchant_uid == month.merchant_uid)
                    .unwrap();
                mo.refunded = mo.refunded.checked_add(refund).unwrap();
            }
        }
        // The card may pay for other plans too (a key is the card, not the plan): delete it
        // only when nothing else is scheduled on it.
        let horizon = UnixTime::from_secs(now.as_secs() + 89 * DAY);
        let others = self
            .client
            .billing_key_schedules(&customer_uid, now, horizon)
            .status(ScheduleStatus::Scheduled)
            .send()
            .await?;
        if others.total == 0 {
            self.client
                .delete_billing_key(&customer_uid)
                .reason("subscription cancelled")
                .send()
                .await?;
        }
        Ok(refund)
    }

    /// The payments of a window as i'mport lists them, in **every** status (a month paid and
    /// refunded in the window is `cancelled` there, and would be missed by the `paid`
    /// listing), against the service's books: paid amount less refunds.
    async fn reconcile(
        &self,
        from: UnixTime,
        to: UnixTime,
    ) -> Result<Vec<Discrepancy>, ServiceError> {
        let listed: Vec<_> = self
            .client
            .payments_by_status(PaymentStatusFilter::All)
            .from(from)
            .to(to)
            .limit(2)
            .stream()
            .try_collect()
            .await?;
        let members = self.members.lock().unwrap();
        let mut found = Vec::new();
        for p in listed {
            let ours = members
                .values()
                .flat_map(|m| &m.months)
                .find(|mo| mo.merchant_uid == p.merchant_uid);
            let Some(month) = ours else {
                found.push(Discrepancy::Unknown(p.merchant_uid));
                continue;
            };
            let ours = match month.state {
                MonthState::Paid => month.amount.checked_sub(month.refunded).unwrap(),
                _ => Amount::ZERO,
            };
            let theirs = match p.status {
                PaymentStatus::Paid | PaymentStatus::Cancelled => {
                    p.amount.checked_sub(p.cancel_amount).unwrap()
                }
                _ => Amount::ZERO,
            };
            if ours != theirs {
                found.push(Discrepancy::Amount {
                    merchant_uid: p.merchant_uid,
                    ours,
                    theirs,
                });
            }
        }
        Ok(found)
    }

    fn month(&self, member: &str, n: usize) -> Month {
        self.members.lock().unwrap()[member].months[n - 1].clone()
    }
}

// ---------------------------------------------------------------------------------------------
// Its tests.

fn card() -> BillingKeyRequest {
    BillingKeyRequest::new("4242-4242-4242-4242", "2029-12")
        .birth("900101")
        .pwd_2digit("12")
}

fn day(start: UnixTime, d: i64) -> UnixTime {
    UnixTime::from_secs(start.as_secs() + d * DAY)
}

/// Hands the mock's webhook notifications to the service's handler and keeps its answers.
fn wire_webhook(billing: &iamport::testing::BillingState<'_>, service: &Arc<Subscriptions>) {
    let service = service.clone();
    billing.notify_with(move |body| {
        let service = service.clone();
        async move {
            let status = service.on_webhook(Some("application/json"), &body).await;
            assert_eq!(
                status,
                200,
                "the handler refused {:?}",
                String::from_utf8_lossy(&body)
            );
        }
    });
}

#[tokio::test]
async fn a_month_is_charged_scheduled_run_by_the_clock_and_marked_paid_by_the_webhook() {
    let mock = MockIamport::start().await;
    let start = UnixTime::now();
    let billing = mock.billing_state(start);
    let service = Subscriptions::new(mock.client());
    wire_webhook(&billing, &service);

    service
        .subscribe("alice", card(), Amount::from(9900), start)
        .await
        .unwrap();
    assert_eq!(service.month("alice", 1).state, MonthState::Paid);
    assert_eq!(service.month("alice", 2).state, MonthState::Scheduled);
    assert!(billing.key("alice-card-1").is_some());

    // Nothing is due the day before; on day 30 the second month runs, the webhook arrives,
    // and the handler marks it paid and schedules the third.
    assert!(billing.advance_to(day(start, 29)).await.is_empty());
    let ran = billing.advance_to(day(start, 30)).await;
    assert_eq!(ran.len(), 1);
    assert_eq!(ran[0].merchant_uid, "sub-alice-2");
    let second = service.month("alice", 2);
    assert_eq!(second.state, MonthState::Paid);
    assert_eq!(second.imp_uid.as_deref(), Some(ran[0].imp_uid.as_str()));
    assert_eq!(service.month("alice", 3).state, MonthState::Scheduled);
    assert_eq!(service.month("alice", 3).starts, day(start, 60));

    let schedules = billing.schedules();
    assert_eq!(schedules.len(), 2);
    assert_eq!(schedules[0].schedule_status, ScheduleStatus::Executed);
    assert_eq!(schedules[1].schedule_status, ScheduleStatus::Scheduled);
    // The schedule, looked up through the client, says how its run went.
    let executed = mock.client().schedule("sub-alice-2").await.unwrap();
    assert_eq!(
        executed.payment_status,
        Some(iamport::SchedulePaymentStatus::Paid)
    );
}

#[tokio::test]
async fn a_declined_scheduled_month_is_marked_failed_and_not_renewed() {
    let mock = MockIamport::start().await;
    let start = UnixTime::now();
    let billing = mock.billing_state(start);
    let service = Subscriptions::new(mock.client());
    wire_webhook(&billing, &service);
    service
        .subscribe("bob", card(), Amount::from(9900), start)
        .await
        .unwrap();

    billing.decline("bob-card-1", "[한도초과] 카드 한도가 초과되었습니다");
    let ran = billing.advance_to(day(start, 31)).await;
    assert_eq!(ran.len(), 1);
    assert_eq!(ran[0].status, PaymentStatus::Failed);
    assert_eq!(service.month("bob", 2).state, MonthState::Failed);
    assert_eq!(
        billing.schedules().len(),
        1,
        "a failed month is not renewed"
    );

    // An immediate charge of the declined card is a decline, not an outage.
    let charge = ChargeBillingKeyRequest::new("bob-card-1", "sub-bob-retry", 9900, PLAN);
    let err = ServiceError::from(mock.client().charge_billing_key(charge).await.unwrap_err());
    assert!(
        matches!(&err, ServiceError::Declined(reason) if reason.contains("한도초과")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_cancel_unschedules_its_own_month_refunds_the_unused_days_and_keeps_a_shared_card() {
    let mock = MockIamport::start().await;
    let start = UnixTime::now();
    let billing = mock.billing_state(start);
    let client = mock.client();
    let service = Subscriptions::new(client.clone());
    wire_webhook(&billing, &service);
    service
        .subscribe("carol", card(), Amount::from(9900), start)
        .await
        .unwrap();
    // Another plan on the same card, scheduled by another part of the business.
    let other = ScheduleEntry::new("addon-carol-1", day(start, 45), 1900);
    client
        .schedule_payments(ScheduleRequest::new("carol-card-1", vec![other]))
        .await
        .unwrap();

    // Day 12 of 30: 18 days unused, 9900 * 18 / 30 = 5940.
    billing.advance_to(day(start, 12)).await;
    let refund = service.cancel("carol", day(start, 12)).await.unwrap();
    assert_eq!(refund, 5940);

    let first = billing.payment("sub-carol-1").unwrap();
    assert_eq!(first.cancel_amount, 5940);
    assert_eq!(first.status, PaymentStatus::Paid, "a partial refund");
    let status_of = |uid: &str| {
        billing
            .schedules()
            .into_iter()
            .find(|s| s.merchant_uid == uid)
            .unwrap()
            .schedule_status
    };
    assert_eq!(status_of("sub-carol-2"), ScheduleStatus::Revoked);
    assert_eq!(
        status_of("addon-carol-1"),
        ScheduleStatus::Scheduled,
        "the other plan on the card is not touched"
    );
    assert_eq!(service.month("carol", 2).state, MonthState::Unscheduled);
    // The add-on still needs the card: it is kept.
    assert!(billing.key("carol-card-1").is_some());

    // A second cancel refunds nothing more.
    assert_eq!(service.cancel("carol", day(start, 13)).await.unwrap(), 0);
    assert_eq!(billing.payment("sub-carol-1").unwrap().cancel_amount, 5940);

    // Nothing of the subscription runs any more; the add-on is charged on its card.
    let ran = billing.advance_to(day(start, 60)).await;
    assert_eq!(ran.len(), 1);
    assert_eq!(ran[0].merchant_uid, "addon-carol-1");
    assert_eq!(ran[0].status, PaymentStatus::Paid);
}

#[tokio::test]
async fn cancelling_the_only_plan_of_a_card_deletes_the_card() {
    let mock = MockIamport::start().await;
    let start = UnixTime::now();
    let billing = mock.billing_state(start);
    let client = mock.client();
    let service = Subscriptions::new(client.clone());
    wire_webhook(&billing, &service);
    service
        .subscribe("dave", card(), Amount::from(9900), start)
        .await
        .unwrap();
    billing.advance_to(day(start, 3)).await;
    // Day 3 of 30: 27 days unused, 9900 * 27 / 30 = 8910.
    assert_eq!(service.cancel("dave", day(start, 3)).await.unwrap(), 8910);
    assert!(billing.key("dave-card-1").is_none());
    assert!(client.billing_key("dave-card-1").await.is_err());
    assert!(billing.advance_to(day(start, 60)).await.is_empty());
}

#[tokio::test]
async fn reconciliation_lists_every_status_so_a_refunded_month_is_not_missed() {
    let mock = MockIamport::start().await;
    let start = UnixTime::now();
    let billing = mock.billing_state(start);
    let client = mock.client();
    let service = Subscriptions::new(client.clone());
    wire_webhook(&billing, &service);
    for member in ["dan", "eve"] {
        service
            .subscribe(member, card(), Amount::from(9900), start)
            .await
            .unwrap();
    }
    billing.advance_to(day(start, 30)).await;
    // Eve cancels on day 30: her second month is refunded in full.
    assert_eq!(service.cancel("eve", day(start, 30)).await.unwrap(), 9900);
    assert_eq!(
        billing.payment("sub-eve-2").unwrap().status,
        PaymentStatus::Cancelled
    );
    // A payment i'mport has and the service does not (made by hand in the console, say).
    let stray = ChargeBillingKeyRequest::new("dan-card-1", "manual-dan-1", 500, "Fee");
    client.charge_billing_key(stray).await.unwrap();

    // The listing of every status, served from what the mock holds now.
    let (from, to) = (start, day(start, 31));
    let listing = || {
        client
            .payments_by_status(PaymentStatusFilter::All)
            .from(from)
            .to(to)
            .limit(2)
    };
    let pages = mock.listing(listing(), &billing.payments());
    assert_eq!(pages.len(), 3); // five payments, two a page

    let found = service.reconcile(from, to).await.unwrap();
    assert_eq!(found, vec![Discrepancy::Unknown("manual-dan-1".into())]);
    for page in &pages {
        page.assert_calls(1);
    }
    // The refunded month is in the listing the service read: a paid-only listing, which it
    // does not use, would not have had it.
    assert!(
        billing
            .payments()
            .iter()
            .any(|p| p.merchant_uid == "sub-eve-2" && p.status == PaymentStatus::Cancelled)
    );
}

#[tokio::test]
async fn a_token_outage_is_reported_as_an_outage_not_a_refusal() {
    let mock = MockIamport::start().await;
    let start = UnixTime::now();
    let billing = mock.billing_state(start);
    let service = Subscriptions::new(
        mock.client_builder()
            .retry(iamport::RetryPolicy::none())
            .build()
            .unwrap(),
    );

    mock.fail_token(TokenFault::Outage(503));
    let err = service
        .subscribe("frank", card(), Amount::from(9900), start)
        .await
        .unwrap_err();
    let ServiceError::Outage(inner) = &err else {
        panic!("a token outage must read as an outage: {err:?}");
    };
    assert_eq!(inner.status(), Some(503));
    assert_eq!(inner.refusal(), None);
    // Nothing reached i'mport: no card registered, nothing charged.
    assert!(billing.key("frank-card-1").is_none());
    assert!(billing.payments().is_empty());
    billing.stub().assert_calls(0);

    // A refused secret, by contrast, is not an outage: the configuration is wrong.
    mock.fail_token(TokenFault::Refused);
    let err = service
        .subscribe("frank", card(), Amount::from(9900), start)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ServiceError::Refused(e) if e.is_auth()),
        "{err:?}"
    );

    // Once the token endpoint is back, the same call goes through.
    mock.restore_token();
    service
        .subscribe("frank", card(), Amount::from(9900), start)
        .await
        .unwrap();
    assert!(billing.key("frank-card-1").is_some());
}

#[tokio::test]
async fn the_webhook_can_be_posted_to_the_services_http_endpoint() {
    use axum::{Router, body::Bytes, http::HeaderMap, routing::post};

    let mock = MockIamport::start().await;
    let start = UnixTime::now();
    let billing = mock.billing_state(start);
    let service = Subscriptions::new(mock.client());
    service
        .subscribe("gina", card(), Amount::from(9900), start)
        .await
        .unwrap();

    let handler_service = service.clone();
    let app = Router::new().route(
        "/iamport/webhook",
        post(move |headers: HeaderMap, body: Bytes| {
            let service = handler_service.clone();
            async move {
                let content_type = headers
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let status = service.on_webhook(content_type.as_deref(), &body).await;
                axum::http::StatusCode::from_u16(status).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/iamport/webhook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    billing.notify_url(url);

    billing.advance_to(day(start, 30)).await;
    assert_eq!(billing.deliveries(), vec![200]);
    assert_eq!(service.month("gina", 2).state, MonthState::Paid);
    assert_eq!(service.month("gina", 3).state, MonthState::Scheduled);
}

#[tokio::test]
async fn a_charge_whose_answer_is_lost_is_reported_as_unknown_not_as_failed() {
    let mock = MockIamport::start().await;
    // Created before the billing state, this stub answers the charge first.
    let lost = mock
        .any_request("POST", "/subscribe/payments/again")
        .drop_connection();
    let start = UnixTime::now();
    let billing = mock.billing_state(start);
    let service = Subscriptions::new(mock.client());

    let err = service
        .subscribe("hana", card(), Amount::from(9900), start)
        .await
        .unwrap_err();
    let ServiceError::Unknown(inner) = &err else {
        panic!("a lost charge must read as unknown: {err:?}");
    };
    let attempted = inner.attempted().unwrap();
    assert_eq!(attempted.merchant_uid.as_deref(), Some("sub-hana-1"));
    assert!(
        billing.key("hana-card-1").is_some(),
        "the card was registered first"
    );
    lost.assert_calls(1);
}
