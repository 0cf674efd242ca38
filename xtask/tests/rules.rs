//! Every rule of `cargo xtask validate`, and every guard of the code generator a spec can
//! trip, shown to fire: one row per rule, with the smallest edit of the real spec (or of a
//! recording) that breaks it and the finding it must produce.
//!
//! The rules have no ids in the source; a rule is a place that writes a finding's reason. So
//! `every_rule_of_the_checker_has_a_row` reads `xtask/src/validate/*.rs` and takes every string
//! literal that reads as a sentence (a space, and letters outside the `{}` placeholders) as
//! the reason of one rule: each must be claimed by a row of [`RULES`]. Rows whose message
//! comes from a library (a schema violation, an I/O error) have no literal of their own and
//! are marked by a parenthesised name.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use serde_json::{Value, json};
use xtask::validate::{Checks, Finding, RECORDINGS_DIR, SPEC_FILE, validate};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Checks without the replay through the client, which only its own row needs.
const STATIC: Checks = Checks {
    replay: false,
    ..Checks::ALL
};

/// How a row breaks its copy of the project.
enum Edit {
    /// Changes the spec, read as JSON and written back as YAML.
    Spec(fn(&mut Value)),
    /// Changes one recording (its name without `.json`).
    Recording(&'static str, fn(&mut Value)),
    /// Changes the files of the copy (its root) directly.
    Files(fn(&Path)),
}

/// One rule of the checker.
struct Rule {
    /// The source file of `xtask/src/validate/` that writes the finding, and a fragment of
    /// the reason's literal there (placeholders included); `(...)` when the reason comes from
    /// a library and has no literal of its own.
    rule: (&'static str, &'static str),
    edit: Edit,
    /// The finding's file, relative to the root.
    file: &'static str,
    /// The finding's JSON pointer.
    pointer: &'static str,
    /// A substring of the finding's reason.
    reason: &'static str,
}

const GET: &str = "/paths/~1payments~1{imp_uid}/get";
const RECEIPT: &str = "/paths/~1receipts~1{imp_uid}/get";

fn get_payment(s: &mut Value) -> &mut Value {
    &mut s["paths"]["/payments/{imp_uid}"]["get"]
}

fn get_receipt(s: &mut Value) -> &mut Value {
    &mut s["paths"]["/receipts/{imp_uid}"]["get"]
}

fn remove(v: &mut Value, key: &str) {
    v.as_object_mut().unwrap().remove(key).unwrap();
}

fn push_param(s: &mut Value, param: Value) {
    get_payment(s)["parameters"]
        .as_array_mut()
        .unwrap()
        .push(param);
}

fn payment_property<'a>(s: &'a mut Value, name: &str) -> &'a mut Value {
    &mut s["components"]["schemas"]["Payment"]["properties"][name]
}

fn example(s: &mut Value) -> &mut Value {
    &mut s["components"]["examples"]
}

const TOKEN_REQUEST_OK: &str =
    "/paths/~1users~1getToken/post/requestBody/content/application~1json/examples/ok";

fn token_request_examples(s: &mut Value) -> &mut Value {
    &mut s["paths"]["/users/getToken"]["post"]["requestBody"]["content"]["application/json"]["examples"]
}

fn rec(name: &str) -> PathBuf {
    PathBuf::from(RECORDINGS_DIR).join(format!("{name}.json"))
}

