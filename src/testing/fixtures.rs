//! Example payloads for the stubs: realistic values from the recordings, with the ids and
//! amounts a test gives. Every field is public; set the others on the returned value
//! (`p.paid_at = Some(UnixTime::from_secs(..))`).

use serde_json::Value;

#[cfg(feature = "certifications")]
use crate::types::Certification;
#[cfg(feature = "receipts")]
use crate::types::{ExternalReceipt, Receipt};
#[cfg(feature = "billing")]
use crate::types::{Schedule, SchedulePage};
use crate::{
    Amount, Currency, PaymentStatus, UnixTime,
    types::{
        BalanceDetail, BalanceHistory, Payment, PaymentBalance, PaymentCancel, PaymentPage,
        PreparedPayment,
    },
};

/// The payload of a recording embedded in the crate.
pub(super) fn template<T: serde::de::DeserializeOwned>(recording: &str) -> T {
    let rec: Value = serde_json::from_str(recording)
        .unwrap_or_else(|e| unreachable!("an embedded recording is JSON: {e}"));
    serde_json::from_value(rec["response"]["body"]["response"].clone())
        .unwrap_or_else(|e| unreachable!("an embedded recording decodes: {e}"))
}

/// The payment of an embedded recording with these ids and amount.
pub(super) fn recorded_payment(
    recording: &str,
    imp_uid: String,
    merchant_uid: String,
    amount: Amount,
) -> Payment {
    let mut p: Payment = template(recording);
    p.imp_uid = imp_uid;
    p.merchant_uid = merchant_uid;
    p.amount = amount;
    p
}

/// A realistic paid card payment with these ids and amount (KRW), to stub and to mutate:
///
/// ```
/// use iamport::{PaymentStatus, UnixTime, testing::payment};
///
/// let mut p = payment("imp_1", "order-1", 32000);
/// assert_eq!(p.status, PaymentStatus::Paid);
/// p.paid_at = Some(UnixTime::from_secs(1_790_000_000)); // any time the test needs
/// p.buyer_email = None;
/// ```
pub fn payment(
    imp_uid: impl Into<String>,
    merchant_uid: impl Into<String>,
    amount: impl Into<Amount>,
) -> Payment {
    let mut p = recorded_payment(
        include_str!("../../spec/recordings/get_payment.card_paid.json"),
        imp_uid.into(),
        merchant_uid.into(),
        amount.into(),
    );
    p.cancel_amount = Amount::from(0);
    p.status = PaymentStatus::Paid;
    p
}

/// `paid` as the server returns it after a cancel of `amount` for `reason`: `cancel_amount`
/// grows by `amount`, `cancel_history` gains an entry dated now, and once nothing is left the
/// status is `cancelled` with `cancelled_at` and `cancel_reason` set (a partial cancel leaves
/// the status `paid`, as the API does).
///
/// ```
/// use iamport::{Amount, PaymentStatus, testing::{after_cancel, payment}};
///
/// let paid = payment("imp_1", "order-1", 15000);
/// let partly = after_cancel(&paid, 5000, "size exchange");
/// assert_eq!(partly.status, PaymentStatus::Paid);
/// assert_eq!(partly.cancellable_amount(), Some(Amount::from(10000)));
/// assert_eq!(partly.cancel_history.len(), 1);
///
/// let fully = after_cancel(&partly, 10000, "changed mind");
/// assert_eq!(fully.status, PaymentStatus::Cancelled);
/// assert_eq!(fully.cancel_history.len(), 2);
/// ```
///
/// # Panics
/// When `amount` is not positive or is more than is left to cancel: no server answers that.
pub fn after_cancel(paid: &Payment, amount: impl Into<Amount>, reason: &str) -> Payment {
    let amount = amount.into();
    let left = paid.cancellable_amount().unwrap_or(Amount::ZERO);
    assert!(
        amount > Amount::from(0) && amount <= left,
        "after_cancel: cannot cancel {amount} of payment {} with {left} left",
        paid.imp_uid
    );
    let now = UnixTime::now();
    let mut p = paid.clone();
    // Within the payment's amount: checked above.
    p.cancel_amount = p.cancel_amount.checked_add(amount).unwrap_or(p.amount);
    let n = p.cancel_history.len() + 1;
    let receipt_url = format!("https://example.com/receipts/{}/cancel/{n}", p.imp_uid);
    let mut entry: PaymentCancel = template::<Payment>(include_str!(
        "../../spec/recordings/cancel_payment.partial.json"
    ))
    .cancel_history
    .into_iter()
    .next()
    .unwrap_or_else(|| unreachable!("the recorded partial cancel has a history entry"));
    entry.pg_tid = Some(format!(
        "{}_cancel_{n}",
        p.pg_tid.as_deref().unwrap_or("tid")
    ));
    entry.amount = amount;
    entry.cancelled_at = Some(now);
    entry.reason = Some(reason.to_owned());
    entry.receipt_url = Some(receipt_url.clone());
    p.cancel_history.push(entry);
    p.cancel_receipt_urls.push(receipt_url);
    if p.cancellable_amount() == Some(Amount::ZERO) {
        p.status = PaymentStatus::Cancelled;
        p.cancelled_at = Some(now);
        p.cancel_reason = Some(reason.to_owned());
    }
    p
}

