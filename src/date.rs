//! Calendar dates ([`Date`]) and the two ways Korean law counts a person's age from one.

use std::{fmt, str::FromStr};

use crate::UnixTime;

/// Seconds Korea's clocks run ahead of UTC (UTC+9; no daylight saving since 1988).
const KST: i64 = 9 * 3600;

/// A day of the (proleptic Gregorian) calendar, from the year 1 to 9999: a birth date, or
/// the day on which an age is counted.
///
/// It has no time zone; [`Date::in_korea`] and [`Date::today_in_korea`] give the day a moment
/// falls on in Korea. Written and parsed as `YYYY-MM-DD`. With the crate's `chrono`, `time` or
/// `jiff` feature it converts into that crate's date type.
///
/// ```
/// use iamport::Date;
///
/// let d: Date = "2008-02-29".parse().unwrap();
/// assert_eq!((d.year(), d.month(), d.day()), (2008, 2, 29));
/// assert_eq!(d.to_string(), "2008-02-29");
/// assert!("2009-02-29".parse::<Date>().is_err());
/// assert_eq!(Date::new(2026, 12, 6), "2026-12-06".parse().ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// A text that is not a date of the form `YYYY-MM-DD` between the years 1 and 9999.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a date of the form YYYY-MM-DD")]
pub struct ParseDateError;

impl Date {
    /// The date, when it exists (`2009-02-29` does not) and its year is 1 to 9999.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let year = u16::try_from(year)
            .ok()
            .filter(|y| (1..=9999).contains(y))?;
        let month = u8::try_from(month).ok().filter(|m| (1..=12).contains(m))?;
        let last = days_in_month(i64::from(year), u32::from(month));
        let day = u8::try_from(day)
            .ok()
            .filter(|d| (1..=last).contains(&u32::from(*d)))?;
        Some(Date { year, month, day })
    }

    /// The year.
    pub fn year(&self) -> i32 {
        i32::from(self.year)
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u32 {
        u32::from(self.month)
    }

    /// The day of the month, from 1.
    pub fn day(&self) -> u32 {
        u32::from(self.day)
    }

    /// The day `at` falls on in Korea (UTC+9); `None` outside the years 1 to 9999.
    ///
    /// ```
    /// use iamport::{Date, UnixTime};
    ///
    /// // 2026-12-05 15:00 UTC is already 6 December in Seoul.
    /// let at = UnixTime::from_secs(1_796_482_800);
    /// assert_eq!(Date::in_korea(at), Date::new(2026, 12, 6));
    /// ```
    pub fn in_korea(at: UnixTime) -> Option<Date> {
        let days = at.as_secs().checked_add(KST)?.div_euclid(86_400);
        Date::from_days(days)
    }

    /// Today in Korea, by the local clock.
    pub fn today_in_korea() -> Date {
        // The clock of any machine running this is well inside the years 1 to 9999.
        Date::in_korea(UnixTime::now()).unwrap_or(Date {
            year: 1970,
            month: 1,
            day: 1,
        })
    }

    /// The date of a day counted from 1970-01-01.
    pub(crate) fn from_days(days: i64) -> Option<Date> {
        let (year, month, day) = civil_from_days(days);
        Date::new(i32::try_from(year).ok()?, month, day)
    }

    /// The day counted from 1970-01-01.
    #[cfg(test)]
    pub(crate) fn days(&self) -> i64 {
        days_from_civil(i64::from(self.year), self.month(), self.day())
    }

    /// The day in `year` on which a person born on this date turns a year older: the same
    /// month and day, and for a birthday on 29 February, 1 March in a year without one (the
    /// Civil Act's reckoning: a year counted from 29 February ends on the last day of
    /// February, so the new year of age begins the next day).
    fn anniversary(&self, year: i32) -> Option<Date> {
        Date::new(year, self.month(), self.day()).or_else(|| Date::new(year, 3, 1))
    }

    /// Age in full years on `on` of a person born on this date (the international count,
    /// `만 나이`, which Korean law uses since June 2023): one year more on each birthday.
    /// `None` when `on` is before the birth.
    ///
    /// ```
    /// use iamport::Date;
    ///
    /// let born = Date::new(2007, 12, 6).unwrap();
    /// assert_eq!(born.age_on(Date::new(2026, 12, 5).unwrap()), Some(18));
    /// assert_eq!(born.age_on(Date::new(2026, 12, 6).unwrap()), Some(19));
    /// ```
    pub fn age_on(&self, on: Date) -> Option<u32> {
        if on < *self {
            return None;
        }
        let years = on.year() - self.year();
        let before_birthday = self.anniversary(on.year()).is_some_and(|a| on < a);
        u32::try_from(years - i32::from(before_birthday)).ok()
    }

    /// Age on `on` by the calendar year alone (`연 나이`): the year of `on` less the year of
    /// birth, whatever the day. The Youth Protection Act counts this way: a person is no
    /// longer a youth from 1 January of the year of their 19th birthday. `None` when `on` is
    /// before the birth.
    ///
    /// ```
    /// use iamport::Date;
    ///
    /// let born = Date::new(2007, 12, 31).unwrap();
    /// assert_eq!(born.age_by_year_on(Date::new(2025, 12, 31).unwrap()), Some(18));
    /// assert_eq!(born.age_by_year_on(Date::new(2026, 1, 1).unwrap()), Some(19));
    /// ```
    pub fn age_by_year_on(&self, on: Date) -> Option<u32> {
        if on < *self {
            return None;
        }
        u32::try_from(on.year() - self.year()).ok()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = ParseDateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = b.get(r)?;
            part.iter()
                .all(u8::is_ascii_digit)
                .then(|| part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
        };
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(ParseDateError);
        }
        let (year, month, day) = (digits(0..4), digits(5..7), digits(8..10));
        match (year, month, day) {
            (Some(y), Some(m), Some(d)) => {
                Date::new(i32::try_from(y).map_err(|_| ParseDateError)?, m, d).ok_or(ParseDateError)
            }
            _ => Err(ParseDateError),
        }
    }
}