/// One row per rule: see the module docs.
const RULES: &[Rule] = &[
    // ---- the spec as a document (spec.rs) ----
    Rule {
        rule: ("spec.rs", "cannot read"),
        edit: Edit::Files(|root| std::fs::remove_file(root.join(SPEC_FILE)).unwrap()),
        file: SPEC_FILE,
        pointer: "",
        reason: "cannot read: ",
    },
    Rule {
        rule: ("spec.rs", "not YAML that maps to JSON"),
        edit: Edit::Files(|root| std::fs::write(root.join(SPEC_FILE), "openapi: [3.0").unwrap()),
        file: SPEC_FILE,
        pointer: "",
        reason: "not YAML that maps to JSON",
    },
    Rule {
        rule: ("spec.rs", "expected an OpenAPI 3.0.x version"),
        edit: Edit::Spec(|s| s["openapi"] = json!("3.1.0")),
        file: SPEC_FILE,
        pointer: "/openapi",
        reason: "expected an OpenAPI 3.0.x version, found Some(\"3.1.0\")",
    },
    Rule {
        rule: ("spec.rs", "not an OpenAPI 3.0 document"),
        edit: Edit::Spec(|s| get_payment(s)["responses"] = json!("none")),
        file: SPEC_FILE,
        pointer: "",
        reason: "not an OpenAPI 3.0 document",
    },
    Rule {
        rule: ("spec.rs", "is not local to the document"),
        edit: Edit::Spec(|s| {
            get_payment(s)["parameters"][0] =
                json!({"$ref": "other.yaml#/components/parameters/ImpUidPath"})
        }),
        file: SPEC_FILE,
        pointer: "/paths/~1payments~1{imp_uid}/get/parameters/0",
        reason: "is not local to the document",
    },
    Rule {
        rule: ("spec.rs", "names nothing in the document"),
        // Where the parameter is resolved; the lint's rule of the same words reports the
        // `$ref` itself, one level down.
        edit: Edit::Spec(|s| {
            get_payment(s)["parameters"][0] = json!({"$ref": "#/components/parameters/Nothing"})
        }),
        file: SPEC_FILE,
        pointer: "/paths/~1payments~1{imp_uid}/get/parameters/0",
        reason: "\"#/components/parameters/Nothing\" names nothing in the document",
    },
    Rule {
        rule: ("spec.rs", "chain longer than 32 steps"),
        edit: Edit::Spec(|s| {
            s["components"]["parameters"]["Loop"] = json!({"$ref": "#/components/parameters/Loop"});
            get_payment(s)["parameters"][0] = json!({"$ref": "#/components/parameters/Loop"});
        }),
        file: SPEC_FILE,
        pointer: "/paths/~1payments~1{imp_uid}/get/parameters/0",
        reason: "$ref chain longer than 32 steps",
    },
    // ---- the spec's own rules (lint.rs) ----
    Rule {
        rule: ("lint.rs", "the spec has no operations"),
        edit: Edit::Spec(|s| s["paths"] = json!({})),
        file: SPEC_FILE,
        pointer: "/paths",
        reason: "the spec has no operations",
    },
    Rule {
        rule: ("lint.rs", "no operationId"),
        edit: Edit::Spec(|s| remove(get_payment(s), "operationId")),
        file: SPEC_FILE,
        pointer: GET,
        reason: "no operationId",
    },
    Rule {
        rule: ("lint.rs", "is not snake_case"),
        edit: Edit::Spec(|s| get_payment(s)["operationId"] = json!("getPayment")),
        file: SPEC_FILE,
        pointer: "/paths/~1payments~1{imp_uid}/get/operationId",
        reason: "operationId \"getPayment\" is not snake_case",
    },
    Rule {
        rule: ("lint.rs", "is also used at"),
        edit: Edit::Spec(|s| get_receipt(s)["operationId"] = json!("get_payment")),
        file: SPEC_FILE,
        pointer: "/paths/~1receipts~1{imp_uid}/get/operationId",
        reason: "operationId \"get_payment\" is also used at /paths/~1payments~1{imp_uid}/get",
    },
    Rule {
        rule: ("lint.rs", "no {key}"),
        edit: Edit::Spec(|s| remove(get_payment(s), "summary")),
        file: SPEC_FILE,
        pointer: GET,
        reason: "no summary",
    },
    Rule {
        rule: ("lint.rs", "is not declared under /tags"),
        edit: Edit::Spec(|s| get_payment(s)["tags"] = json!(["nowhere"])),
        file: SPEC_FILE,
        pointer: "/paths/~1payments~1{imp_uid}/get/tags/0",
        reason: "tag \"nowhere\" is not declared under /tags",
    },
    Rule {
        rule: ("lint.rs", "no tag"),
        edit: Edit::Spec(|s| remove(get_payment(s), "tags")),
        file: SPEC_FILE,
        pointer: GET,
        reason: "no tag",
    },
    Rule {
        rule: ("lint.rs", "has no valid `in`"),
        edit: Edit::Spec(|s| {
            push_param(
                s,
                json!({"name": "x", "in": "body", "schema": {"type": "boolean"}}),
            )
        }),
        file: SPEC_FILE,
        pointer: "/paths/~1payments~1{imp_uid}/get/parameters/3",
        reason: "parameter \"x\" has no valid `in`",
    },
    Rule {
        rule: ("lint.rs", "has no schema"),
        edit: Edit::Spec(|s| push_param(s, json!({"name": "x", "in": "query"}))),
        file: SPEC_FILE,
        pointer: "/paths/~1payments~1{imp_uid}/get/parameters/3",
        reason: "parameter \"x\" has no schema",
    },
    Rule {
        rule: ("lint.rs", "is not in the template"),
        edit: Edit::Spec(|s| {
            push_param(
                s,
                json!({"name": "other", "in": "path", "required": true,
                       "schema": {"type": "string", "minLength": 1, "maxLength": 8}}),
            )
        }),
        file: SPEC_FILE,
        pointer: "/paths/~1payments~1{imp_uid}/get/parameters/3",
        reason: "path parameter \"other\" is not in the template /payments/{imp_uid}",
    },
    Rule {
        rule: ("lint.rs", "is not required"),
        edit: Edit::Spec(|s| {
            get_payment(s)["parameters"][0] = json!({
                "name": "imp_uid", "in": "path", "required": false,
                "schema": {"type": "string", "minLength": 1, "maxLength": 32}
            })
        }),
        file: SPEC_FILE,
        pointer: "/paths/~1payments~1{imp_uid}/get/parameters/0",
        reason: "path parameter \"imp_uid\" is not required",
    },
    Rule {
        rule: ("lint.rs", "needs minLength"),
        edit: Edit::Spec(|s| {
            get_payment(s)["parameters"][0] = json!({
                "name": "imp_uid", "in": "path", "required": true,
                "schema": {"type": "string", "maxLength": 32}
            })
        }),
        file: SPEC_FILE,
        pointer: "/paths/~1payments~1{imp_uid}/get/parameters/0",
        reason: "path parameter \"imp_uid\" needs minLength (at least 1) and maxLength",
    },
    Rule {
        rule: ("lint.rs", "but no path parameter of that name"),
        edit: Edit::Spec(|s| {
            get_payment(s)["parameters"]
                .as_array_mut()
                .unwrap()
                .remove(0);
        }),
        file: SPEC_FILE,
        pointer: GET,
        reason: "the template /payments/{imp_uid} has {imp_uid} but no path parameter",
    },
    Rule {
        rule: ("lint.rs", "no responses"),
        edit: Edit::Spec(|s| remove(get_payment(s), "responses")),
        file: SPEC_FILE,
        pointer: GET,
        reason: "no responses",
    },
    Rule {
        rule: ("lint.rs", "no 2xx response"),
        edit: Edit::Spec(|s| remove(&mut get_payment(s)["responses"], "200")),
        file: SPEC_FILE,
        pointer: "/paths/~1payments~1{imp_uid}/get/responses",
        reason: "no 2xx response",
    },
    Rule {
        rule: ("lint.rs", "no 4xx or 5xx response"),
        edit: Edit::Spec(|s| {
            let responses = &mut get_payment(s)["responses"];
            remove(responses, "401");
            remove(responses, "404");
        }),
        file: SPEC_FILE,
        pointer: "/paths/~1payments~1{imp_uid}/get/responses",
        reason: "no 4xx or 5xx response",
    },
    Rule {
        rule: ("lint.rs", "is not a status code"),
        edit: Edit::Spec(|s| {
            get_payment(s)["responses"]["4xx"] = json!({"$ref": "#/components/responses/NotFound"})
        }),
        file: SPEC_FILE,
        pointer: "/paths/~1payments~1{imp_uid}/get/responses/4xx",
        reason: "\"4xx\" is not a status code",
    },
    Rule {
        rule: ("lint.rs", "every response must be application/json"),
        edit: Edit::Spec(|s| {
            get_receipt(s)["responses"]["200"] = json!({
                "description": "plain text",
                "content": {"text/plain": {"schema": {"type": "string"}}}
            })
        }),
        file: SPEC_FILE,
        pointer: "/paths/~1receipts~1{imp_uid}/get/responses/200",
        reason: "responds with [\"text/plain\"]; every response must be application/json",
    },
    Rule {
        rule: ("lint.rs", "the schema is not the envelope"),
        edit: Edit::Spec(|s| {
            s["components"]["schemas"]["PaymentEnvelope"] = json!({
                "type": "object",
                "properties": {"payment": {"$ref": "#/components/schemas/Payment"}}
            })
        }),
        file: SPEC_FILE,
        pointer: "/paths/~1payments~1{imp_uid}/get/responses/200",
        reason: "the schema is not the envelope",
    },
    Rule {
        rule: ("lint.rs", "must be a number"),
        edit: Edit::Spec(|s| payment_property(s, "card_quota")["minimum"] = json!("0")),
        file: SPEC_FILE,
        pointer: "/components/schemas/Payment/properties/card_quota/minimum",
        reason: "minimum must be a number, not \"0\"",
    },
    Rule {
        rule: ("lint.rs", "must be a non-negative integer"),
        edit: Edit::Spec(|s| payment_property(s, "card_quota")["maxLength"] = json!(-1)),
        file: SPEC_FILE,
        pointer: "/components/schemas/Payment/properties/card_quota/maxLength",
        reason: "maxLength must be a non-negative integer, not -1",
    },
    Rule {
        rule: ("lint.rs", "must be a boolean in OpenAPI 3.0"),
        edit: Edit::Spec(|s| payment_property(s, "card_quota")["exclusiveMinimum"] = json!(0)),
        file: SPEC_FILE,
        pointer: "/components/schemas/Payment/properties/card_quota/exclusiveMinimum",
        reason: "exclusiveMinimum must be a boolean in OpenAPI 3.0, not 0",
    },
    Rule {
        rule: ("lint.rs", "an enum must be a named component"),
        edit: Edit::Spec(|s| payment_property(s, "pg_provider")["enum"] = json!(["inicis", "kcp"])),
        file: SPEC_FILE,
        pointer: "/components/schemas/Payment/properties/pg_provider/enum",
        reason: "an enum must be a named component",
    },
    Rule {
        rule: ("lint.rs", "names nothing in the document"),
        edit: Edit::Spec(|s| {
            get_receipt(s)["responses"]["404"] =
                json!({"$ref": "#/components/responses/NoSuchResponse"})
        }),
        file: SPEC_FILE,
        pointer: "/paths/~1receipts~1{imp_uid}/get/responses/404/$ref",
        reason: "\"#/components/responses/NoSuchResponse\" names nothing in the document",
    },
    Rule {
        rule: ("lint.rs", "component {name:?} is not used"),
        edit: Edit::Spec(|s| s["components"]["schemas"]["Leftover"] = json!({"type": "object"})),
        file: SPEC_FILE,
        pointer: "/components/schemas/Leftover",
        reason: "schemas component \"Leftover\" is not used",
    },
    Rule {
        rule: ("lint.rs", "no security scheme is declared"),
        edit: Edit::Spec(|s| remove(&mut s["components"], "securitySchemes")),
        file: SPEC_FILE,
        pointer: "/components",
        reason: "no security scheme is declared",
    },
    Rule {
        rule: ("lint.rs", "security scheme {name:?} is not declared"),
        edit: Edit::Spec(|s| s["security"] = json!([{"apiKey": []}])),
        file: SPEC_FILE,
        pointer: "/security/0",
        reason: "security scheme \"apiKey\" is not declared",
    },
    Rule {
        rule: ("lint.rs", "no security applies"),
        edit: Edit::Spec(|s| remove(s, "security")),
        file: SPEC_FILE,
        pointer: GET,
        reason: "no security applies",
    },
    Rule {
        rule: ("lint.rs", "looks like personal data"),
        edit: Edit::Spec(|s| *payment_property(s, "buyer_phone") = json!({"type": "string"})),
        file: SPEC_FILE,
        pointer: "/components/schemas/Payment/properties/buyer_phone",
        reason: "looks like personal data but has no `x-personal` mark",
    },
    Rule {
        rule: ("lint.rs", "appears in a response, so the server owns it"),
        edit: Edit::Spec(|s| {
            s["components"]["schemas"]["Channel"] = json!({
                "type": "string",
                "description": "Where the payment was requested.",
                "enum": ["pc", "mobile", "api"],
            })
        }),
        file: SPEC_FILE,
        pointer: "/components/schemas/Channel",
        reason: "Channel appears in a response, so the server owns it: write it open",
    },
    Rule {
        rule: ("lint.rs", "appears only in requests"),
        edit: Edit::Spec(|s| {
            s["components"]["schemas"]["Sorting"] = json!({
                "type": "string",
                "description": "Order of listed payments.",
                "x-extensible-enum": ["-started", "started", "-paid", "paid", "-updated", "updated"],
            })
        }),
        file: SPEC_FILE,
        pointer: "/components/schemas/Sorting",
        reason: "Sorting appears only in requests: write it closed",
    },
    // ---- the public API (public.rs) ----
    Rule {
        rule: (
            "public.rs",
            "is neither an object, a union of objects, an enum nor a hand-written",
        ),
        edit: Edit::Spec(|s| {
            s["components"]["schemas"]["CardBin"] =
                json!({"type": "string", "description": "Six digits."});
            *payment_property(s, "card_bin") = json!({
                "description": "The card's first digits.",
                "allOf": [{"$ref": "#/components/schemas/CardBin"}],
            });
        }),
        file: SPEC_FILE,
        pointer: "/components/schemas/CardBin",
        reason: "not reachable from the public API",
    },
    Rule {
        rule: ("public.rs", "which is not public"),
        edit: Edit::Spec(|s| {
            *payment_property(s, "token") = json!({
                "description": "Never public.",
                "allOf": [{"$ref": "#/components/schemas/AccessToken"}],
            })
        }),
        file: SPEC_FILE,
        pointer: "/components/schemas/Payment",
        reason: "the public type Payment holds AccessToken, which is not public",
    },
    Rule {
        rule: ("public.rs", "a property needs a description"),
        edit: Edit::Spec(|s| remove(payment_property(s, "buyer_name"), "description")),
        file: SPEC_FILE,
        pointer: "/components/schemas/Payment/properties/buyer_name",
        reason: "a property needs a description",
    },
    Rule {
        rule: ("public.rs", "stands for no component"),
        edit: Edit::Spec(|s| remove(&mut s["components"]["schemas"], "EventTime")),
        file: SPEC_FILE,
        pointer: "/components/schemas",
        reason: "iamport::EventTime stands for no component EventTime",
    },
    Rule {
        rule: ("public.rs", "the hand-written {name} has {key}"),
        edit: Edit::Spec(|s| s["components"]["schemas"]["Amount"]["type"] = json!("string")),
        file: SPEC_FILE,
        pointer: "/components/schemas/Amount/type",
        reason: "the hand-written Amount has type \"number\", the spec \"string\"",
    },
    // ---- loading the recordings (recordings.rs) ----
    Rule {
        rule: ("recordings.rs", "(the recordings directory cannot be read)"),
        edit: Edit::Files(|root| std::fs::remove_dir_all(root.join(RECORDINGS_DIR)).unwrap()),
        file: RECORDINGS_DIR,
        pointer: "",
        reason: "No such file or directory",
    },
    Rule {
        rule: ("recordings.rs", "(a recording file cannot be read)"),
        edit: Edit::Files(|root| {
            std::fs::create_dir(root.join(RECORDINGS_DIR).join("get_payment.dir.json")).unwrap()
        }),
        file: "spec/recordings/get_payment.dir.json",
        pointer: "",
        reason: "Is a directory",
    },
    Rule {
        rule: ("recordings.rs", "not a recording"),
        edit: Edit::Files(|root| {
            std::fs::write(root.join(rec("get_payment.broken")), "{\"operation\": ").unwrap()
        }),
        file: "spec/recordings/get_payment.broken.json",
        pointer: "",
        reason: "not a recording",
    },
    // ---- each recording against its operation (recordings.rs) ----
    Rule {
        rule: ("recordings.rs", "no operation of the spec matches"),
        edit: Edit::Recording("get_receipt.ok", |r| {
            r["request"]["path"] = json!("/receipts/imp_1/extra")
        }),
        file: "spec/recordings/get_receipt.ok.json",
        pointer: "/request/path",
        reason: "no operation of the spec matches GET /receipts/imp_1/extra",
    },
    Rule {
        rule: ("recordings.rs", "matches several operations"),
        edit: Edit::Spec(|s| {
            let mut again = get_receipt(s).clone();
            again["operationId"] = json!("get_receipt_again");
            again["parameters"] = json!([{
                "name": "uid", "in": "path", "required": true,
                "schema": {"type": "string", "minLength": 1, "maxLength": 32}
            }]);
            s["paths"]["/receipts/{uid}"] = json!({"get": again});
        }),
        file: "spec/recordings/get_receipt.ok.json",
        pointer: "/request/path",
        reason: "GET /receipts/imp_120398475612 matches several operations",
    },
    Rule {
        rule: ("recordings.rs", "is operation {}, not"),
        edit: Edit::Recording("find_payment.ok", |r| r["operation"] = json!("get_payment")),
        file: "spec/recordings/find_payment.ok.json",
        pointer: "/operation",
        reason: "is operation find_payment, not \"get_payment\"",
    },
    Rule {
        rule: ("recordings.rs", "query parameter {name:?} is not declared"),
        edit: Edit::Recording("get_receipt.ok", |r| {
            r["request"]["query"] = json!([["pg", "x"]])
        }),
        file: "spec/recordings/get_receipt.ok.json",
        pointer: "/request/query/0",
        reason: "query parameter \"pg\" is not declared for get_receipt",
    },
    Rule {
        rule: ("recordings.rs", "required query parameter"),
        edit: Edit::Recording("get_billing_keys.ok", |r| r["request"]["query"] = json!([])),
        file: "spec/recordings/get_billing_keys.ok.json",
        pointer: "/request/query",
        reason: "required query parameter \"customer_uid[]\" is missing",
    },
    Rule {
        rule: ("recordings.rs", "(a recorded value breaks its schema)"),
        edit: Edit::Recording("get_payment.card_paid", |r| {
            r["response"]["body"]["response"]["amount"] = json!("32,000")
        }),
        file: "spec/recordings/get_payment.card_paid.json",
        pointer: "/response/body/response/amount",
        reason: "is not of type \"number\"",
    },
    Rule {
        rule: (
            "recordings.rs",
            "request body has no application/json schema",
        ),
        edit: Edit::Spec(|s| {
            s["paths"]["/payments/prepare"]["post"]["requestBody"]["content"] = json!({
                "application/x-www-form-urlencoded": {
                    "schema": {"$ref": "#/components/schemas/PrepareRequest"}
                }
            })
        }),
        file: "spec/recordings/prepare_payment.ok.json",
        pointer: "/request/body",
        reason: "the operation's request body has no application/json schema",
    },
    Rule {
        rule: (
            "recordings.rs",
            "requires a body and the recording has none",
        ),
        edit: Edit::Recording("prepare_payment.ok", |r| remove(&mut r["request"], "body")),
        file: "spec/recordings/prepare_payment.ok.json",
        pointer: "/request",
        reason: "prepare_payment requires a body and the recording has none",
    },
    Rule {
        rule: ("recordings.rs", "takes no request body"),
        edit: Edit::Recording("get_receipt.ok", |r| r["request"]["body"] = json!({})),
        file: "spec/recordings/get_receipt.ok.json",
        pointer: "/request/body",
        reason: "get_receipt takes no request body",
    },
    Rule {
        rule: ("recordings.rs", "status {status} is not declared"),
        // Without the operation's `default` response, which declares every other status.
        edit: Edit::Files(|root| {
            let spec_file = root.join(SPEC_FILE);
            let mut spec: Value =
                serde_norway::from_str(&std::fs::read_to_string(&spec_file).unwrap()).unwrap();
            remove(&mut get_payment(&mut spec)["responses"], "default");
            std::fs::write(&spec_file, serde_norway::to_string(&spec).unwrap()).unwrap();
            let rec_file = root.join("spec/recordings/get_payment.not_found.json");
            let mut rec: Value =
                serde_json::from_str(&std::fs::read_to_string(&rec_file).unwrap()).unwrap();
            rec["response"]["status"] = json!(418);
            std::fs::write(&rec_file, serde_json::to_string_pretty(&rec).unwrap()).unwrap();
        }),
        file: "spec/recordings/get_payment.not_found.json",
        pointer: "/response/status",
        reason: "status 418 is not declared for get_payment",
    },
    Rule {
        rule: (
            "recordings.rs",
            "status {status} of {} has no application/json schema",
        ),
        edit: Edit::Spec(|s| {
            get_payment(s)["responses"]["404"] = json!({
                "description": "plain text",
                "content": {"text/plain": {"schema": {"type": "string"}}}
            })
        }),
        file: "spec/recordings/get_payment.not_found.json",
        pointer: "/response/body",
        reason: "status 404 of get_payment has no application/json schema",
    },
    // ---- schemas as JSON Schema (schema.rs) ----
    Rule {
        rule: ("schema.rs", "the schema does not compile"),
        edit: Edit::Spec(|s| payment_property(s, "pg_tid")["pattern"] = json!("(")),
        file: "spec/recordings/get_payment.card_paid.json",
        pointer: "/response/body",
        reason: "the schema does not compile",
    },
    Rule {
        rule: ("schema.rs", "matches none of the allowed schemas"),
        edit: Edit::Spec(|s| {
            *payment_property(s, "amount") = json!({
                "description": "The amount.",
                "oneOf": [{"type": "string"}, {"type": "boolean"}],
            })
        }),
        file: "spec/recordings/get_payment.card_paid.json",
        pointer: "/response/body/response/amount",
        reason: "matches none of the allowed schemas",
    },
    // ---- through the client (replay.rs) ----
    Rule {
        rule: ("replay.rs", "through the client"),
        edit: Edit::Recording("get_payment.card_paid", |r| {
            r["response"]["body"]["response"]["amount"] = json!("32,000")
        }),
        file: "spec/recordings/get_payment.card_paid.json",
        pointer: "/response/body",
        reason: "through the client: ",
    },
    // ---- coverage (coverage.rs, nulls.rs) ----
    Rule {
        rule: ("coverage.rs", "has no {kind} recording"),
        edit: Edit::Files(|root| {
            for name in ["get_receipt.not_found", "get_receipt.refused"] {
                std::fs::remove_file(root.join(rec(name))).unwrap();
            }
        }),
        file: SPEC_FILE,
        pointer: RECEIPT,
        reason: "get_receipt has no failure recording in spec/recordings/",
    },
    Rule {
        rule: ("nulls.rs", "is an open enum, but no recorded response"),
        edit: Edit::Files(|root| {
            std::fs::remove_file(root.join(rec("get_receipt.unknown_type"))).unwrap()
        }),
        file: SPEC_FILE,
        pointer: "/components/schemas/ReceiptType",
        reason: "ReceiptType is an open enum, but no recorded response has a value it does not list",
    },
    Rule {
        rule: ("nulls.rs", "is nullable, but no recorded response"),
        edit: Edit::Spec(|s| {
            *payment_property(s, "card_bin") = json!({
                "type": "string",
                "nullable": true,
                "description": "The first digits of the card.",
            })
        }),
        file: SPEC_FILE,
        pointer: "/components/schemas/Payment/properties/card_bin",
        reason: "Payment.card_bin is nullable, but no recorded response has `null` there",
    },
    // ---- provenance (provenance.rs) ----
    Rule {
        rule: ("provenance.rs", "the recording has no provenance"),
        edit: Edit::Recording("get_receipt.ok", |r| remove(r, "provenance")),
        file: "spec/recordings/get_receipt.ok.json",
        pointer: "",
        reason: "the recording has no provenance",
    },
    Rule {
        rule: ("provenance.rs", "the provenance names no source"),
        edit: Edit::Recording("get_receipt.ok", |r| {
            r["provenance"]["source"] = json!("  ")
        }),
        file: "spec/recordings/get_receipt.ok.json",
        pointer: "/provenance/source",
        reason: "the provenance names no source",
    },
    Rule {
        rule: (
            "provenance.rs",
            "a documented recording must name its official page",
        ),
        edit: Edit::Recording("get_receipt.ok", |r| {
            r["provenance"]["source"] = json!("api-notes.md §2 GET /receipts")
        }),
        file: "spec/recordings/get_receipt.ok.json",
        pointer: "/provenance/source",
        reason: "a documented recording must name its official page",
    },
    Rule {
        rule: (
            "provenance.rs",
            "an observed recording must name the section",
        ),
        // The note without a section is not enough.
        edit: Edit::Recording("get_payment.not_found", |r| {
            r["provenance"]["source"] = json!("api-notes.md, somewhere")
        }),
        file: "spec/recordings/get_payment.not_found.json",
        pointer: "/provenance/source",
        reason: "an observed recording must name the section",
    },
    Rule {
        rule: ("provenance.rs", "a synthetic recording must name the note"),
        edit: Edit::Recording("get_payment.refused", |r| {
            r["provenance"]["source"] = json!("written for the case")
        }),
        file: "spec/recordings/get_payment.refused.json",
        pointer: "/provenance/source",
        reason: "a synthetic recording must name the note or page it agrees with",
    },
    Rule {
        // A kind outside the three does not read as a recording at all (serde's message).
        rule: ("recordings.rs", "(a provenance kind outside the three)"),
        edit: Edit::Recording("get_receipt.ok", |r| {
            r["provenance"]["kind"] = json!("invented")
        }),
        file: "spec/recordings/get_receipt.ok.json",
        pointer: "",
        reason: "not a recording: unknown variant `invented`",
    },
    // ---- examples (examples.rs) ----
    Rule {
        rule: ("examples.rs", "does not name a recording"),
        edit: Edit::Spec(|s| example(s)["nothing.request"] = json!({"value": {}})),
        file: SPEC_FILE,
        pointer: "/components/examples/nothing.request",
        reason: "example \"nothing.request\" does not name a recording",
    },
    Rule {
        rule: ("examples.rs", "the example has no `value`"),
        edit: Edit::Spec(|s| remove(&mut example(s)["get_token.ok.request"], "value")),
        file: SPEC_FILE,
        pointer: "/components/examples/get_token.ok.request",
        reason: "the example has no `value`",
    },
    Rule {
        rule: ("examples.rs", "sends no request body"),
        edit: Edit::Spec(|s| example(s)["get_payment.card_paid.request"] = json!({"value": {}})),
        file: SPEC_FILE,
        pointer: "/components/examples/get_payment.card_paid.request/value",
        reason: "the recording get_payment.card_paid sends no request body",
    },
    Rule {
        rule: ("examples.rs", "the example differs from the"),
        edit: Edit::Spec(|s| {
            example(s)["get_token.ok.response"]["value"]["response"]["access_token"] = json!("x")
        }),
        file: SPEC_FILE,
        pointer: "/components/examples/get_token.ok.response/value/response/access_token",
        reason: "the example differs from the response body of the recording get_token.ok at \"/response/access_token\"",
    },
    Rule {
        rule: ("examples.rs", "an example must be a $ref"),
        edit: Edit::Spec(|s| {
            token_request_examples(s)["ok"] =
                json!({"value": {"imp_key": "imp_apikey", "imp_secret": "imp_secret_value"}})
        }),
        file: SPEC_FILE,
        pointer: TOKEN_REQUEST_OK,
        reason: "an example must be a $ref to a component under /components/examples",
    },
    Rule {
        rule: ("examples.rs", "example, listed under a"),
        edit: Edit::Spec(|s| {
            token_request_examples(s)["ok"] =
                json!({"$ref": "#/components/examples/get_token.ok.response"})
        }),
        file: SPEC_FILE,
        pointer: TOKEN_REQUEST_OK,
        reason: "\"get_token.ok.response\" is a response example, listed under a request",
    },
    Rule {
        rule: (
            "examples.rs",
            "which does not answer or send with this media type",
        ),
        edit: Edit::Spec(|s| {
            token_request_examples(s)["ok"] =
                json!({"$ref": "#/components/examples/cancel_payment.partial.request"})
        }),
        file: SPEC_FILE,
        pointer: TOKEN_REQUEST_OK,
        reason: "\"cancel_payment.partial.request\" is taken from a recording of cancel_payment",
    },
    Rule {
        rule: ("examples.rs", "(an example breaks its schema)"),
        // The recording is changed alike, so only the schema can object.
        edit: Edit::Files(|root| {
            let file = root.join(rec("get_token.ok"));
            let mut r: Value =
                serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            r["response"]["body"]["response"]["now"] = json!("soon");
            std::fs::write(&file, serde_json::to_string_pretty(&r).unwrap()).unwrap();
            let file = root.join(SPEC_FILE);
            let mut spec: Value =
                serde_norway::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            example(&mut spec)["get_token.ok.response"]["value"]["response"]["now"] = json!("soon");
            std::fs::write(&file, serde_norway::to_string(&spec).unwrap()).unwrap();
        }),
        file: SPEC_FILE,
        pointer: "/paths/~1users~1getToken/post/responses/200/content/application~1json/examples/ok/response/now",
        reason: "get_token.ok.response: ",
    },
    Rule {
        rule: (
            "examples.rs",
            "has no response example taken from its own recordings",
        ),
        edit: Edit::Spec(|s| {
            remove(
                &mut s["paths"]["/users/getToken"]["post"]["responses"]["200"]["content"]["application/json"],
                "examples",
            )
        }),
        file: SPEC_FILE,
        pointer: "/paths/~1users~1getToken/post",
        reason: "get_token has no response example taken from its own recordings",
    },
    Rule {
        rule: (
            "examples.rs",
            "has no request example taken from its own recordings",
        ),
        edit: Edit::Spec(|s| {
            remove(
                &mut s["paths"]["/users/getToken"]["post"]["requestBody"]["content"]["application/json"],
                "examples",
            )
        }),
        file: SPEC_FILE,
        pointer: "/paths/~1users~1getToken/post",
        reason: "get_token has no request example taken from its own recordings",
    },
];

