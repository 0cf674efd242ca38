//! Listings of payments, a page at a time or as a stream of every item.

use std::{collections::VecDeque, future::Future};

use futures_core::Stream;

use crate::{
    Client, PaymentStatus, PaymentStatusFilter, Result, Sorting, UnixTime, input,
    types::{Payment, PaymentPage},
};

impl Client {
    /// Payments in a status, a page at a time (`GET /payments/status/{payment_status}`).
    /// Takes a [`PaymentStatus`] or [`PaymentStatusFilter::All`].
    ///
    /// The time window ([`from`](PaymentsByStatus::from), [`to`](PaymentsByStatus::to))
    /// selects payments by the time of their *current* status: `paid_at` for a paid payment,
    /// `cancelled_at` for a cancelled one, and so on. A payment paid and cancelled on the same
    /// day is in a `cancelled` listing of that day, not in a `paid` one; to find everything
    /// that was paid in a period, list [`PaymentStatusFilter::All`] and read each payment's
    /// `paid_at`. The window is at most 90 days, checked before anything is sent.
    ///
    /// [`send`](PaymentsByStatus::send) fetches one page; [`stream`](PaymentsByStatus::stream)
    /// walks every page (with an example of resuming after an error).
    ///
    /// ```no_run
    /// use iamport::{PaymentStatus, Sorting, UnixTime};
    ///
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let to = UnixTime::now();
    /// let from = UnixTime::from_secs(to.as_secs() - 7 * 86_400);
    /// let page = client
    ///     .payments_by_status(PaymentStatus::Paid)
    ///     .from(from)
    ///     .to(to)
    ///     .sorting(Sorting::PaidDesc)
    ///     .limit(100)
    ///     .send()
    ///     .await?;
    /// println!("{} paid in the last week (and still paid); page 1 has {}", page.total, page.list.len());
    /// # Ok(()) }
    /// ```
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
}

/// Builder for [`Client::payments_by_status`].
#[derive(Debug, Clone)]
#[must_use = "call .send() or .stream() to make the request"]
pub struct PaymentsByStatus<'c> {
    client: &'c Client,
    pub(crate) status: PaymentStatusFilter,
    pub(crate) page: Option<u32>,
    pub(crate) limit: Option<u32>,
    pub(crate) from: Option<UnixTime>,
    pub(crate) to: Option<UnixTime>,
    pub(crate) sorting: Option<Sorting>,
}

impl<'c> PaymentsByStatus<'c> {
    setters! {
        /// The page to fetch, from 1 (server default 1).
        page: u32,
        /// Payments per page, 1 to 1000 (server default 20).
        limit: u32,
        /// Start of the time window, inclusive, on the time of each payment's *current*
        /// status (server default: 90 days before `to`). At most 90 days before `to`.
        from: UnixTime,
        /// End of the time window, **exclusive**, as every time window of this crate: a
        /// payment whose status time is exactly `to` belongs to the next window, so
        /// back-to-back windows (midnight to midnight) never list a payment twice. The
        /// server's own `to` includes its end; the crate sends `to` minus one second.
        /// Default: now (a stream pins it at the time it starts).
        to: UnixTime,
        /// The order of the results (server default [`Sorting::StartedDesc`]).
        sorting: Sorting,
    }

    /// Fetches one page.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for page 0, a limit outside 1..=1000, a window that
    /// does not start before it ends, or one longer than the server's 90 days (nothing is
    /// sent).
    pub async fn send(self) -> Result<PaymentPage> {
        input::window(self.from, self.to)?;
        let call = || {
            self.client.api.get_payments_by_status(
                &self.status,
                self.from.map(|f| f.as_secs()),
                self.limit,
                self.page,
                self.sorting.as_ref(),
                self.to.map(|t| t.as_secs().saturating_sub(1)),
            )
        };
        self.client.call(call).await
    }

