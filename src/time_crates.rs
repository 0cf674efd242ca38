//! Conversions between [`UnixTime`] and the time types of `chrono`, `time` and `jiff`, each
//! behind the cargo feature of the crate's name.
//!
//! Into a `UnixTime` a time is rounded down to the whole second (toward the past, also before
//! 1970), which cannot fail: every one of these types spans fewer seconds than an `i64`. Out
//! of a `UnixTime` the other type's range is narrower, so the conversion is `TryFrom` and
//! fails with [`UnixTimeRangeError`].

#[cfg(any(feature = "chrono", feature = "time", feature = "jiff"))]
use crate::{UnixTime, UnixTimeRangeError};

/// A `chrono` date-time in any time zone, rounded down to the whole second.
///
/// ```
/// use chrono::{DateTime, FixedOffset, TimeZone, Utc};
/// use iamport::UnixTime;
///
/// let utc = DateTime::<Utc>::from_timestamp(1_793_836_800, 750_000_000).unwrap();
/// assert_eq!(UnixTime::from(utc), UnixTime::from_secs(1_793_836_800));
/// let kst = FixedOffset::east_opt(9 * 3600).unwrap();
/// let seoul = kst.with_ymd_and_hms(2026, 11, 5, 9, 0, 0).unwrap();
/// assert_eq!(UnixTime::from(seoul), UnixTime::from_secs(1_793_836_800));
/// // Before 1970 too, toward the past: -0.25 s is in the second that starts at -1.
/// let t = DateTime::<Utc>::from_timestamp(-1, 750_000_000).unwrap();
/// assert_eq!(UnixTime::from(t), UnixTime::from_secs(-1));
/// ```
#[cfg(feature = "chrono")]
#[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
impl<Tz: chrono::TimeZone> From<chrono::DateTime<Tz>> for UnixTime {
    fn from(t: chrono::DateTime<Tz>) -> Self {
        // `timestamp` counts whole seconds and keeps the fraction apart, non-negative: it
        // already rounds toward the past.
        UnixTime::from_secs(t.timestamp())
    }
}

/// The same instant as a `chrono::DateTime<Utc>`.
///
/// # Errors
/// [`UnixTimeRangeError`] beyond chrono's range (about 262,000 years either side of year 0).
///
/// ```
/// use chrono::{DateTime, TimeZone, Utc};
/// use iamport::UnixTime;
///
/// let t = DateTime::<Utc>::try_from(UnixTime::from_secs(1_793_836_800)).unwrap();
/// assert_eq!(t, Utc.with_ymd_and_hms(2026, 11, 5, 0, 0, 0).unwrap());
/// assert!(DateTime::<Utc>::try_from(UnixTime::from_secs(i64::MAX)).is_err());
/// ```
#[cfg(feature = "chrono")]
#[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
impl TryFrom<UnixTime> for chrono::DateTime<chrono::Utc> {
    type Error = UnixTimeRangeError;

    fn try_from(t: UnixTime) -> Result<Self, Self::Error> {
        chrono::DateTime::from_timestamp(t.as_secs(), 0)
            .ok_or_else(|| UnixTimeRangeError::new("chrono::DateTime"))
    }
}

/// A `time` date-time at any offset, rounded down to the whole second.
///
/// ```
/// use iamport::UnixTime;
/// use time::OffsetDateTime;
///
/// let t = OffsetDateTime::from_unix_timestamp_nanos(1_793_836_800_750_000_000).unwrap();
/// assert_eq!(UnixTime::from(t), UnixTime::from_secs(1_793_836_800));
/// ```
#[cfg(feature = "time")]
#[cfg_attr(docsrs, doc(cfg(feature = "time")))]
impl From<time::OffsetDateTime> for UnixTime {
    fn from(t: time::OffsetDateTime) -> Self {
        // Whole seconds with the fraction kept apart, non-negative: rounded toward the past.
        UnixTime::from_secs(t.unix_timestamp())
    }
}

/// The same instant as a `time::OffsetDateTime` in UTC.
///
/// # Errors
/// [`UnixTimeRangeError`] outside the years `time` represents (-9999 to 9999 unless its
/// `large-dates` feature is on).
///
/// ```
/// use iamport::UnixTime;
/// use time::OffsetDateTime;
///
/// let t = OffsetDateTime::try_from(UnixTime::from_secs(1_793_836_800)).unwrap();
/// assert_eq!((t.year(), u8::from(t.month()), t.day()), (2026, 11, 5));
/// assert!(OffsetDateTime::try_from(UnixTime::from_secs(i64::MAX)).is_err());
/// ```
#[cfg(feature = "time")]
#[cfg_attr(docsrs, doc(cfg(feature = "time")))]
impl TryFrom<UnixTime> for time::OffsetDateTime {
    type Error = UnixTimeRangeError;

    fn try_from(t: UnixTime) -> Result<Self, Self::Error> {
        time::OffsetDateTime::from_unix_timestamp(t.as_secs())
            .map_err(|_| UnixTimeRangeError::new("time::OffsetDateTime"))
    }
}

/// A `jiff` timestamp, rounded down to the whole second.
///
/// ```
/// use iamport::UnixTime;
/// use jiff::Timestamp;
///
/// let t = Timestamp::new(1_793_836_800, 750_000_000).unwrap();
/// assert_eq!(UnixTime::from(t), UnixTime::from_secs(1_793_836_800));
/// // Before 1970 too, toward the past: -0.25 s is in the second that starts at -1.
/// let t = Timestamp::new(0, -250_000_000).unwrap();
/// assert_eq!(UnixTime::from(t), UnixTime::from_secs(-1));
/// ```
#[cfg(feature = "jiff")]
#[cfg_attr(docsrs, doc(cfg(feature = "jiff")))]
impl From<jiff::Timestamp> for UnixTime {
    fn from(t: jiff::Timestamp) -> Self {
        // jiff truncates toward zero, with a negative fraction before 1970.
        let secs = t.as_second();
        let before = i64::from(t.subsec_nanosecond() < 0);
        UnixTime::from_secs(secs.saturating_sub(before))
    }
}

/// The same instant as a `jiff::Timestamp`.
///
/// # Errors
/// [`UnixTimeRangeError`] outside the years jiff represents (-9999 to 9999).
///
/// ```
/// use iamport::UnixTime;
/// use jiff::Timestamp;
///
/// let t = Timestamp::try_from(UnixTime::from_secs(1_793_836_800)).unwrap();
/// assert_eq!(t, Timestamp::new(1_793_836_800, 0).unwrap());
/// assert!(Timestamp::try_from(UnixTime::from_secs(i64::MAX)).is_err());
/// ```
#[cfg(feature = "jiff")]
#[cfg_attr(docsrs, doc(cfg(feature = "jiff")))]
impl TryFrom<UnixTime> for jiff::Timestamp {
    type Error = UnixTimeRangeError;

    fn try_from(t: UnixTime) -> Result<Self, Self::Error> {
        jiff::Timestamp::from_second(t.as_secs())
            .map_err(|_| UnixTimeRangeError::new("jiff::Timestamp"))
    }
}
