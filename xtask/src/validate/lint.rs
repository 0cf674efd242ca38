//! The rules the curated spec keeps to.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::{
    Finding, SPEC_FILE,
    enums::enum_of,
    spec::{Spec, esc, join},
};

/// Keywords whose value must be a number (a non-negative integer for the counts).
const NUMBERS: &[&str] = &["minimum", "maximum", "multipleOf"];
const COUNTS: &[&str] = &[
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];
/// In OpenAPI 3.0 these are booleans that qualify `minimum` and `maximum`.
const FLAGS: &[&str] = &["exclusiveMinimum", "exclusiveMaximum"];
/// Maps whose keys are names (paths, properties, status codes, media types, components),
/// not keywords.
const NAME_MAPS: &[&str] = &[
    "paths",
    "properties",
    "responses",
    "content",
    "schemas",
    "parameters",
    "requestBodies",
    "securitySchemes",
    "headers",
    "links",
    "callbacks",
];
const COMPONENT_KINDS: &[&str] = &[
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
    "examples",
];

pub(crate) fn lint(spec: &Spec) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut add =
        |pointer: String, reason: String| out.push(Finding::new(SPEC_FILE, pointer, reason));
    operations(spec, &mut add);
    keywords(&spec.raw, "", false, &mut add);
    references(spec, &mut add);
    enums_open_or_closed(spec, &mut add);
    security(spec, &mut add);
    personal_marks(spec, &mut add);
    out
}

/// Words of a property name that say it holds a person's data: contact details, addresses,
/// accounts, birth dates, identity numbers, IP addresses and the merchant's free-form data.
const PERSONAL_WORDS: &[&str] = &[
    "tel",
    "phone",
    "mobile",
    "email",
    "addr",
    "address",
    "postcode",
    "zipcode",
    "account",
    "holder",
    "depositor",
    "birth",
    "birthday",
    "identifier",
    "resident",
    "ssn",
    "ip",
    "unique",
    "custom",
    "bypass",
];
/// Whose `..._name` is a person's (or a sole trader's) name.
const PERSON_NAMES: &[&str] = &[
    "buyer",
    "customer",
    "depositor",
    "holder",
    "company",
    "user",
    "member",
    "owner",
    "refund",
    "receiver",
    "sender",
];

/// Whether a property's name says it holds a person's data.
fn looks_personal(property: &str) -> bool {
    let words: Vec<String> = property.split('_').map(str::to_ascii_lowercase).collect();
    // The kind or code of something personal (`identifier_type`) is not personal itself.
    if words.last().is_some_and(|w| w == "type" || w == "code") {
        return false;
    }
    let named_person = words.len() >= 2
        && words.last().is_some_and(|w| w == "name")
        && PERSON_NAMES.contains(&words[words.len() - 2].as_str());
    named_person || words.iter().any(|w| PERSONAL_WORDS.contains(&w.as_str()))
}

/// Every property whose name says it holds personal data carries the spec's mark of it
/// (`x-personal: true`, or `format: password` for what is write-only), or says that it does
/// not (`x-personal: false`): the mark decides what `Debug` and error text hide.
fn personal_marks(spec: &Spec, add: &mut impl FnMut(String, String)) {
    let schemas = spec
        .raw
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for (component, schema) in schemas.into_iter().flatten() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for (property, p) in properties.into_iter().flatten() {
            let marked = p.get("x-personal").is_some_and(Value::is_boolean)
                || p.get("format").and_then(Value::as_str) == Some("password");
            if !marked && looks_personal(property) {
                add(
                    format!(
                        "/components/schemas/{}/properties/{}",
                        esc(component),
                        esc(property)
                    ),
                    "looks like personal data but has no `x-personal` mark (true, or false \
                     with the reason in its description)"
                        .into(),
                );
            }
        }
    }
}

/// The enum components of the spec, in either form.
fn spec_enums(spec: &Spec) -> impl Iterator<Item = (&String, super::enums::EnumForm)> {
    spec.raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(name, s)| Some((name, enum_of(s)?)))
}