/// Into a `chrono` date (whose range holds every [`Date`]).
#[cfg(feature = "chrono")]
#[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
impl From<Date> for chrono::NaiveDate {
    fn from(d: Date) -> Self {
        chrono::NaiveDate::from_ymd_opt(d.year(), d.month(), d.day())
            .unwrap_or(chrono::NaiveDate::MIN)
    }
}

/// Into a `time` date (whose range holds every [`Date`]).
#[cfg(feature = "time")]
#[cfg_attr(docsrs, doc(cfg(feature = "time")))]
impl From<Date> for time::Date {
    fn from(d: Date) -> Self {
        time::Month::try_from(d.month)
            .ok()
            .and_then(|m| time::Date::from_calendar_date(d.year(), m, d.day).ok())
            .unwrap_or(time::Date::MIN)
    }
}

/// Into a `jiff` civil date (whose range holds every [`Date`]).
#[cfg(feature = "jiff")]
#[cfg_attr(docsrs, doc(cfg(feature = "jiff")))]
impl From<Date> for jiff::civil::Date {
    fn from(d: Date) -> Self {
        let year = i16::try_from(d.year).unwrap_or(i16::MAX);
        jiff::civil::Date::new(year, d.month as i8, d.day as i8).unwrap_or(jiff::civil::Date::MIN)
    }
}

/// The number of days of a month of the proleptic Gregorian calendar.
pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The proleptic Gregorian date of a day counted from 1970-01-01.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The day, counted from 1970-01-01, of a proleptic Gregorian date.
#[cfg(any(
    test,
    feature = "billing",
    all(feature = "certifications", feature = "testing")
))]
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::Date;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn full_years_turn_on_the_birthday_and_not_the_day_before() {
        let born = d("2007-05-20");
        assert_eq!(born.age_on(d("2026-05-19")), Some(18));
        assert_eq!(born.age_on(d("2026-05-20")), Some(19));
        assert_eq!(born.age_on(d("2007-05-20")), Some(0));
        assert_eq!(born.age_on(d("2007-05-19")), None);
    }

    #[test]
    fn a_29_february_birthday_turns_on_1_march_in_a_common_year() {
        let born = d("2008-02-29");
        assert_eq!(born.age_on(d("2027-02-28")), Some(18));
        assert_eq!(born.age_on(d("2027-03-01")), Some(19));
        // In a leap year, on the day itself.
        assert_eq!(born.age_on(d("2028-02-28")), Some(19));
        assert_eq!(born.age_on(d("2028-02-29")), Some(20));
    }

    #[test]
    fn the_year_count_turns_on_1_january() {
        let born = d("2007-12-31");
        assert_eq!(born.age_by_year_on(d("2025-12-31")), Some(18));
        assert_eq!(born.age_by_year_on(d("2026-01-01")), Some(19));
        // The two counts differ for most of the year.
        assert_eq!(born.age_on(d("2026-01-01")), Some(18));
        assert_eq!(d("2008-02-29").age_by_year_on(d("2027-02-28")), Some(19));
        assert_eq!(born.age_by_year_on(d("2007-12-30")), None);
    }

    #[test]
    fn dates_parse_only_in_their_one_form() {
        for bad in [
            "2026-1-05",
            "2026/01/05",
            "26-01-05",
            "2026-13-01",
            "2026-00-10",
            "0000-01-01",
            "2026-01-05 ",
            "+026-01-05",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
        assert_eq!(d("0001-01-01").to_string(), "0001-01-01");
        assert_eq!(d("9999-12-31").to_string(), "9999-12-31");
    }

    #[test]
    fn a_moment_falls_on_its_korean_day() {
        use crate::UnixTime;
        // 1993-07-08 00:00 KST is 1993-07-07 15:00 UTC.
        assert_eq!(
            Date::in_korea(UnixTime::from_secs(742_057_200)),
            Some(d("1993-07-08"))
        );
        assert_eq!(
            Date::in_korea(UnixTime::from_secs(742_057_199)),
            Some(d("1993-07-07"))
        );
        for days in [-719_162, -1, 0, 1, 2_932_896] {
            assert_eq!(Date::from_days(days).map(|x| x.days()), Some(days));
        }
        assert_eq!(Date::from_days(-719_163), None);
        assert_eq!(Date::from_days(2_932_897), None);
    }
}
