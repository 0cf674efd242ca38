//! Billing keys (cards registered once and charged later without the buyer) and the two
//! charges without authentication: of a billing key, and of card data once.
//!
//! Card data goes in request types whose card fields are [`Secret`](crate::Secret)s: their
//! `Debug` is redacted and no error message repeats them.

use futures_core::Stream;

use super::{listings::pages, payments::paid};
use crate::{
    CancelRequester, Client, Result, input,
    types::{
        BillingKey, BillingKeyRequest, ChargeBillingKeyRequest, ChargeOnetimeRequest, Payment,
        PaymentPage, StandardBillingKey, SuperBillingKey,
    },
};

impl Client {
    /// Registers a card as a billing key under `customer_uid`
    /// (`POST /subscribe/customers/{customer_uid}`).
    ///
    /// An id that already has a key gets the new card; the PG's old key is not revoked.
    ///
    /// The key comes back in one of two shapes ([`BillingKey`]): a standard key of one
    /// channel, or, when the request names a smart-routing group (`channel_group_id`), a
    /// super billing key that lists the channels that issued a key and those that failed.
    ///
    /// ```no_run
    /// use iamport::types::BillingKeyRequest;
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let card = BillingKeyRequest::new("4242-4242-4242-4242", "2029-12")
    ///     .birth("900101")
    ///     .pwd_2digit("00")
    ///     .channel_key("channel-key-4f1b2c9e");
    /// let key = client.issue_billing_key("member-3108-card-1", card).await?;
    /// if let Some(card) = key.as_standard() {
    ///     println!("{} {:?}", card.customer_uid, card.card_name);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for a malformed id or card data not in the API's form (nothing
    /// is sent; the message never repeats the card data); [`Error::Api`](crate::Error::Api) when the PG refuses
    /// the card or no channel for such charges is set up.
    pub async fn issue_billing_key(
        &self,
        customer_uid: &str,
        request: BillingKeyRequest,
    ) -> Result<BillingKey> {
        self.call(|| self.api.issue_billing_key(customer_uid, &request))
            .await
    }

    /// The billing key stored under `customer_uid` (`GET /subscribe/customers/{customer_uid}`).
    ///
    /// # Errors
    /// An unknown key is [`Error::Api`](crate::Error::Api) with code `1`: the server answers it with HTTP 200, not
    /// 404 (a 404 would be [`Error::NotFound`](crate::Error::NotFound)).
    pub async fn billing_key(&self, customer_uid: &str) -> Result<BillingKey> {
        self.call(|| self.api.get_billing_key(customer_uid)).await
    }

    /// Several billing keys at once (`GET /subscribe/customers?customer_uid[]=..`).
    ///
    /// The answer lists the keys found and the ids not found; a lookup that finds none is an
    /// answer with every id missing, not an error.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for no id, more than 100, or a malformed one.
    pub async fn billing_keys<I, S>(&self, customer_uids: I) -> Result<BillingKeyBatch>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let ids: Vec<String> = customer_uids.into_iter().map(Into::into).collect();
        let keys = match self.call(|| self.api.get_billing_keys(&ids)).await {
            Ok(keys) => keys,
            Err(e) if e.is_not_found() => Vec::new(),
            Err(e) => return Err(e),
        };
        let missing = ids
            .into_iter()
            .filter(|id| !keys.iter().any(|k| k.customer_uid() == id))
            .collect();
        Ok(BillingKeyBatch { keys, missing })
    }

    /// Deletes a billing key (`DELETE /subscribe/customers/{customer_uid}`) and returns it as
    /// it was. Revoke its pending schedules first ([`Client::unschedule_payments`]): whether
    /// the server does so is not documented.
    ///
    /// A key is the card, not a plan: when one card pays for several plans, they share the
    /// key, and deleting it ends every one of them. When a subscriber cancels one plan,
    /// revoke that plan's schedules by order id and delete the key only when no other plan
    /// uses it (e.g. when [`Client::billing_key_schedules`] shows nothing else `scheduled`).
    pub fn delete_billing_key(&self, customer_uid: impl Into<String>) -> DeleteBillingKey<'_> {
        DeleteBillingKey {
            client: self,
            customer_uid: customer_uid.into(),
            reason: None,
            requester: None,
        }
    }

    /// The payments made with a billing key, a page at a time
    /// (`GET /subscribe/customers/{customer_uid}/payments`). The server fixes the page size.
    /// An unknown key gives an empty page.
    pub fn billing_key_payments(&self, customer_uid: impl Into<String>) -> BillingKeyPayments<'_> {
        BillingKeyPayments {
            client: self,
            customer_uid: customer_uid.into(),
            page: None,
        }
    }

    /// Charges a billing key now (`POST /subscribe/payments/again`).
    ///
    /// `Ok` only when the money moved: the payment's status is `paid`. A declined card (the
    /// server answers it as a success, with a payment whose status is `failed`) is
    /// [`Error::Declined`](crate::Error::Declined), carrying that payment and its `fail_reason`.
    ///
    /// **Never sent twice.** When the answer is lost after the request may have arrived (a
    /// timeout, a dropped connection, a gateway error), the error is
    /// [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown) and nothing is resent: learn what happened with
    /// [`Client::charge_outcome`] and the same `merchant_uid` before charging again. A request
    /// that surely did not arrive (connection refused, 429) is retried.
    ///
    /// ```no_run
    /// use iamport::types::ChargeBillingKeyRequest;
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let charge = ChargeBillingKeyRequest::new("member-3108-card-1", "order-2026-11-3108", 9900, "Monthly plan");
    /// match client.charge_billing_key(charge).await {
    ///     Ok(paid) => println!("paid {}", paid.imp_uid),
    ///     Err(e) if e.is_declined() => println!("declined: {e}"),
    ///     Err(e) if e.is_outcome_unknown() => {
    ///         let found = client.charge_outcome("order-2026-11-3108").send().await?;
    ///         println!("after the lost answer: {found:?}");
    ///     }
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for malformed ids, an empty name or an amount not above zero (nothing
    /// is sent); [`Error::Declined`](crate::Error::Declined); [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown); [`Error::Api`](crate::Error::Api) when no approval
    /// was attempted (unknown key, `merchant_uid` already paid or cancelled).
    pub async fn charge_billing_key(&self, request: ChargeBillingKeyRequest) -> Result<Payment> {
        paid(
            "charge_billing_key",
            self.call(|| self.api.charge_billing_key(&request)).await,
        )
    }

    /// Charges card data once (`POST /subscribe/payments/onetime`); with `customer_uid` set,
    /// the card is also kept as a billing key under that id.
    ///
    /// The same rules as [`Client::charge_billing_key`]: `Ok` only for a paid payment, a
    /// declined card is [`Error::Declined`](crate::Error::Declined), and a lost answer is [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown)
    /// (never resent; reconcile with [`Client::charge_outcome`]).
    ///
    /// ```no_run
    /// use iamport::types::ChargeOnetimeRequest;
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let charge = ChargeOnetimeRequest::new("order-1", 15000, "4242-4242-4242-4242", "2029-12")
    ///     .birth("900101")
    ///     .pwd_2digit("00")
    ///     .name("One-day class");
    /// let paid = client.charge_onetime(charge).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As for [`Client::charge_billing_key`]; card data not in the API's form is
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) (the message never repeats it).
    pub async fn charge_onetime(&self, request: ChargeOnetimeRequest) -> Result<Payment> {
        paid(
            "charge_onetime",
            self.call(|| self.api.charge_onetime(&request)).await,
        )
    }
}

