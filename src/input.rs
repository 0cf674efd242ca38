//! Checks on arguments, made before anything is sent.
//!
//! Most come from the spec: `build/codegen.rs` reads each operation's limits (`maxLength`,
//! `pattern`, `maxItems`, `minimum`, ...) and makes every generated operation run them first,
//! through [`before_sending`], and each request body component implement [`Check`]. The
//! facade adds only what the spec cannot say (a time in the future, a window's span, a count
//! of two lists together).

use crate::{Error, Result};

/// A request component's checks, generated from the spec's limits on its properties.
pub(crate) trait Check {
    /// The first limit the value breaks, as [`Error::InvalidInput`].
    fn check(&self) -> Result<()>;
}

/// A value checked as text: a string, a secret, an enum's value.
pub(crate) trait Text {
    fn text(&self) -> &str;
}

impl Text for str {
    fn text(&self) -> &str {
        self
    }
}

impl Text for String {
    fn text(&self) -> &str {
        self
    }
}

impl Text for crate::Secret {
    fn text(&self) -> &str {
        self.expose()
    }
}

impl<T: Text + ?Sized> Text for &T {
    fn text(&self) -> &str {
        (**self).text()
    }
}

/// A value checked against a range of whole numbers: an integer, or an amount (compared
/// exactly, as a decimal).
pub(crate) trait Number: std::fmt::Display {
    /// How the value compares with the whole number `n`.
    fn cmp_whole(&self, n: i64) -> std::cmp::Ordering;
}

macro_rules! numbers {
    ($($t:ty),+) => {$(
        impl Number for $t {
            fn cmp_whole(&self, n: i64) -> std::cmp::Ordering {
                i128::from(*self).cmp(&i128::from(n))
            }
        }
    )+};
}
numbers!(i32, i64, u32, u64);

impl Number for crate::Amount {
    fn cmp_whole(&self, n: i64) -> std::cmp::Ordering {
        self.cmp(&crate::Amount::from(n))
    }
}

impl<T: Number + ?Sized> Number for &T {
    fn cmp_whole(&self, n: i64) -> std::cmp::Ordering {
        (**self).cmp_whole(n)
    }
}

#[allow(clippy::result_large_err)] // progenitor's error type, as the generated method returns it
/// Runs a generated operation's checks before it builds its request: a failure becomes the
/// call's error ([`Error::InvalidInput`]) and nothing is sent, not even a token exchange.
pub(crate) fn before_sending<E>(
    checks: impl FnOnce() -> Result<()>,
) -> std::result::Result<(), progenitor_client::Error<E>> {
    checks().map_err(|e| {
        let reason = e.to_string();
        crate::call::with_call(|c| c.error.set(Some(Box::new(e))));
        progenitor_client::Error::InvalidRequest(reason)
    })
}

/// A text of `min` to `max` characters.
pub(crate) fn length(
    field: &'static str,
    value: &str,
    min: usize,
    max: Option<usize>,
) -> Result<()> {
    sized(
        field,
        value.chars().count(),
        (min, max),
        ("shorter", "longer", "characters"),
    )
}

/// A count of `min` to `max` things (characters, items); `words` says, for the reason, what
/// is too few, too many, and of what.
fn sized(
    field: &'static str,
    n: usize,
    (min, max): (usize, Option<usize>),
    (few, many, unit): (&str, &str, &str),
) -> Result<()> {
    if n < min {
        let reason = if min == 1 {
            "must not be empty".to_owned()
        } else {
            format!("{few} than {min} {unit}")
        };
        return Err(Error::invalid(field, reason));
    }
    match max {
        Some(max) if n > max => Err(Error::invalid(field, format!("{many} than {max} {unit}"))),
        _ => Ok(()),
    }
}

/// A text in the form the spec's `pattern` gives. The reason names the form, never the value
/// (card data goes through here).
// Called by the generated checks; the always-compiled groups have no pattern.
#[cfg_attr(not(any(feature = "billing", feature = "receipts")), allow(dead_code))]
pub(crate) fn pattern(
    field: &'static str,
    value: &str,
    re: Option<&regex_lite::Regex>,
    form: &'static str,
) -> Result<()> {
    match re {
        Some(re) if !re.is_match(value) => Err(Error::invalid(
            field,
            format!("must match the pattern {form}"),
        )),
        _ => Ok(()),
    }
}

