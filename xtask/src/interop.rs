//! `cargo xtask interop`: the spec read by independent tools and other languages' generators.
//!
//! 1. `openapi-spec-validator` validates the spec.
//! 2. The reference schema validator (`openapi-schema-validator`, OAS30Validator) validates
//!    every recording's response body against its operation's response schema for its status,
//!    and judges the bodies of `xtask/tests/semantics.json` as xtask's own validator does.
//! 3. `openapi-python-client` generates a Python client (0 warnings), and pytest parses every
//!    recording into its models.
//! 4. `openapi-typescript` generates TypeScript types (0 warnings), and `tsc --noEmit --strict`
//!    checks one file per recording that assigns the recorded body to its response type.
//!
//! The Python tools live in the virtualenv of `scripts/spec-venv.sh`, the TypeScript ones in
//! the `npm ci` install of `scripts/ts-tools.sh` (both under `target/`); after installing,
//! nothing is fetched. Without `node` the TypeScript step is skipped, unless `CI` is set.

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

/// Runs a command and returns its standard output and error, joined; fails on a non-zero exit
/// and then shows what it printed.
fn output(command: &mut Command) -> Result<String, String> {
    let out = command
        .output()
        .map_err(|e| format!("cannot run {}: {e}", describe(command)))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(text)
    } else {
        Err(format!(
            "{} failed ({}):\n{text}",
            describe(command),
            out.status
        ))
    }
}

/// A command as a short line: the program and its first arguments.
fn describe(command: &Command) -> String {
    let mut words = vec![command.get_program().to_string_lossy().into_owned()];
    let args: Vec<String> = command
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    words.extend(args.iter().take(4).cloned());
    if args.len() > 4 {
        words.push(format!("... ({} more arguments)", args.len() - 4));
    }
    words.join(" ")
}

fn run(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run {}: {e}", describe(command)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{} failed ({status})", describe(command)))
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

    let cases = cases(root, spec_file)?;
    let cases_file: PathBuf = work.join("cases.json");
    let text = serde_json::to_string_pretty(&cases).map_err(|e| e.to_string())?;
    std::fs::write(&cases_file, text).map_err(|e| format!("{}: {e}", cases_file.display()))?;

    println!("== openapi-schema-validator (OAS30Validator) over {RECORDINGS_DIR}");
    run(Command::new(venv.join("python"))
        .arg(root.join("scripts/interop/reference_validator.py"))
        .arg(&spec_arg)
        .arg(&cases_file)
        .arg(root.join(SEMANTICS_FILE)))?;

    println!("== pytest over {RECORDINGS_DIR}");
    run(Command::new(venv.join("python"))
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(root.join("scripts/interop/test_recordings.py"))
        .arg(root.join("scripts/interop/test_reference_validator.py"))
        .env("PYTHONPATH", &python)
        .env("IAMPORT_INTEROP_SPEC", &spec_arg)
        .env("IAMPORT_INTEROP_CASES", &cases_file))?;

    typescript(root, spec_file, &cases, &work.join("ts"))
}

/// The table of bodies each rule of the schema translation accepts and rejects.
const SEMANTICS_FILE: &str = "xtask/tests/semantics.json";

/// The TypeScript step: skipped without `node` unless `CI` is set.
fn typescript(root: &Path, spec_file: &Path, cases: &[Value], work: &Path) -> Result<(), String> {
    println!("== openapi-typescript");
    if Command::new("node").arg("--version").output().is_err() {
        if std::env::var_os("CI").is_some() {
            return Err("`node` is not installed, and CI requires the TypeScript step".into());
        }
        println!("skipped: `node` is not installed (with CI set, this is a failure)");
        return Ok(());
    }
    // The script prints the directory on stdout; npm's progress goes to stderr.
    let install = Command::new("bash")
        .arg(root.join("scripts/ts-tools.sh"))
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run scripts/ts-tools.sh: {e}"))?;
    if !install.status.success() {
        return Err(format!("scripts/ts-tools.sh failed ({})", install.status));
    }
    let printed = String::from_utf8_lossy(&install.stdout);
    let tools = root.join(printed.lines().last().unwrap_or_default().trim());
    let modules = tools.join("node_modules");

    let _ = std::fs::remove_dir_all(work);
    let checks = work.join("cases");
    std::fs::create_dir_all(&checks).map_err(|e| format!("{}: {e}", checks.display()))?;
    let schema = work.join("schema.d.ts");
    let log = output(
        Command::new("node")
            .arg(modules.join("openapi-typescript/bin/cli.js"))
            .arg(spec_file)
            .arg("--output")
            .arg(&schema)
            .current_dir(work)
            .env("NO_COLOR", "1"),
    )?;
    // It prints a banner (`✨`) and a line per output file (`🚀`); anything else is a warning.
    let warnings: Vec<&str> = log
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('✨') && !l.starts_with('🚀'))
        .collect();
    for w in &warnings {
        println!("warning: {w}");
    }
    println!(
        "generated {} ({} lines), {} warnings",
        schema.display(),
        std::fs::read_to_string(&schema)
            .map(|s| s.lines().count())
            .unwrap_or(0),
        warnings.len()
    );
    if !warnings.is_empty() {
        return Err(format!(
            "openapi-typescript printed {} warning(s); 0 is the bar",
            warnings.len()
        ));
    }

    println!("== tsc --noEmit --strict over {RECORDINGS_DIR}");
    let mut files = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap_or_default();
        let component = case["schema"].as_str().unwrap_or_default();
        let file = case["file"].as_str().unwrap_or_default();
        let body = std::fs::read_to_string(file)
            .map_err(|e| format!("{file}: {e}"))
            .and_then(|t| serde_json::from_str::<Value>(&t).map_err(|e| format!("{file}: {e}")))?;
        let literal =
            serde_json::to_string_pretty(&body["response"]["body"]).map_err(|e| e.to_string())?;
        let ts = checks.join(format!("{}.ts", name.replace('.', "__")));
        let text = format!(
            "// {RECORDINGS_DIR}/{name}.json: the recorded response body as {component}.\n\
             import type {{ components }} from \"../schema\";\n\n\
             export const body: components[\"schemas\"][{component:?}] = {literal};\n"
        );
        std::fs::write(&ts, text).map_err(|e| format!("{}: {e}", ts.display()))?;
        files.push(ts);
    }
    let recordings = files.len();
    let fixed = checks.join("unknown_enums.ts");
    std::fs::copy(root.join("scripts/interop/ts/unknown_enums.ts"), &fixed)
        .map_err(|e| format!("{}: {e}", fixed.display()))?;
    files.push(fixed);
    run(Command::new("node")
        .arg(modules.join("typescript/bin/tsc"))
        .args([
            "--noEmit",
            "--strict",
            "--pretty",
            "false",
            "--target",
            "es2022",
            "--module",
            "esnext",
            "--moduleResolution",
            "bundler",
        ])
        .args(&files)
        .current_dir(work))?;
    println!(
        "tsc --noEmit --strict: {recordings} recordings and unknown_enums.ts type-check against {}",
        schema.display()
    );
    Ok(())
}
