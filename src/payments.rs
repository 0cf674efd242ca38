//! Payment lookups, listings and cancellation.

use std::{collections::VecDeque, future::Future};

use futures_core::Stream;

use crate::{
    Amount, CancelRequester, Client, Error, Payment, PaymentBalance, PaymentPage, PaymentStatus,
    PaymentStatusFilter, Result, Sorting, UnixTime, envelope::run, generated::types, validate,
};

impl Client {
    /// The payment with this i'mport id (`GET /payments/{imp_uid}`).
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is no such payment; [`Error::InvalidInput`] for an empty
    /// or malformed id (nothing is sent).
    pub async fn payment(&self, imp_uid: &str) -> Result<Payment> {
        self.payment_inner(imp_uid, None).await
    }

    /// Like [`Client::payment`], also finding payments made through test channels.
    pub async fn payment_including_sandbox(&self, imp_uid: &str) -> Result<Payment> {
        self.payment_inner(imp_uid, Some(true)).await
    }

    async fn payment_inner(&self, imp_uid: &str, sandbox: Option<bool>) -> Result<Payment> {
        validate::imp_uid(imp_uid)?;
        let mut call = self.api.get_payment().imp_uid(imp_uid);
        if let Some(s) = sandbox {
            call = call.include_sandbox(s);
        }
        Ok(run(false, call.send()).await?.1)
    }

    /// Several payments at once by i'mport id and by order id (`GET /payments`).
    ///
    /// ```no_run
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let batch = client.payments().imp_uids(["imp_1", "imp_2"]).merchant_uids(["m_1"]).send().await?;
    /// for id in &batch.missing {
    ///     println!("not found: {id}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn payments(&self) -> PaymentsRequest<'_> {
        PaymentsRequest {
            client: self,
            imp_uids: Vec::new(),
            merchant_uids: Vec::new(),
        }
    }

    /// Payments in a status, a page at a time (`GET /payments/status/{payment_status}`).
    /// Takes a [`PaymentStatus`] or [`PaymentStatusFilter::All`].
    pub fn payments_by_status(
        &self,
        status: impl Into<PaymentStatusFilter>,
    ) -> PaymentsByStatus<'_> {
        PaymentsByStatus {
            client: self,
            status: status.into(),
            page: None,
            limit: None,
            from: None,
            to: None,
            sorting: None,
        }
    }

    /// The first payment of an order (`GET /payments/find/{merchant_uid}[/{status}]`).
    pub fn find_payment(&self, merchant_uid: impl Into<String>) -> FindPayment<'_> {
        FindPayment {
            client: self,
            merchant_uid: merchant_uid.into(),
            status: None,
            sorting: None,
        }
    }

    /// Every payment of an order, a page at a time
    /// (`GET /payments/findAll/{merchant_uid}[/{status}]`).
    pub fn find_all_payments(&self, merchant_uid: impl Into<String>) -> FindAllPayments<'_> {
        FindAllPayments {
            client: self,
            merchant_uid: merchant_uid.into(),
            status: None,
            page: None,
            limit: None,
            sorting: None,
        }
    }

    /// How a payment's amount splits by means of payment (`GET /payments/{imp_uid}/balance`).
    /// Only some PGs support it; others answer with an API error.
    pub async fn payment_balance(&self, imp_uid: &str) -> Result<PaymentBalance> {
        validate::imp_uid(imp_uid)?;
        Ok(run(
            false,
            self.api.get_payment_balance().imp_uid(imp_uid).send(),
        )
        .await?
        .1)
    }

    /// Cancels a payment in full or in part (`POST /payments/cancel`).
    ///
    /// Name the payment with [`CancelPayment::imp_uid`] or [`CancelPayment::merchant_uid`].
    /// Leave the amount out to cancel everything that is left.
    ///
    /// **Give a [`checksum`](CancelPayment::checksum)** (what you believe is still cancellable,
    /// [`Payment::cancellable_amount`]): the server then refuses a cancel whose premise is stale.
    ///
    /// A cancel is sent again only when it surely did not arrive (the connection was refused,
    /// or 429). Once it may have reached the server it is never sent again, with or without
    /// `checksum` (a checksum guards against a stale balance, not a concurrent cancel): a lost
    /// or unclear answer is [`Error::OutcomeUnknown`]; learn what happened with
    /// [`Client::cancellation_outcome`].
    ///
    /// ```no_run
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let payment = client.payment("imp_123").await?;
    /// let updated = client
    ///     .cancel_payment()
    ///     .imp_uid(&payment.imp_uid)
    ///     .amount(1000)
    ///     .checksum(payment.cancellable_amount())
    ///     .reason("out of stock")
    ///     .send()
    ///     .await?;
    /// println!("cancelled so far: {}", updated.cancel_amount);
    /// # Ok(()) }
    /// ```
    pub fn cancel_payment(&self) -> CancelPayment<'_> {
        CancelPayment {
            client: self,
            imp_uid: None,
            merchant_uid: None,
            body: types::CancelRequest::default_body(),
        }
    }
}

