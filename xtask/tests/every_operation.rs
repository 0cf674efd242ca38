//! Every operation that carries an id refuses a malformed one before sending anything: each
//! recording's request, with every id in it (path, query and body) made too long, goes
//! through the client's own method for its operation, against a mock that counts every
//! request it gets.

use std::path::Path;

use iamport::{
    RetryPolicy,
    testing::{MockIamport, RECORDED_AT, Recording, call},
};
use serde_json::Value;

/// Longer than any id the API accepts (`customer_uid`, the longest, is 80).
fn too_long() -> String {
    "x".repeat(81)
}

fn is_id(name: &str) -> bool {
    name.trim_end_matches("[]").ends_with("_uid")
}

/// Every `*_uid` value of a body, at any depth, made too long; how many there were.
fn spoil_body(value: &mut Value) -> usize {
    match value {
        Value::Object(map) => map
            .iter_mut()
            .map(|(k, v)| match v {
                Value::String(s) if is_id(k) => {
                    *s = too_long();
                    1
                }
                Value::Array(items) if is_id(k) => items
                    .iter_mut()
                    .map(|i| {
                        *i = Value::String(too_long());
                        1
                    })
                    .sum(),
                other => spoil_body(other),
            })
            .sum(),
        Value::Array(items) => items.iter_mut().map(spoil_body).sum(),
        _ => 0,
    }
}

/// The path templates of the spec's operations, by `operationId`.
fn templates() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let text = std::fs::read_to_string(root.join("spec/iamport.yaml")).unwrap();
    let spec: Value = serde_norway::from_str(&text).unwrap();
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for op in item.as_object().unwrap().values() {
            if let Some(id) = op["operationId"].as_str() {
                out.push((id.to_owned(), path.clone()));
            }
        }
    }
    out
}

/// The recording with every id in its request (path parameters named `*_uid`, query values and
/// body properties named `*_uid`) too long; how many ids were changed.
fn spoiled(rec: &Recording, template: &str) -> (Recording, usize) {
    let mut rec = rec.clone();
    let mut changed = 0;
    let wanted: Vec<&str> = template.trim_start_matches('/').split('/').collect();
    let mut sent: Vec<String> = rec
        .request
        .path
        .trim_start_matches('/')
        .split('/')
        .map(str::to_owned)
        .collect();
    assert_eq!(wanted.len(), sent.len(), "{}: {template}", rec.name);
    for (w, s) in wanted.iter().zip(sent.iter_mut()) {
        if let Some(name) = w.strip_prefix('{').and_then(|w| w.strip_suffix('}'))
            && is_id(name)
        {
            *s = too_long();
            changed += 1;
        }
    }
    rec.request.path = format!("/{}", sent.join("/"));
    for (k, v) in &mut rec.request.query {
        if is_id(k) {
            *v = too_long();
            changed += 1;
        }
    }
    if let Some(body) = &mut rec.request.body {
        changed += spoil_body(body);
    }
    (rec, changed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_refuses_a_malformed_id_before_sending() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let templates = templates();
    let mut checked = std::collections::BTreeSet::new();
    let mut without_ids = std::collections::BTreeSet::new();
    for rec in Recording::load_dir(root.join("spec/recordings")).unwrap() {
        if rec.operation == "get_token" {
            continue;
        }
        let template = &templates
            .iter()
            .find(|(id, _)| *id == rec.operation)
            .unwrap_or_else(|| panic!("{}: no such operation in the spec", rec.name))
            .1;
        let (bad, changed) = spoiled(&rec, template);
        if changed == 0 {
            without_ids.insert(rec.operation.clone());
            continue;
        }
        let mock = MockIamport::start().await;
        // Answers every request the client might send, token exchange included.
        let anything = mock.server().mock(|_, then| {
            then.status(500);
        });
        let client = mock
            .client_builder()
            .retry(RetryPolicy::none())
            .fixed_now(RECORDED_AT)
            .build()
            .unwrap();
        let err = call(&client, &bad)
            .await
            .expect_err(&format!("{}: a malformed id was accepted", rec.name));
        assert!(err.is_invalid_input(), "{}: {err}", rec.name);
        assert_eq!(anything.calls(), 0, "{}: something was sent", rec.name);
        assert_eq!(
            mock.token_mock().calls(),
            0,
            "{}: a token was fetched",
            rec.name
        );
        checked.insert(rec.operation.clone());
    }
    // The operations whose requests carry no `*_uid` at all: listings by status or by time,
    // the code tables, the account's settings, Naver's product orders and reviews, KCP quick
    // pay's members and Benepia's balance (their codes and ids have the spec's own limits,
    // checked by the generated client).
    assert_eq!(
        without_ids,
        [
            "delete_kcpquick_member",
            "get_bank",
            "get_banks",
            "get_benepia_point",
            "get_card",
            "get_cards",
            "get_naver_product_order",
            "get_naver_reviews",
            "get_payments_by_status",
            "get_pg_settings",
            "get_schedules",
            "get_tier",
            "release_kcpquick_fido",
        ]
        .map(String::from)
        .into_iter()
        .collect(),
        "operations seen without any id"
    );
    assert_eq!(checked.len(), 68, "{checked:?}");
}
