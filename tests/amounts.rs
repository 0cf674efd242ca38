//! Finding 8: amounts are decoded from the JSON text and encoded as their exact digits, never
//! through a float.

mod common;
mod scripted;

use std::{str::FromStr, time::Duration};

use iamport::{Amount, Client, Decimal, Payment};
use scripted::{Scripted, respond, token};

const BIG: &str = "12345678901234.567";

#[test]
fn an_amount_with_a_fraction_decodes_and_encodes_exactly() {
    for text in [
        BIG,
        "10.5",
        "0.1",
        "1000",
        "-3.25",
        "99999999999999999999",
        "0.000001",
    ] {
        let a: Amount = serde_json::from_str(text).unwrap();
        assert_eq!(a.as_decimal(), Decimal::from_str(text).unwrap(), "{text}");
        assert_eq!(serde_json::to_string(&a).unwrap(), text, "{text}");
        assert_eq!(a.to_string(), text);
        // Through a `serde_json::Value` too.
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::from_value::<Amount>(v.clone()).unwrap(), a);
        assert_eq!(serde_json::to_value(a).unwrap(), v, "{text}");
    }
    // Trailing zeros are not digits the amount has; whole numbers stay whole.
    let a: Amount = serde_json::from_str("10.50").unwrap();
    assert_eq!(serde_json::to_string(&a).unwrap(), "10.5");
    assert_eq!(serde_json::to_string(&Amount::from(1000)).unwrap(), "1000");
}

#[test]
fn an_amount_compares_exactly_with_whole_numbers_of_every_integer_type() {
    let a = Amount::from_str("10.5").unwrap();
    let whole = Amount::from(1000);
    // Each integer type, both ways round.
    assert!(whole == 1000_i16 && whole == 1000_i32 && whole == 1000_i64);
    assert!(whole == 1000_u16 && whole == 1000_u32 && whole == 1000_u64);
    assert!(1000_i64 == whole && 1000_u64 == whole && 1000 == whole);
    assert!(Amount::from(7) == 7_i8 && Amount::from(7) == 7_u8 && 7_u8 == Amount::from(7));
    // A fraction is never equal to a whole number, and orders between its neighbours, seen
    // from either side.
    assert_ne!(a, 10);
    assert_ne!(10, a);
    assert!(a > 10_u64);
    assert!(10_i8 < a);
    assert!(a < 11_i64);
    assert!(11_u16 > a);
    assert!(a >= 10_u8);
    assert!(a <= 11_i16);
    // Beyond `i32`, beyond `i64`, and below zero.
    let big = Amount::from(u64::MAX);
    assert_eq!(big, u64::MAX);
    assert_eq!(u64::MAX, big);
    assert!(big > i64::MAX);
    assert!(Amount::from(-1) < 0 && Amount::from(-1) == -1_i8 && 0_u8 > Amount::from(-1));
    assert!(Amount::ZERO == 0 && Amount::ZERO <= 0_u64);
}

#[test]
fn checked_arithmetic_takes_amounts_and_whole_numbers() {
    let paid = Amount::from(32000);
    let refunded = Amount::from_str("12000.5").unwrap();
    let left = paid.checked_sub(refunded).unwrap();
    assert_eq!(left, Amount::from_str("19999.5").unwrap());
    assert_eq!(left.checked_add(refunded), Some(paid));
    assert_eq!(paid.checked_sub(2000), Some(Amount::from(30000)));
    assert_eq!(paid.checked_add(1_u64), Some(Amount::from(32001)));
    // Refunding more than is left goes below zero, which the caller can see.
    let over = paid.checked_sub(40000).unwrap();
    assert!(over.is_negative() && over < 0 && over == -8000);
    // Beyond what a decimal holds: `None`, not a panic.
    let max = Amount::new(Decimal::MAX);
    assert_eq!(max.checked_add(1), None);
    assert_eq!(Amount::new(Decimal::MIN).checked_sub(1), None);
    assert_eq!(max.checked_sub(max), Some(Amount::ZERO));
}