/// A virtual account issued for this order and waiting for its deposit: status `ready`,
/// `pay_method` `vbank`, the account number and a deposit deadline set, nothing paid.
pub fn vbank_ready(
    imp_uid: impl Into<String>,
    merchant_uid: impl Into<String>,
    amount: impl Into<Amount>,
) -> Payment {
    recorded_payment(
        include_str!("../../spec/recordings/get_payment.vbank_ready.json"),
        imp_uid.into(),
        merchant_uid.into(),
        amount.into(),
    )
}

/// A card payment that failed (the buyer gave up, or the card was refused): status `failed`,
/// `failed_at` now and a `fail_reason`, never paid.
pub fn failed_payment(
    imp_uid: impl Into<String>,
    merchant_uid: impl Into<String>,
    amount: impl Into<Amount>,
) -> Payment {
    let mut p = payment(imp_uid, merchant_uid, amount);
    p.status = PaymentStatus::Failed;
    p.paid_at = None;
    p.failed_at = Some(UnixTime::now());
    p.fail_reason = Some("[결제포기] 사용자가 결제를 취소하셨습니다".to_owned());
    p.apply_num = None;
    p.receipt_url = None;
    p
}

/// The amount registered for an order ([`Client::prepare_payment`](crate::Client::prepare_payment)), in KRW.
pub fn prepared_payment(
    merchant_uid: impl Into<String>,
    amount: impl Into<Amount>,
) -> PreparedPayment {
    let mut p: PreparedPayment = template(include_str!(
        "../../spec/recordings/get_prepared_payment.ok.json"
    ));
    p.merchant_uid = merchant_uid.into();
    p.amount = amount.into();
    p.currency = Some(Currency::Krw);
    p
}

/// How a payment of `amount` splits: all of it by the primary means of payment (supply and
/// 10% VAT), with one history entry dated now.
pub fn payment_balance(amount: impl Into<Amount>) -> PaymentBalance {
    let amount = amount.into();
    let mut b: PaymentBalance = template(include_str!(
        "../../spec/recordings/get_payment_balance.ok.json"
    ));
    let vat = (amount.as_decimal() / rust_decimal::Decimal::from(11)).round();
    let zero = BalanceDetail {
        tax_free: Amount::from(0),
        supply: Amount::from(0),
        vat: Amount::from(0),
        service: Amount::from(0),
    };
    let primary = BalanceDetail {
        supply: Amount::new(amount.as_decimal() - vat),
        vat: Amount::new(vat),
        ..zero.clone()
    };
    b.amount = amount;
    b.cash_receipt = zero.clone();
    b.primary = primary.clone();
    b.secondary = zero.clone();
    b.discount = zero.clone();
    let mut history: BalanceHistory = b
        .histories
        .first()
        .cloned()
        .unwrap_or_else(|| unreachable!("the recorded balance has a history"));
    history.cash_receipt = zero.clone();
    history.primary = primary;
    history.secondary = zero.clone();
    history.discount = zero;
    history.created = Some(UnixTime::now());
    b.histories = vec![history];
    b
}

