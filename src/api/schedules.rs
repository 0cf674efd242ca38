//! Scheduled payments: charges of a billing key that i'mport runs at a set time.

use futures_core::Stream;

use super::{
    listings::{Paged, pages},
    payments::paid,
};
use crate::{
    Client, Error, Result, ScheduleSorting, ScheduleStatus, UnixTime, input,
    types::{
        Payment, Schedule, SchedulePage, ScheduleRequest, ScheduleTimeRequest, UnscheduleRequest,
    },
};

impl Client {
    /// Schedules charges of a billing key (`POST /subscribe/payments/schedule`) and returns
    /// one schedule per entry, in the order given. Card data in the request issues the key
    /// first when `customer_uid` has none.
    ///
    /// i'mport runs each charge at its time and reports it to the webhook; read the result
    /// with [`Client::schedule`] (an executed schedule may have failed: see its
    /// `payment_status`).
    ///
    /// ```no_run
    /// use iamport::{UnixTime, types::{ScheduleEntry, ScheduleRequest}};
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let next_month = UnixTime::from_secs(UnixTime::now().as_secs() + 30 * 86_400);
    /// let request = ScheduleRequest::new(
    ///     "member-3108-card-1",
    ///     vec![ScheduleEntry::new("sub-3108-2026-12", next_month, 9900).name("Monthly plan")],
    /// );
    /// let scheduled = client.schedule_payments(request).await?;
    /// assert_eq!(scheduled.len(), 1);
    /// # Ok(()) }
    /// ```
    ///
    /// A lost answer is [`Error::OutcomeUnknown`] and the request is not resent: learn which
    /// entries the server holds with [`Client::schedule_outcome`] and schedule only the missing
    /// ones again, with their own order ids.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (nothing is sent) for no entry or more than 100, a malformed or
    /// repeated `merchant_uid`, a time not in the future, an amount not above zero, or card data not
    /// in the API's form; [`Error::Api`] when the server refuses (unknown key and no card data,
    /// card refused, `merchant_uid` already used): nothing is scheduled then.
    pub async fn schedule_payments(&self, request: ScheduleRequest) -> Result<Vec<Schedule>> {
        let now = self.now();
        for (i, entry) in request.schedules.iter().enumerate() {
            if request.schedules[..i]
                .iter()
                .any(|e| e.merchant_uid == entry.merchant_uid)
            {
                return Err(Error::invalid(
                    "merchant_uid",
                    format!("{} is given twice", entry.merchant_uid),
                ));
            }
            input::future("schedule_at", entry.schedule_at, now)?;
        }
        self.call(|| self.api.schedule_payments(&request)).await
    }

    /// Revokes the named schedules that have not run (`POST /subscribe/payments/unschedule`)
    /// and returns them, now `revoked`: the `merchant_uid`s given, of the key `customer_uid`
    /// when it is given too (recommended: an order id of another key is then not touched).
    ///
    /// ```no_run
    /// use iamport::types::UnscheduleRequest;
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let request = UnscheduleRequest::new()
    ///     .customer_uid("member-3108-card-1")
    ///     .merchant_uid(vec!["sub-3108-2027-01".to_owned()]);
    /// let revoked = client.unschedule_payments(request).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// The server reads a request without order ids as "every pending schedule of the key",
    /// which may belong to several plans on the same card; that is
    /// [`Client::unschedule_all_payments`], a choice of its own. Here a request without order
    /// ids, or with an empty list of them, is refused before sending.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (nothing is sent) when no order id is given, for more than 100
    /// or a malformed id; [`Error::Api`] with code `1` when nothing pending matches.
    pub async fn unschedule_payments(&self, request: UnscheduleRequest) -> Result<Vec<Schedule>> {
        if request.merchant_uid.as_ref().is_none_or(Vec::is_empty) {
            return Err(Error::invalid(
                "merchant_uid",
                "name at least one order id; to revoke every pending schedule of a key, \
                 call unschedule_all_payments",
            ));
        }
        self.call(|| self.api.unschedule_payments(&request)).await
    }

    /// Revokes **every** pending schedule of the billing key `customer_uid`
    /// (`POST /subscribe/payments/unschedule` with the key alone) and returns them, now
    /// `revoked`: those of every plan charged to this key. To revoke some, name them with
    /// [`Client::unschedule_payments`].
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a malformed id (nothing is sent); [`Error::Api`] with code
    /// `1` when the key has nothing pending.
    pub async fn unschedule_all_payments(&self, customer_uid: &str) -> Result<Vec<Schedule>> {
        let request = UnscheduleRequest::new().customer_uid(customer_uid);
        self.call(|| self.api.unschedule_payments(&request)).await
    }

