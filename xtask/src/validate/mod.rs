//! `cargo xtask validate`: the spec checked on its own, against the recorded responses,
//! against the client, and against the hand-written enums.
//!
//! Every finding names a file, a JSON pointer into it, and a reason.

mod coverage;
pub(crate) mod enums;
mod examples;
mod lint;
mod nulls;
mod provenance;
mod public;
pub(crate) mod recordings;
mod replay;
mod schema;
pub(crate) mod spec;

use std::{fmt, path::Path};

pub use coverage::CoverageRow;
pub use public::rust_scalars;

/// One thing wrong, in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The file, relative to the project root (`spec/iamport.yaml`, `spec/recordings/...`).
    pub file: String,
    /// A JSON pointer into the file (`/paths/~1payments/get/operationId`); empty for the whole file.
    pub pointer: String,
    /// What is wrong.
    pub reason: String,
}

impl Finding {
    pub(crate) fn new(
        file: impl Into<String>,
        pointer: impl Into<String>,
        reason: impl Into<String>,
    ) -> Finding {
        Finding {
            file: file.into(),
            pointer: pointer.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}: {}", self.file, self.pointer, self.reason)
    }
}

/// Which checks to run.
#[derive(Debug, Clone, Copy)]
pub struct Checks {
    /// The spec's own rules.
    pub lint: bool,
    /// Every recording against the schemas of its operation.
    pub schemas: bool,
    /// Every recording through the client.
    pub replay: bool,
    /// The public types against what the spec generates.
    pub drift: bool,
    /// A success and a failure recording for every operation, and a recorded `null` in
    /// every nullable property.
    pub coverage: bool,
    /// Every recording's provenance.
    pub provenance: bool,
    /// The spec's examples against the recordings and the schemas, and one for every
    /// operation.
    pub examples: bool,
}

impl Checks {
    /// Every check.
    pub const ALL: Checks = Checks {
        lint: true,
        schemas: true,
        replay: true,
        drift: true,
        coverage: true,
        provenance: true,
        examples: true,
    };
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Report {
    /// Everything wrong, in the order found.
    pub findings: Vec<Finding>,
    /// Operations and their recordings, ordered by path.
    pub coverage: Vec<CoverageRow>,
    /// How many recordings were read.
    pub recordings: usize,
    /// How many recordings there are of each provenance kind.
    pub provenance: Vec<(iamport::testing::ProvenanceKind, usize)>,
}

impl Report {
    /// The coverage as a table of operations × recordings.
    pub fn coverage_table(&self) -> String {
        coverage::table(&self.coverage)
    }
}

/// Validates `instance` against the OpenAPI 3.0 `schema` the way `cargo xtask validate` does,
/// with `components` as the document's `components/schemas` (for `$ref`s). Returns where the
/// instance breaks the schema, as (instance pointer, reason); empty when it is valid.
///
/// # Errors
/// When the schema does not compile.
pub fn check_instance(
    components: &serde_json::Value,
    schema: &serde_json::Value,
    instance: &serde_json::Value,
) -> Result<Vec<(String, String)>, String> {
    schema::Schemas::of_components(Some(components)).validate(schema, instance)
}

/// The spec file, relative to the project root.
pub const SPEC_FILE: &str = "spec/iamport.yaml";
/// The recordings directory, relative to the project root.
pub const RECORDINGS_DIR: &str = "spec/recordings";

/// Runs the chosen checks on the project at `root`.
pub fn validate(root: &Path, checks: Checks) -> Report {
    let mut report = Report::default();
    let spec = match spec::Spec::load(root) {
        Ok(spec) => spec,
        Err(finding) => {
            report.findings.push(finding);
            return report;
        }
    };
    report.findings.extend(spec.parse_typed());
    if checks.lint {
        report.findings.extend(lint::lint(&spec));
    }
    if checks.drift {
        report.findings.extend(public::public_api(&spec));
    }
    let (recs, load_findings) = recordings::load(root);
    report.findings.extend(load_findings);
    report.recordings = recs.len();
    report.provenance = provenance::counts(&recs);
    if checks.provenance {
        report.findings.extend(provenance::check(&recs));
    }
    if checks.examples {
        report.findings.extend(examples::check(&spec, &recs));
    }
    if checks.schemas {
        report.findings.extend(recordings::check(&spec, &recs));
    }
    if checks.replay {
        report.findings.extend(replay::replay(&recs));
    }
    let (rows, coverage_findings) = coverage::coverage(&spec, &recs);
    report.coverage = rows;
    if checks.coverage {
        report.findings.extend(coverage_findings);
        report.findings.extend(nulls::null_coverage(&spec, &recs));
    }
    report
}
