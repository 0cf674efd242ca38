//! Typed time: [`UnixTime`], epoch seconds as the server sends them.

use std::{fmt, time::SystemTime};

use serde::{Deserialize, Serialize};

/// A point in time in UNIX epoch seconds, as the server sends it.
///
/// The server writes `0` for events that have not happened; fields that can be `0` are typed
/// `Option<UnixTime>` and decode `0` (and `null`) as `None`.
///
/// Converts to and from [`SystemTime`] and, with the cargo features of the same names, to and
/// from `chrono::DateTime`, `time::OffsetDateTime` and `jiff::Timestamp`. Into a `UnixTime`,
/// a time is rounded down to the whole second; out of one, a conversion is `TryFrom` wherever
/// the other type's range is narrower than `i64` seconds, and fails with
/// [`UnixTimeRangeError`] rather than panicking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnixTime(i64);

impl UnixTime {
    /// From seconds since the UNIX epoch.
    pub const fn from_secs(secs: i64) -> Self {
        UnixTime(secs)
    }

    /// Seconds since the UNIX epoch.
    pub fn as_secs(&self) -> i64 {
        self.0
    }

    /// As a [`SystemTime`].
    ///
    /// A time the platform cannot represent (far outside ±292 billion years) is clamped to the
    /// UNIX epoch rather than panicking.
    pub fn to_system_time(&self) -> SystemTime {
        let d = std::time::Duration::from_secs(self.0.unsigned_abs());
        let t = if self.0 >= 0 {
            SystemTime::UNIX_EPOCH.checked_add(d)
        } else {
            SystemTime::UNIX_EPOCH.checked_sub(d)
        };
        t.unwrap_or(SystemTime::UNIX_EPOCH)
    }

    /// The current time, to the second.
    pub fn now() -> Self {
        let secs = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        UnixTime(secs)
    }
}

impl fmt::Display for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl From<UnixTime> for SystemTime {
    fn from(t: UnixTime) -> Self {
        t.to_system_time()
    }
}

/// A [`SystemTime`] rounded down to the whole second (toward the past, also before 1970).
///
/// # Errors
/// [`UnixTimeRangeError`] for a time more than `i64::MAX` seconds from the epoch.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use iamport::UnixTime;
///
/// let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_500);
/// assert_eq!(UnixTime::try_from(t).unwrap(), UnixTime::from_secs(1));
/// let t = SystemTime::UNIX_EPOCH - Duration::from_millis(1_500);
/// assert_eq!(UnixTime::try_from(t).unwrap(), UnixTime::from_secs(-2));
/// ```
impl TryFrom<SystemTime> for UnixTime {
    type Error = UnixTimeRangeError;

    fn try_from(t: SystemTime) -> Result<Self, Self::Error> {
        let out_of_range = || UnixTimeRangeError::new("std::time::SystemTime");
        match t.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs())
                .map(UnixTime)
                .map_err(|_| out_of_range()),
            Err(before) => {
                let before = before.duration();
                let partial = i64::from(before.subsec_nanos() > 0);
                i64::try_from(before.as_secs())
                    .ok()
                    .and_then(|secs| (-secs).checked_sub(partial))
                    .map(UnixTime)
                    .ok_or_else(out_of_range)
            }
        }
    }
}

/// A time that one side of a conversion between [`UnixTime`] and another time type cannot
/// represent: what the fallible (`TryFrom`) conversions return instead of panicking or
/// clamping. Its `Display` names the type that could not hold the time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("time outside the range of {target}")]
pub struct UnixTimeRangeError {
    target: &'static str,
}

impl UnixTimeRangeError {
    pub(crate) fn new(target: &'static str) -> Self {
        UnixTimeRangeError { target }
    }
}

impl schemars::JsonSchema for UnixTime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "UnixTime".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "integer", "format": "int64" })
    }
}
