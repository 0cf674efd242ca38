//! The token cache: one exchange per client, refreshed by the server's own lifetime, one retry
//! after a 401.

mod common;
mod scripted;

use std::time::Duration;

use common::*;
use httpmock::MockServer;
use scripted::{Act, Scripted, respond, token};
use serde_json::json;

fn token_body(token: &str, now: i64, expired_at: i64) -> Vec<u8> {
    serde_json::to_vec(&json!({"code": 0, "message": null, "response": {"access_token": token, "now": now, "expired_at": expired_at}}))
        .unwrap()
}

fn token_with<'a>(server: &'a MockServer, token: &str, life: i64) -> httpmock::Mock<'a> {
    let rec = recording("get_token.ok");
    serve_response(
        server,
        &rec,
        None,
        200,
        token_body(token, 1_700_000_000, 1_700_000_000 + life),
    )
}

fn payment_with<'a>(server: &'a MockServer, token: &str, status: u16) -> httpmock::Mock<'a> {
    let rec = recording("get_payment.card_paid");
    let body = if status == 200 {
        serde_json::to_vec(&rec.response.body).unwrap()
    } else {
        br#"{"code":-1,"message":"Unauthorized","response":null}"#.to_vec()
    };
    serve_response(server, &rec, Some(token), status, body)
}

#[tokio::test]
async fn fifty_sequential_calls_make_one_token_request() {
    let server = MockServer::start_async().await;
    let token = token_mock(&server);
    let api = serve(&server, &recording("get_payment.card_paid"));
    let client = client(&server);
    for _ in 0..50 {
        client.payment("imp_448280090638").await.unwrap();
    }
    token.assert_calls(1);
    api.assert_calls(50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_calls_on_a_cold_client_make_one_token_request() {
    let server = MockServer::start_async().await;
    let token = token_mock(&server);
    let api = serve(&server, &recording("get_payment.card_paid"));
    let client = client(&server);
    let tasks: Vec<_> = (0..200)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.payment("imp_448280090638").await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    token.assert_calls(1);
    api.assert_calls(200);
}

/// Two calls with a token of `life` seconds left by the server's clock: both must fetch a token.
async fn token_is_replaced_before_second_call(life: i64) {
    let server = MockServer::start_async().await;
    let token = token_with(&server, TOKEN, life);
    let api = payment_with(&server, TOKEN, 200);
    let client = client(&server);
    client.payment("imp_448280090638").await.unwrap();
    client.payment("imp_448280090638").await.unwrap();
    token.assert_calls(2);
    api.assert_calls(2);
}

#[tokio::test]
async fn a_token_without_remaining_life_is_refreshed_before_use() {
    // expired_at == now: the server's own clock says the token is spent.
    token_is_replaced_before_second_call(0).await;
}

/// Finding 5: the server hands the same token back until its last minute; a token with less
/// life than the margin is used while it is valid (the margin takes at most half its life).
#[tokio::test]
async fn a_token_with_less_life_than_the_margin_is_used_while_valid() {
    // 30 s left, less than the 60 s margin: used for 15 s.
    let server = MockServer::start_async().await;
    let token = token_with(&server, TOKEN, 30);
    let api = payment_with(&server, TOKEN, 200);
    let client = client(&server);
    for _ in 0..5 {
        client.payment("imp_448280090638").await.unwrap();
    }
    token.assert_calls(1);
    api.assert_calls(5);
}

const ID: &str = "imp_448280090638";

fn payment_body() -> Vec<u8> {
    serde_json::to_vec(&recording("get_payment.card_paid").response.body).unwrap()
}

fn scripted_client(base: &str, retry: iamport::RetryPolicy) -> iamport::Client {
    iamport::Client::builder()
        .credentials(KEY, SECRET)
        .base_url(base)
        .timeout(Duration::from_secs(2))
        .retry(retry)
        .build()
        .unwrap()
}

fn fast_retries() -> iamport::RetryPolicy {
    iamport::RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(20))
}

/// Finding 3: after a 401 and a refresh, a 503 makes the call try again, and that attempt
/// carries the new token, not the rejected one.
#[tokio::test]
async fn after_a_401_refresh_every_later_attempt_carries_the_new_token() {
    let ok = payment_body();
    let server = Scripted::start(move |seen, n| {
        let auth = seen.authorization.clone().unwrap_or_default();
        match seen.path.as_str() {
            "/users/getToken" if n == 0 => token("token-one", 0, 1800),
            "/users/getToken" => token("token-two", 0, 1800),
            _ if auth.contains("token-one") => {
                respond(401, r#"{"code":-1,"message":"expired","response":null}"#)
            }
            // The first request with the new token meets a gateway error.
            _ if n == 1 => respond(503, "<html>Service Unavailable</html>"),
            _ => respond(200, ok.clone()),
        }
    })
    .await;
    let p = scripted_client(&server.base, fast_retries())
        .payment(ID)
        .await
        .unwrap();
    assert_eq!(p.imp_uid, ID);
    let auths: Vec<_> = server
        .seen()
        .into_iter()
        .filter(|s| s.path != "/users/getToken")
        .map(|s| s.authorization.unwrap_or_default())
        .collect();
    assert_eq!(
        auths,
        ["Bearer token-one", "Bearer token-two", "Bearer token-two"]
    );
    assert_eq!(server.hits("/users/getToken"), 2);
}

/// Finding 4: eight calls wait for one slow, failing exchange: one exchange, eight errors,
/// and no caller waits for a second one.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_token_exchange_is_shared_by_its_waiters() {
    let server = Scripted::start(|seen, _| match seen.path.as_str() {
        "/users/getToken" => Act::Respond {
            status: 500,
            headers: String::new(),
            body: br#"{"code":-1,"message":"internal error","response":null}"#.to_vec(),
            delay: Duration::from_millis(300),
        },
        _ => respond(200, "{}"),
    })
    .await;
    let client = scripted_client(&server.base, iamport::RetryPolicy::none());
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.payment(ID).await })
        })
        .collect();
    for t in tasks {
        let err = t.await.unwrap().unwrap_err();
        // Each waiter has the exchange's error itself, not a wrapper around it.
        assert!(
            matches!(err, iamport::Error::Api { status: 500, .. }),
            "{err:?}"
        );
        assert!(!err.is_auth(), "{err:?}");
    }
    assert_eq!(server.hits("/users/getToken"), 1);
    assert_eq!(server.api_hits(), 0);
}

