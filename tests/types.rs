//! Exact money, typed time and open enums.

use std::str::FromStr;

use iamport::{Amount, PaymentStatus, PaymentStatusFilter, Sorting};

fn round_trip(json: &str) -> String {
    let a: Amount = serde_json::from_str(json).unwrap();
    serde_json::to_string(&a).unwrap()
}

#[test]
fn amounts_round_trip_exactly() {
    for json in [
        "1000",
        "10.5",
        "0.1",
        "0",
        "123456789012",
        "0.01",
        "99999.99",
        "-5",
    ] {
        assert_eq!(round_trip(json), json, "{json}");
    }
    assert_eq!(round_trip("1000.0"), "1000");
}

#[test]
fn amounts_display_compare_and_convert() {
    let a: Amount = serde_json::from_str("10.5").unwrap();
    assert_eq!(a.to_string(), "10.5");
    assert_eq!(Amount::from(1000).to_string(), "1000");
    assert_eq!(a, Amount::from_str("10.50").unwrap());
    assert!(Amount::from(11) > a);
    let tenth: Amount = serde_json::from_str("0.1").unwrap();
    let twentieth: Amount = serde_json::from_str("0.2").unwrap();
    assert_eq!(
        tenth.as_decimal() + twentieth.as_decimal(),
        Amount::from_str("0.3").unwrap().as_decimal()
    );
    assert_eq!(Amount::from(1000).to_i64(), Some(1000));
    assert_eq!(a.to_i64(), None);
    // A lenient decoder accepts the string form some fixtures carry.
    assert_eq!(
        serde_json::from_str::<Amount>("\"0\"").unwrap(),
        Amount::ZERO
    );
    assert!(Amount::from_str("ten").is_err());
}

#[test]
fn zero_timestamps_are_none() {
    let rec: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("spec/recordings/get_payment.vbank_ready.json").unwrap(),
    )
    .unwrap();
    let p: iamport::Payment =
        serde_json::from_value(rec["response"]["body"]["response"].clone()).unwrap();
    assert_eq!(p.paid_at, None);
    assert_eq!(p.cancelled_at, None);
    assert_eq!(p.vbank_date.map(|t| t.as_secs()), Some(1762527599));
    assert_eq!(p.status, PaymentStatus::Ready);
    // Written back as the server wrote it.
    assert_eq!(serde_json::to_value(&p).unwrap()["paid_at"], 0);
}

#[test]
fn enums_parse_display_and_keep_unknown_values() {
    assert_eq!(
        PaymentStatus::from_str("paid").unwrap(),
        PaymentStatus::Paid
    );
    assert_eq!(PaymentStatus::Paid.as_str(), "paid");
    assert_eq!(Sorting::PaidDesc.to_string(), "-paid");
    assert_eq!(Sorting::from("-updated"), Sorting::UpdatedDesc);
    let s: PaymentStatus = serde_json::from_str("\"on_hold\"").unwrap();
    assert_eq!(s, PaymentStatus::Unknown("on_hold".into()));
    assert_eq!(serde_json::to_string(&s).unwrap(), "\"on_hold\"");
    assert_eq!(
        PaymentStatusFilter::from(PaymentStatus::Cancelled),
        PaymentStatusFilter::Cancelled
    );
    assert!(PaymentStatus::KNOWN.contains(&PaymentStatus::Paid));
    for s in PaymentStatus::KNOWN {
        assert_eq!(PaymentStatus::from(s.as_str()), *s);
        assert!(!s.is_unknown(), "{s:?}");
    }
}

fn recorded_payment(name: &str) -> (serde_json::Value, iamport::Payment) {
    let rec: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("spec/recordings/{name}.json")).unwrap(),
    )
    .unwrap();
    let body = rec["response"]["body"]["response"].clone();
    let payment = serde_json::from_value(body.clone()).unwrap();
    (body, payment)
}

#[test]
fn personal_fields_never_show_in_debug() {
    let (body, p) = recorded_payment("get_payment.card_paid");
    let shown = format!("{p:?}");
    for key in ["buyer_name", "buyer_email", "buyer_tel", "card_number"] {
        let value = body[key]
            .as_str()
            .unwrap_or_else(|| panic!("{key} is recorded"));
        assert!(!shown.contains(value), "{key} {value:?} shows in {shown}");
        assert!(
            shown.contains(&format!("{key}: Some([redacted])")),
            "{shown}"
        );
    }
    // Everything else still shows.
    assert!(shown.contains(&p.imp_uid) && shown.contains("Paid"));

    let request = iamport::types::ReceiptRequest::new("9001011234567").buyer_name("홍길동");
    let shown = format!("{request:?}");
    assert!(
        !shown.contains("9001011234567") && !shown.contains("홍길동"),
        "{shown}"
    );
    assert!(shown.contains("identifier: [redacted]"), "{shown}");
}

#[test]
fn nulls_and_absent_keys_come_back_as_the_spec_says() {
    // A nullable field the server sent as `null` is written back as `null`.
    let (body, p) = recorded_payment("get_payment.vbank_ready");
    let again = serde_json::to_value(&p).unwrap();
    let nulls: Vec<&String> = body
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, value)| value.is_null())
        .map(|(key, _)| key)
        .collect();
    // The recording's nulls include a personal field, a plain string and an open map.
    for key in ["card_number", "fail_reason", "custom_data"] {
        assert!(
            nulls.iter().any(|k| *k == key),
            "{key} not null in {nulls:?}"
        );
    }
    assert!(nulls.len() >= 10, "{nulls:?}");
    for key in nulls {
        assert!(again.get(key).is_some(), "{key} dropped");
        assert!(
            again[key].is_null() || again[key] == serde_json::json!([]),
            "{key}"
        );
    }
    // A request leaves unset optional fields out entirely.
    let request = iamport::types::ReceiptRequest::new("01012345678");
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        serde_json::json!({"identifier": "01012345678"})
    );
}

#[test]
fn response_lists_and_flags_tolerate_null_and_absence() {
    let (mut body, _) = recorded_payment("get_payment.card_paid");
    body["cancel_history"] = serde_json::Value::Null;
    body.as_object_mut().unwrap().remove("cancel_receipt_urls");
    body.as_object_mut().unwrap().remove("escrow");
    // A longer id than the docs promise still decodes.
    body["imp_uid"] = serde_json::Value::String("imp_".to_owned() + &"9".repeat(60));
    let p: iamport::Payment = serde_json::from_value(body).unwrap();
    assert!(p.cancel_history.is_empty() && p.cancel_receipt_urls.is_empty());
    assert!(!p.escrow);
    assert_eq!(p.imp_uid.len(), 64);
}

#[test]
fn amounts_do_refund_arithmetic_and_compare_with_whole_numbers() {
    let paid: Amount = serde_json::from_str("10.5").unwrap();
    let refunded: Amount = serde_json::from_str("0.25").unwrap();
    let left = paid.checked_sub(refunded).unwrap();
    assert_eq!(left.to_string(), "10.25");
    assert_eq!(left.checked_add(refunded), Some(paid));
    assert!(paid > 10 && paid < 11 && paid != 10);
    assert_eq!(Amount::from(1000), 1000);
    let max = Amount::new(iamport::Decimal::MAX);
    assert_eq!(max.checked_add(Amount::from(1)), None);
}
