//! Both descriptions reduced to the facts `official-diff` compares: per operation, its
//! parameters, request fields, response fields and statuses, each field with its type, format,
//! enum values and whether it is required.
//!
//! One reader serves both dialects: Swagger 2.0 (the official file: parameters carry their
//! type, body fields are `formData` parameters, a response holds its `schema`) and OpenAPI
//! 3.0 (the spec: parameters hold a `schema`, the body is a `requestBody`, a response holds
//! `content`). Schemas are read alike: `$ref`s are followed to any JSON pointer of the
//! document, `allOf` merges its branches, `anyOf`/`oneOf` is the union of its branches
//! without the `null` one.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// How deep a schema is followed (a guard against `$ref` cycles).
const MAX_DEPTH: usize = 12;

/// What one parameter or field is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fact {
    /// `integer`, `number`, `string`, `boolean`, `array`, `object`; `None` when untyped.
    pub(crate) ty: Option<String>,
    pub(crate) format: Option<String>,
    /// The enum values, as text; `None` when the schema lists none.
    pub(crate) values: Option<BTreeSet<String>>,
    pub(crate) required: bool,
}

/// One operation, reduced.
#[derive(Debug, Default)]
pub(crate) struct Operation {
    /// The path as the document writes it.
    pub(crate) path: String,
    /// `query.limit`, `path.imp_uid`, `header.Tier`; items of an array add `[]`.
    pub(crate) params: BTreeMap<String, Fact>,
    /// `body.amount`, `body.schedules[].merchant_uid`.
    pub(crate) request: BTreeMap<String, Fact>,
    /// `response` (the envelope's payload), `response.amount`, `response.list[].imp_uid`.
    pub(crate) response: BTreeMap<String, Fact>,
    /// The declared statuses, `default` left out.
    pub(crate) statuses: BTreeSet<String>,
}

/// The operations of a document, by method (upper case) and path with its parameter names
/// blanked (`/payments/{}`).
pub(crate) type Operations = BTreeMap<(String, String), Operation>;

/// The dialect of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Swagger2,
    OpenApi3,
}

/// A path template with its parameter names blanked: `/payments/{imp_uid}` → `/payments/{}`.
pub(crate) fn normalise(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

/// The parameter names of a path template, in order.
pub(crate) fn path_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

/// Reduces a document to its operations.
///
/// # Errors
/// When the document has no `paths` or a `$ref` names nothing.
pub(crate) fn operations(raw: &Value, dialect: Dialect) -> Result<Operations, String> {
    let doc = Doc { raw };
    let paths = raw
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the document has no `paths`")?;
    let mut out = Operations::new();
    for (path, item) in paths {
        let shared = item.get("parameters").and_then(Value::as_array);
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let at = format!("{} {path}", method.to_uppercase());
            let reduced = doc
                .operation(path, shared, op, dialect)
                .map_err(|e| format!("{at}: {e}"))?;
            out.insert((method.to_uppercase(), normalise(path)), reduced);
        }
    }
    Ok(out)
}

struct Doc<'a> {
    raw: &'a Value,
}

/// A schema with its `$ref`s followed and its `allOf` merged.
#[derive(Default)]
struct Merged<'a> {
    ty: Option<String>,
    format: Option<String>,
    values: Option<BTreeSet<String>>,
    properties: Vec<(&'a str, &'a Value)>,
    required: BTreeSet<String>,
    items: Option<&'a Value>,
    /// The branches of an `anyOf`/`oneOf` other than the `null` one, when there are two or more.
    alternatives: Vec<&'a Value>,
}

/// Enum values as text: strings as they are, anything else as JSON; `null` left out.
fn values_of(list: &[Value]) -> BTreeSet<String> {
    list.iter()
        .filter(|v| !v.is_null())
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

/// A branch that admits only `null` (`{nullable: true, enum: [null]}`, `{type: "null"}`).
fn is_null_branch(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("null")
        || v.get("enum")
            .and_then(Value::as_array)
            .is_some_and(|e| !e.is_empty() && e.iter().all(Value::is_null))
}

fn is_required(v: &Value) -> bool {
    match v.get("required") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => false,
    }
}

