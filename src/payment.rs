//! Payment data as the server reports it.

use serde::{Deserialize, Deserializer, Serialize};

use crate::{Amount, Channel, Currency, PayMethod, PaymentStatus, UnixTime, amount::zero_as_none};

/// Decodes a missing or `null` list as empty.
pub(crate) fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A payment.
///
/// Many fields apply only to some means of payment and are `None` otherwise. Times the server
/// reports as `0` ("has not happened") are `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Payment {
    /// i'mport's id of the payment (`imp_...`).
    pub imp_uid: String,
    /// The merchant's order id.
    pub merchant_uid: String,
    /// The means of payment.
    #[serde(default)]
    pub pay_method: Option<PayMethod>,
    /// Where the payment was requested.
    #[serde(default)]
    pub channel: Option<Channel>,
    /// Code of the PG that processed the payment.
    #[serde(default)]
    pub pg_provider: Option<String>,
    /// For hub-type payments, the PG under `pg_provider`.
    #[serde(default)]
    pub emb_pg_provider: Option<String>,
    /// The PG's transaction id.
    #[serde(default)]
    pub pg_tid: Option<String>,
    /// The merchant id at the PG.
    #[serde(default)]
    pub pg_id: Option<String>,
    /// Whether the payment went through a test channel (`None` in data from before 2026).
    #[serde(default)]
    pub sandbox: Option<bool>,
    /// Whether this is an escrow payment.
    #[serde(default)]
    pub escrow: bool,
    /// Card approval number (`""` or `None` when there is none).
    #[serde(default)]
    pub apply_num: Option<String>,
    /// Bank code of a real-time transfer.
    #[serde(default)]
    pub bank_code: Option<String>,
    /// Bank name of a real-time transfer.
    #[serde(default)]
    pub bank_name: Option<String>,
    /// Card company code.
    #[serde(default)]
    pub card_code: Option<String>,
    /// Card company name.
    #[serde(default)]
    pub card_name: Option<String>,
    /// Code of the card's issuer, where the PG reports it.
    #[serde(default)]
    pub card_issuer_code: Option<String>,
    /// Name of the card's issuer, where the PG reports it.
    #[serde(default)]
    pub card_issuer_name: Option<String>,
    /// Code of the card's publisher, where the PG reports it.
    #[serde(default)]
    pub card_publisher_code: Option<String>,
    /// Name of the card's publisher, where the PG reports it.
    #[serde(default)]
    pub card_publisher_name: Option<String>,
    /// Instalment months (`0` for a single payment).
    #[serde(default)]
    pub card_quota: Option<i32>,
    /// The masked card number.
    #[serde(default)]
    pub card_number: Option<String>,
    /// `0` credit card, `1` check card; `None` when not reported.
    #[serde(default)]
    pub card_type: Option<i32>,
    /// Bank code of the virtual account.
    #[serde(default)]
    pub vbank_code: Option<String>,
    /// Bank name of the virtual account.
    #[serde(default)]
    pub vbank_name: Option<String>,
    /// Number of the virtual account.
    #[serde(default)]
    pub vbank_num: Option<String>,
    /// Holder name of the virtual account.
    #[serde(default)]
    pub vbank_holder: Option<String>,
    /// Deadline of the deposit into the virtual account.
    #[serde(default, with = "zero_as_none")]
    pub vbank_date: Option<UnixTime>,
    /// When the virtual account was issued.
    #[serde(default, with = "zero_as_none")]
    pub vbank_issued_at: Option<UnixTime>,
    /// The order name.
    #[serde(default)]
    pub name: Option<String>,
    /// The amount paid.
    pub amount: Amount,
    /// The amount cancelled so far, over all partial cancellations.
    pub cancel_amount: Amount,
    /// The currency.
    pub currency: Currency,
    /// Buyer's name.
    #[serde(default)]
    pub buyer_name: Option<String>,
    /// Buyer's email address.
    #[serde(default)]
    pub buyer_email: Option<String>,
    /// Buyer's telephone number.
    #[serde(default)]
    pub buyer_tel: Option<String>,
    /// Buyer's address.
    #[serde(default)]
    pub buyer_addr: Option<String>,
    /// Buyer's postcode.
    #[serde(default)]
    pub buyer_postcode: Option<String>,
    /// Data the merchant attached to the request, as a JSON string.
    #[serde(default)]
    pub custom_data: Option<String>,
    /// User agent of the buyer's device.
    #[serde(default)]
    pub user_agent: Option<String>,
    /// The payment's status.
    pub status: PaymentStatus,
    /// When the payment was requested.
    #[serde(default, with = "zero_as_none")]
    pub started_at: Option<UnixTime>,
    /// When it was paid.
    #[serde(default, with = "zero_as_none")]
    pub paid_at: Option<UnixTime>,
    /// When it failed.
    #[serde(default, with = "zero_as_none")]
    pub failed_at: Option<UnixTime>,
    /// When it was cancelled in full.
    #[serde(default, with = "zero_as_none")]
    pub cancelled_at: Option<UnixTime>,
    /// Why it failed.
    #[serde(default)]
    pub fail_reason: Option<String>,
    /// Why it was cancelled.
    #[serde(default)]
    pub cancel_reason: Option<String>,
    /// URL of the sales slip.
    #[serde(default)]
    pub receipt_url: Option<String>,
    /// Every cancellation, oldest first (empty when none).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub cancel_history: Vec<PaymentCancel>,
    /// URLs of the cancellation slips (deprecated by the server; see `cancel_history`).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub cancel_receipt_urls: Vec<String>,
    /// Deposits into a fixed virtual account that accepts many.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub deposit_history: Vec<VbankDeposit>,
    /// Whether a cash receipt was issued.
    #[serde(default)]
    pub cash_receipt_issued: bool,
    /// The merchant's id of the billing key used, if any.
    #[serde(default)]
    pub customer_uid: Option<String>,
    /// How `customer_uid` was used (`issue`, `payment`, `payment.scheduled`).
    #[serde(default)]
    pub customer_uid_usage: Option<String>,
    /// A card-company promotion applied to the payment.
    #[serde(default)]
    pub promotion: Option<PaymentPromotion>,
}

