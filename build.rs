//! Generates the low-level client from `spec/iamport.yaml` into `$OUT_DIR/codegen.rs`; the
//! generation itself is in `build/codegen.rs`, shared with `cargo xtask codegen`.

use std::{env, fs, path::PathBuf};

#[path = "build/codegen.rs"]
mod codegen;

const SPEC: &str = "spec/iamport.yaml";

fn main() {
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/codegen.rs");

    let text = fs::read_to_string(SPEC)
        .unwrap_or_else(|e| panic!("cannot read the OpenAPI spec {SPEC}: {e}"));
    // Only the API groups whose cargo feature is on (`x-feature` of the spec's tags).
    let enabled = |feature: &str| {
        let var = format!("CARGO_FEATURE_{}", feature.to_uppercase().replace('-', "_"));
        env::var_os(var).is_some()
    };
    let code = codegen::generate_groups(&text, &enabled).unwrap_or_else(|e| panic!("{SPEC}: {e}"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("codegen.rs");
    fs::write(&out, code).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
