//! Every operation against broken and unexpected answers: non-JSON bodies, truncated JSON,
//! and enum values this crate does not know.

mod common;

use common::*;
use httpmock::MockServer;
use serde_json::Value;

fn success_recordings() -> Vec<Recording> {
    all_recordings()
        .into_iter()
        .filter(|r| r.is_success() && r.operation != "get_token")
        .collect()
}

#[tokio::test]
async fn an_html_error_page_gives_an_http_error_with_status_and_excerpt() {
    for rec in success_recordings() {
        let server = MockServer::start_async().await;
        let _t = token_mock(&server);
        let api = serve_response(
            &server,
            &rec,
            Some(TOKEN),
            502,
            b"<html><body>502 Bad Gateway</body></html>".to_vec(),
        );
        let err = dispatch(&client_without_retries(&server), &rec)
            .await
            .expect_err(&rec.name);
        assert_eq!(err.status(), Some(502), "{}: {err:?}", rec.name);
        // A gateway error says nothing of what happened behind it: a lookup may be retried,
        // a request that changes something has an unknown outcome.
        let changes = rec.request.method != "GET";
        assert_eq!(err.is_outcome_unknown(), changes, "{}: {err:?}", rec.name);
        assert_eq!(err.is_retryable(), !changes, "{}: {err:?}", rec.name);
        let shown = match &err {
            iamport::Error::OutcomeUnknown { source, .. } => source.to_string(),
            other => other.to_string(),
        };
        assert!(shown.contains("502 Bad Gateway"), "{}: {shown}", rec.name);
        api.assert_calls(1);
    }
}

#[tokio::test]
async fn a_truncated_body_gives_a_decode_error_with_status() {
    for rec in success_recordings() {
        let server = MockServer::start_async().await;
        let _t = token_mock(&server);
        let full = serde_json::to_vec(&rec.response.body).unwrap();
        let half = full[..full.len() / 2].to_vec();
        let api = serve_response(&server, &rec, Some(TOKEN), rec.response.status, half);
        let err = dispatch(&client(&server), &rec).await.expect_err(&rec.name);
        // A change answered with an undecodable success may have been made.
        let changes = rec.request.method != "GET";
        assert_eq!(err.is_outcome_unknown(), changes, "{}: {err:?}", rec.name);
        let cause = match &err {
            iamport::Error::OutcomeUnknown { source, .. } => &**source,
            other => other,
        };
        assert!(
            matches!(cause, iamport::Error::Decode { .. }),
            "{}: {err:?}",
            rec.name
        );
        assert_eq!(err.status(), Some(rec.response.status), "{}", rec.name);
        api.assert_calls(1);
    }
}

#[tokio::test]
async fn an_empty_200_body_is_an_error_not_a_panic() {
    let rec = recording("get_payment.card_paid");
    let server = MockServer::start_async().await;
    let _t = token_mock(&server);
    let api = serve_response(&server, &rec, Some(TOKEN), 200, Vec::new());
    let err = dispatch(&client(&server), &rec).await.unwrap_err();
    assert_eq!(err.status(), Some(200), "{err:?}");
    api.assert_calls(1);
}

#[tokio::test]
async fn an_undeclared_status_with_an_envelope_keeps_the_servers_message() {
    let rec = recording("get_payment.card_paid");
    let server = MockServer::start_async().await;
    let _t = token_mock(&server);
    let body = serde_json::to_vec(
        &serde_json::json!({"code": -1, "message": "요청이 너무 많습니다.", "response": null}),
    )
    .unwrap();
    let api = serve_response(&server, &rec, Some(TOKEN), 429, body);
    let err = dispatch(&client_without_retries(&server), &rec)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.api_code(), Some(-1));
    assert_eq!(err.api_message(), Some("요청이 너무 많습니다."));
    assert!(err.is_retryable());
    api.assert_calls(1);
}

/// Replaces every value of an enum-typed key by a value no version of the crate knows.
fn with_unknown_enums(v: &mut Value) -> usize {
    let mut n = 0;
    match v {
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                if matches!(
                    k.as_str(),
                    "status" | "pay_method" | "channel" | "currency" | "type"
                ) && val.is_string()
                {
                    *val = Value::String(format!("brand_new_{k}"));
                    n += 1;
                } else {
                    n += with_unknown_enums(val);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| n += with_unknown_enums(i)),
        _ => {}
    }
    n
}

#[tokio::test]
async fn unknown_enum_values_decode_and_re_encode_unchanged() {
    let mut with_enums = 0;
    for mut rec in success_recordings() {
        if with_unknown_enums(&mut rec.response.body["response"]) == 0 {
            continue;
        }
        with_enums += 1;
        let found = verify(&rec).await;
        assert!(found.is_empty(), "{}: {found:?}", rec.name);
    }
    assert!(with_enums >= 15, "only {with_enums} recordings carry enums");
}

#[tokio::test]
async fn an_unknown_payment_status_is_kept() {
    let mut rec = recording("get_payment.card_paid");
    rec.response.body["response"]["status"] = Value::String("partial_refunded".into());
    let server = MockServer::start_async().await;
    let _t = token_mock(&server);
    let _api = serve(&server, &rec);
    let p = client(&server).payment("imp_448280090638").await.unwrap();
    assert_eq!(
        p.status,
        iamport::PaymentStatus::Unknown("partial_refunded".into())
    );
    assert!(p.status.is_unknown());
    assert_eq!(p.status.as_str(), "partial_refunded");
    assert_eq!(
        serde_json::to_value(&p).unwrap()["status"],
        "partial_refunded"
    );
}

