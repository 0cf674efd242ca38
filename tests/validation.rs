//! Bad arguments are rejected before anything is sent.

mod common;

use common::*;
use httpmock::MockServer;

async fn rejects<T: std::fmt::Debug>(
    server: &MockServer,
    field: &str,
    call: impl std::future::Future<Output = iamport::Result<T>>,
) {
    let err = call.await.expect_err(field);
    match &err {
        iamport::Error::InvalidInput { field: f, .. } => assert_eq!(*f, field, "{err}"),
        other => panic!("expected InvalidInput for {field}, got {other:?}"),
    }
    let _ = server;
}

/// A stub for any request, to count that none is sent.
fn any_request(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|when, then| {
        when.any_request();
        then.status(500);
    })
}

#[tokio::test]
async fn invalid_arguments_send_nothing() {
    let server = MockServer::start_async().await;
    let anything = any_request(&server);
    let c = client(&server);
    rejects(&server, "imp_uid", c.payment("")).await;
    rejects(&server, "imp_uid", c.payment("..")).await;
    rejects(&server, "imp_uid", c.payment(".")).await;
    rejects(&server, "imp_uid", c.payment("imp\\1")).await;
    rejects(&server, "imp_uid", c.payment(&"x".repeat(33))).await;
    rejects(
        &server,
        "merchant_uid",
        c.find_payment("x".repeat(41)).send(),
    )
    .await;
    rejects(&server, "merchant_uid", c.find_all_payments("").send()).await;
    rejects(&server, "ids", c.payments().send()).await;
    let many: Vec<String> = (0..101).map(|i| format!("imp_{i}")).collect();
    rejects(&server, "ids", c.payments().imp_uids(many).send()).await;
    rejects(
        &server,
        "page",
        c.payments_by_status(iamport::PaymentStatus::Paid)
            .page(0)
            .send(),
    )
    .await;
    rejects(
        &server,
        "limit",
        c.payments_by_status(iamport::PaymentStatus::Paid)
            .limit(0)
            .send(),
    )
    .await;
    rejects(
        &server,
        "limit",
        c.find_all_payments("m").limit(1001).send(),
    )
    .await;
    let (from, to) = (
        iamport::UnixTime::from_secs(200),
        iamport::UnixTime::from_secs(100),
    );
    rejects(
        &server,
        "from",
        c.payments_by_status(iamport::PaymentStatusFilter::All)
            .from(from)
            .to(to)
            .send(),
    )
    .await;
    rejects(
        &server,
        "imp_uid",
        c.cancel_payment().reason("no id").send(),
    )
    .await;
    rejects(
        &server,
        "amount",
        c.cancel_payment().imp_uid("imp_1").amount(-1).send(),
    )
    .await;
    rejects(
        &server,
        "amount",
        c.cancel_payment()
            .imp_uid("imp_1")
            .amount(2000)
            .checksum(1000)
            .send(),
    )
    .await;
    rejects(&server, "amount", c.prepare_payment("m_1", -5).send()).await;
    let blank = iamport::types::ReceiptRequest::new(" ");
    rejects(&server, "identifier", c.issue_receipt("imp_1", blank)).await;
    let negative = iamport::types::ExternalReceiptRequest::new("channel", "Beans", -1, "010");
    rejects(&server, "amount", c.issue_external_receipt("m_1", negative)).await;
    // An unknown status must not become a path step that names another endpoint.
    let dots = iamport::PaymentStatus::from("..");
    rejects(&server, "status", c.find_payment("m_1").status(dots).send()).await;
    let slash = iamport::PaymentStatus::from("paid/../x");
    rejects(
        &server,
        "status",
        c.find_all_payments("m_1").status(slash).send(),
    )
    .await;
    anything.assert_calls(0);
}

#[test]
fn bad_configuration_is_refused() {
    let build = |b: iamport::ClientBuilder| b.build().expect_err("must not build");
    assert!(matches!(
        build(iamport::Client::builder()),
        iamport::Error::Config { .. }
    ));
    assert!(matches!(
        build(iamport::Client::builder().credentials("", "s")),
        iamport::Error::Config { .. }
    ));
    assert!(matches!(
        build(iamport::Client::builder().credentials("k", " ")),
        iamport::Error::Config { .. }
    ));
    let http = iamport::Client::builder()
        .credentials("k", "s")
        .base_url("http://api.iamport.kr");
    assert!(build(http).to_string().contains("https"));
    assert!(matches!(
        build(
            iamport::Client::builder()
                .credentials("k", "s")
                .base_url("not a url")
        ),
        iamport::Error::Config { .. }
    ));
    for ok in [
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "http://[::1]:9",
        "https://api.iamport.kr/",
    ] {
        let c = iamport::Client::builder()
            .credentials("k", "s")
            .base_url(ok)
            .build()
            .unwrap();
        assert!(!c.base_url().ends_with('/'), "{ok}");
    }
}

