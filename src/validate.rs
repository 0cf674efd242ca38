//! Checks on arguments, made before anything is sent.

use crate::{Error, Result};

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