/// An enum that appears in a response is the server's and open; one that only requests use
/// is closed (the client must send a known value).
fn enums_open_or_closed(spec: &Spec, add: &mut impl FnMut(String, String)) {
    let mut todo = Vec::new();
    for op in spec.operations() {
        if let Some(responses) = op.op.get("responses") {
            collect_refs(responses, &op.pointer, &mut todo);
        }
    }
    let mut todo: Vec<String> = todo
        .into_iter()
        .filter_map(|(_, t)| t.strip_prefix('#').map(str::to_owned))
        .collect();
    let mut in_responses = BTreeSet::new();
    while let Some(target) = todo.pop() {
        if !in_responses.insert(target.clone()) {
            continue;
        }
        if let Some(v) = spec.raw.pointer(&target) {
            let mut inner = Vec::new();
            collect_refs(v, &target, &mut inner);
            todo.extend(
                inner
                    .into_iter()
                    .filter_map(|(_, t)| t.strip_prefix('#').map(str::to_owned)),
            );
        }
    }
    for (name, form) in spec_enums(spec) {
        let pointer = format!("/components/schemas/{}", esc(name));
        match (in_responses.contains(&pointer), form.open) {
            (true, false) => add(
                pointer,
                format!(
                    "{name} appears in a response, so the server owns it: write it open, \
                     `type: string` with `x-extensible-enum`"
                ),
            ),
            (false, true) => add(
                pointer,
                format!(
                    "{name} appears only in requests: write it closed, `type: string` with \
                     `enum`, so that clients send known values"
                ),
            ),
            _ => {}
        }
    }
}

fn is_snake_case(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !s.contains("__")
        && !s.ends_with('_')
}

fn non_empty_str(v: Option<&Value>) -> bool {
    v.and_then(Value::as_str)
        .is_some_and(|s| !s.trim().is_empty())
}

