//! Stubs for listings: one page as a call asks for it, or every page of a whole listing.

use httpmock::Mock;
use serde::Serialize;
use serde_json::json;

use super::{MockIamport, matcher::RequestMatcher, mock::envelope, stub::sent};
#[cfg(feature = "billing")]
use crate::{
    BillingKeyPayments, KeySchedules, Schedules,
    types::{Schedule, SchedulePage},
};
use crate::{
    FindAllPayments, PaymentsByStatus,
    types::{Payment, PaymentPage},
};

/// The page size the server uses when a listing does not say (and for the listings whose
/// page size it fixes).
const SERVER_PAGE_SIZE: u32 = 20;

/// A listing call the kit stubs: the builders of
/// [`Client::payments_by_status`](crate::Client::payments_by_status),
/// [`find_all_payments`](crate::Client::find_all_payments),
/// [`billing_key_payments`](crate::Client::billing_key_payments),
/// [`schedules`](crate::Client::schedules),
/// [`billing_key_schedules`](crate::Client::billing_key_schedules) and
/// [`customer_schedules`](crate::Client::customer_schedules). Sealed.
pub trait Listing: sealed::Sealed {
    /// What the listing's pages hold: [`Payment`] or [`Schedule`].
    type Item: Serialize;
    /// One page of it: [`PaymentPage`] or [`SchedulePage`].
    type Page: Serialize;
}

/// `impl Listing` for builders, with their item and page types, the page size a call asks for
/// and the parameter a stream pins by itself when the call leaves it out. The request of a
/// page is the one the call itself sends ([`sent`]).
macro_rules! listings {
    ($($call:ident => $item:ident, $page:ident, limit: $limit:expr, pins: $pins:expr;)*) => {$(
        impl Listing for $call<'_> {
            type Item = $item;
            type Page = $page;
        }

        impl sealed::Sealed for $call<'_> {
            fn expect(&self) -> RequestMatcher {
                sent("page", self.clone().send())
            }

            fn limit(&self) -> Option<u32> {
                let limit: fn(&Self) -> Option<u32> = $limit;
                limit(self)
            }

            fn pinned(&self) -> Option<&'static str> {
                let pins: fn(&Self) -> Option<&'static str> = $pins;
                pins(self)
            }
        }
    )*};
}

listings! {
    PaymentsByStatus => Payment, PaymentPage,
        limit: |c| c.limit, pins: |c| c.to.is_none().then_some("to");
    FindAllPayments => Payment, PaymentPage, limit: |c| c.limit, pins: |_| None;
}

#[cfg(feature = "billing")]
listings! {
    BillingKeyPayments => Payment, PaymentPage, limit: |_| None, pins: |_| None;
    Schedules => Schedule, SchedulePage, limit: |c| c.limit, pins: |_| None;
    KeySchedules => Schedule, SchedulePage, limit: |_| None, pins: |_| None;
}

mod sealed {
    use super::RequestMatcher;

    pub trait Sealed {
        /// The request the call sends for its page.
        fn expect(&self) -> RequestMatcher;
        /// The page size the call asks for, when it can ask for one.
        fn limit(&self) -> Option<u32>;
        /// The parameter a stream of the call pins by itself (a window end it fixes to "now")
        /// when the call leaves it out.
        fn pinned(&self) -> Option<&'static str>;
        /// The request for any page of the whole listing, `page` aside: the same as
        /// [`Sealed::expect`], with any value of the parameter a stream pins.
        fn expect_any_page(&self) -> RequestMatcher {
            match self.pinned() {
                Some(name) => self.expect().any(name),
                None => self.expect(),
            }
        }
    }
}

/// Stubs for listings: one page as a call asks for it, or every page of a whole listing.
impl MockIamport {
    /// Answers the request `call` sends (its path, `page`, `limit`, window, status and
    /// sorting, exactly) with `page`. Page 1 is also the request without `page`, which the
    /// server answers the same.
    ///
    /// A [`stream`](PaymentsByStatus::stream) without `to` pins it to the time it starts,
    /// which a stub cannot know: give the call a `to`, or stub the whole listing with
    /// [`MockIamport::listing`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> iamport::Result<()> {
    /// use iamport::{PaymentStatus, Sorting, testing::{MockIamport, payment, payment_page}};
    ///
    /// let mock = MockIamport::start().await;
    /// let client = mock.client();
    /// let mut second = payment_page(vec![payment("imp_3", "order-3", 3000)]);
    /// (second.total, second.previous) = (3, 1);
    /// let call = || client.payments_by_status(PaymentStatus::Paid).page(2).limit(2).sorting(Sorting::PaidDesc);
    /// let stub = mock.page(call(), &second);
    /// let page = call().send().await?;
    /// assert_eq!((page.total, page.previous_page(), page.next_page()), (3, Some(1), None));
    /// stub.assert_calls(1);
    /// # Ok(()) }
    /// ```
    pub fn page<L: Listing>(&self, call: L, page: &L::Page) -> Mock<'_> {
        let expect = call.expect();
        let expect = match page_of(&expect) {
            Some(n) => expect.page(n),
            None => expect.page(1),
        };
        self.ok(&expect, page)
    }

    /// Stubs every page of a listing of `items`, as the server would serve them to `call`:
    /// pages of the call's `limit` (20 when it has none, and for the listings whose page size
    /// the server fixes), each with `total`, `previous` and `next` set, so that
    /// [`stream`](PaymentsByStatus::stream) walks them all. Every page matches the call's
    /// other parameters exactly; a call without `to` also matches the window end a stream
    /// pins. Returns the stub of each page, in order (one empty page for no items).
    ///
    /// The tool for reconciliation tests:
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> iamport::Result<()> {
    /// use futures_util::{StreamExt, TryStreamExt};
    /// use iamport::{PaymentStatus, UnixTime, testing::{MockIamport, payment}};
    ///
    /// let mock = MockIamport::start().await;
    /// let client = mock.client();
    /// let paid: Vec<_> = (1..=5)
    ///     .map(|i| payment(format!("imp_{i}"), format!("order-{i}"), 1000 * i))
    ///     .collect();
    /// let (from, to) = (UnixTime::from_secs(1_790_000_000), UnixTime::from_secs(1_790_086_400));
    /// let call = || client.payments_by_status(PaymentStatus::Paid).from(from).to(to).limit(2);
    /// let pages = mock.listing(call(), &paid);
    /// assert_eq!(pages.len(), 3);
    ///
    /// let seen: Vec<_> = call().stream().try_collect().await?;
    /// assert_eq!(seen, paid);
    /// for page in &pages {
    ///     page.assert_calls(1);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn listing<L: Listing>(&self, call: L, items: &[L::Item]) -> Vec<Mock<'_>> {
        let size = call.limit().unwrap_or(SERVER_PAGE_SIZE).max(1) as usize;
        let expect = call.expect_any_page();
        let total = items.len();
        let count = total.div_ceil(size).max(1);
        (1..=count)
            .map(|n| {
                let list = items.chunks(size).nth(n - 1).unwrap_or_default();
                let page = json!({
                    "total": total,
                    "previous": n - 1,
                    "next": if n < count { n + 1 } else { 0 },
                    "list": list,
                });
                let number = u32::try_from(n).unwrap_or(u32::MAX);
                self.stub(&expect.clone().page(number), 200, envelope(&page))
            })
            .collect()
    }
}

/// The page an expected request asks for, when it names one.
fn page_of(expect: &RequestMatcher) -> Option<u32> {
    expect.param("page").and_then(|p| p.parse().ok())
}
