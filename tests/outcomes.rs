//! Outcome rules for requests that change something: sent again only when they surely did not
//! arrive; any answer other than a clear success or a clear refusal is `OutcomeUnknown`; and
//! `cancellation_outcome` tells what became of a cancel whose outcome is unknown.

mod common;
mod scripted;

use std::time::Duration;

use iamport::{Amount, Attempted, Client, Error, RetryPolicy, UnixTime, reconcile::CancelOutcome};
use scripted::{Act, Scripted, respond, respond_with, token};
use serde_json::{Value, json};

const ID: &str = "imp_448280090638";

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(20))
        .max_elapsed(Duration::from_secs(10))
}

fn client(base: &str) -> Client {
    Client::builder()
        .credentials("key", "secret")
        .base_url(base)
        .timeout(Duration::from_millis(400))
        .retry(fast_retries())
        // Recorded schedule times were in the future on the day they were recorded.
        .fixed_now(iamport::testing::RECORDED_AT)
        .build()
        .unwrap()
}

fn payment_envelope(cancel_history: Value) -> Vec<u8> {
    let mut body = common::recording("get_payment.card_paid").response.body;
    body["response"]["cancel_history"] = cancel_history;
    serde_json::to_vec(&body).unwrap()
}

/// A server answering tokens, and every other request with `act`.
async fn server(act: Act) -> Scripted {
    Scripted::start(move |seen, _| {
        if seen.path == "/users/getToken" {
            token("tok", 1_700_000_000, 1_700_001_800)
        } else {
            act.clone()
        }
    })
    .await
}

fn assert_unknown(err: &Error, what: &str) {
    assert!(err.is_outcome_unknown(), "{what}: {err:?}");
    assert!(!err.is_retryable(), "{what}: {err:?}");
}

/// Finding 1: a cancel carrying `checksum` is sent once when its answer is lost, like any
/// other change, and the error says what to reconcile.
#[tokio::test]
async fn a_cancel_with_checksum_is_never_sent_again_once_it_may_have_arrived() {
    let gateway = || respond(504, "<html>Gateway Timeout</html>");
    for (what, act) in [
        ("reset mid-body", Act::ResetMidBody),
        ("closed without an answer", Act::Close),
        ("timeout", Act::Hang),
        ("502", respond(502, "<html>Bad Gateway</html>")),
        ("503", respond(503, "<html>Unavailable</html>")),
        ("504", gateway()),
    ] {
        let server = server(act).await;
        let err = client(&server.base)
            .cancel_payment()
            .imp_uid(ID)
            .amount(1000)
            .checksum(32000)
            .send()
            .await
            .unwrap_err();
        assert_unknown(&err, what);
        assert_eq!(server.hits("/payments/cancel"), 1, "{what}: sent once");
        let attempted = err.attempted().unwrap();
        assert_eq!(attempted.operation, "cancel_payment");
        assert_eq!(attempted.imp_uid.as_deref(), Some(ID));
        assert_eq!(attempted.amount, Some(Amount::from(1000)));
        assert!(attempted.started_at <= UnixTime::now());
    }
}

/// Finding 1, every operation that changes something: once it may have arrived, sent once.
#[tokio::test]
async fn every_change_is_sent_once_when_its_answer_is_lost() {
    let changes: Vec<_> = common::all_recordings()
        .into_iter()
        .filter(|r| r.is_success() && r.request.method != "GET" && r.operation != "get_token")
        .collect();
    assert!(changes.len() >= 6, "{}", changes.len());
    for rec in changes {
        for act in [
            Act::ResetMidBody,
            respond(504, "<html>Gateway Timeout</html>"),
        ] {
            let server = server(act.clone()).await;
            let err = common::dispatch(&client(&server.base), &rec)
                .await
                .expect_err(&rec.name);
            assert_unknown(&err, &rec.name);
            assert_eq!(server.api_hits(), 1, "{}: {act:?}", rec.name);
            assert_eq!(err.attempted().unwrap().operation, rec.operation);
        }
    }
}