    /// Every payment of every page from the requested one on, fetched as the stream is read.
    ///
    /// The window is pinned when the stream starts: without [`to`](Self::to) it ends at the
    /// current time, and every page asks for the same window, so payments that change status
    /// meanwhile neither shift pages nor appear twice. The stream ends after the last page,
    /// and also on an empty page or a page number the server repeats; after an error, which
    /// it yields, it ends too (start another from the failed page to resume).
    ///
    /// `from`/`to` select payments by the time of their *current* status: a payment paid and
    /// cancelled on the same day is in a `cancelled` listing, not a `paid` one. A window over
    /// 90 days is refused before anything is sent: the stream's first item is that error.
    ///
    /// The stream borrows the client and is not `Unpin`: pin it (`futures_util::pin_mut!`,
    /// `Box::pin`, or `tokio::pin!`) before calling `next`. `StreamExt` comes from the
    /// `futures-util` (or `futures`) crate. To resume after an error, keep the window fixed
    /// (set `to`) and start a new stream at the first page not read in full:
    ///
    /// ```no_run
    /// use futures_util::{StreamExt, pin_mut};
    /// use iamport::{PaymentStatus, UnixTime};
    ///
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let to = UnixTime::now();
    /// let from = UnixTime::from_secs(to.as_secs() - 86_400);
    /// let listing = client.payments_by_status(PaymentStatus::Paid).from(from).to(to).limit(100);
    /// let (mut page, mut seen, mut retries) = (1, 0, 0);
    /// loop {
    ///     // Resuming after an error: the same window, from the page that failed.
    ///     let stream = listing.clone().page(page).stream();
    ///     pin_mut!(stream);
    ///     let mut failed = None;
    ///     while let Some(item) = stream.next().await {
    ///         match item {
    ///             Ok(payment) => {
    ///                 seen += 1;
    ///                 println!("{} {}", payment.merchant_uid, payment.amount);
    ///             }
    ///             Err(e) if e.is_retryable() => failed = Some(e),
    ///             Err(e) => return Err(e),
    ///         }
    ///     }
    ///     match failed {
    ///         None => break,
    ///         Some(e) if retries == 3 => return Err(e),
    ///         // Pages hold 100: the first page not read in full.
    ///         Some(_) => (page, retries) = (1 + seen / 100, retries + 1),
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stream(mut self) -> impl Stream<Item = Result<Payment>> + Send + 'c {
        if self.to.is_none() {
            self.to = Some(UnixTime::now());
        }
        let start = self.page.unwrap_or(1);
        pages(start, move |page| self.clone().page(page).send())
    }
}

/// Builder for [`Client::find_payment`].
#[derive(Debug, Clone)]
#[must_use = "call .send() to make the request"]
pub struct FindPayment<'c> {
    client: &'c Client,
    pub(crate) merchant_uid: String,
    pub(crate) status: Option<PaymentStatus>,
    pub(crate) sorting: Option<Sorting>,
}

impl FindPayment<'_> {
    setters! {
        /// Only a payment in this status.
        status: PaymentStatus,
        /// Which payment comes first when the order has several (server default
        /// [`Sorting::StartedDesc`]).
        sorting: Sorting,
    }

    /// Sends the request.
    ///
    /// # Errors
    /// [`Error::NotFound`](crate::Error::NotFound) when the order has no (matching) payment.
    pub async fn send(self) -> Result<Payment> {
        let (api, uid) = (&self.client.api, self.merchant_uid.as_str());
        let sorting = self.sorting.as_ref();
        match &self.status {
            Some(status) => {
                let call = || api.find_payment_by_status(uid, status, sorting);
                self.client.call(call).await
            }
            None => self.client.call(|| api.find_payment(uid, sorting)).await,
        }
    }
}

/// Builder for [`Client::find_all_payments`].
#[derive(Debug, Clone)]
#[must_use = "call .send() or .stream() to make the request"]
pub struct FindAllPayments<'c> {
    client: &'c Client,
    pub(crate) merchant_uid: String,
    pub(crate) status: Option<PaymentStatus>,
    pub(crate) page: Option<u32>,
    pub(crate) limit: Option<u32>,
    pub(crate) sorting: Option<Sorting>,
}

impl<'c> FindAllPayments<'c> {
    setters! {
        /// Only payments in this status.
        status: PaymentStatus,
        /// The page to fetch, from 1.
        page: u32,
        /// Payments per page, 1 to 1000.
        limit: u32,
        /// The order of the results.
        sorting: Sorting,
    }

