//! Billing keys, charges and schedules: every recording through the client, the outcome
//! rules of the two charges, declined cards, card data kept out of sight, and paging streams.

mod common;
mod scripted;

use common::assert_unmatched;

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use futures_util::StreamExt;
use iamport::{
    Client, Error, PaymentStatus, RetryPolicy, ScheduleStatus, UnixTime,
    reconcile::ChargeOutcome,
    testing::{MockIamport, billing_key, charged_payment, declined_payment, schedule, token_body},
    types::{
        BillingKeyRequest, ChargeBillingKeyRequest, ChargeOnetimeRequest, ScheduleEntry,
        ScheduleRequest, UnscheduleRequest,
    },
};
use serde_json::json;
use tokio::{
    io::AsyncWriteExt,
    net::{TcpListener, TcpStream},
};

const CARD: &str = "4242-4242-4242-4242";
const EXPIRY: &str = "2029-12";
const BIRTH: &str = "900101";
const PIN: &str = "47";

const OPERATIONS: [&str; 16] = [
    "issue_billing_key",
    "get_billing_key",
    "delete_billing_key",
    "get_billing_keys",
    "get_billing_key_payments",
    "get_billing_key_schedules",
    "charge_billing_key",
    "charge_onetime",
    "schedule_payments",
    "get_schedules",
    "unschedule_payments",
    "get_schedule",
    "update_schedule",
    "retry_schedule",
    "reschedule_schedule",
    "get_customer_schedules",
];

fn onetime(merchant_uid: &str) -> ChargeOnetimeRequest {
    ChargeOnetimeRequest::new(merchant_uid, 15000, CARD, EXPIRY)
        .birth(BIRTH)
        .pwd_2digit(PIN)
        .name("One-day class")
}

fn again(merchant_uid: &str) -> ChargeBillingKeyRequest {
    ChargeBillingKeyRequest::new("member-1-card-1", merchant_uid, 9900, "Monthly plan")
}

#[tokio::test]
async fn every_billing_recording_goes_through_the_client() {
    let recs = common::all_recordings();
    for op in OPERATIONS {
        let of_op: Vec<_> = recs.iter().filter(|r| r.operation == op).collect();
        assert!(of_op.iter().any(|r| r.is_success()), "{op}: no success");
        assert!(of_op.iter().any(|r| !r.is_success()), "{op}: no failure");
        for rec in of_op {
            let found = common::verify(rec).await;
            assert!(found.is_empty(), "{}: {found:#?}", rec.name);
        }
    }
}

#[tokio::test]
async fn recorded_card_numbers_are_test_cards_and_masked_in_responses() {
    let mut cards = 0;
    for rec in common::all_recordings() {
        let request = rec.request.body.clone().unwrap_or_default();
        let number = request
            .get("card_number")
            .map(|v| v.as_str().expect("card_number is a string"));
        if matches!(
            rec.operation.as_str(),
            "issue_billing_key" | "charge_onetime"
        ) {
            assert!(number.is_some(), "{}: no card_number", rec.name);
        }
        if let Some(number) = number {
            let digits: String = number.chars().filter(char::is_ascii_digit).collect();
            assert!(
                ["4242", "5555", "4000"]
                    .iter()
                    .any(|p| digits.starts_with(p)),
                "{}: {number} is not a test card",
                rec.name
            );
            cards += 1;
        }
        let text = rec.response.body.to_string();
        for digits in ["4242424242424242", "5555555555554444", "4000000000000002"] {
            assert!(
                !text.contains(digits),
                "{}: unmasked card in response",
                rec.name
            );
        }
    }
    assert!(cards >= 8, "only {cards} recordings with a card number");
}

