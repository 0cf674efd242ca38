//! The `testing` feature: MockIamport's typed stubs answer exactly the request the client
//! sends for the arguments given, a request no stub matches fails naming it, and the fixtures
//! are what the server would send.

mod common;

use common::assert_unmatched;
use futures_util::TryStreamExt;
use iamport::{
    Amount, Currency, Error, MissingId, PaymentStatus, PaymentStatusFilter, RetryPolicy, Sorting,
    UnixTime,
    testing::{
        MockIamport, Recording, after_cancel, external_receipt, failed_payment, payment,
        payment_balance, payment_page, prepared_payment, receipt, vbank_ready,
    },
    types::{ExternalReceiptRequest, Payment, ReceiptRequest},
};

const FROM: UnixTime = UnixTime::from_secs(1_790_000_000);
const TO: UnixTime = UnixTime::from_secs(1_790_086_400);

fn payments(n: u32) -> Vec<Payment> {
    (1..=n)
        .map(|i| payment(format!("imp_{i:012}"), format!("order-{i}"), 1000 * i))
        .collect()
}

#[tokio::test]
async fn typed_stubs_answer_the_client_and_count_their_hits() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let p = payment("imp_100000000001", "order 2026/11#1", 15000);

    let by_id = mock.payment(&p);
    let by_order = mock.find_payment(client.find_payment("order 2026/11#1"), &p);
    let r = receipt("imp_100000000001");
    let receipt_stub = mock.receipt(&r);

    assert_eq!(client.payment("imp_100000000001").await.unwrap(), p);
    assert_eq!(client.payment("imp_100000000001").await.unwrap(), p);
    let found = client.find_payment("order 2026/11#1").send().await.unwrap();
    assert_eq!(found.merchant_uid, "order 2026/11#1");
    assert_eq!(client.receipt("imp_100000000001").await.unwrap(), r);

    by_id.assert_calls(2);
    by_order.assert_calls(1);
    receipt_stub.assert_calls(1);
    mock.token_mock().assert_calls(1);
}

#[tokio::test]
async fn a_cancel_stub_answers_only_the_exact_refund() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let paid = payment("imp_100000000002", "order-2", 15000);
    let after = after_cancel(&paid, 5000, "changed mind");
    let refund = || {
        client
            .cancel_payment()
            .imp_uid("imp_100000000002")
            .amount(5000)
            .checksum(15000)
            .reason("changed mind")
    };
    let cancel = mock.cancel(refund(), &after);

    // Each of these differs from the stubbed refund in one key and matches no stub.
    let wrong_amount = refund().amount(6000).send().await.unwrap_err();
    let no_checksum = client
        .cancel_payment()
        .imp_uid("imp_100000000002")
        .amount(5000)
        .reason("changed mind")
        .send()
        .await
        .unwrap_err();
    let extra_key = refund().enable_webhook(true).send().await.unwrap_err();
    let other_payment = client
        .cancel_payment()
        .imp_uid("imp_100000000003")
        .amount(5000)
        .checksum(15000)
        .reason("changed mind")
        .send()
        .await
        .unwrap_err();
    for e in [&wrong_amount, &no_checksum, &extra_key, &other_payment] {
        assert!(
            e.to_string().contains("no stub for POST /payments/cancel"),
            "{e}"
        );
        // Nothing answered: the cancel surely was not carried out.
        assert!(!e.is_outcome_unknown(), "{e:?}");
    }
    cancel.assert_calls(0);

    let updated = refund().send().await.unwrap();
    assert_eq!(updated.cancellable_amount(), Some(Amount::from(10000)));
    assert_eq!(
        updated.cancel_history[0].reason.as_deref(),
        Some("changed mind")
    );
    cancel.assert_calls(1);
}

#[tokio::test]
async fn a_cancel_by_order_id_is_matched_by_order_id() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let after = after_cancel(&payment("imp_1", "order-9", 1000), 1000, "all");
    let stub = mock.cancel(
        client.cancel_payment().merchant_uid("order-9").full(),
        &after,
    );
    let by_imp = client.cancel_payment().imp_uid("imp_1").full().send().await;
    assert_unmatched(&by_imp.unwrap_err(), "POST /payments/cancel");
    let cancelled = client
        .cancel_payment()
        .merchant_uid("order-9")
        .full()
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status, PaymentStatus::Cancelled);
    stub.assert_calls(1);
}

