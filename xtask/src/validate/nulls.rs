//! Check 7: every property the spec marks nullable is `null` in at least one recorded
//! response, and every open enum carries a value it does not list in at least one, so each
//! of these readings is exercised by the validators, the client and the generated Python and
//! TypeScript types.

use std::collections::BTreeSet;

use iamport::testing::Recording;
use serde_json::Value;

use super::{
    Finding, SPEC_FILE,
    enums::enum_of,
    recordings::route,
    spec::{Spec, esc},
};

/// A property of a component: (component, property).
pub type Place = (String, String);

/// Every property the spec lets be `null`: `nullable: true` (with or without a `type`), or an
/// `anyOf`/`oneOf` branch that admits only `null`.
pub(crate) fn nullable_properties(spec: &Spec) -> BTreeSet<Place> {
    let mut out = BTreeSet::new();
    let schemas = spec
        .raw
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        let props = schema.get("properties").and_then(Value::as_object);
        for (prop, s) in props.into_iter().flatten() {
            if s.get("nullable") == Some(&Value::Bool(true)) || has_null_branch(s) {
                out.insert((name.clone(), prop.clone()));
            }
        }
    }
    out
}

fn is_null_branch(s: &Value) -> bool {
    s.get("enum")
        .and_then(Value::as_array)
        .is_some_and(|e| e.iter().all(Value::is_null))
}

fn has_null_branch(s: &Value) -> bool {
    ["anyOf", "oneOf"].iter().any(|k| {
        s.get(*k)
            .and_then(Value::as_array)
            .is_some_and(|bs| bs.iter().any(is_null_branch))
    })
}

/// What the recorded response bodies hold.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    /// Properties of components that are `null` somewhere.
    pub nulls: BTreeSet<Place>,
    /// Open enum components with a value they do not list: (component, value).
    pub unknown: BTreeSet<Place>,
}

/// What the recorded response bodies hold where the spec allows `null` or new enum values.
pub(crate) fn seen(spec: &Spec, recs: &[Recording]) -> Seen {
    let ops = spec.operations();
    let mut seen = Seen::default();
    for rec in recs {
        let [op] = route(&ops, &rec.request.method, &rec.request.path)[..] else {
            continue;
        };
        let Some(schema) = op
            .op
            .get("responses")
            .and_then(|r| r.get(rec.response.status.to_string()))
            .and_then(|r| spec.json_schema_of(r))
        else {
            continue;
        };
        walk(spec, schema, &rec.response.body, None, &mut seen, 0);
    }
    seen
}

/// Follows `instance` through `schema`, noting each property of a component that is `null`.
fn walk(
    spec: &Spec,
    schema: &Value,
    instance: &Value,
    component: Option<&str>,
    seen: &mut Seen,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        if let Some(target) = spec
            .raw
            .pointer(&format!("/components/schemas/{}", esc(name)))
        {
            if let (Some(form), Value::String(value)) = (enum_of(target), instance)
                && form.open
                && !form.values.contains(value)
            {
                seen.unknown.insert((name.to_owned(), value.clone()));
            }
            walk(spec, target, instance, Some(name), seen, depth + 1);
        }
        return;
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for branch in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !is_null_branch(branch) {
                walk(spec, branch, instance, component, seen, depth + 1);
            }
        }
    }
    match instance {
        Value::Object(fields) => {
            let props = schema.get("properties").and_then(Value::as_object);
            for (prop, s) in props.into_iter().flatten() {
                match (fields.get(prop), component) {
                    (Some(Value::Null), Some(c)) => {
                        seen.nulls.insert((c.to_owned(), prop.clone()));
                    }
                    (Some(v), _) => walk(spec, s, v, None, seen, depth + 1),
                    (None, _) => {}
                }
            }
        }
        Value::Array(items) => {
            if let Some(s) = schema.get("items") {
                for item in items {
                    walk(spec, s, item, None, seen, depth + 1);
                }
            }
        }
        _ => {}
    }
}

pub(crate) fn null_coverage(spec: &Spec, recs: &[Recording]) -> Vec<Finding> {
    let seen = seen(spec, recs);
    let open_enums = spec
        .raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, s)| enum_of(s).is_some_and(|e| e.open))
        .map(|(name, _)| name);
    let mut out: Vec<Finding> = open_enums
        .filter(|name| !seen.unknown.iter().any(|(n, _)| n == *name))
        .map(|name| {
            Finding::new(
                SPEC_FILE,
                format!("/components/schemas/{}", esc(name)),
                format!(
                    "{name} is an open enum, but no recorded response has a value it does not list"
                ),
            )
        })
        .collect();
    out.extend(
        nullable_properties(spec)
            .difference(&seen.nulls)
            .map(|(component, prop)| {
                Finding::new(
                    SPEC_FILE,
                    format!(
                        "/components/schemas/{}/properties/{}",
                        esc(component),
                        esc(prop)
                    ),
                    format!(
                        "{component}.{prop} is nullable, but no recorded response has `null` there"
                    ),
                )
            }),
    );
    out
}