#[test]
fn a_payment_keeps_its_exact_amount() {
    let body = common::recording("get_payment.usd_decimal").response.body;
    let raw = serde_json::to_string(&body["response"]).unwrap();
    assert!(raw.contains("\"amount\":10.5"), "{raw}");
    let text = raw.replacen("\"amount\":10.5", &format!("\"amount\":{BIG}"), 1);
    let p: Payment = serde_json::from_str(&text).unwrap();
    assert_eq!(p.amount.to_string(), BIG);
    let again = serde_json::to_string(&p).unwrap();
    assert!(again.contains(&format!("\"amount\":{BIG}")), "{again}");
}

#[tokio::test]
async fn a_cancel_sends_the_exact_digits() {
    let ok = serde_json::to_vec(&common::recording("get_payment.card_paid").response.body).unwrap();
    let server = Scripted::start(move |seen, _| match seen.path.as_str() {
        "/users/getToken" => token("tok", 0, 1800),
        _ => respond(200, ok.clone()),
    })
    .await;
    let client = Client::builder()
        .credentials("key", "secret")
        .base_url(&server.base)
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    client
        .cancel_payment()
        .imp_uid("imp_448280090638")
        .amount(Amount::from_str(BIG).unwrap())
        .checksum(Amount::from_str("99999999999999.999").unwrap())
        .send()
        .await
        .unwrap();
    let sent = server
        .seen()
        .into_iter()
        .find(|s| s.path == "/payments/cancel")
        .unwrap();
    let body = String::from_utf8(sent.body).unwrap();
    assert!(body.contains(&format!("\"amount\":{BIG}")), "{body}");
    assert!(body.contains("\"checksum\":99999999999999.999"), "{body}");
}

/// Server figures at the edge of what a decimal holds, or that make no sense, never panic:
/// the cancellable amount is `None` for them.
#[test]
fn the_cancellable_amount_of_absurd_figures_is_none_not_a_panic() {
    let mut p = iamport::testing::payment("imp_1", "order-1", 50000);
    p.cancel_amount = Amount::from(45000);
    assert_eq!(p.cancellable_amount(), Some(Amount::from(5000)));
    for (amount, cancelled) in [
        (Decimal::MAX, Decimal::from(-1)),
        (Decimal::MIN, Decimal::from(1)),
        (Decimal::from(1000), Decimal::from(-5)),
        (Decimal::from(1000), Decimal::from(1001)),
    ] {
        p.amount = Amount::new(amount);
        p.cancel_amount = Amount::new(cancelled);
        assert_eq!(p.cancellable_amount(), None, "{amount} - {cancelled}");
    }
}

/// Prorating never panics and never gives more than the whole: shares of a period are
/// rounded as asked, and impossible or overflowing shares are `None`.
#[test]
fn prorated_shares_are_rounded_as_asked_and_never_panic() {
    use iamport::Rounding;
    let month = Amount::from(9900);
    assert_eq!(month.prorate(0, 30, 0, Rounding::Up), Some(Amount::from(0)));
    assert_eq!(month.prorate(30, 30, 0, Rounding::Down), Some(month));
    assert_eq!(month.prorate(1, 0, 0, Rounding::Down), None);
    assert_eq!(month.prorate(31, 30, 0, Rounding::Down), None);
    assert_eq!(
        Amount::new(Decimal::MAX).prorate(2, 3, 0, Rounding::Down),
        None
    );
    // 1 of 3 days of 10,000 won: 3,333.33…
    for (rounding, expected) in [
        (Rounding::Down, 3333),
        (Rounding::Up, 3334),
        (Rounding::HalfUp, 3333),
        (Rounding::HalfEven, 3333),
    ] {
        assert_eq!(
            Amount::from(10000).prorate(1, 3, 0, rounding),
            Some(Amount::from(expected)),
            "{rounding:?}"
        );
    }
    // Down never refunds more than the exact share, whatever the period.
    for whole in 1..=31u64 {
        for part in 0..=whole {
            let share = month.prorate(part, whole, 0, Rounding::Down).unwrap();
            let exact = Decimal::from(9900) * Decimal::from(part) / Decimal::from(whole);
            assert!(share.as_decimal() <= exact, "{part}/{whole}");
            assert!(share.is_integer(), "{part}/{whole}");
        }
    }
}
