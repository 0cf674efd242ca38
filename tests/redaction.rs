//! The secret and the access token never appear in Debug or Display output.

mod common;

use common::*;
use httpmock::MockServer;

#[tokio::test]
async fn secret_and_token_never_appear_in_debug_or_errors() {
    let builder = iamport::Client::builder().credentials(KEY, SECRET);
    let shown = format!("{builder:?}");
    assert!(!shown.contains(SECRET), "{shown}");

    let server = MockServer::start_async().await;
    let token = token_mock(&server);
    let rejected = server.mock(|when, then| {
        when.method("GET").path("/payments/imp_448280090638");
        then.status(401)
            .body(r#"{"code":-1,"message":"Unauthorized","response":null}"#);
    });
    let client = client(&server);
    let err = client.payment("imp_448280090638").await.unwrap_err();
    token.assert_calls(2);
    rejected.assert_calls(2);

    let truncated_token = server.mock(|when, then| {
        when.method("POST")
            .path("/users/getToken")
            .body_includes("other_key");
        then.status(200).body(format!(
            r#"{{"code":0,"message":null,"response":{{"access_token":"{TOKEN}","now":1"#
        ));
    });
    let other = iamport::Client::builder()
        .credentials("other_key", SECRET)
        .base_url(server.base_url())
        .build()
        .unwrap();
    let decode_err = other.payment("imp_448280090638").await.unwrap_err();
    truncated_token.assert_calls(1);

    for text in [
        format!("{client:?}"),
        format!("{err:?}"),
        err.to_string(),
        format!("{decode_err:?}"),
        decode_err.to_string(),
    ] {
        assert!(!text.contains(SECRET), "secret in {text}");
        assert!(!text.contains(TOKEN), "token in {text}");
    }
}

/// Finding 12: a base URL with user-info is refused, and its password is never shown.
#[test]
fn a_base_url_with_user_info_is_refused_and_its_password_never_shown() {
    const PASSWORD: &str = "hunter2pw";
    for url in [
        "https://:hunter2pw@api.iamport.kr",
        "https://user:hunter2pw@api.iamport.kr/",
        "https://user@api.iamport.kr",
        "http://user:hunter2pw@127.0.0.1:8080",
        "https://user:hunter2pw@",
        "user:hunter2pw@api.iamport.kr",
    ] {
        let builder = iamport::Client::builder()
            .credentials(KEY, SECRET)
            .base_url(url);
        let shown = format!("{builder:?}");
        assert!(!shown.contains(PASSWORD), "{shown}");
        let err = builder.build().expect_err(url);
        assert!(
            matches!(err, iamport::Error::Config { .. }),
            "{url}: {err:?}"
        );
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(PASSWORD), "{shown}");
        assert!(!shown.contains("user@"), "{shown}");
    }
}

/// Finding 13: the body excerpt of an error never carries personal data, whether the body is
/// a payment cut short at any point, one that does not decode, or a text page.
#[tokio::test]
async fn error_excerpts_mask_personal_data() {
    use iamport::testing::CannedClient;

    let personal = [
        ("buyer_name", "홍길동"),
        ("buyer_email", "gildong@example.com"),
        ("buyer_tel", "010-1234-5678"),
        ("buyer_addr", "서울특별시 강남구 테헤란로 1"),
        ("buyer_postcode", "06236"),
        ("card_number", "910020*********4"),
        ("vbank_num", "56211105948400"),
        ("vbank_holder", "김예금"),
        ("custom_data", "{\"phone\":\"01099998888\"}"),
    ];
    let hidden = |text: &str| {
        for needle in [
            "홍길",
            "gildong",
            "example.com",
            "1234-5678",
            "테헤란",
            "06236",
            "910020",
            "56211105",
            "김예금",
            "01099998888",
        ] {
            assert!(!text.contains(needle), "{needle:?} shown in {text}");
        }
    };
    let rec = recording("get_payment.card_paid");
    let mut body = rec.response.body.clone();
    for (key, value) in personal {
        body["response"][key] = serde_json::Value::from(value);
    }
    let full = serde_json::to_vec(&body).unwrap();
    let canned = CannedClient::new();

    // Cut short at every point: a decode error whose excerpt shows no personal value.
    for cut in (1..full.len()).step_by(7) {
        let err = canned
            .answer(&rec, 200, &[], &full[..cut])
            .await
            .unwrap_err();
        hidden(&format!("{err} {err:?}"));
    }
    // Whole, but of the wrong shape.
    let mut wrong = body.clone();
    wrong["response"]["amount"] = serde_json::Value::from("not an amount");
    let err = canned
        .answer(&rec, 200, &[], &serde_json::to_vec(&wrong).unwrap())
        .await
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    hidden(&shown);
    assert!(
        shown.contains("not an amount"),
        "the rest stays, for diagnosis: {shown}"
    );
    // A personal value of the wrong type: the decoder's own message would quote it.
    let mut wrong = body.clone();
    wrong["response"]["buyer_tel"] = serde_json::json!(1012345678);
    let err = canned
        .answer(&rec, 200, &[], &serde_json::to_vec(&wrong).unwrap())
        .await
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("1012345678"), "{shown}");
    assert!(
        shown.contains("invalid type: integer"),
        "the kind of value stays: {shown}"
    );
    // A text page quoting a buyer.
    let page =
        "<html>error for gildong@example.com, tel 010-1234-5678, card 9100201234567890</html>";
    let err = canned
        .answer(&rec, 500, &[], page.as_bytes())
        .await
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    hidden(&shown);
    assert!(shown.contains("<html>error for"), "{shown}");
}

