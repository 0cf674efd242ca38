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
