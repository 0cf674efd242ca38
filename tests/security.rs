//! Secrets stay secret: the API secret and the access token never appear in a URL, an error,
//! a `Debug` output or a `tracing` event, whatever happens to the calls.

use std::sync::{Arc, Mutex};

mod common;
mod scripted;

use httpmock::MockServer;
use iamport::{
    Client, RetryPolicy,
    testing::{MockIamport, payment},
};

const SECRET: &str = MockIamport::SECRET;
const TOKEN: &str = MockIamport::TOKEN;
const WRONG_SECRET: &str = "wrong-secret-Zq81";
const LEAKY_TOKEN: &str = "leaky0token0from0a0cut0response";

/// Records the URI of every request the server receives.
fn record_uris(server: &MockServer) -> Arc<Mutex<Vec<String>>> {
    let uris = Arc::new(Mutex::new(Vec::new()));
    let seen = uris.clone();
    server.mock(move |when, then| {
        when.is_true(move |req| {
            seen.lock().unwrap().push(req.uri().to_string());
            false
        });
        then.status(500);
    });
    uris
}

#[test]
fn no_secret_or_token_in_urls_errors_debug_or_tracing() {
    let (shown, logs) = common::with_logs(async {
        let mut shown = Vec::new();
        let mock = MockIamport::start().await;
        let uris = record_uris(mock.server());
        let client = mock.client();
        shown.push(format!("{client:?}"));

        // A good call, a lookup that is retried after 502s, and a call refused with 401
        // twice (one refresh, one retry).
        let _ok = mock.payment(&payment("imp_600000000001", "order-1", 1000));
        client.payment("imp_600000000001").await.unwrap();
        let _bad = mock.error("GET", "/payments/imp_600000000002", 502, -1, "gateway");
        let fast = Client::builder()
            .credentials(MockIamport::KEY, SECRET)
            .base_url(mock.base_url())
            .retry(RetryPolicy::default().initial_backoff(std::time::Duration::ZERO))
            .build()
            .unwrap();
        let e = fast.payment("imp_600000000002").await.unwrap_err();
        shown.push(format!("{e} {e:?}"));
        let _refused = mock.error("GET", "/payments/imp_600000000003", 401, -1, "expired");
        let e = client.payment("imp_600000000003").await.unwrap_err();
        assert!(e.is_auth(), "{e:?}");
        shown.push(format!("{e} {e:?}"));

        // A cancel whose outcome is unknown: a gateway timed out waiting for the server, and
        // quotes the token it was sent.
        let echoed = format!("gateway timeout (token {TOKEN})");
        let _lost = mock.error("POST", "/payments/cancel", 504, -1, &echoed);
        let e = client
            .cancel_payment()
            .imp_uid("imp_600000000004")
            .full()
            .send()
            .await
            .unwrap_err();
        assert!(e.is_outcome_unknown(), "{e:?}");
        assert_eq!(e.status(), Some(504), "{e:?}");
        shown.push(format!("{e} {e:?}"));

        // Wrong credentials: the token exchange is refused.
        let wrong = Client::builder()
            .credentials(MockIamport::KEY, WRONG_SECRET)
            .base_url(mock.base_url())
            .build()
            .unwrap();
        shown.push(format!("{wrong:?}"));
        let e = wrong.payment("imp_600000000001").await.unwrap_err();
        shown.push(format!("{e} {e:?}"));

        let uris = uris.lock().unwrap().clone();
        assert!(uris.len() >= 8, "{uris:?}");
        for uri in &uris {
            for secret in [SECRET, TOKEN, WRONG_SECRET] {
                assert!(!uri.contains(secret), "{uri}");
            }
        }

        // A token response cut short: its body carries a token and must not be shown.
        let server = MockServer::start_async().await;
        server.mock(|when, then| {
            when.path("/users/getToken");
            then.status(200).body(format!(
                r#"{{"code":0,"message":null,"response":{{"access_token":"{LEAKY_TOKEN}","now":1"#
            ));
        });
        let cut = Client::builder()
            .credentials("key", SECRET)
            .base_url(server.base_url())
            .build()
            .unwrap();
        let e = cut.authenticate().await.unwrap_err();
        shown.push(format!("{e} {e:?}"));
        shown
    });

    assert!(logs.contains("access token obtained"), "{logs}");
    assert!(logs.contains("retrying"), "{logs}");
    assert!(logs.contains("access token rejected"), "{logs}");
    for text in shown.iter().chain([&logs]) {
        for secret in [SECRET, TOKEN, WRONG_SECRET, LEAKY_TOKEN] {
            assert!(!text.contains(secret), "{secret:?} shown in:\n{text}");
        }
    }
}

