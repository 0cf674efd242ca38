//! A webhook handler: parse the notification, re-fetch the payment (V1 notifications are not
//! signed), check it against the order, and only then fulfil it.
//!
//! ```sh
//! cargo run --example webhook
//! ```
//!
//! By default it runs offline: a mock of the API, the handler on a loopback port, and three
//! notifications posted to it (a genuine one as JSON, one as a form, and one whose payment
//! does not match its order). With `IAMPORT_API_KEY` and `IAMPORT_API_SECRET` set it serves
//! real notifications at `POST /iamport/webhook` on `WEBHOOK_ADDR` (default `127.0.0.1:8000`)
//! for the orders in `WEBHOOK_ORDERS` (`order-1=32000,order-2=1000`).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, header::CONTENT_TYPE},
    routing::post,
};
use iamport::{Amount, Client, Expected, PaymentStatus, webhook::Notification};

/// What the shop knows of its orders.
struct Shop {
    client: Client,
    /// Order id -> expected amount.
    orders: HashMap<String, Amount>,
    fulfilled: Mutex<Vec<String>>,
}

/// The handler. Answers 200 once the notification is dealt with (i'mport retries others).
async fn webhook(
    State(shop): State<Arc<Shop>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let notification = match Notification::parse(content_type, &body) {
        Ok(n) => n,
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()),
    };
    let Some(amount) = shop.orders.get(&notification.merchant_uid) else {
        return (
            StatusCode::OK,
            format!("ignored: no order {}", notification.merchant_uid),
        );
    };
    // Trust only what the API says about the payment.
    let payment = match shop.client.payment_from_notification(&notification).await {
        Ok(p) => p,
        Err(e) if e.mismatch().is_some() => return (StatusCode::OK, format!("ignored: {e}")),
        // Not reachable now: answer an error so the notification is sent again.
        Err(e) => return (StatusCode::SERVICE_UNAVAILABLE, format!("retry later: {e}")),
    };
    match payment.status {
        PaymentStatus::Paid => {
            let expected = Expected::new(&notification.merchant_uid, *amount);
            match payment.check(&expected) {
                Ok(()) => {
                    // Notifications can arrive more than once: fulfil once.
                    let mut done = shop.fulfilled.lock().unwrap_or_else(|e| e.into_inner());
                    let order = payment.merchant_uid;
                    if done.contains(&order) {
                        return (StatusCode::OK, format!("already fulfilled {order}"));
                    }
                    done.push(order.clone());
                    (StatusCode::OK, format!("fulfilled {order}"))
                }
                // This order's payment with a wrong amount: a real shop refunds it
                // (`client.cancel_payment()`). Any other mismatch is never refunded.
                Err(m) if m.should_refund() => {
                    (StatusCode::OK, format!("not fulfilled, to refund: {m}"))
                }
                Err(m) => (StatusCode::OK, format!("not fulfilled, not refunded: {m}")),
            }
        }
        other => (
            StatusCode::OK,
            format!("noted: {} is {other}", payment.merchant_uid),
        ),
    }
}

fn router(shop: Arc<Shop>) -> Router {
    Router::new()
        .route("/iamport/webhook", post(webhook))
        .with_state(shop)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os("IAMPORT_API_KEY").is_some() {
        return serve_live().await;
    }
    let mock = iamport::testing::MockIamport::start().await;
    let _good = mock.payment(&iamport::testing::payment(
        "imp_500000000001",
        "order-1",
        32000,
    ));
    // Paid, but 100 won for an order of 50,000: someone tampered with the amount.
    let _tampered = mock.payment(&iamport::testing::payment(
        "imp_500000000002",
        "order-2",
        100,
    ));
    let shop = Arc::new(Shop {
        client: mock.client(),
        orders: HashMap::from([
            ("order-1".to_owned(), Amount::from(32000)),
            ("order-2".to_owned(), Amount::from(50000)),
        ]),
        fulfilled: Mutex::new(Vec::new()),
    });

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/iamport/webhook", listener.local_addr()?);
    let server = tokio::spawn(axum::serve(listener, router(shop.clone())).into_future());

    // A reqwest client of the program's own, beside the SDK's: iamport's default TLS is
    // reqwest's own, so it needs nothing more.
    let http = reqwest::Client::new();
    for (content_type, body) in [
        (
            "application/json",
            r#"{"imp_uid":"imp_500000000001","merchant_uid":"order-1","status":"paid"}"#,
        ),
        (
            "application/x-www-form-urlencoded",
            "imp_uid=imp_500000000001&merchant_uid=order-1&status=paid",
        ),
        (
            "application/json",
            r#"{"imp_uid":"imp_500000000002","merchant_uid":"order-2","status":"paid"}"#,
        ),
    ] {
        let response = http
            .post(&url)
            .header(CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await?;
        println!(
            "{content_type:<34} -> {} {}",
            response.status().as_u16(),
            response.text().await?
        );
    }
    let fulfilled = shop
        .fulfilled
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    println!("fulfilled orders: {fulfilled:?}");
    server.abort();
    Ok(())
}

async fn serve_live() -> Result<(), Box<dyn std::error::Error>> {
    let orders = std::env::var("WEBHOOK_ORDERS")
        .unwrap_or_default()
        .split(',')
        .filter_map(|pair| {
            let (order, amount) = pair.split_once('=')?;
            Some((
                order.trim().to_owned(),
                amount.trim().parse::<Amount>().ok()?,
            ))
        })
        .collect();
    let shop = Arc::new(Shop {
        client: Client::from_env()?,
        orders,
        fulfilled: Mutex::new(Vec::new()),
    });
    let addr = std::env::var("WEBHOOK_ADDR").unwrap_or_else(|_| "127.0.0.1:8000".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{addr}/iamport/webhook");
    axum::serve(listener, router(shop)).await?;
    Ok(())
}
