//! Virtual accounts and convenience-store payment numbers: every recording through the
//! client, inputs checked before sending, the outcome rules of their changes, and a revoke of
//! a paid one refused as `Error::AlreadyPaid`.
#![cfg(all(feature = "vbanks", feature = "cvs"))]

mod common;

use iamport::{
    Error, PaymentStatus, Refusal, UnixTime,
    testing::{MockIamport, RECORDED_AT, payment, vbank_issued},
    types::{CvsRequest, VbankRequest, VbankUpdateRequest},
};
use serde_json::json;

fn in_days(days: i64) -> UnixTime {
    UnixTime::from_secs(UnixTime::now().as_secs() + days * 86_400)
}

fn request(merchant_uid: &str) -> VbankRequest {
    VbankRequest::new(
        "channel-key-5b8a13f0",
        merchant_uid,
        35000,
        "088",
        in_days(3),
    )
    .vbank_holder("주식회사예시")
}

#[tokio::test]
async fn every_vbank_and_cvs_recording_goes_through_the_client() {
    common::every_recording_goes_through_the_client(&[
        "issue_vbank",
        "update_vbank",
        "revoke_vbank",
        "issue_cvs_payment",
        "revoke_cvs_payment",
    ])
    .await;
    // The recorded account, through the client's clock of the recordings' day.
    let mock = MockIamport::start().await;
    let client = mock
        .client_builder()
        .fixed_now(RECORDED_AT)
        .build()
        .unwrap();
    let rec = common::recording("issue_vbank.ok");
    let _served = mock.recording(&rec);
    let body: VbankRequest = serde_json::from_value(rec.request.body.clone().unwrap()).unwrap();
    let account = client.issue_vbank(body).await.unwrap();
    assert_eq!(account.status, PaymentStatus::Ready);
    assert_eq!(account.vbank_num.as_deref(), Some("56211203344556"));
    assert!(account.vbank_date.is_some_and(|due| due > RECORDED_AT));
}

#[tokio::test]
async fn inputs_are_checked_before_anything_is_sent() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let anything = mock.server().mock(|_, then| {
        then.status(500);
    });
    let field = |r: iamport::Result<iamport::Payment>| match r {
        Err(Error::InvalidInput { field, .. }) => field,
        other => panic!("not refused: {other:?}"),
    };
    let past = VbankRequest::new(
        "channel-key-5b8a13f0",
        "deposit-1",
        35000,
        "088",
        in_days(-1),
    );
    assert_eq!(field(client.issue_vbank(past).await), "vbank_due");
    let zero = VbankRequest::new("channel-key-5b8a13f0", "deposit-1", 0, "088", in_days(1));
    assert_eq!(field(client.issue_vbank(zero).await), "amount");
    let nothing = VbankUpdateRequest::default();
    assert_eq!(
        field(client.update_vbank("imp_1", nothing).await),
        "request"
    );
    let earlier = VbankUpdateRequest::default().vbank_due(in_days(-1));
    assert_eq!(
        field(client.update_vbank("imp_1", earlier).await),
        "vbank_due"
    );
    let expired = CvsRequest::new("channel-key-3e6f0b21", "cvs-1", 18000).expired_at(in_days(-1));
    assert_eq!(field(client.issue_cvs_payment(expired).await), "expired_at");
    assert_eq!(anything.calls(), 0);
    assert_eq!(mock.token_mock().calls(), 0);
}

