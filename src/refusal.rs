//! Why the API refused a request, read from its message where its `code` does not say.

use crate::Error;

/// Why the API refused a request, for refusals a caller handles differently.
///
/// The server does not tell its refusals apart by `code`: cancelling a payment that is
/// already cancelled and cancelling one that does not exist both come back as HTTP 200 with
/// `code` 1. Only the (Korean) message differs, so [`Error::refusal`] reads the message
/// against one table of the messages the recordings in `spec/recordings/` and the notes on
/// the API show. A message not in the table is [`Refusal::Other`]; the message itself is
/// always in [`Error::api_message`].
///
/// **Not recognised:** a cancel refused because its
/// [`checksum`](crate::CancelPayment::checksum) no longer matches what is cancellable. No
/// recording or public capture shows that message, so it comes back as `Other`, like any
/// refusal this table does not know; treat an `Other` answer to a cancel with a checksum as
/// "look the payment up and compare with your ledger".
///
/// New reasons may be added as their messages are recorded (the enum is
/// `#[non_exhaustive]`); a message the server rewords falls back to `Other`.
///
/// ```no_run
/// use iamport::Refusal;
///
/// # async fn run(client: iamport::Client) -> iamport::Result<()> {
/// match client.cancel_payment().imp_uid("imp_123").full().checksum(32000).send().await {
///     Ok(payment) => println!("cancelled; {} left", payment.cancellable_amount().unwrap_or_default()),
///     // Throttled or an outage, after the client's own retries: not a refusal; try later.
///     Err(e) if e.is_retryable() => println!("try again later: {e}"),
///     // A second click, or a retry of a cancel that went through: nothing left to do.
///     Err(e) if e.is_already_cancelled() => println!("already cancelled"),
///     Err(e) if e.refusal() == Some(Refusal::PaymentNotFound) => println!("no such payment"),
///     Err(e) => return Err(e),
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Refusal {
    /// The payment is already cancelled in full (`이미 전액취소된 주문입니다.`). A cancel
    /// repeated after one that went through ends here.
    AlreadyCancelled,
    /// No payment matches the ids given: nothing to cancel (`취소할 결제건이 존재하지
    /// 않습니다.`), or no payment to look up (`존재하지 않는 결제정보입니다.`, HTTP 404).
    PaymentNotFound,
    /// No billing key is registered under the `customer_uid` (`요청하신 customer_uid(..)로
    /// 등록된 정보를 찾을 수 없습니다.`, and `등록되지 않은 구매자입니다.` or `등록된
    /// 고객정보가 없습니다.` when charging or scheduling with it).
    BillingKeyNotFound,
    /// An unschedule found no scheduled payment to cancel, e.g. because it was already
    /// executed (`취소할 예약결제 기록이 존재하지 않습니다.`).
    NothingScheduled,
    /// The card company rejected the card data when issuing a billing key or charging a card
    /// once (`카드정보 인증에 실패하였습니다.`, `카드정보 인증 및 빌키 발급에
    /// 실패하였습니다.`, `카드정보 확인에 실패하였습니다.`, `유효하지않은 카드번호를
    /// 입력하셨습니다.`). The message goes on with the card company's own code and reason.
    CardAuthFailed,
    /// The `merchant_uid` was used before: paid or cancelled (`이미 주문이 이루어진
    /// 건입니다.`), already prepared (`이미 등록된 merchant_uid입니다.`) or already scheduled
    /// (`이미 예약된 merchant_uid입니다.`). A charge repeated after one that went through ends
    /// here: look the payment up by its `merchant_uid`.
    DuplicateMerchantUid,
    /// A revoke of a virtual account or convenience-store payment number that the buyer paid
    /// already ([`Error::AlreadyPaid`]): refund the payment with a cancel instead. Told by the
    /// payment's status, looked up after the refusal, not by the message.
    AlreadyPaid,
    /// Any other refusal, including a stale cancel checksum (see above); read
    /// [`Error::api_message`].
    Other,
}

