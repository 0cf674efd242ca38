//! The translator of `cargo xtask validate` follows the strict OpenAPI 3.0.3 reading.
//!
//! `semantics.json` lists, for each rule of the translation, bodies to accept and bodies to
//! reject. This test holds the project's validator to it; `cargo xtask interop` holds the
//! reference validator (`openapi-schema-validator`, OAS30Validator) to the same table
//! (`scripts/interop/reference_validator.py`), so the two agree on every row.

use std::path::Path;

use serde_json::Value;
use xtask::validate::check_instance;

fn table() -> Value {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/semantics.json");
    serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap()
}

#[test]
fn every_rule_accepts_and_rejects_as_the_reference_does() {
    let table = table();
    let components = &table["components"];
    let rules = table["rules"].as_array().unwrap();
    assert!(rules.len() >= 10);
    let mut wrong = Vec::new();
    let (mut accepted, mut rejected) = (0, 0);
    for rule in rules {
        let name = rule["rule"].as_str().unwrap();
        let schema = &rule["schema"];
        for (key, valid) in [("accept", true), ("reject", false)] {
            for body in rule[key].as_array().unwrap() {
                let violations = check_instance(components, schema, body)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                if violations.is_empty() != valid {
                    wrong.push(format!(
                        "{name}: {body} should be {}ed, got {violations:?}",
                        &key[..key.len() - 1]
                    ));
                } else if valid {
                    accepted += 1;
                } else {
                    rejected += 1;
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(accepted > 20 && rejected > 20, "{accepted} {rejected}");
}

#[test]
fn every_rule_has_a_body_to_accept_and_one_to_reject() {
    // Except the untyped schema, which by design has nothing to reject.
    for rule in table()["rules"].as_array().unwrap() {
        let name = rule["rule"].as_str().unwrap();
        assert!(!rule["accept"].as_array().unwrap().is_empty(), "{name}");
        if !name.contains("untyped") {
            assert!(!rule["reject"].as_array().unwrap().is_empty(), "{name}");
        }
    }
}

#[test]
fn the_lenient_reading_of_nullable_is_gone() {
    // The reading this project used to apply: `nullable: true` beside `allOf: [$ref]` admitted
    // null. The reference validator refuses it, and so does this one now.
    let components = &table()["components"];
    let schema =
        serde_json::json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/Obj"}]});
    let violations = check_instance(components, &schema, &Value::Null).unwrap();
    assert!(!violations.is_empty());
}