#[tokio::test]
async fn a_lost_answer_is_not_resent_and_names_the_order() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let lost = mock
        .when(client.issue_vbank(request("deposit-4411")))
        .respond(504, json!({}));
    let err = client
        .issue_vbank(request("deposit-4411"))
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    let attempted = err.attempted().unwrap();
    assert_eq!(attempted.operation, "issue_vbank");
    assert_eq!(attempted.merchant_uid.as_deref(), Some("deposit-4411"));
    assert_eq!(attempted.amount, Some(35000.into()));
    assert!(
        attempted.next_step().contains("find_payment"),
        "{}",
        attempted.next_step()
    );
    lost.assert_calls(1);

    let cvs = || CvsRequest::new("channel-key-3e6f0b21", "cvs-77", 18000);
    let lost = mock
        .when(client.issue_cvs_payment(cvs()))
        .respond(502, json!({}));
    let err = client.issue_cvs_payment(cvs()).await.unwrap_err();
    assert_eq!(
        err.attempted().unwrap().merchant_uid.as_deref(),
        Some("cvs-77")
    );
    lost.assert_calls(1);

    let change = || VbankUpdateRequest::default().amount(42000);
    let lost = mock
        .when(client.update_vbank("imp_771020348815", change()))
        .respond(503, json!({}));
    let err = client
        .update_vbank("imp_771020348815", change())
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert_eq!(
        err.attempted().unwrap().imp_uid.as_deref(),
        Some("imp_771020348815")
    );
    lost.assert_calls(1);
}

#[tokio::test]
async fn a_revoke_of_a_paid_account_is_refused_as_already_paid() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let refused = mock.error(
        "DELETE",
        "/vbanks/imp_771020348816",
        400,
        1,
        "입금대기 상태의 가상계좌만 발급취소할 수 있습니다.",
    );
    let mut paid = vbank_issued("imp_771020348816", "deposit-4412", 35000);
    paid.status = PaymentStatus::Paid;
    paid.paid_at = Some(UnixTime::from_secs(1_793_900_000));
    let lookup = mock.when(client.payment("imp_771020348816")).ok(&paid);

    let err = client.revoke_vbank("imp_771020348816").await.unwrap_err();
    assert!(err.is_already_paid(), "{err:?}");
    assert_eq!(err.refusal(), Some(Refusal::AlreadyPaid));
    assert!(!err.is_retryable() && !err.is_outcome_unknown());
    assert!(err.to_string().contains("refund it with a cancel"), "{err}");
    let Error::AlreadyPaid(payment) = &err else {
        unreachable!()
    };
    assert_eq!(payment.merchant_uid, "deposit-4412");
    refused.assert_calls(1);
    lookup.assert_calls(1);
}

#[tokio::test]
async fn other_refused_revokes_keep_the_servers_answer() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    // Refused for another reason, and the lookup finds the account still unpaid: the refusal
    // stays the server's; only a payment found paid makes it `AlreadyPaid`.
    let _refused = mock.error(
        "DELETE",
        "/vbanks/imp_1",
        400,
        1,
        "가상계좌 결제건이 아닙니다.",
    );
    let lookup = mock
        .when(client.payment("imp_1"))
        .ok(&vbank_issued("imp_1", "o-1", 1000));
    let err = client.revoke_vbank("imp_1").await.unwrap_err();
    assert!(!err.is_already_paid(), "{err:?}");
    assert_eq!(err.api_message(), Some("가상계좌 결제건이 아닙니다."));
    lookup.assert_calls(1);

    // Not found: no lookup at all.
    let _missing = mock.not_found("DELETE", "/vbanks/imp_2");
    let err = client.revoke_vbank("imp_2").await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");

    // An unpaid account is revoked and comes back as the server answers it.
    let mut revoked = vbank_issued("imp_3", "o-3", 1000);
    revoked.status = PaymentStatus::Cancelled;
    let ok = mock.when(client.revoke_vbank("imp_3")).ok(&revoked);
    assert_eq!(
        client.revoke_vbank("imp_3").await.unwrap().status,
        PaymentStatus::Cancelled
    );
    ok.assert_calls(1);
}

#[tokio::test]
async fn a_revoke_of_a_paid_store_payment_is_refused_as_already_paid() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let _refused = mock.error(
        "DELETE",
        "/cvs/imp_552031178005",
        200,
        1,
        "수납대기 상태의 편의점결제만 취소할 수 있습니다.",
    );
    let paid = payment("imp_552031178005", "cvs-2024-0519-78", 18000);
    let _lookup = mock.when(client.payment("imp_552031178005")).ok(&paid);
    let err = client
        .revoke_cvs_payment("imp_552031178005")
        .await
        .unwrap_err();
    assert!(err.is_already_paid(), "{err:?}");
}
