//! A small shop service built on the SDK, tested as its authors would test it: checkout
//! verification, the webhook, partial refunds with a checksum from the shop's own ledger, and
//! a nightly reconciliation over several pages. Only the public API and the testing kit are
//! used: no raw `httpmock`.
//!
//! The last tests show that the kit cannot pass wrongly: a refund of the wrong amount or
//! without its checksum matches no stub, and a request with no stub fails naming it.

use std::{collections::BTreeMap, sync::Mutex};

use futures_util::{StreamExt, pin_mut};
use iamport::{
    Amount, Client, Expected, Payment, PaymentStatusFilter, UnixTime,
    testing::{Mock, MockIamport, after_cancel, payment, vbank_ready},
    verify::Remedy,
    webhook::Notification,
};

// ---- the service -----------------------------------------------------------------------

/// One order in the shop's own books.
#[derive(Debug, Clone, PartialEq)]
struct Order {
    amount: Amount,
    /// The payment that paid it, once verified.
    imp_uid: Option<String>,
    /// How much of it the shop has refunded.
    refunded: Amount,
}

/// What became of a checkout.
#[derive(Debug, PartialEq)]
enum Checkout {
    Fulfilled,
    /// Not paid yet (a virtual account waiting for its deposit).
    Pending,
    /// The payment was this order's with a wrong amount: refunded in full.
    Refunded,
    /// The payment is not this order's: neither fulfilled nor touched.
    Rejected,
    /// Refunds of the payment differ from the ledger, or a remedy this shop does not know:
    /// neither fulfilled nor refunded; a person looks at it.
    Review,
}

#[derive(Debug)]
enum ShopError {
    UnknownOrder(String),
    Iamport(iamport::Error),
}

impl From<iamport::Error> for ShopError {
    fn from(e: iamport::Error) -> Self {
        ShopError::Iamport(e)
    }
}

impl std::fmt::Display for ShopError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShopError::UnknownOrder(id) => write!(f, "no order {id}"),
            ShopError::Iamport(e) => write!(f, "payment service: {e}"),
        }
    }
}

/// What the nightly reconciliation found.
#[derive(Debug, Default, PartialEq)]
struct Report {
    /// Payments that match their order: amount paid and amount refunded.
    matched: usize,
    /// Payments for orders the shop does not know.
    unknown: Vec<String>,
    /// Orders whose paid amount differs from the ledger.
    wrong_amount: Vec<String>,
    /// Orders whose refunded amount differs from the ledger (a refund made elsewhere).
    wrong_refund: Vec<String>,
}

struct Shop {
    client: Client,
    ledger: Mutex<BTreeMap<String, Order>>,
}

impl Shop {
    fn new(client: Client) -> Shop {
        Shop {
            client,
            ledger: Mutex::new(BTreeMap::new()),
        }
    }

    fn place_order(&self, merchant_uid: &str, amount: u32) {
        let order = Order {
            amount: Amount::from(amount),
            imp_uid: None,
            refunded: Amount::from(0),
        };
        self.ledger
            .lock()
            .unwrap()
            .insert(merchant_uid.to_owned(), order);
    }

    fn order(&self, merchant_uid: &str) -> Result<Order, ShopError> {
        self.ledger
            .lock()
            .unwrap()
            .get(merchant_uid)
            .cloned()
            .ok_or_else(|| ShopError::UnknownOrder(merchant_uid.to_owned()))
    }

    fn mark_paid(&self, merchant_uid: &str, imp_uid: &str) {
        if let Some(order) = self.ledger.lock().unwrap().get_mut(merchant_uid) {
            order.imp_uid = Some(imp_uid.to_owned());
        }
    }

