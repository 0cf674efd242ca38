//! Paging streams: a pinned time window, and an end however the server pages.

mod common;

use common::{client, token_mock};
use futures_util::{StreamExt, pin_mut};
use httpmock::MockServer;
use iamport::{Payment, PaymentStatus, UnixTime, testing::payment};
use serde_json::json;

/// Answers `page` of the paid listing with these payments, `total` and `next`; `to` must be
/// sent with every page.
fn page<'a>(
    server: &'a MockServer,
    page: u32,
    list: &[Payment],
    total: u64,
    next: u32,
) -> httpmock::Mock<'a> {
    let body = json!({
        "code": 0,
        "message": null,
        "response": {"total": total, "previous": page - 1, "next": next, "list": list},
    });
    server.mock(|when, then| {
        when.method("GET")
            .path("/payments/status/paid")
            .query_param("page", page.to_string())
            .query_param_exists("to");
        then.status(200).json_body(body);
    })
}

async fn collect(client: &iamport::Client) -> (Vec<String>, Option<iamport::Error>) {
    let stream = client.payments_by_status(PaymentStatus::Paid).stream();
    pin_mut!(stream);
    let mut ids = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(p) => ids.push(p.imp_uid),
            Err(e) => return (ids, Some(e)),
        }
    }
    (ids, None)
}

#[tokio::test]
async fn a_stream_pins_its_window_and_follows_next() {
    let server = MockServer::start_async().await;
    let _t = token_mock(&server);
    let first = page(&server, 1, &[payment("imp_1", "m_1", 1000)], 2, 2);
    let second = page(&server, 2, &[payment("imp_2", "m_2", 1000)], 2, 0);
    let (ids, error) = collect(&client(&server)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(ids, ["imp_1", "imp_2"]);
    first.assert_calls(1);
    second.assert_calls(1);
}

/// Every page asks for the same window; its end, exclusive in the crate, goes to the server
/// (whose `to` includes its end) as one second earlier.
#[tokio::test]
async fn a_window_given_is_sent_unchanged_with_every_page() {
    let server = MockServer::start_async().await;
    let _t = token_mock(&server);
    let to = UnixTime::from_secs(1_762_000_000);
    let mocks: Vec<_> = (1..=2)
        .map(|n| {
            server.mock(|when, then| {
                when.method("GET")
                    .path("/payments/status/paid")
                    .query_param("page", n.to_string())
                    .query_param("to", "1761999999")
                    .query_param_missing("from");
                let next = if n == 1 { 2 } else { 0 };
                then.status(200).json_body(json!({
                    "code": 0, "message": null,
                    "response": {"total": 2, "previous": n - 1, "next": next,
                                 "list": [payment(format!("imp_{n}"), "m", 1)]},
                }));
            })
        })
        .collect();
    let c = client(&server);
    let stream = c.payments_by_status(PaymentStatus::Paid).to(to).stream();
    let all: Vec<_> = stream.collect().await;
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(Result::is_ok));
    mocks.iter().for_each(|m| m.assert_calls(1));
}

#[tokio::test]
async fn an_empty_page_ends_the_stream_even_when_next_goes_on() {
    let server = MockServer::start_async().await;
    let _t = token_mock(&server);
    let mocks: Vec<_> = (1..=20).map(|n| page(&server, n, &[], 40, n + 1)).collect();
    let (ids, error) = collect(&client(&server)).await;
    assert!(ids.is_empty() && error.is_none(), "{error:?}");
    mocks[0].assert_calls(1);
    assert!(mocks[1..].iter().all(|m| m.calls() == 0));
}

#[tokio::test]
async fn a_server_that_pages_forever_is_stopped_by_its_total() {
    let server = MockServer::start_async().await;
    let _t = token_mock(&server);
    let one = [payment("imp_x", "m_x", 1000)];
    let mocks: Vec<_> = (1..=20).map(|n| page(&server, n, &one, 3, n + 1)).collect();
    let (ids, error) = collect(&client(&server)).await;
    assert!(error.is_none(), "{error:?}");
    // Three items in pages of one: three pages, and one more for items added meanwhile.
    let fetched: usize = mocks.iter().map(|m| m.calls()).sum();
    assert!((3..=4).contains(&fetched), "{fetched} pages fetched");
    assert_eq!(ids.len(), fetched);
}

#[tokio::test]
async fn a_window_over_90_days_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let anything = server.mock(|when, then| {
        when.any_request();
        then.status(500);
    });
    let c = client(&server);
    let to = UnixTime::from_secs(1_762_000_000);
    let from = UnixTime::from_secs(to.as_secs() - 91 * 86_400);
    let err = c
        .payments_by_status(PaymentStatus::Paid)
        .from(from)
        .to(to)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, iamport::Error::InvalidInput { field: "from", .. }),
        "{err:?}"
    );
    // A stream yields that error first, and nothing else.
    let stream = c
        .payments_by_status(PaymentStatus::Paid)
        .from(from)
        .to(to)
        .stream();
    pin_mut!(stream);
    let first = stream.next().await.expect("one item").unwrap_err();
    assert!(first.is_invalid_input(), "{first:?}");
    assert!(stream.next().await.is_none());
    anything.assert_calls(0);

    let ok_from = UnixTime::from_secs(to.as_secs() - 90 * 86_400);
    let err = c
        .payments_by_status(PaymentStatus::Paid)
        .from(ok_from)
        .to(to)
        .send()
        .await
        .unwrap_err();
    assert!(
        !matches!(err, iamport::Error::InvalidInput { .. }),
        "{err:?}"
    );
    assert!(anything.calls() >= 1);
}
