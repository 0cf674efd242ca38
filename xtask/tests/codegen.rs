//! `cargo xtask codegen`: the same generation as `build.rs`, written out for reading; and proof
//! that the public data types follow the spec.

use std::path::Path;

use quote::ToTokens;

fn spec_text() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    std::fs::read_to_string(root.join("spec/iamport.yaml")).unwrap()
}

/// The fields of a generated struct: (name, type, doc), in order.
fn fields(code: &str, name: &str) -> Vec<(String, String, String)> {
    let file = syn::parse_file(code).unwrap();
    let types = file
        .items
        .iter()
        .find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref(),
            _ => None,
        })
        .expect("a types module");
    let s = types
        .1
        .iter()
        .find_map(|i| match i {
            syn::Item::Struct(s) if s.ident == name => Some(s),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no struct {name}"));
    s.fields
        .iter()
        .map(|f| {
            let doc = f
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("doc"))
                .map(|a| a.to_token_stream().to_string())
                .collect::<String>();
            let ty = f.ty.to_token_stream().to_string().replace(' ', "");
            (f.ident.as_ref().unwrap().to_string(), ty, doc)
        })
        .collect()
}

fn public_list(code: &str) -> String {
    let start = code.find("pub mod public").expect("a public module");
    code[start..].to_owned()
}

/// The tokens of the `open_enum!` invocation that generates enum `name`, whitespace-normalised.
fn enum_tokens(code: &str, name: &str) -> Option<String> {
    let file = syn::parse_file(code).unwrap();
    let module = file.items.iter().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == "enums" => m.content.as_ref(),
        _ => None,
    })?;
    module.1.iter().find_map(|i| match i {
        syn::Item::Macro(m) => {
            let tokens = m.mac.tokens.to_string();
            let ident = tokens.split(" {").next()?.rsplit(' ').next()?.to_owned();
            (ident == name).then_some(tokens)
        }
        _ => None,
    })
}

#[test]
fn the_spec_generates_a_formatted_client_with_every_operation() {
    let text = spec_text();
    let code = xtask::codegen::generate(&text).unwrap();
    let spec: serde_json::Value = serde_norway::from_str(&text).unwrap();
    let mut count = 0;
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let id = op["operationId"].as_str().unwrap();
            assert!(
                code.contains(&format!("pub async fn {id}<'a>(")),
                "{id} missing"
            );
            count += 1;
        }
    }
    assert_eq!(count, 82);
    // The hand-written scalars are swapped in, never generated; the enums are generated
    // through the crate's macro.
    assert!(code.contains("crate::PaymentStatus"));
    assert!(!code.contains("pub enum PaymentStatus"));
    assert!(enum_tokens(&code, "PaymentStatus").is_some());
    assert!(!code.contains("pub struct Amount"));
    assert!(code.lines().count() > 1000);
}