impl types::CancelRequest {
    fn default_body() -> Self {
        types::CancelRequest {
            amount: None,
            checksum: None,
            enable_webhook: None,
            extra: None,
            imp_uid: None,
            merchant_uid: None,
            reason: None,
            refund_account: None,
            refund_bank: None,
            refund_holder: None,
            refund_tel: None,
            retain_promotion: None,
            tax_free: None,
            vat_amount: None,
        }
    }
}

/// An id asked for in a batch lookup that the server did not return.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MissingId {
    /// An i'mport payment id.
    ImpUid(String),
    /// A merchant order id.
    MerchantUid(String),
}

impl MissingId {
    /// The id itself.
    pub fn as_str(&self) -> &str {
        match self {
            MissingId::ImpUid(s) | MissingId::MerchantUid(s) => s,
        }
    }
}

impl std::fmt::Display for MissingId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MissingId::ImpUid(s) => write!(f, "imp_uid {s}"),
            MissingId::MerchantUid(s) => write!(f, "merchant_uid {s}"),
        }
    }
}

/// The answer to a batch lookup: what was found and what was not.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PaymentBatch {
    /// The payments found.
    pub payments: Vec<Payment>,
    /// The ids asked for that no returned payment carries.
    pub missing: Vec<MissingId>,
}

impl PaymentBatch {
    /// Whether every id asked for was found.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }
}

/// Builder for [`Client::payments`].
#[derive(Debug, Clone)]
#[must_use = "call .send() to make the request"]
pub struct PaymentsRequest<'c> {
    client: &'c Client,
    imp_uids: Vec<String>,
    merchant_uids: Vec<String>,
}

impl PaymentsRequest<'_> {
    /// Look these i'mport ids up.
    pub fn imp_uids<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.imp_uids.extend(ids.into_iter().map(Into::into));
        self
    }

    /// Look these order ids up.
    pub fn merchant_uids<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.merchant_uids.extend(ids.into_iter().map(Into::into));
        self
    }

    /// Sends the request.
    ///
    /// A 207 (some found) and a 404 (none found) both give `Ok`, with the ids not found in
    /// [`PaymentBatch::missing`].
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when no id or more than 100 ids are given, or an id is malformed.
    pub async fn send(self) -> Result<PaymentBatch> {
        let count = self.imp_uids.len() + self.merchant_uids.len();
        if count == 0 {
            return Err(Error::invalid(
                "ids",
                "give at least one imp_uid or merchant_uid",
            ));
        }
        if count > validate::BATCH_MAX {
            return Err(Error::invalid(
                "ids",
                format!("at most {} ids per request", validate::BATCH_MAX),
            ));
        }
        self.imp_uids
            .iter()
            .try_for_each(|id| validate::imp_uid(id))?;
        self.merchant_uids
            .iter()
            .try_for_each(|id| validate::merchant_uid(id))?;
        let mut call = self.client.api.get_payments();
        if !self.imp_uids.is_empty() {
            let ids = self
                .imp_uids
                .iter()
                .map(|s| validate::convert("imp_uid", s.as_str()));
            call = call.imp_uid(ids.collect::<Result<Vec<types::GetPaymentsImpUidItem>>>()?);
        }
        if !self.merchant_uids.is_empty() {
            let ids = self
                .merchant_uids
                .iter()
                .map(|s| validate::convert("merchant_uid", s.as_str()));
            call =
                call.merchant_uid(ids.collect::<Result<Vec<types::GetPaymentsMerchantUidItem>>>()?);
        }
        let payments = match run(false, call.send()).await {
            Ok((_, payments)) => payments,
            Err(e) if e.is_not_found() => Vec::new(),
            Err(e) => return Err(e),
        };
        let found_imp = |id: &String| payments.iter().any(|p| &p.imp_uid == id);
        let found_merchant = |id: &String| payments.iter().any(|p| &p.merchant_uid == id);
        let missing = self
            .imp_uids
            .iter()
            .filter(|id| !found_imp(id))
            .map(|id| MissingId::ImpUid(id.clone()))
            .chain(
                self.merchant_uids
                    .iter()
                    .filter(|id| !found_merchant(id))
                    .map(|id| MissingId::MerchantUid(id.clone())),
            )
            .collect();
        Ok(PaymentBatch { payments, missing })
    }
}

