//! What an error says in a log line (`Display`), and the predicates users reach for.

use std::time::Duration;

use iamport::{Client, RetryPolicy, testing::MockIamport};

fn client(base: &str) -> Client {
    Client::builder()
        .credentials("key", "secret")
        .base_url(base)
        .retry(RetryPolicy::none())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_refused_connection_says_so_and_names_the_host_but_not_the_path() {
    // A port nothing listens on: bind, note it, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = client(&format!("http://127.0.0.1:{port}"))
        .payment("imp_secret_path_1")
        .await
        .unwrap_err();
    let line = err.to_string();
    assert!(err.is_transport() && err.is_retryable(), "{err:?}");
    assert!(
        line.starts_with("transport error: could not connect (127.0.0.1)"),
        "{line}"
    );
    assert!(line.to_lowercase().contains("refused"), "{line}");
    assert!(
        !line.contains("imp_secret_path_1") && !line.contains("getToken"),
        "{line}"
    );
}

#[tokio::test]
async fn a_timeout_says_so() {
    // Accepts and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let _server = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let err = client(&format!("http://{addr}"))
        .payment("imp_1")
        .await
        .unwrap_err();
    let line = err.to_string();
    assert!(err.is_timeout(), "{err:?}");
    // The token exchange is the first request: either the HTTP timeout or the bound on the
    // wait for a token (the same length) ends it.
    if err.is_transport() {
        assert!(line.contains("timed out (127.0.0.1)"), "{line}");
    } else {
        assert!(line.starts_with("timed out after"), "{line}");
    }
}

#[tokio::test]
async fn an_unknown_outcome_says_what_happened_to_the_request() {
    // The token comes at once; the cancel is answered after the client gave up waiting.
    let mock = MockIamport::start().await;
    let mut slow = mock.server().mock(|when, then| {
        when.method("POST").path("/payments/cancel");
        then.status(200)
            .delay(Duration::from_secs(2))
            .body(r#"{"code":0,"message":null,"response":null}"#);
    });
    let client = mock
        .client_builder()
        .retry(RetryPolicy::none())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = client
        .cancel_payment()
        .imp_uid("imp_secret_path_2")
        .full()
        .send()
        .await
        .unwrap_err();
    slow.assert_calls(1);
    assert!(err.is_outcome_unknown() && err.is_timeout(), "{err:?}");
    let line = err.to_string();
    assert!(
        line.starts_with("outcome unknown: cancel_payment may or may not have been carried out"),
        "{line}"
    );
    assert!(line.contains("timed out (127.0.0.1)"), "{line}");
    assert!(
        line.ends_with(
            "look the payment up (Client::cancellation_outcome) before cancelling again"
        ),
        "{line}"
    );
    assert!(!line.contains("imp_secret_path_2"), "{line}");

    // A gateway's answer: its status, in the same line.
    slow.delete();
    let gateway = mock.error("POST", "/payments/cancel", 502, -1, "bad gateway");
    let err = client
        .cancel_payment()
        .imp_uid("imp_2")
        .full()
        .send()
        .await
        .unwrap_err();
    gateway.assert_calls(1);
    let line = err.to_string();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert!(line.contains("502"), "{line}");
}

#[tokio::test]
async fn bad_input_and_configuration_have_predicates() {
    let err = client("http://127.0.0.1:9").payment("").await.unwrap_err();
    assert!(err.is_invalid_input() && !err.is_config() && !err.is_transport());
    let err = Client::builder()
        .credentials("k", "s")
        .base_url("ftp://example.com")
        .build()
        .unwrap_err();
    assert!(err.is_config() && !err.is_invalid_input());
}
