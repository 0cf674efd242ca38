//! Faults, each against a local server: every one ends in a typed error or a successful
//! retry, never a panic or a hang.

mod common;

use std::{
    collections::BTreeMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use iamport::{Client, Error, RetryPolicy};
use tokio::{
    io::AsyncWriteExt,
    net::{TcpListener, TcpStream},
};
use tracing::field::{Field, Visit};
use tracing_subscriber::{Layer, layer::Context, prelude::*};

/// What the server does with one API request (token requests are always answered).
#[derive(Clone)]
enum Act {
    /// A whole response.
    Respond(u16, &'static str, Vec<u8>),
    /// Headers declaring a body, half of it, then a reset (RST).
    ResetMidBody,
    /// Headers declaring a body, half of it, then an orderly close.
    StopHalfWay,
    /// Read the request, never answer.
    Hang,
    /// A body of `n` bytes sent in chunks, without a `Content-Length`.
    Stream(usize),
}

fn payment_json() -> Vec<u8> {
    serde_json::to_vec(&common::recording("get_payment.card_paid").response.body).unwrap()
}

fn ok() -> Act {
    Act::Respond(200, "", payment_json())
}

/// A hand-rolled HTTP/1.1 server that plays `script`, one act per API request (the last act
/// repeats). Returns its base URL and the count of API requests it read.
async fn fault_server(script: Vec<Act>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let script = script.clone();
            let counter = counter.clone();
            tokio::spawn(async move { connection(stream, script, counter).await });
        }
    });
    (base, hits)
}

async fn connection(mut stream: TcpStream, script: Vec<Act>, hits: Arc<AtomicUsize>) {
    loop {
        let Some(path) = common::read_request_path(&mut stream).await else {
            return;
        };
        if path == "/users/getToken" {
            let body = iamport::testing::token_body("fault0token");
            respond(&mut stream, 200, "", &body).await;
            continue;
        }
        let n = hits.fetch_add(1, Ordering::SeqCst);
        let act = script[n.min(script.len() - 1)].clone();
        let head = |len: usize| {
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len}\r\n\r\n"
            )
        };
        match act {
            Act::Respond(status, headers, body) => {
                respond(&mut stream, status, headers, &body).await
            }
            Act::ResetMidBody | Act::StopHalfWay => {
                let body = payment_json();
                let _ = stream.write_all(head(body.len()).as_bytes()).await;
                let _ = stream.write_all(&body[..body.len() / 2]).await;
                let _ = stream.flush().await;
                if matches!(act, Act::ResetMidBody) {
                    let _ = stream.set_zero_linger();
                }
                return;
            }
            Act::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return;
            }
            Act::Stream(total) => {
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b' '; 64 * 1024];
                let mut sent = 0;
                while sent < total {
                    let frame = format!("{:x}\r\n", chunk.len());
                    if stream.write_all(frame.as_bytes()).await.is_err()
                        || stream.write_all(&chunk).await.is_err()
                        || stream.write_all(b"\r\n").await.is_err()
                    {
                        return; // the client stopped reading
                    }
                    sent += chunk.len();
                }
                let _ = stream.write_all(b"0\r\n\r\n").await;
                return;
            }
        }
    }
}

async fn respond(stream: &mut TcpStream, status: u16, headers: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{headers}\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body).await;
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(50))
        .max_elapsed(Duration::from_secs(10))
}

fn client(base: &str, retry: RetryPolicy) -> Client {
    Client::builder()
        .credentials("key", "secret")
        .base_url(base)
        .timeout(Duration::from_millis(500))
        .retry(retry)
        .build()
        .unwrap()
}

const ID: &str = "imp_448280090638";

#[tokio::test]
async fn a_500_html_page_is_an_http_error_and_not_retried() {
    let (base, hits) = fault_server(vec![Act::Respond(
        500,
        "",
        b"<html>Internal Server Error</html>".to_vec(),
    )])
    .await;
    let err = client(&base, fast_retries()).payment(ID).await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 500, .. }), "{err:?}");
    assert!(err.to_string().contains("Internal Server Error"));
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_502_html_page_is_retried_then_reported() {
    let (base, hits) = fault_server(vec![Act::Respond(
        502,
        "",
        b"<html>Bad Gateway</html>".to_vec(),
    )])
    .await;
    let err = client(&base, fast_retries()).payment(ID).await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 502, .. }), "{err:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 3, "three attempts");

    let (base, hits) = fault_server(vec![
        Act::Respond(502, "", b"<html>Bad Gateway</html>".to_vec()),
        ok(),
    ])
    .await;
    let p = client(&base, fast_retries()).payment(ID).await.unwrap();
    assert_eq!(p.imp_uid, ID);
    assert_eq!(hits.load(Ordering::SeqCst), 2, "one retry, then success");
}