/// Builder for [`Client::payments_by_status`].
#[derive(Debug, Clone)]
#[must_use = "call .send() or .stream() to make the request"]
pub struct PaymentsByStatus<'c> {
    client: &'c Client,
    status: PaymentStatusFilter,
    page: Option<u32>,
    limit: Option<u32>,
    from: Option<UnixTime>,
    to: Option<UnixTime>,
    sorting: Option<Sorting>,
}

impl<'c> PaymentsByStatus<'c> {
    /// The page to fetch, from 1 (server default 1).
    pub fn page(mut self, page: u32) -> Self {
        self.page = Some(page);
        self
    }

    /// Payments per page, 1 to 1000 (server default 20).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Start of the time window, inclusive (server default: 90 days before `to`).
    pub fn from(mut self, from: UnixTime) -> Self {
        self.from = Some(from);
        self
    }

    /// End of the time window, inclusive (server default: now).
    pub fn to(mut self, to: UnixTime) -> Self {
        self.to = Some(to);
        self
    }

    /// The order of the results (server default [`Sorting::StartedDesc`]).
    pub fn sorting(mut self, sorting: Sorting) -> Self {
        self.sorting = Some(sorting);
        self
    }

    /// Fetches one page.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for page 0, a limit outside 1..=1000 or `from` after `to`.
    pub async fn send(self) -> Result<PaymentPage> {
        validate::paging(self.page, self.limit)?;
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from > to
        {
            return Err(Error::invalid("from", "the window starts after it ends"));
        }
        let mut call = self
            .client
            .api
            .get_payments_by_status()
            .payment_status(self.status);
        if let Some(p) = self.page {
            call = call.page(validate::convert::<_, std::num::NonZeroU32>("page", p)?);
        }
        if let Some(l) = self.limit {
            call = call.limit(validate::convert::<_, std::num::NonZeroU32>("limit", l)?);
        }
        if let Some(f) = self.from {
            call = call.from(f.as_secs());
        }
        if let Some(t) = self.to {
            call = call.to(t.as_secs());
        }
        if let Some(s) = self.sorting {
            call = call.sorting(s);
        }
        Ok(run(false, call.send()).await?.1)
    }

    /// Every payment of every page from the requested one on, fetched as the stream is read.
    pub fn stream(self) -> impl Stream<Item = Result<Payment>> + Send + 'c {
        let start = self.page.unwrap_or(1);
        pages(start, move |page| self.clone().page(page).send())
    }
}

/// Builder for [`Client::find_payment`].
#[derive(Debug, Clone)]
#[must_use = "call .send() to make the request"]
pub struct FindPayment<'c> {
    client: &'c Client,
    merchant_uid: String,
    status: Option<PaymentStatus>,
    sorting: Option<Sorting>,
}

