//! Project tasks: `cargo xtask <task>`.

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

use xtask::validate::{self, Checks};

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  validate             check spec/iamport.yaml: its own rules, every recording in
                       spec/recordings/ against its schemas and through the client,
                       the public types, and coverage
  codegen [--out DIR]  write the generated client, formatted, to DIR/codegen.rs
                       (default target/codegen)
  interop [--spec F]   validate the spec with openapi-spec-validator, generate a Python
                       client from it with openapi-python-client, and parse every
                       recording into its models with pytest (tools in target/spec-venv)
  help                 this text";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    match args.first().map(String::as_str) {
        None | Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some("validate") => run_validate(&root),
        Some("codegen") => {
            let out = match args.get(1..).unwrap_or_default() {
                [] => root.join("target/codegen"),
                [flag, dir] if flag == "--out" => PathBuf::from(dir),
                other => {
                    eprintln!("unexpected arguments {other:?}\n\n{USAGE}");
                    return ExitCode::FAILURE;
                }
            };
            run_codegen(&root, &out)
        }
        Some("interop") => {
            let spec = match args.get(1..).unwrap_or_default() {
                [] => root.join(validate::SPEC_FILE),
                [flag, file] if flag == "--spec" => PathBuf::from(file),
                other => {
                    eprintln!("unexpected arguments {other:?}\n\n{USAGE}");
                    return ExitCode::FAILURE;
                }
            };
            match xtask::interop::interop(&root, &spec) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("interop: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some(other) => {
            eprintln!("unknown task {other:?}\n\n{USAGE}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's directory.
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn run_validate(root: &Path) -> ExitCode {
    let report = validate::validate(root, Checks::ALL);
    println!(
        "{} operations, {} recordings\n",
        report.coverage.len(),
        report.recordings
    );
    print!("{}", report.coverage_table());
    if report.findings.is_empty() {
        println!("\nvalidate: no findings");
        return ExitCode::SUCCESS;
    }
    eprintln!("\n{} finding(s):", report.findings.len());
    for f in &report.findings {
        eprintln!("  {f}");
    }
    if std::env::var_os("CI").is_some() {
        eprintln!("\nhint: run `cargo xtask validate` locally to see the same findings");
    }
    ExitCode::FAILURE
}

fn run_codegen(root: &Path, out: &Path) -> ExitCode {
    let spec = root.join(validate::SPEC_FILE);
    let text = match std::fs::read_to_string(&spec) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {}: {e}", spec.display());
            return ExitCode::FAILURE;
        }
    };
    let code = match xtask::codegen::generate(&text) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}: {e}", spec.display());
            return ExitCode::FAILURE;
        }
    };
    let file = out.join("codegen.rs");
    if let Err(e) = std::fs::create_dir_all(out).and_then(|()| std::fs::write(&file, &code)) {
        eprintln!("cannot write {}: {e}", file.display());
        return ExitCode::FAILURE;
    }
    println!("wrote {} ({} lines)", file.display(), code.lines().count());
    ExitCode::SUCCESS
}