    /// The browser says `imp_uid` paid `merchant_uid`: check it on the server.
    async fn checkout(&self, imp_uid: &str, merchant_uid: &str) -> Result<Checkout, ShopError> {
        let order = self.order(merchant_uid)?;
        let expected = Expected::new(merchant_uid, order.amount);
        match self.client.verify_payment(imp_uid, &expected).await {
            Ok(p) => {
                self.mark_paid(merchant_uid, &p.imp_uid);
                Ok(Checkout::Fulfilled)
            }
            Err(e) => {
                let Some(mismatch) = e.mismatch() else {
                    return Err(e.into());
                };
                match mismatch.remedy() {
                    Remedy::NotThisOrder => Ok(Checkout::Rejected),
                    Remedy::NotPaid => Ok(Checkout::Pending),
                    Remedy::Refund => {
                        // This order's payment with a tampered amount: refund all of it.
                        let paid = &mismatch.payment;
                        self.client
                            .cancel_payment()
                            .imp_uid(&paid.imp_uid)
                            .full()
                            // The ledger has refunded none of this order's payment.
                            .checksum(paid.amount)
                            .reason("amount does not match the order")
                            .send()
                            .await?;
                        Ok(Checkout::Refunded)
                    }
                    // `Reconcile`, and any remedy added later: never refund automatically.
                    _ => Ok(Checkout::Review),
                }
            }
        }
    }

    /// i'mport posted a notification: trust only the payment fetched for it.
    async fn webhook(&self, content_type: &str, body: &[u8]) -> Result<Checkout, ShopError> {
        let notification = Notification::parse(Some(content_type), body)?;
        let order = self.order(&notification.merchant_uid)?;
        let payment = self.client.payment_from_notification(&notification).await?;
        let expected = Expected::new(&notification.merchant_uid, order.amount);
        match payment.check(&expected) {
            Ok(()) => {
                self.mark_paid(&payment.merchant_uid, &payment.imp_uid);
                Ok(Checkout::Fulfilled)
            }
            Err(m) if m.remedy() == Remedy::NotPaid => Ok(Checkout::Pending),
            Err(_) => Ok(Checkout::Rejected),
        }
    }

    /// Refunds part of an order. The checksum is what the shop's own ledger says is left, so
    /// a second click on a stale admin page is refused by the server instead of refunding
    /// twice.
    async fn refund(
        &self,
        merchant_uid: &str,
        amount: u32,
        reason: &str,
    ) -> Result<Payment, ShopError> {
        let order = self.order(merchant_uid)?;
        let imp_uid = order
            .imp_uid
            .ok_or_else(|| ShopError::UnknownOrder(merchant_uid.to_owned()))?;
        let left = order.amount.checked_sub(order.refunded).unwrap_or_default();
        let updated = self
            .client
            .cancel_payment()
            .imp_uid(imp_uid)
            .amount(amount)
            .checksum(left)
            .reason(reason)
            .send()
            .await?;
        if let Some(o) = self.ledger.lock().unwrap().get_mut(merchant_uid) {
            o.refunded = o
                .refunded
                .checked_add(Amount::from(amount))
                .unwrap_or(o.refunded);
        }
        Ok(updated)
    }

    /// Compares every payment whose status changed in the window (`from` inclusive, `to`
    /// exclusive) with the ledger. The listing selects by the time of each payment's
    /// *current* status, so it takes every status: a `paid` listing would miss a payment
    /// paid, or paid earlier, and refunded in full inside the window.
    async fn reconcile(&self, from: UnixTime, to: UnixTime) -> Result<Report, ShopError> {
        let listing = self
            .client
            .payments_by_status(PaymentStatusFilter::All)
            .from(from)
            .to(to)
            .limit(2)
            .stream();
        pin_mut!(listing);
        let mut report = Report::default();
        while let Some(p) = listing.next().await {
            let p = p?;
            match self.order(&p.merchant_uid) {
                Err(_) => report.unknown.push(p.merchant_uid),
                // A listing also holds payments never paid (failed, still waiting).
                Ok(_) if p.paid_at.is_none() => {}
                Ok(o) if o.amount != p.amount => report.wrong_amount.push(p.merchant_uid),
                Ok(o) if o.refunded != p.cancel_amount => report.wrong_refund.push(p.merchant_uid),
                Ok(_) => report.matched += 1,
            }
        }
        Ok(report)
    }
}