impl FindPayment<'_> {
    /// Only a payment in this status.
    pub fn status(mut self, status: PaymentStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Which payment comes first when the order has several (server default
    /// [`Sorting::StartedDesc`]).
    pub fn sorting(mut self, sorting: Sorting) -> Self {
        self.sorting = Some(sorting);
        self
    }

    /// Sends the request.
    ///
    /// # Errors
    /// [`Error::NotFound`] when the order has no (matching) payment.
    pub async fn send(self) -> Result<Payment> {
        validate::merchant_uid(&self.merchant_uid)?;
        let uid = self.merchant_uid.as_str();
        let result = match self.status {
            Some(status) => {
                let mut call = self
                    .client
                    .api
                    .find_payment_by_status()
                    .merchant_uid(uid)
                    .payment_status(status);
                if let Some(s) = self.sorting {
                    call = call.sorting(s);
                }
                run(false, call.send()).await
            }
            None => {
                let mut call = self.client.api.find_payment().merchant_uid(uid);
                if let Some(s) = self.sorting {
                    call = call.sorting(s);
                }
                run(false, call.send()).await
            }
        };
        Ok(result?.1)
    }
}

/// Builder for [`Client::find_all_payments`].
#[derive(Debug, Clone)]
#[must_use = "call .send() or .stream() to make the request"]
pub struct FindAllPayments<'c> {
    client: &'c Client,
    merchant_uid: String,
    status: Option<PaymentStatus>,
    page: Option<u32>,
    limit: Option<u32>,
    sorting: Option<Sorting>,
}

impl<'c> FindAllPayments<'c> {
    /// Only payments in this status.
    pub fn status(mut self, status: PaymentStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// The page to fetch, from 1.
    pub fn page(mut self, page: u32) -> Self {
        self.page = Some(page);
        self
    }

    /// Payments per page, 1 to 1000.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The order of the results.
    pub fn sorting(mut self, sorting: Sorting) -> Self {
        self.sorting = Some(sorting);
        self
    }

    /// Fetches one page.
    ///
    /// # Errors
    /// [`Error::NotFound`] when the order has no payment; [`Error::InvalidInput`] for bad paging.
    pub async fn send(self) -> Result<PaymentPage> {
        validate::merchant_uid(&self.merchant_uid)?;
        validate::paging(self.page, self.limit)?;
        let uid = self.merchant_uid.as_str();
        let page = self
            .page
            .map(|p| validate::convert::<_, std::num::NonZeroU32>("page", p))
            .transpose()?;
        let limit = self
            .limit
            .map(|l| validate::convert::<_, std::num::NonZeroU32>("limit", l))
            .transpose()?;
        let result = match self.status {
            Some(status) => {
                let mut call = self
                    .client
                    .api
                    .find_all_payments_by_status()
                    .merchant_uid(uid)
                    .payment_status(status);
                if let Some(p) = page {
                    call = call.page(p);
                }
                if let Some(l) = limit {
                    call = call.limit(l);
                }
                if let Some(s) = self.sorting {
                    call = call.sorting(s);
                }
                run(false, call.send()).await
            }
            None => {
                let mut call = self.client.api.find_all_payments().merchant_uid(uid);
                if let Some(p) = page {
                    call = call.page(p);
                }
                if let Some(l) = limit {
                    call = call.limit(l);
                }
                if let Some(s) = self.sorting {
                    call = call.sorting(s);
                }
                run(false, call.send()).await
            }
        };
        Ok(result?.1)
    }

    /// Every payment of every page from the requested one on, fetched as the stream is read.
    pub fn stream(self) -> impl Stream<Item = Result<Payment>> + Send + 'c {
        let start = self.page.unwrap_or(1);
        pages(start, move |page| self.clone().page(page).send())
    }
}

/// Walks pages from `start`, following each page's `next` until it is 0. Stops after the first
/// error, which it yields.
fn pages<'c, F, Fut>(start: u32, fetch: F) -> impl Stream<Item = Result<Payment>> + Send + 'c
where
    F: FnMut(u32) -> Fut + Send + 'c,
    Fut: Future<Output = Result<PaymentPage>> + Send + 'c,
{
    struct State<F> {
        fetch: F,
        next: Option<u32>,
        buffer: VecDeque<Payment>,
    }
    let state = State {
        fetch,
        next: Some(start),
        buffer: VecDeque::new(),
    };
    futures_util::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(p) = st.buffer.pop_front() {
                return Some((Ok(p), st));
            }
            let page = st.next?;
            match (st.fetch)(page).await {
                Ok(result) => {
                    // A next page that does not move forward would loop forever.
                    st.next = result.next_page().filter(|&n| n > page);
                    st.buffer.extend(result.list);
                }
                Err(e) => {
                    st.next = None;
                    return Some((Err(e), st));
                }
            }
        }
    })
}

