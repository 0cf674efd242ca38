//! `spec/official-deviations.yaml`: every difference from the official file, grouped by the
//! reason the spec differs.
//!
//! ```yaml
//! - reason: "why the spec differs, in our own words"
//!   source: "where the evidence is: an api-notes section, a doc page, a recording"
//!   differences:
//!     - "enum GET /payments/{imp_uid} response.pay_method: spec has paypal, official lacks"
//! ```

use std::collections::BTreeSet;

use serde_json::Value;

use super::KINDS;

/// One reason, and the differences it explains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Why the spec differs.
    pub reason: String,
    /// Where the evidence is.
    pub source: String,
    /// The keys of the differences, as `cargo xtask official-diff` prints them.
    pub differences: Vec<String>,
}

fn text<'v>(entry: &'v Value, field: &str, at: usize) -> Result<&'v str, String> {
    match entry.get(field).and_then(Value::as_str).map(str::trim) {
        Some(t) if !t.is_empty() => Ok(t),
        _ => Err(format!("entry {at}: `{field}` must be a non-empty string")),
    }
}

/// Reads the file's text.
///
/// # Errors
/// When it is not a list of entries with a `reason`, a `source` and a list of `differences`,
/// when a key's first word is not a kind, or when a key is listed twice.
pub(crate) fn parse(yaml: &str) -> Result<Vec<Group>, String> {
    let raw: Value = serde_norway::from_str(yaml).map_err(|e| format!("not YAML: {e}"))?;
    let entries = match raw {
        Value::Array(entries) => entries,
        Value::Null => Vec::new(),
        _ => return Err("expected a list of entries".to_owned()),
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let at = i + 1;
        if let Some(extra) = entry
            .as_object()
            .ok_or_else(|| format!("entry {at}: expected a mapping"))?
            .keys()
            .find(|k| !["reason", "source", "differences"].contains(&k.as_str()))
        {
            return Err(format!("entry {at}: unknown field `{extra}`"));
        }
        let reason = text(entry, "reason", at)?.to_owned();
        let source = text(entry, "source", at)?.to_owned();
        let list = entry
            .get("differences")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("entry {at}: `differences` must be a list"))?;
        let mut differences = Vec::new();
        for key in list {
            let key = key
                .as_str()
                .ok_or_else(|| format!("entry {at}: every difference must be a string"))?;
            let kind = key.split(' ').next().unwrap_or_default();
            if !KINDS.contains(&kind) {
                return Err(format!(
                    "entry {at}: {key:?} does not start with a kind ({})",
                    KINDS.join(", ")
                ));
            }
            if !seen.insert(key.to_owned()) {
                return Err(format!("entry {at}: {key:?} is listed twice"));
            }
            differences.push(key.to_owned());
        }
        out.push(Group {
            reason,
            source,
            differences,
        });
    }
    Ok(out)
}

/// `s` as a YAML double-quoted scalar.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quoted_key_reads_back_as_written() {
        let key = "enum GET /x response.a: official has \"q\\\", spec lacks";
        let yaml = format!(
            "- reason: r\n  source: s\n  differences:\n    - {}\n",
            quote(key)
        );
        assert_eq!(parse(&yaml).unwrap()[0].differences, [key]);
    }

    #[test]
    fn a_key_listed_twice_or_without_a_kind_is_refused() {
        let twice = "- reason: r\n  source: s\n  differences: [\"status GET /x 404: official has, spec lacks\"]\n\
                     - reason: r2\n  source: s\n  differences: [\"status GET /x 404: official has, spec lacks\"]\n";
        assert!(parse(twice).unwrap_err().contains("listed twice"));
        let kindless = "- reason: r\n  source: s\n  differences: [\"GET /x: official has\"]\n";
        assert!(
            parse(kindless)
                .unwrap_err()
                .contains("does not start with a kind")
        );
        let reasonless = "- source: s\n  differences: []\n";
        assert!(parse(reasonless).unwrap_err().contains("`reason`"));
    }
}
