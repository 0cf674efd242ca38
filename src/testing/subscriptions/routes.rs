//! The requests the billing state answers, and how it answers them.

use httpmock::HttpMockRequest;
use serde_json::{Value, json};

use super::Ledger;
use crate::{
    Schedule, ScheduleStatus,
    testing::{billing_key, mock::envelope, schedule, state::cancel as cancelled},
    types::{
        BillingKey, BillingKeyRequest, CancelRequest, ChargeBillingKeyRequest, SchedulePage,
        ScheduleRequest, UnscheduleRequest,
    },
};

/// What a request asks the ledger for.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Route {
    Key(String),
    IssueKey(String),
    DeleteKey(String),
    Charge,
    Schedule,
    Unschedule,
    ScheduleOf(String),
    Schedules,
    KeySchedules(String),
    Payment(String),
    Cancel(usize),
}

/// The route of `req`, when the ledger answers it.
pub(super) fn route(ledger: &Ledger, req: &HttpMockRequest) -> Option<Route> {
    let uri = req.uri();
    let segments: Vec<String> = uri
        .path()
        .trim_start_matches('/')
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let method = req.method_str().to_ascii_uppercase();
    Some(match (method.as_str(), segments.as_slice()) {
        ("GET", ["subscribe", "customers", uid]) => Route::Key((*uid).to_owned()),
        ("POST", ["subscribe", "customers", uid]) => Route::IssueKey((*uid).to_owned()),
        ("DELETE", ["subscribe", "customers", uid]) => Route::DeleteKey((*uid).to_owned()),
        ("GET", ["subscribe", "customers", uid, "schedules"])
        | ("GET", ["subscribe", "payments", "schedule", "customers", uid]) => {
            Route::KeySchedules((*uid).to_owned())
        }
        ("POST", ["subscribe", "payments", "again"]) => Route::Charge,
        ("POST", ["subscribe", "payments", "schedule"]) => Route::Schedule,
        ("POST", ["subscribe", "payments", "unschedule"]) => Route::Unschedule,
        ("GET", ["subscribe", "payments", "schedule"]) => Route::Schedules,
        ("GET", ["subscribe", "payments", "schedule", merchant_uid]) => {
            Route::ScheduleOf((*merchant_uid).to_owned())
        }
        ("GET", ["payments", imp_uid]) if ledger.payments.iter().any(|p| p.imp_uid == *imp_uid) => {
            Route::Payment((*imp_uid).to_owned())
        }
        ("POST", ["payments", "cancel"]) => {
            let body: CancelRequest = serde_json::from_slice(req.body_ref()).ok()?;
            let i =
                ledger
                    .payments
                    .iter()
                    .position(|p| match (&body.imp_uid, &body.merchant_uid) {
                        (Some(imp), _) => *imp == p.imp_uid,
                        (None, Some(merchant)) => *merchant == p.merchant_uid,
                        (None, None) => false,
                    })?;
            Route::Cancel(i)
        }
        _ => return None,
    })
}

/// An error envelope.
pub(super) fn refusal(status: u16, code: i64, message: &str) -> (u16, Value) {
    (
        status,
        json!({"code": code, "message": message, "response": null}),
    )
}

fn unknown_key(uid: &str) -> (u16, Value) {
    let message = format!("요청하신 customer_uid({uid})로 등록된 정보를 찾을 수 없습니다.");
    refusal(200, 1, &message)
}

fn ok<T: serde::Serialize + ?Sized>(payload: &T) -> (u16, Value) {
    (200, envelope(payload))
}

/// The body of `req` as `T`, or the refusal of a body that is not one.
fn body<T: serde::de::DeserializeOwned>(req: &HttpMockRequest) -> Result<T, (u16, Value)> {
    serde_json::from_slice(req.body_ref())
        .map_err(|e| refusal(400, -1, &format!("not a valid body: {e}")))
}