    /// One schedule by its order id (`GET /subscribe/payments/schedule/{merchant_uid}`).
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown order id.
    pub async fn schedule(&self, merchant_uid: &str) -> Result<Schedule> {
        self.call(|| self.api.get_schedule(merchant_uid)).await
    }

    /// Moves a schedule that has not run to another time
    /// (`PUT /subscribe/payments/schedule/{merchant_uid}`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a time not in the future; [`Error::Api`] (400) when the
    /// schedule has run or was revoked (use [`Client::reschedule_payment`] then).
    pub async fn move_schedule(
        &self,
        merchant_uid: &str,
        schedule_at: UnixTime,
    ) -> Result<Schedule> {
        input::future("schedule_at", schedule_at, self.now())?;
        let body = ScheduleTimeRequest::new(schedule_at);
        self.call(|| self.api.update_schedule(merchant_uid, &body))
            .await
    }

    /// Schedules again a schedule whose charge failed or that was revoked
    /// (`POST /subscribe/payments/schedule/{merchant_uid}/reschedule`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a time not in the future; [`Error::Api`] (400) when the
    /// schedule is pending (use [`Client::move_schedule`]) or was paid.
    pub async fn reschedule_payment(
        &self,
        merchant_uid: &str,
        schedule_at: UnixTime,
    ) -> Result<Schedule> {
        input::future("schedule_at", schedule_at, self.now())?;
        let body = ScheduleTimeRequest::new(schedule_at);
        self.call(|| self.api.reschedule_schedule(merchant_uid, &body))
            .await
    }

    /// Charges now a schedule whose charge failed or that was revoked
    /// (`POST /subscribe/payments/schedule/{merchant_uid}/retry`).
    ///
    /// The rules of [`Client::charge_billing_key`]: `Ok` only for a paid payment, a declined
    /// card is [`Error::Declined`], a lost answer is [`Error::OutcomeUnknown`] and is never
    /// resent (reconcile with [`Client::charge_outcome`]).
    ///
    /// # Errors
    /// [`Error::Api`] (400) when the schedule is pending or was paid; [`Error::NotFound`] for
    /// an unknown schedule.
    pub async fn retry_schedule(&self, merchant_uid: &str) -> Result<Payment> {
        paid(
            "retry_schedule",
            self.call(|| self.api.retry_schedule(merchant_uid)).await,
        )
    }

    /// Schedules of every key whose time falls in `from` (inclusive) to `to` (exclusive), a
    /// page at a time (`GET /subscribe/payments/schedule`). A window spans at most three
    /// calendar months in Korean time, the server's limit, checked before anything is sent.
    pub fn schedules(&self, from: UnixTime, to: UnixTime) -> Schedules<'_> {
        Schedules {
            client: self,
            from,
            to,
            status: None,
            page: None,
            limit: None,
            sorting: None,
        }
    }

    /// The schedules of one billing key whose time falls in `from` (inclusive) to `to`
    /// (exclusive), a page at a time (`GET /subscribe/customers/{customer_uid}/schedules`).
    /// At most three calendar months per window, checked before sending; an unknown key gives
    /// an empty page.
    pub fn billing_key_schedules(
        &self,
        customer_uid: impl Into<String>,
        from: UnixTime,
        to: UnixTime,
    ) -> KeySchedules<'_> {
        KeySchedules {
            client: self,
            path: KeyPath::Customers,
            customer_uid: customer_uid.into(),
            from,
            to,
            status: None,
            page: None,
        }
    }

    /// The same listing as [`Client::billing_key_schedules`], through the path the API files
    /// under schedules (`GET /subscribe/payments/schedule/customers/{customer_uid}`). Both give
    /// the same answer; use either.
    pub fn customer_schedules(
        &self,
        customer_uid: impl Into<String>,
        from: UnixTime,
        to: UnixTime,
    ) -> KeySchedules<'_> {
        KeySchedules {
            path: KeyPath::Schedules,
            ..self.billing_key_schedules(customer_uid, from, to)
        }
    }
}

impl Paged for SchedulePage {
    type Item = Schedule;
    fn total(&self) -> u64 {
        self.total
    }
    fn next_page(&self) -> Option<u32> {
        SchedulePage::next_page(self)
    }
    fn into_items(self) -> Vec<Schedule> {
        self.list
    }
}