/// Ids, texts, tags, parameters and responses of every operation.
fn operations(spec: &Spec, add: &mut impl FnMut(String, String)) {
    let declared_tags: BTreeSet<&str> = spec
        .raw
        .get("tags")
        .and_then(Value::as_array)
        .map(|ts| {
            ts.iter()
                .filter_map(|t| t.get("name").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    let mut ids: HashMap<&str, String> = HashMap::new();
    let ops = spec.operations();
    if ops.is_empty() {
        add("/paths".into(), "the spec has no operations".into());
    }
    for op in &ops {
        let at = |k: &str| join(&op.pointer, &[k]);
        match op.id {
            None => add(op.pointer.clone(), "no operationId".into()),
            Some(id) => {
                if !is_snake_case(id) {
                    add(
                        at("operationId"),
                        format!("operationId {id:?} is not snake_case"),
                    );
                }
                if let Some(first) = ids.insert(id, op.pointer.clone()) {
                    add(
                        at("operationId"),
                        format!("operationId {id:?} is also used at {first}"),
                    );
                }
            }
        }
        for key in ["summary", "description"] {
            if !non_empty_str(op.op.get(key)) {
                add(op.pointer.clone(), format!("no {key}"));
            }
        }
        match op.op.get("tags").and_then(Value::as_array) {
            Some(tags) if !tags.is_empty() => {
                for (i, t) in tags.iter().enumerate() {
                    let name = t.as_str().unwrap_or_default();
                    if !declared_tags.contains(name) {
                        add(
                            join(&op.pointer, &["tags", &i.to_string()]),
                            format!("tag {t} is not declared under /tags"),
                        );
                    }
                }
            }
            _ => add(op.pointer.clone(), "no tag".into()),
        }
        parameters(spec, op, add);
        responses(spec, op, add);
    }
}

fn template_names(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}

fn parameters(spec: &Spec, op: &super::spec::Operation<'_>, add: &mut impl FnMut(String, String)) {
    let names = template_names(op.path);
    let mut seen = BTreeSet::new();
    for (pointer, raw) in &op.params {
        let param = match spec.resolve(raw) {
            Ok((p, _)) => p,
            Err(e) => {
                add(pointer.clone(), e);
                continue;
            }
        };
        let name = param.get("name").and_then(Value::as_str).unwrap_or("");
        let location = param.get("in").and_then(Value::as_str).unwrap_or("");
        if !["path", "query", "header", "cookie"].contains(&location) {
            add(
                pointer.clone(),
                format!("parameter {name:?} has no valid `in`"),
            );
        }
        let Some(schema) = param.get("schema") else {
            add(pointer.clone(), format!("parameter {name:?} has no schema"));
            continue;
        };
        if location != "path" {
            continue;
        }
        seen.insert(name.to_owned());
        if !names.contains(&name) {
            add(
                pointer.clone(),
                format!("path parameter {name:?} is not in the template {}", op.path),
            );
        }
        if param.get("required") != Some(&Value::Bool(true)) {
            add(
                pointer.clone(),
                format!("path parameter {name:?} is not required"),
            );
        }
        let Ok((schema, _)) = spec.resolve(schema) else {
            continue;
        };
        let is_string = schema.get("type").and_then(Value::as_str) == Some("string");
        let bounded = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) >= 1
            && schema.get("maxLength").is_some();
        // An enum's values bound it; the client checks an open enum's unlisted value as an id.
        if is_string && super::enums::enum_of(schema).is_none() && !bounded {
            add(
                pointer.clone(),
                format!("path parameter {name:?} needs minLength (at least 1) and maxLength"),
            );
        }
    }
    for name in names {
        if !seen.contains(name) {
            add(
                op.pointer.clone(),
                format!(
                    "the template {} has {{{name}}} but no path parameter of that name",
                    op.path
                ),
            );
        }
    }
}

fn responses(spec: &Spec, op: &super::spec::Operation<'_>, add: &mut impl FnMut(String, String)) {
    let pointer = join(&op.pointer, &["responses"]);
    let Some(responses) = op.op.get("responses").and_then(Value::as_object) else {
        add(op.pointer.clone(), "no responses".into());
        return;
    };
    let class = |k: &str| k.chars().next().unwrap_or('?');
    if !responses.keys().any(|k| class(k) == '2') {
        add(pointer.clone(), "no 2xx response".into());
    }
    if !responses.keys().any(|k| matches!(class(k), '4' | '5')) {
        add(pointer.clone(), "no 4xx or 5xx response".into());
    }
    for (status, response) in responses {
        let at = join(&pointer, &[status]);
        let valid_key = status == "default"
            || (status.len() == 3
                && status.chars().all(|c| c.is_ascii_digit())
                && ('1'..='5').contains(&class(status)))
            || (status.len() == 3 && ('1'..='5').contains(&class(status)) && &status[1..] == "XX");
        if !valid_key {
            add(at.clone(), format!("{status:?} is not a status code"));
        }
        let response = match spec.resolve(response) {
            Ok((r, _)) => r,
            Err(e) => {
                add(at, e);
                continue;
            }
        };
        let content = response.get("content").and_then(Value::as_object);
        let types: Vec<&String> = content.map(|c| c.keys().collect()).unwrap_or_default();
        if types != [&"application/json".to_owned()] {
            add(
                at,
                format!("responds with {types:?}; every response must be application/json"),
            );
            continue;
        }
        match spec.json_schema_of(response).map(|s| spec.resolve(s)) {
            Some(Ok((schema, _))) if is_envelope(schema) => {}
            Some(Err(e)) => add(at, e),
            _ => add(
                at,
                "the schema is not the envelope: an object with an integer `code` (required), `message` and `response`".into(),
            ),
        }
    }
}

fn is_envelope(schema: &Value) -> bool {
    let props = schema.get("properties");
    let has = |k: &str| props.and_then(|p| p.get(k)).is_some();
    let code_required = schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|v| v == "code"));
    let code_integer = props
        .and_then(|p| p.get("code"))
        .and_then(|c| c.get("type"))
        .and_then(Value::as_str)
        == Some("integer");
    has("code") && has("message") && has("response") && code_required && code_integer
}

/// Numeric keywords are numbers, and `enum` and `x-extensible-enum` appear only on named
/// components. `names` is true when the keys of `v` are property names rather than keywords.
fn keywords(v: &Value, pointer: &str, names: bool, add: &mut impl FnMut(String, String)) {
    match v {
        Value::Object(map) => {
            if !names {
                for (k, x) in map {
                    let at = || join(pointer, &[k]);
                    if NUMBERS.contains(&k.as_str()) && !x.is_number() {
                        add(at(), format!("{k} must be a number, not {x}"));
                    }
                    if COUNTS.contains(&k.as_str()) && x.as_u64().is_none() {
                        add(at(), format!("{k} must be a non-negative integer, not {x}"));
                    }
                    if FLAGS.contains(&k.as_str()) && !x.is_boolean() {
                        add(
                            at(),
                            format!("{k} must be a boolean in OpenAPI 3.0, not {x}"),
                        );
                    }
                }
                // `{nullable: true, enum: [null]}` is the null branch of a nullable `$ref`
                // (`anyOf: [{$ref}, {nullable: true, enum: [null]}]`), not an enum.
                let null_branch = map
                    .get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|e| e.iter().all(Value::is_null));
                for key in ["enum", "x-extensible-enum"] {
                    let stray = key != "enum" || !null_branch;
                    if map.contains_key(key) && stray && !is_named_schema(pointer) {
                        add(
                            join(pointer, &[key]),
                            "an enum must be a named component under /components/schemas, referenced with $ref".into(),
                        );
                    }
                }
            }
            for (k, x) in map {
                if !names && (k == "example" || k == "examples" || k.starts_with("x-")) {
                    continue;
                }
                let child_names = !names && NAME_MAPS.contains(&k.as_str()) && x.is_object();
                keywords(x, &join(pointer, &[k]), child_names, add);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                keywords(x, &format!("{pointer}/{i}"), false, add);
            }
        }
        _ => {}
    }
}