// ---- its tests ---------------------------------------------------------------------------

async fn shop() -> (MockIamport, Shop) {
    let mock = MockIamport::start().await;
    let shop = Shop::new(mock.client());
    (mock, shop)
}

#[tokio::test]
async fn checkout_fulfils_paid_orders_and_refunds_only_this_orders_tampered_payment() {
    let (mock, shop) = shop().await;
    let client = mock.client();
    for (order, amount) in [
        ("order-1", 32000),
        ("order-2", 32000),
        ("order-3", 129000),
        ("order-4", 32000),
    ] {
        shop.place_order(order, amount);
    }
    // Order 4's payment was partly refunded from the admin console: the ledger knows nothing
    // of it, so the shop neither fulfils nor refunds; a person looks.
    let partly_refunded = after_cancel(
        &payment("imp_000000000005", "order-4", 32000),
        2000,
        "by hand",
    );
    let _partly = mock.payment(&partly_refunded);
    let refund_of_order_4 = mock.cancel_loose(&partly_refunded);
    let _paid = mock.payment(&payment("imp_000000000001", "order-1", 32000));
    let tampered = payment("imp_000000000002", "order-2", 100);
    let _tampered = mock.payment(&tampered);
    let _waiting = mock.payment(&vbank_ready("imp_000000000003", "order-3", 129000));
    let _stranger = mock.payment(&payment("imp_000000000004", "order-of-someone-else", 32000));
    let refund = mock.cancel(
        client
            .cancel_payment()
            .imp_uid("imp_000000000002")
            .full()
            .checksum(100)
            .reason("amount does not match the order"),
        &after_cancel(&tampered, 100, "amount does not match the order"),
    );
    // Were the shop to cancel the stranger's payment, this stub would count it.
    let strangers_refund = mock.cancel_loose(&payment("imp_000000000004", "x", 1));

    let paid = shop.checkout("imp_000000000001", "order-1").await.unwrap();
    assert_eq!(paid, Checkout::Fulfilled);
    assert_eq!(
        shop.order("order-1").unwrap().imp_uid.as_deref(),
        Some("imp_000000000001")
    );
    let outcome = shop.checkout("imp_000000000002", "order-2").await.unwrap();
    assert_eq!(outcome, Checkout::Refunded);
    let outcome = shop.checkout("imp_000000000003", "order-3").await.unwrap();
    assert_eq!(outcome, Checkout::Pending);
    // Someone replays another order's paid imp_uid to check out order-2.
    let outcome = shop.checkout("imp_000000000004", "order-2").await.unwrap();
    assert_eq!(outcome, Checkout::Rejected);

    let outcome = shop.checkout("imp_000000000005", "order-4").await.unwrap();
    assert_eq!(outcome, Checkout::Review);

    refund.assert_calls(1);
    strangers_refund.assert_calls(0);
    refund_of_order_4.assert_calls(0);
    assert_eq!(shop.order("order-2").unwrap().imp_uid, None);
}

#[tokio::test]
async fn the_webhook_trusts_the_fetched_payment_not_the_notification() {
    let (mock, shop) = shop().await;
    shop.place_order("order 7", 15000);
    shop.place_order("order-8", 15000);
    let lookup = mock.payment(&payment("imp_000000000007", "order 7", 15000));
    let _other = mock.payment(&payment("imp_000000000009", "order-9", 15000));

    let form = "application/x-www-form-urlencoded";
    let body = b"imp_uid=imp_000000000007&merchant_uid=order%207&status=paid";
    assert_eq!(shop.webhook(form, body).await.unwrap(), Checkout::Fulfilled);
    assert_eq!(
        shop.order("order 7").unwrap().imp_uid.as_deref(),
        Some("imp_000000000007")
    );

    // A forged notification naming another order's payment: the fetch shows the mismatch.
    let forged = br#"{"imp_uid":"imp_000000000009","merchant_uid":"order-8","status":"paid"}"#;
    let err = shop.webhook("application/json", forged).await.unwrap_err();
    let ShopError::Iamport(e) = &err else {
        panic!("{err}")
    };
    assert!(e.is_mismatch(), "{e:?}");
    assert_eq!(shop.order("order-8").unwrap().imp_uid, None);
    lookup.assert_calls(1);
}

