//! `cargo xtask official-diff`: the spec compared with the official Swagger 2.0 file.
//!
//! Both documents are reduced to the same facts (operations by method and path, parameters by
//! name and location, request fields, the fields of the envelope's `response` payload, which
//! of them are required, their types and enum values, the declared statuses) and every
//! difference gets a stable key, `<kind> <METHOD> <path> <where>: <what>`. Each key must be
//! listed, with the reason the spec differs and its source, in `spec/official-deviations.yaml`;
//! a difference that is not listed, and a listed key that is no longer a difference, fail the
//! check.

mod deviations;
mod diff;
mod model;

use std::{collections::BTreeMap, fmt::Write as _, path::Path};

pub use deviations::Group;
use serde_json::Value;

use model::Dialect;

/// The deviations file, relative to the project root.
pub const DEVIATIONS_FILE: &str = "spec/official-deviations.yaml";
/// The reference copy of the official file, relative to the project root (the shared
/// reference folder sits beside the repository).
pub const OFFICIAL_FILE: &str = "../shared/reference/iamport-v1-swagger.json";

/// The kinds of difference, the first word of every key.
pub const KINDS: &[&str] = &[
    "operation",
    "parameter",
    "request-field",
    "response-field",
    "required",
    "type",
    "enum",
    "status",
];

/// The kind of a key: its first word.
pub fn kind_of(key: &str) -> &str {
    key.split(' ').next().unwrap_or_default()
}

/// What a comparison found.
#[derive(Debug)]
pub struct Outcome {
    /// Every difference, sorted.
    pub found: Vec<String>,
    /// The deviations file, as read.
    pub groups: Vec<Group>,
    /// Differences the deviations file does not list.
    pub unlisted: Vec<String>,
    /// Keys the deviations file lists that are no longer differences.
    pub stale: Vec<String>,
    /// Official operations the spec has.
    pub covered: usize,
    /// Operations in the official file.
    pub official_operations: usize,
    /// Operations in the spec.
    pub spec_operations: usize,
}

fn read(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let parsed = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    } else {
        serde_norway::from_str(&text).map_err(|e| e.to_string())
    };
    parsed.map_err(|e| format!("{}: not JSON or YAML: {e}", path.display()))
}

/// Compares the spec at `spec` with the official file at `official` and checks the result
/// against the deviations file at `deviations`.
///
/// # Errors
/// When a file cannot be read, a document is not of its dialect (Swagger 2.0 for the official
/// file, OpenAPI 3.0 for the spec), a `$ref` names nothing, or the deviations file is
/// malformed.
pub fn check(spec: &Path, official: &Path, deviations: &Path) -> Result<Outcome, String> {
    let theirs = read(official)?;
    if theirs.get("swagger").and_then(Value::as_str) != Some("2.0") {
        return Err(format!(
            "{}: not a Swagger 2.0 document",
            official.display()
        ));
    }
    let ours = read(spec)?;
    if !ours
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.0."))
    {
        return Err(format!("{}: not an OpenAPI 3.0 document", spec.display()));
    }
    let theirs = model::operations(&theirs, Dialect::Swagger2)
        .map_err(|e| format!("{}: {e}", official.display()))?;
    let ours = model::operations(&ours, Dialect::OpenApi3)
        .map_err(|e| format!("{}: {e}", spec.display()))?;
    let found = diff::differences(&theirs, &ours);
    let text = std::fs::read_to_string(deviations)
        .map_err(|e| format!("cannot read {}: {e}", deviations.display()))?;
    let groups = deviations::parse(&text).map_err(|e| format!("{}: {e}", deviations.display()))?;
    let listed: std::collections::BTreeSet<&str> = groups
        .iter()
        .flat_map(|g| g.differences.iter().map(String::as_str))
        .collect();
    let unlisted = found
        .iter()
        .filter(|k| !listed.contains(k.as_str()))
        .cloned()
        .collect();
    let stale = listed
        .iter()
        .filter(|k| found.binary_search_by(|f| f.as_str().cmp(k)).is_err())
        .map(|k| (*k).to_owned())
        .collect();
    Ok(Outcome {
        found,
        groups,
        unlisted,
        stale,
        covered: theirs.keys().filter(|k| ours.contains_key(*k)).count(),
        official_operations: theirs.len(),
        spec_operations: ours.len(),
    })
}

impl Outcome {
    /// Whether every difference is listed and every listed key is a difference.
    pub fn passed(&self) -> bool {
        self.unlisted.is_empty() && self.stale.is_empty()
    }

    /// `33/80 official operations covered (the spec has 35)`.
    pub fn coverage_line(&self) -> String {
        format!(
            "{}/{} official operations covered (the spec has {})",
            self.covered, self.official_operations, self.spec_operations
        )
    }

    /// The listed deviations that are current, counted by kind, and the coverage line.
    pub fn summary(&self) -> String {
        let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
        for key in &self.found {
            if !self.unlisted.contains(key) {
                *by_kind.entry(kind_of(key)).or_default() += 1;
            }
        }
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.coverage_line());
        let _ = writeln!(
            out,
            "listed deviations by kind ({} in {} groups):",
            by_kind.values().sum::<usize>(),
            self.groups.len()
        );
        for kind in KINDS {
            let _ = writeln!(
                out,
                "  {kind:<15} {}",
                by_kind.get(kind).copied().unwrap_or(0)
            );
        }
        out
    }

    /// The listed deviations with their reasons, only those of `kind` when given.
    pub fn listing(&self, kind: Option<&str>) -> String {
        let mut out = String::new();
        for g in &self.groups {
            let keys: Vec<&String> = g
                .differences
                .iter()
                .filter(|k| kind.is_none_or(|want| kind_of(k) == want))
                .collect();
            if keys.is_empty() {
                continue;
            }
            let _ = writeln!(out, "{}\n  source: {}", g.reason, g.source);
            for k in keys {
                let _ = writeln!(out, "    {k}");
            }
            out.push('\n');
        }
        out
    }

    /// The unlisted differences as entries of the deviations file, one per kind, with
    /// placeholders for the reason and source; the stale keys as comments.
    pub fn unlisted_yaml(&self) -> String {
        let mut out = String::new();
        for kind in KINDS {
            let keys: Vec<&String> = self
                .unlisted
                .iter()
                .filter(|k| kind_of(k) == *kind)
                .collect();
            if keys.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "- reason: \"TODO: why the spec differs ({kind})\"\n  source: \"TODO\"\n  differences:"
            );
            for k in keys {
                let _ = writeln!(out, "    - {}", deviations::quote(k));
            }
        }
        if !self.stale.is_empty() {
            let _ = writeln!(out, "# stale: remove these keys from {DEVIATIONS_FILE}");
            for k in &self.stale {
                let _ = writeln!(out, "#   - {}", deviations::quote(k));
            }
        }
        out
    }
}