/// Sentences of `xtask/src/validate/` that are not the reason of a rule about the input.
const NOT_RULES: &[(&str, &str)] = &[
    // The machine cannot start a tokio runtime: no spec or recording makes that happen.
    ("replay.rs", "cannot start a runtime"),
];

/// A copy of the spec and the recordings in a temporary directory, to break.
fn copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(RECORDINGS_DIR)).unwrap();
    std::fs::copy(root().join(SPEC_FILE), dir.path().join(SPEC_FILE)).unwrap();
    for entry in std::fs::read_dir(root().join(RECORDINGS_DIR)).unwrap() {
        let path = entry.unwrap().path();
        let to = dir
            .path()
            .join(RECORDINGS_DIR)
            .join(path.file_name().unwrap());
        std::fs::copy(&path, to).unwrap();
    }
    dir
}

fn apply(edit: &Edit, root: &Path) {
    match edit {
        Edit::Spec(change) => {
            let file = root.join(SPEC_FILE);
            let mut spec: Value =
                serde_norway::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            change(&mut spec);
            std::fs::write(&file, serde_norway::to_string(&spec).unwrap()).unwrap();
        }
        Edit::Recording(name, change) => {
            let file = root.join(rec(name));
            let mut r: Value =
                serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            change(&mut r);
            std::fs::write(&file, serde_json::to_string_pretty(&r).unwrap()).unwrap();
        }
        Edit::Files(change) => change(root),
    }
}