    /// Fetches one page.
    ///
    /// # Errors
    /// [`Error::NotFound`](crate::Error::NotFound) when the order has no payment; [`Error::InvalidInput`](crate::Error::InvalidInput) for bad paging.
    pub async fn send(self) -> Result<PaymentPage> {
        let (api, uid) = (&self.client.api, self.merchant_uid.as_str());
        let (page, limit, sorting) = (self.page, self.limit, self.sorting.as_ref());
        match &self.status {
            Some(status) => {
                let call = || api.find_all_payments_by_status(uid, status, limit, page, sorting);
                self.client.call(call).await
            }
            None => {
                let call = || api.find_all_payments(uid, limit, page, sorting);
                self.client.call(call).await
            }
        }
    }

    /// Every payment of every page from the requested one on, fetched as the stream is read.
    /// It ends after the last page, and after the first error, which it yields; see
    /// [`PaymentsByStatus::stream`] for pinning it and resuming after an error.
    pub fn stream(self) -> impl Stream<Item = Result<Payment>> + Send + 'c {
        let start = self.page.unwrap_or(1);
        pages(start, move |page| self.clone().page(page).send())
    }
}

/// A page of a listing: its items and the number of the page after it.
pub(crate) trait Paged {
    type Item;
    /// How many items match in all, as the server counted them.
    fn total(&self) -> u64;
    /// The next page's number, `None` on the last page.
    fn next_page(&self) -> Option<u32>;
    fn into_items(self) -> Vec<Self::Item>;
}

impl Paged for PaymentPage {
    type Item = Payment;
    fn total(&self) -> u64 {
        self.total
    }
    fn next_page(&self) -> Option<u32> {
        PaymentPage::next_page(self)
    }
    fn into_items(self) -> Vec<Payment> {
        self.list
    }
}

/// Walks pages from `start`, following each page's `next`. The stream always ends: after the
/// last page (`next` is 0), an empty page, a `next` that does not move forward, a page past
/// what the first page's `total` allows, or the first error, which it yields.
pub(crate) fn pages<'c, P, F, Fut>(
    start: u32,
    fetch: F,
) -> impl Stream<Item = Result<P::Item>> + Send + 'c
where
    P: Paged + Send + 'c,
    P::Item: Send + 'c,
    F: FnMut(u32) -> Fut + Send + 'c,
    Fut: Future<Output = Result<P>> + Send + 'c,
{
    struct State<F, T> {
        fetch: F,
        next: Option<u32>,
        /// The last page number the first page's `total` allows.
        last: Option<u64>,
        buffer: VecDeque<T>,
    }
    let state = State {
        fetch,
        next: Some(start),
        last: None,
        buffer: VecDeque::new(),
    };
    futures_util::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.buffer.pop_front() {
                return Some((Ok(item), st));
            }
            let page = st.next?;
            match (st.fetch)(page).await {
                Ok(result) => {
                    let (result_total, next) = (result.total(), result.next_page());
                    let items = result.into_items();
                    let len = items.len() as u64;
                    if st.last.is_none() && len > 0 {
                        // Pages of this size hold `total` items in this many pages from
                        // `start`; one more allows for items added while walking.
                        let pages = result_total.div_ceil(len);
                        st.last = Some(u64::from(page).saturating_add(pages));
                    }
                    st.next = next
                        .filter(|&n| n > page && len > 0)
                        .filter(|&n| st.last.is_some_and(|last| u64::from(n) <= last));
                    st.buffer.extend(items);
                }
                Err(e) => {
                    st.next = None;
                    return Some((Err(e), st));
                }
            }
        }
    })
}

impl PaymentPage {
    /// The number of the next page, or `None` when this is the last one.
    pub fn next_page(&self) -> Option<u32> {
        (self.next != 0).then_some(self.next)
    }

    /// The number of the previous page, or `None` when this is the first one.
    pub fn previous_page(&self) -> Option<u32> {
        (self.previous != 0).then_some(self.previous)
    }
}
