//! `cargo xtask interop`: the spec read by independent tools and other languages' generators.
//!
//! 1. `openapi-spec-validator` validates the spec; an invalid spec stops the run here.
//! 2. The reference schema validator (`openapi-schema-validator`, OAS30Validator) validates
//!    every recording's response body against its operation's response schema for its status,
//!    and judges the bodies of `xtask/tests/semantics.json` as xtask's own validator does.
//! 3. `openapi-python-client` generates a Python client (0 warnings), and pytest parses every
//!    recording into its models.
//! 4. `openapi-typescript` generates TypeScript types (0 warnings), and `tsc --noEmit --strict`
//!    checks one file per recording that assigns the recorded body to its response type.
//! 5. openapi-generator (`openapi-generator-cli`, the jar from PyPI) generates three clients
//!    with the options of `scripts/interop/openapi-generator.yaml`, and every recording is
//!    decoded into its response model by each client's own deserialisation:
//!    - `rust`: a harness crate (`scripts/interop/rust`) decodes with `serde_json::from_str`;
//!    - `python`: pytest (`scripts/interop/test_openapi_generator_python.py`) calls
//!      `from_json`;
//!    - `typescript-fetch`: compiled with `tsc --strict`, node runs every body through its
//!      `XFromJSON` (`scripts/interop/ts/fetch_check.ts`).
//!
//!    Each writes the decoded value back and compares it with what was recorded, and each shows
//!    that the recorded unknown enum values decode and stay as sent.
//!
//! Steps 2 to 5 all run even when one fails, and a summary closes the run: one line per step.
//! The Python tools live in the virtualenv of `scripts/spec-venv.sh`, the TypeScript ones in
//! the `npm ci` install of `scripts/ts-tools.sh` (both under `target/`), the Rust harness's
//! crates come from crates.io through cargo; after installing, nothing is fetched. Without
//! `node` the TypeScript steps are skipped, and without `java` the openapi-generator ones,
//! unless `CI` is set.

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

/// What a step came to when it did not fail: the line the summary shows for it.
enum Done {
    Passed(String),
    Skipped(String),
}

/// The steps after the spec validator: each runs even when an earlier one failed.
#[derive(Default)]
struct Steps {
    results: Vec<(&'static str, f64, Result<Done, String>)>,
}

impl Steps {
    fn run(&mut self, name: &'static str, step: impl FnOnce() -> Result<Done, String>) {
        println!("\n== {name}");
        let started = std::time::Instant::now();
        let result = step();
        let seconds = started.elapsed().as_secs_f64();
        match &result {
            Ok(Done::Skipped(why)) => println!("skipped: {why}"),
            Err(e) => println!("FAILED: {e}"),
            Ok(Done::Passed(_)) => {}
        }
        self.results.push((name, seconds, result));
    }

    /// Prints the summary; fails naming every step that failed.
    fn finish(self) -> Result<(), String> {
        println!("\n== summary");
        let mut failed = Vec::new();
        for (name, seconds, result) in &self.results {
            match result {
                Ok(Done::Passed(line)) => println!("passed   {name} ({seconds:.0} s): {line}"),
                Ok(Done::Skipped(why)) => println!("skipped  {name}: {why}"),
                Err(e) => {
                    let first = e.lines().next().unwrap_or_default();
                    println!("FAILED   {name} ({seconds:.0} s): {first}");
                    failed.push(*name);
                }
            }
        }
        if failed.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{} of {} steps failed: {}",
                failed.len(),
                self.results.len(),
                failed.join(", ")
            ))
        }
    }
}

/// How many of the cases are success bodies and how many failure bodies.
fn kinds(cases: &[Value]) -> String {
    let success = cases.iter().filter(|c| c["success"] == true).count();
    format!(
        "{success} success and {} failure bodies",
        cases.len() - success
    )
}