fn listed(findings: &[Finding]) -> String {
    findings.iter().map(|f| format!("  {f}\n")).collect()
}

#[test]
fn each_rule_reports_the_edit_that_breaks_it() {
    // The edits below differ from this copy by the change they make, nothing else.
    let unchanged = copy();
    let findings = validate(unchanged.path(), Checks::ALL).findings;
    assert!(findings.is_empty(), "unedited copy:\n{}", listed(&findings));

    let mut failed = Vec::new();
    for row in RULES {
        let dir = copy();
        apply(&row.edit, dir.path());
        let checks = if row.rule.0 == "replay.rs" {
            Checks::ALL
        } else {
            STATIC
        };
        let findings = validate(dir.path(), checks).findings;
        let found = findings.iter().any(|f| {
            f.file == row.file && f.pointer == row.pointer && f.reason.contains(row.reason)
        });
        if !found {
            failed.push(format!(
                "{}: {:?}: no finding {}#{}: ...{}... in:\n{}",
                row.rule.0,
                row.rule.1,
                row.file,
                row.pointer,
                row.reason,
                listed(&findings)
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// The string literals of a Rust source file, attributes (doc comments) left out.
fn literals(tokens: TokenStream, out: &mut Vec<String>) {
    let mut tokens = tokens.into_iter().peekable();
    while let Some(t) = tokens.next() {
        match t {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                if matches!(tokens.peek(), Some(TokenTree::Punct(b)) if b.as_char() == '!') {
                    tokens.next();
                }
                if matches!(tokens.peek(), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket)
                {
                    tokens.next();
                }
            }
            TokenTree::Group(g) => literals(g.stream(), out),
            TokenTree::Literal(l) => {
                let text = l.to_string();
                if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
                    // A `\` at the end of a line continues the string past the indentation.
                    let mut s = String::new();
                    let mut rest = inner;
                    while let Some(at) = rest.find("\\\n") {
                        s.push_str(&rest[..at]);
                        rest = rest[at + 2..].trim_start();
                    }
                    s.push_str(rest);
                    out.push(s.replace("\\\"", "\"").replace("\\'", "'"));
                }
            }
            _ => {}
        }
    }
}

/// Whether a literal reads as a sentence: a space, and letters outside the placeholders.
fn is_sentence(literal: &str) -> bool {
    let mut outside = String::new();
    let mut depth = 0;
    for c in literal.replace("{{", "").replace("}}", "").chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            c if depth == 0 => outside.push(c),
            _ => {}
        }
    }
    literal.contains(' ') && outside.chars().any(|c| c.is_ascii_alphabetic())
}

/// The reasons written in `xtask/src/validate/`: file name → sentences.
fn reasons_in_source() -> BTreeMap<String, Vec<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/validate");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let tokens: TokenStream = text.parse().unwrap();
        let mut all = Vec::new();
        literals(tokens, &mut all);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        out.insert(name, all.into_iter().filter(|l| is_sentence(l)).collect());
    }
    out
}