impl<'a> Doc<'a> {
    fn resolve(&self, mut v: &'a Value) -> Result<&'a Value, String> {
        for _ in 0..32 {
            let Some(target) = v.get("$ref").and_then(Value::as_str) else {
                return Ok(v);
            };
            let pointer = target
                .strip_prefix('#')
                .ok_or_else(|| format!("$ref {target:?} is not local to the document"))?;
            v = self
                .raw
                .pointer(pointer)
                .ok_or_else(|| format!("$ref {target:?} names nothing in the document"))?;
        }
        Err("$ref chain longer than 32 steps".to_owned())
    }

    fn merge(&self, schema: &'a Value, m: &mut Merged<'a>, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Ok(());
        }
        let s = self.resolve(schema)?;
        if m.ty.is_none() {
            m.ty = s.get("type").and_then(Value::as_str).map(str::to_owned);
        }
        if m.format.is_none() {
            m.format = s.get("format").and_then(Value::as_str).map(str::to_owned);
        }
        if m.values.is_none() {
            m.values = ["enum", "x-extensible-enum", "x-portone-enum"]
                .iter()
                .find_map(|k| s.get(*k).and_then(Value::as_array))
                .map(|list| values_of(list))
                .filter(|set| !set.is_empty());
        }
        if m.items.is_none() {
            m.items = s.get("items");
        }
        if let Some(props) = s.get("properties").and_then(Value::as_object) {
            for (name, sub) in props {
                if !m.properties.iter().any(|(n, _)| n == name) {
                    m.properties.push((name.as_str(), sub));
                }
            }
        }
        if let Some(req) = s.get("required").and_then(Value::as_array) {
            m.required
                .extend(req.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        for branch in s
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.merge(branch, m, depth + 1)?;
        }
        for key in ["anyOf", "oneOf"] {
            let Some(branches) = s.get(key).and_then(Value::as_array) else {
                continue;
            };
            let mut real = Vec::new();
            for b in branches {
                if !is_null_branch(self.resolve(b)?) {
                    real.push(b);
                }
            }
            if let [only] = real.as_slice() {
                self.merge(only, m, depth + 1)?;
            } else {
                m.alternatives.extend(real);
            }
        }
        Ok(())
    }

    /// Adds the facts of `schema`, found at `at`, and of everything below it to `out`. With
    /// `with_root` false only the properties below are added (a request body).
    fn flatten(
        &self,
        schema: &'a Value,
        at: &str,
        required: bool,
        with_root: bool,
        out: &mut BTreeMap<String, Fact>,
        depth: usize,
    ) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Ok(());
        }
        let mut m = Merged::default();
        self.merge(schema, &mut m, depth)?;
        if m.alternatives.len() >= 2 {
            let mut branches = Vec::new();
            for alt in &m.alternatives {
                let mut one = BTreeMap::new();
                self.flatten(alt, at, required, with_root, &mut one, depth + 1)?;
                branches.push(one);
            }
            union_into(branches, out);
            return Ok(());
        }
        let ty = m.ty.clone().or_else(|| {
            if !m.properties.is_empty() {
                Some("object".to_owned())
            } else if m.items.is_some() {
                Some("array".to_owned())
            } else {
                None
            }
        });
        if with_root {
            out.insert(
                at.to_owned(),
                Fact {
                    ty,
                    format: m.format.clone(),
                    values: m.values.clone(),
                    required,
                },
            );
        }
        for (name, sub) in &m.properties {
            let child = format!("{at}.{name}");
            self.flatten(
                sub,
                &child,
                m.required.contains(*name),
                true,
                out,
                depth + 1,
            )?;
        }
        if let Some(items) = m.items {
            self.flatten(items, &format!("{at}[]"), true, true, out, depth + 1)?;
        }
        Ok(())
    }

    fn operation(
        &self,
        path: &str,
        shared: Option<&'a Vec<Value>>,
        op: &'a Value,
        dialect: Dialect,
    ) -> Result<Operation, String> {
        let mut out = Operation {
            path: path.to_owned(),
            ..Operation::default()
        };
        // Operation-level parameters override path-level ones of the same name and location.
        let mut params: Vec<&Value> = Vec::new();
        let own = op.get("parameters").and_then(Value::as_array);
        for p in shared
            .into_iter()
            .flatten()
            .chain(own.into_iter().flatten())
        {
            let p = self.resolve(p)?;
            let key = |v: &Value| (v.get("name").cloned(), v.get("in").cloned());
            params.retain(|q| key(q) != key(p));
            params.push(p);
        }
        for p in params {
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            let place = p.get("in").and_then(Value::as_str).unwrap_or_default();
            // A Swagger 2.0 parameter is its own schema unless it holds one.
            let schema = p.get("schema").unwrap_or(p);
            match place {
                "body" if dialect == Dialect::Swagger2 => {
                    self.flatten(schema, "body", true, false, &mut out.request, 0)?;
                }
                "formData" if dialect == Dialect::Swagger2 => {
                    let at = format!("body.{name}");
                    let own_type = p.get("type").and_then(Value::as_str);
                    if own_type == Some("array")
                        && p.get("items").is_none()
                        && p.get("schema").is_some()
                    {
                        // `type: array` beside a `schema`: an array of that schema.
                        self.flatten(p, &at, is_required(p), true, &mut out.request, 0)?;
                        self.flatten(schema, &format!("{at}[]"), true, true, &mut out.request, 0)?;
                    } else {
                        self.flatten(schema, &at, is_required(p), true, &mut out.request, 0)?;
                    }
                }
                _ => {
                    let at = format!("{place}.{name}");
                    self.flatten(schema, &at, is_required(p), true, &mut out.params, 0)?;
                }
            }
        }
        if let (Dialect::OpenApi3, Some(body)) = (dialect, op.get("requestBody"))
            && let Some(schema) = json_schema(self.resolve(body)?)
        {
            self.flatten(schema, "body", true, false, &mut out.request, 0)?;
        }
        let responses = op
            .get("responses")
            .and_then(Value::as_object)
            .ok_or("the operation has no `responses`")?;
        let mut payloads = Vec::new();
        for (status, response) in responses {
            if status == "default" {
                continue;
            }
            out.statuses.insert(status.clone());
            if !status.starts_with('2') {
                continue;
            }
            let response = self.resolve(response)?;
            let schema = match dialect {
                Dialect::Swagger2 => response.get("schema"),
                Dialect::OpenApi3 => json_schema(response),
            };
            if let Some(schema) = schema {
                payloads.extend(self.payloads(schema)?);
            }
        }
        let mut branches = Vec::new();
        for payload in payloads {
            let mut one = BTreeMap::new();
            self.flatten(payload, "response", true, true, &mut one, 0)?;
            branches.push(one);
        }
        union_into(branches, &mut out.response);
        Ok(out)
    }

    /// The payloads of an envelope schema: its `response` property. A schema without one whose
    /// properties are each an envelope (the official file writes "one of these envelopes" so)
    /// gives the payload of each.
    fn payloads(&self, schema: &'a Value) -> Result<Vec<&'a Value>, String> {
        let mut m = Merged::default();
        self.merge(schema, &mut m, 0)?;
        if let Some((_, payload)) = m.properties.iter().find(|(n, _)| *n == "response") {
            return Ok(vec![payload]);
        }
        let mut out = Vec::new();
        for alt in m.alternatives {
            out.extend(self.payloads(alt)?);
        }
        for (_, sub) in m.properties {
            let mut inner = Merged::default();
            self.merge(sub, &mut inner, 0)?;
            if let Some((_, payload)) = inner.properties.iter().find(|(n, _)| *n == "response") {
                out.push(payload);
            }
        }
        Ok(out)
    }
}