#[tokio::test]
async fn paid_charges_are_ok_and_declined_ones_are_errors_carrying_the_payment() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let key = "member-1-card-1";
    let ok = mock.charge_billing_key(
        &again("order-1"),
        &charged_payment("imps_1", "order-1", key, 9900),
    );
    let no = mock.charge_billing_key(
        &again("order-2"),
        &declined_payment("imps_2", "order-2", key, 9900),
    );
    let ok1 = mock.charge_onetime(
        &onetime("order-3"),
        &charged_payment("imps_3", "order-3", key, 15000),
    );
    let no1 = mock.charge_onetime(
        &onetime("order-4"),
        &declined_payment("imps_4", "order-4", key, 15000),
    );

    let paid = client.charge_billing_key(again("order-1")).await.unwrap();
    assert!(paid.is_paid());
    assert_eq!(paid.status, PaymentStatus::Paid);

    let e = client
        .charge_billing_key(again("order-2"))
        .await
        .unwrap_err();
    assert!(e.is_declined(), "{e:?}");
    let failed = e.declined_payment().unwrap();
    assert_eq!(failed.status, PaymentStatus::Failed);
    assert!(!failed.is_paid());
    assert_eq!(failed.fail_reason.as_deref(), Some("[3011] 카드 한도초과"));
    assert!(e.to_string().contains("카드 한도초과"), "{e}");

    assert!(
        client
            .charge_onetime(onetime("order-3"))
            .await
            .unwrap()
            .is_paid()
    );
    let e = client.charge_onetime(onetime("order-4")).await.unwrap_err();
    assert_eq!(e.declined_payment().unwrap().imp_uid, "imps_4");

    for stub in [ok, no, ok1, no1] {
        stub.assert_calls(1);
    }
}

#[tokio::test]
async fn the_outcome_of_a_lost_charge_is_found_by_merchant_uid() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let found = mock.find_payment(
        client.find_payment("order-1"),
        &charged_payment("imps_1", "order-1", "member-1-card-1", 9900),
    );
    let gone = mock.not_found("GET", "/payments/find/order-2");

    let outcome = client.charge_outcome("order-1").send().await.unwrap();
    assert!(
        matches!(&outcome, ChargeOutcome::Paid(p) if p.is_paid()),
        "{outcome:?}"
    );
    let once = client.charge_outcome("order-2").poll_for(Duration::ZERO);
    assert_eq!(once.send().await.unwrap(), ChargeOutcome::NotFound);
    found.assert_calls(1);
    gone.assert_calls(1);
}

/// A charge behind a PG shows up late: the lookup polls while there is no payment or it is
/// still `ready`. A charge answered with a `ready` payment is outcome-unknown, not declined.
#[tokio::test]
async fn the_outcome_of_a_lost_charge_is_polled_until_it_settles() {
    let envelope = |p: &iamport::Payment| {
        serde_json::to_vec(&json!({"code": 0, "message": null, "response": p})).unwrap()
    };
    let mut ready = charged_payment("imps_1", "order-1", "member-1-card-1", 9900);
    ready.status = PaymentStatus::Ready;
    let paid = envelope(&charged_payment(
        "imps_1",
        "order-1",
        "member-1-card-1",
        9900,
    ));
    let mut answered_ready = ready.clone();
    answered_ready.merchant_uid = "order-4".to_owned();
    let (ready, answered_ready) = (envelope(&ready), envelope(&answered_ready));
    let missing = r#"{"code":-1,"message":"존재하지 않는 결제정보입니다.","response":null}"#;
    let server = scripted::Scripted::start(move |seen, n| match seen.path.as_str() {
        "/users/getToken" => scripted::token("tok", 0, 1800),
        "/payments/find/order-1" if n == 0 => scripted::respond(404, missing),
        "/payments/find/order-1" if n == 1 => scripted::respond(200, ready.clone()),
        "/payments/find/order-1" => scripted::respond(200, paid.clone()),
        "/payments/find/order-3" => scripted::respond(200, ready.clone()),
        "/subscribe/payments/again" => scripted::respond(200, answered_ready.clone()),
        _ => scripted::respond(404, missing),
    })
    .await;
    let client = Client::builder()
        .credentials("key", "secret")
        .base_url(&server.base)
        .build()
        .unwrap();
    let quick = |id: &str| {
        client
            .charge_outcome(id)
            .interval(Duration::from_millis(5))
            .poll_for(Duration::from_secs(10))
    };
    let paid = quick("order-1").send().await.unwrap();
    assert!(
        matches!(&paid, ChargeOutcome::Paid(p) if p.imp_uid == "imps_1"),
        "{paid:?}"
    );
    assert_eq!(
        server.hits("/payments/find/order-1"),
        3,
        "missing, ready, paid"
    );

    // Looked once (the polling above is the same loop).
    let short = |id: &str| quick(id).poll_for(Duration::ZERO);
    assert_eq!(
        short("order-2").send().await.unwrap(),
        ChargeOutcome::NotFound
    );
    assert_eq!(server.hits("/payments/find/order-2"), 1);
    let pending = short("order-3").send().await.unwrap();
    assert!(matches!(&pending, ChargeOutcome::Pending(p) if p.status == PaymentStatus::Ready));

    let charge = ChargeBillingKeyRequest::new("member-1-card-1", "order-4", 9900, "Plan");
    let err = client.charge_billing_key(charge).await.unwrap_err();
    assert!(err.is_outcome_unknown() && !err.is_declined(), "{err:?}");
    let Error::OutcomeUnknown { source, attempted } = &err else {
        panic!("{err:?}")
    };
    assert!(
        matches!(**source, Error::Pending(ref p) if p.merchant_uid == "order-4"),
        "{source:?}"
    );
    assert_eq!(attempted.merchant_uid.as_deref(), Some("order-4"));
    assert_eq!(attempted.operation, "charge_billing_key");
}

