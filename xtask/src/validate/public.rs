//! Check 6: the generated public API stands on the spec.
//!
//! - Every component becomes something a user can reach: an object or a union of objects (a
//!   public type in `iamport::types`, unless it is an envelope or internal), or a hand-written
//!   scalar or open enum swapped in by name. Anything else would be generated as a type no user can name.
//! - A public type never holds an envelope or an internal type.
//! - Every property of a component has a description (it becomes the field's doc).
//! - Each hand-written scalar's JSON Schema (`schemars`) agrees with its component's `type`
//!   and `format`.

use serde_json::Value;

use super::{Finding, SPEC_FILE, spec::Spec};
use crate::codegen::{self, Model};

/// The hand-written scalars with the JSON Schema users see.
pub fn rust_scalars() -> Vec<(&'static str, Value)> {
    let schema = |v: schemars::Schema| serde_json::to_value(v).unwrap_or_default();
    vec![
        ("Amount", schema(schemars::schema_for!(iamport::Amount))),
        ("UnixTime", schema(schemars::schema_for!(iamport::UnixTime))),
        (
            "EventTime",
            schema(schemars::schema_for!(iamport::UnixTime)),
        ),
    ]
}

pub(crate) fn public_api(spec: &Spec) -> Vec<Finding> {
    public_api_against(spec, &rust_scalars())
}

/// The checks above, with the given scalars' schemas.
pub(crate) fn public_api_against(spec: &Spec, scalars: &[(&str, Value)]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut add =
        |pointer: String, reason: String| out.push(Finding::new(SPEC_FILE, pointer, reason));
    let model = Model::read(&spec.raw);
    let public = model.public();
    let schemas = spec
        .raw
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let replaced = |name: &str| {
        codegen::SCALARS.iter().any(|(n, _)| *n == name)
            || schemas
                .and_then(|s| s.get(name))
                .and_then(super::enums::enum_of)
                .is_some()
    };
    for (name, schema) in schemas.into_iter().flatten() {
        let pointer = format!("/components/schemas/{name}");
        let object = model.objects.contains_key(name) || model.unions.contains(name);
        if !object && !replaced(name) {
            add(
                pointer.clone(),
                format!(
                    "{name} is neither an object, a union of objects, an enum nor a hand-written \
                     scalar: it would be generated as a type that is not reachable from the \
                     public API"
                ),
            );
        }
        if public.contains(&name.as_str()) {
            let mut refs = Vec::new();
            refs_of(schema, &mut refs);
            for r in refs {
                if !public.contains(&r.as_str()) && !replaced(&r) {
                    add(
                        pointer.clone(),
                        format!("the public type {name} holds {r}, which is not public"),
                    );
                }
            }
        }
        for (prop, s) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let described = s
                .get("description")
                .and_then(Value::as_str)
                .is_some_and(|d| !d.trim().is_empty());
            if !described {
                add(
                    format!("{pointer}/properties/{prop}"),
                    "a property needs a description (it is the field's doc)".into(),
                );
            }
        }
    }
    for (name, rust) in scalars {
        let Some(component) = schemas.and_then(|s| s.get(*name)) else {
            add(
                "/components/schemas".into(),
                format!("iamport::{name} stands for no component {name}"),
            );
            continue;
        };
        for key in ["type", "format"] {
            let (want, got) = (component.get(key), rust.get(key));
            if got.is_some() && want != got {
                add(
                    format!("/components/schemas/{name}/{key}"),
                    format!(
                        "the hand-written {name} has {key} {}, the spec {}",
                        show(got),
                        show(want)
                    ),
                );
            }
        }
    }
    out
}

fn show(v: Option<&Value>) -> String {
    v.map_or_else(|| "none".to_owned(), Value::to_string)
}

/// Components a schema names, directly or inside `allOf`/`anyOf`/`items`.
fn refs_of(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                if let ("$ref", Some(r)) = (k.as_str(), x.as_str()) {
                    if let Some(name) = r.strip_prefix("#/components/schemas/") {
                        out.push(name.to_owned());
                    }
                } else {
                    refs_of(x, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|x| refs_of(x, out)),
        _ => {}
    }
}
