//! Check 3: every recording maps to exactly one operation and fits its schemas.

use std::path::Path;

use iamport::testing::Recording;
use percent_encoding::percent_decode_str;
use serde_json::Value;

use super::{
    Finding, RECORDINGS_DIR,
    schema::Schemas,
    spec::{Operation, Spec},
};

/// The file of a recording, relative to the project root.
pub(crate) fn file_of(rec: &Recording) -> String {
    let name = rec
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{RECORDINGS_DIR}/{name}")
}

/// Reads every recording; a file that is not one is a finding.
pub(crate) fn load(root: &Path) -> (Vec<Recording>, Vec<Finding>) {
    let mut recs = Vec::new();
    let mut findings = Vec::new();
    let files = match Recording::files(root.join(RECORDINGS_DIR)) {
        Ok(files) => files,
        Err(e) => {
            findings.push(Finding::new(RECORDINGS_DIR, "", e.to_string()));
            return (recs, findings);
        }
    };
    for path in files {
        match Recording::load(&path) {
            Ok(rec) => recs.push(rec),
            Err(e) => {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                let file = format!("{RECORDINGS_DIR}/{}", name.unwrap_or_default());
                let reason = match &e {
                    iamport::testing::RecordingError::Format { source, .. } => {
                        format!("not a recording: {source}")
                    }
                    other => other.to_string(),
                };
                findings.push(Finding::new(file, "", reason));
            }
        }
    }
    (recs, findings)
}

/// The operations whose method and path template match a concrete request. Templates with
/// more literal segments win, as OpenAPI prescribes; several winners are ambiguous.
pub(crate) fn route<'o, 's>(
    ops: &'o [Operation<'s>],
    method: &str,
    path: &str,
) -> Vec<&'o Operation<'s>> {
    let concrete: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut best = Vec::new();
    let mut best_literals = 0;
    for op in ops.iter().filter(|o| o.method.eq_ignore_ascii_case(method)) {
        let template: Vec<&str> = op.path.trim_start_matches('/').split('/').collect();
        if template.len() != concrete.len() {
            continue;
        }
        let mut literals = 0;
        let fits = template.iter().zip(&concrete).all(|(t, c)| {
            if t.starts_with('{') && t.ends_with('}') {
                !c.is_empty()
            } else {
                literals += 1;
                t == c
            }
        });
        if !fits {
            continue;
        }
        if best.is_empty() || literals > best_literals {
            best = vec![op];
            best_literals = literals;
        } else if literals == best_literals {
            best.push(op);
        }
    }
    best
}

/// The values of the template's parameters in a concrete path, percent-decoded.
fn path_values(template: &str, path: &str) -> Vec<(String, String)> {
    template
        .trim_start_matches('/')
        .split('/')
        .zip(path.trim_start_matches('/').split('/'))
        .filter_map(|(t, c)| {
            let name = t.strip_prefix('{')?.strip_suffix('}')?;
            let value = percent_decode_str(c).decode_utf8_lossy().into_owned();
            Some((name.to_owned(), value))
        })
        .collect()
}

/// A query or path value as the JSON value its parameter schema describes.
fn typed(schema: &Value, raw: &str) -> Value {
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => raw.parse::<i64>().map_or_else(|_| raw.into(), Value::from),
        Some("number") => raw.parse::<f64>().map_or_else(|_| raw.into(), Value::from),
        Some("boolean") => match raw {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => raw.into(),
        },
        _ => raw.into(),
    }
}

pub(crate) fn check(spec: &Spec, recs: &[Recording]) -> Vec<Finding> {
    let ops = spec.operations();
    let mut schemas = Schemas::new(spec);
    let mut out = Vec::new();
    for rec in recs {
        check_one(spec, &ops, &mut schemas, rec, &mut out);
    }
    out
}