#[test]
fn error_is_send_sync_and_static() {
    fn assert<T: Send + Sync + 'static + std::error::Error>() {}
    assert::<iamport::Error>();
}

#[tokio::test]
async fn a_non_zero_code_with_200_and_a_404_envelope_are_errors_for_every_operation() {
    let refused =
        serde_json::json!({"code": 1, "message": "처리할 수 없는 요청입니다.", "response": null});
    let missing = serde_json::json!({"code": -1, "message": "존재하지 않는 결제정보입니다.", "response": null});
    for rec in success_recordings() {
        let server = MockServer::start_async().await;
        let _t = token_mock(&server);
        let mut api = serve_response(
            &server,
            &rec,
            Some(TOKEN),
            200,
            serde_json::to_vec(&refused).unwrap(),
        );
        let err = dispatch(&client(&server), &rec).await.expect_err(&rec.name);
        assert!(
            matches!(
                err,
                iamport::Error::Api {
                    status: 200,
                    code: 1,
                    ..
                }
            ),
            "{}: {err:?}",
            rec.name
        );
        assert_eq!(err.api_message(), refused["message"].as_str());
        api.assert_calls(1);
        api.delete();

        let api = serve_response(
            &server,
            &rec,
            Some(TOKEN),
            404,
            serde_json::to_vec(&missing).unwrap(),
        );
        let result = dispatch(&client(&server), &rec).await;
        if rec.operation == "get_payments" || rec.operation == "get_billing_keys" {
            // A batch in which nothing was found is an answer: every id is reported missing.
            assert_eq!(result.expect(&rec.name), serde_json::json!([]));
        } else {
            let err = result.expect_err(&rec.name);
            assert!(err.is_not_found(), "{}: {err:?}", rec.name);
            assert_eq!(err.api_code(), Some(-1));
            assert_eq!(err.api_message(), missing["message"].as_str());
        }
        api.assert_calls(1);
    }
}

/// A clone of an error is the same error: every predicate answers alike, and the errors of
/// other crates it carries are shared, not copied (the waiters of one failed token exchange
/// each get a clone).
#[test]
fn a_cloned_error_answers_as_the_error_and_shares_its_sources() {
    use std::error::Error as _;
    let lost = iamport::Error::OutcomeUnknown {
        attempted: Box::new(iamport::Attempted::cancel_by_imp_uid(
            "imp_1",
            None,
            iamport::UnixTime::from_secs(1),
        )),
        source: Box::new(iamport::Error::Http {
            status: 502,
            excerpt: "bad gateway".to_owned(),
        }),
    };
    let decoder = serde_json::from_str::<u8>("300").unwrap_err();
    let undecodable = iamport::Error::Decode {
        status: 200,
        excerpt: "300".to_owned(),
        source: std::sync::Arc::new(decoder),
    };
    let copy = undecodable.clone();
    let (iamport::Error::Decode { source: a, .. }, iamport::Error::Decode { source: b, .. }) =
        (&undecodable, &copy)
    else {
        unreachable!("a clone has the variant of its original")
    };
    assert!(
        std::sync::Arc::ptr_eq(a, b),
        "the decoder's error is shared"
    );
    assert!(copy.source().is_some());
    let cases = [
        iamport::Error::InvalidInput {
            field: "imp_uid",
            reason: "must not be empty".to_owned(),
        },
        iamport::Error::Config {
            reason: "no credentials".to_owned(),
            source: None,
        },
        lost,
        undecodable,
        iamport::Error::Api {
            status: 200,
            code: 1,
            message: Some("이미 전액취소된 주문입니다.".to_owned()),
        },
    ];
    for error in cases {
        let shown = format!("{error:?}");
        let shared = error.clone();
        let e = &error;
        assert_eq!(format!("{shared:?}"), shown);
        assert_eq!(shared.to_string(), error.to_string());
        assert_eq!(shared.is_invalid_input(), e.is_invalid_input(), "{shown}");
        assert_eq!(shared.is_config(), e.is_config(), "{shown}");
        assert_eq!(
            shared.is_outcome_unknown(),
            e.is_outcome_unknown(),
            "{shown}"
        );
        assert_eq!(shared.attempted(), e.attempted(), "{shown}");
        assert_eq!(shared.is_retryable(), e.is_retryable(), "{shown}");
        assert_eq!(shared.is_not_found(), e.is_not_found(), "{shown}");
        assert_eq!(shared.is_auth(), e.is_auth(), "{shown}");
        assert_eq!(shared.is_timeout(), e.is_timeout(), "{shown}");
        assert_eq!(shared.is_transport(), e.is_transport(), "{shown}");
        assert_eq!(shared.is_mismatch(), e.is_mismatch(), "{shown}");
        assert_eq!(shared.is_declined(), e.is_declined(), "{shown}");
        assert_eq!(
            shared.is_already_cancelled(),
            e.is_already_cancelled(),
            "{shown}"
        );
        assert_eq!(shared.refusal(), e.refusal(), "{shown}");
        assert_eq!(shared.status(), e.status(), "{shown}");
        assert_eq!(shared.api_code(), e.api_code(), "{shown}");
        assert_eq!(shared.api_message(), e.api_message(), "{shown}");
    }
}
