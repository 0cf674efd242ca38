//! OpenAPI 3.0 schemas as JSON Schema (draft 2020-12), validated with the `jsonschema` crate.
//!
//! OpenAPI 3.0 differs from JSON Schema in a few keywords; they are translated the way the
//! strict OpenAPI 3.0.3 reading (and the reference `openapi-schema-validator`) applies them:
//!
//! - `nullable: true` adds `null` to the `type` of the same schema object, and does nothing
//!   else: without a `type` beside it, it neither admits nor forbids anything (the schema is
//!   untyped already), and it never reaches into `allOf`, `anyOf` or a `$ref`. A nullable
//!   reference is `anyOf: [{$ref}, {nullable: true, enum: [null]}]`, whose second branch
//!   admits `null` through its `enum`.
//! - boolean `exclusiveMinimum`/`exclusiveMaximum` become the numeric form;
//! - `format: int32`/`int64` bound integers to their range.
//!
//! Everything else (`anyOf`, `enum`, an open enum's `anyOf` of known values and a plain
//! string) means the same in both. Local `$ref`s keep working because every validator's root
//! document carries the translated `components/schemas`. `xtask/tests/semantics.rs` holds a
//! body both this translation and the reference validator accept, and one both reject, for
//! each rule.

use std::collections::HashMap;

use jsonschema::{ValidationError, Validator, error::ValidationErrorKind};
use serde_json::{Map, Value, json};

use super::spec::Spec;

/// Translates one OpenAPI 3.0 schema object (recursively) into JSON Schema.
pub(crate) fn translate(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (k, v) in map {
        let v = match k.as_str() {
            "properties" | "patternProperties" | "$defs" | "definitions" => match v {
                Value::Object(props) => Value::Object(
                    props
                        .iter()
                        .map(|(name, s)| (name.clone(), translate(s)))
                        .collect(),
                ),
                other => other.clone(),
            },
            "items" | "additionalProperties" | "not" => translate(v),
            "allOf" | "anyOf" | "oneOf" => match v {
                Value::Array(items) => Value::Array(items.iter().map(translate).collect()),
                other => other.clone(),
            },
            "nullable" | "example" | "discriminator" | "xml" | "externalDocs" => continue,
            _ => v.clone(),
        };
        out.insert(k.clone(), v);
    }
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        match out.remove(flag) {
            Some(Value::Bool(true)) => {
                if let Some(b) = out.remove(bound) {
                    out.insert(flag.to_owned(), b);
                }
            }
            Some(Value::Bool(false)) | None => {}
            Some(other) => {
                out.insert(flag.to_owned(), other);
            }
        }
    }
    let integer = out.get("type").and_then(Value::as_str) == Some("integer");
    let range = match out.get("format").and_then(Value::as_str) {
        Some("int32") if integer => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
        Some("int64") if integer => Some((i64::MIN, i64::MAX)),
        _ => None,
    };
    if map.get("nullable") == Some(&Value::Bool(true))
        && let Some(Value::String(ty)) = out.get("type")
    {
        let types = json!([ty, "null"]);
        out.insert("type".into(), types);
    }
    let mut translated = Value::Object(out);
    if let Some((min, max)) = range {
        translated = json!({"allOf": [translated, {"minimum": min, "maximum": max}]});
    }
    translated
}

/// Validators built once per schema.
pub(crate) struct Schemas {
    components: Value,
    cache: HashMap<String, Result<Validator, String>>,
}

/// One way an instance breaks its schema: the instance pointer and the reason.
pub(crate) type Violation = (String, String);

impl Schemas {
    pub(crate) fn new(spec: &Spec) -> Schemas {
        Schemas::of_components(spec.raw.pointer("/components/schemas"))
    }

    /// Validators for schemas whose `$ref`s name the given `components/schemas` map.
    pub(crate) fn of_components(components: Option<&Value>) -> Schemas {
        let components = components
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), translate(v)))
                    .collect::<Map<_, _>>()
            })
            .unwrap_or_default();
        Schemas {
            components: Value::Object(components),
            cache: HashMap::new(),
        }
    }

    /// Validates `instance` against an OpenAPI schema of the spec.
    pub(crate) fn validate(
        &mut self,
        schema: &Value,
        instance: &Value,
    ) -> Result<Vec<Violation>, String> {
        let key = schema.to_string();
        let components = &self.components;
        let validator = self.cache.entry(key).or_insert_with(|| {
            let mut root = match translate(schema) {
                Value::Object(m) => m,
                other => {
                    let mut m = Map::new();
                    m.insert("allOf".into(), Value::Array(vec![other]));
                    m
                }
            };
            root.insert(
                "$schema".into(),
                "https://json-schema.org/draft/2020-12/schema".into(),
            );
            root.insert("components".into(), json!({"schemas": components}));
            jsonschema::draft202012::options()
                .should_validate_formats(true)
                .build(&Value::Object(root))
                .map_err(|e| format!("the schema does not compile: {e}"))
        });
        let validator = validator.as_ref().map_err(Clone::clone)?;
        let mut out = Vec::new();
        for error in validator.iter_errors(instance) {
            flatten(&error, &mut out);
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

/// Reports an error where it happened. For `anyOf` (how a nullable reference is expressed)
/// the errors of the other branches are reported instead of the bare "not valid under any";
/// the branch that admits only `null` says nothing useful and is left out.
fn flatten(error: &ValidationError<'_>, out: &mut Vec<Violation>) {
    let at = error.instance_path().to_string();
    if let ValidationErrorKind::AnyOf { context } = error.kind() {
        let only_null = |e: &ValidationError<'_>| match e.kind() {
            ValidationErrorKind::Enum { options } => options
                .as_array()
                .is_some_and(|o| o.iter().all(Value::is_null)),
            _ => false,
        };
        let informative: Vec<&Vec<ValidationError<'static>>> = context
            .iter()
            .filter(|branch| {
                !(branch.len() == 1
                    && branch[0].instance_path().to_string() == at
                    && only_null(&branch[0]))
            })
            .collect();
        if !informative.is_empty() {
            for branch in informative {
                for e in branch {
                    flatten(e, out);
                }
            }
            return;
        }
    }
    let reason = match error.kind() {
        ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => {
            "matches none of the allowed schemas".to_owned()
        }
        _ => error.to_string(),
    };
    out.push((at, reason));
}