#[tokio::test]
async fn a_connection_reset_mid_body_is_retried_for_a_lookup() {
    let (base, hits) = fault_server(vec![Act::ResetMidBody, ok()]).await;
    let p = client(&base, fast_retries()).payment(ID).await.unwrap();
    assert_eq!(p.imp_uid, ID);
    assert_eq!(hits.load(Ordering::SeqCst), 2);

    let (base, hits) = fault_server(vec![Act::ResetMidBody]).await;
    let err = client(&base, RetryPolicy::none())
        .payment(ID)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_body_that_stops_half_way_is_a_transport_error() {
    let (base, hits) = fault_server(vec![Act::StopHalfWay]).await;
    let err = client(&base, fast_retries()).payment(ID).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let (base, hits) = fault_server(vec![Act::Hang]).await;
    let err = client(&base, RetryPolicy::none())
        .payment(ID)
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(hits.load(Ordering::SeqCst), 1);

    // With retries, the attempts are bounded too.
    let (base, hits) = fault_server(vec![Act::Hang]).await;
    let err = client(&base, fast_retries()).payment(ID).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn an_empty_200_body_is_a_typed_error() {
    let (base, _) = fault_server(vec![Act::Respond(200, "", Vec::new())]).await;
    let err = client(&base, fast_retries()).payment(ID).await.unwrap_err();
    assert_eq!(err.status(), Some(200), "{err:?}");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_20_mb_body_is_refused_at_the_cap_without_reading_it_all() {
    // Declared up front: refused before reading.
    let big = vec![b' '; 20 << 20];
    let (base, _) = fault_server(vec![Act::Respond(200, "", big)]).await;
    let err = client(&base, RetryPolicy::none())
        .payment(ID)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { status: 200, limit } if limit == iamport::DEFAULT_MAX_RESPONSE_BYTES),
        "{err:?}"
    );
    // Streamed without a length: reading stops at the cap.
    let (base, _) = fault_server(vec![Act::Stream(20 << 20)]).await;
    let small = Client::builder()
        .credentials("key", "secret")
        .base_url(&base)
        .max_response_bytes(1 << 20)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = small.payment(ID).await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 1048576, .. }),
        "{err:?}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn retry_after_in_seconds_is_honoured() {
    let events = Events::default();
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(events.clone()));
    let busy = br#"{"code":-1,"message":"too many requests","response":null}"#.to_vec();
    let (base, hits) =
        fault_server(vec![Act::Respond(429, "retry-after: 1\r\n", busy), ok()]).await;
    let p = client(&base, fast_retries()).payment(ID).await.unwrap();
    assert_eq!(p.imp_uid, ID);
    assert_eq!(hits.load(Ordering::SeqCst), 2);
    // The wait is the server's, not the policy's (at most 50 ms).
    let retries = events.with_message("retrying");
    let waits: Vec<_> = retries.iter().map(|e| e.get("wait_ms")).collect();
    assert_eq!(waits, [Some(&"1000".to_owned())], "{retries:?}");

    // A wait longer than the policy allows is not waited for.
    let busy = br#"{"code":-1,"message":"too many requests","response":null}"#.to_vec();
    let (base, hits) = fault_server(vec![Act::Respond(429, "retry-after: 120\r\n", busy)]).await;
    let err = client(&base, fast_retries()).payment(ID).await.unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_cancel_whose_answer_is_lost_is_not_sent_again_without_checksum() {
    let (base, hits) = fault_server(vec![Act::ResetMidBody, ok()]).await;
    let err = client(&base, fast_retries())
        .cancel_payment()
        .imp_uid(ID)
        .amount(1000)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert!(!err.is_retryable());
    assert!(
        err.to_string()
            .contains("look the payment up (Client::cancellation_outcome)")
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1, "sent once");

    let (base, hits) = fault_server(vec![Act::Hang]).await;
    let err = client(&base, fast_retries())
        .cancel_payment()
        .imp_uid(ID)
        .full()
        .send()
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown() && err.is_timeout(), "{err:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 1, "sent once");
}