/// A payment whose virtual account received deposits, with the depositor's name.
fn payment_with_a_depositor(name: &str) -> iamport::Payment {
    let p = iamport::testing::payment("imp_448280090638", "order-1", 32000);
    let mut value = serde_json::to_value(&p).unwrap();
    value["deposit_history"] = serde_json::json!([
        {"pg_tid": "dep-1", "amount": 32000, "depositor_name": name, "deposited_at": 1700000000}
    ]);
    serde_json::from_value(value).unwrap()
}

/// Depositors' names are personal data: not in a payment's `Debug`, nor in the `Debug` of the
/// errors that carry a payment.
#[test]
fn a_depositors_name_is_not_in_debug_output() {
    const NAME: &str = "홍길동";
    let p = payment_with_a_depositor(NAME);
    assert_eq!(p.deposit_history[0].depositor_name.as_deref(), Some(NAME));
    let mismatch = p
        .check(&iamport::Expected::new("another-order", 32000))
        .unwrap_err();
    let mismatch = iamport::Error::Mismatch(mismatch);
    let declined = iamport::Error::Declined(Box::new(p.clone()));
    for text in [
        format!("{p:?}"),
        format!("{mismatch:?}"),
        mismatch.to_string(),
        format!("{declined:?}"),
        declined.to_string(),
    ] {
        assert!(!text.contains(NAME), "depositor's name in {text}");
    }
}

/// The cancel builder's `Debug` shows no refund account, holder or telephone; requests show no
/// `custom_data` or browser IP.
#[test]
fn refund_accounts_custom_data_and_ips_are_not_in_debug_output() {
    let client = iamport::Client::builder()
        .credentials(KEY, SECRET)
        .build()
        .unwrap();
    let cancel = client
        .cancel_payment()
        .imp_uid("imp_448280090638")
        .amount(1000)
        .refund_holder("김환불")
        .refund_bank("088")
        .refund_account("110-555-012345")
        .refund_tel("010-5555-0123");
    let shown = format!("{cancel:?}");
    for personal in ["김환불", "110-555-012345", "010-5555-0123"] {
        assert!(!shown.contains(personal), "{personal} in {shown}");
    }
    assert!(shown.contains("imp_448280090638"), "{shown}");
    let charge = iamport::types::ChargeBillingKeyRequest::new("member-1", "order-1", 9900, "Plan")
        .custom_data(r#"{"buyer":"이영희"}"#)
        .browser_ip("203.0.113.77");
    let shown = format!("{charge:?}");
    for personal in ["이영희", "203.0.113.77"] {
        assert!(!shown.contains(personal), "{personal} in {shown}");
    }
}

/// A gateway page of megabytes echoing `Authorization`, and a refusal whose message is
/// megabytes of it: both errors come back at once, neither shows the token, and the quoted
/// page is short.
#[tokio::test]
async fn megabytes_echoing_the_token_are_scrubbed_and_the_quote_is_short() {
    let server = MockServer::start_async().await;
    let token = token_mock(&server);
    let authorization = format!("Bearer {TOKEN}");
    let page = format!("<html>Bearer {TOKEN} {}</html>", "Bearer ".repeat(700_000));
    let gateway = server.mock(|when, then| {
        when.method("GET")
            .path("/payments/imp_1")
            .header("Authorization", &authorization);
        then.status(502).body(&page);
    });
    let message = format!("{}{TOKEN} Bearer {TOKEN}", "BearerBearer".repeat(350_000));
    let envelope = serde_json::json!({"code": -1, "message": message, "response": null});
    let refusal = server.mock(|when, then| {
        when.method("GET")
            .path("/payments/imp_2")
            .header("Authorization", &authorization);
        then.status(400)
            .body(serde_json::to_vec(&envelope).unwrap());
    });
    let client = client_without_retries(&server);

    let err = client.payment("imp_1").await.unwrap_err();
    let iamport::Error::Http {
        status: 502,
        excerpt,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(excerpt.starts_with("<html>Bearer [masked]"), "{excerpt}");
    assert!(excerpt.chars().count() <= 201, "{excerpt}");
    assert!(!format!("{err} {err:?}").contains(TOKEN));

    let err = client.payment("imp_2").await.unwrap_err();
    assert_eq!(err.api_code(), Some(-1), "{err:?}");
    let message = err.api_message().unwrap();
    assert!(!message.contains(TOKEN));
    assert!(message.ends_with("[masked] Bearer [masked]"));
    assert!(message.len() > 4_000_000, "kept whole");

    token.assert_calls(1);
    gateway.assert_calls(1);
    refusal.assert_calls(1);
}
