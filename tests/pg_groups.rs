//! The PG-specific groups: Naver Pay orders, KCP quick pay, PAYCO, Paymentwall and Benepia.
//! Every recording through the client, a partial answer that names what it left unchanged,
//! the charges' outcome rules, a PG's refusal inside a success, and personal data and the
//! Benepia password kept out of `Debug`, errors and tracing.
#![cfg(all(
    feature = "naver",
    feature = "kcpquick",
    feature = "payco",
    feature = "paymentwall",
    feature = "benepia"
))]

mod common;

use iamport::{
    Error, NaverCancelReason, NaverProductOrderStatus, PaycoOrderStatus, PaymentStatus,
    testing::{MockIamport, payment},
    types::{
        BenepiaPaymentRequest, KcpQuickMoneyRequest, NaverApproveCancelRequest, NaverCancelRequest,
        PaymentwallDeliveryRequest,
    },
};
use serde_json::json;

#[tokio::test]
async fn every_pg_specific_recording_goes_through_the_client() {
    common::every_recording_goes_through_the_client(&[
        "get_naver_reviews",
        "get_naver_product_order",
        "get_naver_product_orders",
        "get_naver_cash_amount",
        "place_naver_orders",
        "ship_naver_orders",
        "cancel_naver_orders",
        "approve_naver_cancel",
        "request_naver_return",
        "approve_naver_return",
        "reject_naver_return",
        "withhold_naver_return",
        "resolve_naver_return",
        "collect_naver_exchange",
        "ship_naver_exchange",
        "confirm_naver_payment",
        "deposit_naver_point",
        "pay_kcpquick_money",
        "pay_kcpquick_autopay",
        "prepare_kcpquick_payment",
        "update_kcpquick_prepared_payment",
        "release_kcpquick_fido",
        "delete_kcpquick_member",
        "delete_kcpquick_autopay_key",
        "update_payco_order_status",
        "register_paymentwall_delivery",
        "get_benepia_point",
        "pay_benepia_point",
    ])
    .await;
}

fn cancel(ids: &[&str]) -> NaverCancelRequest {
    NaverCancelRequest::new(ids.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        .reason(NaverCancelReason::IntentChanged)
}

#[tokio::test]
async fn a_partial_naver_answer_names_the_product_orders_it_left_unchanged() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let _partial = mock.recording(&common::recording("cancel_naver_orders.partial"));
    let change = client
        .naver()
        .cancel(
            "imp_612345678901",
            cancel(&["2026110512345601", "2026110512345602"]),
        )
        .await
        .unwrap();
    assert!(!change.is_complete());
    assert_eq!(change.unchanged, ["2026110512345601"]);
    assert_eq!(change.changed.len(), 1);
    assert_eq!(
        change.changed[0].product_order_status,
        NaverProductOrderStatus::Canceled
    );

    // A whole answer is complete.
    let _ok = mock.recording(&common::recording("cancel_naver_orders.ok"));
    let request = NaverCancelRequest::new(vec!["2026110512345602".to_owned()])
        .reason(NaverCancelReason::SoldOut);
    let change = client
        .naver()
        .cancel("imp_612345678901", request)
        .await
        .unwrap();
    assert!(change.is_complete(), "{change:?}");
}

#[tokio::test]
async fn a_naver_refund_names_what_it_refunds() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let anything = mock.server().mock(|_, then| {
        then.status(500);
    });
    // The refunding actions take the product orders in their constructor; an empty list (the
    // server would refund the whole payment) is refused with nothing sent.
    let err = client
        .naver()
        .cancel("imp_1", NaverCancelRequest::new(Vec::<String>::new()))
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err:?}");
    let err = client
        .naver()
        .approve_cancel(
            "imp_1",
            NaverApproveCancelRequest::new(Vec::<String>::new()),
        )
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err:?}");
    assert_eq!(anything.calls(), 0);
}

#[tokio::test]
async fn a_naver_refund_lost_on_the_way_back_is_not_sent_again() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let request = || cancel(&["2026110512345601"]);
    let lost = mock
        .when(client.naver().cancel("imp_1", request()))
        .respond(504, json!({}));
    let err = client.naver().cancel("imp_1", request()).await.unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    let attempted = err.attempted().unwrap();
    assert_eq!(attempted.imp_uid.as_deref(), Some("imp_1"));
    assert!(
        attempted.next_step().contains("product_orders"),
        "{}",
        attempted.next_step()
    );
    lost.assert_calls(1);

    // Naver's own failure (HTTP 500 with the envelope): it may have been applied, so it is
    // reported as an unknown outcome, with Naver's words readable.
    let rec = common::recording("cancel_naver_orders.all_failed");
    let _failed = mock.recording(&rec);
    let body: NaverCancelRequest =
        serde_json::from_value(rec.request.body.clone().unwrap()).unwrap();
    let err = client
        .naver()
        .cancel("imp_612345678901", body)
        .await
        .unwrap_err();
    assert!(
        err.is_outcome_unknown() && err.refusal().is_none(),
        "{err:?}"
    );
    assert!(err.api_message().unwrap().contains("네이버페이"), "{err:?}");
}

