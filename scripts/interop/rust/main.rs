//! Decodes every recording of spec/recordings into the response model that openapi-generator's
//! `rust` client declares for it, with the generated crate's own serde derives
//! (`serde_json::from_str`), and serialises it back: the same JSON must come out.
//!
//! `cargo xtask interop` builds and runs it with the cases it writes (each recording with the
//! component schema of its response) and `src/cases.rs`: `decode`, one arm per component.
//!
//! Usage: `iamport-interop-rust CASES_JSON`; exits non-zero when a recording does not decode.

use std::process::ExitCode;

use iamport_openapi::models;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

mod cases;

/// The generator's name in every line printed, so a log says whose check failed.
const WHO: &str = "openapi-generator rust";

/// Decodes `text` into `T` and serialises the value back to JSON.
fn roundtrip<T: DeserializeOwned + Serialize>(text: &str) -> Result<Value, String> {
    let value: T = serde_json::from_str(text).map_err(|e| e.to_string())?;
    serde_json::to_value(&value).map_err(|e| e.to_string())
}

/// Where `back` (decoded and serialised again) differs from `sent`. Numbers compare by value:
/// the crate holds `type: number` as `f64`, so `1000` comes back as `1000.0`.
fn differences(back: &Value, sent: &Value, path: &str, out: &mut Vec<String>) {
    match (back, sent) {
        (Value::Number(a), Value::Number(b)) => {
            let same = match (a.as_i64(), b.as_i64()) {
                (Some(x), Some(y)) => x == y,
                _ => a.as_f64() == b.as_f64(),
            };
            if !same {
                out.push(format!("{path}: {a} instead of {b}"));
            }
        }
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in b {
                match a.get(key) {
                    Some(v) => differences(v, value, &format!("{path}/{key}"), out),
                    None => out.push(format!("{path}/{key}: lost")),
                }
            }
            for key in a.keys().filter(|k| !b.contains_key(*k)) {
                out.push(format!("{path}/{key}: added"));
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                differences(x, y, &format!("{path}/{i}"), out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{path}: {a} instead of {b}")),
    }
}

/// The recorded response body of a case.
fn body_of(case: &Value) -> Result<Value, String> {
    let file = case["file"].as_str().unwrap_or_default();
    let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
    let recording: Value = serde_json::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
    Ok(recording["response"]["body"].clone())
}

/// An optional field as text.
fn shown<T: std::fmt::Display>(value: Option<&T>) -> Option<String> {
    value.map(ToString::to_string)
}

/// Values the spec does not list, in recordings made for that, decode and stay as sent. The
/// fields are read through the generated types (`Display` works for a `String` and for a
/// generated enum alike, so this compiles whether the spec's enums are open or closed).
fn unknown_values(cases: &[Value]) -> Result<String, String> {
    let find = |name: &str| {
        cases
            .iter()
            .find(|c| c["name"] == name)
            .ok_or_else(|| format!("no recording {name}"))
            .and_then(body_of)
    };
    let name = "get_payment.unknown_values";
    let envelope: models::PaymentEnvelope =
        serde_json::from_value(find(name)?).map_err(|e| format!("{name}: PaymentEnvelope: {e}"))?;
    let payment = envelope
        .response
        .flatten()
        .ok_or_else(|| format!("{name}: no payment"))?;
    let got = (
        payment.status.to_string(),
        shown(payment.pay_method.as_ref()),
        shown(payment.channel.as_ref()),
        payment.currency.to_string(),
    );
    let want = (
        "pending".to_owned(),
        Some("bnpl".to_owned()),
        Some("kiosk".to_owned()),
        "CHF".to_owned(),
    );
    if got != want {
        return Err(format!("{name}: decoded {got:?}, sent {want:?}"));
    }
    let name = "get_receipt.unknown_type";
    let envelope: models::ReceiptEnvelope =
        serde_json::from_value(find(name)?).map_err(|e| format!("{name}: ReceiptEnvelope: {e}"))?;
    let receipt = envelope
        .response
        .flatten()
        .ok_or_else(|| format!("{name}: no receipt"))?;
    if receipt.r#type.to_string() != "self_issued" {
        return Err(format!("{name}: type decoded as {}", receipt.r#type));
    }
    Ok(
        "get_payment.unknown_values (status pending, pay_method bnpl, channel kiosk, \
        currency CHF), get_receipt.unknown_type (type self_issued)"
            .to_owned(),
    )
}

fn main() -> ExitCode {
    let Some(file) = std::env::args().nth(1) else {
        eprintln!("usage: iamport-interop-rust CASES_JSON");
        return ExitCode::FAILURE;
    };
    let cases: Vec<Value> = match std::fs::read_to_string(&file)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(cases) => cases,
        Err(e) => {
            eprintln!("{file}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut failures = Vec::new();
    let mut decoded = [0_usize; 2];
    for case in &cases {
        let name = case["name"].as_str().unwrap_or_default();
        let schema = case["schema"].as_str().unwrap_or_default();
        let checked = body_of(case).and_then(|sent| {
            let text = serde_json::to_string(&sent).map_err(|e| e.to_string())?;
            let back = cases::decode(schema, &text)?;
            let mut out = Vec::new();
            differences(&back, &sent, "", &mut out);
            match out.as_slice() {
                [] => Ok(()),
                _ => Err(format!("written back differently: {}", out.join("; "))),
            }
        });
        match checked {
            Ok(()) => decoded[usize::from(case["success"] == true)] += 1,
            Err(e) => failures.push(format!("{WHO}: {name}: {schema}: {e}")),
        }
    }
    match unknown_values(&cases) {
        Ok(kept) => println!("{WHO}: unknown enum values kept: {kept}"),
        Err(e) => failures.push(format!("{WHO}: {e}")),
    }
    for f in &failures {
        println!("{f}");
    }
    println!(
        "{WHO}: {} of {} recordings ({} success and {} failure bodies) decode into their \
         response models and serialise back to the recorded JSON",
        decoded[0] + decoded[1],
        cases.len(),
        decoded[1],
        decoded[0]
    );
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