/// A list of `min` to `max` items.
pub(crate) fn items(field: &'static str, len: usize, min: usize, max: Option<usize>) -> Result<()> {
    sized(field, len, (min, max), ("fewer", "more", "items"))
}

/// A number from `min` to `max`, each bound given with whether it is itself excluded (the
/// spec's `exclusiveMinimum` and `exclusiveMaximum`). The reason quotes the value: numbers
/// checked here are counts and amounts, never personal data.
pub(crate) fn range(
    field: &'static str,
    value: &impl Number,
    min: Option<(i64, bool)>,
    max: Option<(i64, bool)>,
) -> Result<()> {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let below =
        min.is_some_and(|(m, ex)| matches!((value.cmp_whole(m), ex), (Less, _) | (Equal, true)));
    let above =
        max.is_some_and(|(m, ex)| matches!((value.cmp_whole(m), ex), (Greater, _) | (Equal, true)));
    if !(below || above) {
        return Ok(());
    }
    let low = |(m, ex): (i64, bool)| {
        if ex {
            format!("more than {m}")
        } else {
            format!("at least {m}")
        }
    };
    let high = |(m, ex): (i64, bool)| {
        if ex {
            format!("less than {m}")
        } else {
            format!("at most {m}")
        }
    };
    let reason = match (min, max) {
        (Some((0, false)), None) => "must not be negative".to_owned(),
        (Some((a, false)), Some((b, false))) => format!("must be between {a} and {b}"),
        (Some(a), Some(b)) => format!("must be {} and {}", low(a), high(b)),
        (Some(a), None) => format!("must be {}", low(a)),
        (None, Some(b)) => format!("must be {}", high(b)),
        (None, None) => "out of range".to_owned(),
    };
    Err(Error::invalid(field, format!("{reason} (got {value})")))
}

/// Most ids one batch lookup of payments may carry, `imp_uid[]` and `merchant_uid[]` together
/// (the spec can say it of each list only).
pub(crate) const BATCH_MAX: usize = 100;

/// An id that goes into a path or a body: not empty, not too long, and never a path step
/// (`.`, `..`) or a backslash that a proxy could reinterpret.
pub(crate) fn id(field: &'static str, value: &str, max: usize) -> Result<()> {
    // The usual id, printable ASCII without `\` and not a path step, passes in one look at
    // its bytes; anything else is checked rule by rule below, for the reason to give.
    if (1..=max).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
        && value != "."
        && value != ".."
    {
        return Ok(());
    }
    id_rules(field, value, max)
}

/// The rules of [`id`], one by one.
fn id_rules(field: &'static str, value: &str, max: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("longer than {max} characters"),
        ));
    }
    if value == "." || value == ".." {
        return Err(Error::invalid(field, "must not be `.` or `..`"));
    }
    if value.contains('\\') {
        return Err(Error::invalid(field, "must not contain `\\`"));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(field, "must not contain control characters"));
    }
    Ok(())
}

/// A value that goes into a path segment but is not an id (an open enum's value): checked like
/// an id, so that an unknown value such as `..` cannot turn the request into another one.
pub(crate) fn path_value(field: &'static str, value: &str) -> Result<()> {
    // As long as the longest id of the same paths (`merchant_uid`'s 40).
    id(field, value, 40)?;
    if value.contains('/') {
        return Err(Error::invalid(field, "must not contain `/`"));
    }
    Ok(())
}

/// The longest time window a listing accepts: 90 days.
pub(crate) const WINDOW_MAX_SECS: i64 = 90 * 24 * 60 * 60;

/// A listing's time window: it starts before it ends and spans at most 90 days (the server's
/// default end is now).
pub(crate) fn window(from: Option<crate::UnixTime>, to: Option<crate::UnixTime>) -> Result<()> {
    let Some(from) = from else { return Ok(()) };
    let to = to.unwrap_or_else(crate::UnixTime::now);
    if from >= to {
        return Err(Error::invalid(
            "from",
            "the window must start before it ends",
        ));
    }
    if to.as_secs().saturating_sub(from.as_secs()) > WINDOW_MAX_SECS {
        return Err(Error::invalid("from", "the window is longer than 90 days"));
    }
    Ok(())
}

