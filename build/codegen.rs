//! How the low-level client and the public data types are generated from the spec; shared by
//! `build.rs` and `cargo xtask codegen`.
//!
//! progenitor (typify underneath) generates every data type from the spec's components. What
//! the spec says in its own words is mapped to Rust by convention, never per field:
//!
//! | in the spec | in Rust |
//! |---|---|
//! | `$ref: Amount`, `$ref: UnixTime` | the hand-written type of that name (`$ref: Won`, a whole amount of won, is `Amount` too) |
//! | a string component with `enum` (closed) or `x-extensible-enum` (open) | a public enum of that name made by the crate's `open_enum!`: variants named by `x-enum-varnames`, documented by `x-enum-descriptions`, and `Unknown(String)` for any other value |
//! | `$ref: EventTime` (`0` means "has not happened") | `Option<UnixTime>`, `0` and `null` ⇄ `None` |
//! | an optional or nullable array in a response | `Vec<T>`; absent and `null` decode as empty |
//! | an optional array in a request | `Option<Vec<T>>`: absent and empty stay apart (the server gives absence a meaning, e.g. "all") |
//! | `format: password` on a string | `iamport::Secret`: `Debug` never shows it |
//! | `x-personal: true` on a property | the struct's `Debug` shows the field as redacted; its name is in `PERSONAL_KEYS`, whose values error excerpts mask |
//! | a property named `type` | a field `r#type` |
//! | `nullable: true` in a response | `None` is written back as `null`; an optional one as absent |
//! | `minLength`, `maxLength`, `pattern` on strings | left to the facade, which checks ids before sending |
//! | `default` on a request component's property | left out of what typify reads: the field stays an `Option`, left out when unset (the server applies its default) |
//! | a `default` response | left out of what progenitor reads: the client reads the envelope of any status not listed |
//! | an envelope whose `response` has no type (any JSON) | its payload is a `serde_json::Value`, and `null` with code `0` is a success (`Value::Null`): the answer of an operation that carries nothing useful |
//! | a `oneOf` of `$ref`s to objects | a public enum with a variant per branch (serde `untagged`: the first branch whose required fields are present), `#[non_exhaustive]` |
//! | `x-feature` on a tag | the cargo feature of the API group: with it off, the group's operations and the components only they reach are not generated (`generate_groups`) |
//! | an operation's method and path template | `OPERATIONS`: a lost change's ids are read from its own path parameters; each call's trace span names its route |
//! | a property named `imp_uid`, `merchant_uid` or `customer_uid` anywhere in an operation's JSON request body (through `$ref`, `allOf`, `anyOf`, `oneOf`, properties and `items`), and `amount` at the body's root | `BODY_IDS`: each one's key path, `*` for every item of a list; a lost change's ids and amount are read from its body by them |
//!
//! Every component object is a public struct with `#[non_exhaustive]`, `PartialEq`, its fields
//! in the spec's order and the spec's descriptions as docs; those reachable from a request body
//! also get `new(required..)` and a setter per optional field. Envelopes (`*Envelope`) implement
//! the crate's `Envelope` trait and hold an object payload in a `Box`; they and the token
//! exchange's types stay private.
//!
//! The operations' bodies get three mechanical rewrites, each an error if the generated code
//! no longer has the shape it expects, and each kept because it changes what the client does:
//! - `drop_api_version_header`: the `api-version` header progenitor adds from the spec's
//!   version is not sent (the API knows no such header, and the spec's version is not the
//!   server's);
//! - `decode_read_bodies`: a response is decoded from the body the `exec` hook already read
//!   whole, under the size cap (progenitor would read it again, uncapped);
//! - `encode_paths_in_place`: path parameters are percent-encoded with `+` as `%2B` (a server
//!   that decodes paths as form data reads a bare `+` as a space, and another id).
//!
//! Rewrites that only saved CPU on loopback (about 3 µs of a call that takes milliseconds over
//! the network: skipping absent query parameters, starting each URL from a base parsed once)
//! are not made; the loopback benchmark in `BENCHMARKS.md` (R7) shows what they were worth.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Span, TokenStream};
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TypeImpl};
use quote::{format_ident, quote};
use serde_json::Value;
use syn::{Attribute, Field, Fields, Ident, Item, ItemStruct, Type, parse_quote};

/// Spec component -> hand-written scalar. `EventTime` is a marker the post-pass below turns
/// into `Option<UnixTime>` with the zero-as-none serde helpers.
pub const SCALARS: &[(&str, &str)] = &[
    ("Amount", "crate::Amount"),
    ("Won", "crate::Amount"),
    ("UnixTime", "crate::UnixTime"),
    ("EventTime", "crate::EventTime"),
];

/// Components that are generated but not public: the token exchange's request and answer
/// (the crate handles them) and the error envelope.
pub const INTERNAL: &[&str] = &["TokenRequest", "AccessToken", "ErrorEnvelope"];

/// What the generation needs to know of the spec beyond what typify reads.
#[derive(Debug, Default)]
pub struct Model {
    /// Object components: their properties in the spec's order.
    pub objects: BTreeMap<String, Component>,
    /// Components that are one of several object components (`oneOf` of `$ref`s only): a
    /// public enum with one variant per branch, told apart by the fields each requires.
    pub unions: BTreeSet<String>,
    /// Object components reachable from a request body.
    pub requests: BTreeSet<String>,
    /// Each operation's `operationId`, HTTP method (upper case) and path template
    /// (`/payments/{imp_uid}/balance`).
    pub operations: Vec<(String, String, String)>,
    /// Where each operation with a JSON request body carries the ids of its change:
    /// (operationId, [(id name, key path)]), `*` in a path for every item of a list. See
    /// `body_ids`.
    pub body_ids: Vec<(String, BodyIds)>,
    /// String components with known values: generated as the crate's open enums.
    pub enums: Vec<EnumDef>,
    /// Each request component's properties that carry limits, with their checks.
    pub body_checks: BTreeMap<String, Vec<(String, Vec<Check>)>>,
    /// Each operation's parameters that carry limits: (operationId, [(name, checks)]).
    pub param_checks: BTreeMap<String, Vec<(String, Vec<Check>)>>,
}

/// Where one request body carries the ids of its change: (id name, key path), `*` in a path
/// for every item of a list.
pub type BodyIds = Vec<(String, Vec<String>)>;

/// One check of a value, read from the spec's limits; run before a request is sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// An id (a path parameter, or a `*_uid` property or query value): not blank, at most
    /// this many characters, never a path step (`.`, `..`), a backslash or a control
    /// character.
    Id(usize),
    /// A value of an enum placed in a path: checked like an id, and without `/`.
    PathValue,
    /// A text's length in characters: at least, at most.
    Length(usize, Option<usize>),
    /// A text matches this regular expression.
    Pattern(String),
    /// A list's length: at least, at most.
    Items(usize, Option<usize>),
    /// Every item of a list.
    Each(Vec<Check>),
    /// A number's range (an integer's, or an amount's): its least and its most, each with
    /// whether that bound is itself excluded (`exclusiveMinimum`, `exclusiveMaximum`).
    Range(Option<(i64, bool)>, Option<(i64, bool)>),
    /// An object with checks of its own (a request component's `Check` impl).
    Nested,
}

/// A string component with known values (`enum`, or `x-extensible-enum` for the server's own),
/// their variant names (`x-enum-varnames`) and docs (`x-enum-descriptions`).
#[derive(Debug, Default)]
pub struct EnumDef {
    /// The component's name, which is the Rust enum's.
    pub name: String,
    /// The component's description.
    pub doc: String,
    /// Whether the server owns it (`x-extensible-enum`): it may send values not listed.
    pub open: bool,
    /// Each known value: (variant name, value on the wire, description).
    pub variants: Vec<(String, String, String)>,
}

