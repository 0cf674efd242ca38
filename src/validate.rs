//! Checks on arguments, made before anything is sent.
//!
//! Most come from the spec: `build/codegen.rs` reads each operation's limits (`maxLength`,
//! `pattern`, `maxItems`, `minimum`, ...) and makes every generated operation run them first,
//! through [`before_sending`], and each request body component implement [`Check`]. The
//! facade adds only what the spec cannot say (an amount above zero, a time in the future, a
//! window's span).

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

/// A value checked as a whole number.
pub(crate) trait Number {
    fn number(&self) -> i128;
}

macro_rules! numbers {
    ($($t:ty),+) => {$(
        impl Number for $t {
            fn number(&self) -> i128 {
                i128::from(*self)
            }
        }
    )+};
}
numbers!(i32, i64, u32, u64);

impl Number for std::num::NonZeroU64 {
    fn number(&self) -> i128 {
        i128::from(self.get())
    }
}

impl Number for std::num::NonZeroU32 {
    fn number(&self) -> i128 {
        i128::from(self.get())
    }
}

impl<T: Number + ?Sized> Number for &T {
    fn number(&self) -> i128 {
        (**self).number()
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

/// A whole number from `min` to `max`, both included.
pub(crate) fn range(
    field: &'static str,
    value: i128,
    min: Option<i64>,
    max: Option<i64>,
) -> Result<()> {
    let below = min.is_some_and(|m| value < i128::from(m));
    let above = max.is_some_and(|m| value > i128::from(m));
    if below || above {
        let reason = match (min, max) {
            (Some(a), Some(b)) => format!("must be between {a} and {b}"),
            (Some(a), None) => format!("must be at least {a}"),
            (None, Some(b)) => format!("must be at most {b}"),
            (None, None) => "out of range".to_owned(),
        };
        return Err(Error::invalid(field, reason));
    }
    Ok(())
}

/// Longest `imp_uid` the API accepts.
pub(crate) const IMP_UID_MAX: usize = 32;
/// Longest `merchant_uid` the API accepts.
pub(crate) const MERCHANT_UID_MAX: usize = 40;
/// Most ids one batch lookup may carry.
pub(crate) const BATCH_MAX: usize = 100;
/// Most payments one page may carry.
pub(crate) const LIMIT_MAX: u32 = 1000;

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
    id(field, value, MERCHANT_UID_MAX)?;
    if value.contains('/') {
        return Err(Error::invalid(field, "must not contain `/`"));
    }
    Ok(())
}

pub(crate) fn imp_uid(value: &str) -> Result<()> {
    id("imp_uid", value, IMP_UID_MAX)
}

pub(crate) fn merchant_uid(value: &str) -> Result<()> {
    id("merchant_uid", value, MERCHANT_UID_MAX)
}

/// A page number (from 1) and a page size (1..=1000).
pub(crate) fn paging(page: Option<u32>, limit: Option<u32>) -> Result<()> {
    if page == Some(0) {
        return Err(Error::invalid("page", "pages are numbered from 1"));
    }
    if let Some(l) = limit
        && !(1..=LIMIT_MAX).contains(&l)
    {
        return Err(Error::invalid(
            "limit",
            format!("must be between 1 and {LIMIT_MAX}"),
        ));
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
    if from > to {
        return Err(Error::invalid("from", "the window starts after it ends"));
    }
    if to.as_secs().saturating_sub(from.as_secs()) > WINDOW_MAX_SECS {
        return Err(Error::invalid("from", "the window is longer than 90 days"));
    }
    Ok(())
}

/// An amount sent to the API: never negative.
pub(crate) fn amount(field: &'static str, value: crate::Amount) -> Result<()> {
    if value.is_negative() {
        return Err(Error::invalid(field, "must not be negative"));
    }
    Ok(())
}

/// An amount that moves money (a charge, a schedule, a prepared payment, a receipt): more
/// than zero. A charge of nothing is a mistake in the caller's arithmetic, never a request.
pub(crate) fn positive_amount(field: &'static str, value: crate::Amount) -> Result<()> {
    if value.is_negative() || value.is_zero() {
        return Err(Error::invalid(
            field,
            format!("must be more than 0 (got {value})"),
        ));
    }
    Ok(())
}

/// Longest `customer_uid` (billing key id) the API accepts.
pub(crate) const CUSTOMER_UID_MAX: usize = 80;

pub(crate) fn customer_uid(value: &str) -> Result<()> {
    id("customer_uid", value, CUSTOMER_UID_MAX)
}

/// Most billing keys one batch lookup, schedules one request, or order ids one unschedule may
/// carry. The server documents no limit; this is the limit of the payments batch lookup.
pub(crate) const BILLING_BATCH_MAX: usize = BATCH_MAX;

/// Card data as the API takes it. The reasons never repeat the value: card data must not reach
/// an error message.
pub(crate) struct Card<'a> {
    pub(crate) number: Option<&'a crate::Secret>,
    pub(crate) expiry: Option<&'a crate::Secret>,
    pub(crate) birth: Option<&'a crate::Secret>,
    pub(crate) pwd_2digit: Option<&'a crate::Secret>,
    pub(crate) cvc: Option<&'a crate::Secret>,
}

impl Card<'_> {
    /// Each given field in its form: the number as four dash-separated groups of digits
    /// (`dddd-dddd-dddd-dd[dd]`), the expiry as `YYYY-MM`, the birth date as `YYMMDD` or a
    /// 10-digit business number, two PIN digits, a 3- or 4-digit CVC.
    pub(crate) fn check(&self) -> Result<()> {
        if let Some(n) = self.number {
            let groups: Vec<&str> = n.expose().split('-').collect();
            let ok = groups.len() == 4
                && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
                && groups[..3].iter().all(|g| g.len() == 4)
                && (2..=4).contains(&groups[3].len());
            if !ok {
                return Err(Error::invalid(
                    "card_number",
                    "must be four groups of digits separated by `-` (dddd-dddd-dddd-dddd)",
                ));
            }
        }
        if let Some(e) = self.expiry {
            expiry(e.expose())?;
        }
        if let Some(b) = self.birth
            && !digits(b.expose(), &[6, 10])
        {
            return Err(Error::invalid(
                "birth",
                "must be a birth date as YYMMDD or a 10-digit business number",
            ));
        }
        if let Some(p) = self.pwd_2digit
            && !digits(p.expose(), &[2])
        {
            return Err(Error::invalid("pwd_2digit", "must be two digits"));
        }
        if let Some(c) = self.cvc
            && !digits(c.expose(), &[3, 4])
        {
            return Err(Error::invalid("cvc", "must be three or four digits"));
        }
        Ok(())
    }
}