#[test]
fn every_rule_of_the_checker_has_a_row() {
    let source = reasons_in_source();
    let claims = |file: &str, literal: &str| {
        RULES
            .iter()
            .map(|r| r.rule)
            .chain(NOT_RULES.iter().copied())
            .filter(|(f, fragment)| *f == file && literal.contains(fragment))
            .count()
    };
    let mut unclaimed = Vec::new();
    for (file, sentences) in &source {
        for s in sentences {
            if claims(file, s) == 0 {
                unclaimed.push(format!("{file}: {s:?}"));
            }
        }
    }
    assert!(
        unclaimed.is_empty(),
        "reasons with no row in RULES (add one, or remove a rule no input can break):\n{}",
        unclaimed.join("\n")
    );
    // Each row names one reason of one file, or says that its reason comes from a library.
    for (file, fragment) in RULES
        .iter()
        .map(|r| r.rule)
        .chain(NOT_RULES.iter().copied())
    {
        if fragment.starts_with('(') {
            continue;
        }
        let matching = source
            .get(file)
            .into_iter()
            .flatten()
            .filter(|s| s.contains(fragment))
            .count();
        assert_eq!(matching, 1, "{file}: {fragment:?} names {matching} reasons");
    }
    // And each reason is claimed once: two rows for one rule would hide a missing one.
    for (file, sentences) in &source {
        for s in sentences {
            assert!(
                claims(file, s) <= 1,
                "{file}: {s:?} is claimed by several rows"
            );
        }
    }
}