/// One object component.
#[derive(Debug, Default)]
pub struct Component {
    /// Property names, in the spec's order.
    pub properties: Vec<String>,
    /// Required properties that are not nullable: the arguments of `new`.
    pub required: BTreeSet<String>,
    /// Properties that may be `null`.
    pub nullable: BTreeSet<String>,
    /// Properties marked `x-personal: true`.
    pub personal: BTreeSet<String>,
    /// Properties with `format: password`.
    pub secret: BTreeSet<String>,
}

impl Model {
    /// Reads the components and what references them.
    pub fn read(spec: &Value) -> Model {
        let mut model = Model::default();
        let schemas = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object);
        for (name, schema) in schemas.into_iter().flatten() {
            if is_union(schema) {
                model.unions.insert(name.clone());
                continue;
            }
            let Some(props) = schema.get("properties").and_then(Value::as_object) else {
                continue;
            };
            let required: BTreeSet<String> = schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            let mut c = Component::default();
            for (prop, s) in props {
                c.properties.push(prop.clone());
                let nullable = s.get("nullable") == Some(&Value::Bool(true)) || any_null(s);
                if required.contains(prop) && !nullable {
                    c.required.insert(prop.clone());
                }
                if nullable {
                    c.nullable.insert(prop.clone());
                }
                if s.get("x-personal") == Some(&Value::Bool(true)) {
                    c.personal.insert(prop.clone());
                }
                if s.get("format").and_then(Value::as_str) == Some("password") {
                    c.secret.insert(prop.clone());
                }
            }
            model.objects.insert(name.clone(), c);
        }
        let paths = spec.get("paths").and_then(Value::as_object);
        for (path, item) in paths.into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                    let method = method.to_ascii_uppercase();
                    model.operations.push((id.to_owned(), method, path.clone()));
                    let body = op.get("requestBody").map(|b| resolve(spec, b));
                    if let Some(schema) =
                        body.and_then(|b| b.pointer("/content/application~1json/schema"))
                    {
                        model.body_ids.push((id.to_owned(), body_ids(spec, schema)));
                    }
                }
            }
        }
        let mut roots = Vec::new();
        let methods = spec.get("paths").and_then(Value::as_object);
        for item in methods.into_iter().flat_map(|m| m.values()) {
            for op in item.as_object().into_iter().flat_map(|o| o.values()) {
                if let Some(body) = op.pointer("/requestBody/content") {
                    collect_refs(body, &mut roots);
                }
            }
        }
        while let Some(name) = roots.pop() {
            if model.requests.insert(name.clone())
                && let Some(schema) = spec.pointer(&format!("/components/schemas/{name}"))
            {
                collect_refs(schema, &mut roots);
            }
        }
        model.requests.retain(|n| model.objects.contains_key(n));
        model
    }

    /// Puts each component's properties in the order the document lists them (a JSON map
    /// sorts its keys; the OpenAPI model keeps them as written).
    pub fn order_properties(&mut self, spec: &openapiv3::OpenAPI) {
        let schemas = spec.components.iter().flat_map(|c| &c.schemas);
        for (name, schema) in schemas {
            let (Some(component), openapiv3::ReferenceOr::Item(schema)) =
                (self.objects.get_mut(name), schema)
            else {
                continue;
            };
            if let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) =
                &schema.schema_kind
            {
                component.properties = object.properties.keys().cloned().collect();
            }
        }
    }

    /// The public data types: object components that are neither envelopes nor internal, and
    /// unions of objects.
    pub fn public(&self) -> Vec<&str> {
        let mut public: Vec<&str> = self
            .objects
            .keys()
            .map(String::as_str)
            .filter(|n| !n.ends_with("Envelope") && !INTERNAL.contains(n))
            .chain(self.unions.iter().map(String::as_str))
            .collect();
        public.sort_unstable();
        public
    }
}

/// Whether a component is a union of object components: a `oneOf` whose every branch is a
/// plain `$ref` (a branch admitting `null` makes a nullable value, not a union).
pub fn is_union(schema: &Value) -> bool {
    schema
        .get("oneOf")
        .and_then(Value::as_array)
        .is_some_and(|branches| {
            !branches.is_empty()
                && branches.iter().all(|b| {
                    b.as_object()
                        .is_some_and(|o| o.len() == 1 && o.contains_key("$ref"))
                })
        })
}

/// Whether a schema admits `null` through an `anyOf`/`oneOf` branch.
fn any_null(schema: &Value) -> bool {
    ["anyOf", "oneOf"].iter().any(|k| {
        schema
            .get(*k)
            .and_then(Value::as_array)
            .is_some_and(|branches| {
                branches.iter().any(|b| {
                    b.get("enum")
                        .and_then(Value::as_array)
                        .is_some_and(|e| e.iter().all(Value::is_null))
                })
            })
    })
}

/// The property names whose values, anywhere in a request body, are the ids of the change it
/// asks for: what [`body_ids`] looks for, with `amount` at the root.
const BODY_ID_NAMES: &[&str] = &["imp_uid", "merchant_uid", "customer_uid"];

/// Where a request body `schema` carries the ids of its change, as (name, key path): every
/// property named in [`BODY_ID_NAMES`], at any depth, and `amount` at the root only. The amount
/// is the one the change moves (charged, cancelled, prepared); the amount of each entry of a
/// list (a schedule's charges) is one of several and is left out. `$ref`s are followed (a
/// component once on each path), and so are `allOf`, `anyOf` and `oneOf` branches, properties
/// and array `items`, whose step in the path is `*`; an id that is a list ends in `*` too, so
/// each path leads to single values.
fn body_ids(spec: &Value, schema: &Value) -> BodyIds {
    let mut out = Vec::new();
    walk_body(
        spec,
        schema,
        None,
        &mut Vec::new(),
        &mut Vec::new(),
        &mut out,
    );
    out
}

/// One step of [`body_ids`]: `schema` is at `path`, and is the value of the id `id` (or of
/// its items) when that is given.
fn walk_body<'a>(
    spec: &'a Value,
    schema: &'a Value,
    id: Option<&str>,
    path: &mut Vec<String>,
    within: &mut Vec<&'a str>,
    out: &mut BodyIds,
) {
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        if let Some(target) = spec.pointer(&format!("/components/schemas/{name}"))
            && !within.contains(&name)
        {
            within.push(name);
            walk_body(spec, target, id, path, within, out);
            within.pop();
        }
        return;
    }
    let branches = ["allOf", "anyOf", "oneOf"]
        .iter()
        .filter_map(|k| schema.get(*k).and_then(Value::as_array))
        .flatten()
        .collect::<Vec<_>>();
    for branch in &branches {
        walk_body(spec, branch, id, path, within, out);
    }
    if let Some(items) = schema.get("items") {
        path.push("*".to_owned());
        walk_body(spec, items, id, path, within, out);
        path.pop();
        return;
    }
    match id {
        Some(id) if branches.is_empty() => {
            let found = (id.to_owned(), path.clone());
            if !out.contains(&found) {
                out.push(found);
            }
        }
        Some(_) => {}
        None => {
            let props = schema.get("properties").and_then(Value::as_object);
            for (name, value) in props.into_iter().flatten() {
                let is_id =
                    BODY_ID_NAMES.contains(&name.as_str()) || (name == "amount" && path.is_empty());
                path.push(name.clone());
                walk_body(spec, value, is_id.then_some(name), path, within, out);
                path.pop();
            }
        }
    }
}

