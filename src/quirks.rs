//! Serde helpers for the server's quirks, applied by `build/codegen.rs` by convention (see the
//! table there), never by hand per field.

use std::fmt;

use serde::{Deserialize, Deserializer, Serializer};

use crate::UnixTime;

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
