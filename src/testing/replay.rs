//! The replay of recordings through the client: each recording's request as a call of the
//! client's own method (one arm per operation), and the comparison of what comes back with
//! what was recorded. Longer than most files here because of the arms, one per operation.

use std::fmt;

use percent_encoding::percent_decode_str;
use serde_json::Value;

use super::{MockIamport, Recording, mock_exchange};
use crate::{Amount, Client, Error, PaymentStatus, Result, Sorting, UnixTime};
#[cfg(feature = "billing")]
use crate::{CancelRequester, ScheduleSorting, ScheduleStatus};

/// The day the recordings were made (2026-11-05, 00:00 UTC). Replays read the clock as this
/// instant, so a recorded schedule time that was in the future then passes the client's
/// "in the future" check on any later day.
pub const RECORDED_AT: UnixTime = UnixTime::from_secs(1_793_836_800);

/// Where a recording and the client disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Mismatch {
    /// JSON pointer into the recording file.
    pub pointer: String,
    /// What differs.
    pub reason: String,
}

impl Mismatch {
    fn new(pointer: impl Into<String>, reason: impl Into<String>) -> Mismatch {
        Mismatch {
            pointer: pointer.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.reason)
    }
}

/// Serves a recording from a fresh [`MockIamport`], calls the matching [`Client`] method with
/// the arguments its request carries, and lists every way the outcome differs from it.
///
/// - A success recording must decode, and its payload must re-encode to the recorded values.
/// - A failure recording must give the error that matches its status, `code` and `message`
///   (a batch lookup that finds nothing is an answer with every id missing, not an error).
/// - The request the client sends must be the recorded one, sent once (twice for a 401: the
///   client fetches a new token and tries once more).
/// - A failure case whose request the client's own checks refuse before sending
///   ([`Error::InvalidInput`], a schedule window over three months say) matches when nothing
///   was sent.
///
/// An empty list means the client handles the recorded response as the recording says.
pub async fn verify(rec: &Recording) -> Vec<Mismatch> {
    let mock = MockIamport::start().await;
    let body = serde_json::to_vec(&rec.response.body).unwrap_or_default();
    let is_token = rec.operation == "get_token";
    let (served, result) = if is_token {
        let served = mock_exchange(mock.server(), rec, None, rec.response.status, body);
        let field = |k: &str| {
            rec.request
                .body
                .as_ref()
                .and_then(|b| b.get(k))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let result = match Client::builder()
            .credentials(field("imp_key"), field("imp_secret"))
            .base_url(mock.base_url())
            .build()
        {
            Ok(client) => client.authenticate().await.map(|()| Value::Null),
            Err(e) => Err(e),
        };
        (served, result)
    } else {
        let served = mock.recording(rec);
        let result = match Client::builder()
            .credentials(MockIamport::KEY, MockIamport::SECRET)
            .base_url(mock.base_url())
            .fixed_now(RECORDED_AT)
            .build()
        {
            Ok(client) => call(&client, rec).await,
            Err(e) => Err(e),
        };
        (served, result)
    };

    let mut out = Vec::new();
    // A failure case whose request the client refuses before sending (its argument checks
    // know the server's rule, a window too long say): both say no, and nothing is sent.
    let refused_before_sending = !rec.is_success()
        && matches!(&result, Err(Error::InvalidInput { field, .. }) if *field != "recording");
    match (rec.is_success(), result) {
        (false, Err(_)) if refused_before_sending => {}
        (true, Ok(value)) if !is_token => {
            for (pointer, reason) in differences(&rec.response.body["response"], &value) {
                out.push(Mismatch::new(
                    format!("/response/body/response{pointer}"),
                    reason,
                ));
            }
        }
        (true, Ok(_)) => {}
        (true, Err(e)) => out.push(Mismatch::new(
            "/response/body",
            format!("the client failed: {}", chain(&e)),
        )),
        (false, Ok(value)) => {
            let empty_batch = matches!(rec.operation.as_str(), "get_payments" | "get_billing_keys")
                && rec.response.status == 404
                && value == Value::Array(Vec::new());
            if !empty_batch {
                out.push(Mismatch::new(
                    "/response",
                    format!("a failure case, but the client succeeded with {value}"),
                ));
            }
        }
        (false, Err(e)) => out.extend(error_mismatches(rec, &e)),
    }
    // A call refused with 401 is sent once more with a fresh token, by design.
    let expected = if refused_before_sending {
        0
    } else if rec.response.status == 401 && !is_token {
        2
    } else {
        1
    };
    let calls = served.calls_async().await;
    if calls != expected {
        out.push(Mismatch::new(
            "/request",
            format!("the client's request did not match the recorded one (matched {calls} times, expected {expected})"),
        ));
    }
    out
}

fn error_mismatches(rec: &Recording, e: &Error) -> Vec<Mismatch> {
    let body = &rec.response.body;
    let status = rec.response.status;
    let mut out = Vec::new();
    let mut differ = |pointer: &str, what: &str, want: String, got: String| {
        if want != got {
            out.push(Mismatch::new(
                pointer,
                format!(
                    "error {what} is {got}, the recording has {want} ({})",
                    chain(e)
                ),
            ));
        }
    };
    differ(
        "/response/status",
        "status",
        format!("{:?}", Some(status)),
        format!("{:?}", e.status()),
    );
    differ(
        "/response/body/code",
        "code",
        format!("{:?}", body["code"].as_i64()),
        format!("{:?}", e.api_code()),
    );
    differ(
        "/response/body/message",
        "message",
        format!("{:?}", body["message"].as_str()),
        format!("{:?}", e.api_message()),
    );
    differ(
        "/response/status",
        "kind",
        (if status == 404 { "not found" } else { "other" }).to_owned(),
        (if e.is_not_found() {
            "not found"
        } else {
            "other"
        })
        .to_owned(),
    );
    out
}

/// An error and its sources, on one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

/// Every place where `actual` lacks or changes a value of `expected`, as (JSON pointer,
/// reason). Keys only `actual` has are ignored; `null` matches an empty list (the SDK reads a
/// `null` list as empty).
pub fn differences(expected: &Value, actual: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    diff(expected, actual, &mut String::new(), &mut out);
    out
}

fn diff(expected: &Value, actual: &Value, path: &mut String, out: &mut Vec<(String, String)>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let len = path.len();
                path.push('/');
                path.push_str(&k.replace('~', "~0").replace('/', "~1"));
                match a.get(k) {
                    Some(av) => diff(ev, av, path, out),
                    None => out.push((path.clone(), "missing after decoding".to_owned())),
                }
                path.truncate(len);
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push((
                    path.clone(),
                    format!("{} items after decoding, {} recorded", a.len(), e.len()),
                ));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                let len = path.len();
                path.push_str(&format!("/{i}"));
                diff(ev, av, path, out);
                path.truncate(len);
            }
        }
        (Value::Null, Value::Array(a)) if a.is_empty() => {}
        (e, a) if e == a => {}
        (e, a) => out.push((path.clone(), format!("re-encoded as {a}, recorded {e}"))),
    }
}