#[tokio::test]
async fn the_loose_cancel_stub_takes_any_refund_of_its_payment_only() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let after = after_cancel(&payment("imp_100000000004", "order-4", 9000), 1000, "x");
    let loose = mock.cancel_loose(&after);
    for amount in [1000, 2000] {
        let p = client
            .cancel_payment()
            .imp_uid("imp_100000000004")
            .amount(amount)
            .send()
            .await
            .unwrap();
        assert_eq!(p, after);
    }
    let other = client
        .cancel_payment()
        .imp_uid("imp_100000000005")
        .full()
        .send();
    assert_unmatched(&other.await.unwrap_err(), "POST /payments/cancel");
    loose.assert_calls(2);
}

#[tokio::test]
#[should_panic(expected = "the call would not be sent")]
async fn a_cancel_stub_of_a_call_the_client_would_refuse_panics() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let p = payment("imp_1", "order-1", 1000);
    let _ = mock.cancel(
        client
            .cancel_payment()
            .imp_uid("imp_1")
            .amount(2000)
            .checksum(1000),
        &p,
    );
}

#[tokio::test]
async fn a_request_no_stub_matches_fails_naming_method_path_and_query() {
    let mock = MockIamport::start().await;
    let client = mock.client();

    let e = client.payment("imp_123456789012").await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "unexpected response (http 404): no stub for GET /payments/imp_123456789012"
    );
    assert!(
        !e.is_not_found(),
        "an unstubbed lookup is not a missing payment"
    );
    assert!(!e.is_retryable());
    assert_eq!(e.status(), Some(404));

    let e = client
        .payments_by_status(PaymentStatus::Paid)
        .page(2)
        .limit(10)
        .send()
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .ends_with("no stub for GET /payments/status/paid?limit=10&page=2"),
        "{e}"
    );

    // A lookup stubbed with other options does not answer either.
    let _sandbox = mock.payment(&payment("imp_123456789013", "order-1", 100));
    let e = client
        .payment_including_sandbox("imp_123456789013")
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("no stub for GET /payments/imp_123456789013?include_sandbox=true"),
        "{e}"
    );

    // Not retried, and a cancel no stub matches surely was not carried out: not an
    // outcome-unknown, whatever the retry policy.
    let retrying = mock
        .client_builder()
        .retry(RetryPolicy::default().max_attempts(5))
        .build()
        .unwrap();
    let _ = retrying.payment("imp_123456789014").await.unwrap_err();
    let e = retrying
        .cancel_payment()
        .imp_uid("imp_123456789014")
        .full()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Http { status: 404, .. }), "{e:?}");
}

#[tokio::test]
async fn error_and_not_found_stubs_give_typed_errors() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let refused = mock.error(
        "POST",
        "/payments/prepare",
        200,
        1,
        "이미 등록된 merchant_uid입니다.",
    );
    let missing = mock.not_found("GET", "/payments/imp_100000000004");

    let err = client
        .prepare_payment("order-4", 1000)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(1));
    assert_eq!(err.status(), Some(200));
    assert_eq!(err.api_message(), Some("이미 등록된 merchant_uid입니다."));
    let err = client.payment("imp_100000000004").await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");

    refused.assert_calls(1);
    missing.assert_calls(1);
}

