//! Serde helpers for the server's quirks, applied by `build/codegen.rs` by convention (see the
//! table there), never by hand per field.

use std::fmt;

use serde::{Deserialize, Deserializer, Serializer};

use crate::UnixTime;

/// The characters a path segment of the generated client has percent-encoded: those of
/// `progenitor_client::encode_path`, and `+`. A `+` is a plus in a path by RFC 3986, but a
/// server that decodes paths as form data reads it as a space (clients that encode ids with
/// form encoders send spaces as `+`), and would look up another order: sent as `%2B` it is a
/// plus to either reading.
const PATH_SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b'+')
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%');

/// A path segment of a generated operation, percent-encoded as `progenitor_client::encode_path`
/// does it, and `+` as `%2B` (see [`PATH_SET`]); `build/codegen.rs` puts this in its place. A segment with nothing to encode, as
/// every id the facade accepts, is handed back as it is rather than copied.
pub(crate) fn encode_path(segment: String) -> String {
    use std::borrow::Cow;
    // The usual segment, an id of letters, digits, `_`, `-` and `.`, needs nothing.
    if segment
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    {
        return segment;
    }
    // Borrowed is either the segment itself or, for a one-byte segment, the static `%XX`.
    let encoded = match Cow::from(percent_encoding::utf8_percent_encode(&segment, PATH_SET)) {
        Cow::Borrowed(same) if std::ptr::eq(same.as_ptr(), segment.as_ptr()) => None,
        other => Some(other.into_owned()),
    };
    encoded.unwrap_or(segment)
}

/// A list the server may leave out or send as `null`: both read as empty.
pub(crate) fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// An `EventTime` of the spec: `0` (and `null`) means "has not happened" and reads as `None`;
/// `None` is written back as `0`, as the server writes it.
pub(crate) mod event_time {
    use super::{Deserialize, Deserializer, Serializer, UnixTime};

    pub(crate) fn serialize<S: Serializer>(v: &Option<UnixTime>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(v.map_or(0, |t| t.as_secs()))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<UnixTime>, D::Error> {
        let v = Option::<i64>::deserialize(d)?;
        Ok(v.filter(|&s| s != 0).map(UnixTime::from_secs))
    }
}

/// Shows whether a personal field (`x-personal` in the spec) is set, never its value.
pub(crate) struct Redacted(&'static str);

impl Redacted {
    pub(crate) fn of<T: Redact + ?Sized>(value: &T) -> Redacted {
        Redacted(value.marker())
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// What a redacted field shows in place of its value.
pub(crate) trait Redact {
    fn marker(&self) -> &'static str;
}

impl<T> Redact for Option<T> {
    fn marker(&self) -> &'static str {
        if self.is_some() {
            "Some([redacted])"
        } else {
            "None"
        }
    }
}

impl Redact for String {
    fn marker(&self) -> &'static str {
        "[redacted]"
    }
}

impl<T> Redact for Vec<T> {
    fn marker(&self) -> &'static str {
        "[redacted]"
    }
}

impl Redact for serde_json::Map<String, serde_json::Value> {
    fn marker(&self) -> &'static str {
        if self.is_empty() {
            "{}"
        } else {
            "{[redacted]}"
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    /// Path segments to try: every ASCII character between two letters, and ids with
    /// characters that need encoding, non-ASCII ones and path steps.
    fn segments() -> Vec<String> {
        let mut samples: Vec<String> = (0u8..=127).map(|b| format!("a{}b", b as char)).collect();
        samples.extend(
            [
                "imp_123",
                "",
                "%",
                "a/b?c",
                "주문 1",
                "é€😀",
                "x%2Fy",
                "order#1{2}",
                "..",
                ".",
            ]
            .map(String::from),
        );
        samples
    }

    #[test]
    fn path_segments_are_encoded_as_the_generated_client_encodes_them() {
        for sample in segments() {
            assert_eq!(
                super::encode_path(sample.clone()),
                progenitor_client::encode_path(&sample).replace('+', "%2B"),
                "{sample:?}"
            );
        }
        assert_eq!(super::encode_path("a+b".to_owned()), "a%2Bb");
    }
}
