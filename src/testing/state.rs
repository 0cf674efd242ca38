//! A stateful stub: one payment whose lookups and cancels share its state, for tests of
//! flows rather than single calls.

use std::{
    fmt,
    sync::{Arc, Mutex, MutexGuard},
};

use httpmock::{HttpMockRequest, HttpMockResponse, Mock};
use serde_json::{Value, json};

use super::{MockIamport, after_cancel, mock::envelope};
use crate::{Amount, types::CancelRequest, types::Payment};

/// What the API answers to a cancel of a payment with nothing left to cancel (code 1).
const ALL_CANCELLED: &str = "이미 전액취소된 주문입니다.";

/// A payment served from one shared state by [`MockIamport::payment_state`]: lookups answer
/// what it is now, and a cancel changes it as the server would.
pub struct PaymentState<'a> {
    payment: Arc<Mutex<Payment>>,
    lookups: Mock<'a>,
    cancels: Mock<'a>,
}

impl fmt::Debug for PaymentState<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = lock(&self.payment);
        f.debug_struct("PaymentState")
            .field("imp_uid", &p.imp_uid)
            .field("status", &p.status)
            .field("cancel_amount", &p.cancel_amount)
            .finish_non_exhaustive()
    }
}

impl<'a> PaymentState<'a> {
    /// The payment as it is now.
    pub fn current(&self) -> Payment {
        lock(&self.payment).clone()
    }

    /// The stub of the lookups (`GET /payments/{imp_uid}`), to count them.
    pub fn lookups(&self) -> &Mock<'a> {
        &self.lookups
    }

    /// The stub of the cancels (`POST /payments/cancel` naming the payment), to count them,
    /// refused ones included.
    pub fn cancels(&self) -> &Mock<'a> {
        &self.cancels
    }
}

fn lock(payment: &Mutex<Payment>) -> MutexGuard<'_, Payment> {
    payment.lock().unwrap_or_else(|e| e.into_inner())
}

impl MockIamport {
    /// Serves `payment` from one state shared by its lookups and its cancels: a lookup
    /// (`GET /payments/{imp_uid}`) answers the payment as it is now, and a cancel naming it
    /// (`POST /payments/cancel` with its `imp_uid`, or its `merchant_uid` and no `imp_uid`)
    /// changes it as the server would, then answers the new state. A cancel is refused with
    /// code 1, changing nothing, when nothing is left to cancel, when its `checksum` is not
    /// what is left, or when its `amount` is more than what is left; without an `amount` (or
    /// with 0, which the client never sends) it cancels all that is left, as the server does. The refusals' messages are the mock's own words
    /// except for the first, which is the API's.
    ///
    /// For tests of flows: a refund, then a lookup that sees it; a second click on a stale
    /// refund page, refused by its checksum.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> iamport::Result<()> {
    /// use iamport::{Amount, PaymentStatus, testing::{MockIamport, payment}};
    ///
    /// let mock = MockIamport::start().await;
    /// let client = mock.client();
    /// let state = mock.payment_state(&payment("imp_1", "order-1", 15000));
    /// let refund = || client.cancel_payment().imp_uid("imp_1").amount(5000).checksum(15000);
    ///
    /// refund().send().await?;
    /// let now = client.payment("imp_1").await?;
    /// assert_eq!(now.cancellable_amount(), Some(Amount::from(10000)));
    /// // The same click again: its checksum is out of date, and nothing is refunded.
    /// assert_eq!(refund().send().await.unwrap_err().api_code(), Some(1));
    /// assert_eq!(state.current().cancel_history.len(), 1);
    ///
    /// client.cancel_payment().imp_uid("imp_1").full().checksum(10000).send().await?;
    /// assert_eq!(client.payment("imp_1").await?.status, PaymentStatus::Cancelled);
    /// state.cancels().assert_calls(3);
    /// # Ok(()) }
    /// ```
    pub fn payment_state(&self, payment: &Payment) -> PaymentState<'_> {
        let shared = Arc::new(Mutex::new(payment.clone()));
        let expect = super::matcher::RequestMatcher::id("GET", "/payments/", &payment.imp_uid, "");
        let (read, matcher) = (shared.clone(), shared.clone());
        let lookups = self.server().mock(|when, then| {
            let matcher = expect.clone();
            when.method("GET")
                .path(expect.path.as_str())
                .header("authorization", format!("Bearer {}", Self::TOKEN))
                .is_true(move |req| matcher.query_matches(&req.query_params()));
            then.respond_with(move |_| answer(&envelope(&*lock(&read))));
        });
        let write = shared.clone();
        let cancels = self.server().mock(|when, then| {
            when.method("POST")
                .path("/payments/cancel")
                .header("authorization", format!("Bearer {}", Self::TOKEN))
                .is_true(move |req| names(&lock(&matcher), req));
            then.respond_with(move |req| {
                let mut p = lock(&write);
                let reply = match cancel(&p, req) {
                    Ok(after) => {
                        *p = after;
                        envelope(&*p)
                    }
                    Err(message) => json!({"code": 1, "message": message, "response": null}),
                };
                answer(&reply)
            });
        });
        PaymentState {
            payment: shared,
            lookups,
            cancels,
        }
    }
}

/// A 200 with this JSON body.
fn answer(body: &Value) -> HttpMockResponse {
    HttpMockResponse::builder()
        .status(200)
        .header("content-type", "application/json; charset=UTF-8")
        .body(body.to_string())
        .build()
}

/// Whether a cancel request names this payment: by `imp_uid`, or by `merchant_uid` when it
/// gives no `imp_uid` (the server's rule).
fn names(payment: &Payment, req: &HttpMockRequest) -> bool {
    let Ok(body) = serde_json::from_slice::<CancelRequest>(req.body_ref()) else {
        return false;
    };
    match (&body.imp_uid, &body.merchant_uid) {
        (Some(imp), _) => *imp == payment.imp_uid,
        (None, Some(merchant)) => *merchant == payment.merchant_uid,
        (None, None) => false,
    }
}

/// The payment after the cancel `req` asks for, or why the server refuses it.
pub(super) fn cancel(payment: &Payment, req: &HttpMockRequest) -> Result<Payment, String> {
    let body: CancelRequest =
        serde_json::from_slice(req.body_ref()).map_err(|e| format!("not a cancel: {e}"))?;
    let zero = Amount::from(0);
    let left = payment
        .cancellable_amount()
        .ok_or_else(|| format!("payment {} has no cancellable amount", payment.imp_uid))?;
    if left <= zero {
        return Err(ALL_CANCELLED.to_owned());
    }
    if let Some(checksum) = body.checksum
        && checksum != left
    {
        return Err(format!(
            "checksum {checksum} is not the cancellable amount {left}"
        ));
    }
    let amount = body.amount.filter(|a| *a != zero).unwrap_or(left);
    if amount > left {
        return Err(format!(
            "amount {amount} is more than the cancellable {left}"
        ));
    }
    if amount < zero {
        return Err(format!("amount {amount} is negative"));
    }
    Ok(after_cancel(
        payment,
        amount,
        body.reason.as_deref().unwrap_or_default(),
    ))
}
