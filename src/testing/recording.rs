//! Recorded exchanges: a request as the SDK sends it and the response the server gave.
//!
//! The format is described in `spec/recordings/README.md`.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

/// One recorded exchange, read from a `<operationId>.<case>.json` file.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Recording {
    /// The file stem, e.g. `get_payment.card_paid`.
    #[serde(skip)]
    pub name: String,
    /// The file it was read from (empty for a recording built in memory).
    #[serde(skip)]
    pub file: PathBuf,
    /// The spec's `operationId`.
    pub operation: String,
    /// What the case shows.
    pub description: String,
    /// Where the case comes from; `None` when the file does not say.
    #[serde(default)]
    pub provenance: Option<Provenance>,
    /// The request as sent.
    pub request: RecordedRequest,
    /// The response as received.
    pub response: RecordedResponse,
}

/// Where a [`Recording`] comes from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Provenance {
    /// What kind of source the case has.
    pub kind: ProvenanceKind,
    /// The source: the documentation page or the note the case comes from or agrees with.
    pub source: String,
}

/// What kind of source a [`Recording`] has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ProvenanceKind {
    /// Taken from an official documentation page (the status, the shape, a documented example).
    Documented,
    /// Taken from a note of real server behaviour: a captured body, a client's test against
    /// the live API, an issue.
    Observed,
    /// Written so that an operation has the case; it agrees with the note its source names.
    Synthetic,
}

impl ProvenanceKind {
    /// Every kind, in order.
    pub const ALL: [ProvenanceKind; 3] = [
        ProvenanceKind::Documented,
        ProvenanceKind::Observed,
        ProvenanceKind::Synthetic,
    ];

    /// The kind as it is written in a recording: `documented`, `observed` or `synthetic`.
    pub fn as_str(self) -> &'static str {
        match self {
            ProvenanceKind::Documented => "documented",
            ProvenanceKind::Observed => "observed",
            ProvenanceKind::Synthetic => "synthetic",
        }
    }
}

/// The request half of a [`Recording`].
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: String,
    /// The concrete path, percent-encoded as sent.
    pub path: String,
    /// Query pairs in order; a repeated name appears once per value.
    #[serde(default)]
    pub query: Vec<(String, String)>,
    /// The JSON body of a `POST` or `PUT`.
    #[serde(default)]
    pub body: Option<Value>,
}

/// The response half of a [`Recording`].
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct RecordedResponse {
    /// The HTTP status.
    pub status: u16,
    /// The body, normally the `{code, message, response}` envelope.
    pub body: Value,
}

/// A recording file that cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordingError {
    /// The file or directory cannot be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the file system said.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a recording.
    #[error("{}: {source}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What the JSON decoder said.
        #[source]
        source: serde_json::Error,
    },
}

impl Recording {
    /// Reads one recording file.
    ///
    /// # Errors
    /// When the file cannot be read or is not a recording.
    pub fn load(path: impl AsRef<Path>) -> Result<Recording, RecordingError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| RecordingError::Io {
            path: path.to_owned(),
            source,
        })?;
        let mut rec: Recording =
            serde_json::from_str(&text).map_err(|source| RecordingError::Format {
                path: path.to_owned(),
                source,
            })?;
        rec.name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        rec.file = path.to_owned();
        Ok(rec)
    }

    /// The paths of every `*.json` file in a directory, sorted.
    ///
    /// # Errors
    /// When the directory cannot be read.
    pub fn files(dir: impl AsRef<Path>) -> Result<Vec<PathBuf>, RecordingError> {
        let dir = dir.as_ref();
        let io = |source| RecordingError::Io {
            path: dir.to_owned(),
            source,
        };
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
        files.sort();
        Ok(files)
    }

    /// Every recording in a directory, sorted by name.
    ///
    /// # Errors
    /// When the directory or one of its files cannot be read.
    pub fn load_dir(dir: impl AsRef<Path>) -> Result<Vec<Recording>, RecordingError> {
        Recording::files(dir)?.iter().map(Recording::load).collect()
    }

    /// Whether the recording is a success: a 2xx status with `code` 0.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.response.status) && self.response.body["code"] == 0
    }

    /// The first value of a query parameter.
    pub fn query(&self, key: &str) -> Option<&str> {
        self.query_all(key).next()
    }

    /// Every value of a query parameter, in order.
    pub fn query_all<'r>(&'r self, key: &str) -> impl Iterator<Item = &'r str> + use<'r> {
        let key = key.to_owned();
        self.request
            .query
            .iter()
            .filter(move |(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }
}