impl Payment {
    /// The amount that can still be cancelled: `amount - cancel_amount`.
    ///
    /// Pass it as the `checksum` of a cancellation to make the request safe to repeat.
    pub fn cancellable_amount(&self) -> Amount {
        Amount::new(self.amount.as_decimal() - self.cancel_amount.as_decimal())
    }

    /// The approval number, treating the server's `""` as absent.
    pub fn approval_number(&self) -> Option<&str> {
        self.apply_num.as_deref().filter(|s| !s.is_empty())
    }
}

/// One full or partial cancellation of a payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PaymentCancel {
    /// The PG's id of the cancellation.
    #[serde(default)]
    pub pg_tid: Option<String>,
    /// The amount cancelled.
    pub amount: Amount,
    /// When it was cancelled.
    #[serde(default, with = "zero_as_none")]
    pub cancelled_at: Option<UnixTime>,
    /// The reason given.
    #[serde(default)]
    pub reason: Option<String>,
    /// i'mport's id of the cancellation (absent in older data).
    #[serde(default)]
    pub cancellation_id: Option<String>,
    /// URL of the cancellation slip.
    #[serde(default)]
    pub receipt_url: Option<String>,
}

/// One deposit into a fixed virtual account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VbankDeposit {
    /// The PG's id of the deposit.
    #[serde(default)]
    pub pg_tid: Option<String>,
    /// The amount deposited.
    pub amount: Amount,
    /// Who made the deposit.
    #[serde(default)]
    pub depositor_name: Option<String>,
    /// When it was deposited.
    #[serde(default, with = "zero_as_none")]
    pub deposited_at: Option<UnixTime>,
}

/// A card-company promotion applied to a payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PaymentPromotion {
    /// The promotion id (`promotion-id-...`).
    pub id: String,
    /// The discount it gave.
    pub discount: Amount,
}

/// One page of a payment listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PaymentPage {
    /// How many payments match in all.
    pub total: u64,
    /// The previous page's number (`0` on the first page).
    #[serde(default)]
    pub previous: u32,
    /// The next page's number (`0` on the last page).
    #[serde(default)]
    pub next: u32,
    /// The payments on this page.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub list: Vec<Payment>,
}

impl PaymentPage {
    /// The number of the next page, or `None` when this is the last one.
    pub fn next_page(&self) -> Option<u32> {
        (self.next != 0).then_some(self.next)
    }

    /// The number of the previous page, or `None` when this is the first one.
    pub fn previous_page(&self) -> Option<u32> {
        (self.previous != 0).then_some(self.previous)
    }
}

/// How a payment's amount splits by means of payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PaymentBalance {
    /// The total amount.
    pub amount: Amount,
    /// The part covered by a cash receipt.
    pub cash_receipt: BalanceDetail,
    /// The primary means (card, transfer, virtual account, phone).
    pub primary: BalanceDetail,
    /// The secondary means (PG or card points).
    pub secondary: BalanceDetail,
    /// Discounts by the PG or card company.
    pub discount: BalanceDetail,
    /// The balance after each change, oldest first.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub histories: Vec<BalanceHistory>,
}

/// An amount split into its tax parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BalanceDetail {
    /// Tax-free supply value.
    pub tax_free: Amount,
    /// Taxable supply value.
    pub supply: Amount,
    /// VAT.
    pub vat: Amount,
    /// Service charge.
    pub service: Amount,
}

/// The balance as it stood after one change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BalanceHistory {
    /// The part covered by a cash receipt.
    pub cash_receipt: BalanceDetail,
    /// The primary means.
    pub primary: BalanceDetail,
    /// The secondary means.
    pub secondary: BalanceDetail,
    /// Discounts.
    pub discount: BalanceDetail,
    /// When the change happened.
    #[serde(default, with = "zero_as_none")]
    pub created: Option<UnixTime>,
}

/// The amount registered for an order before its payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PreparedPayment {
    /// The merchant's order id.
    pub merchant_uid: String,
    /// The amount the payment must have.
    pub amount: Amount,
    /// The currency it must have; `None` accepts any.
    #[serde(default)]
    pub currency: Option<Currency>,
}
