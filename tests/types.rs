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
    for s in PaymentStatus::KNOWN {
        assert_eq!(PaymentStatus::from(s.as_str()), *s);
    }
}