#[tokio::test]
async fn stubs_refuse_requests_without_the_mock_token() {
    let mock = MockIamport::start().await;
    let p = payment("imp_100000000005", "order-5", 100);
    let stub = mock.payment(&p);
    // A client that gets a token, another one, from the same server: its lookup reaches the
    // stub's path with the wrong bearer.
    let stranger_token = mock.server().mock(|when, then| {
        when.method("POST")
            .path("/users/getToken")
            .json_body(serde_json::json!({"imp_key": "someone", "imp_secret": "else"}));
        then.status(200)
            .header("content-type", "application/json")
            .body(iamport::testing::token_body("stranger0token"));
    });
    let stranger = mock
        .client_builder()
        .credentials("someone", "else")
        .build()
        .unwrap();
    let err = stranger.payment("imp_100000000005").await.unwrap_err();
    assert_unmatched(&err, "GET /payments/imp_100000000005");
    stranger_token.assert_calls(1);
    stub.assert_calls(0);

    // Nor does a request without any `Authorization` get an answer from it.
    let bare = reqwest::Client::new()
        .get(format!("{}/payments/imp_100000000005", mock.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 404);
    assert_eq!(
        bare.text().await.unwrap(),
        r#"{"message":"Request did not match any route or mock"}"#
    );
    stub.assert_calls(0);

    // The mock's own client, with the mock's token, is answered.
    assert_eq!(mock.client().payment("imp_100000000005").await.unwrap(), p);
    stub.assert_calls(1);
}

#[tokio::test]
async fn the_batch_stub_answers_200_207_and_404_as_the_server_does() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let (a, b) = (
        payment("imp_1", "order-a", 1),
        payment("imp_2", "order-b", 2),
    );
    let all = mock.payments(
        client
            .payments()
            .imp_uids(["imp_1"])
            .merchant_uids(["order-b"]),
        &[a.clone(), b.clone()],
    );
    let some = mock.payments(
        client.payments().imp_uids(["imp_1", "imp_3"]),
        std::slice::from_ref(&a),
    );
    let none = mock.payments(client.payments().merchant_uids(["order-x"]), &[]);

    let batch = client
        .payments()
        .imp_uids(["imp_1"])
        .merchant_uids(["order-b"])
        .send()
        .await
        .unwrap();
    assert!(batch.is_complete());
    assert_eq!(batch.payments, [a.clone(), b]);
    let batch = client
        .payments()
        .imp_uids(["imp_1", "imp_3"])
        .send()
        .await
        .unwrap();
    assert_eq!(batch.payments, [a]);
    assert_eq!(batch.missing, [MissingId::ImpUid("imp_3".into())]);
    let batch = client
        .payments()
        .merchant_uids(["order-x"])
        .send()
        .await
        .unwrap();
    assert_eq!(batch.missing, [MissingId::MerchantUid("order-x".into())]);
    // A subset of the stubbed ids is another request.
    let subset = client.payments().imp_uids(["imp_1"]).send().await;
    assert_unmatched(&subset.unwrap_err(), "GET /payments");
    for stub in [all, some, none] {
        stub.assert_calls(1);
    }
}

#[tokio::test]
async fn a_page_stub_matches_the_calls_parameters_exactly() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let call = || {
        client
            .payments_by_status(PaymentStatus::Paid)
            .from(FROM)
            .to(TO)
            .limit(2)
            .sorting(Sorting::PaidDesc)
    };
    let mut first = payment_page(payments(2));
    (first.total, first.next) = (3, 2);
    let stub = mock.page(call(), &first);

    // Page 1 named or left out is the same request.
    assert_eq!(call().send().await.unwrap(), first);
    assert_eq!(call().page(1).send().await.unwrap(), first);
    for other in [
        call().limit(3),
        call().sorting(Sorting::PaidAsc),
        call().to(UnixTime::from_secs(TO.as_secs() + 1)),
        call().page(2),
    ] {
        assert_unmatched(
            &other.send().await.unwrap_err(),
            "GET /payments/status/paid",
        );
    }
    let by_all = client.payments_by_status(PaymentStatusFilter::All).send();
    assert_unmatched(&by_all.await.unwrap_err(), "GET /payments/status/all");
    stub.assert_calls(2);
}

#[tokio::test]
async fn a_listing_stub_serves_every_page_to_a_stream() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let paid = payments(5);
    // No `to`: the stream pins it to its start, which every page accepts.
    let call = || {
        client
            .payments_by_status(PaymentStatus::Paid)
            .from(FROM)
            .limit(2)
    };
    let pages = mock.listing(call(), &paid);
    assert_eq!(pages.len(), 3);

    let seen: Vec<Payment> = call().stream().try_collect().await.unwrap();
    assert_eq!(seen, paid);
    for page in &pages {
        page.assert_calls(1);
    }

    // One page at a time, with the totals and links of the whole listing.
    let second = call().page(2).send().await.unwrap();
    assert_eq!(second.list, paid[2..4]);
    assert_eq!(
        (second.total, second.previous_page(), second.next_page()),
        (5, Some(1), Some(3))
    );
    let last = call().page(3).send().await.unwrap();
    assert_eq!((last.list.len(), last.next_page()), (1, None));
    let past_the_end = call().page(4).send().await.unwrap_err();
    assert_unmatched(&past_the_end, "GET /payments/status/paid");
}

#[tokio::test]
async fn listings_of_an_order_and_empty_listings_are_stubbed_too() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let mut tries = payments(3);
    for p in &mut tries {
        p.merchant_uid = "order-7".into();
    }
    let call = || {
        client
            .find_all_payments("order-7")
            .status(PaymentStatus::Paid)
            .limit(1)
    };
    let pages = mock.listing(call(), &tries);
    let empty = mock.listing(client.find_all_payments("order-8"), &[]);
    assert_eq!((pages.len(), empty.len()), (3, 1));

    let seen: Vec<Payment> = call().stream().try_collect().await.unwrap();
    assert_eq!(seen, tries);
    let nothing: Vec<Payment> = client
        .find_all_payments("order-8")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(nothing.is_empty());
    empty[0].assert_calls(1);
}

