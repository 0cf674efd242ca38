//! Refusals that share a `code` told apart by their message (`Error::refusal`): every failure
//! recording goes through the client and gives the reason its message names, or `Other`.

mod common;

use common::*;
use iamport::{
    Refusal, RetryPolicy,
    testing::{MockIamport, RECORDED_AT},
};

/// The recordings whose message names a reason. Every other failure recording answered with
/// an envelope must be `Other`.
const RECOGNISED: &[(&str, Refusal)] = &[
    (
        "cancel_payment.already_cancelled",
        Refusal::AlreadyCancelled,
    ),
    ("cancel_payment.not_found", Refusal::PaymentNotFound),
    ("get_payment.not_found", Refusal::PaymentNotFound),
    ("find_payment.not_found", Refusal::PaymentNotFound),
    ("find_payment_by_status.not_found", Refusal::PaymentNotFound),
    ("find_all_payments.not_found", Refusal::PaymentNotFound),
    ("get_billing_key.not_found", Refusal::BillingKeyNotFound),
    ("delete_billing_key.not_found", Refusal::BillingKeyNotFound),
    (
        "charge_billing_key.unknown_key",
        Refusal::BillingKeyNotFound,
    ),
    ("schedule_payments.unknown_key", Refusal::BillingKeyNotFound),
    (
        "unschedule_payments.already_executed",
        Refusal::NothingScheduled,
    ),
    ("charge_onetime.invalid_card", Refusal::CardAuthFailed),
    ("issue_billing_key.invalid_card", Refusal::CardAuthFailed),
    ("schedule_payments.invalid_card", Refusal::CardAuthFailed),
    (
        "charge_billing_key.duplicate_merchant_uid",
        Refusal::DuplicateMerchantUid,
    ),
    ("prepare_payment.duplicate", Refusal::DuplicateMerchantUid),
    ("issue_cvs_payment.duplicate", Refusal::DuplicateMerchantUid),
    ("revoke_vbank.not_found", Refusal::PaymentNotFound),
    ("approve_naver_cancel.not_found", Refusal::PaymentNotFound),
    ("cancel_naver_orders.not_found", Refusal::PaymentNotFound),
    ("deposit_naver_point.not_found", Refusal::PaymentNotFound),
    (
        "get_naver_product_orders.not_found",
        Refusal::PaymentNotFound,
    ),
    ("place_naver_orders.not_found", Refusal::PaymentNotFound),
    (
        "schedule_payments.duplicate_merchant_uid",
        Refusal::DuplicateMerchantUid,
    ),
];

fn expected(name: &str) -> Refusal {
    RECOGNISED
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(Refusal::Other, |&(_, r)| r)
}

/// Serves `rec` and calls its operation through a client that does not retry after a
/// failure.
async fn answer(rec: &Recording) -> iamport::Result<serde_json::Value> {
    let mock = MockIamport::start().await;
    let served = mock.recording(rec);
    let client = mock
        .client_builder()
        .fixed_now(RECORDED_AT)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let answer = dispatch(&client, rec).await;
    let calls = match &answer {
        // Refused by the client's own checks (a schedule window over three months): nothing
        // is sent.
        Err(iamport::Error::InvalidInput { .. }) => 0,
        // After a 401 the client fetches a new token and tries once more.
        _ if rec.response.status == 401 => 2,
        _ => 1,
    };
    served.assert_calls(calls);
    answer
}

async fn refused(rec: &Recording) -> iamport::Error {
    answer(rec).await.expect_err(&rec.name)
}

#[tokio::test]
async fn every_recorded_refusal_gives_the_reason_its_message_names() {
    let mut checked = Vec::new();
    for rec in all_recordings() {
        let body = &rec.response.body;
        let code = body.get("code").and_then(|c| c.as_i64()).unwrap_or(0);
        if code == 0 || rec.operation == "get_token" {
            continue;
        }
        let err = match answer(&rec).await {
            Err(err) => err,
            // A batch lookup that finds nothing is an answer with every id missing.
            Ok(_) => {
                assert_eq!(rec.response.status, 404, "{}", rec.name);
                assert!(rec.name.ends_with(".none_found"), "{}", rec.name);
                continue;
            }
        };
        if matches!(err, iamport::Error::InvalidInput { .. }) {
            // Never sent, so no refusal of the server to read; only the window checks do it.
            assert!(
                rec.name.ends_with(".window_too_long") || rec.name.ends_with(".bad_window"),
                "{}: {err}",
                rec.name
            );
            continue;
        }
        if err.is_outcome_unknown() {
            // A change answered with a 5xx envelope (a PG's failure, as Naver Pay and Benepia
            // report theirs): it may have been carried out, so it is no refusal; its envelope
            // is still readable.
            assert!(rec.response.status >= 500, "{}: {err:?}", rec.name);
            assert_eq!(err.refusal(), None, "{}", rec.name);
            assert_eq!(err.api_code(), Some(code), "{}", rec.name);
            continue;
        }
        if err.is_auth() {
            // Refused credentials or token: `is_auth()`, not a refusal to tell apart.
            assert_eq!(err.refusal(), None, "{}: {err:?}", rec.name);
            continue;
        }
        let want = expected(&rec.name);
        assert_eq!(err.refusal(), Some(want), "{}: {err:?}", rec.name);
        assert_eq!(
            err.is_already_cancelled(),
            want == Refusal::AlreadyCancelled,
            "{}",
            rec.name
        );
        // The message stays readable whatever the reason.
        assert_eq!(
            err.api_message(),
            body.get("message").and_then(|m| m.as_str()),
            "{}",
            rec.name
        );
        checked.push(rec.name.clone());
    }
    // Each recognised recording exists and was checked, and so were the unrecognised ones.
    for (name, _) in RECOGNISED {
        assert!(checked.iter().any(|c| c == name), "{name} not checked");
    }
    assert!(
        checked.len() >= RECOGNISED.len() + 20,
        "only {} refusals checked",
        checked.len()
    );
}