/// Builder for [`Client::cancel_payment`].
#[derive(Debug, Clone)]
#[must_use = "call .send() to make the request"]
pub struct CancelPayment<'c> {
    client: &'c Client,
    imp_uid: Option<String>,
    merchant_uid: Option<String>,
    body: types::CancelRequest,
}

macro_rules! string_setters {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.body.$name = Some(value.into());
            self
        }
    )*};
}

macro_rules! amount_setters {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        pub fn $name(mut self, value: impl Into<Amount>) -> Self {
            self.body.$name = Some(value.into());
            self
        }
    )*};
}

impl CancelPayment<'_> {
    /// The payment to cancel, by i'mport id (wins over `merchant_uid`).
    pub fn imp_uid(mut self, imp_uid: impl Into<String>) -> Self {
        self.imp_uid = Some(imp_uid.into());
        self
    }

    /// The payment to cancel, by order id.
    pub fn merchant_uid(mut self, merchant_uid: impl Into<String>) -> Self {
        self.merchant_uid = Some(merchant_uid.into());
        self
    }

    amount_setters! {
        /// How much to cancel; leave out to cancel everything that is left.
        amount,
        /// The tax-free part of the amount.
        tax_free,
        /// The VAT part of the amount.
        vat_amount,
        /// What you believe is still cancellable ([`Payment::cancellable_amount`]). The server
        /// refuses the cancel when it does not match, which makes a retry safe.
        checksum,
    }

    string_setters! {
        /// Why the payment is cancelled (required by some PGs).
        reason,
        /// Holder of the account a virtual-account payment is refunded to.
        refund_holder,
        /// Bank code of the refund account.
        refund_bank,
        /// Number of the refund account.
        refund_account,
        /// Telephone of the refund account's holder.
        refund_tel,
    }

    /// Keep a card promotion on a partial cancel.
    pub fn retain_promotion(mut self, retain: bool) -> Self {
        self.body.retain_promotion = Some(retain);
        self
    }

    /// Also send the cancellation webhook, which API cancels skip by default.
    pub fn enable_webhook(mut self, enable: bool) -> Self {
        self.body.enable_webhook = Some(enable);
        self
    }

    /// Who asked for the cancellation.
    pub fn requester(mut self, requester: CancelRequester) -> Self {
        self.body.extra = Some(types::CancelExtra {
            requester: Some(requester),
        });
        self
    }

    /// Sends the cancellation and returns the updated payment.
    ///
    /// # Errors
    /// [`Error::Api`] when the server refuses (already cancelled, amount too large, checksum
    /// stale); [`Error::InvalidInput`] when no payment is named, or an amount is negative or the
    /// amount exceeds the checksum (nothing is sent).
    pub async fn send(self) -> Result<Payment> {
        let mut body = self.body;
        match (&self.imp_uid, &self.merchant_uid) {
            (None, None) => {
                return Err(Error::invalid(
                    "imp_uid",
                    "name the payment by imp_uid or merchant_uid",
                ));
            }
            (imp, merchant) => {
                if let Some(id) = imp {
                    validate::imp_uid(id)?;
                    body.imp_uid = Some(validate::convert("imp_uid", id.as_str())?);
                }
                if let Some(id) = merchant {
                    validate::merchant_uid(id)?;
                    body.merchant_uid = Some(validate::convert("merchant_uid", id.as_str())?);
                }
            }
        }
        for (field, value) in [
            ("amount", body.amount),
            ("tax_free", body.tax_free),
            ("vat_amount", body.vat_amount),
            ("checksum", body.checksum),
        ] {
            if value.is_some_and(|v| v.is_negative()) {
                return Err(Error::invalid(field, "must not be negative"));
            }
        }
        if let (Some(amount), Some(checksum)) = (body.amount, body.checksum)
            && amount > checksum
        {
            return Err(Error::invalid(
                "amount",
                format!("{amount} is more than the cancellable {checksum}"),
            ));
        }
        Ok(
            run(false, self.client.api.cancel_payment().body(body).send())
                .await?
                .1,
        )
    }
}
