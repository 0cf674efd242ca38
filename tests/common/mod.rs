//! Helpers shared by the integration tests: a mock server with the token endpoint wired, a
//! client pointed at it, and recordings from `spec/recordings/`.
#![allow(dead_code)]

use std::path::PathBuf;

use httpmock::{Mock, MockServer};
use serde::Deserialize;
use serde_json::Value;

/// The key and secret of `get_token.ok.json`.
pub const KEY: &str = "imp_apikey";
pub const SECRET: &str = "imp_secret_value";
/// The token `get_token.ok.json` hands out.
pub const TOKEN: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";

#[derive(Debug, Clone, Deserialize)]
pub struct Recording {
    pub name: String,
    pub operation: String,
    pub description: String,
    pub request: RecordedRequest,
    pub response: RecordedResponse,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub query: Vec<(String, String)>,
    #[serde(default)]
    pub body: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RecordedResponse {
    pub status: u16,
    pub body: Value,
}

impl Recording {
    /// Whether the recording is a success: 2xx with `code` 0.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.response.status) && self.response.body["code"] == 0
    }
}

pub fn recordings_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("spec/recordings")
}

/// One recording by file stem, e.g. `get_payment.card_paid`.
pub fn recording(name: &str) -> Recording {
    let path = recordings_dir().join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut value: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    value["name"] = Value::String(name.to_owned());
    serde_json::from_value(value).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every recording, sorted by name.
pub fn all_recordings() -> Vec<Recording> {
    let mut names: Vec<String> = std::fs::read_dir(recordings_dir())
        .expect("spec/recordings exists")
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "json").then(|| p.file_stem()?.to_str().map(str::to_owned))?
        })
        .collect();
    names.sort();
    names.iter().map(|n| recording(n)).collect()
}

/// Serves the token endpoint with `get_token.ok.json` for the test credentials.
pub fn token_mock(server: &MockServer) -> Mock<'_> {
    serve_unauthenticated(server, &recording("get_token.ok"))
}

/// A client of `server` with the test credentials.
pub fn client(server: &MockServer) -> iamport::Client {
    iamport::Client::builder()
        .credentials(KEY, SECRET)
        .base_url(server.base_url())
        .build()
        .expect("client builds")
}

/// Serves a recording: matches method, path, every query pair, the JSON body if any, and the
/// bearer token of `get_token.ok.json`.
pub fn serve<'a>(server: &'a MockServer, rec: &Recording) -> Mock<'a> {
    mock(server, rec, Some(TOKEN))
}

/// Serves a recording without requiring a token (the token endpoint itself).
pub fn serve_unauthenticated<'a>(server: &'a MockServer, rec: &Recording) -> Mock<'a> {
    mock(server, rec, None)
}

fn mock<'a>(server: &'a MockServer, rec: &Recording, token: Option<&str>) -> Mock<'a> {
    let body = serde_json::to_vec(&rec.response.body).expect("json");
    serve_response(server, rec, token, rec.response.status, body)
}

/// Matches a recording's request (with `token` as bearer, or no `Authorization` at all) and
/// answers with the given status and raw body instead of the recorded ones.
pub fn serve_response<'a>(
    server: &'a MockServer,
    rec: &Recording,
    token: Option<&str>,
    status: u16,
    body: Vec<u8>,
) -> Mock<'a> {
    let rec = rec.clone();
    server.mock(|when, then| {
        let mut when = when
            .method(rec.request.method.as_str())
            .path(rec.request.path.clone());
        for (k, v) in &rec.request.query {
            when = when.query_param(k.clone(), v.clone());
        }
        if let Some(body) = &rec.request.body {
            when = when.json_body(body.clone());
        }
        match token {
            Some(t) => {
                when.header("authorization", format!("Bearer {t}"));
            }
            None => {
                when.header_missing("authorization");
            }
        }
        then.status(status)
            .header("content-type", "application/json; charset=UTF-8")
            .body(body);
    })
}

fn q<'r>(rec: &'r Recording, key: &str) -> Option<&'r str> {
    rec.request
        .query
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn segments(rec: &Recording) -> Vec<String> {
    rec.request
        .path
        .trim_start_matches('/')
        .split('/')
        .map(|s| s.replace("%20", " "))
        .collect()
}

fn body_str(rec: &Recording, key: &str) -> Option<String> {
    rec.request
        .body
        .as_ref()?
        .get(key)?
        .as_str()
        .map(str::to_owned)
}

fn body_amount(rec: &Recording, key: &str) -> Option<iamport::Amount> {
    let v = rec.request.body.as_ref()?.get(key)?;
    Some(serde_json::from_value(v.clone()).expect("amount"))
}

fn to_json<T: serde::Serialize>(r: iamport::Result<T>) -> iamport::Result<Value> {
    r.map(|v| serde_json::to_value(v).expect("payload serializes"))
}

