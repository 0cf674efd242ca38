//! Webhook notifications: parsed from JSON and form bodies, trusted only after a re-fetch.

use iamport::{
    PaymentStatus,
    testing::{MockIamport, payment},
    verify::Field,
    webhook::Notification,
};
use serde_json::json;

#[test]
fn json_and_form_bodies_parse_alike() {
    let json = br#"{"imp_uid":"imp_300000000001","merchant_uid":"order 1","status":"paid","cancellation_id":"c_1","tid":7}"#;
    let form = b"imp_uid=imp_300000000001&merchant_uid=order%201&status=paid&cancellation_id=c_1";
    let a = Notification::parse(Some("application/json; charset=utf-8"), json).unwrap();
    let b = Notification::parse(Some("application/x-www-form-urlencoded"), form).unwrap();
    for n in [&a, &b] {
        assert_eq!(n.imp_uid, "imp_300000000001");
        assert_eq!(n.merchant_uid, "order 1");
        assert_eq!(n.status, Some(PaymentStatus::Paid));
        assert_eq!(n.other["cancellation_id"], json!("c_1"));
    }
    // Unknown fields are kept as sent.
    assert_eq!(a.other["tid"], json!(7));
    // Without a content type the body decides.
    assert_eq!(Notification::parse(None, json).unwrap(), a);
    assert_eq!(Notification::parse(None, form).unwrap(), b);
}

#[test]
fn unknown_statuses_are_kept_and_bad_bodies_rejected() {
    let n = Notification::from_json(
        br#"{"imp_uid":"imp_1","merchant_uid":"m","status":"partial_cancelled"}"#,
    )
    .unwrap();
    assert_eq!(n.status.unwrap().as_str(), "partial_cancelled");
    for (content_type, body) in [
        (Some("application/json"), &b"{\"merchant_uid\":\"m\"}"[..]),
        (Some("application/json"), b"{\"imp_uid\":\"imp_1\"}"),
        (
            Some("application/json"),
            b"{\"imp_uid\":7,\"merchant_uid\":\"m\"}",
        ),
        (Some("application/json"), b"[1]"),
        (Some("application/json"), b"{not json"),
        (Some("text/plain"), b"imp_uid=imp_1&merchant_uid=m"),
        (None, b"imp_uid=..&merchant_uid=m"),
        (None, b""),
    ] {
        let err = Notification::parse(content_type, body).unwrap_err();
        assert!(
            matches!(
                err,
                iamport::Error::InvalidInput {
                    field: "notification",
                    ..
                }
            ),
            "{body:?}: {err:?}"
        );
    }
}

#[tokio::test]
async fn the_payment_is_refetched_and_its_order_checked() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let mut p = payment("imp_300000000002", "order-2", 5000);
    p.status = PaymentStatus::Cancelled;
    let stub = mock.payment(&p);

    // The notification claims `paid`; the fetched payment is what counts.
    let n = Notification::from_form(b"imp_uid=imp_300000000002&merchant_uid=order-2&status=paid")
        .unwrap();
    let fetched = client.payment_from_notification(&n).await.unwrap();
    assert_eq!(fetched.status, PaymentStatus::Cancelled);

    // A notification pairing the payment with another order is refused.
    let forged =
        Notification::from_form(b"imp_uid=imp_300000000002&merchant_uid=order-999").unwrap();
    let err = client.payment_from_notification(&forged).await.unwrap_err();
    let m = err.mismatch().expect("a mismatch");
    assert_eq!(m.differences[0].field, Field::MerchantUid);
    assert_eq!(m.differences[0].expected, "order-999");
    assert_eq!(m.differences[0].actual, "order-2");
    stub.assert_calls(2);
}