/// The recorded request body as the generated request type it stands for.
#[cfg(any(
    feature = "receipts",
    feature = "billing",
    feature = "certifications",
    feature = "vbanks",
    feature = "escrow",
    feature = "cvs",
    feature = "partners",
    feature = "naver",
    feature = "kcpquick",
    feature = "paymentwall",
    feature = "benepia"
))]
fn body_as<T: serde::de::DeserializeOwned>(rec: &Recording) -> Result<T> {
    let body = rec.request.body.clone().unwrap_or(Value::Null);
    serde_json::from_value(body).map_err(|e| bad(format!("the request body does not decode: {e}")))
}

/// Applies a builder setter when the recording has the value.
fn set<B, T>(b: B, value: Option<T>, setter: impl FnOnce(B, T) -> B) -> B {
    match value {
        Some(v) => setter(b, v),
        None => b,
    }
}

/// A declined (or not yet settled) charge as the payment the server answered with.
#[cfg(any(feature = "billing", feature = "kcpquick", feature = "benepia"))]
fn declined(r: Result<crate::Payment>) -> Result<crate::Payment> {
    match r {
        Err(Error::Declined(p)) => Ok(*p),
        // Answered with a payment neither paid nor failed (`ready`, or a status this crate
        // does not know): the payment as answered.
        Err(Error::OutcomeUnknown { source, .. }) if matches!(*source, Error::Pending(_)) => {
            match *source {
                Error::Pending(p) => Ok(*p),
                other => Err(other),
            }
        }
        other => other,
    }
}

