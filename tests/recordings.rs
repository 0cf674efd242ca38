//! Every recording in `spec/recordings/` goes through the real client against a mock server:
//! success cases decode and re-encode to the recorded values, failure cases give the matching
//! typed error.

mod common;

use common::*;
use httpmock::MockServer;

#[tokio::test]
async fn every_recording_goes_through_the_client_as_recorded() {
    let recs = all_recordings();
    let mut mismatches = Vec::new();
    for rec in &recs {
        for m in verify(rec).await {
            mismatches.push(format!("{}#{m}", rec.name));
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    let successes = recs.iter().filter(|r| r.is_success()).count();
    assert!(successes >= 20, "only {successes} success recordings");
    assert!(
        recs.len() - successes >= 20,
        "only {} failure recordings",
        recs.len() - successes
    );
}

#[tokio::test]
async fn verify_reports_a_recording_the_client_reads_differently() {
    let mut rec = recording("get_payment.card_paid");
    rec.response.body["response"]["amount"] = serde_json::json!(true);
    let found = verify(&rec).await;
    assert!(
        found
            .iter()
            .any(|m| m.pointer == "/response/body" && m.reason.contains("decode")),
        "{found:?}"
    );

    // A 404 that is an HTML page, not the envelope, is not a typed "not found".
    let mut rec = recording("get_payment.not_found");
    rec.response.body = serde_json::json!("<html>Not Found</html>");
    let found = verify(&rec).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].pointer, "/response/status");
    assert!(found[0].reason.contains("kind"), "{found:?}");

    // The client never sends this parameter, so it cannot be the recorded request.
    let mut rec = recording("find_payment.ok");
    rec.request.query.push(("pg".into(), "html5_inicis".into()));
    let found = verify(&rec).await;
    assert!(found.iter().any(|m| m.pointer == "/request"), "{found:?}");
}

#[tokio::test]
async fn a_batch_with_nothing_found_reports_every_id_missing() {
    let server = MockServer::start_async().await;
    let _token = token_mock(&server);
    let api = serve(&server, &recording("get_payments.none_found"));
    let batch = client(&server)
        .payments()
        .imp_uids(["imp_000000000000"])
        .send()
        .await
        .unwrap();
    assert!(batch.payments.is_empty());
    assert_eq!(
        batch.missing,
        vec![iamport::MissingId::ImpUid("imp_000000000000".into())]
    );
    api.assert_calls(1);
}

#[tokio::test]
async fn a_207_batch_names_the_missing_id() {
    let server = MockServer::start_async().await;
    let _token = token_mock(&server);
    let rec = recording("get_payments.partial");
    let api = serve(&server, &rec);
    let batch = client(&server)
        .payments()
        .imp_uids(["imp_448280090638", "imp_553019283746", "imp_000000000000"])
        .send()
        .await
        .unwrap();
    assert_eq!(batch.payments.len(), 2);
    assert_eq!(
        batch.missing,
        vec![iamport::MissingId::ImpUid("imp_000000000000".into())]
    );
    assert!(!batch.is_complete());
    api.assert_calls(1);
}

#[tokio::test]
async fn refused_credentials_give_an_auth_error_and_send_nothing_else() {
    let server = MockServer::start_async().await;
    let rec = recording("get_token.unauthorized");
    let token = serve_unauthenticated(&server, &rec);
    let api = serve(&server, &recording("get_payment.card_paid"));
    let client = iamport::Client::builder()
        .credentials("wrong", "wrong")
        .base_url(server.base_url())
        .build()
        .unwrap();
    let err = client.payment("imp_448280090638").await.unwrap_err();
    assert!(err.is_auth(), "{err:?}");
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.api_message(), rec.response.body["message"].as_str());
    token.assert_calls(1);
    api.assert_calls(0);
}

/// A payment looked up with `extension=true` carries the PG's own data; Kiwoom Pay's
/// depositor name is read from it, and it stays out of `Debug`.
#[tokio::test]
async fn a_depositor_named_only_in_the_extension_is_read_and_kept_private() {
    let server = MockServer::start_async().await;
    let _token = token_mock(&server);
    let api = serve(&server, &recording("get_payment.daou_remitter"));
    let payment = client(&server)
        .payment_with_extension("imp_630211948857")
        .await
        .unwrap();
    api.assert_calls(1);
    assert_eq!(payment.remitter(), Some("홍길동"));
    assert_eq!(payment.bank_code, None);
    let shown = format!("{payment:?}");
    assert!(!shown.contains("홍길동"), "{shown}");
    // Without the extension, nothing is there to read.
    let plain: iamport::Payment = serde_json::from_value(
        recording("get_payment.vbank_ready").response.body["response"].clone(),
    )
    .unwrap();
    assert_eq!(plain.remitter(), None);
}

/// `culturegift`, on the official list of means of payment, is a known value.
#[test]
fn culturegift_is_a_known_pay_method() {
    let method: iamport::PayMethod = serde_json::from_str("\"culturegift\"").unwrap();
    assert_eq!(method, iamport::PayMethod::Culturegift);
    assert_eq!(method.as_str(), "culturegift");
}
