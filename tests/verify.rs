//! Payment verification: the fetched payment is compared field by field with the order.

use iamport::{
    Amount, Currency, Expected, PaymentStatus,
    testing::{MockIamport, payment},
    verify::Field,
};

#[tokio::test]
async fn a_matching_payment_is_returned() {
    let mock = MockIamport::start().await;
    let stub = mock.payment(&payment("imp_200000000001", "order-1", 32000));
    let expected = Expected::new("order-1", 32000).currency(Currency::Krw);
    let p = mock
        .client()
        .verify_payment("imp_200000000001", &expected)
        .await
        .unwrap();
    assert_eq!(p.imp_uid, "imp_200000000001");
    stub.assert_calls(1);
}

#[tokio::test]
async fn every_differing_field_is_named_with_both_values() {
    let mock = MockIamport::start().await;
    let mut p = payment("imp_200000000002", "order-2", 31999);
    p.status = PaymentStatus::Ready;
    p.currency = Currency::Usd;
    let _stub = mock.payment(&p);
    let expected = Expected::new("order-X", 32000);
    let err = mock
        .client()
        .verify_payment("imp_200000000002", &expected)
        .await
        .unwrap_err();
    let m = err.mismatch().expect("a mismatch");
    let fields: Vec<Field> = m.differences.iter().map(|d| d.field).collect();
    assert_eq!(
        fields,
        [
            Field::Status,
            Field::Amount,
            Field::MerchantUid,
            Field::Currency
        ]
    );
    let amount = m.get(Field::Amount).unwrap();
    assert_eq!(
        (amount.expected.as_str(), amount.actual.as_str()),
        ("32000", "31999")
    );
    let status = m.get(Field::Status).unwrap();
    assert_eq!(
        (status.expected.as_str(), status.actual.as_str()),
        ("paid", "ready")
    );
    assert_eq!(m.payment, p);
    let text = err.to_string();
    assert!(
        text.contains("amount is \"31999\", expected \"32000\""),
        "{text}"
    );
}

#[test]
fn amounts_compare_exactly() {
    let p = payment("imp_1", "order-1", "10.5".parse::<Amount>().unwrap());
    assert!(
        p.check(&Expected::new(
            "order-1",
            "10.50".parse::<Amount>().unwrap()
        ))
        .is_ok()
    );
    let m = p
        .check(&Expected::new(
            "order-1",
            "10.500001".parse::<Amount>().unwrap(),
        ))
        .unwrap_err();
    assert_eq!(m.differences[0].field, Field::Amount);
    // Status can be asked for explicitly (an issued virtual account is `ready`).
    let mut vbank = payment("imp_2", "order-2", 1000);
    vbank.status = PaymentStatus::Ready;
    assert!(
        vbank
            .check(&Expected::new("order-2", 1000).status(PaymentStatus::Ready))
            .is_ok()
    );
}

#[tokio::test]
async fn a_payment_that_cannot_be_fetched_is_not_a_mismatch() {
    let mock = MockIamport::start().await;
    let _gone = mock.not_found("GET", "/payments/imp_200000000003");
    let err = mock
        .client()
        .verify_payment("imp_200000000003", &Expected::new("order-3", 1000))
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert!(err.mismatch().is_none());
}

#[test]
fn the_currency_is_krw_unless_stated() {
    let mut usd = payment("imp_1", "order-1", 1000);
    usd.currency = Currency::Usd;
    let m = usd.check(&Expected::new("order-1", 1000)).unwrap_err();
    let d = m.get(Field::Currency).expect("currency differs");
    assert_eq!((d.expected.as_str(), d.actual.as_str()), ("KRW", "USD"));
    assert!(
        usd.check(&Expected::new("order-1", 1000).currency(Currency::Usd))
            .is_ok()
    );
}

#[test]
fn each_kind_of_mismatch_says_whether_to_refund() {
    use iamport::verify::Remedy;
    let expected = Expected::new("order-1", 32000);
    // Another order's payment, even of the right amount: never refund a stranger.
    let other = payment("imp_1", "order-9", 32000);
    let m = other.check(&expected).unwrap_err();
    assert_eq!(
        (m.remedy(), m.should_refund()),
        (Remedy::NotThisOrder, false)
    );
    // Another order's payment that is also of another amount: still not ours to refund.
    let other = payment("imp_1", "order-9", 100);
    assert_eq!(
        other.check(&expected).unwrap_err().remedy(),
        Remedy::NotThisOrder
    );
    // This order's virtual account still waiting for its deposit: nothing to refund.
    let mut ready = payment("imp_2", "order-1", 32000);
    ready.status = PaymentStatus::Ready;
    let m = ready.check(&expected).unwrap_err();
    assert_eq!((m.remedy(), m.should_refund()), (Remedy::NotPaid, false));
    // A failed one neither.
    let mut failed = payment("imp_2", "order-1", 100);
    failed.status = PaymentStatus::Failed;
    assert_eq!(
        failed.check(&expected).unwrap_err().remedy(),
        Remedy::NotPaid
    );
    // This order's payment, paid, with a tampered amount or another currency: refund.
    let tampered = payment("imp_3", "order-1", 100);
    let m = tampered.check(&expected).unwrap_err();
    assert_eq!((m.remedy(), m.should_refund()), (Remedy::Refund, true));
    let mut usd = payment("imp_4", "order-1", 32000);
    usd.currency = Currency::Usd;
    assert!(usd.check(&expected).unwrap_err().should_refund());
}

/// A payment made through a test channel moved no money: it does not verify as paid.
#[tokio::test]
async fn a_sandbox_payment_does_not_verify_as_paid() {
    let mock = MockIamport::start().await;
    let mut p = payment("imp_200000000011", "order-11", 32000);
    p.sandbox = Some(true);
    let _stub = mock.payment(&p);
    let err = mock
        .client()
        .verify_payment("imp_200000000011", &Expected::new("order-11", 32000))
        .await
        .expect_err("a sandbox payment must not verify as paid");
    let m = err.mismatch().expect("a mismatch");
    assert!(m.get(Field::Sandbox).is_some(), "{m}");
    assert_eq!(m.remedy(), iamport::verify::Remedy::NotPaid, "{m}");
    assert!(!m.should_refund());
}

/// A payment of which most was refunded already is still `paid`; it does not verify as paid
/// in full, and the mismatch says what was refunded.
#[tokio::test]
async fn a_mostly_refunded_payment_does_not_verify_as_paid_in_full() {
    let mock = MockIamport::start().await;
    let mut p = payment("imp_200000000012", "order-12", 50000);
    p.cancel_amount = Amount::from(45000);
    let _stub = mock.payment(&p);
    let err = mock
        .client()
        .verify_payment("imp_200000000012", &Expected::new("order-12", 50000))
        .await
        .expect_err("a refunded payment must not verify as paid in full");
    let m = err.mismatch().expect("a mismatch");
    let refunded = m
        .get(Field::CancelAmount)
        .expect("names the refunded amount");
    assert_eq!(
        (refunded.expected.as_str(), refunded.actual.as_str()),
        ("0", "45000")
    );
    assert_eq!(m.remedy(), iamport::verify::Remedy::Reconcile, "{m}");
    assert!(!m.should_refund(), "{m}");
    assert!(err.to_string().contains("45000"), "{err}");
    // What the ledger records as refunded verifies, and a test payment when accepted.
    let expected = Expected::new("order-12", 50000).refunded(45000);
    assert!(p.check(&expected).is_ok());
    p.sandbox = Some(true);
    assert!(p.check(&expected.clone().accept_test_payments()).is_ok());
    assert!(p.check(&expected).is_err());
}
