//! Exact money: [`Amount`], a decimal read from the JSON text.

use std::{fmt, str::FromStr};

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// An exact amount of money, as the server sends it.
///
/// KRW amounts are integral (`1000`); other currencies may carry a fraction (`10.5` USD). The
/// value is decoded from the JSON text into a [`Decimal`], never through a float, so it compares
/// exactly and is written back the way it came: `1000` stays `1000`, `10.5` stays `10.5`,
/// `12345678901234.567` stays `12345678901234.567`. (This relies on serde_json's
/// `arbitrary_precision` feature, which this crate turns on.)
///
/// ```
/// use iamport::Amount;
///
/// let a: Amount = serde_json::from_str("10.5").unwrap();
/// assert_eq!(a.to_string(), "10.5");
/// assert_eq!(serde_json::to_string(&Amount::from(1000)).unwrap(), "1000");
/// assert!(Amount::from(1000) > a);
/// let big: Amount = serde_json::from_str("12345678901234.567").unwrap();
/// assert_eq!(serde_json::to_string(&big).unwrap(), "12345678901234.567");
/// ```
///
/// An amount compares exactly with a whole number of any primitive integer type, both ways
/// round (`Amount::from(1000) == 1000`, `10.5 > 10`, `0 < amount`), and adds and subtracts
/// with [`checked_add`](Amount::checked_add) and [`checked_sub`](Amount::checked_sub), so
/// refund arithmetic needs no detour through [`Decimal`]. An integer literal compared with an
/// amount is an `i32` unless it says otherwise (as with `serde_json::Value`): a literal beyond
/// `i32` needs a suffix, `amount < 5_000_000_000_i64`.
///
/// ```
/// use iamport::Amount;
///
/// let a: Amount = "10.5".parse().unwrap();
/// assert!(a > 10 && a < 11 && a != 10);
/// assert!(0 < a);
/// assert_eq!(Amount::from(1000), 1000_u64);
/// assert!(Amount::from(5_000_000_000_i64) > 4_000_000_000_i64);
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(Decimal);

impl Amount {
    /// Zero.
    pub const ZERO: Amount = Amount(Decimal::ZERO);

    /// Wraps a decimal value.
    pub fn new(value: Decimal) -> Self {
        Amount(value)
    }

    /// The exact decimal value.
    pub fn as_decimal(&self) -> Decimal {
        self.0
    }

    /// Whether the amount has no fractional part (every KRW amount).
    pub fn is_integer(&self) -> bool {
        self.0.fract().is_zero()
    }

    /// The amount as a whole number, when it has no fraction and fits an `i64`.
    pub fn to_i64(&self) -> Option<i64> {
        if !self.is_integer() {
            return None;
        }
        i64::try_from(self.0.trunc()).ok()
    }

    /// Whether the amount is zero (`0`, `0.00`, `-0`).
    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    /// Whether the amount is below zero.
    pub fn is_negative(&self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// `self + other`, or `None` when the sum does not fit. `other` is an [`Amount`] or a whole
    /// number.
    ///
    /// ```
    /// use iamport::Amount;
    /// let paid = Amount::from(32000);
    /// let refunded = Amount::from(5000);
    /// assert_eq!(paid.checked_sub(refunded), Some(Amount::from(27000)));
    /// assert_eq!(refunded.checked_add(1000).unwrap(), 6000);
    /// ```
    pub fn checked_add(self, other: impl Into<Amount>) -> Option<Amount> {
        self.0.checked_add(other.into().0).map(Amount)
    }

    /// `self - other`, or `None` when the difference does not fit. `other` is an [`Amount`] or a
    /// whole number. The result may be negative: check [`is_negative`](Amount::is_negative)
    /// (or compare with `0`) before sending it.
    ///
    /// ```
    /// use iamport::Amount;
    /// let left = Amount::from(32000).checked_sub(40000).unwrap();
    /// assert!(left < 0);
    /// ```
    pub fn checked_sub(self, other: impl Into<Amount>) -> Option<Amount> {
        self.0.checked_sub(other.into().0).map(Amount)
    }

    /// `self × part ÷ whole`, rounded to `decimals` places (`0` for KRW, which has no minor
    /// unit; `2` for USD cents): the share of a charge for part of a period, e.g. the refund
    /// for the unused days of a month. `None` when `whole` is zero, `part` is more than
    /// `whole`, or the product does not fit.
    ///
    /// ```
    /// use iamport::{Amount, Rounding};
    /// // 12 unused days of a 30-day month of 9,900 won; never refund more than the share.
    /// let refund = Amount::from(9900).prorate(12, 30, 0, Rounding::Down).unwrap();
    /// assert_eq!(refund, 3960);
    /// // 10 of 31 days of 10,000 won: 3,225.806… won.
    /// assert_eq!(Amount::from(10000).prorate(10, 31, 0, Rounding::Down).unwrap(), 3225);
    /// assert_eq!(Amount::from(10000).prorate(10, 31, 0, Rounding::HalfEven).unwrap(), 3226);
    /// // 10.99 USD for 1 of 3 days, in cents.
    /// let usd: Amount = "10.99".parse().unwrap();
    /// assert_eq!(usd.prorate(1, 3, 2, Rounding::Down).unwrap().to_string(), "3.66");
    /// assert_eq!(Amount::from(9900).prorate(31, 30, 0, Rounding::Down), None);
    /// ```
    pub fn prorate(
        self,
        part: u64,
        whole: u64,
        decimals: u32,
        rounding: Rounding,
    ) -> Option<Amount> {
        if whole == 0 || part > whole {
            return None;
        }
        let share = self
            .0
            .checked_mul(Decimal::from(part))?
            .checked_div(Decimal::from(whole))?;
        Some(Amount(share).round(decimals, rounding))
    }

    /// The amount rounded to `decimals` places (at most 28) the way `rounding` says.
    ///
    /// ```
    /// use iamport::{Amount, Rounding};
    /// let a: Amount = "1234.5".parse().unwrap();
    /// assert_eq!(a.round(0, Rounding::Down), 1234);
    /// assert_eq!(a.round(0, Rounding::HalfUp), 1235);
    /// assert_eq!(a.round(0, Rounding::HalfEven), 1234);
    /// ```
    pub fn round(self, decimals: u32, rounding: Rounding) -> Amount {
        use rust_decimal::RoundingStrategy as S;
        let strategy = match rounding {
            Rounding::Down => S::ToZero,
            Rounding::Up => S::AwayFromZero,
            Rounding::HalfUp => S::MidpointAwayFromZero,
            Rounding::HalfEven => S::MidpointNearestEven,
        };
        Amount(self.0.round_dp_with_strategy(decimals.min(28), strategy))
    }
}

/// How [`Amount::round`] and [`Amount::prorate`] round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rounding {
    /// Toward zero: a prorated refund never exceeds the exact share.
    Down,
    /// Away from zero.
    Up,
    /// To the nearest; a half away from zero (`0.5` → `1`).
    HalfUp,
    /// To the nearest; a half to the even neighbour (`0.5` → `0`, `1.5` → `2`).
    HalfEven,
}