/// Finding 1: a checksum guards against a stale balance, not a concurrent one, so a cancel
/// that carries it is not sent again either once it may have arrived.
#[tokio::test]
async fn a_cancel_with_checksum_is_not_sent_again_after_a_lost_answer() {
    for act in [
        Act::ResetMidBody,
        Act::Hang,
        Act::Respond(504, "", b"<html>Gateway Timeout</html>".to_vec()),
    ] {
        let (base, hits) = fault_server(vec![act, ok()]).await;
        let err = client(&base, fast_retries())
            .cancel_payment()
            .imp_uid(ID)
            .amount(1000)
            .checksum(32000)
            .send()
            .await
            .unwrap_err();
        assert!(err.is_outcome_unknown(), "{err:?}");
        assert!(!err.is_retryable());
        assert_eq!(hits.load(Ordering::SeqCst), 1, "sent once");
    }
}

/// Finding 2: a plain 500 to a change may mean the change was made.
#[tokio::test]
async fn a_cancel_answered_with_a_plain_500_has_an_unknown_outcome() {
    let (base, hits) = fault_server(vec![Act::Respond(
        500,
        "",
        b"<html>Internal Server Error</html>".to_vec(),
    )])
    .await;
    let err = client(&base, fast_retries())
        .cancel_payment()
        .imp_uid(ID)
        .amount(1000)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert!(!err.is_retryable());
    assert_eq!(err.status(), Some(500));
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

/// Finding 7: a `Retry-After` of u64::MAX seconds after a first wait is not waited for, and
/// does not overflow.
#[tokio::test]
async fn a_huge_retry_after_after_a_first_wait_does_not_panic() {
    let busy = || br#"{"code":-1,"message":"too many requests","response":null}"#.to_vec();
    let (base, hits) = fault_server(vec![
        Act::Respond(429, "retry-after: 1\r\n", busy()),
        Act::Respond(429, "retry-after: 18446744073709551615\r\n", busy()),
    ])
    .await;
    let err = client(&base, fast_retries()).payment(ID).await.unwrap_err();
    assert_eq!(err.status(), Some(429), "{err:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn other_changes_are_not_retried_after_a_gateway_error() {
    let (base, hits) = fault_server(vec![
        Act::Respond(502, "", b"<html>Bad Gateway</html>".to_vec()),
        ok(),
    ])
    .await;
    let err = client(&base, fast_retries())
        .prepare_payment("order-1", 1000)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert_eq!(err.status(), Some(502));
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn a_refused_connection_is_retried_even_for_changes_then_reported() {
    let events = Events::default();
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(events.clone()));
    // A server that hands out one token, closing its connection and its port before
    // answering: the change that follows meets a refused connection.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        drop(listener);
        let path = common::read_request_path(&mut stream).await;
        assert_eq!(path.as_deref(), Some("/users/getToken"));
        let body = iamport::testing::token_body("fault0token");
        respond(&mut stream, 200, "connection: close\r\n", &body).await;
    });
    let client = client(&base, fast_retries());
    client.authenticate().await.unwrap();
    server.await.unwrap();

    let err = client
        .prepare_payment("order-1", 1000)
        .send()
        .await
        .unwrap_err();
    // Nothing was sent, so the outcome is known: nothing happened.
    assert!(
        matches!(&err, Error::Transport(e) if e.is_connect()),
        "{err:?}"
    );
    assert!(err.is_retryable());
    let sent = events.sending();
    assert_eq!(
        sent.iter().filter(|op| *op == "prepare_payment").count(),
        3,
        "the change is tried three times: {sent:?}"
    );
    assert_eq!(sent.len(), 4, "and the token asked for once: {sent:?}");
}

/// Every event of the `iamport` crate, by field name.
#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<BTreeMap<String, String>>>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: tracing::Subscriber> Layer<S> for Events {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target().starts_with("iamport") {
            let mut fields = BTreeMap::new();
            event.record(&mut Fields(&mut fields));
            self.0.lock().unwrap().push(fields);
        }
    }
}

impl Events {
    /// The events with this message.
    fn with_message(&self, message: &str) -> Vec<BTreeMap<String, String>> {
        let all = self.0.lock().unwrap();
        all.iter()
            .filter(|e| e.get("message").map(String::as_str) == Some(message))
            .cloned()
            .collect()
    }

    /// The operation of every attempt sent (or tried), in order.
    fn sending(&self) -> Vec<String> {
        self.with_message("sending")
            .into_iter()
            .map(|e| e.get("operation").cloned().unwrap_or_default())
            .collect()
    }
}
