//! `cargo xtask interop`: the spec read by another language's generator.
//!
//! Validates the spec with `openapi-spec-validator`, generates a Python client from it with
//! `openapi-python-client`, and parses every recording into the generated models with pytest.
//! The Python tools live in the virtualenv of `scripts/spec-venv.sh` (under `target/`).

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use serde_json::{Value, json};

use crate::validate::{
    RECORDINGS_DIR,
    recordings::{self, route},
    spec::Spec,
};

/// Every recording with the component schema its response must parse into: JSON objects
/// with `name`, `file`, `schema` and `success`.
///
/// # Errors
/// When the spec cannot be read, or a recording maps to no operation, status or named schema.
pub fn cases(root: &Path, spec_file: &Path) -> Result<Vec<Value>, String> {
    let spec = Spec::load_file(spec_file).map_err(|f| f.to_string())?;
    let ops = spec.operations();
    let (recs, findings) = recordings::load(root);
    if let Some(f) = findings.first() {
        return Err(f.to_string());
    }
    let mut out = Vec::new();
    for rec in &recs {
        let file = recordings::file_of(rec);
        let op = match route(&ops, &rec.request.method, &rec.request.path).as_slice() {
            [op] => *op,
            _ => return Err(format!("{file}: matches no single operation")),
        };
        let response = op
            .op
            .get("responses")
            .and_then(|r| r.get(rec.response.status.to_string()))
            .ok_or_else(|| format!("{file}: status {} is not declared", rec.response.status))?;
        let schema = spec
            .json_schema_of(response)
            .and_then(|s| s.get("$ref"))
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .ok_or_else(|| format!("{file}: the response schema is not a named component"))?;
        out.push(json!({
            "name": rec.name,
            "file": root.join(&file),
            "schema": schema,
            "success": rec.is_success(),
        }));
    }
    Ok(out)
}

fn run(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed ({status})"))
    }
}

fn count_files(dir: &Path, ext: &str) -> usize {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .map(|p| {
            if p.is_dir() {
                count_files(&p, ext)
            } else {
                usize::from(p.extension().is_some_and(|e| e == ext))
            }
        })
        .sum()
}

/// Runs the whole check for the spec at `spec_file` (normally `spec/iamport.yaml`).
///
/// # Errors
/// A message naming the step that failed.
pub fn interop(root: &Path, spec_file: &Path) -> Result<(), String> {
    let spec_arg = spec_file.to_string_lossy().into_owned();
    println!("== openapi-spec-validator");
    run(Command::new("bash")
        .arg(root.join("scripts/validate-spec.sh"))
        .arg(&spec_arg))?;

    let venv = root.join("target/spec-venv/bin");
    let work = root.join("target/interop");
    let python = work.join("python");
    let package = python.join("iamport_client");
    println!("== openapi-python-client");
    std::fs::create_dir_all(&python).map_err(|e| format!("{}: {e}", python.display()))?;
    run(Command::new(venv.join("openapi-python-client"))
        .args([
            "generate",
            "--meta",
            "none",
            "--overwrite",
            "--fail-on-warning",
        ])
        .arg("--path")
        .arg(&spec_arg)
        .arg("--config")
        .arg(root.join("scripts/interop/openapi-python-client.yaml"))
        .arg("--output-path")
        .arg(&package))?;
    println!(
        "generated {} Python files, {} models, in {}",
        count_files(&package, "py"),
        count_files(&package.join("models"), "py").saturating_sub(1),
        package.display()
    );

    println!("== pytest over {RECORDINGS_DIR}");
    let cases = cases(root, spec_file)?;
    let cases_file: PathBuf = work.join("cases.json");
    let text = serde_json::to_string_pretty(&cases).map_err(|e| e.to_string())?;
    std::fs::write(&cases_file, text).map_err(|e| format!("{}: {e}", cases_file.display()))?;
    run(Command::new(venv.join("python"))
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(root.join("scripts/interop/test_recordings.py"))
        .env("PYTHONPATH", &python)
        .env("IAMPORT_INTEROP_CASES", &cases_file))?;
    Ok(())
}