// Exact comparisons with whole numbers, both ways round (documented on `Amount`).
macro_rules! amount_cmp_int {
    ($($t:ty),*) => {$(
        impl PartialEq<$t> for Amount {
            fn eq(&self, other: &$t) -> bool {
                self.0 == Decimal::from(*other)
            }
        }

        impl PartialEq<Amount> for $t {
            fn eq(&self, other: &Amount) -> bool {
                Decimal::from(*self) == other.0
            }
        }

        impl PartialOrd<$t> for Amount {
            fn partial_cmp(&self, other: &$t) -> Option<std::cmp::Ordering> {
                Some(self.0.cmp(&Decimal::from(*other)))
            }
        }

        impl PartialOrd<Amount> for $t {
            fn partial_cmp(&self, other: &Amount) -> Option<std::cmp::Ordering> {
                Some(Decimal::from(*self).cmp(&other.0))
            }
        }
    )*};
}
amount_cmp_int!(i8, i16, i32, i64, u8, u16, u32, u64);

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.normalize(), f)
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Amount({self})")
    }
}

/// Error returned when text is not a decimal amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a decimal amount: {input:?}")]
pub struct ParseAmountError {
    input: String,
}

impl FromStr for Amount {
    type Err = ParseAmountError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        Decimal::from_str_exact(t)
            .or_else(|_| Decimal::from_scientific(t))
            .map(Amount)
            .map_err(|_| ParseAmountError {
                input: s.to_owned(),
            })
    }
}

macro_rules! amount_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Amount {
            fn from(v: $t) -> Self {
                Amount(Decimal::from(v))
            }
        }
    )*};
}
amount_from_int!(i8, i16, i32, i64, u8, u16, u32, u64);

impl From<Decimal> for Amount {
    fn from(v: Decimal) -> Self {
        Amount(v)
    }
}

impl From<Amount> for Decimal {
    fn from(v: Amount) -> Self {
        v.0
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let Some(i) = self.to_i64() {
            return serializer.serialize_i64(i);
        }
        // A JSON number with a fraction, or an integer beyond `i64`, written as its exact
        // digits (serde_json's `arbitrary_precision` keeps them as text).
        let text = self.0.normalize().to_string();
        let number = serde_json::Number::from_str(&text).map_err(serde::ser::Error::custom)?;
        number.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AmountVisitor)
    }
}

struct AmountVisitor;

impl<'de> de::Visitor<'de> for AmountVisitor {
    type Value = Amount;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an amount as a JSON number or a decimal string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
        Ok(Amount::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
        Ok(Amount::from(v))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Amount, E> {
        Amount::from_str(&v.to_string()).map_err(E::custom)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Amount, E> {
        Amount::from_str(&v.to_string()).map_err(E::custom)
    }

    /// A number serde_json kept as text (`arbitrary_precision`): its exact digits.
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Amount, A::Error> {
        let number = serde_json::Number::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Amount::from_str(number.as_str()).map_err(de::Error::custom)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Amount, E> {
        if !v.is_finite() {
            return Err(E::custom("amount is not a finite number"));
        }
        // Only from deserializers other than serde_json's, which hands numbers with a fraction
        // over as text. `Display` of an `f64` is its shortest round-trip decimal form.
        Amount::from_str(&v.to_string()).map_err(E::custom)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
        Amount::from_str(v).map_err(E::custom)
    }
}

impl schemars::JsonSchema for Amount {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Amount".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "number" })
    }
}