#[test]
fn an_enum_value_added_to_the_spec_is_a_documented_variant_after_regeneration() {
    let spec = spec_text();
    let edited = spec
        .replacen(
            "x-extensible-enum: [ready, paid, cancelled, failed]\n      x-enum-varnames: [Ready, Paid, Cancelled, Failed]",
            "x-extensible-enum: [ready, paid, cancelled, failed, partial_cancelled]\n      x-enum-varnames: [Ready, Paid, Cancelled, Failed, PartlyCancelled]",
            1,
        )
        .replacen(
            "        - \"The payment attempt failed.\"\n",
            "        - \"The payment attempt failed.\"\n        - \"Cancelled in part.\"\n",
            1,
        );
    assert_ne!(edited, spec, "the PaymentStatus lists were not found");
    let before = enum_tokens(&xtask::codegen::generate(&spec).unwrap(), "PaymentStatus").unwrap();
    let after = enum_tokens(&xtask::codegen::generate(&edited).unwrap(), "PaymentStatus").unwrap();
    let variant = r#"# [doc = " Cancelled in part."] PartlyCancelled = "partial_cancelled" ,"#;
    assert!(!before.contains("PartlyCancelled"), "{before}");
    assert!(after.contains(variant), "{after}");
    // Open: the doc says unlisted values are kept.
    assert!(after.contains("kept in `Unknown`"), "{after}");
    // A request-only enum is closed: its doc does not promise unlisted values.
    let sorting = enum_tokens(&xtask::codegen::generate(&spec).unwrap(), "Sorting").unwrap();
    assert!(sorting.contains(r#"PaidDesc = "-paid""#), "{sorting}");
    assert!(!sorting.contains("kept in `Unknown`"), "{sorting}");
}

#[test]
fn enum_lists_that_cannot_name_variants_are_refused() {
    let spec = spec_text();
    let names = "x-enum-varnames: [Ready, Paid, Cancelled, Failed]";
    assert!(spec.contains(names));
    for (bad, reason) in [
        (
            "x-enum-varnames: [Ready, Paid, Cancelled]",
            "PaymentStatus: `x-enum-varnames` has 3 entries for 4 values",
        ),
        (
            "x-enum-varnames: [Ready, Paid, Paid, Failed]",
            "PaymentStatus: the variant name `Paid` is given twice",
        ),
        (
            "x-enum-varnames: [Ready, paid, Cancelled, Failed]",
            "PaymentStatus: `paid` cannot name a variant",
        ),
        (
            "x-enum-varnames: [Ready, Unknown, Cancelled, Failed]",
            "PaymentStatus: `Unknown` cannot name a variant",
        ),
    ] {
        let err = xtask::codegen::generate(&spec.replacen(names, bad, 1)).unwrap_err();
        assert!(err.contains(reason), "{bad}: {err}");
    }
    // Without names, a value's words name it.
    let unnamed = spec.replacen(&format!("      {names}\n"), "", 1);
    let tokens = enum_tokens(
        &xtask::codegen::generate(&unnamed).unwrap(),
        "PaymentStatus",
    )
    .unwrap();
    assert!(tokens.contains(r#"Cancelled = "cancelled""#), "{tokens}");
    // A component both open and closed is refused.
    let both = spec.replacen(
        "x-extensible-enum: [ready, paid, cancelled, failed]",
        "x-extensible-enum: [ready, paid, cancelled, failed]\n      enum: [ready]",
        1,
    );
    let err = xtask::codegen::generate(&both).unwrap_err();
    assert!(
        err.contains("PaymentStatus: both `enum` and `x-extensible-enum`"),
        "{err}"
    );
}

#[test]
fn a_property_added_to_the_spec_is_a_documented_field_after_regeneration() {
    let spec = spec_text();
    let anchor = "        imp_uid:\n          type: string\n          description: i'mport's id of the payment";
    assert!(spec.contains(anchor), "the Payment schema moved");
    let edited = spec.replacen(
        anchor,
        &format!(
            "        card_bin:\n          type: string\n          nullable: true\n          \
             description: The first six digits of the card.\n{anchor}"
        ),
        1,
    );
    let before = fields(&xtask::codegen::generate(&spec).unwrap(), "Payment");
    let after = fields(&xtask::codegen::generate(&edited).unwrap(), "Payment");
    assert!(!before.iter().any(|(n, ..)| n == "card_bin"));
    let (name, ty, doc) = &after[0];
    assert_eq!(name, "card_bin", "fields follow the spec's order");
    assert_eq!(ty, "::std::option::Option<::std::string::String>");
    assert!(doc.contains("The first six digits of the card."), "{doc}");
    assert_eq!(after.len(), before.len() + 1);
}

#[test]
fn a_property_removed_from_the_spec_is_gone_after_regeneration() {
    let spec = spec_text();
    let property = "        cancel_amount:\n          description: The amount cancelled so far, over every partial cancellation.\n          allOf:\n            - $ref: \"#/components/schemas/Amount\"\n";
    assert!(spec.contains(property), "the Payment schema moved");
    let edited = spec.replacen(property, "", 1).replacen(
        "required: [imp_uid, merchant_uid, amount, cancel_amount, currency, status]",
        "required: [imp_uid, merchant_uid, amount, currency, status]",
        1,
    );
    let before = fields(&xtask::codegen::generate(&spec).unwrap(), "Payment");
    let after = fields(&xtask::codegen::generate(&edited).unwrap(), "Payment");
    let field = before.iter().find(|(n, ..)| n == "cancel_amount").unwrap();
    assert_eq!(field.1, "crate::Amount");
    assert!(!after.iter().any(|(n, ..)| n == "cancel_amount"));
}

#[test]
fn conventions_of_the_spec_map_to_rust_types() {
    let code = xtask::codegen::generate(&spec_text()).unwrap();
    let payment = fields(&code, "Payment");
    let ty = |name: &str| {
        payment
            .iter()
            .find(|(n, ..)| n == name)
            .unwrap_or_else(|| panic!("no field {name}"))
            .1
            .clone()
    };
    // An EventTime is an optional UnixTime, `0` read as `None`.
    assert_eq!(ty("paid_at"), "::std::option::Option<crate::UnixTime>");
    // A nullable list is a plain Vec.
    assert_eq!(ty("cancel_history"), "::std::vec::Vec<PaymentCancel>");
    // A boolean with `default: false` is a plain bool.
    assert_eq!(ty("escrow"), "bool");
    // Fields keep the spec's order, not the alphabet's.
    assert_eq!(payment[0].0, "imp_uid");
    assert_eq!(payment[1].0, "merchant_uid");
    // A `format: password` string is a Secret.
    let token = fields(&code, "TokenRequest");
    assert_eq!(token[1].1, "crate::Secret");
    // A property named `type` is `r#type`.
    assert!(fields(&code, "Receipt").iter().any(|(n, ..)| n == "r#type"));
    // Envelopes and the token exchange stay private; the rest is public.
    let public = public_list(&code);
    assert!(public.contains("Payment,") && public.contains("ReceiptRequest"));
    assert!(!public.contains("Envelope") && !public.contains("TokenRequest"));
}

#[test]
fn a_broken_spec_is_refused_with_a_reason() {
    let broken = spec_text().replace(
        "#/components/schemas/PaymentEnvelope",
        "#/components/schemas/NoSuchEnvelope",
    );
    let err = xtask::codegen::generate(&broken).unwrap_err();
    assert!(
        err.contains("$ref #/components/schemas/NoSuchEnvelope is missing"),
        "{err}"
    );
}

#[test]
fn no_operation_sends_the_api_version_header_and_a_header_parameter_is_noticed() {
    let code = xtask::codegen::generate(&spec_text()).unwrap();
    assert!(!code.contains("api-version"), "api-version is still sent");
    assert!(!code.contains("header_map"));

    // A header parameter would be merged through the same map: the post-pass says so rather
    // than drop it.
    let spec = spec_text();
    let op = spec.find("operationId: get_payment_balance").unwrap();
    let id_param = "        - $ref: \"#/components/parameters/ImpUidPath\"\n";
    let at = op + spec[op..].find(id_param).unwrap() + id_param.len();
    let with_header = format!(
        "{}        - {{name: x-trace, in: header, required: true, description: A trace id., schema: {{type: string}}}}\n{}",
        &spec[..at],
        &spec[at..]
    );
    let err = xtask::codegen::generate(&with_header).unwrap_err();
    assert!(
        err.contains("get_payment_balance") && err.contains("api-version"),
        "{err}"
    );
}

#[test]
fn responses_are_decoded_from_the_body_the_hook_read_and_a_streamed_response_is_noticed() {
    let code = xtask::codegen::generate(&spec_text()).unwrap();
    assert!(
        !code.contains("from_response"),
        "a response is still read twice"
    );
    let decoded = code.matches("crate::envelope::decoded(response)").count();
    assert!(decoded >= 35, "only {decoded} decodings replaced");
    // Path segments go through the crate's encoder, which sends `+` as `%2B`.
    assert!(
        !code.contains("encode_path(&"),
        "a path segment is encoded with `+` left bare"
    );
    assert!(code.matches("quirks::encode_path(").count() >= 20);

    // A response that is not JSON would be handed to the caller as a stream, and find its
    // body already read by the `exec` hook: the post-pass says so.
    let spec = spec_text();
    let op = spec.find("operationId: get_payment_balance").unwrap();
    let json = "application/json:\n              schema:\n                $ref: \"#/components/schemas/PaymentBalanceEnvelope\"";
    let at = op + spec[op..].find(json).unwrap();
    let streamed = format!(
        "{}application/octet-stream:\n              schema: {{type: string, format: binary}}{}",
        &spec[..at],
        &spec[at + json.len()..]
    );
    let err = xtask::codegen::generate(&streamed).unwrap_err();
    assert!(err.contains("ResponseValue::stream"), "{err}");
}

/// The generated `BODY_IDS` table as JSON: [[operationId, [[name, [key, ..]], ..]], ..].
fn body_ids(code: &str) -> serde_json::Value {
    fn value(e: &syn::Expr) -> serde_json::Value {
        match e {
            syn::Expr::Reference(r) => value(&r.expr),
            syn::Expr::Array(a) => a.elems.iter().map(value).collect(),
            syn::Expr::Tuple(t) => t.elems.iter().map(value).collect(),
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => s.value().into(),
            other => panic!("unexpected in BODY_IDS: {}", other.to_token_stream()),
        }
    }
    let file = syn::parse_file(code).unwrap();
    let table = file.items.iter().find_map(|i| match i {
        syn::Item::Const(c) if c.ident == "BODY_IDS" => Some(value(&c.expr)),
        _ => None,
    });
    table.expect("a BODY_IDS table")
}

/// The row of `operation` in the `BODY_IDS` table.
fn body_ids_of(code: &str, operation: &str) -> Option<serde_json::Value> {
    let table = body_ids(code);
    let rows = table.as_array().unwrap();
    rows.iter()
        .find(|r| r[0] == operation)
        .map(|r| r[1].clone())
}

#[test]
fn the_ids_of_a_body_are_found_where_the_spec_nests_them() {
    let code = xtask::codegen::generate(&spec_text()).unwrap();
    let row = |op: &str| body_ids_of(&code, op).unwrap_or_else(|| panic!("no row for {op}"));
    // A list of orders, an order id in each schedule entry; a schedule entry's amount is not
    // the amount of the change.
    assert_eq!(
        row("unschedule_payments"),
        serde_json::json!([
            ["customer_uid", ["customer_uid"]],
            ["merchant_uid", ["merchant_uid", "*"]]
        ])
    );
    assert_eq!(
        row("schedule_payments"),
        serde_json::json!([
            ["customer_uid", ["customer_uid"]],
            ["merchant_uid", ["schedules", "*", "merchant_uid"]]
        ])
    );
    // An amount given through `allOf: [$ref: Amount]` at the root is read.
    assert!(
        row("charge_billing_key")
            .to_string()
            .contains(r#"["amount",["amount"]]"#),
        "{}",
        row("charge_billing_key")
    );
    // A body with no ids has an empty row; an operation with no body has none.
    assert_eq!(row("update_schedule"), serde_json::json!([]));
    assert_eq!(body_ids_of(&code, "retry_schedule"), None);
}

#[test]
fn an_operation_added_to_the_spec_gets_the_paths_of_the_ids_nested_in_its_body() {
    let spec = spec_text();
    let path_anchor = "  /subscribe/payments/schedule/{merchant_uid}:\n";
    let schema_anchor = "  schemas:\n";
    assert!(spec.contains(path_anchor) && spec.contains(schema_anchor));
    let operation = r##"  /subscribe/payments/batch:
    post:
      operationId: charge_batch
      tags: [schedules]
      summary: Charge several orders
      description: Charges several orders at once.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/BatchRequest"
      responses:
        "200":
          $ref: "#/components/responses/ScheduleList"
"##;
    let schemas = r##"    BatchRequest:
      type: object
      description: Orders to charge at once.
      required: [items]
      properties:
        amount:
          description: The total of the batch.
          allOf:
            - $ref: "#/components/schemas/Amount"
        items:
          type: array
          description: The orders.
          items:
            $ref: "#/components/schemas/BatchItem"
    BatchItem:
      type: object
      description: One order of a batch.
      required: [merchant_uid]
      properties:
        merchant_uid:
          type: string
          description: The order.
        amount:
          description: The order's part of the total.
          allOf:
            - $ref: "#/components/schemas/Amount"
        settles:
          description: The payment the order settles.
          allOf:
            - $ref: "#/components/schemas/BatchPayment"
    BatchPayment:
      type: object
      description: A payment settled by an order.
      properties:
        imp_uid:
          type: string
          description: i'mport's id of the payment.
        next:
          description: A payment settled after it, the same way.
          allOf:
            - $ref: "#/components/schemas/BatchPayment"
"##;
    let edited = spec
        .replacen(path_anchor, &format!("{operation}{path_anchor}"), 1)
        .replacen(schema_anchor, &format!("{schema_anchor}{schemas}"), 1);
    let before = xtask::codegen::generate(&spec).unwrap();
    let after = xtask::codegen::generate(&edited).unwrap();
    assert_eq!(body_ids_of(&before, "charge_batch"), None);
    // Every order id along the list and the payment ids inside each item, by their key paths;
    // the total at the root is the change's amount, an item's part of it is not; a component
    // that refers to itself is followed once.
    let row = body_ids_of(&after, "charge_batch").expect("a row for the added operation");
    let mut found: Vec<(String, Vec<String>)> = serde_json::from_value(row).unwrap();
    found.sort();
    let path = |keys: &[&str]| keys.iter().map(|k| (*k).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        found,
        [
            ("amount".to_owned(), path(&["amount"])),
            (
                "imp_uid".to_owned(),
                path(&["items", "*", "settles", "imp_uid"])
            ),
            (
                "merchant_uid".to_owned(),
                path(&["items", "*", "merchant_uid"])
            ),
        ]
    );
    // The operations already there keep their rows.
    assert_eq!(
        body_ids_of(&after, "schedule_payments"),
        body_ids_of(&before, "schedule_payments")
    );
}

/// The operations (`pub async fn <id>`) and types (`pub struct <Name>`) of a generated client.
fn items(code: &str) -> (Vec<String>, Vec<String>) {
    let mut ops = Vec::new();
    let mut types = Vec::new();
    for line in code.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("pub async fn ") {
            ops.extend(rest.split(['<', '(']).next().map(str::to_owned));
        } else if let Some(rest) = line
            .strip_prefix("pub struct ")
            .or_else(|| line.strip_prefix("pub enum "))
        {
            types.extend(rest.split([' ', '{', '(', '<']).next().map(str::to_owned));
        }
    }
    (ops, types)
}

#[test]
fn a_group_whose_feature_is_off_generates_none_of_its_operations_or_types() {
    let text = spec_text();
    let spec: serde_json::Value = serde_norway::from_str(&text).unwrap();
    let features = xtask::codegen::features_of_tags(&spec);
    let groups: std::collections::BTreeSet<&str> = features.values().map(String::as_str).collect();
    assert_eq!(
        groups,
        std::collections::BTreeSet::from([
            "account",
            "benepia",
            "billing",
            "certifications",
            "codes",
            "cvs",
            "escrow",
            "kcpquick",
            "naver",
            "partners",
            "payco",
            "paymentwall",
            "receipts",
            "vbanks",
        ])
    );
    let full = xtask::codegen::generate_groups(&text, &|_| true).unwrap();
    let core = xtask::codegen::generate_groups(&text, &|_| false).unwrap();
    let no_billing = xtask::codegen::generate_groups(&text, &|f| f != "billing").unwrap();
    let (full_ops, full_types) = items(&full);
    let (core_ops, core_types) = items(&core);
    let (nb_ops, nb_types) = items(&no_billing);
    // Each operation is in a build exactly when its tag's feature is on (or it has none).
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let id = op["operationId"].as_str().unwrap().to_owned();
            let feature = features.get(op["tags"][0].as_str().unwrap());
            assert!(full_ops.contains(&id), "{id} missing from full");
            assert_eq!(
                core_ops.contains(&id),
                feature.is_none(),
                "{id} in the core build"
            );
            assert_eq!(
                nb_ops.contains(&id),
                feature.is_none_or(|f| f != "billing"),
                "{id} without billing"
            );
        }
    }
    // The types only a group reaches go with it; the ones the core reaches stay.
    for (name, in_core) in [
        ("Payment", true),
        ("PreparedPayment", true),
        ("BillingKey", false),
        ("ScheduleRequest", false),
        ("Receipt", false),
    ] {
        assert!(
            full_types.contains(&name.to_owned()),
            "{name} missing from full"
        );
        assert_eq!(
            core_types.contains(&name.to_owned()),
            in_core,
            "{name} in core"
        );
    }
    assert!(nb_types.contains(&"Receipt".to_owned()));
    assert!(!nb_types.contains(&"Schedule".to_owned()));
    assert!(enum_tokens(&core, "ScheduleStatus").is_none());
    assert!(enum_tokens(&full, "ScheduleStatus").is_some());
    println!(
        "generated code: core {} bytes ({} operations), without billing {} ({}), full {} ({})",
        core.len(),
        core_ops.len(),
        no_billing.len(),
        nb_ops.len(),
        full.len(),
        full_ops.len()
    );
}

#[test]
fn every_group_of_the_spec_is_a_cargo_feature_and_in_full() {
    let text = spec_text();
    let spec: serde_json::Value = serde_norway::from_str(&text).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let section = manifest
        .split("\n[features]\n")
        .nth(1)
        .and_then(|s| s.split("\n[").next())
        .expect("a [features] table");
    let full = section
        .lines()
        .find_map(|l| l.strip_prefix("full = "))
        .expect("a full feature");
    for feature in xtask::codegen::features_of_tags(&spec).values() {
        assert!(
            section
                .lines()
                .any(|l| l.starts_with(&format!("{feature} = "))),
            "the spec's group {feature} is not a feature of Cargo.toml"
        );
        assert!(
            full.contains(&format!("\"{feature}\"")),
            "{feature} not in full"
        );
    }
}

#[test]
fn an_operation_of_an_undeclared_tag_is_refused() {
    let text = spec_text().replacen("tags: [receipts]", "tags: [receipt]", 1);
    let err = xtask::codegen::generate_groups(&text, &|_| true).unwrap_err();
    assert!(err.contains("tag \"receipt\" is not declared"), "{err}");
}

/// The spec written back by serde_norway reads differently a second time (openapiv3 panics
/// on it): the generation refuses it with a reason instead of panicking.
#[test]
fn a_spec_that_cannot_be_read_twice_is_refused_not_a_panic() {
    let spec: serde_json::Value = serde_norway::from_str(&spec_text()).unwrap();
    let text = serde_norway::to_string(&spec).unwrap();
    match xtask::codegen::generate(&text) {
        Ok(_) => {}
        Err(e) => assert!(e.contains("not a valid OpenAPI 3.0 document"), "{e}"),
    }
}