/// Runs the whole check for the spec at `spec_file` (normally `spec/iamport.yaml`).
///
/// # Errors
/// A message naming the steps that failed.
pub fn interop(root: &Path, spec_file: &Path) -> Result<(), String> {
    // Absolute: some tools run in other directories.
    let spec_file =
        &std::path::absolute(spec_file).map_err(|e| format!("{}: {e}", spec_file.display()))?;
    let spec_arg = spec_file.to_string_lossy().into_owned();
    println!("== openapi-spec-validator");
    run(Command::new("bash")
        .arg(root.join("scripts/validate-spec.sh"))
        .arg(&spec_arg))?;

    let venv = root.join("target/spec-venv/bin");
    let work = root.join("target/interop");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let cases = cases(root, spec_file)?;
    let cases_file: PathBuf = work.join("cases.json");
    let text = serde_json::to_string_pretty(&cases).map_err(|e| e.to_string())?;
    std::fs::write(&cases_file, text).map_err(|e| format!("{}: {e}", cases_file.display()))?;
    let recordings = cases.len();

    let mut steps = Steps::default();
    steps.run("OAS30Validator (openapi-schema-validator)", || {
        println!("over {RECORDINGS_DIR}");
        let line = shown(
            Command::new(venv.join("python"))
                .arg(root.join("scripts/interop/reference_validator.py"))
                .arg(&spec_arg)
                .arg(&cases_file)
                .arg(root.join(SEMANTICS_FILE)),
        )?;
        Ok(Done::Passed(after_name(&line)))
    });
    steps.run("openapi-python-client", || {
        let pytest = python_client(root, &spec_arg, &cases_file, &work.join("python"))?;
        Ok(Done::Passed(format!(
            "{recordings} of {recordings} recordings ({}) parse into its models and write back \
             unchanged (pytest: {pytest})",
            kinds(&cases)
        )))
    });
    let node_tools = node_tools(root);
    steps.run("openapi-typescript", || {
        let Some(modules) = node_tools.clone()? else {
            return Ok(Done::Skipped(NO_NODE.into()));
        };
        typescript(root, spec_file, &cases, &modules, &work.join("ts"))?;
        Ok(Done::Passed(format!(
            "{recordings} of {recordings} recordings ({}) type-check as their response types",
            kinds(&cases)
        )))
    });

    let generator = OpenapiGenerator::new(root, spec_file, &work.join("openapi-generator"));
    steps.run("openapi-generator rust", || {
        let Some(generator) = generator.clone()? else {
            return Ok(Done::Skipped(NO_JAVA.into()));
        };
        generator.rust(root, &cases_file).map(Done::Passed)
    });
    steps.run("openapi-generator python", || {
        let Some(generator) = generator.clone()? else {
            return Ok(Done::Skipped(NO_JAVA.into()));
        };
        let pytest = generator.python(root, &cases_file)?;
        Ok(Done::Passed(format!(
            "{recordings} of {recordings} recordings ({}) decode with from_json and come back \
             from to_dict as recorded (pytest: {pytest})",
            kinds(&cases)
        )))
    });
    steps.run("openapi-generator typescript-fetch", || {
        let Some(generator) = generator.clone()? else {
            return Ok(Done::Skipped(NO_JAVA.into()));
        };
        let Some(modules) = node_tools.clone()? else {
            return Ok(Done::Skipped(NO_NODE.into()));
        };
        generator
            .typescript_fetch(root, &cases, &modules)
            .map(Done::Passed)
    });
    steps.finish()
}

/// The table of bodies each rule of the schema translation accepts and rejects.
const SEMANTICS_FILE: &str = "xtask/tests/semantics.json";

const NO_NODE: &str = "`node` is not installed (with CI set, this is a failure)";
const NO_JAVA: &str = "`java` is not installed (with CI set, this is a failure)";

