//! `cargo xtask codegen`: the same generation as `build.rs`, written out for reading.

use std::path::Path;

fn spec_text() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    std::fs::read_to_string(root.join("spec/iamport.yaml")).unwrap()
}

#[test]
fn the_spec_generates_a_formatted_client_with_every_operation() {
    let code = xtask::codegen::generate(&spec_text()).unwrap();
    for op in [
        "get_token",
        "get_payment",
        "cancel_payment",
        "revoke_external_receipt",
    ] {
        assert!(code.contains(&format!("pub fn {op}(")), "{op} missing");
    }
    // Our own types are swapped in, never generated.
    assert!(code.contains("crate::PaymentStatus"));
    assert!(!code.contains("pub enum PaymentStatus"));
    assert!(code.lines().count() > 1000);
}

#[test]
fn a_broken_spec_is_refused_with_a_reason() {
    let broken = spec_text().replace(
        "#/components/schemas/PaymentEnvelope",
        "#/components/schemas/NoSuchEnvelope",
    );
    let err = xtask::codegen::generate(&broken).unwrap_err();
    assert!(
        err.contains("NoSuchEnvelope") || err.contains("progenitor"),
        "{err}"
    );
}
