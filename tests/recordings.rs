//! Every recording in `spec/recordings/` goes through the real client against a mock server:
//! success cases decode and re-encode to the recorded values, failure cases give the matching
//! typed error.

mod common;

use common::*;
use httpmock::MockServer;

fn api_recordings() -> Vec<Recording> {
    all_recordings()
        .into_iter()
        .filter(|r| r.operation != "get_token")
        .collect()
}

#[tokio::test]
async fn every_success_recording_decodes_through_the_client() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for rec in api_recordings().iter().filter(|r| r.is_success()) {
        let server = MockServer::start_async().await;
        let token = token_mock(&server);
        let api = serve(&server, rec);
        let client = client(&server);
        match dispatch(&client, rec).await {
            Ok(value) => {
                let mut diffs = Vec::new();
                differences(&rec.response.body["response"], &value, "", &mut diffs);
                if !diffs.is_empty() {
                    failures.push(format!("{}: re-encoded differently: {diffs:?}", rec.name));
                }
            }
            Err(e) => failures.push(format!("{}: {e:?}", rec.name)),
        }
        assert_eq!(
            api.calls(),
            1,
            "{}: the operation's mock was not hit once",
            rec.name
        );
        assert_eq!(token.calls(), 1, "{}: one token request", rec.name);
        checked += 1;
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(checked >= 19, "only {checked} success recordings");
}

#[tokio::test]
async fn every_failure_recording_gives_the_matching_error() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for rec in api_recordings().iter().filter(|r| !r.is_success()) {
        let server = MockServer::start_async().await;
        let _token = token_mock(&server);
        let api = serve(&server, rec);
        let client = client(&server);
        let body = &rec.response.body;
        let want_code = body["code"].as_i64();
        let want_message = body["message"].as_str();
        let status = rec.response.status;
        match dispatch(&client, rec).await {
            Ok(v) => failures.push(format!("{}: succeeded with {v}", rec.name)),
            Err(e) => {
                // A batch with nothing found is an answer, not an error.
                let ok = e.api_code() == want_code
                    && e.api_message() == want_message
                    && e.status() == Some(status)
                    && e.is_not_found() == (status == 404);
                if !ok {
                    failures.push(format!("{}: got {e:?}", rec.name));
                }
            }
        }
        assert_eq!(
            api.calls(),
            1,
            "{}: the operation's mock was not hit once",
            rec.name
        );
        checked += 1;
    }
    // `get_payments.none_found` is answered as an empty batch; it is checked separately.
    let failures: Vec<_> = failures
        .into_iter()
        .filter(|f| !f.starts_with("get_payments.none_found"))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(checked >= 19, "only {checked} failure recordings");
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

#[test]
fn every_operation_has_a_success_and_a_failure_recording() {
    let recs = all_recordings();
    let mut ops: Vec<&str> = recs.iter().map(|r| r.operation.as_str()).collect();
    ops.sort();
    ops.dedup();
    assert_eq!(ops.len(), 19, "{ops:?}");
    for op in ops {
        let of_op = || recs.iter().filter(move |r| r.operation == op);
        assert!(
            of_op().any(|r| r.is_success()),
            "{op} has no success recording"
        );
        assert!(
            of_op().any(|r| !r.is_success()),
            "{op} has no failure recording"
        );
    }
}