/// Ids are percent-encoded in paths, `+` too: a server that decodes paths as forms would read a
/// bare `+` as a space and look up another order.
#[tokio::test]
async fn ids_are_percent_encoded_in_paths() {
    let rec = recording("find_payment.ok");
    for (id, path) in [
        (
            "order 2026/11/05#7",
            "/payments/find/order%202026%2F11%2F05%237",
        ),
        ("order+7", "/payments/find/order%2B7"),
    ] {
        let server = MockServer::start_async().await;
        let _t = token_mock(&server);
        let api = server.mock(|when, then| {
            when.method("GET").path(path);
            then.status(200)
                .body(serde_json::to_vec(&rec.response.body).unwrap());
        });
        let raw = server.mock(|when, then| {
            when.method("GET").path_includes("+");
            then.status(500);
        });
        client(&server).find_payment(id).send().await.unwrap();
        api.assert_calls(1);
        raw.assert_calls(0);
    }
}

/// The server reads `amount: 0` in a cancel exactly as a missing amount: "cancel all that is
/// left". A refund computed as zero is refused before sending, never turned into a full one.
#[tokio::test]
async fn a_refund_of_zero_is_refused_and_nothing_is_sent() {
    let server = MockServer::start_async().await;
    let anything = any_request(&server);
    let c = client(&server);
    for zero in ["0", "0.00"] {
        let amount: iamport::Amount = zero.parse().unwrap();
        let err = c
            .cancel_payment()
            .imp_uid("imp_448280090638")
            .amount(amount)
            .checksum(70000)
            .send()
            .await
            .expect_err("a zero refund must be refused");
        match &err {
            iamport::Error::InvalidInput { field, reason } => {
                assert_eq!(*field, "amount", "{err}");
                assert!(reason.contains(".full()"), "says how to cancel all: {err}");
            }
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }
    // A ledger that says nothing is left: nothing can be refunded.
    rejects(
        &server,
        "checksum",
        c.cancel_payment()
            .imp_uid("imp_448280090638")
            .amount(1000)
            .checksum(0)
            .send(),
    )
    .await;
    anything.assert_calls(0);
}

/// "Revoke none of these" must never go out as "revoke every schedule of this key": an empty
/// list of order ids is refused before sending, not left out of the body.
#[tokio::test]
async fn an_empty_unschedule_list_is_refused_not_sent_as_revoke_all() {
    let server = MockServer::start_async().await;
    let anything = any_request(&server);
    let c = client(&server);
    let request = iamport::types::UnscheduleRequest::new()
        .customer_uid("member-3108-card-1")
        .merchant_uid(Vec::<String>::new());
    rejects(&server, "merchant_uid", c.unschedule_payments(request)).await;
    anything.assert_calls(0);
}

/// Charges and schedules of nothing are refused before sending.
#[tokio::test]
async fn charges_and_schedules_of_zero_are_refused() {
    use iamport::types::{ChargeBillingKeyRequest, ScheduleEntry, ScheduleRequest};
    let server = MockServer::start_async().await;
    let anything = any_request(&server);
    let c = client(&server);
    let charge = ChargeBillingKeyRequest::new("member-1", "order-zero", 0, "Monthly plan");
    rejects(&server, "amount", c.charge_billing_key(charge)).await;
    let at = iamport::UnixTime::from_secs(iamport::testing::RECORDED_AT.as_secs() + 86_400);
    let schedule = ScheduleRequest::new("member-1", vec![ScheduleEntry::new("sub-zero", at, 0)]);
    rejects(&server, "amount", c.schedule_payments(schedule)).await;
    anything.assert_calls(0);
}

/// Limits that only the spec states (no facade code checks them) are run before sending:
/// a body property's `maxLength`, a nested component's, and an empty `minLength: 1` text.
#[tokio::test]
async fn the_specs_own_limits_are_checked_before_sending() {
    use iamport::types::{ChargeBillingKeyRequest, ScheduleEntry, ScheduleRequest};
    let server = MockServer::start_async().await;
    let anything = any_request(&server);
    let c = client(&server);
    let charge = ChargeBillingKeyRequest::new("member-1", "order-1", 1000, "Monthly plan")
        .buyer_name("가".repeat(17));
    let err = c.charge_billing_key(charge).await.expect_err("buyer_name");
    assert!(
        matches!(&err, iamport::Error::InvalidInput { field: "buyer_name", reason } if reason == "longer than 16 characters"),
        "{err:?}"
    );
    // Sixteen characters (48 bytes) fit: the limit counts characters.
    let at = iamport::UnixTime::from_secs(iamport::testing::RECORDED_AT.as_secs() + 86_400);
    let entry = ScheduleEntry::new("sub-1", at, 1000).buyer_postcode("123456789");
    let schedule = ScheduleRequest::new("member-1", vec![entry]);
    rejects(&server, "buyer_postcode", c.schedule_payments(schedule)).await;
    let charge =
        ChargeBillingKeyRequest::new("member-1", "order-2", 1000, "Monthly plan").channel_key("");
    rejects(&server, "channel_key", c.charge_billing_key(charge)).await;
    anything.assert_calls(0);
    // Within the limits, the same charge is sent.
    let charge = ChargeBillingKeyRequest::new("member-1", "order-3", 1000, "Monthly plan")
        .buyer_name("가".repeat(16));
    assert!(
        !c.charge_billing_key(charge)
            .await
            .unwrap_err()
            .is_invalid_input()
    );
    assert!(
        anything.calls() > 0,
        "the charge within the limits was not sent"
    );
}
