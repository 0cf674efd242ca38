//! `UnixTime` to and from `SystemTime` and, behind the `chrono`, `time` and `jiff` features,
//! those crates' types: rounded down to the second on the way in, fallible on the way out
//! where the other type's range is narrower, never a panic.

use std::time::{Duration, SystemTime};

use iamport::UnixTime;

/// The day the recordings were made, 2026-11-05 00:00:00 UTC.
const DAY: i64 = 1_793_836_800;

/// A day and a second before the UNIX epoch, the epoch, and the day the recordings were made;
/// each crate's tests add its own earliest and latest second.
const SAMPLES: [i64; 3] = [-86_401, 0, DAY];

// This crate's dev-dependency on itself turns the time features on, so `cargo test
// --workspace` runs the blocks below rather than compiling them away.
const _: () = assert!(
    cfg!(all(feature = "chrono", feature = "time", feature = "jiff")),
    "the tests are built without a time feature: see [dev-dependencies] in Cargo.toml"
);

#[test]
fn system_time_round_trips_and_rounds_toward_the_past() {
    for secs in [-86_401, 0, DAY] {
        let t = UnixTime::from_secs(secs);
        assert_eq!(UnixTime::try_from(SystemTime::from(t)), Ok(t));
    }
    let half = Duration::from_millis(500);
    let after = SystemTime::UNIX_EPOCH + Duration::from_secs(DAY as u64) + half;
    assert_eq!(UnixTime::try_from(after), Ok(UnixTime::from_secs(DAY)));
    let before = SystemTime::UNIX_EPOCH - half;
    assert_eq!(UnixTime::try_from(before), Ok(UnixTime::from_secs(-1)));
    let exactly = SystemTime::UNIX_EPOCH - Duration::from_secs(2);
    assert_eq!(UnixTime::try_from(exactly), Ok(UnixTime::from_secs(-2)));
}

#[test]
fn a_system_time_beyond_i64_seconds_is_an_error() {
    // 64-bit Unix keeps whole seconds in an `i64`: its latest second converts, its earliest
    // (2^63 seconds before 1970) is one more than a `UnixTime` holds.
    let latest = SystemTime::UNIX_EPOCH.checked_add(Duration::new(i64::MAX as u64, 999_999_999));
    let earliest = SystemTime::UNIX_EPOCH.checked_sub(Duration::from_secs(1 << 63));
    if cfg!(all(unix, target_pointer_width = "64")) {
        assert!(latest.is_some() && earliest.is_some());
    }
    if let Some(t) = latest {
        assert_eq!(UnixTime::try_from(t), Ok(UnixTime::from_secs(i64::MAX)));
    }
    if let Some(t) = earliest {
        let err = UnixTime::try_from(t).unwrap_err();
        assert_eq!(
            err.to_string(),
            "time outside the range of std::time::SystemTime"
        );
        let just_inside = t + Duration::from_nanos(1);
        assert_eq!(
            UnixTime::try_from(just_inside),
            Ok(UnixTime::from_secs(i64::MIN))
        );
    }
}

#[cfg(feature = "chrono")]
mod chrono_feature {
    use chrono::{DateTime, FixedOffset, TimeZone, Utc};

    use super::*;

    #[test]
    fn round_trips_every_representable_second() {
        let (min, max) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
        for secs in SAMPLES
            .into_iter()
            .chain([min.timestamp(), max.timestamp()])
        {
            let t = UnixTime::from_secs(secs);
            let dt = DateTime::<Utc>::try_from(t).unwrap();
            assert_eq!(dt.timestamp(), secs);
            assert_eq!(UnixTime::from(dt), t);
        }
        let day = DateTime::<Utc>::try_from(UnixTime::from_secs(DAY)).unwrap();
        assert_eq!(day, Utc.with_ymd_and_hms(2026, 11, 5, 0, 0, 0).unwrap());
    }

    #[test]
    fn any_time_zone_and_fractions_round_toward_the_past() {
        let kst = FixedOffset::east_opt(9 * 3600).unwrap();
        let seoul = kst.with_ymd_and_hms(2026, 11, 5, 9, 0, 0).unwrap();
        assert_eq!(UnixTime::from(seoul), UnixTime::from_secs(DAY));
        let t = DateTime::<Utc>::from_timestamp(DAY, 999_999_999).unwrap();
        assert_eq!(UnixTime::from(t), UnixTime::from_secs(DAY));
        let t = DateTime::<Utc>::from_timestamp(-1, 500_000_000).unwrap();
        assert_eq!(UnixTime::from(t), UnixTime::from_secs(-1));
    }

