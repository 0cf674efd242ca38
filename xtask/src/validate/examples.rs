//! Check 8: the spec's examples. Every example is a named component under
//! `/components/examples`, called `<recording>.request` or `<recording>.response` after the
//! recording it is taken from, and equal to that recording's body; where an operation uses
//! it, it fits the schema and belongs to that operation (and, for a response, to that
//! status). Every operation shows a response example of its own, and a request example when
//! it takes a body.

use std::collections::BTreeMap;

use iamport::testing::Recording;
use serde_json::Value;

use super::{
    Finding, SPEC_FILE,
    schema::Schemas,
    spec::{Spec, esc, join},
};

const PREFIX: &str = "#/components/examples/";

/// Which half of a recording an example shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Request,
    Response,
}

impl Part {
    fn suffix(self) -> &'static str {
        match self {
            Part::Request => "request",
            Part::Response => "response",
        }
    }
}

/// The recording and half an example's name stands for.
fn named<'r>(name: &str, recs: &'r BTreeMap<&str, &Recording>) -> Option<(&'r Recording, Part)> {
    let (stem, part) = if let Some(stem) = name.strip_suffix(".request") {
        (stem, Part::Request)
    } else {
        (name.strip_suffix(".response")?, Part::Response)
    };
    recs.get(stem).map(|r| (*r, part))
}

/// The first place where two values differ, as a JSON pointer.
fn first_difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys()) {
                let here = join(at, &[key]);
                match (x.get(key), y.get(key)) {
                    (Some(p), Some(q)) => {
                        if let Some(d) = first_difference(p, q, &here) {
                            return Some(d);
                        }
                    }
                    _ => return Some(here),
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(at.to_owned());
            }
            x.iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (p, q))| first_difference(p, q, &format!("{at}/{i}")))
        }
        (Value::Number(x), Value::Number(y))
            if x.as_f64().is_some() && x.as_f64() == y.as_f64() =>
        {
            None
        }
        _ => (a != b).then(|| at.to_owned()),
    }
}

/// One media type an operation sends or answers with.
struct Use<'s> {
    /// Where the media type object is written.
    pointer: String,
    media: &'s Value,
    operation: String,
    /// The response status, or `None` for the request body.
    status: Option<String>,
}

fn media_of<'s>(
    spec: &'s Spec,
    holder: &'s Value,
    written_at: String,
) -> Option<(String, &'s Value)> {
    let (holder, at) = spec.resolve(holder).ok()?;
    let pointer = at.unwrap_or(written_at);
    let media = holder.get("content")?.get("application/json")?;
    Some((join(&pointer, &["content", "application/json"]), media))
}

fn uses(spec: &Spec) -> Vec<Use<'_>> {
    let mut out = Vec::new();
    for op in spec.operations() {
        let name = op.name();
        let body = op.op.get("requestBody");
        let written = join(&op.pointer, &["requestBody"]);
        if let Some((pointer, media)) = body.and_then(|b| media_of(spec, b, written)) {
            out.push(Use {
                pointer,
                media,
                operation: name.clone(),
                status: None,
            });
        }
        let responses = op.op.get("responses").and_then(Value::as_object);
        for (status, response) in responses.into_iter().flatten() {
            let written = join(&op.pointer, &["responses", status]);
            if let Some((pointer, media)) = media_of(spec, response, written) {
                out.push(Use {
                    pointer,
                    media,
                    operation: name.clone(),
                    status: Some(status.clone()),
                });
            }
        }
    }
    out
}