/// A realistic issued cash receipt for this payment.
#[cfg(feature = "receipts")]
pub fn receipt(imp_uid: impl Into<String>) -> Receipt {
    let mut r: Receipt = template(include_str!("../../spec/recordings/get_receipt.ok.json"));
    r.imp_uid = imp_uid.into();
    r
}

/// A realistic issued cash receipt for a payment made outside i'mport, of `amount` KRW.
#[cfg(feature = "receipts")]
pub fn external_receipt(
    merchant_uid: impl Into<String>,
    amount: impl Into<Amount>,
) -> ExternalReceipt {
    let mut r: ExternalReceipt = template(include_str!(
        "../../spec/recordings/get_external_receipt.ok.json"
    ));
    r.merchant_uid = merchant_uid.into();
    r.amount = amount.into();
    r
}

/// The one page of a listing holding these payments: `total` their number, no previous and
/// no next page. Set `total`, `previous` and `next` for a page in the middle; to stub every
/// page of a listing at once, use [`MockIamport::listing`](super::MockIamport::listing).
pub fn payment_page(list: Vec<Payment>) -> PaymentPage {
    PaymentPage {
        total: list.len() as u64,
        previous: 0,
        next: 0,
        list,
    }
}

/// The one page of a listing holding these schedules, as [`payment_page`] for payments.
#[cfg(feature = "billing")]
pub fn schedule_page(list: Vec<Schedule>) -> SchedulePage {
    SchedulePage {
        total: list.len() as u64,
        previous: 0,
        next: 0,
        list,
    }
}

/// A finished identity verification of a person born on `birth_date`: `certified`, with a
/// name, phone, carrier and both identifiers from a recorded Danal verification, and
/// `birthday` and `birth` set to the date (its midnight in Korea).
///
/// ```
/// use iamport::{Date, testing::certified_person};
///
/// let born = Date::new(2007, 12, 6).unwrap();
/// let person = certified_person("imp_1", born);
/// assert!(person.is_certified());
/// assert_eq!(person.birth_date(), Some(born));
/// assert_eq!(person.age_on(Date::new(2026, 12, 6).unwrap()), Some(19));
/// ```
#[cfg(feature = "certifications")]
pub fn certified_person(imp_uid: impl Into<String>, birth_date: crate::Date) -> Certification {
    let mut c: Certification = template(include_str!(
        "../../spec/recordings/get_certification.ok.json"
    ));
    c.imp_uid = imp_uid.into();
    c.birthday = Some(birth_date.to_string());
    let midnight = crate::date::days_from_civil(
        i64::from(birth_date.year()),
        birth_date.month(),
        birth_date.day(),
    ) * 86_400
        - 9 * 3600;
    c.birth = Some(midnight);
    c
}

/// A verification the person started and did not finish: `certified` false, every personal
/// field empty, as the server answers it.
#[cfg(feature = "certifications")]
pub fn unfinished_certification(imp_uid: impl Into<String>) -> Certification {
    let mut c: Certification = template(include_str!(
        "../../spec/recordings/get_certification.unfinished.json"
    ));
    c.imp_uid = imp_uid.into();
    c
}

/// A virtual account issued from the server for this order ([`Client::issue_vbank`]'s
/// answer): status `ready`, channel `api`, with the account, its bank and a due time.
///
/// [`Client::issue_vbank`]: crate::Client::issue_vbank
#[cfg(feature = "vbanks")]
pub fn vbank_issued(
    imp_uid: impl Into<String>,
    merchant_uid: impl Into<String>,
    amount: impl Into<Amount>,
) -> Payment {
    recorded_payment(
        include_str!("../../spec/recordings/issue_vbank.ok.json"),
        imp_uid.into(),
        merchant_uid.into(),
        amount.into(),
    )
}