#[tokio::test]
async fn prepared_amounts_balances_and_receipts_have_stubs() {
    let mock = MockIamport::start().await;
    let client = mock.client();

    let prepared = prepared_payment("order-1", 43000);
    let prepare = mock.prepare(client.prepare_payment("order-1", 43000), &prepared);
    let update = mock.prepare(
        client
            .update_prepared_payment("order-1", 45000)
            .currency(Currency::Krw),
        &prepared,
    );
    let lookup = mock.prepared_payment(&prepared);
    assert_eq!(
        client
            .prepare_payment("order-1", 43000)
            .send()
            .await
            .unwrap(),
        prepared
    );
    let other_amount = client.prepare_payment("order-1", 1).send().await;
    assert_unmatched(&other_amount.unwrap_err(), "POST /payments/prepare");
    let updated = client
        .update_prepared_payment("order-1", 45000)
        .currency(Currency::Krw)
        .send()
        .await;
    assert!(updated.is_ok());
    assert_eq!(client.prepared_payment("order-1").await.unwrap(), prepared);

    let balance = payment_balance(11000);
    let balance_stub = mock.payment_balance("imp_1", &balance);
    assert_eq!(client.payment_balance("imp_1").await.unwrap(), balance);

    let r = receipt("imp_2");
    let request = ReceiptRequest::new("01012345678");
    let issue = mock.issue_receipt(&request, &r);
    let revoke = mock.revoke_receipt(&r);
    assert_eq!(client.issue_receipt("imp_2", request).await.unwrap(), r);
    let other = ReceiptRequest::new("01099999999");
    let other = client.issue_receipt("imp_2", other).await.unwrap_err();
    assert_unmatched(&other, "POST /receipts/imp_2");
    assert_eq!(client.revoke_receipt("imp_2").await.unwrap(), r);

    let x = external_receipt("offline-1", 33000);
    let request = ExternalReceiptRequest::new("channel-1", "Beans", 33000, "01012345678");
    let issue_x = mock.issue_external_receipt(&request, &x);
    let get_x = mock.external_receipt(&x);
    let revoke_x = mock.revoke_external_receipt(&x);
    assert_eq!(
        client
            .issue_external_receipt("offline-1", request)
            .await
            .unwrap(),
        x
    );
    assert_eq!(client.external_receipt("offline-1").await.unwrap(), x);
    assert_eq!(
        client.revoke_external_receipt("offline-1").await.unwrap(),
        x
    );

    for stub in [
        prepare,
        update,
        lookup,
        balance_stub,
        issue,
        revoke,
        issue_x,
        get_x,
        revoke_x,
    ] {
        stub.assert_calls(1);
    }
}

#[tokio::test]
async fn respond_answers_any_request_to_its_path() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let p = payment("imp_1", "order-1", 100);
    let any = mock.respond("GET", "/payments/imp_1", &p);
    assert_eq!(client.payment("imp_1").await.unwrap(), p);
    assert_eq!(client.payment_including_sandbox("imp_1").await.unwrap(), p);
    any.assert_calls(2);
}