/// How the server words each recognised refusal: the start of the message and, where the
/// message names an id in the middle, a part that must follow. Checked in order; the first
/// match wins.
const MESSAGES: &[(&str, &str, Refusal)] = &[
    ("이미 전액취소된 주문입니다", "", Refusal::AlreadyCancelled),
    (
        "취소할 결제건이 존재하지 않습니다",
        "",
        Refusal::PaymentNotFound,
    ),
    ("존재하지 않는 결제정보입니다", "", Refusal::PaymentNotFound),
    (
        "요청하신 customer_uid",
        "등록된 정보를 찾을 수 없습니다",
        Refusal::BillingKeyNotFound,
    ),
    (
        "등록되지 않은 구매자입니다",
        "",
        Refusal::BillingKeyNotFound,
    ),
    (
        "등록된 고객정보가 없습니다",
        "",
        Refusal::BillingKeyNotFound,
    ),
    (
        "취소할 예약결제 기록이 존재하지 않습니다",
        "",
        Refusal::NothingScheduled,
    ),
    (
        "카드정보 인증에 실패하였습니다",
        "",
        Refusal::CardAuthFailed,
    ),
    (
        "카드정보 인증 및 빌키 발급에 실패하였습니다",
        "",
        Refusal::CardAuthFailed,
    ),
    (
        "카드정보 확인에 실패하였습니다",
        "",
        Refusal::CardAuthFailed,
    ),
    (
        "유효하지않은 카드번호를 입력하셨습니다",
        "",
        Refusal::CardAuthFailed,
    ),
    (
        "이미 주문이 이루어진 건입니다",
        "",
        Refusal::DuplicateMerchantUid,
    ),
    (
        "이미 등록된 merchant_uid입니다",
        "",
        Refusal::DuplicateMerchantUid,
    ),
    (
        "이미 예약된 merchant_uid입니다",
        "",
        Refusal::DuplicateMerchantUid,
    ),
];

impl Refusal {
    /// The reason a refusal's message gives: [`Refusal::Other`] for a message not in the
    /// table. For a message kept from an earlier error, e.g. in a log or a database.
    ///
    /// ```
    /// use iamport::Refusal;
    ///
    /// assert_eq!(Refusal::from_message("이미 전액취소된 주문입니다."), Refusal::AlreadyCancelled);
    /// assert_eq!(
    ///     Refusal::from_message("요청하신 customer_uid(member-1)로 등록된 정보를 찾을 수 없습니다."),
    ///     Refusal::BillingKeyNotFound,
    /// );
    /// assert_eq!(Refusal::from_message("잠시 후 다시 시도해주세요."), Refusal::Other);
    /// ```
    pub fn from_message(message: &str) -> Refusal {
        let message = message.trim_start();
        MESSAGES
            .iter()
            .find(|(start, then, _)| {
                message
                    .strip_prefix(start)
                    .is_some_and(|rest| rest.contains(then))
            })
            .map_or(Refusal::Other, |&(_, _, refusal)| refusal)
    }
}

impl Error {
    /// Why the API refused the request, when it did: for an [`Error::Api`] or
    /// [`Error::NotFound`], the reason its message gives ([`Refusal::Other`] for a message
    /// not recognised, or none). `None` for every other error, including
    /// [`Error::OutcomeUnknown`] (the server may have carried the request out) and
    /// [`Error::Auth`] (see [`is_auth`](Error::is_auth)), and for throttling and outages
    /// even when they came with an envelope (429, and 5xx but 501): those are not the server
    /// saying no to this request; they are [`is_retryable`](Error::is_retryable), and are to be
    /// checked first.
    ///
    /// ```
    /// use iamport::{Error, Refusal};
    ///
    /// fn explain(err: &Error) -> &'static str {
    ///     match err.refusal() {
    ///         Some(Refusal::AlreadyCancelled) => "already refunded",
    ///         Some(Refusal::CardAuthFailed) => "check the card details",
    ///         Some(_) => "refused; see the message",
    ///         None => "not a refusal",
    ///     }
    /// }
    /// ```
    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            Error::Api { status, .. } if *status == 429 || (*status >= 500 && *status != 501) => {
                None
            }
            Error::AlreadyPaid(_) => Some(Refusal::AlreadyPaid),
            Error::PgRejected { .. } => Some(Refusal::Other),
            Error::Api { message, .. } | Error::NotFound { message, .. } => Some(
                Refusal::from_message(message.as_deref().unwrap_or_default()),
            ),
            _ => None,
        }
    }

    /// Whether a cancel was refused because the payment is already cancelled in full
    /// ([`Refusal::AlreadyCancelled`]): nothing is left to refund, perhaps through an earlier
    /// request of the caller's own. Look the payment up to learn when and how much.
    pub fn is_already_cancelled(&self) -> bool {
        self.refusal() == Some(Refusal::AlreadyCancelled)
    }
}