#[tokio::test]
async fn partial_refunds_send_the_ledgers_checksum() {
    let (mock, shop) = shop().await;
    let client = mock.client();
    shop.place_order("order-1", 15000);
    let paid = payment("imp_000000000001", "order-1", 15000);
    let _lookup = mock.payment(&paid);
    assert_eq!(
        shop.checkout("imp_000000000001", "order-1").await.unwrap(),
        Checkout::Fulfilled
    );

    let first = after_cancel(&paid, 5000, "one item returned");
    let second = after_cancel(&first, 4000, "another item returned");
    let refund = |amount: u32, checksum: u32, reason: &str| {
        client
            .cancel_payment()
            .imp_uid("imp_000000000001")
            .amount(amount)
            .checksum(checksum)
            .reason(reason)
    };
    let one = mock.cancel(refund(5000, 15000, "one item returned"), &first);
    let two = mock.cancel(refund(4000, 10000, "another item returned"), &second);

    let after = shop
        .refund("order-1", 5000, "one item returned")
        .await
        .unwrap();
    assert_eq!(after.cancellable_amount(), Some(Amount::from(10000)));
    let after = shop
        .refund("order-1", 4000, "another item returned")
        .await
        .unwrap();
    assert_eq!(after.cancellable_amount(), Some(Amount::from(6000)));
    assert_eq!(after.cancel_history.len(), 2);
    assert_eq!(shop.order("order-1").unwrap().refunded, Amount::from(9000));
    one.assert_calls(1);
    two.assert_calls(1);
}

#[tokio::test]
async fn a_refund_made_behind_the_ledgers_back_makes_the_next_one_refused() {
    let (mock, shop) = shop().await;
    shop.place_order("order-1", 15000);
    let state = mock.payment_state(&payment("imp_000000000001", "order-1", 15000));
    assert_eq!(
        shop.checkout("imp_000000000001", "order-1").await.unwrap(),
        Checkout::Fulfilled
    );
    shop.refund("order-1", 5000, "returned").await.unwrap();

    // Someone refunds 2000 in the i'mport console; the shop's ledger does not know.
    let console = mock.client();
    let direct = console
        .cancel_payment()
        .imp_uid("imp_000000000001")
        .amount(2000);
    direct.send().await.unwrap();

    // The ledger's checksum (10000) is out of date: the server refuses, nothing is refunded.
    let err = shop.refund("order-1", 5000, "returned").await.unwrap_err();
    let ShopError::Iamport(e) = &err else {
        panic!("{err}")
    };
    assert_eq!(e.api_code(), Some(1), "{e:?}");
    assert_eq!(state.current().cancel_amount, Amount::from(7000));
    assert_eq!(shop.order("order-1").unwrap().refunded, Amount::from(5000));
    state.cancels().assert_calls(3);
}