fn bad(reason: impl Into<String>) -> Error {
    Error::InvalidInput {
        field: "recording",
        reason: reason.into(),
    }
}

fn to_json<T: serde::Serialize>(r: Result<T>) -> Result<Value> {
    r.and_then(|v| serde_json::to_value(v).map_err(|e| bad(format!("payload re-encoding: {e}"))))
}

/// Calls the [`Client`] method a recording belongs to, with the arguments its request
/// carries, and returns the payload re-encoded as JSON (for a batch, the list of payments or
/// keys; for a declined charge, the failed payment that [`Error::Declined`] carries).
///
/// The client's clock decides whether a recorded schedule time is still in the future;
/// [`verify`] reads it as [`RECORDED_AT`].
///
/// # Errors
/// The client's error; [`Error::InvalidInput`] with field `recording` when the recording's
/// operation is unknown or its request lacks an argument the method needs.
pub async fn call(client: &Client, rec: &Recording) -> Result<Value> {
    let seg: Vec<String> = rec
        .request
        .path
        .trim_start_matches('/')
        .split('/')
        .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    let seg_at = |i: usize| {
        seg.get(i)
            .cloned()
            .ok_or_else(|| bad(format!("path {} has no segment {i}", rec.request.path)))
    };
    let number = |key: &str| -> Result<Option<u32>> {
        rec.query(key)
            .map(|v| {
                v.parse()
                    .map_err(|_| bad(format!("{key}={v} is not a number")))
            })
            .transpose()
    };
    let body = |key: &str| -> Option<&Value> { rec.request.body.as_ref()?.get(key) };
    let text = |key: &str| body(key).and_then(Value::as_str).map(str::to_owned);
    let need = |key: &str| text(key).ok_or_else(|| bad(format!("the body has no {key}")));
    let amount = |key: &str| -> Result<Option<Amount>> {
        body(key)
            .map(|v| {
                serde_json::from_value::<Amount>(v.clone())
                    .map_err(|e| bad(format!("{key} is not an amount: {e}")))
            })
            .transpose()
    };
    let need_amount = |key: &str| amount(key)?.ok_or_else(|| bad(format!("the body has no {key}")));
    #[cfg(feature = "billing")]
    let time = |key: &str| -> Result<UnixTime> {
        rec.query(key)
            .and_then(|v| v.parse().ok())
            .or_else(|| body(key).and_then(Value::as_i64))
            .map(UnixTime::from_secs)
            .ok_or_else(|| bad(format!("the request has no time {key}")))
    };
    let page = number("page")?;
    let limit = number("limit")?;
    let sorting = rec.query("sorting").map(Sorting::from);

    match rec.operation.as_str() {
        "get_payment" => {
            let id = seg_at(1)?;
            if rec.query("include_sandbox") == Some("true") {
                to_json(client.payment_including_sandbox(&id).await)
            } else if rec.query("extension") == Some("true") {
                to_json(client.payment_with_extension(&id).await)
            } else {
                to_json(client.payment(&id).await)
            }
        }
        "get_payments" => {
            let batch = client
                .payments()
                .imp_uids(rec.query_all("imp_uid[]"))
                .merchant_uids(rec.query_all("merchant_uid[]"))
                .send()
                .await?;
            to_json(Ok(batch.payments))
        }
        "get_payments_by_status" => {
            let mut b =
                client.payments_by_status(crate::PaymentStatusFilter::from(seg_at(2)?.as_str()));
            b = set(b, page, |b, p| b.page(p));
            b = set(b, limit, |b, l| b.limit(l));
            b = set(b, sorting, |b, s| b.sorting(s));
            to_json(b.send().await)
        }
        "find_payment" | "find_payment_by_status" => {
            let mut b = client.find_payment(seg_at(2)?);
            b = set(b, seg.get(3), |b, s| {
                b.status(PaymentStatus::from(s.as_str()))
            });
            b = set(b, sorting, |b, s| b.sorting(s));
            to_json(b.send().await)
        }
        "find_all_payments" | "find_all_payments_by_status" => {
            let mut b = client.find_all_payments(seg_at(2)?);
            b = set(b, seg.get(3), |b, s| {
                b.status(PaymentStatus::from(s.as_str()))
            });
            b = set(b, page, |b, p| b.page(p));
            b = set(b, limit, |b, l| b.limit(l));
            b = set(b, sorting, |b, s| b.sorting(s));
            to_json(b.send().await)
        }
        "get_payment_balance" => to_json(client.payment_balance(&seg_at(1)?).await),
        "cancel_payment" => {
            let mut b = client.cancel_payment();
            b = set(b, text("imp_uid"), |b, v| b.imp_uid(v));
            b = set(b, text("merchant_uid"), |b, v| b.merchant_uid(v));
            // A recorded cancel without an amount is a full one.
            b = match amount("amount")? {
                Some(v) => b.amount(v),
                None => b.full(),
            };
            b = set(b, amount("checksum")?, |b, v| b.checksum(v));
            b = set(b, text("reason"), |b, v| b.reason(v));
            // A refund pending approval: the payment as answered.
            to_json(match b.send().await {
                Err(Error::RefundPending { payment, .. }) => Ok(*payment),
                other => other,
            })
        }
        "prepare_payment" | "update_prepared_payment" => {
            let uid = need("merchant_uid")?;
            let amt = need_amount("amount")?;
            let mut b = if rec.operation == "prepare_payment" {
                client.prepare_payment(uid, amt)
            } else {
                client.update_prepared_payment(uid, amt)
            };
            b = set(b, text("currency"), |b, c| b.currency(c.as_str().into()));
            to_json(b.send().await)
        }
        "get_prepared_payment" => to_json(client.prepared_payment(&seg_at(2)?).await),
        #[cfg(feature = "codes")]
        "get_banks" => to_json(client.banks().await),
        #[cfg(feature = "codes")]
        "get_bank" => to_json(client.bank(&seg_at(1)?).await),
        #[cfg(feature = "codes")]
        "get_cards" => to_json(client.cards().await),
        #[cfg(feature = "codes")]
        "get_card" => to_json(client.card(&seg_at(1)?).await),
        #[cfg(feature = "certifications")]
        "get_certification" => to_json(client.certification(&seg_at(1)?).await),
        #[cfg(feature = "certifications")]
        "delete_certification" => to_json(client.delete_certification(&seg_at(1)?).await),
        #[cfg(feature = "certifications")]
        "request_certification_otp" => {
            to_json(client.request_certification_otp(body_as(rec)?).await)
        }
        #[cfg(feature = "certifications")]
        "confirm_certification_otp" => to_json(
            client
                .confirm_certification_otp(&seg_at(3)?, need("otp")?)
                .await,
        ),
        #[cfg(feature = "vbanks")]
        "issue_vbank" => to_json(client.issue_vbank(body_as(rec)?).await),
        #[cfg(feature = "vbanks")]
        "update_vbank" => to_json(client.update_vbank(&seg_at(1)?, body_as(rec)?).await),
        #[cfg(feature = "vbanks")]
        "revoke_vbank" => to_json(client.revoke_vbank(&seg_at(1)?).await),
        #[cfg(feature = "escrow")]
        "get_escrow_shipping" => to_json(client.escrow_shipping(&seg_at(2)?).await),
        #[cfg(feature = "escrow")]
        "register_escrow_shipping" => to_json(
            client
                .register_escrow_shipping(&seg_at(2)?, body_as(rec)?)
                .await,
        ),
        #[cfg(feature = "escrow")]
        "update_escrow_shipping" => to_json(
            client
                .update_escrow_shipping(&seg_at(2)?, body_as(rec)?)
                .await,
        ),
        #[cfg(feature = "cvs")]
        "issue_cvs_payment" => to_json(client.issue_cvs_payment(body_as(rec)?).await),
        #[cfg(feature = "cvs")]
        "revoke_cvs_payment" => to_json(client.revoke_cvs_payment(&seg_at(1)?).await),
        #[cfg(feature = "account")]
        "get_tier" => to_json(client.tier(&seg_at(1)?).await),
        #[cfg(feature = "account")]
        "get_pg_settings" => to_json(client.pg_settings().await),
        #[cfg(feature = "partners")]
        "issue_partner_receipts" => to_json(
            client
                .issue_partner_receipts(&seg_at(2)?, body_as(rec)?)
                .await,
        ),
        #[cfg(feature = "naver")]
        "get_naver_reviews" => {
            let at = |k: &str| {
                rec.query(k)
                    .and_then(|v| v.parse().ok())
                    .map(UnixTime::from_secs)
                    .ok_or_else(|| bad(format!("the query has no time {k}")))
            };
            let kind = crate::NaverReviewType::from(rec.query("review_type").unwrap_or_default());
            let key = rec.query("channel_key").unwrap_or_default();
            to_json(
                client
                    .naver()
                    .reviews(key, at("from")?, at("to")?, kind)
                    .await,
            )
        }
        #[cfg(feature = "naver")]
        "get_naver_product_order" => to_json(client.naver().product_order(&seg_at(2)?).await),
        #[cfg(feature = "naver")]
        "get_naver_product_orders" => to_json(client.naver().product_orders(&seg_at(1)?).await),
        #[cfg(feature = "naver")]
        "get_naver_cash_amount" => to_json(client.naver().cash_amount(&seg_at(1)?).await),
        #[cfg(feature = "naver")]
        "confirm_naver_payment" => {
            to_json(client.naver().confirm(&seg_at(1)?, body_as(rec)?).await)
        }
        #[cfg(feature = "naver")]
        "deposit_naver_point" => to_json(client.naver().deposit_point(&seg_at(1)?).await),
        #[cfg(feature = "naver")]
        op if op.ends_with("_naver_orders")
            || op.ends_with("_naver_cancel")
            || op.ends_with("_naver_return")
            || op.ends_with("_naver_exchange") =>
        {
            let naver = client.naver();
            let id = seg_at(1)?;
            let change = match op {
                "place_naver_orders" => naver.place(&id, body_as(rec)?).await,
                "ship_naver_orders" => naver.ship(&id, body_as(rec)?).await,
                "cancel_naver_orders" => naver.cancel(&id, body_as(rec)?).await,
                "approve_naver_cancel" => naver.approve_cancel(&id, body_as(rec)?).await,
                "request_naver_return" => naver.request_return(&id, body_as(rec)?).await,
                "approve_naver_return" => naver.approve_return(&id, body_as(rec)?).await,
                "reject_naver_return" => naver.reject_return(&id, body_as(rec)?).await,
                "withhold_naver_return" => naver.withhold_return(&id, body_as(rec)?).await,
                "resolve_naver_return" => naver.resolve_return(&id, body_as(rec)?).await,
                "collect_naver_exchange" => naver.collect_exchanged(&id, body_as(rec)?).await,
                "ship_naver_exchange" => naver.ship_exchanged(&id, body_as(rec)?).await,
                other => return Err(bad(format!("no client method for operation {other:?}"))),
            };
            to_json(change.map(|c| c.changed))
        }
        #[cfg(feature = "kcpquick")]
        "pay_kcpquick_money" => to_json(declined(
            client.kcp_quick().pay_with_money(body_as(rec)?).await,
        )),
        #[cfg(feature = "kcpquick")]
        "pay_kcpquick_autopay" => to_json(declined(
            client.kcp_quick().pay_with_autopay_key(body_as(rec)?).await,
        )),
        #[cfg(feature = "kcpquick")]
        "prepare_kcpquick_payment" => {
            let done = client.kcp_quick().prepare(&seg_at(2)?, body_as(rec)?).await;
            to_json(done.map(|()| serde_json::json!({})))
        }
        #[cfg(feature = "kcpquick")]
        "update_kcpquick_prepared_payment" => {
            let done = client
                .kcp_quick()
                .update_prepared(&seg_at(2)?, body_as(rec)?)
                .await;
            to_json(done.map(|()| serde_json::json!({})))
        }
        #[cfg(feature = "kcpquick")]
        "release_kcpquick_fido" => {
            let key = need("channel_key")?;
            to_json(client.kcp_quick().release_fido(&seg_at(2)?, key).await)
        }
        #[cfg(feature = "kcpquick")]
        "delete_kcpquick_member" => {
            let q = |k: &str| rec.query(k).unwrap_or_default();
            let member = client
                .kcp_quick()
                .delete_member(
                    &seg_at(2)?,
                    q("site_code"),
                    q("partner_type"),
                    q("partner_subtype"),
                )
                .await;
            to_json(member)
        }
        #[cfg(feature = "kcpquick")]
        "delete_kcpquick_autopay_key" => {
            to_json(client.kcp_quick().delete_autopay_key(&seg_at(2)?).await)
        }
        #[cfg(feature = "payco")]
        "update_payco_order_status" => {
            let status = crate::PaycoOrderStatus::from(need("status")?.as_str());
            let now = client
                .payco()
                .update_order_status(&seg_at(3)?, status)
                .await;
            to_json(now.map(|status| serde_json::json!({ "status": status })))
        }
        #[cfg(feature = "paymentwall")]
        "register_paymentwall_delivery" => {
            // Paymentwall's refusal inside a success answer: the answer as sent.
            to_json(
                match client.paymentwall().register_delivery(body_as(rec)?).await {
                    Err(Error::PgRejected { answer, .. }) => Ok(*answer),
                    other => {
                        other.and_then(|a| serde_json::to_value(a).map_err(|e| bad(e.to_string())))
                    }
                },
            )
        }
        #[cfg(feature = "benepia")]
        "get_benepia_point" => {
            let point = client
                .benepia()
                .point(
                    need("benepia_user")?,
                    need("benepia_password")?,
                    need("channel_key")?,
                )
                .await;
            to_json(point.map(|point| serde_json::json!({ "point": point })))
        }
        #[cfg(feature = "benepia")]
        "pay_benepia_point" => to_json(declined(client.benepia().pay(body_as(rec)?).await)),
        #[cfg(feature = "receipts")]
        "get_receipt" => to_json(client.receipt(&seg_at(1)?).await),
        #[cfg(feature = "receipts")]
        "revoke_receipt" => to_json(client.revoke_receipt(&seg_at(1)?).await),
        #[cfg(feature = "receipts")]
        "issue_receipt" => to_json(client.issue_receipt(&seg_at(1)?, body_as(rec)?).await),
        #[cfg(feature = "receipts")]
        "get_external_receipt" => to_json(client.external_receipt(&seg_at(2)?).await),
        #[cfg(feature = "receipts")]
        "revoke_external_receipt" => to_json(client.revoke_external_receipt(&seg_at(2)?).await),
        #[cfg(feature = "receipts")]
        "issue_external_receipt" => {
            let request = body_as(rec)?;
            to_json(client.issue_external_receipt(&seg_at(2)?, request).await)
        }
        #[cfg(feature = "billing")]
        "issue_billing_key" => to_json(client.issue_billing_key(&seg_at(2)?, body_as(rec)?).await),
        #[cfg(feature = "billing")]
        "get_billing_key" => to_json(client.billing_key(&seg_at(2)?).await),
        #[cfg(feature = "billing")]
        "delete_billing_key" => {
            let mut b = client.delete_billing_key(seg_at(2)?);
            b = set(b, rec.query("reason"), |b, r| b.reason(r));
            b = set(b, rec.query("extra[requester]"), |b, r| {
                b.requester(CancelRequester::from(r))
            });
            to_json(b.send().await)
        }
        #[cfg(feature = "billing")]
        "get_billing_keys" => {
            let batch = client.billing_keys(rec.query_all("customer_uid[]")).await?;
            to_json(Ok(batch.keys))
        }
        #[cfg(feature = "billing")]
        "get_billing_key_payments" => {
            let b = set(client.billing_key_payments(seg_at(2)?), page, |b, p| {
                b.page(p)
            });
            to_json(b.send().await)
        }
        #[cfg(feature = "billing")]
        "get_billing_key_schedules" | "get_customer_schedules" => {
            let (from, to) = (time("from")?, time("to")?);
            let mut b = if rec.operation == "get_billing_key_schedules" {
                client.billing_key_schedules(seg_at(2)?, from, to)
            } else {
                client.customer_schedules(seg_at(4)?, from, to)
            };
            b = set(b, page, |b, p| b.page(p));
            b = set(b, rec.query("schedule-status"), |b, s| {
                b.status(ScheduleStatus::from(s))
            });
            to_json(b.send().await)
        }
        #[cfg(feature = "billing")]
        "charge_billing_key" => to_json(declined(client.charge_billing_key(body_as(rec)?).await)),
        #[cfg(feature = "billing")]
        "charge_onetime" => to_json(declined(client.charge_onetime(body_as(rec)?).await)),
        #[cfg(feature = "billing")]
        "schedule_payments" => to_json(client.schedule_payments(body_as(rec)?).await),
        #[cfg(feature = "billing")]
        "unschedule_payments" => {
            let request: crate::types::UnscheduleRequest = body_as(rec)?;
            // A recorded request without order ids revoked every schedule of its key.
            match (&request.merchant_uid, &request.customer_uid) {
                (None, Some(key)) => to_json(client.unschedule_all_payments(key).await),
                _ => to_json(client.unschedule_payments(request).await),
            }
        }
        #[cfg(feature = "billing")]
        "get_schedules" => {
            let mut b = client.schedules(time("schedule_from")?, time("schedule_to")?);
            b = set(b, rec.query("schedule_status"), |b, s| {
                b.status(ScheduleStatus::from(s))
            });
            b = set(b, page, |b, p| b.page(p));
            b = set(b, limit, |b, l| b.limit(l));
            b = set(b, rec.query("sorting"), |b, s| {
                b.sorting(ScheduleSorting::from(s))
            });
            to_json(b.send().await)
        }
        #[cfg(feature = "billing")]
        "get_schedule" => to_json(client.schedule(&seg_at(3)?).await),
        #[cfg(feature = "billing")]
        "update_schedule" => to_json(
            client
                .move_schedule(&seg_at(3)?, time("schedule_at")?)
                .await,
        ),
        #[cfg(feature = "billing")]
        "reschedule_schedule" => to_json(
            client
                .reschedule_payment(&seg_at(3)?, time("schedule_at")?)
                .await,
        ),
        #[cfg(feature = "billing")]
        "retry_schedule" => to_json(declined(client.retry_schedule(&seg_at(3)?).await)),
        other => Err(bad(format!("no client method for operation {other:?}"))),
    }
}
