//! Helpers shared by the integration tests, over `iamport::testing`: recordings from
//! `spec/recordings/`, a mock server answering with the recorded token, and a client of it.
#![allow(dead_code, unused_imports)]

use std::path::PathBuf;

use httpmock::{Mock, MockServer};

pub use iamport::testing::{Recording, call as dispatch, differences, verify};

/// The key and secret of `get_token.ok.json`.
pub const KEY: &str = "imp_apikey";
pub const SECRET: &str = "imp_secret_value";
/// The token `get_token.ok.json` hands out.
pub const TOKEN: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";

pub fn recordings_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("spec/recordings")
}

/// One recording by file stem, e.g. `get_payment.card_paid`.
pub fn recording(name: &str) -> Recording {
    Recording::load(recordings_dir().join(format!("{name}.json"))).unwrap()
}

/// Every recording, sorted by name.
pub fn all_recordings() -> Vec<Recording> {
    Recording::load_dir(recordings_dir()).unwrap()
}

/// Serves the token endpoint with `get_token.ok.json` for the test credentials.
pub fn token_mock(server: &MockServer) -> Mock<'_> {
    serve_unauthenticated(server, &recording("get_token.ok"))
}

/// A client of `server` with the test credentials, its clock at the day the recordings were
/// made.
pub fn client(server: &MockServer) -> iamport::Client {
    iamport::Client::builder()
        .credentials(KEY, SECRET)
        .base_url(server.base_url())
        .fixed_now(iamport::testing::RECORDED_AT)
        .build()
        .expect("client builds")
}

/// A client of `server` with the test credentials that never retries, its clock at the day
/// the recordings were made.
pub fn client_without_retries(server: &MockServer) -> iamport::Client {
    iamport::Client::builder()
        .credentials(KEY, SECRET)
        .base_url(server.base_url())
        .fixed_now(iamport::testing::RECORDED_AT)
        .retry(iamport::RetryPolicy::none())
        .build()
        .expect("client builds")
}

/// Serves a recording to requests that carry the recorded token.
pub fn serve<'a>(server: &'a MockServer, rec: &Recording) -> Mock<'a> {
    serve_response(server, rec, Some(TOKEN), rec.response.status, body(rec))
}

/// Serves a recording to requests without a token (the token endpoint itself).
pub fn serve_unauthenticated<'a>(server: &'a MockServer, rec: &Recording) -> Mock<'a> {
    serve_response(server, rec, None, rec.response.status, body(rec))
}

fn body(rec: &Recording) -> Vec<u8> {
    serde_json::to_vec(&rec.response.body).expect("json")
}

pub use iamport::testing::mock_exchange as serve_response;

/// Reads one HTTP/1.1 request from a raw connection, body included, and returns its path
/// without the query; `None` when the connection closes first. For the hand-written servers
/// of the fault tests.
pub async fn read_request_path(stream: &mut tokio::net::TcpStream) -> Option<String> {
    use tokio::io::AsyncReadExt;

    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let len = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
        })
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).await.ok()?;
    let target = head.split_whitespace().nth(1)?;
    Some(target.split('?').next()?.to_owned())
}

/// Asserts that `err` is the failure of a request no stub of `MockIamport` matched, `asked`
/// being the request as the message names it, with or without its query
/// (`GET /payments/imp_1`).
#[track_caller]
pub fn assert_unmatched(err: &iamport::Error, asked: &str) {
    let want = format!("no stub for {asked}");
    let named = |excerpt: &str| {
        excerpt == want
            || excerpt
                .strip_prefix(&want)
                .is_some_and(|q| q.starts_with('?'))
    };
    assert!(
        matches!(err, iamport::Error::Http { status: 404, excerpt } if named(excerpt)),
        "want {want:?}, got {err:?}"
    );
    assert!(!err.is_outcome_unknown(), "{err:?}");
}

/// Every formatted `tracing` event, from every crate, at every level.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs `work` on a runtime of its own while every `tracing` event, at every level, is
/// written to a buffer; returns what `work` returned and the events, as text.
pub fn with_logs<T>(work: impl std::future::Future<Output = T>) -> (T, String) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // With a single registered subscriber, `tracing` asks the registering thread's own
    // subscriber whether an event is wanted, so an event first met on another test's thread
    // would be cached as unwanted. A second registered subscriber makes it ask them all.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let _guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let value = runtime.block_on(work);
    let logs = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    (value, logs)
}

/// Checks that each of `operations` has a success and a failure recording, and that every
/// recording of them goes through the client as recorded.
pub async fn every_recording_goes_through_the_client(operations: &[&str]) {
    let recs: Vec<Recording> = all_recordings()
        .into_iter()
        .filter(|r| operations.contains(&r.operation.as_str()))
        .collect();
    for op in operations {
        assert!(
            recs.iter().any(|r| r.operation == *op && r.is_success()),
            "{op}: no success recording"
        );
        assert!(
            recs.iter().any(|r| r.operation == *op && !r.is_success()),
            "{op}: no failure recording"
        );
    }
    for rec in &recs {
        let found = verify(rec).await;
        assert!(found.is_empty(), "{}: {found:#?}", rec.name);
    }
}