/// A server or gateway that echoes the `Authorization` header in its error body: the quoted
/// body and the envelope's message never carry the client's live token.
#[tokio::test]
async fn a_token_echoed_by_the_server_is_scrubbed_from_every_error() {
    use scripted::{Scripted, respond, token};

    const LIVE: &str = "livetokenQWERTYuiopASDFGhjklZXCV";
    let echo = format!("unable to find the matched key -> Bearer {LIVE}");
    let bare = format!("token {LIVE} is unknown");
    let (echo2, bare2) = (echo.clone(), bare.clone());
    let server = Scripted::start(move |seen, _| match seen.path.as_str() {
        "/users/getToken" => token(LIVE, 1_700_000_000, 1_700_001_800),
        "/payments/imp_1" => respond(502, echo2.clone()),
        "/payments/imp_2" => respond(
            200,
            format!(r#"{{"code":0,"message":null,"response":{{"imp_uid":"{bare2}""#),
        ),
        "/payments/imp_3" => respond(
            400,
            serde_json::to_vec(
                &serde_json::json!({"code": -1, "message": echo2, "response": null}),
            )
            .unwrap(),
        ),
        _ => respond(503, bare2.clone()),
    })
    .await;
    let client = Client::builder()
        .credentials("key", "secret")
        .base_url(&server.base)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let mut errors = Vec::new();
    for id in ["imp_1", "imp_2", "imp_3"] {
        errors.push(client.payment(id).await.unwrap_err());
    }
    let lost = client
        .cancel_payment()
        .imp_uid("imp_4")
        .amount(1000)
        .send()
        .await
        .unwrap_err();
    assert!(lost.is_outcome_unknown(), "{lost:?}");
    errors.push(lost);
    assert!(
        matches!(errors[0], iamport::Error::Http { .. }),
        "{:?}",
        errors[0]
    );
    assert!(
        matches!(errors[1], iamport::Error::Decode { .. }),
        "{:?}",
        errors[1]
    );
    assert!(
        matches!(errors[2], iamport::Error::Api { .. }),
        "{:?}",
        errors[2]
    );
    for e in &errors {
        for text in [
            e.to_string(),
            format!("{e:?}"),
            e.api_message().unwrap_or("").to_owned(),
        ] {
            assert!(!text.contains(LIVE), "token in {text}");
        }
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            assert!(!s.to_string().contains(LIVE), "token in {s}");
            source = s.source();
        }
    }
    // What is left of the quote still says what went wrong.
    assert!(
        errors[0]
            .to_string()
            .contains("unable to find the matched key"),
        "{}",
        errors[0]
    );
}

/// The id in the path of the lookups below.
const PATH_ID: &str = "imp_secretid123";

/// A server that hands out tokens and drops the connection of every other request unanswered.
async fn dropping_server() -> scripted::Scripted {
    scripted::Scripted::start(|seen, _| match seen.path.as_str() {
        "/users/getToken" => scripted::token("tok", 1_700_000_000, 1_700_001_800),
        _ => scripted::Act::Close,
    })
    .await
}

/// A client of `base` that tries twice, at once.
fn retrying_client(base: &str) -> Client {
    Client::builder()
        .credentials("key", "secret")
        .base_url(base)
        .retry(
            RetryPolicy::default()
                .max_attempts(2)
                .initial_backoff(std::time::Duration::ZERO),
        )
        .build()
        .unwrap()
}

/// A lookup whose connection drops is retried; the `retrying` event says what happened and to
/// which host, never the URL, whose path carries the id.
#[test]
fn the_retrying_event_of_a_transport_failure_never_shows_the_url() {
    let (hits, logs) = common::with_logs(async {
        let server = dropping_server().await;
        let e = retrying_client(&server.base)
            .payment(PATH_ID)
            .await
            .unwrap_err();
        assert!(e.is_transport(), "{e:?}");
        server.hits(&format!("/payments/{PATH_ID}"))
    });
    assert_eq!(hits, 2);
    let retrying: Vec<&str> = logs.lines().filter(|l| l.contains("retrying")).collect();
    assert_eq!(retrying.len(), 1, "{logs}");
    assert!(
        retrying[0].contains("the request failed (127.0.0.1)"),
        "{logs}"
    );
    assert!(!logs.contains(PATH_ID), "{logs}");
}

/// The error of a transport failure names the host in its `Display`, `Debug` and sources, never
/// the URL's path.
#[tokio::test]
async fn a_transport_error_never_shows_the_url_path() {
    let server = dropping_server().await;
    let e = retrying_client(&server.base)
        .payment(PATH_ID)
        .await
        .unwrap_err();
    assert!(e.is_transport(), "{e:?}");
    let mut shown = vec![e.to_string(), format!("{e:?}"), format!("{e:#?}")];
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        shown.push(s.to_string());
        shown.push(format!("{s:?}"));
        source = s.source();
    }
    for text in &shown {
        assert!(!text.contains(PATH_ID), "{text}");
    }
    assert!(shown[1].contains("127.0.0.1"), "{}", shown[1]);
}