    #[test]
    fn beyond_chronos_range_is_an_error() {
        let (min, max) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
        for secs in [i64::MIN, min.timestamp() - 1, max.timestamp() + 1, i64::MAX] {
            let err = DateTime::<Utc>::try_from(UnixTime::from_secs(secs)).unwrap_err();
            assert_eq!(
                err.to_string(),
                "time outside the range of chrono::DateTime"
            );
        }
    }
}

#[cfg(feature = "time")]
mod time_feature {
    use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

    use super::*;

    /// The earliest and latest second `time` holds (years -9999 and 9999 without its
    /// `large-dates` feature).
    fn range() -> (i64, i64) {
        let min = PrimitiveDateTime::MIN.assume_utc().unix_timestamp();
        let max = PrimitiveDateTime::MAX.assume_utc().unix_timestamp();
        (min, max)
    }

    #[test]
    fn round_trips_every_representable_second() {
        let (min, max) = range();
        for secs in SAMPLES.into_iter().chain([min, max]) {
            let t = UnixTime::from_secs(secs);
            let dt = OffsetDateTime::try_from(t).unwrap();
            assert_eq!(dt.unix_timestamp(), secs);
            assert_eq!(dt.offset(), UtcOffset::UTC);
            assert_eq!(UnixTime::from(dt), t);
        }
        let day = OffsetDateTime::try_from(UnixTime::from_secs(DAY)).unwrap();
        assert_eq!(
            (day.year(), u8::from(day.month()), day.day()),
            (2026, 11, 5)
        );
    }

    #[test]
    fn any_offset_and_fractions_round_toward_the_past() {
        let kst = UtcOffset::from_hms(9, 0, 0).unwrap();
        let seoul = OffsetDateTime::from_unix_timestamp(DAY)
            .unwrap()
            .to_offset(kst);
        assert_eq!(seoul.hour(), 9);
        assert_eq!(UnixTime::from(seoul), UnixTime::from_secs(DAY));
        let nanos = i128::from(DAY) * 1_000_000_000 + 999_999_999;
        let t = OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap();
        assert_eq!(UnixTime::from(t), UnixTime::from_secs(DAY));
        let t = OffsetDateTime::from_unix_timestamp_nanos(-500_000_000).unwrap();
        assert_eq!(UnixTime::from(t), UnixTime::from_secs(-1));
    }

    #[test]
    fn beyond_times_range_is_an_error() {
        let (min, max) = range();
        for secs in [i64::MIN, min - 1, max + 1, i64::MAX] {
            let err = OffsetDateTime::try_from(UnixTime::from_secs(secs)).unwrap_err();
            assert_eq!(
                err.to_string(),
                "time outside the range of time::OffsetDateTime"
            );
        }
    }
}

#[cfg(feature = "jiff")]
mod jiff_feature {
    use jiff::Timestamp;

    use super::*;

    #[test]
    fn round_trips_every_representable_second() {
        let (min, max) = (Timestamp::MIN.as_second(), Timestamp::MAX.as_second());
        for secs in SAMPLES.into_iter().chain([min, max]) {
            let t = UnixTime::from_secs(secs);
            let ts = Timestamp::try_from(t).unwrap();
            assert_eq!(ts.as_second(), secs);
            assert_eq!(UnixTime::from(ts), t);
        }
    }

    #[test]
    fn fractions_round_toward_the_past_on_both_sides_of_1970() {
        let t = Timestamp::new(DAY, 999_999_999).unwrap();
        assert_eq!(UnixTime::from(t), UnixTime::from_secs(DAY));
        // jiff keeps times before 1970 as a negative second and a negative fraction.
        let t = Timestamp::new(0, -500_000_000).unwrap();
        assert_eq!(UnixTime::from(t), UnixTime::from_secs(-1));
        let t = Timestamp::new(-2, -1).unwrap();
        assert_eq!(UnixTime::from(t), UnixTime::from_secs(-3));
    }

    #[test]
    fn beyond_jiffs_range_is_an_error() {
        let (min, max) = (Timestamp::MIN.as_second(), Timestamp::MAX.as_second());
        for secs in [i64::MIN, min - 1, max + 1, i64::MAX] {
            let err = Timestamp::try_from(UnixTime::from_secs(secs)).unwrap_err();
            assert_eq!(err.to_string(), "time outside the range of jiff::Timestamp");
        }
    }
}
