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
    rejects(
        &server,
        "payment_status",
        c.find_payment("m_1").status(dots).send(),
    )
    .await;
    let slash = iamport::PaymentStatus::from("paid/../x");
    rejects(
        &server,
        "payment_status",
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

/// The spec's ranges on amounts (`exclusiveMinimum` for what moves money, `minimum: 0` for its
/// parts) and on pages are checked by the generated operations, with the reasons the facade
/// gave; a page 0 is refused, never sent as "no page".
#[tokio::test]
async fn amounts_and_pages_outside_the_specs_ranges_are_refused() {
    use iamport::types::{ChargeBillingKeyRequest, ExternalReceiptRequest};
    let server = MockServer::start_async().await;
    let anything = any_request(&server);
    let c = client(&server);
    let reason = |r: iamport::Result<()>| match r {
        Err(iamport::Error::InvalidInput { field, reason }) => format!("{field}: {reason}"),
        other => panic!("not refused: {other:?}"),
    };
    let charge = |amount: &str| {
        let amount: iamport::Amount = amount.parse().unwrap();
        ChargeBillingKeyRequest::new("member-1", "order-1", amount, "Monthly plan")
    };
    for (amount, expected) in [
        ("0", "amount: must be more than 0 (got 0)"),
        ("0.00", "amount: must be more than 0 (got 0)"),
        ("-0.5", "amount: must be more than 0 (got -0.5)"),
    ] {
        let r = c.charge_billing_key(charge(amount)).await.map(|_| ());
        assert_eq!(reason(r), expected);
    }
    let r = c.charge_billing_key(charge("0.01").vat_amount(-1)).await;
    assert_eq!(
        reason(r.map(|_| ())),
        "vat_amount: must not be negative (got -1)"
    );
    let r = c.prepare_payment("m_1", 0).send().await.map(|_| ());
    assert_eq!(reason(r), "amount: must be more than 0 (got 0)");
    let receipt = ExternalReceiptRequest::new("channel", "Beans", 0, "010");
    let r = c.issue_external_receipt("m_1", receipt).await.map(|_| ());
    assert_eq!(reason(r), "amount: must be more than 0 (got 0)");
    let r = c
        .cancel_payment()
        .imp_uid("imp_1")
        .full()
        .tax_free(-1)
        .send()
        .await;
    assert_eq!(
        reason(r.map(|_| ())),
        "tax_free: must not be negative (got -1)"
    );
    let r = c.billing_key_payments("member-1").page(0).send().await;
    assert_eq!(reason(r.map(|_| ())), "page: must be at least 1 (got 0)");
    let (from, to) = (
        iamport::UnixTime::from_secs(100),
        iamport::UnixTime::from_secs(200),
    );
    let r = c.schedules(from, to).limit(0).send().await.map(|_| ());
    assert_eq!(reason(r), "limit: must be between 1 and 1000 (got 0)");
    let r = c
        .billing_key_schedules("member-1", from, to)
        .page(0)
        .send()
        .await;
    assert_eq!(reason(r.map(|_| ())), "page: must be at least 1 (got 0)");
    let r = c.find_all_payments("m_1").page(0).send().await.map(|_| ());
    assert_eq!(reason(r), "page: must be at least 1 (got 0)");
    anything.assert_calls(0);
}

/// Card data is checked against the spec's patterns before sending, and the reason names the
/// form, never the value.
#[tokio::test]
async fn card_data_out_of_form_is_refused_without_repeating_it() {
    use iamport::types::{BillingKeyRequest, ChargeOnetimeRequest, ScheduleEntry, ScheduleRequest};
    let server = MockServer::start_async().await;
    let anything = any_request(&server);
    let c = client(&server);
    let number = "4242-4242-4242-4242";
    let refused = |r: iamport::Result<()>, field: &str, value: &str| match r {
        Err(e @ iamport::Error::InvalidInput { .. }) => {
            assert!(
                matches!(&e, iamport::Error::InvalidInput { field: f, .. } if *f == field),
                "{e}"
            );
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains(value), "{value:?} shown in {shown}");
        }
        other => panic!("not refused: {other:?}"),
    };
    for bad in [
        "4242424242424242",
        "4242-4242-4242-42x2",
        "4242-4242-4242",
        "4242-4242-4242-4242\n",
    ] {
        let r = c.issue_billing_key("member-1", BillingKeyRequest::new(bad, "2029-12"));
        refused(r.await.map(|_| ()), "card_number", bad.trim());
    }
    for bad in ["2029-13", "2029-00", "29-12", "2029/12", "202912"] {
        let r = c.charge_onetime(ChargeOnetimeRequest::new("order-1", 100, number, bad));
        refused(r.await.map(|_| ()), "expiry", bad);
    }
    let at = iamport::UnixTime::from_secs(iamport::testing::RECORDED_AT.as_secs() + 86_400);
    let entries = vec![ScheduleEntry::new("sub-1", at, 1000)];
    for (field, request, value) in [
        (
            "birth",
            ScheduleRequest::new("member-1", entries.clone()).birth("9001011"),
            "9001011",
        ),
        (
            "pwd_2digit",
            ScheduleRequest::new("member-1", entries.clone()).pwd_2digit("123"),
            "123",
        ),
        (
            "cvc",
            ScheduleRequest::new("member-1", entries.clone()).cvc("12a"),
            "12a",
        ),
    ] {
        refused(c.schedule_payments(request).await.map(|_| ()), field, value);
    }
    anything.assert_calls(0);
}