#[test]
fn fixtures_are_payments_in_the_states_the_server_sends() {
    let p = payment("imp_1", "order-1", Amount::from(10));
    assert_eq!(p.status, PaymentStatus::Paid);
    assert_eq!(p.amount.to_string(), "10");
    assert_eq!(p.cancellable_amount(), Some(Amount::from(10)));
    assert!(p.paid_at.is_some());
    assert_eq!(receipt("imp_9").imp_uid, "imp_9");

    let partly = after_cancel(&payment("imp_1", "order-1", 15000), 4000, "one item");
    assert_eq!(partly.status, PaymentStatus::Paid);
    assert_eq!(partly.cancel_amount, Amount::from(4000));
    assert_eq!(partly.cancel_history.len(), 1);
    assert_eq!(partly.cancel_history[0].amount, Amount::from(4000));
    assert!(partly.cancel_history[0].cancelled_at.is_some());
    assert_eq!(partly.cancelled_at, None);
    let fully = after_cancel(&partly, 11000, "the rest");
    assert_eq!(fully.status, PaymentStatus::Cancelled);
    assert_eq!(fully.cancel_reason.as_deref(), Some("the rest"));
    assert!(fully.cancelled_at.is_some());
    assert_eq!(fully.cancel_receipt_urls.len(), 2);

    let ready = vbank_ready("imp_2", "order-2", 129000);
    assert_eq!(ready.status, PaymentStatus::Ready);
    assert!(ready.vbank_num.is_some() && ready.vbank_date.is_some());
    assert_eq!(ready.paid_at, None);
    assert_eq!(ready.amount, Amount::from(129000));

    let failed = failed_payment("imp_3", "order-3", 500);
    assert_eq!(failed.status, PaymentStatus::Failed);
    assert!(failed.fail_reason.is_some() && failed.failed_at.is_some());
    assert_eq!(failed.paid_at, None);

    let balance = payment_balance(11000);
    assert_eq!(balance.amount, Amount::from(11000));
    assert_eq!(
        (balance.primary.supply, balance.primary.vat),
        (Amount::from(10000), Amount::from(1000))
    );
    assert_eq!(balance.secondary.supply, Amount::from(0));

    let prepared = prepared_payment("order-4", 43000);
    assert_eq!(prepared.currency, Some(Currency::Krw));
    let x = external_receipt("offline-1", 33000);
    assert_eq!(
        (x.merchant_uid.as_str(), x.amount),
        ("offline-1", Amount::from(33000))
    );

    let page = payment_page(payments(2));
    assert_eq!(
        (page.total, page.previous_page(), page.next_page()),
        (2, None, None)
    );
}

#[test]
#[should_panic(expected = "cannot cancel 2000")]
fn after_cancel_refuses_more_than_is_left() {
    let _ = after_cancel(&payment("imp_1", "order-1", 1000), 2000, "too much");
}

#[tokio::test]
async fn a_payment_state_changes_with_each_cancel_as_the_server_would() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let state = mock.payment_state(&payment("imp_100000000006", "order-6", 15000));
    let cancel = || client.cancel_payment().imp_uid("imp_100000000006");

    let after = cancel()
        .amount(5000)
        .checksum(15000)
        .reason("one")
        .send()
        .await
        .unwrap();
    assert_eq!(after.cancellable_amount(), Some(Amount::from(10000)));
    let looked_up = client.payment("imp_100000000006").await.unwrap();
    assert_eq!(looked_up, after);
    assert_eq!(looked_up, state.current());

    // A stale checksum and an amount over what is left are refused, changing nothing.
    for refused in [
        cancel().amount(5000).checksum(15000),
        cancel().amount(12000),
    ] {
        let e = refused.send().await.unwrap_err();
        assert_eq!((e.api_code(), e.status()), (Some(1), Some(200)), "{e:?}");
        assert!(!e.is_outcome_unknown());
    }
    assert_eq!(state.current().cancel_history.len(), 1);

    // By order id, in full: all that is left.
    let all = client
        .cancel_payment()
        .merchant_uid("order-6")
        .full()
        .checksum(10000)
        .reason("two")
        .send()
        .await
        .unwrap();
    assert_eq!(all.status, PaymentStatus::Cancelled);
    assert_eq!(all.cancel_amount, Amount::from(15000));
    let e = cancel().full().send().await.unwrap_err();
    assert_eq!(e.api_message(), Some("이미 전액취소된 주문입니다."));
    // Another payment's cancel is not this state's.
    let other = client
        .cancel_payment()
        .imp_uid("imp_100000000007")
        .full()
        .send()
        .await;
    assert_unmatched(&other.unwrap_err(), "POST /payments/cancel");

    state.cancels().assert_calls(5);
    state.lookups().assert_calls(1);
    assert_eq!(
        client.payment("imp_100000000006").await.unwrap().status,
        PaymentStatus::Cancelled
    );
}

/// A stub made from a recording answers the recorded request only: a request with a query
/// parameter the recording did not have (one that changes what the server returns) is not
/// answered.
#[tokio::test]
async fn a_recording_stub_refuses_a_request_with_an_extra_query_parameter() {
    let mock = MockIamport::start().await;
    let rec = iamport::testing::Recording::load(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("spec/recordings/get_payment.card_paid.json"),
    )
    .unwrap();
    assert!(rec.request.query.is_empty(), "{:?}", rec.request.query);
    let stub = mock.recording(&rec);
    let http = reqwest::Client::new();
    let url = format!("{}{}", mock.base_url(), rec.request.path);
    let bearer = format!("Bearer {}", MockIamport::TOKEN);
    let extra = http
        .get(format!("{url}?include_sandbox=true"))
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(
        extra.status(),
        404,
        "an extra query parameter must not match"
    );
    stub.assert_calls(0);
    let exact = http
        .get(&url)
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(exact.status(), 200);
    stub.assert_calls(1);
}

