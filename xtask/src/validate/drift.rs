//! Check 5: each hand-written open enum lists exactly the values of its spec component.
//!
//! The Rust side is read from the enums' `schemars::JsonSchema`, the same schema users see.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Finding, SPEC_FILE, spec::Spec};
use crate::codegen;

macro_rules! rust_enums {
    ($($name:ident),+ $(,)?) => {
        /// Every public open enum of the crate with the values its JSON Schema lists.
        pub fn rust_enums() -> Vec<(&'static str, Vec<String>)> {
            vec![$((
                stringify!($name),
                values(&serde_json::to_value(schemars::schema_for!(iamport::$name)).unwrap_or_default()),
            )),+]
        }
    };
}

rust_enums!(
    PaymentStatus,
    PaymentStatusFilter,
    Sorting,
    PayMethod,
    Channel,
    Currency,
    ReceiptType,
    IdentifierType,
    ProductType,
    CancelRequester,
    ExternalPayMethod,
    ScheduleStatus,
    ScheduleSorting,
    CashReceiptType,
);

fn values(schema: &Value) -> Vec<String> {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .map(|vs| {
            vs.iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The values of an enum component: its own `enum`, or, for an open enum written as
/// `anyOf: [{type: string, enum: [..]}, {type: string}]`, the `enum` of its listing branch.
fn enum_values(schema: &Value) -> Option<Vec<String>> {
    if schema.get("enum").is_some() {
        return Some(values(schema));
    }
    schema
        .get("anyOf")
        .and_then(Value::as_array)?
        .iter()
        .find(|branch| {
            branch
                .get("enum")
                .is_some_and(|e| !e.as_array().is_some_and(|e| e.iter().all(Value::is_null)))
        })
        .map(values)
}

pub(crate) fn drift(spec: &Spec) -> Vec<Finding> {
    drift_against(spec, &rust_enums())
}

/// Compares the spec's enum components with the given Rust enums and their values.
pub(crate) fn drift_against(spec: &Spec, rust: &[(&str, Vec<String>)]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut add =
        |pointer: String, reason: String| out.push(Finding::new(SPEC_FILE, pointer, reason));
    let components = spec
        .raw
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let spec_enums: Vec<(&String, Vec<String>)> = components
        .into_iter()
        .flatten()
        .filter_map(|(name, s)| enum_values(s).map(|v| (name, v)))
        .collect();
    for (name, spec_values) in &spec_enums {
        let pointer = format!("/components/schemas/{name}/enum");
        let Some((_, rust_values)) = rust.iter().find(|(r, _)| r == name) else {
            add(
                pointer,
                format!("no hand-written enum iamport::{name} stands for this component"),
            );
            continue;
        };
        if !codegen::ENUMS.contains(&name.as_str()) {
            add(
                pointer.clone(),
                format!("iamport::{name} is not swapped in by build/codegen.rs (ENUMS)"),
            );
        }
        let s: BTreeSet<&String> = spec_values.iter().collect();
        let r: BTreeSet<&String> = rust_values.iter().collect();
        for v in s.difference(&r) {
            add(
                pointer.clone(),
                format!("value {v:?} is in the spec but not in iamport::{name}"),
            );
        }
        for v in r.difference(&s) {
            add(
                pointer.clone(),
                format!("value {v:?} is in iamport::{name} but not in the spec"),
            );
        }
    }
    for (name, _) in rust {
        if !spec_enums.iter().any(|(s, _)| s == name) {
            add(
                "/components/schemas".into(),
                format!("iamport::{name} has no enum component {name} in the spec"),
            );
        }
    }
    out
}
