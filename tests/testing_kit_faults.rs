//! The testing kit's fault stubs: a failing token endpoint, an answer too slow for the client,
//! a connection closed without an answer and throttling, each with what the client then
//! returns for a lookup and for a change.

use std::time::{Duration, Instant};

use iamport::{
    Client, RetryPolicy,
    testing::{MockIamport, TokenFault, after_cancel, payment},
    types::ChargeBillingKeyRequest,
};

const ID: &str = "imp_100000000001";

/// Three attempts with short waits.
fn retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(attempts)
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(50))
        .max_elapsed(Duration::from_secs(20))
}

fn client(mock: &MockIamport, attempts: u32, timeout: Duration) -> Client {
    mock.client_builder()
        .retry(retries(attempts))
        .timeout(timeout)
        .build()
        .unwrap()
}

fn refund(client: &Client) -> iamport::CancelPayment<'_> {
    client
        .cancel_payment()
        .imp_uid(ID)
        .amount(5000)
        .checksum(15000)
        .reason("size")
}

#[tokio::test]
async fn a_token_outage_is_retried_then_reported_as_an_outage_and_nothing_is_sent() {
    let mock = MockIamport::start().await;
    let paid = payment(ID, "order-1", 15000);
    let lookup = mock.payment(&paid);
    let client = client(&mock, 3, Duration::from_secs(5));
    let cancel = mock.cancel(refund(&client), &after_cancel(&paid, 5000, "size"));
    mock.fail_token(TokenFault::Outage(503));

    let err = client.payment(ID).await.unwrap_err();
    assert_eq!(err.status(), Some(503), "{err}");
    assert!(err.is_retryable(), "{err:?}");
    assert_eq!(err.refusal(), None, "an outage is not a refusal: {err:?}");
    assert!(!err.is_auth(), "{err:?}");
    mock.token_mock().assert_calls(3);

    // A change meets the same outage before anything is sent: its outcome is known.
    let err = refund(&client).send().await.unwrap_err();
    assert_eq!(err.status(), Some(503), "{err}");
    assert!(!err.is_outcome_unknown(), "{err:?}");
    assert_eq!(err.refusal(), None, "{err:?}");
    lookup.assert_calls(0);
    cancel.assert_calls(0);

    // Back up: the same client gets its token and goes through.
    mock.restore_token();
    assert_eq!(client.payment(ID).await.unwrap(), paid);
    refund(&client).send().await.unwrap();
    lookup.assert_calls(1);
    cancel.assert_calls(1);
}

#[tokio::test]
async fn a_throttled_token_endpoint_is_not_refused_credentials() {
    let mock = MockIamport::start().await;
    let lookup = mock.payment(&payment(ID, "order-1", 1000));
    mock.fail_token(TokenFault::Outage(429));
    let client = client(&mock, 1, Duration::from_secs(5));

    let err = client.payment(ID).await.unwrap_err();
    assert_eq!(err.status(), Some(429), "{err}");
    assert!(err.is_retryable() && !err.is_auth(), "{err:?}");
    assert_eq!(err.refusal(), None, "{err:?}");
    mock.token_mock().assert_calls(1);
    lookup.assert_calls(0);
}

#[tokio::test]
async fn a_refused_secret_is_an_auth_error_and_not_retried() {
    let mock = MockIamport::start().await;
    let lookup = mock.payment(&payment(ID, "order-1", 1000));
    mock.fail_token(TokenFault::Refused);
    let client = client(&mock, 3, Duration::from_secs(5));

    let err = client.payment(ID).await.unwrap_err();
    assert!(err.is_auth(), "{err:?}");
    assert_eq!(err.status(), Some(401));
    assert!(!err.is_retryable(), "{err:?}");
    mock.token_mock().assert_calls(1);
    lookup.assert_calls(0);
}

#[tokio::test]
async fn a_slow_lookup_times_the_client_out_and_is_retried() {
    let mock = MockIamport::start().await;
    let client = client(&mock, 2, Duration::from_millis(300));
    let slow = mock
        .when(client.payment(ID))
        .delayed(Duration::from_secs(2))
        .ok(&payment(ID, "order-1", 1000));

    let err = client.payment(ID).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        !err.is_outcome_unknown(),
        "a lookup changes nothing: {err:?}"
    );
    slow.assert_calls(2);
}

#[tokio::test]
async fn a_delayed_answer_within_the_timeout_is_only_late() {
    let mock = MockIamport::start().await;
    let client = client(&mock, 1, Duration::from_secs(5));
    let paid = payment(ID, "order-1", 1000);
    let late = mock
        .when(client.payment(ID))
        .delayed(Duration::from_millis(300))
        .ok(&paid);

    let started = Instant::now();
    assert_eq!(client.payment(ID).await.unwrap(), paid);
    assert!(started.elapsed() >= Duration::from_millis(300));
    late.assert_calls(1);
}