/// A named component itself (`/components/schemas/Name`).
fn is_named_schema(pointer: &str) -> bool {
    pointer
        .strip_prefix("/components/schemas/")
        .is_some_and(|rest| !rest.contains('/'))
}

/// Every `$ref` resolves, and every component is used (reachable from the paths).
fn references(spec: &Spec, add: &mut impl FnMut(String, String)) {
    let mut refs = Vec::new();
    collect_refs(&spec.raw, "", &mut refs);
    for (pointer, target) in &refs {
        let ok = target
            .strip_prefix('#')
            .is_some_and(|p| spec.raw.pointer(p).is_some());
        if !ok {
            add(
                pointer.clone(),
                format!("$ref {target:?} names nothing in the document"),
            );
        }
    }
    // Reachability from everything outside /components.
    let mut reached: BTreeSet<String> = BTreeSet::new();
    let mut todo: Vec<String> = refs
        .iter()
        .filter(|(p, _)| !p.starts_with("/components/"))
        .filter_map(|(_, t)| t.strip_prefix('#').map(str::to_owned))
        .collect();
    while let Some(target) = todo.pop() {
        if !reached.insert(target.clone()) {
            continue;
        }
        if let Some(v) = spec.raw.pointer(&target) {
            let mut inner = Vec::new();
            collect_refs(v, &target, &mut inner);
            todo.extend(
                inner
                    .into_iter()
                    .filter_map(|(_, t)| t.strip_prefix('#').map(str::to_owned)),
            );
        }
    }
    for kind in COMPONENT_KINDS {
        let Some(items) = spec
            .raw
            .pointer(&format!("/components/{kind}"))
            .and_then(Value::as_object)
        else {
            continue;
        };
        for name in items.keys() {
            let pointer = format!("/components/{kind}/{}", esc(name));
            if !reached
                .iter()
                .any(|r| r == &pointer || r.starts_with(&format!("{pointer}/")))
            {
                add(pointer, format!("{kind} component {name:?} is not used"));
            }
        }
    }
}

fn collect_refs(v: &Value, pointer: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                if k == "$ref" {
                    if let Some(t) = x.as_str() {
                        out.push((join(pointer, &["$ref"]), t.to_owned()));
                    }
                } else {
                    collect_refs(x, &join(pointer, &[k]), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                collect_refs(x, &format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// A security scheme is declared and applied, and every requirement names a declared scheme.
fn security(spec: &Spec, add: &mut impl FnMut(String, String)) {
    let schemes: BTreeSet<&str> = spec
        .raw
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    if schemes.is_empty() {
        add(
            "/components".into(),
            "no security scheme is declared".into(),
        );
    }
    let mut check = |pointer: String, requirements: &Value| {
        let mut applied = false;
        for (i, req) in requirements.as_array().into_iter().flatten().enumerate() {
            for name in req.as_object().into_iter().flat_map(|m| m.keys()) {
                applied = true;
                if !schemes.contains(name.as_str()) {
                    add(
                        format!("{pointer}/{i}"),
                        format!("security scheme {name:?} is not declared"),
                    );
                }
            }
        }
        applied
    };
    let global = spec
        .raw
        .get("security")
        .map(|s| check("/security".into(), s))
        .unwrap_or(false);
    let mut unprotected = Vec::new();
    for op in spec.operations() {
        match op.op.get("security") {
            Some(s) => {
                check(join(&op.pointer, &["security"]), s);
            }
            None if !global => unprotected.push(op.pointer.clone()),
            None => {}
        }
    }
    for pointer in unprotected {
        add(
            pointer,
            "no security applies: declare it here or at the top level (use `security: []` for an open endpoint)".into(),
        );
    }
}