/// Finding 4: the wait for a token is bounded by the request timeout, even with an HTTP client
/// that has no timeout of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wait_for_a_token_is_bounded_by_the_request_timeout() {
    let server = Scripted::start(|_, _| Act::Hang).await;
    let client = iamport::Client::builder()
        .credentials(KEY, SECRET)
        .base_url(&server.base)
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.payment(ID).await })
        })
        .collect();
    for t in tasks {
        let err = t.await.unwrap().unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        assert!(err.is_retryable(), "{err:?}");
    }
    assert_eq!(server.hits("/users/getToken"), 1);
}

/// Finding 6: an outage or a rate limit of the token endpoint is not a refusal of the
/// credentials; it is retried and reported with its status.
#[tokio::test]
async fn an_outage_of_the_token_endpoint_is_retried_and_not_an_auth_error() {
    let envelope_500 = br#"{"code":-1,"message":"internal error","response":null}"#.to_vec();
    for (status, body) in [
        (500, envelope_500.clone()),
        (503, b"<html>Service Unavailable</html>".to_vec()),
        (503, envelope_500.clone()),
        (
            429,
            br#"{"code":-1,"message":"too many","response":null}"#.to_vec(),
        ),
    ] {
        // Always failing: retried, then reported as what it is.
        let failing = body.clone();
        let server = Scripted::start(move |_, _| respond(status, failing.clone())).await;
        let err = scripted_client(&server.base, fast_retries())
            .authenticate()
            .await
            .unwrap_err();
        assert!(!err.is_auth(), "{status}: {err:?}");
        assert!(err.is_retryable(), "{status}: {err:?}");
        assert_eq!(err.status(), Some(status), "{err:?}");
        assert_eq!(server.hits("/users/getToken"), 3, "{status}");

        // Failing once: the retry gets the token and the call goes through.
        let ok = payment_body();
        let server = Scripted::start(move |seen, n| match seen.path.as_str() {
            "/users/getToken" if n == 0 => respond(status, body.clone()),
            "/users/getToken" => token(TOKEN, 0, 1800),
            _ => respond(200, ok.clone()),
        })
        .await;
        let p = scripted_client(&server.base, fast_retries())
            .payment(ID)
            .await
            .unwrap();
        assert_eq!(p.imp_uid, ID);
        assert_eq!(server.hits("/users/getToken"), 2, "{status}");
    }

    // A refusal of the credentials stays `Auth`: 401, or a non-zero code.
    for (status, body) in [
        (
            401,
            r#"{"code":-1,"message":"unauthorized","response":null}"#,
        ),
        (200, r#"{"code":1,"message":"bad key","response":null}"#),
        (
            400,
            r#"{"code":-1,"message":"imp_key, imp_secret missing","response":null}"#,
        ),
    ] {
        let server = Scripted::start(move |_, _| respond(status, body)).await;
        let err = scripted_client(&server.base, fast_retries())
            .authenticate()
            .await
            .unwrap_err();
        assert!(err.is_auth(), "{status}: {err:?}");
        assert!(!err.is_retryable(), "{status}: {err:?}");
        assert_eq!(server.hits("/users/getToken"), 1, "{status}");
    }
}

/// Finding 7: lifetimes the server chooses cannot make the client panic.
#[tokio::test]
async fn absurd_token_lifetimes_do_not_panic() {
    for (now, expired_at) in [
        (0, i64::MAX),
        (i64::MIN, i64::MAX),
        (i64::MAX, i64::MIN),
        (5, 4),
    ] {
        let ok = payment_body();
        let server = Scripted::start(move |seen, _| match seen.path.as_str() {
            "/users/getToken" => token(TOKEN, now, expired_at),
            _ => respond(200, ok.clone()),
        })
        .await;
        let client = scripted_client(&server.base, fast_retries());
        client.payment(ID).await.unwrap();
        client.payment(ID).await.unwrap();
        let exchanges = server.hits("/users/getToken");
        let expected = if expired_at > now { 1 } else { 2 };
        assert_eq!(exchanges, expected, "now {now}, expired_at {expired_at}");
    }
}

#[tokio::test]
async fn a_401_refreshes_once_and_retries_once() {
    let server = MockServer::start_async().await;
    let mut first_token = token_with(&server, "token-one", 1800);
    let mut first_ok = payment_with(&server, "token-one", 200);
    let client = client(&server);
    client.payment("imp_448280090638").await.unwrap();
    first_token.assert_calls(1);
    first_ok.assert_calls(1);
    first_ok.delete();
    first_token.delete();

    // The server now rejects the cached token and issues another.
    let rejected = payment_with(&server, "token-one", 401);
    let second_token = token_with(&server, "token-two", 1800);
    let accepted = payment_with(&server, "token-two", 200);
    let p = client.payment("imp_448280090638").await.unwrap();
    assert_eq!(p.imp_uid, "imp_448280090638");
    rejected.assert_calls(1);
    second_token.assert_calls(1);
    accepted.assert_calls(1);
}

#[tokio::test]
async fn two_401s_in_a_row_give_an_auth_error_without_looping() {
    let server = MockServer::start_async().await;
    let token = token_with(&server, TOKEN, 1800);
    let api = payment_with(&server, TOKEN, 401);
    let client = client(&server);
    let err = client.payment("imp_448280090638").await.unwrap_err();
    assert!(err.is_auth(), "{err:?}");
    assert_eq!(err.status(), Some(401));
    token.assert_calls(2);
    api.assert_calls(2);
}

#[tokio::test]
async fn tier_and_user_agent_are_sent_and_api_version_is_not() {
    let server = MockServer::start_async().await;
    let token = server.mock(|when, then| {
        when.method("POST")
            .path("/users/getToken")
            .header("tier", "sub01");
        then.status(200).body(token_body(TOKEN, 0, 1800));
    });
    let api = server.mock(|when, then| {
        when.method("GET")
            .path("/payments/imp_448280090638")
            .header("tier", "sub01")
            .header("authorization", format!("Bearer {TOKEN}"))
            .header_missing("api-version")
            .header_includes("user-agent", "iamport-rs/");
        then.status(200)
            .body(serde_json::to_vec(&recording("get_payment.card_paid").response.body).unwrap());
    });
    let client = iamport::Client::builder()
        .credentials(KEY, SECRET)
        .tier("sub01")
        .base_url(server.base_url())
        .build()
        .unwrap();
    client.payment("imp_448280090638").await.unwrap();
    token.assert_calls(1);
    api.assert_calls(1);
}

/// Any 401 is an authentication failure, whatever its body: a gateway's bare 401 from the
/// token exchange, and a bare 401 from an API call after the one refresh. A change answered
/// 401 was refused, not lost: refreshed once, sent exactly twice, never outcome-unknown.
#[tokio::test]
async fn a_401_without_a_json_body_is_an_auth_error() {
    let refused = Scripted::start(|_, _| respond(401, "Unauthorized")).await;
    let err = scripted_client(&refused.base, iamport::RetryPolicy::none())
        .payment(ID)
        .await
        .unwrap_err();
    assert!(err.is_auth(), "token exchange: {err:?}");
    assert_eq!(err.status(), Some(401));

    let server = Scripted::start(|seen, _| match seen.path.as_str() {
        "/users/getToken" => token("token-one", 0, 1800),
        _ => respond(401, "<html><body>401 Authorization Required</body></html>"),
    })
    .await;
    let client = scripted_client(&server.base, fast_retries());
    let err = client.payment(ID).await.unwrap_err();
    assert!(err.is_auth(), "lookup: {err:?}");
    assert_eq!(server.hits(&format!("/payments/{ID}")), 2, "one refresh");

    let err = client
        .cancel_payment()
        .imp_uid(ID)
        .amount(1000)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_auth(), "cancel: {err:?}");
    assert!(!err.is_outcome_unknown(), "{err:?}");
    assert_eq!(server.hits("/payments/cancel"), 2, "sent exactly twice");
}
