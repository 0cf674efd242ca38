//! `cargo xtask official-diff`: the spec as it is agrees with the deviations file, and each
//! kind of break (a value the official file lacks, a parameter the spec lost, a listed key
//! that is no longer a difference) is refused with its key.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use xtask::official_diff::{self, DEVIATIONS_FILE, OFFICIAL_FILE, Outcome};
use xtask::validate::SPEC_FILE;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

fn spec() -> Value {
    let text = std::fs::read_to_string(root().join(SPEC_FILE)).unwrap();
    serde_norway::from_str(&text).unwrap()
}

/// Runs the check with the real official file and the given spec and deviations text.
fn check_with(spec: &Value, deviations: &str) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let spec_file = dir.path().join("iamport.yaml");
    std::fs::write(&spec_file, serde_norway::to_string(spec).unwrap()).unwrap();
    let deviations_file = dir.path().join("official-deviations.yaml");
    std::fs::write(&deviations_file, deviations).unwrap();
    official_diff::check(&spec_file, &root().join(OFFICIAL_FILE), &deviations_file).unwrap()
}

fn deviations() -> String {
    std::fs::read_to_string(root().join(DEVIATIONS_FILE)).unwrap()
}

/// The outcome of the unchanged project.
fn unchanged() -> Outcome {
    official_diff::check(
        &root().join(SPEC_FILE),
        &root().join(OFFICIAL_FILE),
        &root().join(DEVIATIONS_FILE),
    )
    .unwrap()
}

#[test]
fn the_unchanged_spec_passes() {
    let outcome = unchanged();
    assert!(
        outcome.passed(),
        "unlisted:\n{}\nstale:\n{}",
        outcome.unlisted.join("\n"),
        outcome.stale.join("\n")
    );
    assert_eq!(outcome.official_operations, 80);
    assert!(outcome.covered <= outcome.spec_operations);
}

/// `edit` breaks a copy of the spec; the check must fail and report exactly `key` beyond
/// what the unchanged spec reports.
fn refused_with(edit: fn(&mut Value), key: &str) {
    let before = unchanged();
    let mut s = spec();
    edit(&mut s);
    let after = check_with(&s, &deviations());
    assert!(!after.passed());
    let new: Vec<&String> = after
        .unlisted
        .iter()
        .filter(|k| !before.unlisted.contains(k))
        .collect();
    assert_eq!(new, [key]);
    assert_eq!(after.stale, before.stale);
}

#[test]
fn an_enum_value_the_official_file_lacks_is_refused_with_its_key() {
    refused_with(
        |s| {
            s["components"]["schemas"]["PaymentStatusFilter"]["enum"]
                .as_array_mut()
                .unwrap()
                .push(json!("pending"));
        },
        "enum GET /payments/status/{payment_status} path.payment_status: spec has pending, official lacks",
    );
}

#[test]
fn a_removed_parameter_is_refused_with_its_key() {
    refused_with(
        |s| {
            s["paths"]["/payments/{imp_uid}"]["get"]["parameters"]
                .as_array_mut()
                .unwrap()
                .retain(|p| p["name"] != "include_sandbox");
        },
        "parameter GET /payments/{imp_uid} query.include_sandbox: official has, spec lacks",
    );
}

#[test]
fn a_renamed_path_parameter_is_no_difference() {
    let before = unchanged();
    let mut s = spec();
    let paths = s["paths"].as_object_mut().unwrap();
    let mut item = paths.remove("/payments/{imp_uid}/balance").unwrap();
    item["get"]["parameters"] = json!([{
        "name": "payment", "in": "path", "required": true, "schema": {"type": "string"}
    }]);
    paths.insert("/payments/{payment}/balance".to_owned(), item);
    let after = check_with(&s, &deviations());
    assert_eq!(after.unlisted, before.unlisted);
    assert_eq!(after.stale, before.stale);
}

#[test]
fn a_stale_entry_is_refused_with_its_key() {
    let key = "status GET /payments/{imp_uid} 418: spec has, official lacks";
    let text = format!(
        "{}\n- reason: \"a status the spec never declared\"\n  source: \"none\"\n  differences:\n    - \"{key}\"\n",
        deviations()
    );
    let outcome = check_with(&spec(), &text);
    assert!(!outcome.passed());
    assert_eq!(outcome.stale, [key]);
}

#[test]
fn the_unlisted_entries_printed_for_the_file_make_it_pass_when_added() {
    let mut s = spec();
    s["paths"]["/payments/{imp_uid}"]["get"]["parameters"]
        .as_array_mut()
        .unwrap()
        .retain(|p| p["name"] != "include_sandbox");
    let first = check_with(&s, &deviations());
    assert!(!first.unlisted.is_empty());
    let refreshed = format!("{}\n{}", deviations(), first.unlisted_yaml());
    let second = check_with(&s, &refreshed);
    assert!(second.passed(), "{:?} {:?}", second.unlisted, second.stale);
    assert!(
        second
            .listing(Some("parameter"))
            .contains("query.include_sandbox")
    );
    assert!(
        !second
            .listing(Some("status"))
            .contains("query.include_sandbox")
    );
}

#[test]
fn a_missing_official_file_is_an_error_that_names_it() {
    let err = official_diff::check(
        &root().join(SPEC_FILE),
        &root().join("no/such/official.json"),
        &root().join(DEVIATIONS_FILE),
    )
    .unwrap_err();
    assert!(err.contains("no/such/official.json"), "{err}");
}