/// What a hand-rolled server does with a charge (token requests are always answered).
#[derive(Clone, Copy)]
enum Act {
    /// Read the request, never answer.
    Hang,
    /// Read the request, then reset the connection.
    Reset,
    /// Answer with a paid payment.
    Pay,
}

/// The count of API requests a server read, and a signal for each.
#[derive(Default)]
struct Hits {
    count: AtomicUsize,
    read: tokio::sync::Notify,
}

impl Hits {
    fn add(&self) {
        self.count.fetch_add(1, Ordering::SeqCst);
        self.read.notify_waiters();
    }

    fn get(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    /// Waits until the server has read `n` requests, and returns how many it has read.
    async fn reached(&self, n: usize) -> usize {
        loop {
            // Created before the count is read, it sees every later request.
            let next = self.read.notified();
            if self.get() >= n {
                return self.get();
            }
            next.await;
        }
    }
}

/// A server that plays `act` for every API request; returns its base URL and the count of API
/// requests it read.
async fn charge_server(act: Act) -> (String, Arc<Hits>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(Hits::default());
    tokio::spawn(serve(listener, act, hits.clone()));
    (base, hits)
}

async fn serve(listener: TcpListener, act: Act, hits: Arc<Hits>) {
    while let Ok((stream, _)) = listener.accept().await {
        tokio::spawn(connection(stream, act, hits.clone()));
    }
}

async fn connection(mut stream: TcpStream, act: Act, hits: Arc<Hits>) {
    while let Some(path) = common::read_request_path(&mut stream).await {
        if path == "/users/getToken" {
            respond(&mut stream, &token_body("charge0token")).await;
            continue;
        }
        hits.add();
        match act {
            Act::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return;
            }
            Act::Reset => {
                let _ = stream.set_zero_linger();
                return;
            }
            Act::Pay => {
                let p = charged_payment("imps_9", "order-9", "member-1-card-1", 9900);
                let body = json!({"code": 0, "message": null, "response": p});
                respond(&mut stream, &serde_json::to_vec(&body).unwrap()).await;
            }
        }
    }
}

async fn respond(stream: &mut TcpStream, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body).await;
}

fn fast_client(base: &str) -> Client {
    Client::builder()
        .credentials("key", "secret")
        .base_url(base)
        .timeout(Duration::from_millis(500))
        .retry(
            RetryPolicy::default()
                .max_attempts(10)
                .initial_backoff(Duration::from_millis(50))
                .max_backoff(Duration::from_millis(100)),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_charge_that_may_have_arrived_is_outcome_unknown_and_sent_once() {
    for act in [Act::Hang, Act::Reset] {
        for onetime_charge in [false, true] {
            let (base, hits) = charge_server(act).await;
            let client = fast_client(&base);
            let result = if onetime_charge {
                client.charge_onetime(onetime("order-9")).await
            } else {
                client.charge_billing_key(again("order-9")).await
            };
            let e = result.unwrap_err();
            assert!(e.is_outcome_unknown(), "{e:?}");
            let attempted = e
                .attempted()
                .expect("OutcomeUnknown carries what was asked");
            let expected = if onetime_charge {
                "charge_onetime"
            } else {
                "charge_billing_key"
            };
            assert_eq!(attempted.operation, expected);
            // What the caller needs to look the charge up by.
            assert_eq!(attempted.merchant_uid.as_deref(), Some("order-9"));
            // The server may read the request after the client gave up on it (`Hang`); the
            // call is over, so nothing more is sent after that.
            assert_eq!(hits.reached(1).await, 1, "{expected} sent again");
        }
    }
}

#[tokio::test]
async fn a_charge_answered_by_a_gateway_error_is_not_sent_again() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let gateway = mock.error("POST", "/subscribe/payments/again", 502, -1, "bad gateway");
    let e = client
        .charge_billing_key(again("order-1"))
        .await
        .unwrap_err();
    assert!(e.is_outcome_unknown(), "{e:?}");
    gateway.assert_calls(1);
}

#[tokio::test]
async fn a_charge_that_surely_did_not_arrive_is_retried() {
    for onetime_charge in [false, true] {
        // A token first, from a server that then goes away: the port refuses connections.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(Hits::default());
        let server = tokio::spawn(serve(listener, Act::Pay, hits.clone()));
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap();
        let client = Client::builder()
            .credentials("key", "secret")
            .base_url(format!("http://{addr}"))
            .http_client(http)
            .retry(
                RetryPolicy::default()
                    .max_attempts(20)
                    .initial_backoff(Duration::from_millis(100))
                    .max_backoff(Duration::from_millis(100)),
            )
            .build()
            .unwrap();
        client.authenticate().await.unwrap();
        server.abort();
        let _ = server.await;

        // The server comes back while the client is retrying.
        let (back_hits, back) = (hits.clone(), addr);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(250)).await;
            let listener = TcpListener::bind(back).await.unwrap();
            serve(listener, Act::Pay, back_hits).await;
        });
        let paid = if onetime_charge {
            client.charge_onetime(onetime("order-9")).await
        } else {
            client.charge_billing_key(again("order-9")).await
        };
        assert!(paid.unwrap().is_paid());
        assert_eq!(hits.get(), 1);
    }
}

