//! Generates the low-level client from `spec/iamport.yaml` into `$OUT_DIR/codegen.rs`.
//!
//! The hand-written domain types, enums and `Amount` are swapped in for the spec's component
//! schemas of the same name, so the generated operations decode straight into the public types.

use std::{env, fs, path::PathBuf};

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TypeImpl};

const SPEC: &str = "spec/iamport.yaml";

/// Spec component -> hand-written type. Enums are open (they keep unknown values), so they need
/// `Display` and `FromStr` where the generator uses them as path or query parameters.
const ENUMS: &[&str] = &[
    "PaymentStatus",
    "PaymentStatusFilter",
    "Sorting",
    "PayMethod",
    "Channel",
    "Currency",
    "ReceiptType",
    "IdentifierType",
    "ProductType",
    "CancelRequester",
    "ExternalPayMethod",
];

const TYPES: &[(&str, &str)] = &[
    ("Amount", "crate::Amount"),
    ("UnixTime", "crate::UnixTime"),
    ("AccessToken", "crate::auth::AccessToken"),
    ("TokenRequest", "crate::auth::TokenRequest"),
    ("Payment", "crate::Payment"),
    ("PaymentCancel", "crate::PaymentCancel"),
    ("VbankDeposit", "crate::VbankDeposit"),
    ("PaymentPromotion", "crate::PaymentPromotion"),
    ("PaymentPage", "crate::PaymentPage"),
    ("PaymentBalance", "crate::PaymentBalance"),
    ("BalanceDetail", "crate::BalanceDetail"),
    ("BalanceHistory", "crate::BalanceHistory"),
    ("PreparedPayment", "crate::PreparedPayment"),
    ("Receipt", "crate::Receipt"),
    ("ExternalReceipt", "crate::ExternalReceipt"),
];

fn main() {
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed=build.rs");

    let text = fs::read_to_string(SPEC)
        .unwrap_or_else(|e| panic!("cannot read the OpenAPI spec {SPEC}: {e}"));
    let spec: openapiv3::OpenAPI = serde_norway::from_str(&text)
        .unwrap_or_else(|e| panic!("{SPEC} is not a valid OpenAPI 3.0 document: {e}"));

    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_hooks(HooksMode::Expected)
        .with_inner_type("crate::client::Shared".parse().expect("a type path"));
    for name in ENUMS {
        settings.with_replacement(
            name,
            format!("crate::{name}"),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    for (name, path) in TYPES {
        settings.with_replacement(name, path, std::iter::empty());
    }

    let mut generator = Generator::new(&settings);
    let tokens = generator
        .generate_tokens(&spec)
        .unwrap_or_else(|e| panic!("progenitor could not generate a client from {SPEC}: {e}"));
    let file: syn::File = syn::parse2(tokens)
        .unwrap_or_else(|e| panic!("generated code for {SPEC} does not parse: {e}"));
    let code = prettyplease::unparse(&file);

    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("codegen.rs");
    fs::write(&out, code).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
