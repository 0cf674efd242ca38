//! The differences between the official operations and the spec's, one stable key each.
//!
//! A key is `<kind> <METHOD> <path> <where>: <what>`, with the official path (the spec's own
//! for an operation the official file lacks) and the spec's path parameters renamed to the
//! official names by position:
//!
//! - `operation GET /banks: official has, spec lacks`
//! - `parameter GET /payments/{imp_uid} query.include_sandbox: official has, spec lacks`
//! - `request-field POST /payments/cancel body.extra.requester: spec has, official lacks`
//! - `response-field GET /payments/{imp_uid} response.promotion.id: official has, spec lacks`
//! - `required POST /payments/prepare body.currency: spec requires, official does not`
//! - `type GET /receipts/{imp_uid} response.amount: official integer, spec number`
//! - `enum GET /payments/{imp_uid} response.pay_method: official has culturegift, spec lacks`
//! - `enum ... query.sorting: spec lists values, official lists none`
//! - `status GET /payments/{imp_uid}/balance 405: spec has, official lacks`

use std::collections::{BTreeMap, BTreeSet};

use super::model::{Fact, Operation, Operations, path_names};

/// Every difference between `official` and `spec`, sorted.
pub(crate) fn differences(official: &Operations, spec: &Operations) -> Vec<String> {
    let mut out = Vec::new();
    for (key, o) in official {
        let method = &key.0;
        match spec.get(key) {
            None => out.push(format!(
                "operation {method} {}: official has, spec lacks",
                o.path
            )),
            Some(s) => operation(method, o, s, &mut out),
        }
    }
    for (key, s) in spec {
        if !official.contains_key(key) {
            out.push(format!(
                "operation {} {}: spec has, official lacks",
                key.0, s.path
            ));
        }
    }
    out.sort();
    out.dedup();
    out
}

fn operation(method: &str, o: &Operation, s: &Operation, out: &mut Vec<String>) {
    let at = format!("{method} {}", o.path);
    let params = renamed(&s.params, &path_names(&s.path), &path_names(&o.path));
    facts("parameter", &at, &o.params, &params, out);
    facts("request-field", &at, &o.request, &s.request, out);
    facts("response-field", &at, &o.response, &s.response, out);
    for status in o.statuses.difference(&s.statuses) {
        out.push(format!("status {at} {status}: official has, spec lacks"));
    }
    for status in s.statuses.difference(&o.statuses) {
        out.push(format!("status {at} {status}: spec has, official lacks"));
    }
}

/// The spec's parameters with its path parameter names replaced by the official ones at the
/// same position (`{customer_uid}` and `{customerUid}` name the same segment).
fn renamed(
    params: &BTreeMap<String, Fact>,
    ours: &[&str],
    theirs: &[&str],
) -> BTreeMap<String, Fact> {
    params
        .iter()
        .map(|(key, fact)| {
            let key = ours
                .iter()
                .zip(theirs)
                .find_map(|(our, their)| {
                    let rest = key.strip_prefix("path.")?.strip_prefix(our)?;
                    (rest.is_empty() || rest.starts_with(['[', '.']))
                        .then(|| format!("path.{their}{rest}"))
                })
                .unwrap_or_else(|| key.clone());
            (key, fact.clone())
        })
        .collect()
}

fn facts(
    presence: &str,
    at: &str,
    official: &BTreeMap<String, Fact>,
    spec: &BTreeMap<String, Fact>,
    out: &mut Vec<String>,
) {
    // Below a place whose type differs (an array on one side, a page object on the other)
    // nothing lines up: the type difference stands for the places below it.
    let retyped: Vec<&String> = official
        .iter()
        .filter(|(place, o)| {
            spec.get(*place)
                .is_some_and(|s| o.ty.is_some() && s.ty.is_some() && o.ty != s.ty)
        })
        .map(|(place, _)| place)
        .collect();
    let below_retyped = |place: &str| {
        retyped.iter().any(|r| {
            place
                .strip_prefix(r.as_str())
                .is_some_and(|rest| rest.starts_with(['.', '[']))
        })
    };
    for (place, o) in official {
        if below_retyped(place) {
            continue;
        }
        match spec.get(place) {
            None => out.push(format!("{presence} {at} {place}: official has, spec lacks")),
            Some(s) => fact(&format!("{at} {place}"), o, s, out),
        }
    }
    for place in spec.keys() {
        if !official.contains_key(place) && !below_retyped(place) {
            out.push(format!("{presence} {at} {place}: spec has, official lacks"));
        }
    }
}

/// A type as the key writes it, with the format when the official file gives one (the spec's
/// own formats, `int64`, `uint32`, `password`, refine a type the official file leaves bare).
fn type_text(ty: Option<&String>, format: Option<&String>) -> String {
    let ty = ty.map_or("untyped", String::as_str);
    match format {
        Some(f) => format!("{ty} ({f})"),
        None => ty.to_owned(),
    }
}

fn fact(at: &str, o: &Fact, s: &Fact, out: &mut Vec<String>) {
    match (o.required, s.required) {
        (true, false) => out.push(format!("required {at}: official requires, spec does not")),
        (false, true) => out.push(format!("required {at}: spec requires, official does not")),
        _ => {}
    }
    let theirs = type_text(o.ty.as_ref(), o.format.as_ref());
    let ours = type_text(s.ty.as_ref(), o.format.as_ref().and(s.format.as_ref()));
    if theirs != ours {
        out.push(format!("type {at}: official {theirs}, spec {ours}"));
    }
    match (&o.values, &s.values) {
        (Some(theirs), Some(ours)) => {
            let (theirs, ours): (&BTreeSet<String>, &BTreeSet<String>) = (theirs, ours);
            for v in theirs.difference(ours) {
                out.push(format!("enum {at}: official has {v}, spec lacks"));
            }
            for v in ours.difference(theirs) {
                out.push(format!("enum {at}: spec has {v}, official lacks"));
            }
        }
        (Some(_), None) => out.push(format!("enum {at}: official lists values, spec lists none")),
        (None, Some(_)) => out.push(format!("enum {at}: spec lists values, official lists none")),
        (None, None) => {}
    }
}
