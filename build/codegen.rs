//! The one definition of how the low-level client is generated from the spec, shared by
//! `build.rs` and `cargo xtask codegen`.
//!
//! The hand-written domain types, enums and `Amount` are swapped in for the spec's component
//! schemas of the same name, so the generated operations decode straight into the public types.

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TypeImpl};

/// Spec component -> hand-written type. Enums are open (they keep unknown values), so they need
/// `Display` and `FromStr` where the generator uses them as path or query parameters.
pub const ENUMS: &[&str] = &[
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

pub const TYPES: &[(&str, &str)] = &[
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

/// Formatted Rust source of the client generated from the text of an OpenAPI document.
///
/// # Errors
/// A message saying why the document cannot be read or the client cannot be generated.
pub fn generate(spec_text: &str) -> Result<String, String> {
    let spec: openapiv3::OpenAPI = serde_norway::from_str(spec_text)
        .map_err(|e| format!("not a valid OpenAPI 3.0 document: {e}"))?;

    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(
            "crate::client::Shared"
                .parse()
                .map_err(|e| format!("inner type: {e}"))?,
        );
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
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("the generated code does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}
