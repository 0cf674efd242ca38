//! Check 6: every operation has a success and a failure recording.

use iamport::testing::Recording;

use super::{Finding, SPEC_FILE, spec::Spec};

/// One operation and the recordings of it.
#[derive(Debug, Clone)]
pub struct CoverageRow {
    /// The operation's id (or method and path when it has none).
    pub operation: String,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path template.
    pub path: String,
    /// Cases (the part of the file name after the operation) that are successes.
    pub successes: Vec<String>,
    /// Cases that are failures, with their HTTP status.
    pub failures: Vec<String>,
}

pub(crate) fn coverage(spec: &Spec, recs: &[Recording]) -> (Vec<CoverageRow>, Vec<Finding>) {
    let mut rows = Vec::new();
    let mut findings = Vec::new();
    for op in spec.operations() {
        let name = op.name();
        let case = |r: &Recording| {
            r.name
                .strip_prefix(&format!("{}.", r.operation))
                .unwrap_or(&r.name)
                .to_owned()
        };
        let of_op = || recs.iter().filter(|r| r.operation == name);
        let successes: Vec<String> = of_op().filter(|r| r.is_success()).map(case).collect();
        let failures: Vec<String> = of_op()
            .filter(|r| !r.is_success())
            .map(|r| format!("{} ({})", case(r), r.response.status))
            .collect();
        for (kind, list) in [("success", &successes), ("failure", &failures)] {
            if list.is_empty() {
                findings.push(Finding::new(
                    SPEC_FILE,
                    op.pointer.clone(),
                    format!("{name} has no {kind} recording in spec/recordings/"),
                ));
            }
        }
        rows.push(CoverageRow {
            operation: name,
            method: op.method.clone(),
            path: op.path.to_owned(),
            successes,
            failures,
        });
    }
    (rows, findings)
}

/// The rows as an aligned text table.
pub(crate) fn table(rows: &[CoverageRow]) -> String {
    let header = ["operation", "method", "path", "successes", "failures"];
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            let list = |l: &[String]| {
                if l.is_empty() {
                    "-".to_owned()
                } else {
                    l.join(", ")
                }
            };
            [
                r.operation.clone(),
                r.method.clone(),
                r.path.clone(),
                list(&r.successes),
                list(&r.failures),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |row: &[String]| {
        let mut s = String::new();
        for (i, (c, w)) in row.iter().zip(widths).enumerate() {
            if i + 1 == row.len() {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  "));
            }
        }
        s.trim_end().to_owned() + "\n"
    };
    let mut out = line(&header.map(str::to_owned));
    out.push_str(&line(&widths.map(|w| "-".repeat(w))));
    for row in &cells {
        out.push_str(&line(row));
    }
    out
}