/// Calls the `Client` method a recording belongs to, with the arguments the recording's request
/// carries, and returns the payload re-encoded as JSON.
pub async fn dispatch(client: &iamport::Client, rec: &Recording) -> iamport::Result<Value> {
    use iamport::{PaymentStatus, Sorting};
    let seg = segments(rec);
    let page = q(rec, "page").map(|p| p.parse::<u32>().expect("page"));
    let limit = q(rec, "limit").map(|p| p.parse::<u32>().expect("limit"));
    let sorting = q(rec, "sorting").map(Sorting::from);
    match rec.operation.as_str() {
        "get_payment" => {
            if q(rec, "include_sandbox") == Some("true") {
                to_json(client.payment_including_sandbox(&seg[1]).await)
            } else {
                to_json(client.payment(&seg[1]).await)
            }
        }
        "get_payments" => {
            let ids = |key: &str| -> Vec<String> {
                rec.request
                    .query
                    .iter()
                    .filter(|(k, _)| k == key)
                    .map(|(_, v)| v.clone())
                    .collect()
            };
            let batch = client
                .payments()
                .imp_uids(ids("imp_uid[]"))
                .merchant_uids(ids("merchant_uid[]"))
                .send()
                .await?;
            Ok(serde_json::to_value(&batch.payments).expect("json"))
        }
        "get_payments_by_status" => {
            let mut b =
                client.payments_by_status(iamport::PaymentStatusFilter::from(seg[2].as_str()));
            if let Some(p) = page {
                b = b.page(p);
            }
            if let Some(l) = limit {
                b = b.limit(l);
            }
            if let Some(s) = sorting {
                b = b.sorting(s);
            }
            to_json(b.send().await)
        }
        "find_payment" | "find_payment_by_status" => {
            let mut b = client.find_payment(seg[2].clone());
            if let Some(s) = seg.get(3) {
                b = b.status(PaymentStatus::from(s.as_str()));
            }
            if let Some(s) = sorting {
                b = b.sorting(s);
            }
            to_json(b.send().await)
        }
        "find_all_payments" | "find_all_payments_by_status" => {
            let mut b = client.find_all_payments(seg[2].clone());
            if let Some(s) = seg.get(3) {
                b = b.status(PaymentStatus::from(s.as_str()));
            }
            if let Some(p) = page {
                b = b.page(p);
            }
            if let Some(l) = limit {
                b = b.limit(l);
            }
            if let Some(s) = sorting {
                b = b.sorting(s);
            }
            to_json(b.send().await)
        }
        "get_payment_balance" => to_json(client.payment_balance(&seg[1]).await),
        "cancel_payment" => {
            let mut b = client.cancel_payment();
            if let Some(v) = body_str(rec, "imp_uid") {
                b = b.imp_uid(v);
            }
            if let Some(v) = body_str(rec, "merchant_uid") {
                b = b.merchant_uid(v);
            }
            if let Some(v) = body_amount(rec, "amount") {
                b = b.amount(v);
            }
            if let Some(v) = body_amount(rec, "checksum") {
                b = b.checksum(v);
            }
            if let Some(v) = body_str(rec, "reason") {
                b = b.reason(v);
            }
            to_json(b.send().await)
        }
        "prepare_payment" | "update_prepared_payment" => {
            let uid = body_str(rec, "merchant_uid").expect("merchant_uid");
            let amount = body_amount(rec, "amount").expect("amount");
            let mut b = if rec.operation == "prepare_payment" {
                client.prepare_payment(uid, amount)
            } else {
                client.update_prepared_payment(uid, amount)
            };
            if let Some(c) = body_str(rec, "currency") {
                b = b.currency(iamport::Currency::from(c.as_str()));
            }
            to_json(b.send().await)
        }
        "get_prepared_payment" => to_json(client.prepared_payment(&seg[2]).await),
        "get_receipt" => to_json(client.receipt(&seg[1]).await),
        "revoke_receipt" => to_json(client.revoke_receipt(&seg[1]).await),
        "issue_receipt" => {
            let mut b = client.issue_receipt(
                seg[1].clone(),
                body_str(rec, "identifier").expect("identifier"),
            );
            if let Some(v) = body_str(rec, "identifier_type") {
                b = b.identifier_type(v.as_str().into());
            }
            if let Some(v) = body_str(rec, "type") {
                b = b.receipt_type(v.as_str().into());
            }
            to_json(b.send().await)
        }
        "get_external_receipt" => to_json(client.external_receipt(&seg[2]).await),
        "revoke_external_receipt" => to_json(client.revoke_external_receipt(&seg[2]).await),
        "issue_external_receipt" => {
            let mut b = client.issue_external_receipt(
                seg[2].clone(),
                body_str(rec, "channel_key").expect("channel_key"),
                body_str(rec, "name").expect("name"),
                body_amount(rec, "amount").expect("amount"),
                body_str(rec, "identifier").expect("identifier"),
            );
            if let Some(v) = body_str(rec, "identifier_type") {
                b = b.identifier_type(v.as_str().into());
            }
            if let Some(v) = body_str(rec, "type") {
                b = b.receipt_type(v.as_str().into());
            }
            if let Some(v) = body_str(rec, "pay_method") {
                b = b.pay_method(v.as_str().into());
            }
            to_json(b.send().await)
        }
        other => panic!("no client method for operation {other}"),
    }
}

/// Asserts that every key `expected` has (recursively) is in `actual` with the same value, and
/// returns the paths that differ.
pub fn differences(expected: &Value, actual: &Value, path: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => differences(ev, av, &format!("{path}/{k}"), out),
                    None => out.push(format!("{path}/{k}: missing")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!("{path}: {} items, expected {}", a.len(), e.len()));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                differences(ev, av, &format!("{path}/{i}"), out);
            }
        }
        (Value::Null, Value::Array(a)) if a.is_empty() => {}
        (e, a) if e == a => {}
        (e, a) => out.push(format!("{path}: {a} != expected {e}")),
    }
}