#[tokio::test]
async fn nightly_reconciliation_walks_every_page() {
    let (mock, shop) = shop().await;
    let client = mock.client();
    shop.place_order("order-1", 1000);
    shop.place_order("order-2", 2000);
    shop.place_order("order-3", 3000);
    shop.place_order("order-4", 4000);
    shop.place_order("order-5", 5000);
    // Order 5 was paid and then refunded in full from the admin console inside the window:
    // in the `cancelled` listing, not the `paid` one, and unknown to the ledger.
    let refunded = after_cancel(
        &payment("imp_000000000006", "order-5", 5000),
        5000,
        "refunded by hand",
    );
    let paid = vec![
        payment("imp_000000000001", "order-1", 1000),
        payment("imp_000000000002", "order-2", 2000),
        payment("imp_000000000003", "order-3", 3500),
        payment("imp_000000000004", "order-4", 4000),
        payment("imp_000000000005", "order-unknown", 5000),
        refunded,
    ];
    let (from, to) = (
        UnixTime::from_secs(1_790_000_000),
        UnixTime::from_secs(1_790_086_400),
    );
    let pages = mock.listing(
        client
            .payments_by_status(PaymentStatusFilter::All)
            .from(from)
            .to(to)
            .limit(2),
        &paid,
    );

    let report = shop.reconcile(from, to).await.unwrap();
    assert_eq!(
        report,
        Report {
            matched: 3,
            unknown: vec!["order-unknown".to_owned()],
            wrong_amount: vec!["order-3".to_owned()],
            wrong_refund: vec!["order-5".to_owned()],
        }
    );
    assert_eq!(pages.len(), 3);
    for page in &pages {
        page.assert_calls(1);
    }
}

// ---- the kit cannot pass wrongly ---------------------------------------------------------

/// A refund as an older version of the shop sent it: the amount asked for, no checksum.
async fn refund_without_checksum(
    shop: &Shop,
    merchant_uid: &str,
    amount: u32,
) -> iamport::Result<Payment> {
    let imp_uid = shop.order(merchant_uid).unwrap().imp_uid.unwrap();
    shop.client
        .cancel_payment()
        .imp_uid(imp_uid)
        .amount(amount)
        .reason("returned")
        .send()
        .await
}

/// Order 1 paid with 15000, and a stub for the refund the shop should send: 5000 of it,
/// with the ledger's checksum.
async fn paid_order<'a>(mock: &'a MockIamport, shop: &Shop) -> Mock<'a> {
    shop.place_order("order-1", 15000);
    let paid = payment("imp_000000000001", "order-1", 15000);
    let _lookup = mock.payment(&paid);
    shop.checkout("imp_000000000001", "order-1").await.unwrap();
    mock.cancel(
        mock.client()
            .cancel_payment()
            .imp_uid("imp_000000000001")
            .amount(5000)
            .checksum(15000)
            .reason("returned"),
        &after_cancel(&paid, 5000, "returned"),
    )
}

#[tokio::test]
async fn a_refund_of_the_wrong_amount_matches_no_stub_and_fails() {
    let (mock, shop) = shop().await;
    let stub = paid_order(&mock, &shop).await;

    let err = shop.refund("order-1", 6000, "returned").await.unwrap_err();
    assert!(
        err.to_string()
            .contains("no stub for POST /payments/cancel"),
        "{err}"
    );
    stub.assert_calls(0);
    assert_eq!(shop.order("order-1").unwrap().refunded, Amount::from(0));
}

#[tokio::test]
async fn a_refund_without_its_checksum_matches_no_stub_and_fails() {
    let (mock, shop) = shop().await;
    let stub = paid_order(&mock, &shop).await;

    let err = refund_without_checksum(&shop, "order-1", 5000)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("no stub for POST /payments/cancel"),
        "{err}"
    );
    stub.assert_calls(0);
    // The shop's own refund, with the checksum, is the one stubbed.
    shop.refund("order-1", 5000, "returned").await.unwrap();
    stub.assert_calls(1);
}

#[tokio::test]
async fn a_request_with_no_stub_fails_naming_it() {
    let (_mock, shop) = shop().await;
    shop.place_order("order-1", 15000);
    let err = shop
        .checkout("imp_000000000042", "order-1")
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("no stub for GET /payments/imp_000000000042"),
        "{text}"
    );
    let ShopError::Iamport(e) = err else {
        panic!("{text}")
    };
    assert!(!e.is_not_found() && !e.is_mismatch(), "{e:?}");
}