impl SchedulePage {
    /// The number of the next page, or `None` when this is the last one.
    pub fn next_page(&self) -> Option<u32> {
        (self.next != 0).then_some(self.next)
    }

    /// The number of the previous page, or `None` when this is the first one.
    pub fn previous_page(&self) -> Option<u32> {
        (self.previous != 0).then_some(self.previous)
    }
}

/// Builder for [`Client::schedules`].
#[derive(Debug, Clone)]
#[must_use = "call .send() or .stream() to make the request"]
pub struct Schedules<'c> {
    client: &'c Client,
    pub(crate) from: UnixTime,
    pub(crate) to: UnixTime,
    pub(crate) status: Option<ScheduleStatus>,
    pub(crate) page: Option<u32>,
    pub(crate) limit: Option<u32>,
    pub(crate) sorting: Option<ScheduleSorting>,
}

impl<'c> Schedules<'c> {
    setters! {
        /// Only schedules in this state.
        status: ScheduleStatus,
        /// The page to fetch, from 1.
        page: u32,
        /// Schedules per page, 1 to 1000 (server default 20).
        limit: u32,
        /// The order of the results (server default: latest `schedule_at` first).
        sorting: ScheduleSorting,
    }

    /// Fetches one page.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a window that does not start before it ends, page 0 or a
    /// limit outside 1..=1000, or a window over three calendar months in Korean time (nothing is
    /// sent).
    pub async fn send(self) -> Result<SchedulePage> {
        input::schedule_window(self.from, self.to)?;
        let call = || {
            self.client.api.get_schedules(
                self.limit,
                self.page,
                self.from.as_secs(),
                self.status.as_ref(),
                self.to.as_secs(),
                self.sorting.as_ref(),
            )
        };
        self.client.call(call).await
    }

    /// Every schedule of every page from the requested one on, fetched as the stream is read.
    /// The window stays the one given, and the stream ends after the last page (or once it
    /// has yielded as many schedules as the first page's `total`).
    pub fn stream(self) -> impl Stream<Item = Result<Schedule>> + Send + 'c {
        let start = self.page.unwrap_or(1);
        pages(start, move |page| self.clone().page(page).send())
    }
}

/// Which of the two paths of the per-key listing.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KeyPath {
    /// `/subscribe/customers/{customer_uid}/schedules`
    Customers,
    /// `/subscribe/payments/schedule/customers/{customer_uid}`
    Schedules,
}

/// Builder for [`Client::billing_key_schedules`] and [`Client::customer_schedules`].
#[derive(Debug, Clone)]
#[must_use = "call .send() or .stream() to make the request"]
pub struct KeySchedules<'c> {
    client: &'c Client,
    pub(crate) path: KeyPath,
    pub(crate) customer_uid: String,
    pub(crate) from: UnixTime,
    pub(crate) to: UnixTime,
    pub(crate) status: Option<ScheduleStatus>,
    pub(crate) page: Option<u32>,
}

impl<'c> KeySchedules<'c> {
    setters! {
        /// Only schedules in this state.
        status: ScheduleStatus,
        /// The page to fetch, from 1.
        page: u32,
    }

    /// Fetches one page.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a malformed id, a window that does not start before it
    /// ends or spans more than three calendar months in Korean time, or page 0 (nothing is
    /// sent).
    pub async fn send(self) -> Result<SchedulePage> {
        input::schedule_window(self.from, self.to)?;
        let api = &self.client.api;
        let (uid, from, to) = (
            self.customer_uid.as_str(),
            self.from.as_secs(),
            self.to.as_secs(),
        );
        let (page, status) = (self.page, self.status.as_ref());
        match self.path {
            KeyPath::Customers => {
                let call = || api.get_billing_key_schedules(uid, from, page, status, to);
                self.client.call(call).await
            }
            KeyPath::Schedules => {
                let call = || api.get_customer_schedules(uid, from, page, status, to);
                self.client.call(call).await
            }
        }
    }

    /// Every schedule of every page from the requested one on, fetched as the stream is read.
    /// The window stays the one given, and the stream ends after the last page (or once it
    /// has yielded as many schedules as the first page's `total`).
    pub fn stream(self) -> impl Stream<Item = Result<Schedule>> + Send + 'c {
        let start = self.page.unwrap_or(1);
        pages(start, move |page| self.clone().page(page).send())
    }
}
