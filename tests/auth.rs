//! The token cache: one exchange per client, refreshed by the server's own lifetime, one retry
//! after a 401.

mod common;

use common::*;
use httpmock::MockServer;
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

#[tokio::test]
async fn a_token_inside_the_refresh_margin_is_replaced_on_next_use() {
    // 30 s left, less than the 60 s margin.
    token_is_replaced_before_second_call(30).await;
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