#[tokio::test]
async fn a_slow_cancel_is_sent_once_and_its_outcome_is_unknown() {
    let mock = MockIamport::start().await;
    let client = client(&mock, 3, Duration::from_millis(300));
    let paid = payment(ID, "order-1", 15000);
    let slow = mock
        .when(refund(&client).send())
        .delayed(Duration::from_secs(2))
        .ok(&after_cancel(&paid, 5000, "size"));

    let err = refund(&client).send().await.unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert!(err.is_timeout(), "{err:?}");
    assert!(!err.is_retryable(), "{err:?}");
    assert_eq!(err.refusal(), None);
    let attempted = err.attempted().unwrap();
    assert_eq!(attempted.imp_uid.as_deref(), Some(ID));
    slow.assert_calls(1);
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_a_lookup() {
    let mock = MockIamport::start().await;
    let client = client(&mock, 3, Duration::from_secs(5));
    let dropped = mock.when(client.payment(ID)).drop_connection();

    let err = client.payment(ID).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert!(err.status().is_none(), "no answer came: {err:?}");
    assert!(!err.is_outcome_unknown(), "{err:?}");
    dropped.assert_calls(3);
}

#[tokio::test]
async fn a_charge_whose_connection_drops_is_sent_once_and_its_outcome_is_unknown() {
    let mock = MockIamport::start().await;
    let client = client(&mock, 3, Duration::from_secs(5));
    let request = ChargeBillingKeyRequest::new("member-1", "order-7", 9900, "Monthly plan");
    let dropped = mock
        .when(client.charge_billing_key(request.clone()))
        .drop_connection();

    let err = client.charge_billing_key(request).await.unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert_eq!(err.refusal(), None);
    let attempted = err.attempted().unwrap();
    assert_eq!(attempted.merchant_uid.as_deref(), Some("order-7"));
    assert_eq!(attempted.customer_uid.as_deref(), Some("member-1"));
    dropped.assert_calls(1);
}

#[tokio::test]
async fn a_429_is_retried_after_its_retry_after_then_reported_as_throttling() {
    let mock = MockIamport::start().await;
    let client = client(&mock, 2, Duration::from_secs(5));
    let throttled = mock
        .when(client.payment(ID))
        .throttled(Duration::from_secs(1));

    let started = Instant::now();
    let err = client.payment(ID).await.unwrap_err();
    // The one retry waited as Retry-After asked, not the policy's 10 to 50 ms.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(err.status(), Some(429), "{err}");
    assert!(err.is_retryable(), "{err:?}");
    assert_eq!(err.refusal(), None, "throttling is not a refusal: {err:?}");
    throttled.assert_calls(2);
}

#[tokio::test]
async fn a_throttled_cancel_is_retried_and_never_reads_as_refused() {
    let mock = MockIamport::start().await;
    let client = client(&mock, 2, Duration::from_secs(5));
    let throttled = mock
        .any_request("POST", "/payments/cancel")
        .throttled(Duration::from_secs(1));

    let err = refund(&client).send().await.unwrap_err();
    assert_eq!(err.status(), Some(429), "{err}");
    assert!(
        !err.is_outcome_unknown(),
        "a 429 was not carried out: {err:?}"
    );
    assert!(err.is_retryable(), "{err:?}");
    assert_eq!(err.refusal(), None, "{err:?}");
    assert!(!err.is_already_cancelled());
    throttled.assert_calls(2);
}

#[tokio::test]
async fn a_loose_fault_stub_takes_any_body_but_only_the_mocks_token() {
    let mock = MockIamport::start().await;
    let client = client(&mock, 1, Duration::from_secs(5));
    let dropped = mock
        .any_request("POST", "/subscribe/payments/again")
        .drop_connection();
    let first = ChargeBillingKeyRequest::new("member-1", "order-a1", 9900, "Monthly plan");
    let second = ChargeBillingKeyRequest::new("member-2", "order-b2", 100, "Other plan");
    assert!(
        client
            .charge_billing_key(first)
            .await
            .unwrap_err()
            .is_outcome_unknown()
    );
    assert!(
        client
            .charge_billing_key(second)
            .await
            .unwrap_err()
            .is_outcome_unknown()
    );
    dropped.assert_calls(2);

    // A request with another bearer is no request of the mock's clients: no stub answers it.
    let stranger = reqwest::Client::new()
        .post(format!("{}/subscribe/payments/again", mock.base_url()))
        .bearer_auth("someone-elses-token")
        .json(&serde_json::json!({"customer_uid": "member-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(stranger.status(), 404);
    dropped.assert_calls(2);
}
