//! Check 7: every recording says where it comes from, and the source fits the kind.
//!
//! `documented` names an official page of the reference material (the Swagger file or a
//! saved docs page), `observed` names the section of the API notes that reports the behaviour,
//! and `synthetic` names the note the written case agrees with.

use iamport::testing::{ProvenanceKind, Recording};

use super::{Finding, recordings::file_of};

/// The official pages a `documented` source can name.
const OFFICIAL: [&str; 2] = ["iamport-v1-swagger.json", "seeds/"];
/// The notes an `observed` or `synthetic` source can name.
const NOTES: [&str; 2] = ["api-notes.md", "api-notes-more.md"];

fn names_any(source: &str, names: &[&str]) -> bool {
    names.iter().any(|n| source.contains(n))
}

/// Whether `source` names a section (`§N`) of one of the notes.
fn names_a_section(source: &str) -> bool {
    names_any(source, &NOTES)
        && source
            .split('§')
            .skip(1)
            .any(|rest| rest.trim_start().starts_with(|c: char| c.is_ascii_digit()))
}

pub(crate) fn check(recs: &[Recording]) -> Vec<Finding> {
    let mut out = Vec::new();
    for rec in recs {
        let file = file_of(rec);
        let Some(p) = &rec.provenance else {
            out.push(Finding::new(
                file,
                "",
                "the recording has no provenance (documented, observed or synthetic, with its source)",
            ));
            continue;
        };
        let source = p.source.trim();
        let reason = if source.is_empty() {
            Some("the provenance names no source")
        } else {
            match p.kind {
                ProvenanceKind::Documented if !names_any(source, &OFFICIAL) => Some(
                    "a documented recording must name its official page \
                     (iamport-v1-swagger.json or a page under seeds/)",
                ),
                ProvenanceKind::Observed if !names_a_section(source) => Some(
                    "an observed recording must name the section (§) of api-notes.md or \
                     api-notes-more.md that reports the behaviour",
                ),
                ProvenanceKind::Synthetic
                    if !names_any(source, &NOTES) && !names_any(source, &OFFICIAL) =>
                {
                    Some("a synthetic recording must name the note or page it agrees with")
                }
                _ => None,
            }
        };
        if let Some(reason) = reason {
            out.push(Finding::new(file, "/provenance/source", reason));
        }
    }
    out
}

/// How many recordings there are of each kind, every kind listed.
pub(crate) fn counts(recs: &[Recording]) -> Vec<(ProvenanceKind, usize)> {
    ProvenanceKind::ALL
        .iter()
        .map(|&kind| {
            let n = recs
                .iter()
                .filter(|r| r.provenance.as_ref().is_some_and(|p| p.kind == kind))
                .count();
            (kind, n)
        })
        .collect()
}