/// Each tag's cargo feature (`x-feature` in the spec's `tags`); tags without one are always
/// compiled.
pub fn features_of_tags(spec: &Value) -> BTreeMap<String, String> {
    let tags = spec.get("tags").and_then(Value::as_array);
    tags.into_iter()
        .flatten()
        .filter_map(|t| {
            let name = t.get("name")?.as_str()?;
            let feature = t.get("x-feature")?.as_str()?;
            Some((name.to_owned(), feature.to_owned()))
        })
        .collect()
}

/// Leaves out of `spec` the operations of the groups whose feature is off, then every
/// component (schema, response, parameter) that no operation left reaches. An operation whose
/// tag is not declared, or that has no tag, is an error: it would belong to no group.
fn select_groups(spec: &mut Value, enabled: &dyn Fn(&str) -> bool) -> Result<(), String> {
    let features = features_of_tags(spec);
    let declared: BTreeSet<String> = spec
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| Some(t.get("name")?.as_str()?.to_owned()))
        .collect();
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let mut dropped = Vec::new();
        for (method, op) in item.iter() {
            let Some(tags) = op.get("tags").and_then(Value::as_array) else {
                if HTTP_METHODS.contains(&method.as_str()) {
                    return Err(format!("{method} {path}: no tag names its API group"));
                }
                continue;
            };
            for tag in tags.iter().filter_map(Value::as_str) {
                if !declared.contains(tag) {
                    return Err(format!("{method} {path}: tag {tag:?} is not declared"));
                }
                if features.get(tag).is_some_and(|f| !enabled(f)) {
                    dropped.push(method.clone());
                }
            }
        }
        for method in dropped {
            item.remove(&method);
        }
    }
    paths.retain(|_, item| {
        item.as_object()
            .is_some_and(|m| m.keys().any(|k| HTTP_METHODS.contains(&k.as_str())))
    });
    // Everything the operations left reach, through responses, parameters and schemas.
    let mut reached: BTreeSet<String> = BTreeSet::new();
    let mut todo = Vec::new();
    collect_component_refs(&spec["paths"], &mut todo);
    while let Some(r) = todo.pop() {
        if reached.insert(r.clone()) {
            let mut parts = r.splitn(2, '/');
            let (Some(kind), Some(name)) = (parts.next(), parts.next()) else {
                continue;
            };
            if let Some(target) = spec["components"].get(kind).and_then(|k| k.get(name)) {
                collect_component_refs(target, &mut todo);
            }
        }
    }
    if let Some(components) = spec.get_mut("components").and_then(Value::as_object_mut) {
        for kind in ["schemas", "responses", "parameters", "requestBodies"] {
            if let Some(map) = components.get_mut(kind).and_then(Value::as_object_mut) {
                map.retain(|name, _| reached.contains(&format!("{kind}/{name}")));
            }
        }
    }
    Ok(())
}

const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every component a `$ref` inside `value` names, as `kind/name` (`schemas/Payment`).
fn collect_component_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v.as_str()) {
                    ("$ref", Some(r)) => {
                        if let Some(rest) = r.strip_prefix("#/components/") {
                            out.push(rest.to_owned());
                        }
                    }
                    _ => collect_component_refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_component_refs(v, out)),
        _ => {}
    }
}

/// Every schema component named by a `$ref` inside `value`.
fn collect_refs(value: &Value, out: &mut Vec<String>) {
    let mut all = Vec::new();
    collect_component_refs(value, &mut all);
    out.extend(
        all.into_iter()
            .filter_map(|r| r.strip_prefix("schemas/").map(str::to_owned)),
    );
}

/// Reads every string component with known values: closed (`enum`, a request's choice) or
/// open (`x-extensible-enum`, the server's own, which may gain values). `x-enum-varnames`
/// names the variants (`-paid` cannot name itself); without it a value's name is its words in
/// upper camel case. `x-enum-descriptions` documents them. Lists of other lengths, a name that
/// is not an identifier or is given twice, and a value that is not a string are errors.
fn enum_defs(spec: &Value) -> Result<Vec<EnumDef>, String> {
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let mut out = Vec::new();
    for (name, schema) in schemas.into_iter().flatten() {
        let (values, open) = match (schema.get("enum"), schema.get("x-extensible-enum")) {
            (Some(_), Some(_)) => {
                return Err(format!(
                    "{name}: both `enum` and `x-extensible-enum`; a component is either closed or open"
                ));
            }
            (Some(v), None) => (v, false),
            (None, Some(v)) => (v, true),
            (None, None) => continue,
        };
        if schema.get("type").and_then(Value::as_str) != Some("string") {
            return Err(format!("{name}: an enum component must be `type: string`"));
        }
        let values: Vec<String> = values
            .as_array()
            .ok_or_else(|| format!("{name}: the known values must be a list"))?
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("{name}: the value {v} is not a string"))
            })
            .collect::<Result<_, _>>()?;
        if values.is_empty() {
            return Err(format!("{name}: an enum lists no values"));
        }
        let strings = |key: &str| -> Result<Option<Vec<String>>, String> {
            let Some(list) = schema.get(key) else {
                return Ok(None);
            };
            let list: Vec<String> = list
                .as_array()
                .ok_or_else(|| format!("{name}: `{key}` must be a list"))?
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<_>>()
                .ok_or_else(|| format!("{name}: `{key}` must list strings"))?;
            if list.len() != values.len() {
                return Err(format!(
                    "{name}: `{key}` has {} entries for {} values",
                    list.len(),
                    values.len()
                ));
            }
            Ok(Some(list))
        };
        let names = strings("x-enum-varnames")?
            .unwrap_or_else(|| values.iter().map(|v| upper_camel(v)).collect());
        let docs = strings("x-enum-descriptions")?
            .unwrap_or_else(|| values.iter().map(|v| format!("`{v}`.")).collect());
        let mut seen = BTreeSet::new();
        for n in &names {
            let ident = syn::parse_str::<Ident>(n).ok();
            if ident.is_none() || n == "Unknown" || !n.starts_with(|c: char| c.is_ascii_uppercase())
            {
                return Err(format!(
                    "{name}: `{n}` cannot name a variant (an upper-case identifier other than Unknown)"
                ));
            }
            if !seen.insert(n) {
                return Err(format!("{name}: the variant name `{n}` is given twice"));
            }
        }
        let doc = schema
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim_end()
            .to_owned();
        out.push(EnumDef {
            name: name.clone(),
            doc,
            open,
            variants: names
                .into_iter()
                .zip(values)
                .zip(docs)
                .map(|((n, v), d)| (n, v, d))
                .collect(),
        });
    }
    Ok(out)
}