/// A card expiry as `YYYY-MM`, month 01 to 12.
fn expiry(value: &str) -> Result<()> {
    let ok = value.split_once('-').is_some_and(|(y, m)| {
        digits(y, &[4]) && digits(m, &[2]) && matches!(m.parse::<u8>(), Ok(1..=12))
    });
    if ok {
        Ok(())
    } else {
        Err(Error::invalid("expiry", "must be YYYY-MM"))
    }
}

fn digits(value: &str, lengths: &[usize]) -> bool {
    lengths.contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit())
}

/// A time a charge is scheduled for: after `now`.
pub(crate) fn future(field: &'static str, at: crate::UnixTime, now: crate::UnixTime) -> Result<()> {
    if at <= now {
        return Err(Error::invalid(
            field,
            format!("{at} is not in the future (now is {now})"),
        ));
    }
    Ok(())
}

/// A schedule listing's time window: `from` before `to` (its longest span is left to the
/// server, whose "three months" is not known to be 90 days).
pub(crate) fn schedule_window(from: crate::UnixTime, to: crate::UnixTime) -> Result<()> {
    if from >= to {
        return Err(Error::invalid(
            "from",
            "the window must start before it ends",
        ));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::Secret;

    fn card(number: &str, expiry: &str) -> Result<()> {
        let (n, e) = (Secret::from(number), Secret::from(expiry));
        Card {
            number: Some(&n),
            expiry: Some(&e),
            birth: None,
            pwd_2digit: None,
            cvc: None,
        }
        .check()
    }

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

    #[test]
    fn card_data_is_checked_without_repeating_it() {
        card("4242-4242-4242-4242", "2029-12").unwrap();
        card("3782-8224-6310-005", "2029-01").unwrap();
        for bad in [
            "4242424242424242",
            "4242-4242-4242-42x2",
            "4242-4242-4242",
            "",
        ] {
            let e = card(bad, "2029-12").unwrap_err();
            assert!(bad.is_empty() || !e.to_string().contains(bad), "{e}");
        }
        for bad in ["2029-13", "2029-00", "29-12", "2029/12", "202912"] {
            let e = card("4242-4242-4242-4242", bad).unwrap_err();
            assert!(e.to_string().contains("expiry"), "{e}");
            assert!(!e.to_string().contains(bad), "{e}");
        }
    }
}
