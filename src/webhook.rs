//! Webhook notifications: what i'mport posts to the merchant's server when a payment changes.
//!
//! A V1 notification is not signed. Anyone can post one, so it only says *which* payment to
//! look at: fetch that payment ([`Client::payment_from_notification`]) and act on what the
//! API returns, never on the notification's own `status`.
//!
//! ```
//! use iamport::webhook::Notification;
//! let n = Notification::parse(
//!     Some("application/x-www-form-urlencoded"),
//!     b"imp_uid=imp_448280090638&merchant_uid=order%201&status=paid",
//! )?;
//! assert_eq!(n.merchant_uid, "order 1");
//! # Ok::<(), iamport::Error>(())
//! ```

use std::collections::BTreeMap;

use serde_json::Value;

use crate::{
    Client, Error, Payment, PaymentStatus, Result,
    verify::{Difference, Field, PaymentMismatch},
};

/// Where a body is rejected: the `field` of [`Error::InvalidInput`].
const FIELD: &str = "notification";

/// A webhook notification: which payment changed, and what the sender claims about it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Notification {
    /// The payment.
    pub imp_uid: String,
    /// The merchant's order id the sender claims the payment is for.
    pub merchant_uid: String,
    /// The status the sender claims; informative only.
    pub status: Option<PaymentStatus>,
    /// Any other fields (`cancellation_id`, ...), kept as sent.
    pub other: BTreeMap<String, Value>,
}

impl Notification {
    /// Parses a body by its `Content-Type`: JSON for `application/json`, form fields for
    /// `application/x-www-form-urlencoded`; without a content type, a body starting with `{`
    /// is JSON.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (field `notification`) when the body is neither, or lacks a
    /// non-empty `imp_uid` or `merchant_uid`.
    pub fn parse(content_type: Option<&str>, body: &[u8]) -> Result<Notification> {
        let media = content_type
            .and_then(|c| c.split(';').next())
            .map(|c| c.trim().to_ascii_lowercase());
        match media.as_deref() {
            Some("application/json") => Notification::from_json(body),
            Some("application/x-www-form-urlencoded") => Notification::from_form(body),
            Some(other) => Err(Error::invalid(
                FIELD,
                format!("unsupported content type {other:?}"),
            )),
            None if body.trim_ascii_start().starts_with(b"{") => Notification::from_json(body),
            None => Notification::from_form(body),
        }
    }

    /// Parses a JSON body.
    ///
    /// # Errors
    /// As for [`Notification::parse`].
    pub fn from_json(body: &[u8]) -> Result<Notification> {
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| Error::invalid(FIELD, format!("not JSON: {e}")))?;
        let Value::Object(map) = value else {
            return Err(Error::invalid(FIELD, "not a JSON object"));
        };
        Notification::from_fields(map.into_iter().collect())
    }

    /// Parses a form-encoded body.
    ///
    /// # Errors
    /// As for [`Notification::parse`].
    pub fn from_form(body: &[u8]) -> Result<Notification> {
        Notification::from_fields(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                .collect(),
        )
    }

    fn from_fields(mut fields: BTreeMap<String, Value>) -> Result<Notification> {
        let mut take = |key: &str| -> Result<Option<String>> {
            match fields.remove(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s)),
                Some(other) => Err(Error::invalid(
                    FIELD,
                    format!("{key} is {other}, not a string"),
                )),
            }
        };
        let imp_uid = take("imp_uid")?.unwrap_or_default();
        let merchant_uid = take("merchant_uid")?.unwrap_or_default();
        let status = take("status")?.map(|s| PaymentStatus::from(s.as_str()));
        // An i'mport id as the spec gives it: at most 32 characters.
        crate::input::id("imp_uid", &imp_uid, 32).map_err(|_| {
            Error::invalid(FIELD, format!("imp_uid {imp_uid:?} is not a payment id"))
        })?;
        if merchant_uid.is_empty() {
            return Err(Error::invalid(FIELD, "merchant_uid is missing or empty"));
        }
        Ok(Notification {
            imp_uid,
            merchant_uid,
            status,
            other: fields,
        })
    }
}

impl Client {
    /// Fetches the payment a notification names: the only part of a notification to trust.
    ///
    /// Check the returned payment against the order (with [`Payment::check`]) before
    /// fulfilling it; its status may differ from the notification's (the payment may have
    /// changed again since).
    ///
    /// # Errors
    /// [`Error::Mismatch`] when the payment belongs to another order than the notification
    /// claims (a forged or mixed-up notification); the errors of [`Client::payment`].
    pub async fn payment_from_notification(&self, notification: &Notification) -> Result<Payment> {
        let payment = self.payment(&notification.imp_uid).await?;
        if payment.merchant_uid != notification.merchant_uid {
            return Err(Error::Mismatch(Box::new(PaymentMismatch {
                differences: vec![Difference {
                    field: Field::MerchantUid,
                    expected: notification.merchant_uid.clone(),
                    actual: payment.merchant_uid.clone(),
                }],
                payment,
            })));
        }
        Ok(payment)
    }
}