/// `paid` -> `Paid`, `-started` -> `Started`, `html5_inicis` -> `Html5Inicis`, `KRW` -> `Krw`.
fn upper_camel(value: &str) -> String {
    value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The open enums of the spec, each an invocation of the crate's `open_enum!`: the values,
/// names and docs are the spec's, the behaviour the macro's.
fn enum_items(enums: &[EnumDef]) -> Vec<TokenStream> {
    enums
        .iter()
        .map(|e| {
            let name = format_ident!("{}", e.name);
            let mut doc: Vec<String> = e.doc.lines().map(|l| format!(" {l}")).collect();
            if e.open {
                doc.extend([
                    String::new(),
                    " The server may send values that are not listed here; they are kept in \
                     `Unknown`."
                        .to_owned(),
                ]);
            }
            let variants = e.variants.iter().map(|(n, wire, d)| {
                let n = format_ident!("{n}");
                let d = format!(" {d}");
                quote!(#[doc = #d] #n = #wire,)
            });
            quote! {
                crate::enums::open_enum! {
                    #(#[doc = #doc])*
                    #name {
                        #(#variants)*
                    }
                }
            }
        })
        .collect()
}

/// The checks a schema's limits call for: `minLength`, `maxLength` and `pattern` on strings,
/// `minItems`, `maxItems` and the items' own on arrays, `minimum` and `maximum` (and their
/// `exclusive` flags) on integers and amounts, also beside a `$ref`,
/// and a request component's own checks (`$ref`, alone or as the one `allOf`). `id` says the
/// value is an id (a path parameter, or named `*_uid`): its limits are an id's rules.
fn checks_of(spec: &Value, schema: &Value, id: bool, with_checks: &BTreeSet<String>) -> Vec<Check> {
    let target = schema
        .get("$ref")
        .or_else(|| schema.pointer("/allOf/0/$ref"))
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"));
    if let Some(name) = target {
        let resolved = spec.pointer(&format!("/components/schemas/{name}"));
        if resolved.is_some_and(|s| s.get("enum").is_some() || s.get("x-extensible-enum").is_some())
        {
            return Vec::new();
        }
        if with_checks.contains(name) {
            return vec![Check::Nested];
        }
        let mut out = resolved.map_or_else(Vec::new, |s| checks_of(spec, s, id, with_checks));
        // Limits beside the reference narrow it: an amount that must be more than 0 is
        // `allOf: [{$ref: Amount}]` with `minimum: 0` and `exclusiveMinimum: true`.
        out.extend(range_of(schema, true));
        return out;
    }
    let count = |k: &str| {
        schema
            .get(k)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
    };
    let mut out = Vec::new();
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => {
            let (min, max) = (count("minLength").unwrap_or(0), count("maxLength"));
            match (id, max) {
                (true, Some(max)) => out.push(Check::Id(max)),
                _ if min > 0 || max.is_some() => out.push(Check::Length(min, max)),
                _ => {}
            }
            if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
                out.push(Check::Pattern(p.to_owned()));
            }
        }
        Some("array") => {
            let (min, max) = (count("minItems").unwrap_or(0), count("maxItems"));
            if min > 0 || max.is_some() {
                out.push(Check::Items(min, max));
            }
            if let Some(items) = schema.get("items") {
                let each = checks_of(spec, items, id, with_checks);
                if !each.is_empty() {
                    out.push(Check::Each(each));
                }
            }
        }
        // `minimum: 0` on an integer (a count, a time) says nothing its type does not.
        Some("integer") => out.extend(range_of(schema, false)),
        Some("number") => out.extend(range_of(schema, true)),
        _ => {}
    }
    out
}

/// The range a schema's `minimum` and `maximum` (whole numbers) give, with their
/// `exclusiveMinimum` and `exclusiveMaximum` flags (OpenAPI 3.0's booleans). `zero` says
/// whether an inclusive `minimum: 0` is a check of its own (for amounts, which may be
/// negative) or says nothing (for integers, typed unsigned or never negative).
fn range_of(schema: &Value, zero: bool) -> Option<Check> {
    let bound = |k: &str, flag: &str| {
        let excluded = schema.get(flag).and_then(Value::as_bool).unwrap_or(false);
        schema.get(k).and_then(Value::as_i64).map(|m| (m, excluded))
    };
    let min = bound("minimum", "exclusiveMinimum").filter(|&(m, ex)| zero || m != 0 || ex);
    let max = bound("maximum", "exclusiveMaximum");
    (min.is_some() || max.is_some()).then_some(Check::Range(min, max))
}

/// A schema or parameter by `$ref`, resolved once.
fn resolve<'a>(spec: &'a Value, v: &'a Value) -> &'a Value {
    v.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|p| spec.pointer(p))
        .unwrap_or(v)
}

/// Whether a property or parameter name says it holds an id (`imp_uid`, `merchant_uid[]`).
fn is_id_name(name: &str) -> bool {
    name.trim_end_matches("[]").ends_with("_uid")
}

/// The checks of every request component and every operation's parameters.
fn read_checks(spec: &Value, model: &mut Model) -> Result<(), String> {
    // A component has checks when a property of its has some, a nested component's included:
    // computed again until no component gains checks.
    let mut with_checks = BTreeSet::new();
    loop {
        let mut found = BTreeMap::new();
        for name in &model.requests {
            let props = spec
                .pointer(&format!("/components/schemas/{name}/properties"))
                .and_then(Value::as_object);
            let list: Vec<(String, Vec<Check>)> = props
                .into_iter()
                .flatten()
                .map(|(p, s)| (p.clone(), checks_of(spec, s, is_id_name(p), &with_checks)))
                .filter(|(_, c)| !c.is_empty())
                .collect();
            if !list.is_empty() {
                found.insert(name.clone(), list);
            }
        }
        let names: BTreeSet<String> = found.keys().cloned().collect();
        model.body_checks = found;
        if names == with_checks {
            break;
        }
        with_checks = names;
    }
    let paths = spec.get("paths").and_then(Value::as_object);
    for item in paths.into_iter().flat_map(|p| p.values()) {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let mut list = Vec::new();
            for param in op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let param = resolve(spec, param);
                let (Some(name), Some(schema)) = (
                    param.get("name").and_then(Value::as_str),
                    param.get("schema"),
                ) else {
                    continue;
                };
                let in_path = param.get("in").and_then(Value::as_str) == Some("path");
                let resolved = resolve(spec, schema);
                let is_enum =
                    resolved.get("enum").is_some() || resolved.get("x-extensible-enum").is_some();
                let checks = if in_path && is_enum {
                    vec![Check::PathValue]
                } else {
                    checks_of(spec, schema, in_path || is_id_name(name), &with_checks)
                };
                if !checks.is_empty() {
                    list.push((name.to_owned(), checks));
                }
            }
            if !list.is_empty() {
                model.param_checks.insert(id.to_owned(), list);
            }
        }
    }
    for checks in model
        .body_checks
        .values()
        .chain(model.param_checks.values())
    {
        for (name, c) in checks {
            patterns_compile(name, c)?;
        }
    }
    Ok(())
}

/// Every pattern among `checks` is a regular expression the crate can run.
fn patterns_compile(name: &str, checks: &[Check]) -> Result<(), String> {
    for c in checks {
        match c {
            Check::Pattern(p) => {
                regex_lite::Regex::new(p)
                    .map_err(|e| format!("{name}: the pattern {p:?} does not compile: {e}"))?;
            }
            Check::Each(inner) => patterns_compile(name, inner)?,
            _ => {}
        }
    }
    Ok(())
}