/// A time that must still be ahead (a charge's schedule, an account's due time): after `now`.
#[cfg(any(feature = "billing", feature = "vbanks", feature = "cvs"))]
pub(crate) fn future(field: &'static str, at: crate::UnixTime, now: crate::UnixTime) -> Result<()> {
    if at <= now {
        return Err(Error::invalid(
            field,
            format!("{at} is not in the future (now is {now})"),
        ));
    }
    Ok(())
}

/// A schedule listing's time window, `from` (inclusive) to `to` (exclusive): it starts before
/// it ends and spans at most three calendar months in Korean time (UTC+9, no daylight saving),
/// the server's limit: from 10:00 on 31 January, up to 10:00 on 30 April (the day is clamped to
/// the month's last).
#[cfg(feature = "billing")]
pub(crate) fn schedule_window(from: crate::UnixTime, to: crate::UnixTime) -> Result<()> {
    if from >= to {
        return Err(Error::invalid(
            "from",
            "the window must start before it ends",
        ));
    }
    match three_months_after(from.as_secs()) {
        Some(end) if to.as_secs() <= end => Ok(()),
        _ => Err(Error::invalid(
            "to",
            format!("{to} is more than three months after {from}, the server's longest window"),
        )),
    }
}

/// `secs` plus three calendar months in Korean time (UTC+9), the day clamped to the month's
/// last; `None` out of range.
#[cfg(feature = "billing")]
fn three_months_after(secs: i64) -> Option<i64> {
    use crate::date::{civil_from_days, days_from_civil, days_in_month};
    const KST: i64 = 9 * 3600;
    let local = secs.checked_add(KST)?;
    let (days, time_of_day) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let months = year.checked_mul(12)? + i64::from(month - 1) + 3;
    let (year, month) = (months.div_euclid(12), (months.rem_euclid(12) + 1) as u32);
    let day = day.min(days_in_month(year, month));
    days_from_civil(year, month, day)
        .checked_mul(86_400)?
        .checked_add(time_of_day)?
        .checked_sub(KST)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    #[test]
    fn the_quick_look_at_an_id_agrees_with_the_rules() {
        let mut samples: Vec<String> = (0u8..=127).map(|b| format!("a{}b", b as char)).collect();
        samples.extend((0u8..=127).map(|b| (b as char).to_string()));
        samples.extend(
            [
                ".",
                "..",
                "...",
                " ",
                "a b",
                "주문",
                "x".repeat(32).as_str(),
                &"x".repeat(33),
            ]
            .map(String::from),
        );
        for sample in samples {
            assert_eq!(
                super::id("id", &sample, 32).is_ok(),
                super::id_rules("id", &sample, 32).is_ok(),
                "{sample:?}"
            );
        }
    }

    #[cfg(feature = "billing")]
    #[test]
    fn a_schedule_window_spans_at_most_three_calendar_months_in_korean_time() {
        use super::schedule_window;
        use crate::UnixTime;
        use crate::date::{civil_from_days, days_from_civil};
        for days in [-800_000, -1, 0, 1, 11_016, 20_000, 800_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        // 2027-01-31 10:00 KST is 2027-01-31 01:00 UTC.
        let from = UnixTime::from_secs(1_801_357_200);
        let end = UnixTime::from_secs(1_801_357_200 + 89 * 86_400); // 2027-04-30 10:00 KST
        assert!(schedule_window(from, end).is_ok());
        let over = UnixTime::from_secs(end.as_secs() + 1);
        let err = schedule_window(from, over).unwrap_err();
        assert!(err.to_string().contains("three months"), "{err}");
        // Midnight KST on 1 December 2026 (15:00 UTC the day before) to 1 March 2027: 90 days.
        let dec = UnixTime::from_secs(1_796_050_800);
        let mar = UnixTime::from_secs(1_796_050_800 + 90 * 86_400);
        assert!(schedule_window(dec, mar).is_ok());
        assert!(schedule_window(dec, UnixTime::from_secs(mar.as_secs() + 1)).is_err());
        assert!(schedule_window(dec, dec).is_err());
        assert!(
            schedule_window(
                UnixTime::from_secs(i64::MAX - 10),
                UnixTime::from_secs(i64::MAX)
            )
            .is_err()
        );
    }
}