/// The query parameter `name`, if the request has it.
fn param(req: &HttpMockRequest, name: &str) -> Option<String> {
    req.query_params()
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// The answer of the ledger to `req`, changing it as the server would.
pub(super) fn serve(ledger: &mut Ledger, route: Route, req: &HttpMockRequest) -> (u16, Value) {
    let answer = match route {
        Route::Key(uid) => match ledger.keys.get(&uid) {
            Some(key) => Ok(ok(key)),
            None => Ok(unknown_key(&uid)),
        },
        Route::IssueKey(uid) => body::<BillingKeyRequest>(req).map(|card| {
            let key = match billing_key(uid.clone()) {
                BillingKey::StandardBillingKey(mut k) => {
                    k.customer_id = card.customer_id.or(k.customer_id);
                    k.inserted = ledger.now();
                    k.updated = ledger.now();
                    BillingKey::StandardBillingKey(k)
                }
                other => other,
            };
            ledger.keys.insert(uid, key.clone());
            ok(&key)
        }),
        Route::DeleteKey(uid) => Ok(match ledger.keys.remove(&uid) {
            Some(key) => ok(&key),
            None => unknown_key(&uid),
        }),
        Route::Charge => body::<ChargeBillingKeyRequest>(req).map(|charge| {
            if !ledger.keys.contains_key(&charge.customer_uid) {
                refusal(200, 1, "등록되지 않은 구매자입니다.")
            } else if ledger
                .payments
                .iter()
                .any(|p| p.merchant_uid == charge.merchant_uid)
            {
                refusal(
                    200,
                    1,
                    "이미 주문이 이루어진 건입니다. (동일한 merchant_uid로 결제 또는 취소된 기록이 있습니다)",
                )
            } else {
                let p = ledger.charge(
                    &charge.customer_uid,
                    &charge.merchant_uid,
                    charge.amount,
                    Some(&charge.name),
                );
                ok(&p)
            }
        }),
        Route::Schedule => body::<ScheduleRequest>(req).map(|request| {
            if !ledger.keys.contains_key(&request.customer_uid) {
                return refusal(200, 1, "등록된 고객정보가 없습니다.");
            }
            let taken = request.schedules.iter().find(|e| {
                ledger
                    .schedules
                    .iter()
                    .any(|s| s.merchant_uid == e.merchant_uid)
            });
            if let Some(e) = taken {
                let message = format!("이미 예약된 merchant_uid입니다. ({})", e.merchant_uid);
                return refusal(200, 1, &message);
            }
            let made: Vec<Schedule> = request
                .schedules
                .iter()
                .map(|e| {
                    let mut s = schedule(
                        e.merchant_uid.clone(),
                        request.customer_uid.clone(),
                        e.schedule_at,
                        e.amount,
                    );
                    s.name = e.name.clone().or(s.name);
                    s.customer_id = request.customer_id.clone().or(s.customer_id);
                    s
                })
                .collect();
            ledger.schedules.extend(made.iter().cloned());
            ok(&made)
        }),
        Route::Unschedule => body::<UnscheduleRequest>(req).map(|request| {
            let now = ledger.now();
            let named = request.merchant_uid.unwrap_or_default();
            let revoked: Vec<Schedule> = ledger
                .schedules
                .iter_mut()
                .filter(|s| {
                    s.schedule_status == ScheduleStatus::Scheduled
                        && request
                            .customer_uid
                            .as_ref()
                            .is_none_or(|uid| *uid == s.customer_uid)
                        && (named.is_empty() || named.contains(&s.merchant_uid))
                })
                .map(|s| {
                    s.schedule_status = ScheduleStatus::Revoked;
                    s.revoked_at = Some(now);
                    s.clone()
                })
                .collect();
            if revoked.is_empty() {
                refusal(200, 1, "취소할 예약결제 기록이 존재하지 않습니다.")
            } else {
                ok(&revoked)
            }
        }),
        Route::ScheduleOf(merchant_uid) => Ok(
            match ledger
                .schedules
                .iter()
                .find(|s| s.merchant_uid == merchant_uid)
            {
                Some(s) => ok(s),
                None => refusal(404, -1, "존재하지 않는 결제예약입니다."),
            },
        ),
        Route::Schedules => Ok(page(ledger, None, req, Params::ALL_KEYS)),
        Route::KeySchedules(uid) => Ok(page(ledger, Some(&uid), req, Params::ONE_KEY)),
        Route::Payment(imp_uid) => Ok(match ledger.payments.iter().find(|p| p.imp_uid == imp_uid)
        {
            Some(p) => ok(p),
            None => refusal(404, -1, "존재하지 않는 결제정보입니다."),
        }),
        Route::Cancel(i) => Ok(match cancelled(&ledger.payments[i], req) {
            Ok(after) => {
                ledger.payments[i] = after;
                ok(&ledger.payments[i])
            }
            Err(message) => refusal(200, 1, &message),
        }),
    };
    answer.unwrap_or_else(|refused| refused)
}

/// The names of a schedule listing's parameters: the window's ends and the status filter.
struct Params {
    from: &'static str,
    to: &'static str,
    status: &'static str,
}

impl Params {
    /// `GET /subscribe/payments/schedule`.
    const ALL_KEYS: Params = Params {
        from: "schedule_from",
        to: "schedule_to",
        status: "schedule_status",
    };
    /// The two listings of one key.
    const ONE_KEY: Params = Params {
        from: "from",
        to: "to",
        status: "schedule-status",
    };
}

/// One page of the schedules of `customer_uid` (or of every key) in the request's window:
/// `schedule_at` from its start (inclusive) to its end (exclusive), in the state the status
/// parameter names, latest first (earliest first with `sorting=scheduled`).
fn page(
    ledger: &Ledger,
    customer_uid: Option<&str>,
    req: &HttpMockRequest,
    names: Params,
) -> (u16, Value) {
    let secs = |name: &str| param(req, name).and_then(|v| v.parse::<i64>().ok());
    let (Some(from), Some(to)) = (secs(names.from), secs(names.to)) else {
        return refusal(400, -1, "the window's start and end are required");
    };
    let status = param(req, names.status).map(|s| ScheduleStatus::from(s.as_str()));
    let mut list: Vec<&Schedule> = ledger
        .schedules
        .iter()
        .filter(|s| customer_uid.is_none_or(|uid| s.customer_uid == uid))
        .filter(|s| (from..to).contains(&s.schedule_at.as_secs()))
        .filter(|s| status.as_ref().is_none_or(|st| s.schedule_status == *st))
        .collect();
    list.sort_by_key(|s| s.schedule_at);
    if param(req, "sorting").as_deref() != Some("scheduled") {
        list.reverse();
    }
    let limit = param(req, "limit")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(20)
        .max(1);
    let number = param(req, "page")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let pages = list.len().div_ceil(limit);
    let page = SchedulePage {
        total: list.len() as u64,
        previous: if number > 1 { (number - 1) as u32 } else { 0 },
        next: if number < pages {
            (number + 1) as u32
        } else {
            0
        },
        list: list
            .into_iter()
            .skip((number - 1) * limit)
            .take(limit)
            .cloned()
            .collect(),
    };
    ok(&page)
}
