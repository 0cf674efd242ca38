//! A client answered in memory, for property tests and fuzzing of the response path.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::Value;

use super::{Recording, call};
use crate::{Client, Result, RetryPolicy, client::Responder};

/// The response the next request gets.
struct Next {
    operation: String,
    status: u16,
    headers: Vec<(String, String)>,
    body: Bytes,
}

/// A [`Client`] whose requests never leave the process: each is answered with the response
/// given to [`CannedClient::answer`], and token requests with a valid token. Everything after
/// the network (size cap, retries, the 401 refresh, envelope unwrapping, decoding) runs as in
/// production, with retries that never wait.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use iamport::testing::{CannedClient, Recording};
/// let canned = CannedClient::new();
/// let rec = Recording::load("spec/recordings/get_payment.card_paid.json").unwrap();
/// let err = canned.answer(&rec, 200, &[], b"{\"code\":0,").await.unwrap_err();
/// assert_eq!(err.status(), Some(200));
/// # }
/// ```
pub struct CannedClient {
    client: Client,
    /// For `get_token` cases: no retries, its token forgotten before each.
    token_client: Client,
    next: Arc<Mutex<Next>>,
}

impl std::fmt::Debug for CannedClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CannedClient").finish_non_exhaustive()
    }
}

impl Default for CannedClient {
    fn default() -> Self {
        CannedClient::new()
    }
}

fn token_response() -> http::Response<Bytes> {
    let mut r = http::Response::new(Bytes::from(super::token_body("canned0token")));
    r.headers_mut().insert(
        reqwest::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

impl CannedClient {
    /// A client answered in memory.
    pub fn new() -> CannedClient {
        let next = Arc::new(Mutex::new(Next {
            operation: String::new(),
            status: 200,
            headers: Vec::new(),
            body: Bytes::new(),
        }));
        let shared = next.clone();
        let responder = Responder(Arc::new(move |request: &reqwest::Request| {
            let next = shared.lock().unwrap_or_else(|e| e.into_inner());
            if request.url().path() == "/users/getToken" && next.operation != "get_token" {
                return token_response();
            }
            let mut response = http::Response::new(next.body.clone());
            *response.status_mut() = reqwest::StatusCode::from_u16(next.status)
                .unwrap_or(reqwest::StatusCode::INTERNAL_SERVER_ERROR);
            for (k, v) in &next.headers {
                if let (Ok(k), Ok(v)) = (
                    HeaderName::try_from(k.as_str()),
                    HeaderValue::try_from(v.as_str()),
                ) {
                    response.headers_mut().append(k, v);
                }
            }
            response
        }));
        let builder = || {
            Client::builder()
                .credentials("canned_key", "canned_secret")
                .base_url("http://127.0.0.1:9")
                .responder(responder.clone())
        };
        let client = builder()
            .retry(
                RetryPolicy::default()
                    .max_attempts(2)
                    .initial_backoff(std::time::Duration::ZERO)
                    .max_backoff(std::time::Duration::ZERO)
                    .max_elapsed(std::time::Duration::from_millis(1)),
            )
            .build()
            .unwrap_or_else(|e| unreachable!("a loopback client always builds: {e}"));
        let token_client = builder()
            .retry(RetryPolicy::none())
            .build()
            .unwrap_or_else(|e| unreachable!("a loopback client always builds: {e}"));
        CannedClient {
            client,
            token_client,
            next,
        }
    }

    /// Sends the request of `rec` and answers it (and any retry) with this status, these
    /// headers and these bytes; returns what the client makes of it, as [`call`] does. For
    /// `get_token` recordings the token exchange itself gets the answer.
    ///
    /// # Errors
    /// Whatever the client reports for that answer.
    pub async fn answer(
        &self,
        rec: &Recording,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<Value> {
        {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            next.operation.clone_from(&rec.operation);
            next.status = status;
            next.headers = headers.to_vec();
            next.body = Bytes::copy_from_slice(body);
        }
        if rec.operation == "get_token" {
            self.token_client.forget_token();
            return self.token_client.authenticate().await.map(|()| Value::Null);
        }
        call(&self.client, rec).await
    }
}