/// Every formatted `tracing` event.
#[test]
fn card_data_never_shows_in_debug_errors_or_tracing() {
    let (shown, logs) = common::with_logs(async {
        let mut shown = Vec::new();
        let key_request = BillingKeyRequest::new(CARD, EXPIRY)
            .birth(BIRTH)
            .pwd_2digit(PIN)
            .cvc("123")
            .customer_name("김지수")
            .customer_tel("01055550123");
        shown.push(format!("{key_request:?}"));
        shown.push(format!("{:?}", onetime("order-1")));
        let schedule_request = ScheduleRequest::new("member-1-card-1", vec![])
            .card_number(CARD)
            .expiry(EXPIRY)
            .birth(BIRTH)
            .pwd_2digit(PIN);
        shown.push(format!("{schedule_request:?}"));
        shown.push(format!("{:?}", billing_key("member-1-card-1")));

        let mock = MockIamport::start().await;
        let client = mock.client();
        // Refused by the server, answered as paid, lost on the way back, and refused before
        // sending (a malformed card number and expiry must not be echoed either).
        let _refused = mock.error(
            "POST",
            "/subscribe/customers/member-1-card-1",
            200,
            -1,
            "카드정보 인증 및 빌키 발급에 실패하였습니다.",
        );
        let e = client
            .issue_billing_key("member-1-card-1", key_request.clone())
            .await
            .unwrap_err();
        shown.push(format!("{e} {e:?}"));
        let _paid = mock.charge_onetime(
            &onetime("order-1"),
            &charged_payment("imps_1", "order-1", "m-1", 15000),
        );
        let p = client.charge_onetime(onetime("order-1")).await.unwrap();
        shown.push(format!("{p:?}"));
        let e = client.charge_onetime(onetime("order-2")).await.unwrap_err();
        shown.push(format!("{e} {e:?}"));
        let (base, _hits) = charge_server(Act::Reset).await;
        let e = fast_client(&base)
            .charge_onetime(onetime("order-3"))
            .await
            .unwrap_err();
        assert!(e.is_outcome_unknown(), "{e:?}");
        shown.push(format!("{e} {e:?}"));
        for (number, expiry) in [("4242424242424242", EXPIRY), (CARD, "2029/12")] {
            let bad = ChargeOnetimeRequest::new("order-4", 100, number, expiry);
            let e = client.charge_onetime(bad).await.unwrap_err();
            assert!(matches!(e, Error::InvalidInput { .. }), "{e:?}");
            shown.push(format!("{e} {e:?}"));
            assert!(!shown.last().unwrap().contains("4242424242424242"));
            assert!(!shown.last().unwrap().contains("2029/12"));
        }
        shown
    });

    assert!(logs.contains("sending"), "{logs}");
    for text in shown.iter().chain([&logs]) {
        for secret in [CARD, "4242424242424242", EXPIRY, BIRTH, "42424242****4242"] {
            assert!(!text.contains(secret), "{secret:?} shown in:\n{text}");
        }
        assert!(
            !text.contains("김지수") && !text.contains("01055550123"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn inputs_are_checked_before_anything_is_sent() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let past = UnixTime::from_secs(UnixTime::now().as_secs() - 60);
    let later = UnixTime::from_secs(UnixTime::now().as_secs() + 86_400);
    let field = |r: iamport::Result<_>| match r {
        Err(Error::InvalidInput { field, .. }) => field,
        other => panic!("not refused: {:?}", other.map(|_: ()| ())),
    };
    let unit = |r: iamport::Result<Vec<_>>| r.map(|_| ());

    let entry = |mid: &str, at| ScheduleEntry::new(mid, at, 9900);
    let req = ScheduleRequest::new("member-1-card-1", vec![entry("sub-1", past)]);
    assert_eq!(
        field(unit(client.schedule_payments(req).await)),
        "schedule_at"
    );
    let twice = vec![entry("sub-1", later), entry("sub-1", later)];
    let req = ScheduleRequest::new("member-1-card-1", twice);
    assert_eq!(
        field(unit(client.schedule_payments(req).await)),
        "merchant_uid"
    );
    let req = ScheduleRequest::new("member-1-card-1", vec![]);
    assert_eq!(
        field(unit(client.schedule_payments(req).await)),
        "schedules"
    );
    let negative = vec![ScheduleEntry::new("sub-1", later, -1)];
    let req = ScheduleRequest::new("member-1-card-1", negative);
    assert_eq!(field(unit(client.schedule_payments(req).await)), "amount");
    let req =
        ScheduleRequest::new("member-1-card-1", vec![entry("sub-1", later)]).expiry("2029-13");
    assert_eq!(field(unit(client.schedule_payments(req).await)), "expiry");
    let nothing = UnscheduleRequest::new();
    assert_eq!(
        field(unit(client.unschedule_payments(nothing).await)),
        "merchant_uid"
    );
    let key_alone = UnscheduleRequest::new().customer_uid("member-1-card-1");
    assert_eq!(
        field(unit(client.unschedule_payments(key_alone).await)),
        "merchant_uid"
    );
    assert_eq!(
        field(unit(client.unschedule_all_payments("").await)),
        "customer_uid"
    );
    let r = client.move_schedule("sub-1", past).await.map(|_| ());
    assert_eq!(field(r), "schedule_at");
    let long = "k".repeat(81);
    assert_eq!(
        field(client.billing_key(&long).await.map(|_| ())),
        "customer_uid"
    );
    let many: Vec<String> = (0..101).map(|i| format!("member-{i}")).collect();
    assert_eq!(
        field(client.billing_keys(many).await.map(|_| ())),
        "customer_uid"
    );
    let r = client
        .charge_billing_key(again("order-1").tax_free(-5))
        .await;
    assert_eq!(field(r.map(|_| ())), "tax_free");
    let r = client.schedules(later, past).send().await.map(|_| ());
    assert_eq!(field(r), "from");
    let r = client
        .schedules(past, later)
        .limit(1001)
        .send()
        .await
        .map(|_| ());
    assert_eq!(field(r), "limit");
    let card = BillingKeyRequest::new(CARD, EXPIRY).birth("9001");
    let r = client
        .issue_billing_key("member-1-card-1", card)
        .await
        .map(|_| ());
    assert_eq!(field(r), "birth");
    assert_eq!(mock.token_mock().calls(), 0, "something was sent");
}

fn page_body(
    page: u32,
    next: u32,
    total: usize,
    list: Vec<iamport::Schedule>,
) -> serde_json::Value {
    json!({"code": 0, "message": null, "response": {
        "total": total, "previous": page.saturating_sub(1), "next": next, "list": list}})
}

#[tokio::test]
async fn schedule_streams_keep_their_window_and_end() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let (from, to) = (
        UnixTime::from_secs(1_790_000_000),
        UnixTime::from_secs(1_797_000_000),
    );
    let at = UnixTime::from_secs(1_795_000_000);
    let s = |i: u32| schedule(format!("sub-{i}"), "member-1-card-1", at, 9900);
    let page = |n: u32, next: u32, list| {
        mock.server().mock(|when, then| {
            when.method("GET")
                .path("/subscribe/payments/schedule")
                .query_param("schedule_from", "1790000000")
                .query_param("schedule_to", "1797000000")
                .query_param("schedule_status", "scheduled")
                .query_param("page", n.to_string())
                .header("authorization", format!("Bearer {}", MockIamport::TOKEN));
            then.status(200).json_body(page_body(n, next, 3, list));
        })
    };
    let p1 = page(1, 2, vec![s(1), s(2)]);
    let p2 = page(2, 0, vec![s(3)]);
    let all: Vec<_> = client
        .schedules(from, to)
        .status(ScheduleStatus::Scheduled)
        .stream()
        .collect()
        .await;
    let ids: Vec<String> = all.into_iter().map(|r| r.unwrap().merchant_uid).collect();
    assert_eq!(ids, ["sub-1", "sub-2", "sub-3"]);
    p1.assert_calls(1);
    p2.assert_calls(1);

    // A server that always offers another page: the stream ends where the first page's total
    // says the pages end (3 items in pages of 2: no page past the second, here page 9).
    let endless = mock.server().mock(|when, then| {
        when.method("GET")
            .path("/subscribe/customers/member-1-card-1/schedules")
            .query_param("from", "1790000000")
            .query_param("to", "1797000000");
        then.status(200)
            .json_body(page_body(1, 9, 3, vec![s(1), s(2)]));
    });
    let mut items = 0;
    let mut stream = std::pin::pin!(
        client
            .billing_key_schedules("member-1-card-1", from, to)
            .stream()
    );
    while let Some(item) = stream.next().await {
        item.unwrap();
        items += 1;
        assert!(items <= 3, "the stream does not end");
    }
    assert_eq!(items, 2);
    endless.assert_calls(1);
}

#[tokio::test]
async fn a_keys_payments_stream_over_pages() {
    let server = httpmock::MockServer::start_async().await;
    let _token = common::token_mock(&server);
    let rec = common::recording("get_billing_key_payments.ok");
    let mut body = rec.response.body.clone();
    body["response"]["next"] = json!(0);
    let first = common::serve_response(
        &server,
        &rec,
        Some(common::TOKEN),
        200,
        serde_json::to_vec(&body).unwrap(),
    );
    let client = common::client(&server);
    let payments: Vec<_> = client
        .billing_key_payments("member-3108-card-1")
        .page(1)
        .stream()
        .collect()
        .await;
    let expected = body["response"]["list"].as_array().unwrap().len();
    assert_eq!(payments.len(), expected);
    assert!(payments.iter().all(Result::is_ok));
    first.assert_calls(1);
}

#[tokio::test]
async fn a_batch_of_keys_names_the_missing_ones() {
    let server = httpmock::MockServer::start_async().await;
    let _token = common::token_mock(&server);
    let client = common::client(&server);
    let partial = common::serve(&server, &common::recording("get_billing_keys.partial"));
    let batch = client
        .billing_keys(["member-3108-card-1", "member-9999-card-1"])
        .await
        .unwrap();
    assert_eq!(batch.keys.len(), 1);
    assert_eq!(batch.missing, ["member-9999-card-1"]);
    partial.assert_calls(1);
    let none = common::serve(&server, &common::recording("get_billing_keys.none_found"));
    let batch = client.billing_keys(["member-9999-card-1"]).await.unwrap();
    assert!(batch.keys.is_empty() && !batch.is_complete());
    none.assert_calls(1);
}

#[tokio::test]
async fn an_unknown_schedule_status_is_kept() {
    let mock = MockIamport::start().await;
    let mut s = serde_json::to_value(schedule(
        "sub-1",
        "member-1-card-1",
        UnixTime::from_secs(1),
        1,
    ))
    .unwrap();
    s["schedule_status"] = json!("executing");
    let stub = mock.server().mock(|when, then| {
        when.method("GET")
            .path("/subscribe/payments/schedule/sub-1");
        then.status(200)
            .json_body(json!({"code": 0, "message": null, "response": s}));
    });
    let got = mock.client().schedule("sub-1").await.unwrap();
    assert_eq!(got.schedule_status, ScheduleStatus::from("executing"));
    assert!(got.schedule_status.is_unknown());
    assert_eq!(got.payment_status, None);
    assert_eq!(got.executed_at, None);
    stub.assert_calls(1);
}

#[tokio::test]
async fn billing_stubs_answer_exactly_the_request_sent() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let uid = "member-1-card-1";
    let key = billing_key(uid);

    let card = BillingKeyRequest::new(CARD, EXPIRY)
        .birth(BIRTH)
        .pwd_2digit(PIN);
    let issue = mock.issue_billing_key(&card, &key);
    let other_card = BillingKeyRequest::new(CARD, "2030-01")
        .birth(BIRTH)
        .pwd_2digit(PIN);
    let other = client.issue_billing_key(uid, other_card).await;
    assert_unmatched(
        &other.unwrap_err(),
        "POST /subscribe/customers/member-1-card-1",
    );
    assert_eq!(client.issue_billing_key(uid, card).await.unwrap(), key);

    let batch = mock.billing_keys([uid, "member-2-card-1"], std::slice::from_ref(&key));
    let found = client.billing_keys([uid, "member-2-card-1"]).await.unwrap();
    assert_eq!(found.missing, ["member-2-card-1"]);

    let delete =
        mock.delete_billing_key(client.delete_billing_key(uid).reason("card changed"), &key);
    let no_reason = client.delete_billing_key(uid).send().await;
    assert_unmatched(
        &no_reason.unwrap_err(),
        "DELETE /subscribe/customers/member-1-card-1",
    );
    let deleted = client
        .delete_billing_key(uid)
        .reason("card changed")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted, key);

    let at = UnixTime::from_secs(UnixTime::now().as_secs() + 30 * 86_400);
    let planned = schedule("sub-1", uid, at, 9900);
    let request = ScheduleRequest::new(uid, vec![ScheduleEntry::new("sub-1", at, 9900)]);
    let sched = mock.schedule_payments(&request, std::slice::from_ref(&planned));
    let more = ScheduleRequest::new(uid, vec![ScheduleEntry::new("sub-1", at, 9901)]);
    let more = client.schedule_payments(more).await;
    assert_unmatched(&more.unwrap_err(), "POST /subscribe/payments/schedule");
    let scheduled = client.schedule_payments(request).await.unwrap();
    assert_eq!(scheduled, std::slice::from_ref(&planned));

    let revoke = UnscheduleRequest::new()
        .customer_uid(uid)
        .merchant_uid(vec!["sub-1".to_owned()]);
    let unsched = mock.unschedule_payments(&revoke, std::slice::from_ref(&planned));
    let another = UnscheduleRequest::new()
        .customer_uid(uid)
        .merchant_uid(vec!["sub-2".to_owned()]);
    let another = client.unschedule_payments(another).await;
    assert_unmatched(&another.unwrap_err(), "POST /subscribe/payments/unschedule");
    let revoked = client.unschedule_payments(revoke).await.unwrap();
    assert_eq!(revoked[0].schedule_status, ScheduleStatus::Revoked);

    let mut moved = planned.clone();
    moved.schedule_at = UnixTime::from_secs(at.as_secs() + 86_400);
    let move_stub = mock.move_schedule(&moved);
    let again_stub = mock.reschedule_payment(&moved);
    let unmoved = client.move_schedule("sub-1", at).await;
    assert_unmatched(
        &unmoved.unwrap_err(),
        "PUT /subscribe/payments/schedule/sub-1",
    );
    assert_eq!(
        client
            .move_schedule("sub-1", moved.schedule_at)
            .await
            .unwrap(),
        moved
    );
    let rescheduled = client.reschedule_payment("sub-1", moved.schedule_at).await;
    assert_eq!(rescheduled.unwrap(), moved);

    let retried = charged_payment("imps_9", "sub-1", uid, 9900);
    let retry = mock.retry_schedule(&retried);
    assert_eq!(client.retry_schedule("sub-1").await.unwrap(), retried);
    let lookup = mock.schedule(&moved);
    assert_eq!(client.schedule("sub-1").await.unwrap(), moved);

    for stub in [
        issue, batch, delete, sched, unsched, move_stub, again_stub, retry, lookup,
    ] {
        stub.assert_calls(1);
    }
}