/// Finding 2: answers that are neither a clear success nor a clear refusal.
#[tokio::test]
async fn ambiguous_answers_to_a_change_are_outcome_unknown() {
    let cases: Vec<(&str, Act, usize)> = vec![
        (
            "plain 500",
            respond(500, "<html>Internal Server Error</html>"),
            usize::MAX,
        ),
        (
            "500 with an envelope",
            respond(
                500,
                r#"{"code":-1,"message":"server error","response":null}"#,
            ),
            usize::MAX,
        ),
        (
            "code 0 without response",
            respond(200, r#"{"code":0,"message":null}"#),
            usize::MAX,
        ),
        (
            "code 0, response null",
            respond(200, r#"{"code":0,"message":null,"response":null}"#),
            usize::MAX,
        ),
        (
            "code 0, undecodable payload",
            respond(200, r#"{"code":0,"message":null,"response":{"imp_uid":5}}"#),
            usize::MAX,
        ),
        (
            "code 0, too large",
            respond(200, payment_envelope(json!([]))),
            300,
        ),
        ("empty 200", respond(200, ""), usize::MAX),
        (
            "redirect",
            respond_with(307, "location: /elsewhere\r\n", ""),
            usize::MAX,
        ),
    ];
    for (what, act, limit) in cases {
        let server = server(act).await;
        let client = Client::builder()
            .credentials("key", "secret")
            .base_url(&server.base)
            .retry(fast_retries())
            .max_response_bytes(limit)
            .build()
            .unwrap();
        let err = client
            .cancel_payment()
            .imp_uid(ID)
            .amount(1000)
            .send()
            .await
            .unwrap_err();
        assert_unknown(&err, what);
        assert_eq!(server.hits("/payments/cancel"), 1, "{what}");
        // The cause is kept.
        assert!(std::error::Error::source(&err).is_some(), "{what}");
    }
}

/// Clear refusals stay what they are; a refusal is never `OutcomeUnknown`.
#[tokio::test]
async fn clear_refusals_of_a_change_are_reported_as_refusals() {
    for (what, act) in [
        (
            "200 with a non-zero code",
            respond(
                200,
                r#"{"code":1,"message":"이미 취소된 거래입니다","response":null}"#,
            ),
        ),
        (
            "non-zero code and a payload of the wrong shape",
            respond(200, r#"{"code":1,"message":"no","response":{"imp_uid":5}}"#),
        ),
        (
            "400 envelope",
            respond(400, r#"{"code":-1,"message":"bad","response":null}"#),
        ),
        (
            "404 envelope",
            respond(404, r#"{"code":-1,"message":"없음","response":null}"#),
        ),
    ] {
        let server = server(act).await;
        let err = client(&server.base)
            .cancel_payment()
            .imp_uid(ID)
            .full()
            .send()
            .await
            .unwrap_err();
        assert!(!err.is_outcome_unknown(), "{what}: {err:?}");
        assert!(err.api_code().is_some(), "{what}: {err:?}");
        assert_eq!(server.hits("/payments/cancel"), 1, "{what}");
    }
}

/// What surely did not arrive is sent again: a 429 (and a refused connection, see faults.rs).
#[tokio::test]
async fn a_change_answered_429_is_sent_again() {
    let ok = payment_envelope(json!([]));
    let server = Scripted::start(move |seen, n| match seen.path.as_str() {
        "/users/getToken" => token("tok", 1_700_000_000, 1_700_001_800),
        _ if n == 0 => respond(429, r#"{"code":-1,"message":"slow down","response":null}"#),
        _ => respond(200, ok.clone()),
    })
    .await;
    let p = client(&server.base)
        .cancel_payment()
        .imp_uid(ID)
        .amount(1000)
        .checksum(32000)
        .send()
        .await
        .unwrap();
    assert_eq!(p.imp_uid, ID);
    assert_eq!(server.hits("/payments/cancel"), 2);
    // The second attempt is the same request, built again: same method, token and body.
    let sent: Vec<_> = server
        .seen()
        .into_iter()
        .filter(|s| s.path == "/payments/cancel")
        .collect();
    let body: serde_json::Value = serde_json::from_slice(&sent[0].body).unwrap();
    assert_eq!(body["checksum"], 32000, "{body}");
    for again in &sent[1..] {
        assert_eq!(
            (&again.method, &again.authorization, &again.body),
            (&sent[0].method, &sent[0].authorization, &sent[0].body)
        );
    }
}

/// The reconcile helper, right after `OutcomeUnknown`: the cancel went through behind a
/// gateway and shows up on the second lookup.
#[tokio::test]
async fn cancellation_outcome_finds_a_cancel_that_went_through() {
    let now = UnixTime::now().as_secs();
    let before = payment_envelope(json!([
        {"pg_tid": "old", "amount": 1000, "cancelled_at": now - 3600, "reason": "earlier", "receipt_url": null}
    ]));
    let after = payment_envelope(json!([
        {"pg_tid": "old", "amount": 1000, "cancelled_at": now - 3600, "reason": "earlier", "receipt_url": null},
        {"pg_tid": "new", "amount": 1000, "cancelled_at": now + 1, "reason": "this one", "receipt_url": null}
    ]));
    let server = Scripted::start(move |seen, n| match seen.path.as_str() {
        "/users/getToken" => token("tok", 1_700_000_000, 1_700_001_800),
        "/payments/cancel" => respond(504, "<html>Gateway Timeout</html>"),
        _ if n == 0 => respond(200, before.clone()),
        _ => respond(200, after.clone()),
    })
    .await;
    let client = client(&server.base);
    let err = client
        .cancel_payment()
        .imp_uid(ID)
        .amount(1000)
        .send()
        .await
        .unwrap_err();
    let attempted = err.attempted().unwrap();
    let outcome = client
        .cancellation_outcome(attempted)
        .interval(Duration::from_millis(20))
        .poll_for(Duration::from_secs(60))
        .send()
        .await
        .unwrap();
    match outcome {
        CancelOutcome::Recorded {
            amount,
            cancelled_at,
            payment,
        } => {
            assert_eq!(amount, Amount::from(1000));
            assert_eq!(cancelled_at, UnixTime::from_secs(now + 1));
            assert_eq!(payment.imp_uid, ID);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.hits(&format!("/payments/{ID}")), 2);
    assert_eq!(server.hits("/payments/cancel"), 1);
}

/// Nothing recorded since the attempt (an earlier cancel of the same amount, a later one of
/// another amount): `NotRecorded` once the polling time is over.
#[tokio::test]
async fn cancellation_outcome_reports_a_cancel_that_did_not_go_through() {
    let now = UnixTime::now().as_secs();
    let body = payment_envelope(json!([
        {"pg_tid": "old", "amount": 1000, "cancelled_at": now - 3600, "reason": "earlier", "receipt_url": null},
        {"pg_tid": "other", "amount": 500, "cancelled_at": now + 1, "reason": "other", "receipt_url": null}
    ]));
    let server = Scripted::start(move |seen, _| match seen.path.as_str() {
        "/users/getToken" => token("tok", 1_700_000_000, 1_700_001_800),
        _ => respond(200, body.clone()),
    })
    .await;
    let client = client(&server.base);
    let attempted = Attempted::cancel_by_merchant_uid(
        "order-20261104-0001",
        Some(Amount::from(1000)),
        UnixTime::now(),
    );
    // No polling time: one lookup, then the answer (the polling loop is the one that finds
    // the cancel above).
    let outcome = client
        .cancellation_outcome(&attempted)
        .interval(Duration::from_millis(50))
        .poll_for(Duration::ZERO)
        .send()
        .await
        .unwrap();
    assert!(
        matches!(outcome, CancelOutcome::NotRecorded { .. }),
        "{outcome:?}"
    );
    assert_eq!(server.hits("/payments/find/order-20261104-0001"), 1);
}

/// A lost change names the ids it was sent with, as its own path and body carry them: a
/// schedule's order id (even one that starts with `imp_`), a billing key's customer id.
#[tokio::test]
async fn a_lost_change_names_the_ids_it_was_sent_with() {
    let server = server(Act::Close).await;
    let c = client(&server.base);
    let at = UnixTime::from_secs(iamport::testing::RECORDED_AT.as_secs() + 86_400);
    let lost = [
        (
            "retry_schedule",
            c.retry_schedule("sub-2026-12").await.unwrap_err(),
        ),
        (
            "update_schedule",
            c.move_schedule("imp_lookalike-order", at)
                .await
                .unwrap_err(),
        ),
        (
            "reschedule_schedule",
            c.reschedule_payment("sub-2027-01", at).await.unwrap_err(),
        ),
    ];
    for ((operation, err), order) in
        lost.iter()
            .zip(["sub-2026-12", "imp_lookalike-order", "sub-2027-01"])
    {
        assert_unknown(err, operation);
        let attempted = err.attempted().unwrap();
        assert_eq!(attempted.operation, *operation);
        assert_eq!(
            attempted.merchant_uid.as_deref(),
            Some(order),
            "{operation}"
        );
        assert_eq!(
            attempted.imp_uid, None,
            "{operation}: an order id is not a payment id"
        );
        assert_eq!(attempted.merchant_uids, [order], "{operation}");
    }
    // Billing keys: the key in the path or the body.
    let card = iamport::types::BillingKeyRequest::new("4242-4242-4242-4242", "2029-12");
    let issued = c
        .issue_billing_key("member-7-card-1", card)
        .await
        .unwrap_err();
    let deleted = c
        .delete_billing_key("member-7-card-2")
        .send()
        .await
        .unwrap_err();
    let charge =
        iamport::types::ChargeBillingKeyRequest::new("member-7-card-3", "order-7", 9900, "Plan");
    let charged = c.charge_billing_key(charge).await.unwrap_err();
    for (err, key, order) in [
        (&issued, "member-7-card-1", None),
        (&deleted, "member-7-card-2", None),
        (&charged, "member-7-card-3", Some("order-7")),
    ] {
        assert_unknown(err, key);
        let attempted = err.attempted().unwrap();
        assert_eq!(
            attempted.customer_uid.as_deref(),
            Some(key),
            "{attempted:?}"
        );
        assert_eq!(attempted.merchant_uid.as_deref(), order, "{attempted:?}");
    }
    assert_eq!(
        charged.attempted().unwrap().amount,
        Some(Amount::from(9900))
    );
    // Each says what to look up before trying again: a billing key has no payment to query.
    for err in [&issued, &deleted] {
        assert!(
            err.to_string()
                .ends_with("look the billing key up before trying again"),
            "{err}"
        );
    }
    assert!(
        charged.to_string().contains("Client::charge_outcome"),
        "{charged}"
    );
    // Several order ids: all of them, and no single one.
    let at2 = UnixTime::from_secs(at.as_secs() + 86_400);
    let entries = vec![
        iamport::types::ScheduleEntry::new("sub-a", at, 9900),
        iamport::types::ScheduleEntry::new("sub-b", at2, 9900),
    ];
    let request = iamport::types::ScheduleRequest::new("member-7-card-4", entries);
    let err = c.schedule_payments(request).await.unwrap_err();
    let attempted = err.attempted().unwrap();
    assert_eq!(attempted.merchant_uids, ["sub-a", "sub-b"]);
    assert_eq!(attempted.merchant_uid, None);
    assert_eq!(attempted.customer_uid.as_deref(), Some("member-7-card-4"));
}

/// A `reqwest::Client` given through `http_client` follows redirects unless built not to. A
/// change whose answer came from another URL than the one it was sent to is not reported as
/// done: where the redirect led, the change may have been carried out or not.
#[tokio::test]
async fn a_change_answered_after_a_followed_redirect_is_outcome_unknown() {
    let ok = payment_envelope(json!([]));
    let server = Scripted::start(move |seen, _| match seen.path.as_str() {
        "/users/getToken" => token("tok", 1_700_000_000, 1_700_001_800),
        "/payments/cancel" => respond_with(307, "location: /elsewhere\r\n", ""),
        _ => respond(200, ok.clone()),
    })
    .await;
    let client = Client::builder()
        .credentials("key", "secret")
        .base_url(&server.base)
        .http_client(reqwest::Client::new())
        .retry(fast_retries())
        .build()
        .unwrap();
    let err = client
        .cancel_payment()
        .imp_uid(ID)
        .amount(1000)
        .send()
        .await
        .expect_err("an answer from elsewhere is not a cancel done");
    assert_unknown(&err, "followed redirect");
    assert!(err.to_string().contains("redirect"), "{err}");
    assert_eq!(server.hits("/payments/cancel"), 1);
    // A lookup may follow a redirect: it changes nothing.
    let p = client.payment(ID).await;
    assert!(p.is_ok(), "{p:?}");
}

/// A zero wait between lookups is raised to 100 ms: the polling helpers never flood the API.
/// Within 250 ms, that is three lookups at most (at 0, 100 and 200 ms), not one per round trip
/// (about a millisecond against this server).
#[tokio::test]
async fn a_zero_polling_interval_does_not_flood_the_api_with_lookups() {
    use iamport::{
        reconcile::ChargeOutcome,
        testing::{MockIamport, payment},
    };

    let mock = MockIamport::start().await;
    let client = mock.client();
    let window = Duration::from_millis(250);

    // A cancel that did not go through: looked up until the window is over.
    let looked_up = mock.payment(&payment(ID, "order-1", 1000));
    let attempted = Attempted::cancel_by_imp_uid(ID, Some(Amount::from(1000)), UnixTime::now());
    let outcome = client
        .cancellation_outcome(&attempted)
        .interval(Duration::ZERO)
        .poll_for(window)
        .send()
        .await
        .unwrap();
    assert!(
        matches!(outcome, CancelOutcome::NotRecorded { .. }),
        "{outcome:?}"
    );
    let lookups = looked_up.calls();
    assert!((1..=3).contains(&lookups), "{lookups} lookups");

    // A charge that never arrived: the same.
    let missing = mock.not_found("GET", "/payments/find/order-2");
    let outcome = client
        .charge_outcome("order-2")
        .interval(Duration::ZERO)
        .poll_for(window)
        .send()
        .await
        .unwrap();
    assert_eq!(outcome, ChargeOutcome::NotFound);
    let lookups = missing.calls();
    assert!((1..=3).contains(&lookups), "{lookups} lookups");
}

/// A `schedule_payments` answer lost behind a gateway: `schedule_outcome` looks up each order
/// id the request named and tells the registered ones from the missing ones, which alone may
/// be scheduled again. It polls while one is missing.
#[cfg(feature = "billing")]
#[tokio::test]
async fn a_lost_schedule_answer_is_settled_order_by_order() {
    use iamport::{Schedule, reconcile::ScheduleOutcome, testing::MockIamport, types::*};

    let mock = MockIamport::start().await;
    let client = mock
        .client_builder()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let at = UnixTime::from_secs(UnixTime::now().as_secs() + 30 * 86_400);
    let request = ScheduleRequest::new(
        "member-7-card-4",
        vec![
            ScheduleEntry::new("sub-7-jan", at, 9900),
            ScheduleEntry::new(
                "sub-7-feb",
                UnixTime::from_secs(at.as_secs() + 86_400),
                9900,
            ),
        ],
    );
    let lost = mock.error("POST", "/subscribe/payments/schedule", 504, -1, "gateway");
    let err = client.schedule_payments(request).await.unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert_eq!(lost.calls(), 1, "a change is not sent again");
    assert!(
        err.to_string().contains("Client::schedule_outcome"),
        "{err}"
    );
    let attempted = err.attempted().unwrap();

    let mut january: Schedule = serde_json::from_value(
        common::recording("get_schedule.pending").response.body["response"].clone(),
    )
    .unwrap();
    january.merchant_uid = "sub-7-jan".into();
    january.customer_uid = "member-7-card-4".into();
    let found = mock.schedule(&january);
    let mut missing = mock.not_found("GET", "/subscribe/payments/schedule/sub-7-feb");

    let outcome = client
        .schedule_outcome(attempted)
        .interval(Duration::ZERO)
        .poll_for(Duration::from_millis(250))
        .send()
        .await
        .unwrap();
    assert_eq!(outcome.registered, vec![january.clone()]);
    assert_eq!(outcome.missing, ["sub-7-feb"]);
    assert!(!outcome.is_complete());
    // Looked again while February was missing: more than one round, at most three.
    assert!((2..=3).contains(&missing.calls()), "{}", missing.calls());
    assert_eq!(found.calls(), missing.calls());

    // Once both are registered, one round settles it.
    missing.delete();
    let mut february = january.clone();
    february.merchant_uid = "sub-7-feb".into();
    let _feb = mock.schedule(&february);
    let settled: ScheduleOutcome = client.schedule_outcome(attempted).send().await.unwrap();
    assert!(settled.is_complete());
    assert_eq!(settled.registered, vec![january, february]);

    // An attempt that named no order id is not a schedule request.
    let cancel = Attempted::cancel_by_imp_uid(ID, None, UnixTime::now());
    let wrong = client.schedule_outcome(&cancel).send().await.unwrap_err();
    assert!(matches!(wrong, Error::InvalidInput { .. }), "{wrong:?}");
}

/// A PayPal payment's body, with this status, cancelled amount and cancel history.
fn paypal_envelope(status: &str, cancel_amount: u32, cancel_history: Value) -> Vec<u8> {
    let mut body = common::recording("cancel_payment.paypal_pending")
        .response
        .body;
    body["response"]["status"] = json!(status);
    body["response"]["cancel_amount"] = json!(cancel_amount);
    body["response"]["cancel_history"] = cancel_history;
    serde_json::to_vec(&body).unwrap()
}

const PAYPAL_ID: &str = "imp_520118734402";

async fn paypal_server(cancel: Vec<u8>, lookup: Vec<u8>) -> Scripted {
    Scripted::start(move |seen, _| match seen.path.as_str() {
        "/users/getToken" => token("tok", 1_700_000_000, 1_700_001_800),
        "/payments/cancel" => respond(200, cancel.clone()),
        _ => respond(200, lookup.clone()),
    })
    .await
}

/// A PayPal cancel answered `code 0` without the refund in the payment is a refund pending
/// approval: an error that is not "outcome unknown", carries the payment and the attempt
/// (marked accepted), and the reconcile helper answers `Pending` while nothing is recorded.
#[tokio::test]
async fn a_paypal_refund_answered_without_its_history_entry_is_pending() {
    let pending = paypal_envelope("paid", 0, json!([]));
    let server = paypal_server(pending.clone(), pending).await;
    let client = client(&server.base);
    let err = client
        .cancel_payment()
        .imp_uid(PAYPAL_ID)
        .amount(12)
        .checksum(32)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_refund_pending(), "{err:?}");
    assert!(!err.is_outcome_unknown() && !err.is_retryable());
    assert!(err.to_string().contains("do not cancel again"), "{err}");
    let Error::RefundPending { attempted, payment } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(payment.imp_uid, PAYPAL_ID);
    assert!(attempted.accepted);
    assert_eq!(attempted.amount, Some(Amount::from(12)));
    assert_eq!(server.hits("/payments/cancel"), 1);

    let outcome = client
        .cancellation_outcome(err.attempted().unwrap())
        .poll_for(Duration::ZERO)
        .send()
        .await
        .unwrap();
    assert!(
        matches!(outcome, CancelOutcome::Pending { .. }),
        "{outcome:?}"
    );
    assert_eq!(server.hits("/payments/cancel"), 1, "never sent again");
}

/// Once PayPal approves, the lookup shows the refund: `Recorded`.
#[tokio::test]
async fn a_pending_paypal_refund_is_recorded_once_approved() {
    let now = UnixTime::now().as_secs();
    let pending = paypal_envelope("paid", 0, json!([]));
    let approved = paypal_envelope(
        "paid",
        12,
        json!([{"pg_tid": "refund-1", "amount": 12, "cancelled_at": now + 1, "reason": "out of stock", "receipt_url": null}]),
    );
    let server = paypal_server(pending, approved).await;
    let client = client(&server.base);
    let err = client
        .cancel_payment()
        .imp_uid(PAYPAL_ID)
        .amount(12)
        .send()
        .await
        .unwrap_err();
    let outcome = client
        .cancellation_outcome(err.attempted().unwrap())
        .poll_for(Duration::ZERO)
        .send()
        .await
        .unwrap();
    assert!(
        matches!(outcome, CancelOutcome::Recorded { amount, .. } if amount == Amount::from(12)),
        "{outcome:?}"
    );
}

/// A PayPal cancel whose answer records the refund (an entry of the amount since the call
/// started; for a full cancel also the status `cancelled`) is a refund made. A full cancel
/// answered still `paid` is pending, and so is an answer that only shows an older refund of
/// the same amount.
#[tokio::test]
async fn a_paypal_refund_recorded_in_the_answer_is_made() {
    // The clients here run on the recordings' fixed clock.
    let now = iamport::testing::RECORDED_AT.as_secs();
    let entry = |at: i64| json!({"pg_tid": "r", "amount": 12, "cancelled_at": at, "reason": null, "receipt_url": null});
    let cases = [
        (
            paypal_envelope("paid", 12, json!([entry(now)])),
            false,
            true,
        ),
        (
            paypal_envelope(
                "cancelled",
                32,
                json!([{"pg_tid": "r", "amount": 32, "cancelled_at": now, "reason": null, "receipt_url": null}]),
            ),
            true,
            true,
        ),
        (
            paypal_envelope(
                "paid",
                32,
                json!([{"pg_tid": "r", "amount": 32, "cancelled_at": now, "reason": null, "receipt_url": null}]),
            ),
            true,
            false,
        ),
        (
            paypal_envelope("paid", 12, json!([entry(now - 3600)])),
            false,
            false,
        ),
    ];
    for (i, (answer, full, refunded)) in cases.into_iter().enumerate() {
        let server = paypal_server(answer.clone(), answer).await;
        let client = client(&server.base);
        let c = client.cancel_payment().imp_uid(PAYPAL_ID);
        let c = if full { c.full() } else { c.amount(12) };
        let result = c.send().await;
        if refunded {
            assert!(result.is_ok(), "case {i}: {result:?}");
        } else {
            assert!(
                result.as_ref().is_err_and(Error::is_refund_pending),
                "case {i}: {result:?}"
            );
        }
    }
}

/// Other PGs refund when they accept: an answer without a history entry is still `Ok` (the
/// rule is PayPal's alone, as the official per-PG notes give it).
#[tokio::test]
async fn other_pgs_are_not_held_to_the_paypal_rule() {
    let answer = payment_envelope(json!([]));
    let server = paypal_server(answer.clone(), answer).await;
    let client = client(&server.base);
    let result = client
        .cancel_payment()
        .imp_uid(ID)
        .amount(1000)
        .send()
        .await;
    assert!(result.is_ok(), "{result:?}");
}