/// The statements that run `checks` on the expression `value` (a reference), reporting
/// `field` as the input at fault.
fn check_stmts(field: &str, value: &TokenStream, checks: &[Check]) -> TokenStream {
    let stmts = checks.iter().map(|c| match c {
        Check::Id(max) => {
            quote!(crate::input::id(#field, crate::input::Text::text(#value), #max)?;)
        }
        Check::PathValue => {
            quote!(crate::input::path_value(#field, crate::input::Text::text(#value))?;)
        }
        Check::Length(min, max) => {
            let max = opt(max.map(|m| quote!(#m)));
            quote!(crate::input::length(#field, crate::input::Text::text(#value), #min, #max)?;)
        }
        Check::Pattern(p) => quote! {{
            static PATTERN: ::std::sync::LazyLock<Option<::regex_lite::Regex>> =
                ::std::sync::LazyLock::new(|| ::regex_lite::Regex::new(#p).ok());
            crate::input::pattern(#field, crate::input::Text::text(#value), PATTERN.as_ref(), #p)?;
        }},
        Check::Items(min, max) => {
            let max = opt(max.map(|m| quote!(#m)));
            quote!(crate::input::items(#field, #value.len(), #min, #max)?;)
        }
        Check::Each(inner) => {
            let each = check_stmts(field, &quote!(item), inner);
            quote!(for item in #value.iter() { #each })
        }
        Check::Range(min, max) => {
            let min = opt(min.map(|(m, ex)| quote!((#m, #ex))));
            let max = opt(max.map(|(m, ex)| quote!((#m, #ex))));
            quote!(crate::input::range(#field, #value, #min, #max)?;)
        }
        Check::Nested => quote!(crate::input::Check::check(#value)?;),
    });
    quote!(#(#stmts)*)
}

fn opt(v: Option<TokenStream>) -> TokenStream {
    v.map_or_else(|| quote!(None), |v| quote!(Some(#v)))
}

/// Drops each operation's `default` response (any status not listed: the error envelope)
/// from what progenitor reads. progenitor counts `default` among the success responses too,
/// and refuses an operation whose success types differ (the payload's envelope and the error
/// envelope). The client reads the envelope of any status not listed anyway (an unexpected
/// response whose body is the envelope is a refusal), so nothing is lost.
fn drop_default_responses(spec: &mut Value) {
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        for op in item
            .as_object_mut()
            .into_iter()
            .flat_map(|o| o.values_mut())
        {
            if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                responses.remove("default");
            }
        }
    }
}

/// Drops the `default` of each property of a request component from what typify reads: the
/// spec gives the server's value for an absent property, while typify would make the field a
/// plain value filled with that default, and so always sent. An unset field stays `None` and
/// is left out, and the server applies its own default.
fn strip_request_defaults(spec: &mut Value, requests: &BTreeSet<String>) {
    for name in requests {
        let pointer = format!("/components/schemas/{name}/properties");
        if let Some(props) = spec.pointer_mut(&pointer).and_then(Value::as_object_mut) {
            for prop in props.values_mut().filter_map(Value::as_object_mut) {
                prop.remove("default");
            }
        }
    }
}

/// Drops the limits that the generated checks enforce from what typify reads: string limits
/// would make it wrap a string in a checked newtype (and a response must never fail to decode
/// because the server sent a longer id than it documents), a `minimum: 1` would make a page
/// number a `NonZeroU32` that a zero cannot reach the check as, and a range beside an
/// `allOf: [{$ref: Amount}]` would make it a type of its own instead of `crate::Amount`.
fn strip_limits(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let kind = map.get("type").and_then(Value::as_str).map(str::to_owned);
            if kind.as_deref() == Some("string") {
                for k in ["minLength", "maxLength", "pattern"] {
                    map.remove(k);
                }
            }
            if matches!(kind.as_deref(), Some("integer" | "number")) || map.contains_key("allOf") {
                for k in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] {
                    map.remove(k);
                }
            }
            map.values_mut().for_each(strip_limits);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_limits),
        _ => {}
    }
}

/// Formatted Rust source of the client generated from the text of an OpenAPI document.
///
/// # Errors
/// A message saying why the document cannot be read or the client cannot be generated.
#[allow(
    dead_code,
    reason = "the build script generates the groups turned on only"
)]
pub fn generate(spec_text: &str) -> Result<String, String> {
    generate_groups(spec_text, &|_| true)
}

/// The client of the API groups whose cargo feature `enabled` says is on: the operations of a
/// tag whose `x-feature` is off are left out, with every component only they reach. A tag
/// without `x-feature` is always in.
pub fn generate_groups(spec_text: &str, enabled: &dyn Fn(&str) -> bool) -> Result<String, String> {
    let mut raw: Value = serde_norway::from_str(spec_text)
        .map_err(|e| format!("not a valid OpenAPI 3.0 document: {e}"))?;
    select_groups(&mut raw, enabled)?;
    let mut model = Model::read(&raw);
    model.enums = enum_defs(&raw)?;
    read_checks(&raw, &mut model)?;
    strip_limits(&mut raw);
    drop_default_responses(&mut raw);
    strip_request_defaults(&mut raw, &model.requests);
    let spec: openapiv3::OpenAPI = serde_json::from_value(raw)
        .map_err(|e| format!("not a valid OpenAPI 3.0 document: {e}"))?;
    // The JSON value above sorted every map; the document's own order comes from its text.
    // openapiv3 panics on some texts it reads differently a second time: a refusal too.
    let ordered: openapiv3::OpenAPI =
        std::panic::catch_unwind(|| serde_norway::from_str::<openapiv3::OpenAPI>(spec_text))
            .map_err(|_| {
                "not a valid OpenAPI 3.0 document: its text cannot be read again".to_owned()
            })?
            .map_err(|e| format!("not a valid OpenAPI 3.0 document: {e}"))?;
    model.order_properties(&ordered);

    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_hooks(HooksMode::Expected)
        .with_derive("PartialEq")
        .with_inner_type(
            "crate::client::ClientState"
                .parse()
                .map_err(|e| format!("inner type: {e}"))?,
        );
    for name in model.enums.iter().map(|e| &e.name) {
        settings.with_replacement(
            name,
            format!("crate::{name}"),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    for (name, path) in SCALARS {
        settings.with_replacement(name, path, std::iter::empty());
    }

    let mut generator = Generator::new(&settings);
    // The generator panics on some malformed documents (a `$ref` to nothing); that is a
    // refusal like any other.
    let generated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        generator.generate_tokens(&spec)
    }))
    .map_err(|panic| {
        let reason = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        format!("progenitor could not generate a client: {reason}")
    })?;
    let tokens = generated.map_err(|e| format!("progenitor could not generate a client: {e}"))?;
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("the generated code does not parse: {e}"))?;
    post_pass(&mut file, &model)?;
    insert_checks(&mut file, &model)?;
    drop_api_version_header(&mut file)?;
    decode_read_bodies(&mut file)?;
    encode_paths_in_place(&mut file)?;
    Ok(prettyplease::unparse(&file))
}

/// Runs each operation's checks first: the statements that [`check_stmts`] makes of its
/// parameters' limits and, when its body is a request component with checks, the body's
/// `Check` impl, inside `crate::input::before_sending`, which hands a failure to the call
/// as its error before any request is built. A parameter with checks that the generated
/// method does not take is an error.
fn insert_checks(file: &mut syn::File, model: &Model) -> Result<(), String> {
    use syn::{FnArg, ImplItem, Pat};
    let mut done = BTreeSet::new();
    for item in &mut file.items {
        let Item::Impl(imp) = item else { continue };
        for member in &mut imp.items {
            let ImplItem::Fn(f) = member else { continue };
            let op = f.sig.ident.to_string();
            if !model.operations.iter().any(|(id, _, _)| *id == op) {
                continue;
            }
            let args: Vec<(String, Type)> = f
                .sig
                .inputs
                .iter()
                .filter_map(|a| match a {
                    FnArg::Typed(t) => match &*t.pat {
                        Pat::Ident(i) => Some((i.ident.to_string(), (*t.ty).clone())),
                        _ => None,
                    },
                    FnArg::Receiver(_) => None,
                })
                .collect();
            let mut stmts = Vec::new();
            for (name, checks) in model.param_checks.get(&op).into_iter().flatten() {
                let arg: String = name
                    .trim_end_matches("[]")
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect();
                let Some((_, ty)) = args.iter().find(|(a, _)| *a == arg) else {
                    return Err(format!(
                        "`{op}` takes no argument `{arg}` for its parameter {name:?}; the check post-pass needs updating"
                    ));
                };
                let ident = format_ident!("{arg}");
                let field = name.trim_end_matches("[]");
                let body = check_stmts(field, &quote!(value), checks);
                stmts.push(if inner(ty, "Option").is_some() {
                    quote!(if let Some(value) = #ident.as_ref() { #body })
                } else {
                    quote!({ let value = &#ident; #body })
                });
            }
            if let Some((_, ty)) = args.iter().find(|(a, _)| a == "body") {
                let named = match ty {
                    Type::Reference(r) => match &*r.elem {
                        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                        _ => None,
                    },
                    _ => None,
                };
                if named.is_some_and(|n| model.body_checks.contains_key(&n)) {
                    stmts.push(quote!(crate::input::Check::check(body)?;));
                }
            }
            if stmts.is_empty() {
                continue;
            }
            let check: syn::Stmt = parse_quote! {
                crate::input::before_sending(|| -> crate::Result<()> {
                    #(#stmts)*
                    Ok(())
                })?;
            };
            f.block.stmts.insert(0, check);
            done.insert(op);
        }
    }
    for op in model.param_checks.keys() {
        if !done.contains(op) {
            return Err(format!(
                "no generated method `{op}` to check the parameters of"
            ));
        }
    }
    Ok(())
}

/// Each request component with checks implements `crate::input::Check`: every property
/// with limits is checked, an absent optional one is not.
fn check_impl(s: &ItemStruct, checks: &[(String, Vec<Check>)]) -> Result<Item, String> {
    let name = &s.ident;
    let mut stmts = Vec::new();
    // In the order of the fields, which is the spec's.
    let position = |prop: &String| s.fields.iter().position(|f| wire_name(f) == *prop);
    let mut checks: Vec<&(String, Vec<Check>)> = checks.iter().collect();
    checks.sort_by_key(|(prop, _)| position(prop));
    for (prop, list) in checks {
        let field = s
            .fields
            .iter()
            .find(|f| wire_name(f) == *prop)
            .ok_or_else(|| format!("{name} has no field for the property {prop:?}"))?;
        let ident = field
            .ident
            .as_ref()
            .ok_or("a tuple struct among the types")?;
        let body = check_stmts(prop, &quote!(value), list);
        stmts.push(if inner(&field.ty, "Option").is_some() {
            quote!(if let Some(value) = self.#ident.as_ref() { #body })
        } else {
            quote!({ let value = &self.#ident; #body })
        });
    }
    Ok(parse_quote! {
        impl crate::input::Check for #name {
            fn check(&self) -> crate::Result<()> {
                #(#stmts)*
                Ok(())
            }
        }
    })
}

/// progenitor sends the document's `info.version` in an `api-version` header with every request;
/// the API has no use for it. Each operation builds a header map for it alone, merged into the
/// request: that map, the header and the merge are removed, which spares every call an
/// allocation and a header-map merge. An operation whose map holds any other header is an error,
/// so a spec that gains header parameters is noticed here.
fn drop_api_version_header(file: &mut syn::File) -> Result<(), String> {
    use syn::{Expr, ImplItem, Stmt, visit_mut::VisitMut};

    struct Unmerge;
    impl VisitMut for Unmerge {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            if let Expr::MethodCall(call) = expr
                && call.method == "headers"
                && call.args.len() == 1
                && matches!(&call.args[0], Expr::Path(p) if p.path.is_ident("header_map"))
            {
                *expr = (*call.receiver).clone();
                self.visit_expr_mut(expr);
                return;
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }

    let is_map = |e: &Expr| matches!(e, Expr::Path(p) if p.path.is_ident("header_map"));
    let mut dropped = 0;
    for item in &mut file.items {
        let Item::Impl(imp) = item else { continue };
        for member in &mut imp.items {
            let ImplItem::Fn(f) = member else { continue };
            let mut declared = false;
            let mut other = false;
            f.block.stmts.retain(|stmt| match stmt {
                Stmt::Local(local) => {
                    let named = matches!(&local.pat, syn::Pat::Ident(i) if i.ident == "header_map");
                    declared |= named;
                    !named
                }
                Stmt::Expr(Expr::MethodCall(call), _) if is_map(&call.receiver) => {
                    let header = call.args.first().map(|a| quote!(#a).to_string());
                    if header.is_some_and(|h| h.contains("\"api-version\"")) {
                        false
                    } else {
                        other = true;
                        true
                    }
                }
                _ => true,
            });
            if other {
                return Err(format!(
                    "`{}` sends a header other than api-version; the header post-pass needs updating",
                    f.sig.ident
                ));
            }
            if declared {
                Unmerge.visit_block_mut(&mut f.block);
                dropped += 1;
            }
        }
    }
    if dropped == 0 {
        return Err(
            "no operation builds an api-version header: the generated code changed shape".into(),
        );
    }
    Ok(())
}

/// The `exec` hook reads every response's whole body (for the size cap, and so that a reset in
/// the middle of a body is retried like any failed attempt) and keeps it in the call's context.
/// Each `ResponseValue::from_response(response).await` becomes
/// `crate::envelope::decoded(response)`, which decodes that body where progenitor would read it
/// a second time. It is not `async`, so nothing is held across an `await` after the response
/// arrives. Any other way of reading a response (`stream`, `upgrade`) would find the body
/// already taken, so it is an error here, and so is finding nothing to replace.
fn decode_read_bodies(file: &mut syn::File) -> Result<(), String> {
    use syn::{Expr, visit_mut::VisitMut};

    struct Decode {
        replaced: usize,
        other: Option<String>,
    }
    impl VisitMut for Decode {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            if let Expr::Await(awaited) = expr
                && let Expr::Call(call) = &*awaited.base
                && response_value_method(call).is_some_and(|m| m == "from_response")
                && call.args.len() == 1
            {
                let response = &call.args[0];
                *expr = parse_quote!(crate::envelope::decoded(#response));
                self.replaced += 1;
                return;
            }
            if let Expr::Call(call) = expr
                && let Some(method) = response_value_method(call)
                && method != "empty"
            {
                self.other.get_or_insert(method);
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }

    /// `m` for a call of `ResponseValue::m(..)`.
    fn response_value_method(call: &syn::ExprCall) -> Option<String> {
        match &called(call)[..] {
            [.., ty, method] if ty == "ResponseValue" => Some(method.clone()),
            _ => None,
        }
    }

    let mut decode = Decode {
        replaced: 0,
        other: None,
    };
    decode.visit_file_mut(file);
    if let Some(method) = decode.other {
        return Err(format!(
            "an operation reads its response with `ResponseValue::{method}`; the `exec` hook has \
             already read the body, so the decoding post-pass needs updating"
        ));
    }
    if decode.replaced == 0 {
        return Err(
            "no operation decodes with `ResponseValue::from_response`: the generated code changed shape"
                .into(),
        );
    }
    Ok(())
}

/// Each path parameter is put in the path as `encode_path(&value.to_string())`, which copies a
/// segment that needs no encoding a second time (through a formatter). It becomes
/// `crate::quirks::encode_path(value.to_string())`: the same encoding, and the value's own
/// string when nothing in it needs encoding. Any other use of `encode_path` is an error, and
/// so is finding none.
fn encode_paths_in_place(file: &mut syn::File) -> Result<(), String> {
    use syn::{Expr, visit_mut::VisitMut};

    struct Encode {
        replaced: usize,
        other: bool,
    }
    impl VisitMut for Encode {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            if let Expr::Call(call) = expr
                && called(call) == ["encode_path"]
            {
                if let [Expr::Reference(value)] = &call.args.iter().collect::<Vec<_>>()[..]
                    && let Expr::MethodCall(to_string) = &*value.expr
                    && to_string.method == "to_string"
                {
                    let value = &value.expr;
                    *expr = parse_quote!(crate::quirks::encode_path(#value));
                    self.replaced += 1;
                    return;
                }
                self.other = true;
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }

        /// The URL of an operation is built by `format!`, whose arguments are tokens to syn:
        /// they are parsed as expressions, visited, and put back.
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            if !mac.path.is_ident("format") {
                return;
            }
            let parser = syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated;
            let Ok(mut args) = mac.parse_body_with(parser) else {
                return;
            };
            for arg in &mut args {
                self.visit_expr_mut(arg);
            }
            mac.tokens = quote!(#args);
        }
    }

    let mut encode = Encode {
        replaced: 0,
        other: false,
    };
    encode.visit_file_mut(file);
    if encode.other {
        return Err(
            "a path parameter is encoded other than as `encode_path(&value.to_string())`; the path post-pass needs updating"
                .into(),
        );
    }
    if encode.replaced == 0 {
        return Err(
            "no operation encodes a path parameter: the generated code changed shape".into(),
        );
    }
    Ok(())
}

/// The path a call names, segment by segment (`["progenitor_client", "QueryParam", "new"]`);
/// empty when it calls anything but a path.
fn called(call: &syn::ExprCall) -> Vec<String> {
    match &*call.func {
        syn::Expr::Path(func) => func
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect(),
        _ => Vec::new(),
    }
}

/// Applies the conventions typify has no setting for, inside `mod types`, and appends the list
/// of public types.
fn post_pass(file: &mut syn::File, model: &Model) -> Result<(), String> {
    let module = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "types" => Some(m),
            _ => None,
        })
        .ok_or("the generated code has no `types` module")?;
    // The rest of the generated code is private; its public types must all be documented.
    module.attrs.push(parse_quote!(#[warn(missing_docs)]));
    let types = module
        .content
        .as_mut()
        .ok_or("the generated `types` module is empty")?;
    let items = &mut types.1;
    let mut extra: Vec<Item> = Vec::new();
    for item in items.iter_mut() {
        if let Item::Enum(e) = item
            && model.unions.contains(&e.ident.to_string())
        {
            e.attrs.push(parse_quote!(#[non_exhaustive]));
            for variant in &mut e.variants {
                let doc = format!(" The `{}` shape; see its type.", variant.ident);
                variant.attrs.push(parse_quote!(#[doc = #doc]));
            }
            continue;
        }
        let Item::Struct(s) = item else { continue };
        let name = s.ident.to_string();
        let Some(component) = model.objects.get(&name) else {
            continue;
        };
        let envelope = name.ends_with("Envelope");
        let request = model.requests.contains(&name);
        if let Fields::Named(fields) = &mut s.fields {
            for field in fields.named.iter_mut() {
                let wire = wire_name(field);
                if !request && component.nullable.contains(&wire) {
                    null_field(field);
                }
                if component.secret.contains(&wire) {
                    secret_field(field);
                }
                if !envelope {
                    event_time_field(field);
                    if request {
                        request_list_field(field);
                    } else {
                        list_field(field);
                    }
                }
                if field.ident.as_ref().is_some_and(|i| i == "type_") {
                    field.ident = Some(Ident::new_raw("type", Span::call_site()));
                }
            }
            let order = |f: &Field| {
                let wire = wire_name(f);
                component
                    .properties
                    .iter()
                    .position(|p| *p == wire)
                    .unwrap_or(usize::MAX)
            };
            let mut sorted: Vec<Field> = fields.named.iter().cloned().collect();
            sorted.sort_by_key(order);
            fields.named = sorted.into_iter().collect();
        }
        if envelope {
            extra.extend(envelope_impl(s));
            continue;
        }
        s.attrs.push(parse_quote!(#[non_exhaustive]));
        if !component.personal.is_empty() {
            extra.push(redacted_debug(s, component));
        }
        if model.requests.contains(&name) {
            extra.push(constructors(s, component));
        }
        if let Some(checks) = model.body_checks.get(&name) {
            extra.push(check_impl(s, checks)?);
        }
    }
    items.extend(extra);

    // The public types, re-exported by `crate::types`. The module keeps its docs lint on, so
    // every public type and field must carry a description from the spec.
    let public: Vec<Ident> = model
        .public()
        .into_iter()
        .map(|n| format_ident!("{n}"))
        .collect();
    file.items.push(parse_quote! {
        /// The data types of the API, as the spec describes them.
        pub mod public {
            pub use super::types::{#(#public),*};
        }
    });

    // Every property name the spec marks as personal (`x-personal`) or secret (`format:
    // password`), in any component: the error masking's one list of keys to hide.
    let personal: BTreeSet<&str> = model
        .objects
        .values()
        .flat_map(|c| c.personal.iter().chain(&c.secret))
        .map(String::as_str)
        .collect();
    let personal = personal.into_iter();
    file.items.push(parse_quote! {
        /// The property names the spec marks as personal or secret, sorted.
        pub(crate) const PERSONAL_KEYS: &[&str] = &[#(#personal),*];
    });

    // The spec's enums, public through `crate::enums`.
    let enums = enum_items(&model.enums);
    file.items.push(parse_quote! {
        /// The enums of the spec: the values each may take.
        pub mod enums {
            #(#enums)*
        }
    });

    // Each operation's method and path template: what a lost change was sent for is read
    // from its own path parameters, by name, and each call's trace span names its route.
    let ids = model.operations.iter().map(|(id, _, _)| id);
    let methods = model.operations.iter().map(|(_, m, _)| m);
    let paths = model.operations.iter().map(|(_, _, p)| p);
    file.items.push(parse_quote! {
        /// Each operation's `operationId`, method and path template, as the spec gives them.
        pub(crate) const OPERATIONS: &[(&str, &str, &str)] = &[#((#ids, #methods, #paths)),*];
    });

    // Where each operation's JSON body carries the ids of its change: a lost change names
    // the ids and amount it was sent with by these paths.
    let rows = model.body_ids.iter().map(|(id, found)| {
        let names = found.iter().map(|(name, _)| name);
        let paths = found.iter().map(|(_, path)| quote!(&[#(#path),*]));
        quote!((#id, &[#((#names, #paths)),*]))
    });
    file.items.push(parse_quote! {
        /// Each operation with a JSON request body, and where its body carries the ids of the
        /// change (`imp_uid`, `merchant_uid`, `customer_uid`, at any depth) and its `amount`
        /// (at the root): (`operationId`, [(name, key path)]), `*` in a path for every item of
        /// a list.
        pub(crate) const BODY_IDS: &[(&str, &[(&str, &[&str])])] = &[#(#rows),*];
    });
    Ok(())
}

/// The property a field stands for: its serde rename, or its name.
fn wire_name(field: &Field) -> String {
    for attr in &field.attrs {
        if !attr.path().is_ident("serde") {
            continue;
        }
        let mut rename = None;
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                rename = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
        if let Some(r) = rename {
            return r;
        }
    }
    field
        .ident
        .as_ref()
        .map(|i| i.to_string().trim_start_matches("r#").to_owned())
        .unwrap_or_default()
}

/// Keeps a field's serde `rename` (if any) and replaces its other serde attributes.
fn set_serde(field: &mut Field, attrs: TokenStream) {
    let wire = wire_name(field);
    let renamed = field.ident.as_ref().is_none_or(|i| *i != wire);
    field.attrs.retain(|a| !a.path().is_ident("serde"));
    if renamed {
        field.attrs.push(parse_quote!(#[serde(rename = #wire)]));
    }
    field.attrs.push(parse_quote!(#[serde(#attrs)]));
}

/// `T` when `ty` is `Wrapper<T>` (matched on the last path segment).
fn inner<'a>(ty: &'a Type, wrapper: &str) -> Option<&'a Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

fn is_path(ty: &Type, path: &str) -> bool {
    let Type::Path(p) = ty else { return false };
    let text: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    text.join("::") == path
}

/// A nullable field of a response writes `None` back as `null`, as the server sent it (an
/// optional one that is not nullable stays absent).
fn null_field(field: &mut Field) {
    let skips = field.attrs.iter().any(|a| {
        a.path().is_ident("serde") && quote!(#a).to_string().contains("skip_serializing_if")
    });
    if skips {
        set_serde(field, quote!(default));
    }
}

/// `EventTime` or `Option<EventTime>` -> `Option<UnixTime>`, `0` and `null` read as `None`,
/// `None` written as `0`.
fn event_time_field(field: &mut Field) {
    let ty = inner(&field.ty, "Option").unwrap_or(&field.ty);
    if !is_path(ty, "crate::EventTime") {
        return;
    }
    field.ty = parse_quote!(::std::option::Option<crate::UnixTime>);
    set_serde(field, quote!(default, with = "crate::quirks::event_time"));
}

/// In a response, `Option<Vec<T>>` -> `Vec<T>`; an absent or `null` list reads as empty.
///
/// Request lists are left as typify makes them, `Option<Vec<T>>`: where the server reads an
/// absent list as "all" (the order ids of an unschedule), an empty list must not be sent as an
/// absent one.
fn list_field(field: &mut Field) {
    let Some(list) = inner(&field.ty, "Option").filter(|t| inner(t, "Vec").is_some()) else {
        return;
    };
    field.ty = list.clone();
    set_serde(
        field,
        quote!(default, deserialize_with = "crate::quirks::null_as_empty"),
    );
}

/// In a request, an optional list that typify makes a `Vec<T>` left out when empty ->
/// `Option<Vec<T>>`, left out only when `None`: an empty list is sent as `[]`, never as an
/// absent list (which the server may read as "all").
fn request_list_field(field: &mut Field) {
    let skips_empty = field.attrs.iter().any(|a| {
        a.path().is_ident("serde")
            && quote!(#a)
                .to_string()
                .replace(' ', "")
                .contains("skip_serializing_if=\"::std::vec::Vec::is_empty\"")
    });
    if !skips_empty || inner(&field.ty, "Vec").is_none() {
        return;
    }
    let list = field.ty.clone();
    field.ty = parse_quote!(::std::option::Option<#list>);
    set_serde(
        field,
        quote!(
            default,
            skip_serializing_if = "::std::option::Option::is_none"
        ),
    );
}

/// `String` -> `Secret` (and inside an `Option`).
fn secret_field(field: &mut Field) {
    if inner(&field.ty, "Option").is_some() {
        field.ty = parse_quote!(::std::option::Option<crate::Secret>);
    } else {
        field.ty = parse_quote!(crate::Secret);
    }
}

/// `impl Envelope` for a `{code, message, response}` struct. A payload that is an object is
/// held in a `Box`: the envelope moves through several layers of futures and results on its
/// way out, each move copies it, and a `Payment` is over a kilobyte. A list is a pointer
/// already and stays as it is.
fn envelope_impl(s: &mut ItemStruct) -> Option<Item> {
    let Fields::Named(fields) = &mut s.fields else {
        return None;
    };
    let response = fields
        .named
        .iter_mut()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == "response"))?;
    let payload = inner(&response.ty, "Option")?.clone();
    let boxed = inner(&payload, "Vec").is_none() && !is_path(&payload, "serde_json::Value");
    let (held, unheld) = if boxed {
        response.ty = parse_quote!(::std::option::Option<::std::boxed::Box<#payload>>);
        (quote!(::std::boxed::Box<#payload>), quote!(*held))
    } else {
        (quote!(#payload), quote!(held))
    };
    let name = &s.ident;
    // An untyped payload (any JSON) is the answer of an operation that carries nothing
    // useful: `null` with code 0 is its success too.
    let take = if is_path(&payload, "serde_json::Value") {
        quote!(::std::option::Option::Some(
            self.response.take().unwrap_or(::serde_json::Value::Null)
        ))
    } else {
        quote!(self.response.take())
    };
    Some(parse_quote! {
        impl crate::envelope::Envelope for #name {
            type Payload = #payload;
            type Held = #held;
            fn take_parts(&mut self, payload: &mut ::std::option::Option<#held>) -> (i64, ::std::option::Option<::std::string::String>) {
                *payload = #take;
                (self.code, self.message.take())
            }
            fn payload(held: #held) -> #payload {
                #unheld
            }
        }
    })
}

/// A `Debug` that shows personal fields as redacted, in place of the derived one.
fn redacted_debug(s: &mut ItemStruct, component: &Component) -> Item {
    for attr in s.attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let paths = attr
            .parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
            .unwrap_or_default();
        let kept = paths.iter().filter(|p| !p.is_ident("Debug"));
        *attr = parse_quote!(#[derive(#(#kept),*)]);
    }
    let name = &s.ident;
    let label = name.to_string();
    let rows = s.fields.iter().filter_map(|f| {
        let ident = f.ident.as_ref()?;
        let key = wire_name(f);
        Some(if component.personal.contains(&key) {
            quote!(.field(#key, &crate::quirks::Redacted::of(&self.#ident)))
        } else {
            quote!(.field(#key, &self.#ident))
        })
    });
    parse_quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label) #(#rows)* .finish()
            }
        }
    }
}

/// `new(required..)` and a setter per other field, for a type the caller builds.
fn constructors(s: &ItemStruct, component: &Component) -> Item {
    let name = &s.ident;
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    for f in &s.fields {
        let Some(ident) = f.ident.as_ref() else {
            continue;
        };
        let ty = &f.ty;
        let docs: Vec<&Attribute> = f
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .collect();
        if component.required.contains(&wire_name(f)) {
            args.push(quote!(#ident: impl ::std::convert::Into<#ty>));
            inits.push(quote!(#ident: #ident.into()));
            continue;
        }
        inits.push(quote!(#ident: ::std::default::Default::default()));
        let setter = match inner(ty, "Option") {
            Some(t) => quote! {
                #(#docs)*
                pub fn #ident(mut self, value: impl ::std::convert::Into<#t>) -> Self {
                    self.#ident = ::std::option::Option::Some(value.into());
                    self
                }
            },
            None => quote! {
                #(#docs)*
                pub fn #ident(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                    self.#ident = value.into();
                    self
                }
            },
        };
        setters.push(setter);
    }
    parse_quote! {
        impl #name {
            /// A value with the required fields; the optional ones are left out until set.
            pub fn new(#(#args),*) -> Self {
                #name { #(#inits),* }
            }
            #(#setters)*
        }
    }
}