#[tokio::test]
async fn listings_of_a_keys_payments_and_of_schedules_are_stubbed_page_by_page() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let uid = "member-1-card-1";
    // The server fixes the page size of a key's payments; the kit takes it as 20.
    let charges: Vec<_> = (1..=45)
        .map(|i| charged_payment(format!("imps_{i}"), format!("sub-{i}"), uid, 9900))
        .collect();
    let pages = mock.listing(client.billing_key_payments(uid), &charges);
    assert_eq!(pages.len(), 3);
    let seen: Vec<_> = client
        .billing_key_payments(uid)
        .stream()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(seen, charges);
    for page in &pages {
        page.assert_calls(1);
    }

    let from = UnixTime::now();
    let to = UnixTime::from_secs(from.as_secs() + 60 * 86_400);
    let planned: Vec<_> = (1..=3)
        .map(|i| schedule(format!("sub-{i}"), uid, to, 9900))
        .collect();
    let all = || {
        client
            .schedules(from, to)
            .status(ScheduleStatus::Scheduled)
            .limit(2)
    };
    let pages = mock.listing(all(), &planned);
    let of_key = mock.listing(client.billing_key_schedules(uid, from, to), &planned);
    let of_customer = mock.listing(client.customer_schedules(uid, from, to), &planned[..1]);
    assert_eq!((pages.len(), of_key.len(), of_customer.len()), (2, 1, 1));

    let seen: Vec<_> = all().stream().map(Result::unwrap).collect().await;
    assert_eq!(seen, planned);
    let key_page = client
        .billing_key_schedules(uid, from, to)
        .send()
        .await
        .unwrap();
    assert_eq!(key_page.list, planned);
    let customer_page = client
        .customer_schedules(uid, from, to)
        .send()
        .await
        .unwrap();
    assert_eq!(customer_page.list, planned[..1]);
    // Another window is another request.
    let later = UnixTime::from_secs(to.as_secs() + 1);
    let other_window = client.billing_key_schedules(uid, from, later).send().await;
    assert_unmatched(
        &other_window.unwrap_err(),
        "GET /subscribe/customers/member-1-card-1/schedules",
    );
}

