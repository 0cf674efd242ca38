//! Naver Pay: the order-based checkout (`naverco`), whose product orders the merchant ships,
//! cancels, returns and exchanges through i'mport, and two calls of the payment-type checkout
//! (`naverpay`). Reached through [`Client::naver`].

use crate::{
    Client, Error, NaverReviewType, Result, UnixTime,
    types::{
        NaverApproveCancelRequest, NaverApproveReturnRequest, NaverCancelRequest, NaverCashAmount,
        NaverConfirmRequest, NaverProductOrder, NaverProductOrdersRequest,
        NaverRejectReturnRequest, NaverReturnRequest, NaverReview, NaverShipExchangeRequest,
        NaverShipRequest, NaverWithholdReturnRequest,
    },
};

/// The Naver Pay operations, from [`Client::naver`]. They need a Naver Pay order-based
/// checkout (`naverco`) set up in the i'mport console, except [`confirm`](Self::confirm),
/// [`deposit_point`](Self::deposit_point) and [`cash_amount`](Self::cash_amount), which are
/// for the payment-type checkout (`naverpay`).
///
/// Each action on product orders names the payment (`imp_uid`) and, in its request, the
/// product orders it applies to. The actions that refund ([`cancel`](Self::cancel),
/// [`approve_cancel`](Self::approve_cancel), [`approve_return`](Self::approve_return)) take
/// the list in their constructor: a refund always names what it refunds (the server would
/// refund every product order of the payment without one). The others may leave it out, to
/// act on all of the payment's. Naver may apply it to
/// some of them only (HTTP 207): the answer is a [`NaverChange`] that says which were changed
/// and which were not, never a plain success. Actions are changes: never sent twice; on
/// [`Error::OutcomeUnknown`] read the product orders ([`product_orders`](Self::product_orders))
/// before acting again.
///
/// ```no_run
/// use iamport::{NaverDeliveryCompany, NaverDeliveryMethod, UnixTime, types::NaverShipRequest};
/// # async fn run(client: iamport::Client) -> iamport::Result<()> {
/// let shipped = NaverShipRequest::new(NaverDeliveryMethod::Delivery, UnixTime::now())
///     .product_order_id(vec!["2026110512345601".to_owned()])
///     .delivery_company(NaverDeliveryCompany::CjGls)
///     .tracking_number("600012345678");
/// let change = client.naver().ship("imp_612345678901", shipped).await?;
/// if !change.unchanged.is_empty() {
///     println!("Naver did not ship {:?}", change.unchanged);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Naver<'a> {
    client: &'a Client,
}

/// What an action on Naver Pay product orders changed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct NaverChange {
    /// The product orders the action was applied to, as they are now.
    pub changed: Vec<NaverProductOrder>,
    /// The product orders asked for that Naver left as they were (a partial answer, HTTP
    /// 207). Empty when the request named none (all of the payment's, for the actions that do
    /// not refund): read them with [`Naver::product_orders`] then.
    pub unchanged: Vec<String>,
}

impl NaverChange {
    /// Whether every product order asked for was changed.
    pub fn is_complete(&self) -> bool {
        self.unchanged.is_empty()
    }

    fn of(asked: &[String], changed: Vec<NaverProductOrder>) -> NaverChange {
        let unchanged = asked
            .iter()
            .filter(|id| !changed.iter().any(|o| &o.product_order_id == *id))
            .cloned()
            .collect();
        NaverChange { changed, unchanged }
    }
}

/// The product orders a request names: a list the refunding actions require, and one the
/// others may leave out (all of the payment's, then).
trait Asked {
    fn asked(&self) -> &[String];
}

impl Asked for Vec<String> {
    fn asked(&self) -> &[String] {
        self
    }
}

impl Asked for Option<Vec<String>> {
    fn asked(&self) -> &[String] {
        self.as_deref().unwrap_or_default()
    }
}

impl Client {
    /// The Naver Pay operations: product orders and their shipping, cancels, returns and
    /// exchanges, reviews, and the payment-type checkout's confirmation and points.
    pub fn naver(&self) -> Naver<'_> {
        Naver { client: self }
    }
}

