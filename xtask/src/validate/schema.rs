//! OpenAPI 3.0 schemas as JSON Schema (draft 2020-12), validated with the `jsonschema` crate.
//!
//! OpenAPI 3.0 differs from JSON Schema in a few keywords; they are translated:
//! `nullable: true` admits `null`; boolean `exclusiveMinimum`/`exclusiveMaximum` become the
//! numeric form; `format: int32`/`int64` bound integers. Local `$ref`s keep working because
//! every validator's root document carries the translated `components/schemas`.

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
    let mut translated = Value::Object(out);
    if let Some((min, max)) = range {
        translated = json!({"allOf": [translated, {"minimum": min, "maximum": max}]});
    }
    if map.get("nullable") == Some(&Value::Bool(true)) {
        translated = json!({"anyOf": [{"type": "null"}, translated]});
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
        let components = spec
            .raw
            .pointer("/components/schemas")
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

/// Reports an error where it happened. For `anyOf` (how `nullable` is expressed) the errors
/// of the branches that came closest are reported instead of the bare "not valid under any".
fn flatten(error: &ValidationError<'_>, out: &mut Vec<Violation>) {
    let at = error.instance_path().to_string();
    if let ValidationErrorKind::AnyOf { context } = error.kind() {
        let informative: Vec<&Vec<ValidationError<'static>>> = context
            .iter()
            .filter(|branch| {
                !(branch.len() == 1
                    && matches!(branch[0].kind(), ValidationErrorKind::Type { .. })
                    && branch[0].instance_path().to_string() == at
                    && branch[0].to_string().ends_with("\"null\""))
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