/// A super billing key (a smart-routing group's) decodes as its own shape: the channels that
/// issued a key and those that failed, no PG of its own; a standard key stays the other shape.
#[tokio::test]
async fn a_super_billing_key_is_told_apart_from_a_standard_one() {
    let server = httpmock::MockServer::start_async().await;
    let _token = common::token_mock(&server);
    let client = common::client(&server);
    let api = common::serve(&server, &common::recording("get_billing_key.super_key"));
    let key = client.billing_key("member-3108-super-1").await.unwrap();
    api.assert_calls(1);
    assert!(key.is_super() && key.as_standard().is_none());
    assert_eq!(key.customer_uid(), "member-3108-super-1");
    let group = key.as_super().unwrap();
    assert_eq!(group.channel_group_id, "channel-group-7c2e91");
    let pgs: Vec<&str> = group
        .succeeded_channels
        .iter()
        .map(|c| c.pg_provider.as_str())
        .collect();
    assert_eq!(pgs, ["nice_v2", "paypal_v2"]);
    assert_eq!(group.succeeded_channels[1].card_number, None);
    let failed = &group.failed_channels[0];
    assert_eq!(failed.pg_provider, "tosspayments");
    assert_eq!(failed.r#type, iamport::ChannelFailure::PgProvider);
    // The holder and the masked card stay out of `Debug`, as on a standard key.
    let shown = format!("{key:?}");
    assert!(
        !shown.contains("이서연") && !shown.contains("****4242"),
        "{shown}"
    );

    let standard = common::serve(&server, &common::recording("get_billing_key.ok"));
    let key = client.billing_key("member-3108-card-1").await.unwrap();
    standard.assert_calls(1);
    let card = key.as_standard().expect("a standard key");
    assert_eq!(card.pg_provider, "nice_v2");
    assert!(!key.is_super());
}

/// One batch answer may hold both shapes; an unknown failure type of a channel is kept.
#[tokio::test]
async fn a_batch_holds_both_shapes_and_unknown_failure_types_are_kept() {
    let server = httpmock::MockServer::start_async().await;
    let _token = common::token_mock(&server);
    let client = common::client(&server);
    let batch = common::serve(&server, &common::recording("get_billing_keys.mixed_shapes"));
    let found = client
        .billing_keys(["member-3108-card-1", "member-3108-super-1"])
        .await
        .unwrap();
    batch.assert_calls(1);
    assert!(found.is_complete(), "{:?}", found.missing);
    let shapes: Vec<bool> = found.keys.iter().map(|k| k.is_super()).collect();
    assert_eq!(shapes, [false, true]);

    let deleted = common::serve(&server, &common::recording("delete_billing_key.super_key"));
    let key = client
        .delete_billing_key("member-3108-super-1")
        .send()
        .await
        .unwrap();
    deleted.assert_calls(1);
    let failure = &key.as_super().unwrap().failed_channels[0].r#type;
    assert_eq!(failure.as_str(), "CHANNEL_DISABLED");
    assert_eq!(
        serde_json::to_value(failure).unwrap(),
        json!("CHANNEL_DISABLED")
    );
}

/// The testing kit stubs a super key like a standard one, by its id.
#[tokio::test]
async fn the_testing_kit_serves_a_super_billing_key() {
    let mock = MockIamport::start().await;
    let stub = mock.billing_key(&iamport::testing::super_billing_key("member-1-super-1"));
    let key = mock.client().billing_key("member-1-super-1").await.unwrap();
    assert!(key.is_super());
    assert_eq!(key.customer_uid(), "member-1-super-1");
    stub.assert_calls(1);
}
