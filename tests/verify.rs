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
    let expected = Expected::new(32000)
        .merchant_uid("order-1")
        .currency(Currency::Krw);
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
    let expected = Expected::new(32000)
        .merchant_uid("order-X")
        .currency(Currency::Krw);
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
        p.check(&Expected::new("10.50".parse::<Amount>().unwrap()))
            .is_ok()
    );
    let m = p
        .check(&Expected::new("10.500001".parse::<Amount>().unwrap()))
        .unwrap_err();
    assert_eq!(m.differences[0].field, Field::Amount);
    // Status can be asked for explicitly (an issued virtual account is `ready`).
    let mut vbank = payment("imp_2", "order-2", 1000);
    vbank.status = PaymentStatus::Ready;
    assert!(
        vbank
            .check(&Expected::new(1000).status(PaymentStatus::Ready))
            .is_ok()
    );
}

#[tokio::test]
async fn a_payment_that_cannot_be_fetched_is_not_a_mismatch() {
    let mock = MockIamport::start().await;
    let _gone = mock.not_found("GET", "/payments/imp_200000000003");
    let err = mock
        .client()
        .verify_payment("imp_200000000003", &Expected::new(1000))
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert!(err.mismatch().is_none());
}