/// One guard of the code generator: an edit of the spec it refuses, and the error.
struct Guard {
    /// The function of `build/codegen.rs` that refuses it.
    guard: &'static str,
    edit: fn(&mut Value),
    error: &'static str,
}

fn schema<'a>(s: &'a mut Value, name: &str) -> &'a mut Value {
    &mut s["components"]["schemas"][name]
}

const GUARDS: &[Guard] = &[
    Guard {
        guard: "select_groups",
        edit: |s| remove(get_payment(s), "tags"),
        error: "get /payments/{imp_uid}: no tag names its API group",
    },
    Guard {
        guard: "select_groups",
        edit: |s| get_payment(s)["tags"] = json!(["payment"]),
        error: "get /payments/{imp_uid}: tag \"payment\" is not declared",
    },
    Guard {
        guard: "enum_defs",
        edit: |s| schema(s, "PaymentStatus")["enum"] = json!(["ready"]),
        error: "PaymentStatus: both `enum` and `x-extensible-enum`",
    },
    Guard {
        guard: "enum_defs",
        edit: |s| schema(s, "PaymentStatus")["type"] = json!("integer"),
        error: "PaymentStatus: an enum component must be `type: string`",
    },
    Guard {
        guard: "enum_defs",
        edit: |s| schema(s, "PaymentStatus")["x-extensible-enum"] = json!("ready"),
        error: "PaymentStatus: the known values must be a list",
    },
    Guard {
        guard: "enum_defs",
        edit: |s| schema(s, "PaymentStatus")["x-extensible-enum"] = json!(["ready", 1, "a", "b"]),
        error: "PaymentStatus: the value 1 is not a string",
    },
    Guard {
        guard: "enum_defs",
        edit: |s| schema(s, "ScheduleSorting")["enum"] = json!([]),
        error: "ScheduleSorting: an enum lists no values",
    },
    Guard {
        guard: "enum_defs",
        edit: |s| schema(s, "PaymentStatus")["x-enum-varnames"] = json!("Ready"),
        error: "PaymentStatus: `x-enum-varnames` must be a list",
    },
    Guard {
        guard: "enum_defs",
        edit: |s| schema(s, "PaymentStatus")["x-enum-descriptions"] = json!([1, 2, 3, 4]),
        error: "PaymentStatus: `x-enum-descriptions` must list strings",
    },
    Guard {
        guard: "enum_defs",
        edit: |s| {
            schema(s, "PaymentStatus")["x-enum-varnames"] = json!(["Ready", "Paid", "Cancelled"])
        },
        error: "PaymentStatus: `x-enum-varnames` has 3 entries for 4 values",
    },
    Guard {
        guard: "enum_defs",
        edit: |s| {
            schema(s, "PaymentStatus")["x-enum-varnames"] =
                json!(["Ready", "paid", "Cancelled", "Failed"])
        },
        error: "PaymentStatus: `paid` cannot name a variant",
    },
    Guard {
        guard: "enum_defs",
        edit: |s| {
            schema(s, "PaymentStatus")["x-enum-varnames"] =
                json!(["Ready", "Paid", "Paid", "Failed"])
        },
        error: "PaymentStatus: the variant name `Paid` is given twice",
    },
    Guard {
        guard: "patterns_compile",
        edit: |s| schema(s, "PrepareRequest")["properties"]["merchant_uid"]["pattern"] = json!("("),
        error: "merchant_uid: the pattern \"(\" does not compile",
    },
    Guard {
        guard: "insert_checks",
        // progenitor names the argument `imp_uid_x`; the checks look for `impUidX`.
        edit: |s| {
            get_payment(s)["parameters"][0] = json!({
                "name": "impUidX", "in": "path", "required": true,
                "schema": {"type": "string", "minLength": 1, "maxLength": 32}
            });
            let item = s["paths"]
                .as_object_mut()
                .unwrap()
                .remove("/payments/{imp_uid}")
                .unwrap();
            s["paths"]["/payments/{impUidX}"] = item;
        },
        error: "`get_payment` takes no argument `impUidX`",
    },
    Guard {
        guard: "insert_checks",
        // progenitor names the method `get_payment_x`; the checks look for `getPaymentX`.
        edit: |s| get_payment(s)["operationId"] = json!("getPaymentX"),
        error: "no generated method `getPaymentX` to check the parameters of",
    },
    Guard {
        guard: "drop_api_version_header",
        edit: |s| {
            push_param(
                s,
                json!({"name": "x-trace", "in": "header", "required": true,
                       "description": "A trace id.", "schema": {"type": "string"}}),
            )
        },
        error: "`get_payment` sends a header other than api-version",
    },
    Guard {
        guard: "drop_api_version_header",
        edit: |s| s["paths"] = json!({}),
        error: "no operation builds an api-version header",
    },
    Guard {
        guard: "decode_read_bodies",
        edit: |s| {
            get_payment(s)["responses"]["200"] = json!({
                "description": "A stream.",
                "content": {"application/octet-stream": {
                    "schema": {"type": "string", "format": "binary"}
                }}
            })
        },
        error: "reads its response with `ResponseValue::stream`",
    },
    Guard {
        guard: "decode_read_bodies",
        edit: |s| {
            let mut op = get_payment(s).clone();
            op["parameters"] = json!([]);
            op["responses"] = json!({"204": {"description": "Nothing."}});
            s["paths"] = json!({"/ping": {"get": op}});
        },
        error: "no operation decodes with `ResponseValue::from_response`",
    },
    Guard {
        guard: "encode_paths_in_place",
        edit: |s| {
            s["paths"]
                .as_object_mut()
                .unwrap()
                .retain(|path, _| !path.contains('{'))
        },
        error: "no operation encodes a path parameter",
    },
];

/// The guards no spec can trip: they fire only if progenitor's output changes shape.
///
/// - `encode_paths_in_place`: "a path parameter is encoded other than as
///   `encode_path(&value.to_string())`" — progenitor writes every path parameter that way.
#[test]
fn each_codegen_guard_refuses_the_edit_that_trips_it() {
    let text = std::fs::read_to_string(root().join(SPEC_FILE)).unwrap();
    let spec: Value = serde_norway::from_str(&text).unwrap();
    // The spec, read and written back the way the edits are, generates.
    if let Err(e) = xtask::codegen::generate(&serde_json::to_string_pretty(&spec).unwrap()) {
        panic!("unedited spec: {e}");
    }
    let mut failed = Vec::new();
    for g in GUARDS {
        let mut edited = spec.clone();
        (g.edit)(&mut edited);
        match xtask::codegen::generate(&serde_json::to_string_pretty(&edited).unwrap()) {
            Err(e) if e.contains(g.error) => {}
            other => failed.push(format!(
                "{}: expected ...{}..., got {:?}",
                g.guard,
                g.error,
                other.map(|_| "a client")
            )),
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
