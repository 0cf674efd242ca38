//! Check 5: each hand-written open enum lists exactly the values of its spec component.
//!
//! The Rust side is read from the enums' `schemars::JsonSchema`, the same schema users see.
//! Both sides may write an enum closed (`enum` on the schema) or open (`anyOf` of the known
//! values and a plain string); the values are compared either way.

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
    enum_of(schema).map(|e| e.values).unwrap_or_default()
}

/// The values of an enum schema, in either form the spec uses, and where they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EnumForm {
    /// The values, as written.
    pub values: Vec<String>,
    /// The JSON pointer of the `enum` keyword relative to the schema (`/enum`, `/anyOf/0/enum`).
    pub at: String,
    /// Open: `anyOf: [{type: string, enum: [...]}, {type: string}]`, any other string is
    /// valid too. Closed: `type: string` with `enum` on the schema itself.
    pub open: bool,
}

/// Reads an enum schema: closed (`enum` on the schema) or open (an `anyOf` of one branch
/// with `enum` and one plain `{type: string}` branch). Anything else is not an enum.
pub(crate) fn enum_of(schema: &Value) -> Option<EnumForm> {
    let list = |e: &Value| -> Vec<String> {
        e.as_array()
            .into_iter()
            .flatten()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect()
    };
    if let Some(e) = schema.get("enum") {
        return Some(EnumForm {
            values: list(e),
            at: "/enum".into(),
            open: false,
        });
    }
    let branches = schema.get("anyOf")?.as_array()?;
    let [a, b] = branches.as_slice() else {
        return None;
    };
    let plain_string = |s: &Value| {
        s.get("type").and_then(Value::as_str) == Some("string")
            && s.as_object().is_some_and(|m| {
                m.keys()
                    .all(|k| k == "type" || k == "description" || k.starts_with("x-"))
            })
    };
    let (i, known) = match (a.get("enum"), b.get("enum")) {
        (Some(_), None) if plain_string(b) => (0, a),
        (None, Some(_)) if plain_string(a) => (1, b),
        _ => return None,
    };
    Some(EnumForm {
        values: list(known.get("enum")?),
        at: format!("/anyOf/{i}/enum"),
        open: true,
    })
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
    let spec_enums: Vec<(&String, EnumForm)> = components
        .into_iter()
        .flatten()
        .filter_map(|(name, s)| Some((name, enum_of(s)?)))
        .collect();
    for (name, form) in &spec_enums {
        let spec_values = &form.values;
        let pointer = format!("/components/schemas/{name}{}", form.at);
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
