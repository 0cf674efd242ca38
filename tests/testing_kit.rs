//! The `testing` feature: MockIamport's typed stubs answer what the client asks, and count.

use iamport::{
    Amount, PaymentStatus,
    testing::{MockIamport, payment, receipt},
};

#[tokio::test]
async fn typed_stubs_answer_the_client_and_count_their_hits() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let p = payment("imp_100000000001", "order 2026/11#1", 15000);

    let by_id = mock.payment(&p);
    let by_order = mock.find_payment(&p);
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
async fn a_cancel_stub_matches_its_payment_only() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let mut after = payment("imp_100000000002", "order-2", 15000);
    after.cancel_amount = Amount::from(5000);
    let cancel = mock.cancel(&after);

    let updated = client
        .cancel_payment()
        .imp_uid("imp_100000000002")
        .amount(5000)
        .checksum(15000)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.cancellable_amount(), Amount::from(10000));
    // Another payment's cancel does not match the stub.
    let other = client
        .cancel_payment()
        .imp_uid("imp_100000000003")
        .send()
        .await;
    assert!(other.is_err());
    cancel.assert_calls(1);
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
    let stub = mock.payment(&payment("imp_100000000005", "order-5", 100));
    let stranger = iamport::Client::builder()
        .credentials("someone", "else")
        .base_url(mock.base_url())
        .build()
        .unwrap();
    assert!(stranger.payment("imp_100000000005").await.is_err());
    stub.assert_calls(0);
}

#[test]
fn fixtures_are_paid_payments_with_the_given_values() {
    let p = payment("imp_1", "order-1", Amount::from(10));
    assert_eq!(p.status, PaymentStatus::Paid);
    assert_eq!(p.amount.to_string(), "10");
    assert_eq!(p.cancellable_amount(), Amount::from(10));
    assert_eq!(receipt("imp_9").imp_uid, "imp_9");
}
