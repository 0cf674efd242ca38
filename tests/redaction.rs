//! The secret and the access token never appear in Debug or Display output.

mod common;

use common::*;
use httpmock::MockServer;

#[tokio::test]
async fn secret_and_token_never_appear_in_debug_or_errors() {
    let builder = iamport::Client::builder().credentials(KEY, SECRET);
    let shown = format!("{builder:?}");
    assert!(!shown.contains(SECRET), "{shown}");

    let server = MockServer::start_async().await;
    let token = token_mock(&server);
    let rejected = server.mock(|when, then| {
        when.method("GET").path("/payments/imp_448280090638");
        then.status(401)
            .body(r#"{"code":-1,"message":"Unauthorized","response":null}"#);
    });
    let client = client(&server);
    let err = client.payment("imp_448280090638").await.unwrap_err();
    token.assert_calls(2);
    rejected.assert_calls(2);

    let truncated_token = server.mock(|when, then| {
        when.method("POST")
            .path("/users/getToken")
            .body_includes("other_key");
        then.status(200).body(format!(
            r#"{{"code":0,"message":null,"response":{{"access_token":"{TOKEN}","now":1"#
        ));
    });
    let other = iamport::Client::builder()
        .credentials("other_key", SECRET)
        .base_url(server.base_url())
        .build()
        .unwrap();
    let decode_err = other.payment("imp_448280090638").await.unwrap_err();
    truncated_token.assert_calls(1);

    for text in [
        format!("{client:?}"),
        format!("{err:?}"),
        err.to_string(),
        format!("{decode_err:?}"),
        decode_err.to_string(),
    ] {
        assert!(!text.contains(SECRET), "secret in {text}");
        assert!(!text.contains(TOKEN), "token in {text}");
    }
}