#[tokio::test]
async fn charges_are_ok_only_when_paid_and_never_sent_twice() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let charge = |order: &str| {
        KcpQuickMoneyRequest::new(
            "kq-m-1",
            "channel-key-kcpq",
            order,
            "아메리카노",
            4500,
            "imp_9",
        )
    };
    let mut failed = payment("imp_9", "order-1", 4500);
    failed.status = PaymentStatus::Failed;
    failed.fail_reason = Some("잔액 부족".into());
    let _declined = mock
        .when(client.kcp_quick().pay_with_money(charge("order-1")))
        .ok(&failed);
    let err = client
        .kcp_quick()
        .pay_with_money(charge("order-1"))
        .await
        .unwrap_err();
    assert!(err.is_declined(), "{err:?}");

    let lost = mock
        .when(client.kcp_quick().pay_with_money(charge("order-2")))
        .respond(502, json!({}));
    let err = client
        .kcp_quick()
        .pay_with_money(charge("order-2"))
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert_eq!(
        err.attempted().unwrap().merchant_uid.as_deref(),
        Some("order-2")
    );
    assert_eq!(err.attempted().unwrap().amount, Some(4500.into()));
    assert!(
        err.attempted()
            .unwrap()
            .next_step()
            .contains("find_payment")
    );
    lost.assert_calls(1);

    let pay = || {
        BenepiaPaymentRequest::new(
            "bene-user",
            "Bnp!2026pass",
            "bnp-1",
            45000,
            "건강검진",
            "channel-key-bene",
        )
    };
    let paid = payment("imp_10", "bnp-1", 45000);
    let ok = mock.when(client.benepia().pay(pay())).ok(&paid);
    assert!(client.benepia().pay(pay()).await.unwrap().is_paid());
    ok.assert_calls(1);
}

#[tokio::test]
async fn a_paymentwall_refusal_inside_a_success_is_an_error() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let rec = common::recording("register_paymentwall_delivery.rejected");
    let _rejected = mock.recording(&rec);
    let request: PaymentwallDeliveryRequest =
        serde_json::from_value(rec.request.body.clone().unwrap()).unwrap();
    let err = client
        .paymentwall()
        .register_delivery(request)
        .await
        .unwrap_err();
    let Error::PgRejected {
        code,
        message,
        answer,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!((*code, message.as_deref()), (7, Some("Invalid parameters")));
    assert!(
        answer["notices"][0]
            .as_str()
            .unwrap()
            .contains("carrier_tracking_id")
    );
    assert!(!err.is_retryable() && err.refusal().is_some());

    let _status = mock.recording(&common::recording("update_payco_order_status.ok"));
    let now = client
        .payco()
        .update_order_status("imp_510274883361", PaycoOrderStatus::DeliveryStart)
        .await
        .unwrap();
    assert_eq!(now.as_str(), PaycoOrderStatus::DeliveryStart.as_str());
}

#[test]
fn personal_data_and_the_benepia_password_never_show() {
    let (shown, logs) = common::with_logs(async {
        let mock = MockIamport::start().await;
        let client = mock.client();
        let mut shown = Vec::new();
        let _order = mock.recording(&common::recording("get_naver_product_order.ok"));
        let order = client
            .naver()
            .product_order("2026110598765401")
            .await
            .unwrap();
        shown.push(format!("{order:?}"));
        let request = BenepiaPaymentRequest::new(
            "hana_welfare07",
            "Bnp!2026pass",
            "bnp-2",
            45000,
            "건강검진",
            "channel-key-bene",
        )
        .buyer_name("한지민")
        .buyer_tel("01098765432");
        shown.push(format!("{request:?}"));
        let _refused = mock.error(
            "POST",
            "/benepia/point",
            500,
            -1,
            "[8212] 베네피아 아이디 또는 비밀번호가 일치하지 않습니다.",
        );
        let err = client
            .benepia()
            .point("hana_welfare07", "Bnp!2026pass", "channel-key-bene")
            .await
            .unwrap_err();
        shown.push(format!("{err} {err:?}"));
        (shown, order)
    });
    let (shown, order) = shown;
    assert!(logs.contains("get_benepia_point"), "{logs}");
    let orderer = order.orderer.as_ref().map(|o| o.name.clone()).unwrap();
    let street = order
        .shipping_address
        .as_ref()
        .map(|a| a.base.clone())
        .unwrap();
    for text in shown.iter().chain([&logs]) {
        for value in [
            "Bnp!2026pass",
            "한지민",
            "01098765432",
            orderer.as_str(),
            street.as_str(),
        ] {
            assert!(!text.contains(value), "{value:?} shown in:\n{text}");
        }
    }
}