/// The openapi-python-client step: generates the client and runs pytest over the recordings;
/// pytest's closing line.
fn python_client(
    root: &Path,
    spec: &str,
    cases_file: &Path,
    python: &Path,
) -> Result<String, String> {
    let venv = root.join("target/spec-venv/bin");
    let package = python.join("iamport_client");
    std::fs::create_dir_all(python).map_err(|e| format!("{}: {e}", python.display()))?;
    run(Command::new(venv.join("openapi-python-client"))
        .args([
            "generate",
            "--meta",
            "none",
            "--overwrite",
            "--fail-on-warning",
        ])
        .arg("--path")
        .arg(spec)
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
    println!("pytest over {RECORDINGS_DIR}");
    shown(
        Command::new(venv.join("python"))
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
            .arg(root.join("scripts/interop/test_recordings.py"))
            .arg(root.join("scripts/interop/test_reference_validator.py"))
            .env("PYTHONPATH", python)
            .env("IAMPORT_INTEROP_SPEC", spec)
            .env("IAMPORT_INTEROP_CASES", cases_file),
    )
}

/// The `node_modules` of the TypeScript tools, installed by `scripts/ts-tools.sh`; `None`
/// without `node` (an error when `CI` is set).
fn node_tools(root: &Path) -> Result<Option<PathBuf>, String> {
    if Command::new("node").arg("--version").output().is_err() {
        if std::env::var_os("CI").is_some() {
            return Err("`node` is not installed, and CI requires the TypeScript steps".into());
        }
        return Ok(None);
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
    Ok(Some(tools.join("node_modules")))
}

/// The openapi-typescript step: generates the types and type-checks every recording.
fn typescript(
    root: &Path,
    spec_file: &Path,
    cases: &[Value],
    modules: &Path,
    work: &Path,
) -> Result<(), String> {
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

    println!("tsc --noEmit --strict over {RECORDINGS_DIR}");
    let mut files = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap_or_default();
        let component = case["schema"].as_str().unwrap_or_default();
        let literal =
            serde_json::to_string_pretty(&recorded_body(case)?).map_err(|e| e.to_string())?;
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
    let source = root.join("scripts/interop/ts/unknown_enums.ts");
    std::fs::copy(&source, &fixed).map_err(|e| format!("{}: {e}", fixed.display()))?;
    files.push(fixed);
    shown(
        Command::new("node")
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
            .current_dir(work),
    )
    .map_err(|e| format!("tsc --noEmit --strict: {e}"))?;
    println!(
        "tsc --noEmit --strict: {recordings} recordings and unknown_enums.ts type-check against {}",
        schema.display()
    );
    Ok(())
}

/// The recorded response body of a case.
fn recorded_body(case: &Value) -> Result<Value, String> {
    let file = case["file"].as_str().unwrap_or_default();
    let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
    let recording: Value = serde_json::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
    Ok(recording["response"]["body"].clone())
}

/// Where the options of openapi-generator's clients are written, with the reason for each.
const GENERATOR_OPTIONS: &str = "scripts/interop/openapi-generator.yaml";

/// openapi-generator from the spec virtualenv, ready to generate clients of one spec.
#[derive(Clone)]
struct OpenapiGenerator {
    cli: PathBuf,
    spec: PathBuf,
    /// Each generator's `--additional-properties`, as `GENERATOR_OPTIONS` gives them.
    options: std::collections::BTreeMap<String, Vec<String>>,
    work: PathBuf,
}

impl OpenapiGenerator {
    /// `None` without `java` (an error when `CI` is set).
    fn new(root: &Path, spec: &Path, work: &Path) -> Result<Option<Self>, String> {
        if Command::new("java").arg("-version").output().is_err() {
            if std::env::var_os("CI").is_some() {
                return Err(
                    "`java` is not installed, and CI requires the openapi-generator steps \
                     (scripts/spec-venv.sh installs it as root)"
                        .into(),
                );
            }
            return Ok(None);
        }
        let file = root.join(GENERATOR_OPTIONS);
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let raw: std::collections::BTreeMap<String, Option<serde_json::Map<String, Value>>> =
            serde_norway::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        let options = raw
            .into_iter()
            .map(|(generator, properties)| {
                let pairs = properties
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(k, v)| match v {
                        Value::String(s) => format!("{k}={s}"),
                        other => format!("{k}={other}"),
                    })
                    .collect();
                (generator, pairs)
            })
            .collect();
        Ok(Some(Self {
            cli: root.join("target/spec-venv/bin/openapi-generator-cli"),
            spec: spec.to_path_buf(),
            options,
            work: work.to_path_buf(),
        }))
    }

    /// Generates the client of `generator` into `out` (emptied first); prints a line and the
    /// generator's distinct warnings, and keeps its whole log beside `out`.
    fn generate(&self, generator: &str, out: &Path) -> Result<(), String> {
        let options = self.options.get(generator).ok_or_else(|| {
            format!("{GENERATOR_OPTIONS} names no `{generator}`: list it, even as `{{}}`")
        })?;
        let _ = std::fs::remove_dir_all(out);
        std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
        let mut command = Command::new(&self.cli);
        command
            .args(["generate", "-g", generator, "-i"])
            .arg(&self.spec)
            .arg("-o")
            .arg(out);
        if !options.is_empty() {
            command
                .arg("--additional-properties")
                .arg(options.join(","));
        }
        println!(
            "openapi-generator-cli generate -g {generator} -i {} -o {}{}",
            self.spec.display(),
            out.display(),
            if options.is_empty() {
                String::new()
            } else {
                format!(" --additional-properties {}", options.join(","))
            }
        );
        let log = output(&mut command)?;
        let log_file = self.work.join(format!("{generator}.log"));
        std::fs::write(&log_file, &log).map_err(|e| format!("{}: {e}", log_file.display()))?;
        let mut warnings = std::collections::BTreeMap::<&str, usize>::new();
        for line in log.lines().filter(|l| l.contains(" WARN ")) {
            let message = line.split_once(" - ").map_or(line, |(_, m)| m).trim();
            *warnings.entry(message).or_default() += 1;
        }
        let total: usize = warnings.values().sum();
        println!(
            "generated {} files in {}; {total} warnings ({} distinct; log in {})",
            count_all_files(out),
            out.display(),
            warnings.len(),
            log_file.display()
        );
        for (message, count) in warnings.iter().take(8) {
            println!("  warning ({count}x): {message}");
        }
        if warnings.len() > 8 {
            println!("  ... and {} more", warnings.len() - 8);
        }
        Ok(())
    }

    /// The `rust` client and its decoding harness; the harness's closing line.
    fn rust(&self, root: &Path, cases_file: &Path) -> Result<String, String> {
        let dir = self.work.join("rust");
        // Generated afresh, then synced into client/ file by file: cargo, which compares
        // times, rebuilds the crate only when the generated code changed.
        let fresh = dir.join("generated");
        self.generate("rust", &fresh)?;
        sync_dir(&fresh, &dir.join("client"))?;
        let src = dir.join("src");
        std::fs::create_dir_all(&src).map_err(|e| format!("{}: {e}", src.display()))?;
        let harness = root.join("scripts/interop/rust");
        for (from, to) in [
            ("Cargo.toml", "Cargo.toml"),
            ("Cargo.lock", "Cargo.lock"),
            ("main.rs", "src/main.rs"),
        ] {
            copy_if_changed(&harness.join(from), &dir.join(to))?;
        }
        let cases = read_cases(cases_file)?;
        let mut schemas: Vec<&str> = cases.iter().filter_map(|c| c["schema"].as_str()).collect();
        schemas.sort_unstable();
        schemas.dedup();
        let arms: String = schemas
            .iter()
            .map(|s| format!("        {s:?} => crate::roundtrip::<models::{s}>(text),\n"))
            .collect();
        let text = format!(
            "//! Written by `cargo xtask interop`: each response component the recordings use, \
             with the\n//! model openapi-generator's `rust` client generated for it.\n\n\
             use iamport_openapi::models;\n\n\
             /// Decodes `text` as the model of `schema` and serialises it back.\n\
             pub fn decode(schema: &str, text: &str) -> Result<serde_json::Value, String> {{\n    \
             match schema {{\n{arms}        other => Err(format!(\"no model for {{other}}\")),\n    \
             }}\n}}\n"
        );
        copy_text_if_changed(&text, &src.join("cases.rs"))?;
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let target = dir.join("target");
        println!("cargo build (the generated crate without default features, and the harness)");
        output(
            Command::new(&cargo)
                .args(["build", "--quiet", "--manifest-path"])
                .arg(dir.join("Cargo.toml"))
                .arg("--target-dir")
                .arg(&target),
        )?;
        println!("decoding {RECORDINGS_DIR} with serde_json::from_str");
        shown(Command::new(target.join("debug/iamport-interop-rust")).arg(cases_file))
            .map(|line| after_name(&line))
    }

    /// The `python` client and pytest over the recordings; pytest's closing line.
    fn python(&self, root: &Path, cases_file: &Path) -> Result<String, String> {
        let dir = self.work.join("python");
        self.generate("python", &dir)?;
        println!("pytest over {RECORDINGS_DIR}");
        shown(
            Command::new(root.join("target/spec-venv/bin/python"))
                .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
                .arg(root.join("scripts/interop/test_openapi_generator_python.py"))
                .env("PYTHONPATH", &dir)
                .env("IAMPORT_INTEROP_CASES", cases_file),
        )
    }

    /// The `typescript-fetch` client, compiled with tsc and run over the recordings by node;
    /// the check's closing line.
    fn typescript_fetch(
        &self,
        root: &Path,
        cases: &[Value],
        modules: &Path,
    ) -> Result<String, String> {
        let dir = self.work.join("typescript-fetch");
        let _ = std::fs::remove_dir_all(&dir);
        self.generate("typescript-fetch", &dir.join("client"))?;
        let check = dir.join("check");
        std::fs::create_dir_all(&check).map_err(|e| format!("{}: {e}", check.display()))?;
        let runner = check.join("fetch_check.ts");
        std::fs::copy(root.join("scripts/interop/ts/fetch_check.ts"), &runner)
            .map_err(|e| format!("{}: {e}", runner.display()))?;
        let mut entries = String::new();
        for case in cases {
            let name = case["name"].as_str().unwrap_or_default();
            let schema = case["schema"].as_str().unwrap_or_default();
            let body = serde_json::to_string(&recorded_body(case)?).map_err(|e| e.to_string())?;
            entries.push_str(&format!(
                "  {{ name: {name:?}, schema: {schema:?}, success: {}, \
                 fromJSON: M.{schema}FromJSON, toJSON: M.{schema}ToJSON,\n    body: {body} }},\n",
                case["success"] == true
            ));
        }
        let text = format!(
            "// Written by `cargo xtask interop`: every recording of {RECORDINGS_DIR} with the \
             decoder and\n// encoder that typescript-fetch generated for its response \
             component.\n\
             import * as M from \"../client/models/index\";\n\n\
             export interface Case {{\n  name: string;\n  schema: string;\n  success: boolean;\n  \
             body: any;\n  fromJSON: (json: any) => {{ code: number; response?: unknown }};\n  \
             toJSON: (value: any) => unknown;\n}}\n\n\
             export const cases: Case[] = [\n{entries}];\n"
        );
        let recordings = check.join("recordings.ts");
        std::fs::write(&recordings, text).map_err(|e| format!("{}: {e}", recordings.display()))?;
        let js = dir.join("js");
        println!("tsc --strict (the whole client, and the check), then node over {RECORDINGS_DIR}");
        // tsc writes the JavaScript even when a type does not check: node runs the decoding
        // either way, and a type error fails the step after it.
        let typed = shown(
            Command::new("node")
                .arg(modules.join("typescript/bin/tsc"))
                .args([
                    "--strict",
                    "--pretty",
                    "false",
                    "--target",
                    "es2022",
                    "--module",
                    "commonjs",
                    "--lib",
                    "es2022,dom",
                    "--rootDir",
                ])
                .arg(&dir)
                .arg("--outDir")
                .arg(&js)
                .arg(dir.join("client/index.ts"))
                .arg(&runner)
                .current_dir(&dir),
        );
        // node reads the emitted files as CommonJS whatever a package.json above says.
        let package = js.join("package.json");
        std::fs::write(&package, "{\"type\": \"commonjs\"}\n")
            .map_err(|e| format!("{}: {e}", package.display()))?;
        let decoded = shown(Command::new("node").arg(js.join("check/fetch_check.js")))?;
        match typed {
            Ok(_) => Ok(after_name(&decoded)),
            Err(e) => Err(format!("tsc --strict: {e}")),
        }
    }
}

/// Runs a command, prints what it printed (standard output, then error) and returns its last
/// line: a test runner's or a check's closing line. On a non-zero exit, that line and the
/// status.
fn shown(command: &mut Command) -> Result<String, String> {
    let out = command
        .output()
        .map_err(|e| format!("cannot run {}: {e}", describe(command)))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    print!("{text}");
    let last = text
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default()
        .to_owned();
    if out.status.success() {
        Ok(last)
    } else {
        Err(format!("{last} ({})", out.status))
    }
}

/// A closing line without the name of the tool that starts it (`name: ...`).
fn after_name(line: &str) -> String {
    line.split_once(": ")
        .map_or(line, |(_, rest)| rest)
        .to_owned()
}

fn read_cases(file: &Path) -> Result<Vec<Value>, String> {
    std::fs::read_to_string(file)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        .map_err(|e| format!("{}: {e}", file.display()))
}

/// Copies `from` to `to` unless `to` already holds the same bytes, so that cargo, which
/// compares times, does not rebuild what did not change.
fn copy_if_changed(from: &Path, to: &Path) -> Result<(), String> {
    let text = std::fs::read(from).map_err(|e| format!("{}: {e}", from.display()))?;
    if std::fs::read(to).ok().as_deref() != Some(text.as_slice()) {
        std::fs::write(to, text).map_err(|e| format!("{}: {e}", to.display()))?;
    }
    Ok(())
}

fn copy_text_if_changed(text: &str, to: &Path) -> Result<(), String> {
    if std::fs::read_to_string(to).ok().as_deref() != Some(text) {
        std::fs::write(to, text).map_err(|e| format!("{}: {e}", to.display()))?;
    }
    Ok(())
}

/// Makes `to` hold what `from` holds, writing only the files that differ.
fn sync_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let entries = |dir: &Path| -> Result<Vec<std::ffi::OsString>, String> {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .flatten()
            .map(|e| e.file_name())
            .collect();
        names.sort();
        Ok(names)
    };
    let wanted = entries(from)?;
    for name in entries(to)? {
        if !wanted.contains(&name) {
            let stale = to.join(&name);
            let _ = std::fs::remove_dir_all(&stale).or_else(|_| std::fs::remove_file(&stale));
        }
    }
    for name in wanted {
        let (source, target) = (from.join(&name), to.join(&name));
        if source.is_dir() {
            if target.is_file() {
                let _ = std::fs::remove_file(&target);
            }
            sync_dir(&source, &target)?;
        } else {
            if target.is_dir() {
                let _ = std::fs::remove_dir_all(&target);
            }
            copy_if_changed(&source, &target)?;
        }
    }
    Ok(())
}

fn count_all_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .map(|p| if p.is_dir() { count_all_files(&p) } else { 1 })
        .sum()
}