#[tokio::test]
async fn the_two_cancel_refusals_with_code_1_are_told_apart() {
    let already = refused(&recording("cancel_payment.already_cancelled")).await;
    let missing = refused(&recording("cancel_payment.not_found")).await;
    assert_eq!((already.api_code(), missing.api_code()), (Some(1), Some(1)));
    assert_eq!((already.status(), missing.status()), (Some(200), Some(200)));
    assert!(already.is_already_cancelled());
    assert_eq!(already.refusal(), Some(Refusal::AlreadyCancelled));
    assert!(!missing.is_already_cancelled());
    assert_eq!(missing.refusal(), Some(Refusal::PaymentNotFound));
}

#[tokio::test]
async fn an_unknown_or_missing_message_is_other_and_keeps_the_message() {
    // A cancel refused with a message no recording shows, as a stale checksum would be.
    let mut rec = recording("cancel_payment.already_cancelled");
    let unknown = "취소 가능한 금액이 변경되었습니다.";
    rec.response.body["message"] = serde_json::json!(unknown);
    let err = refused(&rec).await;
    assert_eq!(err.refusal(), Some(Refusal::Other));
    assert!(!err.is_already_cancelled());
    assert_eq!(err.api_message(), Some(unknown));

    rec.response.body["message"] = serde_json::Value::Null;
    let err = refused(&rec).await;
    assert_eq!(err.refusal(), Some(Refusal::Other));
    assert_eq!(err.api_message(), None);

    // A recognised phrase in the middle of another message is not that reason.
    let inside = format!("결제 오류: {}", "이미 전액취소된 주문입니다.");
    rec.response.body["message"] = serde_json::json!(inside);
    assert_eq!(refused(&rec).await.refusal(), Some(Refusal::Other));
}

#[tokio::test]
async fn errors_that_are_not_refusals_have_no_reason() {
    // The request never left: invalid input.
    let client = MockIamport::start().await.client();
    let err = client.cancel_payment().send().await.unwrap_err();
    assert!(err.is_invalid_input());
    assert_eq!(err.refusal(), None);

    // A cancel answered by a gateway: the outcome is unknown, not refused, even though the
    // body is an envelope with a recognised message.
    let rec = recording("cancel_payment.already_cancelled");
    let mock = MockIamport::start().await;
    let body = serde_json::to_vec(&rec.response.body).unwrap();
    let served = serve_response(mock.server(), &rec, Some(MockIamport::TOKEN), 503, body);
    let err = dispatch(&mock.client(), &rec).await.unwrap_err();
    served.assert_calls(1);
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert_eq!(err.refusal(), None);
    assert!(!err.is_already_cancelled());
}

#[test]
fn documented_messages_outside_the_recordings_are_recognised() {
    // From the notes on the API (`카드정보 인증에 실패하였습니다.` alone, and the bare
    // invalid-number message some PGs send), with and without the PG's detail after it.
    for (message, want) in [
        ("카드정보 인증에 실패하였습니다.", Refusal::CardAuthFailed),
        (
            "유효하지않은 카드번호를 입력하셨습니다.",
            Refusal::CardAuthFailed,
        ),
        (
            "요청하신 customer_uid(000000)로 등록된 정보를 찾을 수 없습니다.",
            Refusal::BillingKeyNotFound,
        ),
        // The batch lookup's 404 (an answer with every key missing, not an error).
        (
            "요청하신 customer_uid로 등록된 정보를 찾을 수 없습니다.",
            Refusal::BillingKeyNotFound,
        ),
        (
            " 취소할 예약결제 기록이 존재하지 않습니다.",
            Refusal::NothingScheduled,
        ),
        // The id is there but the rest is some other message.
        ("요청하신 customer_uid(1)는 삭제되었습니다.", Refusal::Other),
        ("", Refusal::Other),
    ] {
        assert_eq!(Refusal::from_message(message), want, "{message:?}");
    }
}

/// Throttling and outages are not refusals, even with an envelope: `refusal()` is `None` and
/// the error is retryable, so a rate-limited refund is never read as a stale checksum.
#[test]
fn throttling_and_outages_are_not_refusals() {
    for status in [429u16, 500, 502, 503, 504] {
        let e = iamport::Error::Api {
            status,
            code: -1,
            message: Some("too many requests".to_owned()),
        };
        assert_eq!(e.refusal(), None, "{status}");
        assert!(e.is_retryable(), "{status}");
        assert!(!e.is_already_cancelled(), "{status}");
    }
    for status in [200u16, 400, 501] {
        let e = iamport::Error::Api {
            status,
            code: 1,
            message: Some("이미 전액취소된 주문입니다.".to_owned()),
        };
        assert_eq!(
            e.refusal(),
            Some(iamport::Refusal::AlreadyCancelled),
            "{status}"
        );
    }
}
