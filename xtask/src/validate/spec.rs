//! The spec as a JSON tree: loading, `$ref` resolution, and its operations.

use std::path::Path;

use serde_json::Value;

use super::{Finding, SPEC_FILE};

/// HTTP methods an OpenAPI path item can hold, in the order the spec lists them.
pub(crate) const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Escapes one reference token of a JSON pointer.
pub(crate) fn esc(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends tokens to a JSON pointer.
pub(crate) fn join(pointer: &str, tokens: &[&str]) -> String {
    let mut out = pointer.to_owned();
    for t in tokens {
        out.push('/');
        out.push_str(&esc(t));
    }
    out
}

pub(crate) struct Spec {
    pub(crate) raw: Value,
}

/// One operation of the spec.
pub(crate) struct Operation<'s> {
    pub(crate) id: Option<&'s str>,
    /// Upper case, as on the wire.
    pub(crate) method: String,
    /// The path template, e.g. `/payments/{imp_uid}`.
    pub(crate) path: &'s str,
    /// Pointer to the operation object.
    pub(crate) pointer: String,
    pub(crate) op: &'s Value,
    /// Path-level and operation-level parameters, each with the pointer where it is written.
    pub(crate) params: Vec<(String, &'s Value)>,
}

impl Operation<'_> {
    /// The operation's id, or its method and path when it has none.
    pub(crate) fn name(&self) -> String {
        match self.id {
            Some(id) => id.to_owned(),
            None => format!("{} {}", self.method, self.path),
        }
    }
}

impl Spec {
    pub(crate) fn load(root: &Path) -> Result<Spec, Finding> {
        Spec::load_file(&root.join(SPEC_FILE))
    }

    pub(crate) fn load_file(path: &Path) -> Result<Spec, Finding> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Finding::new(SPEC_FILE, "", format!("cannot read: {e}")))?;
        let raw: Value = serde_norway::from_str(&text)
            .map_err(|e| Finding::new(SPEC_FILE, "", format!("not YAML that maps to JSON: {e}")))?;
        Ok(Spec { raw })
    }

    /// Check 1: the document parses as OpenAPI 3.0 with the `openapiv3` crate.
    pub(crate) fn parse_typed(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        match self.raw.get("openapi").and_then(Value::as_str) {
            Some(v) if v.starts_with("3.0.") => {}
            other => out.push(Finding::new(
                SPEC_FILE,
                "/openapi",
                format!("expected an OpenAPI 3.0.x version, found {other:?}"),
            )),
        }
        if let Err(e) = serde_json::from_value::<openapiv3::OpenAPI>(self.raw.clone()) {
            out.push(Finding::new(
                SPEC_FILE,
                "",
                format!("not an OpenAPI 3.0 document: {e}"),
            ));
        }
        out
    }

    /// Follows `$ref`s from `value` to the object they name. Returns it with its pointer
    /// (`None` when `value` is not a reference).
    pub(crate) fn resolve<'s>(
        &'s self,
        value: &'s Value,
    ) -> Result<(&'s Value, Option<String>), String> {
        let mut current = value;
        let mut at = None;
        for _ in 0..32 {
            let Some(target) = current.get("$ref").and_then(Value::as_str) else {
                return Ok((current, at));
            };
            let Some(pointer) = target.strip_prefix('#') else {
                return Err(format!("$ref {target:?} is not local to the document"));
            };
            current = self
                .raw
                .pointer(pointer)
                .ok_or_else(|| format!("$ref {target:?} names nothing in the document"))?;
            at = Some(pointer.to_owned());
        }
        Err("$ref chain longer than 32 steps".to_owned())
    }

    /// Every operation, in the order the document lists them.
    pub(crate) fn operations(&self) -> Vec<Operation<'_>> {
        let mut out = Vec::new();
        let Some(paths) = self.raw.get("paths").and_then(Value::as_object) else {
            return out;
        };
        for (path, item) in paths {
            let item_pointer = join("/paths", &[path]);
            let shared: Vec<(String, &Value)> = item
                .get("parameters")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .enumerate()
                        .map(|(i, p)| (join(&item_pointer, &["parameters", &i.to_string()]), p))
                        .collect()
                })
                .unwrap_or_default();
            for method in METHODS {
                let Some(op) = item.get(*method) else {
                    continue;
                };
                let pointer = join(&item_pointer, &[method]);
                let mut params = shared.clone();
                if let Some(ps) = op.get("parameters").and_then(Value::as_array) {
                    for (i, p) in ps.iter().enumerate() {
                        params.push((join(&pointer, &["parameters", &i.to_string()]), p));
                    }
                }
                out.push(Operation {
                    id: op.get("operationId").and_then(Value::as_str),
                    method: method.to_uppercase(),
                    path,
                    pointer,
                    op,
                    params,
                });
            }
        }
        out
    }

    /// The parameters of an operation, resolved, with where they are written. Operation-level
    /// parameters override path-level ones of the same name and location.
    pub(crate) fn parameters<'s>(&'s self, op: &Operation<'s>) -> Vec<(String, &'s Value)> {
        let mut out: Vec<(String, &Value)> = Vec::new();
        for (pointer, p) in &op.params {
            let Ok((p, _)) = self.resolve(p) else {
                continue;
            };
            let key = |v: &Value| (v.get("name").cloned(), v.get("in").cloned());
            out.retain(|(_, q)| key(q) != key(p));
            out.push((pointer.clone(), p));
        }
        out
    }

    /// The JSON schema of a response or request body object (resolved), and its pointer.
    pub(crate) fn json_schema_of<'s>(&'s self, holder: &'s Value) -> Option<&'s Value> {
        let (holder, _) = self.resolve(holder).ok()?;
        holder
            .get("content")?
            .get("application/json")?
            .get("schema")
    }
}