/// The JSON schema of an OpenAPI 3.0 request body or response.
fn json_schema(holder: &Value) -> Option<&Value> {
    holder
        .get("content")?
        .get("application/json")?
        .get("schema")
}

/// Merges the facts of alternative shapes: a key is in the union when any branch has it, with
/// the first branch's type; it is required only when every branch has and requires it.
fn union_into(branches: Vec<BTreeMap<String, Fact>>, out: &mut BTreeMap<String, Fact>) {
    let count = branches.len();
    let mut merged: BTreeMap<String, (Fact, usize)> = BTreeMap::new();
    for branch in branches {
        for (key, fact) in branch {
            match merged.get_mut(&key) {
                Some((have, seen)) => {
                    have.required &= fact.required;
                    *seen += 1;
                    if have.values.is_none() {
                        have.values = fact.values;
                    }
                }
                None => {
                    merged.insert(key, (fact, 1));
                }
            }
        }
    }
    for (key, (mut fact, seen)) in merged {
        fact.required &= seen == count;
        out.insert(key, fact);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_templates_compare_without_their_parameter_names() {
        assert_eq!(
            normalise("/payments/{imp_uid}/balance"),
            "/payments/{}/balance"
        );
        assert_eq!(
            path_names("/payments/find/{merchant_uid}/{payment_status}"),
            ["merchant_uid", "payment_status"]
        );
    }
}