/// The request of a recording, sent as it was recorded, with the mock's token.
async fn send_recorded(http: &reqwest::Client, mock: &MockIamport, rec: &Recording) -> u16 {
    let req = &rec.request;
    let url = format!("{}{}", mock.base_url(), req.path);
    let method = reqwest::Method::from_bytes(req.method.as_bytes()).unwrap();
    let mut request = http
        .request(method, url)
        .query(&req.query)
        .bearer_auth(MockIamport::TOKEN);
    if let Some(body) = &req.body {
        request = request.json(body);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn a_stub_taken_from_a_call_is_the_request_the_server_recorded_for_it() {
    let mock = MockIamport::start().await;
    // At the time of the recordings, as their replay runs.
    let client = mock
        .client_builder()
        .fixed_now(iamport::testing::RECORDED_AT)
        .build()
        .unwrap();
    let http = reqwest::Client::new();
    let mut stubbed = std::collections::BTreeSet::new();
    let mut refused = Vec::new();
    for rec in Recording::load_dir("spec/recordings").unwrap() {
        if rec.operation == "get_token" {
            continue;
        }
        // The same call the replay of the recording makes, through the client's own method.
        let taken = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            mock.when(iamport::testing::call(&client, &rec))
        }));
        let Ok(stub) = taken else {
            refused.push(rec.name.clone());
            continue;
        };
        let mut stub = stub.recorded(&rec);
        let status = send_recorded(&http, &mock, &rec).await;
        assert_eq!(status, rec.response.status, "{}", rec.name);
        assert_eq!(stub.calls(), 1, "{}", rec.name);
        stub.delete();
        stubbed.insert(rec.operation.clone());
    }
    // Only the server's refusals of a window the client itself refuses before sending.
    assert!(
        refused
            .iter()
            .all(|n| n.ends_with(".window_too_long") || n.ends_with(".bad_window")),
        "{refused:?}"
    );
    // Every operation but the token exchange, as the recordings name them.
    let operations: std::collections::BTreeSet<String> = Recording::load_dir("spec/recordings")
        .unwrap()
        .into_iter()
        .map(|r| r.operation)
        .filter(|op| op != "get_token")
        .collect();
    assert_eq!(stubbed, operations);
    assert!(stubbed.len() >= 38, "{stubbed:?}");
}

#[tokio::test]
async fn taking_a_stub_from_a_call_sends_nothing_and_takes_no_token() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let mut anything = mock.server().mock(|_, then| {
        then.status(500);
    });
    let p = payment("imp_100000000001", "order-1", 15000);
    let refund = mock
        .when(
            client
                .cancel_payment()
                .imp_uid("imp_100000000001")
                .amount(5000)
                .checksum(15000)
                .send(),
        )
        .ok(&after_cancel(&p, 5000, "size"));
    assert_eq!(mock.token_mock().calls(), 0);
    assert_eq!(anything.calls(), 0);
    assert_eq!(refund.calls(), 0);
    anything.delete();

    // Other refunds of the payment match nothing; the one stubbed is answered.
    for other in [
        client
            .cancel_payment()
            .imp_uid("imp_100000000001")
            .amount(6000)
            .checksum(15000),
        client
            .cancel_payment()
            .imp_uid("imp_100000000001")
            .amount(5000),
        client
            .cancel_payment()
            .imp_uid("imp_100000000002")
            .amount(5000)
            .checksum(15000),
    ] {
        assert_unmatched(&other.send().await.unwrap_err(), "POST /payments/cancel");
    }
    let after = client
        .cancel_payment()
        .imp_uid("imp_100000000001")
        .amount(5000)
        .checksum(15000)
        .send()
        .await
        .unwrap();
    assert_eq!(after.cancel_amount, Amount::from(5000));
    refund.assert_calls(1);
}

#[tokio::test]
#[should_panic(expected = "MockIamport::when: the call would not be sent")]
async fn a_stub_of_a_call_the_client_refuses_cannot_be_taken() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let _ = mock.when(client.payment(&"x".repeat(33)));
}