impl BillingKey {
    /// The merchant's id of the key (`customer_uid`), whatever its shape.
    pub fn customer_uid(&self) -> &str {
        match self {
            BillingKey::StandardBillingKey(k) => &k.customer_uid,
            BillingKey::SuperBillingKey(k) => &k.customer_uid,
        }
    }

    /// The key of one channel, with its PG and card; `None` for a super billing key.
    pub fn as_standard(&self) -> Option<&StandardBillingKey> {
        match self {
            BillingKey::StandardBillingKey(k) => Some(k),
            BillingKey::SuperBillingKey(_) => None,
        }
    }

    /// The super billing key of a smart-routing group, with the channels that issued a key
    /// and those that failed; `None` for a standard key.
    pub fn as_super(&self) -> Option<&SuperBillingKey> {
        match self {
            BillingKey::SuperBillingKey(k) => Some(k),
            BillingKey::StandardBillingKey(_) => None,
        }
    }

    /// Whether it is a super billing key (issued through a smart-routing group).
    pub fn is_super(&self) -> bool {
        self.as_super().is_some()
    }
}

/// The answer to [`Client::billing_keys`]: the keys found and the ids not found.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct BillingKeyBatch {
    /// The keys found.
    pub keys: Vec<BillingKey>,
    /// The ids asked for that no returned key carries.
    pub missing: Vec<String>,
}

impl BillingKeyBatch {
    /// Whether every id asked for was found.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }
}

/// Builder for [`Client::delete_billing_key`].
#[derive(Debug, Clone)]
#[must_use = "call .send() to make the request"]
pub struct DeleteBillingKey<'c> {
    client: &'c Client,
    pub(crate) customer_uid: String,
    pub(crate) reason: Option<String>,
    pub(crate) requester: Option<CancelRequester>,
}

impl DeleteBillingKey<'_> {
    /// Why the key is deleted.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    setters! {
        /// Who asked for the deletion (Naver Pay only).
        requester: CancelRequester,
    }

    /// Deletes the key and returns it as it was.
    ///
    /// # Errors
    /// An unknown key is [`Error::Api`](crate::Error::Api) with code `1` (HTTP 200), as for
    /// [`Client::billing_key`].
    pub async fn send(self) -> Result<BillingKey> {
        if let Some(r) = &self.requester {
            input::path_value("requester", r.as_str())?;
        }
        let call = || {
            self.client.api.delete_billing_key(
                &self.customer_uid,
                self.requester.as_ref(),
                self.reason.as_deref(),
            )
        };
        self.client.call(call).await
    }
}

/// Builder for [`Client::billing_key_payments`].
#[derive(Debug, Clone)]
#[must_use = "call .send() or .stream() to make the request"]
pub struct BillingKeyPayments<'c> {
    client: &'c Client,
    pub(crate) customer_uid: String,
    pub(crate) page: Option<u32>,
}

impl<'c> BillingKeyPayments<'c> {
    setters! {
        /// The page to fetch, from 1.
        page: u32,
    }

    /// Fetches one page.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for a malformed id or page 0.
    pub async fn send(self) -> Result<PaymentPage> {
        let call = || {
            self.client
                .api
                .get_billing_key_payments(&self.customer_uid, self.page)
        };
        self.client.call(call).await
    }

    /// Every payment of every page from the requested one on, fetched as the stream is read;
    /// it ends after the last page.
    pub fn stream(self) -> impl Stream<Item = Result<Payment>> + Send + 'c {
        let start = self.page.unwrap_or(1);
        pages(start, move |page| self.clone().page(page).send())
    }
}