fn check_one(
    spec: &Spec,
    ops: &[Operation<'_>],
    schemas: &mut Schemas,
    rec: &Recording,
    out: &mut Vec<Finding>,
) {
    let file = file_of(rec);
    let mut add =
        |pointer: String, reason: String| out.push(Finding::new(file.clone(), pointer, reason));
    let req = &rec.request;
    let matches = route(ops, &req.method, &req.path);
    let op = match matches.as_slice() {
        [] => {
            add(
                "/request/path".into(),
                format!(
                    "no operation of the spec matches {} {}",
                    req.method, req.path
                ),
            );
            return;
        }
        [op] => *op,
        several => {
            let names: Vec<String> = several.iter().map(|o| o.name()).collect();
            add(
                "/request/path".into(),
                format!(
                    "{} {} matches several operations: {names:?}",
                    req.method, req.path
                ),
            );
            return;
        }
    };
    if op.id != Some(rec.operation.as_str()) {
        add(
            "/operation".into(),
            format!(
                "the request {} {} is operation {}, not {:?}",
                req.method,
                req.path,
                op.name(),
                rec.operation
            ),
        );
    }

    // Parameters: every query name is declared; required ones are present; on success
    // recordings, every value fits its schema.
    let params = spec.parameters(op);
    let param = |name: &str, location: &str| {
        params.iter().map(|(_, p)| *p).find(|p| {
            p.get("name").and_then(Value::as_str) == Some(name)
                && p.get("in").and_then(Value::as_str) == Some(location)
        })
    };
    let mut validate_value =
        |pointer: String, p: &Value, value: Value, add: &mut dyn FnMut(String, String)| {
            let Some(schema) = p.get("schema") else {
                return;
            };
            match schemas.validate(schema, &value) {
                Ok(violations) => {
                    for (_, reason) in violations {
                        add(pointer.clone(), reason);
                    }
                }
                Err(e) => add(pointer, e),
            }
        };
    for (i, (name, _)) in req.query.iter().enumerate() {
        if param(name, "query").is_none() {
            add(
                format!("/request/query/{i}"),
                format!("query parameter {name:?} is not declared for {}", op.name()),
            );
        }
    }
    for (_, p) in &params {
        let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
        if p.get("in").and_then(Value::as_str) == Some("query")
            && p.get("required") == Some(&Value::Bool(true))
            && !req.query.iter().any(|(k, _)| k == name)
        {
            add(
                "/request/query".into(),
                format!("required query parameter {name:?} is missing"),
            );
        }
    }
    if rec.is_success() {
        for (name, value) in path_values(op.path, &req.path) {
            if let Some(p) = param(&name, "path") {
                let schema = p
                    .get("schema")
                    .and_then(|s| spec.resolve(s).ok())
                    .map(|(s, _)| s);
                let v = schema.map_or_else(|| value.clone().into(), |s| typed(s, &value));
                validate_value("/request/path".into(), p, v, &mut add);
            }
        }
        let mut seen = Vec::new();
        for (i, (name, _)) in req.query.iter().enumerate() {
            if seen.contains(name) {
                continue;
            }
            seen.push(name.clone());
            let Some(p) = param(name, "query") else {
                continue;
            };
            let Some(schema) = p
                .get("schema")
                .and_then(|s| spec.resolve(s).ok())
                .map(|(s, _)| s)
            else {
                continue;
            };
            let values: Vec<&str> = rec.query_all(name).collect();
            let v = if schema.get("type").and_then(Value::as_str) == Some("array") {
                let items = schema
                    .get("items")
                    .and_then(|s| spec.resolve(s).ok())
                    .map(|(s, _)| s);
                Value::Array(
                    values
                        .iter()
                        .map(|raw| items.map_or_else(|| (*raw).into(), |s| typed(s, raw)))
                        .collect(),
                )
            } else {
                typed(schema, values[0])
            };
            validate_value(format!("/request/query/{i}/1"), p, v, &mut add);
        }
    }

    // Request body.
    match (op.op.get("requestBody"), &req.body) {
        (Some(body), Some(sent)) => match spec.json_schema_of(body) {
            Some(schema) => report(schemas.validate(schema, sent), "/request/body", &mut add),
            None => add(
                "/request/body".into(),
                "the operation's request body has no application/json schema".into(),
            ),
        },
        (Some(body), None) => {
            let required = spec.resolve(body).ok().and_then(|(b, _)| b.get("required"))
                == Some(&Value::Bool(true));
            if required {
                add(
                    "/request".into(),
                    format!("{} requires a body and the recording has none", op.name()),
                );
            }
        }
        (None, Some(_)) => add(
            "/request/body".into(),
            format!("{} takes no request body", op.name()),
        ),
        (None, None) => {}
    }

    // Response: its status is declared, and its body fits that status's schema.
    let status = rec.response.status;
    let responses = op.op.get("responses").and_then(Value::as_object);
    let code = status.to_string();
    let range = format!("{}XX", status / 100);
    let declared = responses.and_then(|r| {
        r.get(&code)
            .or_else(|| r.get(&range))
            .or_else(|| r.get(&range.to_lowercase()))
            .or_else(|| r.get("default"))
    });
    let Some(response) = declared else {
        let mut list: Vec<&String> = responses.map(|r| r.keys().collect()).unwrap_or_default();
        list.sort();
        add(
            "/response/status".into(),
            format!(
                "status {status} is not declared for {} (declared: {list:?})",
                op.name()
            ),
        );
        return;
    };
    match spec.json_schema_of(response) {
        Some(schema) => report(
            schemas.validate(schema, &rec.response.body),
            "/response/body",
            &mut add,
        ),
        None => add(
            "/response/body".into(),
            format!(
                "status {status} of {} has no application/json schema",
                op.name()
            ),
        ),
    }
}

fn report(
    result: Result<Vec<(String, String)>, String>,
    base: &str,
    add: &mut impl FnMut(String, String),
) {
    match result {
        Ok(violations) => {
            for (at, reason) in violations {
                add(format!("{base}{at}"), reason);
            }
        }
        Err(e) => add(base.to_owned(), e),
    }
}