pub(crate) fn check(spec: &Spec, recordings: &[Recording]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut add =
        |pointer: String, reason: String| out.push(Finding::new(SPEC_FILE, pointer, reason));
    let recs: BTreeMap<&str, &Recording> =
        recordings.iter().map(|r| (r.name.as_str(), r)).collect();

    // Each component: named after a recording and equal to its body.
    let components = spec
        .raw
        .pointer("/components/examples")
        .and_then(Value::as_object);
    for (name, example) in components.into_iter().flatten() {
        let pointer = format!("/components/examples/{}", esc(name));
        let Some((rec, part)) = named(name, &recs) else {
            add(
                pointer,
                format!(
                    "example {name:?} does not name a recording: it must be called \
                     `<operationId>.<case>.request` or `.response` after one in spec/recordings/"
                ),
            );
            continue;
        };
        let recorded = match part {
            Part::Request => rec.request.body.as_ref(),
            Part::Response => Some(&rec.response.body),
        };
        match (example.get("value"), recorded) {
            (None, _) => add(pointer, "the example has no `value`".into()),
            (Some(_), None) => add(
                join(&pointer, &["value"]),
                format!("the recording {} sends no request body", rec.name),
            ),
            (Some(value), Some(recorded)) => {
                if let Some(at) = first_difference(value, recorded, "") {
                    add(
                        format!("{pointer}/value{at}"),
                        format!(
                            "the example differs from the {} body of the recording {} at {:?}",
                            part.suffix(),
                            rec.name,
                            if at.is_empty() { "/" } else { at.as_str() }
                        ),
                    );
                }
            }
        }
    }

    // Each use: a reference, of the right half, of a recording of an operation that uses
    // this media type (with the status it is listed under), fitting the schema.
    let uses = uses(spec);
    let mut schemas = Schemas::new(spec);
    let mut seen = Vec::new();
    for u in &uses {
        if seen.contains(&u.pointer) {
            continue;
        }
        seen.push(u.pointer.clone());
        let sharing: Vec<&Use> = uses.iter().filter(|v| v.pointer == u.pointer).collect();
        let examples = u.media.get("examples").and_then(Value::as_object);
        for (key, entry) in examples.into_iter().flatten() {
            let at = join(&u.pointer, &["examples", key]);
            let Some(name) = entry
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(PREFIX))
            else {
                add(
                    at,
                    "an example must be a $ref to a component under /components/examples".into(),
                );
                continue;
            };
            let name = name.replace("~1", "/").replace("~0", "~");
            let Some((rec, part)) = named(&name, &recs) else {
                continue; // reported on the component, or a dangling $ref the lint reports
            };
            let want = if u.status.is_some() {
                Part::Response
            } else {
                Part::Request
            };
            if part != want {
                add(
                    at.clone(),
                    format!(
                        "{name:?} is a {} example, listed under a {}",
                        part.suffix(),
                        want.suffix()
                    ),
                );
                continue;
            }
            let status = rec.response.status.to_string();
            let owner = sharing.iter().any(|v| {
                v.operation == rec.operation
                    && (want == Part::Request || v.status.as_deref() == Some(status.as_str()))
            });
            if !owner {
                add(
                    at.clone(),
                    format!(
                        "{name:?} is taken from a recording of {} with status {status}, which \
                         does not answer or send with this media type",
                        rec.operation
                    ),
                );
            }
            let (Some(schema), Some(value)) = (
                u.media.get("schema"),
                spec.resolve(entry).ok().and_then(|(e, _)| e.get("value")),
            ) else {
                continue;
            };
            match schemas.validate(schema, value) {
                Ok(violations) => {
                    for (inner, reason) in violations {
                        add(format!("{at}{inner}"), format!("{name}: {reason}"));
                    }
                }
                Err(e) => add(at, e),
            }
        }
    }

    // Every operation shows its own examples.
    for op in spec.operations() {
        let name = op.name();
        let own = |request: bool| {
            uses.iter()
                .filter(|u| u.operation == name && u.status.is_none() == request)
                .filter(|u| u.status.as_deref().is_none_or(|s| s.starts_with('2')))
                .filter_map(|u| u.media.get("examples").and_then(Value::as_object))
                .flatten()
                .filter_map(|(_, e)| e.get("$ref").and_then(Value::as_str)?.strip_prefix(PREFIX))
                .filter_map(|n| named(n, &recs))
                .any(|(r, _)| r.operation == name)
        };
        if !own(false) {
            add(
                op.pointer.clone(),
                format!("{name} has no response example taken from its own recordings"),
            );
        }
        if op.op.get("requestBody").is_some() && !own(true) {
            add(
                op.pointer.clone(),
                format!("{name} has no request example taken from its own recordings"),
            );
        }
    }
    out
}