/// One action on the product orders of a payment, answered as a [`NaverChange`].
macro_rules! actions {
    ($(
        $(#[$doc:meta])*
        $name:ident($request:ty) => $op:ident;
    )+) => {$(
        $(#[$doc])*
        pub async fn $name(&self, imp_uid: &str, request: $request) -> Result<NaverChange> {
            let c = self.client;
            let changed = c.call(|| c.api.$op(imp_uid, &request)).await?;
            Ok(NaverChange::of(request.product_order_id.asked(), changed))
        }
    )+};
}

impl Naver<'_> {
    /// The product orders of a payment (`GET /payments/{imp_uid}/naver/product-orders`).
    pub async fn product_orders(&self, imp_uid: &str) -> Result<Vec<NaverProductOrder>> {
        let c = self.client;
        c.call(|| c.api.get_naver_product_orders(imp_uid)).await
    }

    /// One product order (`GET /naver/product-orders/{product_order_id}`).
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown id.
    pub async fn product_order(&self, product_order_id: &str) -> Result<NaverProductOrder> {
        let c = self.client;
        c.call(|| c.api.get_naver_product_order(product_order_id))
            .await
    }

    /// The reviews of one kind written from `from` to `to` for the checkout of `channel_key`
    /// (`GET /naver/reviews`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (nothing is sent) for a window that does not start before it
    /// ends.
    pub async fn reviews(
        &self,
        channel_key: &str,
        from: UnixTime,
        to: UnixTime,
        review_type: NaverReviewType,
    ) -> Result<Vec<NaverReview>> {
        if from >= to {
            return Err(Error::invalid(
                "from",
                "the window must start before it ends",
            ));
        }
        let c = self.client;
        c.call(|| {
            c.api
                .get_naver_reviews(channel_key, from.as_secs(), &review_type, to.as_secs())
        })
        .await
    }

    /// How much of a payment-type checkout payment (`naverpay`) was paid in cash, for its cash
    /// receipt (`GET /payments/{imp_uid}/naver/cash-amount`).
    pub async fn cash_amount(&self, imp_uid: &str) -> Result<NaverCashAmount> {
        let c = self.client;
        c.call(|| c.api.get_naver_cash_amount(imp_uid)).await
    }

    actions! {
        /// Accepts the order of product orders before shipping them
        /// (`POST /payments/{imp_uid}/naver/place`).
        place(NaverProductOrdersRequest) => place_naver_orders;
        /// Reports product orders shipped: the delivery method, and the courier and tracking
        /// number when sent by courier (`POST /payments/{imp_uid}/naver/ship`).
        ship(NaverShipRequest) => ship_naver_orders;
        /// Cancels product orders and refunds them (`POST /payments/{imp_uid}/naver/cancel`).
        /// **Moves money**: on [`Error::OutcomeUnknown`] read the product orders before
        /// cancelling again.
        cancel(NaverCancelRequest) => cancel_naver_orders;
        /// Approves the buyer's request to cancel, which refunds the product orders
        /// (`POST /payments/{imp_uid}/naver/approve-cancel`). **Moves money.**
        approve_cancel(NaverApproveCancelRequest) => approve_naver_cancel;
        /// Requests the return of product orders for the buyer
        /// (`POST /payments/{imp_uid}/naver/request-return`).
        request_return(NaverReturnRequest) => request_naver_return;
        /// Approves a return, which refunds the product orders
        /// (`POST /payments/{imp_uid}/naver/approve-return`). **Moves money.**
        approve_return(NaverApproveReturnRequest) => approve_naver_return;
        /// Rejects a return (`POST /payments/{imp_uid}/naver/reject-return`).
        reject_return(NaverRejectReturnRequest) => reject_naver_return;
        /// Holds a return back, e.g. until the buyer pays its shipping
        /// (`POST /payments/{imp_uid}/naver/withhold-return`).
        withhold_return(NaverWithholdReturnRequest) => withhold_naver_return;
        /// Releases a return held back (`POST /payments/{imp_uid}/naver/resolve-return`).
        resolve_return(NaverProductOrdersRequest) => resolve_naver_return;
        /// Reports the goods of an exchange collected from the buyer
        /// (`POST /payments/{imp_uid}/naver/collect-exchanged`).
        collect_exchanged(NaverProductOrdersRequest) => collect_naver_exchange;
        /// Reports the replacement goods of an exchange shipped
        /// (`POST /payments/{imp_uid}/naver/ship-exchanged`).
        ship_exchanged(NaverShipExchangeRequest) => ship_naver_exchange;
    }

    /// Confirms the purchase of a payment-type checkout payment (`naverpay`) on the buyer's or
    /// the merchant's behalf (`POST /payments/{imp_uid}/naver/confirm`).
    pub async fn confirm(&self, imp_uid: &str, request: NaverConfirmRequest) -> Result<()> {
        let c = self.client;
        c.call(|| c.api.confirm_naver_payment(imp_uid, &request))
            .await
            .map(drop)
    }

    /// Grants the buyer the Naver points of a payment-type checkout payment (`naverpay`)
    /// (`POST /payments/{imp_uid}/naver/point`).
    pub async fn deposit_point(&self, imp_uid: &str) -> Result<()> {
        let c = self.client;
        c.call(|| c.api.deposit_naver_point(imp_uid))
            .await
            .map(drop)
    }
}
