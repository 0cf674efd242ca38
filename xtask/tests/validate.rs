//! `cargo xtask validate` as tests: the project passes, and every check reports a broken
//! input with its file and JSON pointer.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use xtask::validate::{Checks, Finding, RECORDINGS_DIR, SPEC_FILE, validate};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Checks without the replay through the client, which has tests of its own below.
const STATIC: Checks = Checks {
    replay: false,
    ..Checks::ALL
};

/// A copy of the spec and the recordings in a temporary directory, to break.
struct Copy {
    dir: tempfile::TempDir,
}

impl Copy {
    fn new() -> Copy {
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
        Copy { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn spec(&self, change: impl FnOnce(&mut Value)) -> &Copy {
        let file = self.path().join(SPEC_FILE);
        let mut spec: Value =
            serde_norway::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        change(&mut spec);
        std::fs::write(&file, serde_norway::to_string(&spec).unwrap()).unwrap();
        self
    }

    fn recording(&self, name: &str, change: impl FnOnce(&mut Value)) -> &Copy {
        let file = self
            .path()
            .join(RECORDINGS_DIR)
            .join(format!("{name}.json"));
        let mut rec: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        change(&mut rec);
        std::fs::write(&file, serde_json::to_string_pretty(&rec).unwrap()).unwrap();
        self
    }

    fn remove(&self, name: &str) -> &Copy {
        std::fs::remove_file(
            self.path()
                .join(RECORDINGS_DIR)
                .join(format!("{name}.json")),
        )
        .unwrap();
        self
    }

    fn findings(&self, checks: Checks) -> Vec<Finding> {
        validate(self.path(), checks).findings
    }
}

/// Asserts that a finding has this file and pointer and a reason containing `reason`.
#[track_caller]
fn assert_found(findings: &[Finding], file: &str, pointer: &str, reason: &str) {
    assert!(
        findings
            .iter()
            .any(|f| f.file == file && f.pointer == pointer && f.reason.contains(reason)),
        "no finding {file}#{pointer}: ...{reason}... in:\n{}",
        findings
            .iter()
            .map(|f| format!("  {f}\n"))
            .collect::<String>()
    );
}

fn rec_file(name: &str) -> String {
    format!("{RECORDINGS_DIR}/{name}.json")
}

#[test]
fn the_project_passes_every_check() {
    let report = validate(&root(), Checks::ALL);
    let listed: String = report.findings.iter().map(|f| format!("  {f}\n")).collect();
    assert!(report.findings.is_empty(), "findings:\n{listed}");
    assert_eq!(report.coverage.len(), 82);
    assert!(report.recordings >= 40, "{} recordings", report.recordings);
    assert!(report.coverage_table().contains("get_payment "));
}

#[test]
fn an_unchanged_copy_passes() {
    // The broken cases below differ from this one by the change they make, nothing else.
    assert_eq!(Copy::new().findings(STATIC), vec![]);
}

#[test]
fn a_recording_with_a_wrong_type() {
    let copy = Copy::new();
    copy.recording("get_payment.card_paid", |r| {
        r["response"]["body"]["response"]["amount"] = json!("32,000")
    });
    let file = rec_file("get_payment.card_paid");
    let findings = copy.findings(Checks::ALL);
    assert_found(
        &findings,
        &file,
        "/response/body/response/amount",
        "is not of type \"number\"",
    );
    // The client cannot read it either.
    assert_found(&findings, &file, "/response/body", "through the client");
}

#[test]
fn a_recording_missing_a_required_field() {
    let copy = Copy::new();
    copy.recording("get_payment.card_paid", |r| {
        r["response"]["body"]["response"]
            .as_object_mut()
            .unwrap()
            .remove("merchant_uid");
    });
    assert_found(
        &copy.findings(STATIC),
        &rec_file("get_payment.card_paid"),
        "/response/body/response",
        "\"merchant_uid\" is a required property",
    );
}

#[test]
fn a_recording_for_an_unknown_path() {
    let copy = Copy::new();
    copy.recording("get_receipt.ok", |r| {
        r["request"]["path"] = json!("/receipts/imp_1/extra")
    });
    assert_found(
        &copy.findings(STATIC),
        &rec_file("get_receipt.ok"),
        "/request/path",
        "no operation of the spec matches GET /receipts/imp_1/extra",
    );
}

#[test]
fn a_recording_under_the_wrong_operation() {
    let copy = Copy::new();
    copy.recording("find_payment.ok", |r| r["operation"] = json!("get_payment"));
    assert_found(
        &copy.findings(STATIC),
        &rec_file("find_payment.ok"),
        "/operation",
        "is operation find_payment",
    );
}

#[test]
fn a_recording_with_an_undeclared_status() {
    let copy = Copy::new();
    // An operation's `default` response declares every other status; without it, 418 is
    // not declared.
    copy.spec(|s| {
        let responses = s["paths"]["/payments/{imp_uid}"]["get"]["responses"]
            .as_object_mut()
            .unwrap();
        responses.remove("default");
    });
    copy.recording("get_payment.not_found", |r| {
        r["response"]["status"] = json!(418)
    });
    assert_found(
        &copy.findings(STATIC),
        &rec_file("get_payment.not_found"),
        "/response/status",
        "status 418 is not declared for get_payment",
    );
}

#[test]
fn a_recording_with_an_undeclared_query_parameter_or_bad_body() {
    let copy = Copy::new();
    copy.recording("get_payments_by_status.ok", |r| {
        r["request"]["query"] = json!([["limit", "5000"], ["pg", "inicis"]])
    });
    copy.recording("prepare_payment.ok", |r| {
        r["request"]["body"]["amount"] = json!("a lot")
    });
    let findings = copy.findings(STATIC);
    let file = rec_file("get_payments_by_status.ok");
    assert_found(
        &findings,
        &file,
        "/request/query/1",
        "\"pg\" is not declared",
    );
    assert_found(&findings, &file, "/request/query/0/1", "maximum of 1000");
    assert_found(
        &findings,
        &rec_file("prepare_payment.ok"),
        "/request/body/amount",
        "is not of type \"number\"",
    );
}

#[test]
fn a_file_that_is_not_a_recording() {
    let copy = Copy::new();
    std::fs::write(
        copy.path()
            .join(RECORDINGS_DIR)
            .join("get_payment.broken.json"),
        "{\"operation\": ",
    )
    .unwrap();
    assert_found(
        &copy.findings(STATIC),
        &rec_file("get_payment.broken"),
        "",
        "not a recording",
    );
}

#[test]
fn an_unused_enum_component_is_reported() {
    let copy = Copy::new();
    copy.spec(|s| {
        s["components"]["schemas"]["CardType"] =
            json!({"type": "string", "enum": ["credit", "check"]})
    });
    assert_found(
        &copy.findings(STATIC),
        SPEC_FILE,
        "/components/schemas/CardType",
        "is not used",
    );
}

#[test]
fn an_operation_without_a_failure_recording() {
    let copy = Copy::new();
    copy.remove("get_receipt.not_found")
        .remove("get_receipt.refused");
    let report = validate(copy.path(), STATIC);
    assert_found(
        &report.findings,
        SPEC_FILE,
        "/paths/~1receipts~1{imp_uid}/get",
        "get_receipt has no failure recording",
    );
    let row = report
        .coverage
        .iter()
        .find(|r| r.operation == "get_receipt")
        .unwrap();
    assert!(row.failures.is_empty());
    assert_eq!(row.successes, ["ok", "unknown_type"]);
}

#[test]
fn lint_rules_each_report_their_place() {
    let copy = Copy::new();
    copy.spec(|s| {
        let get = &mut s["paths"]["/payments/{imp_uid}"]["get"];
        get["operationId"] = json!("getPayment");
        get.as_object_mut().unwrap().remove("summary");
        get["tags"] = json!(["nowhere"]);
        let receipt = &mut s["paths"]["/receipts/{imp_uid}"]["get"];
        receipt["operationId"] = json!("find_payment");
        receipt["parameters"] = json!([{
            "name": "imp_uid", "in": "path", "required": false,
            "schema": {"type": "string"}
        }]);
        receipt["responses"]["200"] = json!({
            "description": "plain text",
            "content": {"text/plain": {"schema": {"type": "string"}}}
        });
        receipt["responses"]["404"] = json!({"$ref": "#/components/responses/NoSuchResponse"});
        let schemas = &mut s["components"]["schemas"];
        schemas["Payment"]["properties"]["card_quota"]["minimum"] = json!("0");
        schemas["Payment"]["properties"]["pg_provider"]["enum"] = json!(["inicis", "kcp"]);
        schemas["Leftover"] = json!({"type": "object"});
        schemas["Payment"]["properties"]["buyer_phone"] = json!({"type": "string"});
        schemas["Payment"]["properties"]["product_name"] =
            json!({"type": "string", "description": "What was sold."});
        schemas["Payment"]["properties"]["depositor_name"] = json!({
            "type": "string", "x-personal": false,
            "description": "Not personal, say, in this test."
        });
        schemas["Payment"]["properties"]["custom_data"]
            .as_object_mut()
            .unwrap()
            .remove("x-personal");
        s["security"] = json!([{"apiKey": []}]);
    });
    let findings = copy.findings(STATIC);
    let get = "/paths/~1payments~1{imp_uid}/get";
    let receipt = "/paths/~1receipts~1{imp_uid}/get";
    let payment = "/components/schemas/Payment/properties";
    for (pointer, reason) in [
        (format!("{get}/operationId"), "is not snake_case"),
        (get.to_owned(), "no summary"),
        (format!("{get}/tags/0"), "is not declared under /tags"),
        (format!("{receipt}/operationId"), "is also used at"),
        (format!("{receipt}/parameters/0"), "is not required"),
        (format!("{receipt}/parameters/0"), "needs minLength"),
        (
            format!("{receipt}/responses/200"),
            "must be application/json",
        ),
        (
            format!("{receipt}/responses/404/$ref"),
            "names nothing in the document",
        ),
        (format!("{payment}/card_quota/minimum"), "must be a number"),
        (
            format!("{payment}/pg_provider/enum"),
            "must be a named component",
        ),
        ("/components/schemas/Leftover".to_owned(), "is not used"),
        (
            format!("{payment}/buyer_phone"),
            "looks like personal data but has no `x-personal` mark",
        ),
        (
            format!("{payment}/custom_data"),
            "looks like personal data but has no `x-personal` mark",
        ),
        ("/security/0".to_owned(), "\"apiKey\" is not declared"),
    ] {
        assert_found(&findings, SPEC_FILE, &pointer, reason);
    }
    // A name that is not a person's, and a property marked not personal, pass.
    for quiet in ["product_name", "depositor_name"] {
        let pointer = format!("{payment}/{quiet}");
        assert!(
            !findings
                .iter()
                .any(|f| f.pointer == pointer && f.reason.contains("personal")),
            "{pointer}: {findings:#?}"
        );
    }
}

#[test]
fn a_response_that_is_not_the_envelope() {
    let copy = Copy::new();
    copy.spec(|s| {
        s["components"]["schemas"]["PaymentEnvelope"] = json!({
            "type": "object",
            "properties": {"payment": {"$ref": "#/components/schemas/Payment"}}
        })
    });
    assert_found(
        &copy.findings(STATIC),
        SPEC_FILE,
        "/paths/~1payments~1{imp_uid}/get/responses/200",
        "the schema is not the envelope",
    );
}

#[test]
fn a_spec_that_is_not_openapi() {
    let copy = Copy::new();
    copy.spec(|s| s["paths"]["/payments/{imp_uid}"]["get"]["responses"] = json!("none"));
    assert_found(
        &copy.findings(STATIC),
        SPEC_FILE,
        "",
        "not an OpenAPI 3.0 document",
    );
}

#[test]
fn public_api_checks_each_report_their_place() {
    let copy = Copy::new();
    copy.spec(|s| {
        let schemas = &mut s["components"]["schemas"];
        // A component generated as a type no user can name.
        schemas["CardBin"] = json!({"type": "string", "description": "Six digits."});
        schemas["Payment"]["properties"]["card_bin"] = json!({
            "description": "The card's first digits.",
            "allOf": [{"$ref": "#/components/schemas/CardBin"}],
        });
        // A public type holding an internal one.
        schemas["Payment"]["properties"]["token"] = json!({
            "description": "Never public.",
            "allOf": [{"$ref": "#/components/schemas/AccessToken"}],
        });
        // A property without a description.
        schemas["Payment"]["properties"]["buyer_name"]
            .as_object_mut()
            .unwrap()
            .remove("description");
        // A scalar that disagrees with its hand-written type.
        schemas["Amount"]["type"] = json!("string");
    });
    let findings = copy.findings(STATIC);
    assert_found(
        &findings,
        SPEC_FILE,
        "/components/schemas/CardBin",
        "not reachable from the public API",
    );
    assert_found(
        &findings,
        SPEC_FILE,
        "/components/schemas/Payment",
        "the public type Payment holds AccessToken, which is not public",
    );
    assert_found(
        &findings,
        SPEC_FILE,
        "/components/schemas/Payment/properties/buyer_name",
        "a property needs a description",
    );
    assert_found(
        &findings,
        SPEC_FILE,
        "/components/schemas/Amount/type",
        "the hand-written Amount has type \"number\", the spec \"string\"",
    );
}

#[test]
fn open_and_closed_enums_follow_who_owns_them() {
    let copy = Copy::new();
    copy.spec(|s| {
        let schemas = &mut s["components"]["schemas"];
        // A server-owned enum written closed, and a request-only one written open.
        schemas["Channel"] = json!({
            "type": "string",
            "description": "Where the payment was requested.",
            "enum": ["pc", "mobile", "api"],
        });
        schemas["Sorting"] = json!({
            "type": "string",
            "description": "Order of listed payments.",
            "x-extensible-enum": ["-started", "started", "-paid", "paid", "-updated", "updated"],
        });
    });
    let findings = copy.findings(STATIC);
    assert_found(
        &findings,
        SPEC_FILE,
        "/components/schemas/Channel",
        "Channel appears in a response, so the server owns it: write it open",
    );
    assert_found(
        &findings,
        SPEC_FILE,
        "/components/schemas/Sorting",
        "Sorting appears only in requests: write it closed",
    );
    // The open enum's known values are not a stray inline enum.
    assert!(
        !findings
            .iter()
            .any(|f| f.reason.contains("must be a named component")),
        "{findings:?}"
    );
}

#[test]
fn an_inline_enum_open_or_closed_is_reported() {
    let copy = Copy::new();
    copy.spec(|s| {
        let payment = &mut s["components"]["schemas"]["Payment"]["properties"];
        payment["pg_provider"] = json!({
            "type": "string",
            "description": "The PG.",
            "x-extensible-enum": ["kcp", "inicis"],
        });
        payment["pg_tid"] = json!({
            "description": "The PG's id.",
            "anyOf": [{"type": "string", "enum": ["a", "b"]}, {"type": "string"}],
        });
    });
    let findings = copy.findings(STATIC);
    assert_found(
        &findings,
        SPEC_FILE,
        "/components/schemas/Payment/properties/pg_provider/x-extensible-enum",
        "must be a named component",
    );
    assert_found(
        &findings,
        SPEC_FILE,
        "/components/schemas/Payment/properties/pg_tid/anyOf/0/enum",
        "must be a named component",
    );
}

#[test]
fn every_nullable_property_is_null_in_some_recording() {
    // The project passes (see the first test); removing the recordings that carry the only
    // nulls of some properties, or the only unknown enum values, is reported at each place.
    let copy = Copy::new();
    copy.remove("get_payment_balance.no_histories")
        .remove("get_payment_balance.refused")
        .remove("get_receipt.unknown_type")
        .remove("get_token.unauthorized_no_message");
    let findings = copy.findings(STATIC);
    for (pointer, reason) in [
        (
            "/components/schemas/PaymentBalance/properties/histories",
            "PaymentBalance.histories is nullable, but no recorded response has `null` there",
        ),
        (
            "/components/schemas/PaymentBalanceEnvelope/properties/response",
            "PaymentBalanceEnvelope.response is nullable",
        ),
        (
            "/components/schemas/ErrorEnvelope/properties/message",
            "ErrorEnvelope.message is nullable",
        ),
        (
            "/components/schemas/ReceiptType",
            "ReceiptType is an open enum, but no recorded response has a value it does not list",
        ),
    ] {
        assert_found(&findings, SPEC_FILE, pointer, reason);
    }
    // Receipt.receipt_tid is null only in the removed receipt too.
    assert_found(
        &findings,
        SPEC_FILE,
        "/components/schemas/Receipt/properties/receipt_tid",
        "is nullable",
    );
}

#[test]
fn a_new_nullable_property_needs_a_recorded_null() {
    let copy = Copy::new();
    copy.spec(|s| {
        s["components"]["schemas"]["Payment"]["properties"]["card_bin"] = json!({
            "type": "string",
            "nullable": true,
            "description": "The first digits of the card.",
        });
    });
    assert_found(
        &copy.findings(STATIC),
        SPEC_FILE,
        "/components/schemas/Payment/properties/card_bin",
        "Payment.card_bin is nullable",
    );
}

#[test]
fn a_null_where_the_spec_does_not_allow_it_is_refused_by_the_strict_reading() {
    // Under the old lenient reading `nullable: true` beside `allOf: [$ref]` admitted null;
    // under the strict 3.0.3 one it does not, so the envelope must use the anyOf null branch.
    let copy = Copy::new();
    copy.spec(|s| {
        s["components"]["schemas"]["PaymentBalanceEnvelope"]["properties"]["response"] = json!({
            "description": "The payload when `code` is `0`; `null` otherwise.",
            "nullable": true,
            "allOf": [{"$ref": "#/components/schemas/PaymentBalance"}],
        });
    });
    assert_found(
        &copy.findings(STATIC),
        &rec_file("get_payment_balance.refused"),
        "/response/body/response",
        "null",
    );
}
