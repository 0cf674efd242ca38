//! The settings of a client: `Client::from_env`, `connect_timeout`, `token_refresh_margin`; one
//! refresh for calls rejected with the same token; personal data kept out of error text.

mod common;

use std::{
    convert::Infallible,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use bytes::Bytes;
use common::*;
use http_body_util::Full;
use httpmock::MockServer;
use hyper::{Request, Response, body::Incoming, service::service_fn};
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::net::TcpListener;

const ID: &str = "imp_448280090638";

/// Names the case the child process runs; the child test does nothing without it.
const CASE: &str = "IAMPORT_TEST_FROM_ENV_CASE";
const VARS: [&str; 4] = [
    "IAMPORT_API_KEY",
    "IAMPORT_API_SECRET",
    "IAMPORT_BASE_URL",
    "IAMPORT_TIER",
];

/// `Client::from_env` in child processes of this test binary, each with its own environment:
/// the crate forbids `unsafe`, and `std::env::set_var` is unsafe in edition 2024 (and racy
/// between the threads of `cargo test`).
#[tokio::test]
async fn from_env_reads_key_secret_base_url_and_tier() {
    let server = MockServer::start_async().await;
    let token = server.mock(|when, then| {
        when.method("POST")
            .path("/users/getToken")
            .header("tier", "sub01")
            .json_body(json!({"imp_key": "env_key", "imp_secret": "env_secret"}));
        then.status(200)
            .body(serde_json::to_vec(&recording("get_token.ok").response.body).unwrap());
    });
    let api = server.mock(|when, then| {
        when.method("GET")
            .path(format!("/payments/{ID}"))
            .header("tier", "sub01")
            .header("authorization", format!("Bearer {TOKEN}"));
        then.status(200)
            .body(serde_json::to_vec(&recording("get_payment.card_paid").response.body).unwrap());
    });
    let base = server.base_url();
    let cases: [(&str, &[(&str, &str)]); 6] = [
        ("missing_key", &[("IAMPORT_API_SECRET", "env_secret")]),
        ("missing_secret", &[("IAMPORT_API_KEY", "env_key")]),
        (
            "blank_key",
            &[
                ("IAMPORT_API_KEY", "  "),
                ("IAMPORT_API_SECRET", "env_secret"),
            ],
        ),
        (
            "default_base_url",
            &[
                ("IAMPORT_API_KEY", "env_key"),
                ("IAMPORT_API_SECRET", "env_secret"),
            ],
        ),
        (
            "bad_base_url",
            &[
                ("IAMPORT_API_KEY", "env_key"),
                ("IAMPORT_API_SECRET", "env_secret"),
                ("IAMPORT_BASE_URL", "http://api.iamport.kr"),
            ],
        ),
        (
            "working",
            &[
                ("IAMPORT_API_KEY", "env_key"),
                ("IAMPORT_API_SECRET", "env_secret"),
                ("IAMPORT_BASE_URL", &base),
                ("IAMPORT_TIER", "sub01"),
            ],
        ),
    ];
    for (case, vars) in cases {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap());
        child
            .args(["--exact", "from_env_child", "--nocapture"])
            .env(CASE, case);
        for var in VARS {
            child.env_remove(var);
        }
        child.envs(vars.iter().copied());
        let out = tokio::task::spawn_blocking(move || child.output())
            .await
            .unwrap()
            .unwrap();
        assert!(
            out.status.success(),
            "{case}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(&format!("case {case} ran")),
            "{case}: the child test did not run: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    // The working case's call reached the server with the key, secret and tier of the
    // environment.
    token.assert_calls(1);
    api.assert_calls(1);
}

/// The child side of [`from_env_reads_key_secret_base_url_and_tier`]; passes at once when run
/// on its own.
#[tokio::test]
async fn from_env_child() {
    let Ok(case) = std::env::var(CASE) else {
        return;
    };
    let result = iamport::Client::from_env();
    match case.as_str() {
        "missing_key" | "blank_key" => {
            let err = result.unwrap_err();
            assert!(err.is_config(), "{err:?}");
            assert!(err.to_string().contains("IAMPORT_API_KEY"), "{err}");
        }
        "missing_secret" => {
            let err = result.unwrap_err();
            assert!(err.is_config(), "{err:?}");
            assert!(err.to_string().contains("IAMPORT_API_SECRET"), "{err}");
        }
        "default_base_url" => {
            assert_eq!(result.unwrap().base_url(), "https://api.iamport.kr");
        }
        "bad_base_url" => {
            let err = result.unwrap_err();
            assert!(err.is_config(), "{err:?}");
        }
        "working" => {
            let client = result.unwrap();
            let base = std::env::var("IAMPORT_BASE_URL").unwrap();
            assert_eq!(client.base_url(), base.trim_end_matches('/'));
            let shown = format!("{client:?}");
            assert!(!shown.contains("env_secret"), "{shown}");
            assert_eq!(client.payment(ID).await.unwrap().imp_uid, ID);
        }
        other => panic!("unknown case {other}"),
    }
    println!("case {case} ran");
}

/// A listener whose accept queue is full and which never accepts: the kernel drops further
/// SYNs, so a connect to it never completes. Returns the address and the connections that
/// fill the queue (kept open).
async fn full_listener() -> (
    std::net::SocketAddr,
    tokio::net::TcpListener,
    Vec<tokio::net::TcpStream>,
) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..8 {
        match tokio::time::timeout(
            Duration::from_millis(500),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            Ok(Ok(stream)) => fillers.push(stream),
            _ => break,
        }
    }
    (addr, listener, fillers)
}

/// A connect that never completes ends as a timeout of the connect itself (reqwest's
/// `is_connect`), from the `connect_timeout` setting: the request timeout is far longer, and
/// would end it as a timeout of the whole request instead.
#[tokio::test]
async fn connect_timeout_bounds_a_connect_that_never_completes() {
    let (addr, _listener, _fillers) = full_listener().await;
    let client = iamport::Client::builder()
        .credentials(KEY, SECRET)
        .base_url(format!("http://{addr}"))
        .connect_timeout(Duration::from_millis(200))
        .timeout(Duration::from_secs(20))
        .retry(iamport::RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.payment(ID).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert!(err.is_timeout(), "{err:?}");
    match &err {
        iamport::Error::Transport(e) => assert!(e.is_connect(), "{e:?}"),
        other => panic!("not a transport error: {other:?}"),
    }
}

fn token_body(token: &str, life: i64) -> Vec<u8> {
    serde_json::to_vec(&json!({"code": 0, "message": null, "response": {"access_token": token, "now": 1_700_000_000, "expired_at": 1_700_000_000 + life}}))
        .unwrap()
}

/// Token requests made by five lookups, with a token of `life` seconds and `margin`.
async fn token_requests(life: i64, margin: Duration) -> usize {
    let server = MockServer::start_async().await;
    let rec = recording("get_token.ok");
    let token = serve_response(&server, &rec, None, 200, token_body(TOKEN, life));
    let api = serve(&server, &recording("get_payment.card_paid"));
    let client = iamport::Client::builder()
        .credentials(KEY, SECRET)
        .base_url(server.base_url())
        .token_refresh_margin(margin)
        .build()
        .unwrap();
    for _ in 0..5 {
        client.payment(ID).await.unwrap();
    }
    api.assert_calls(5);
    token.calls()
}

/// The margin cuts a token's use short, but never by more than half its remaining life (the
/// documented rule): a margin larger than the life, even the largest one, still uses the token
/// while it is valid; a spent token is replaced whatever the margin.
#[tokio::test]
async fn token_refresh_margin_never_takes_more_than_half_the_life() {
    assert_eq!(token_requests(1800, Duration::ZERO).await, 1);
    assert_eq!(token_requests(1800, Duration::from_secs(60)).await, 1);
    assert_eq!(token_requests(30, Duration::from_secs(3600)).await, 1);
    assert_eq!(token_requests(1800, Duration::MAX).await, 1);
    assert_eq!(token_requests(0, Duration::ZERO).await, 5);
    assert_eq!(token_requests(0, Duration::from_secs(60)).await, 5);
}

/// Two calls in flight with the same token, both answered 401: the token is exchanged once
/// more, not once per call, and both calls then succeed with the new token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_calls_rejected_with_the_same_token_refresh_it_once() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let tokens = Arc::new(AtomicUsize::new(0));
    let rejected = Arc::new(AtomicUsize::new(0));
    let accepted = Arc::new(AtomicUsize::new(0));
    // Holds the first token's rejections until both calls have sent it.
    let both_sent = Arc::new(tokio::sync::Barrier::new(2));
    let payment =
        Bytes::from(serde_json::to_vec(&recording("get_payment.card_paid").response.body).unwrap());
    let (t, r, a) = (tokens.clone(), rejected.clone(), accepted.clone());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (t, r, a) = (t.clone(), r.clone(), a.clone());
            let (both_sent, payment) = (both_sent.clone(), payment.clone());
            tokio::spawn(async move {
                let service = service_fn(move |req: Request<Incoming>| {
                    let (t, r, a) = (t.clone(), r.clone(), a.clone());
                    let (both_sent, payment) = (both_sent.clone(), payment.clone());
                    async move {
                        let auth = req
                            .headers()
                            .get("authorization")
                            .map(|v| v.to_str().unwrap_or_default().to_owned())
                            .unwrap_or_default();
                        let (status, body) = if req.uri().path() == "/users/getToken" {
                            let n = t.fetch_add(1, Ordering::SeqCst);
                            let name = if n == 0 { "token-one" } else { "token-two" };
                            (200, Bytes::from(token_body(name, 1800)))
                        } else if auth == "Bearer token-one" {
                            r.fetch_add(1, Ordering::SeqCst);
                            both_sent.wait().await;
                            (
                                401,
                                Bytes::from_static(
                                    b"{\"code\":-1,\"message\":\"Unauthorized\",\"response\":null}",
                                ),
                            )
                        } else {
                            a.fetch_add(1, Ordering::SeqCst);
                            (200, payment)
                        };
                        Ok::<_, Infallible>(
                            Response::builder()
                                .status(status)
                                .header("content-type", "application/json")
                                .body(Full::new(body))
                                .unwrap(),
                        )
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    let client = iamport::Client::builder()
        .credentials(KEY, SECRET)
        .base_url(&base)
        .retry(iamport::RetryPolicy::none())
        .build()
        .unwrap();
    let calls: Vec<_> = (0..2)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.payment(ID).await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap().imp_uid, ID);
    }
    assert_eq!(
        rejected.load(Ordering::SeqCst),
        2,
        "both sent the first token"
    );
    assert_eq!(
        tokens.load(Ordering::SeqCst),
        2,
        "initial exchange + one refresh"
    );
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
}

/// Every property the spec marks personal (`x-personal: true`) or `format: password`.
fn personal_properties() -> Vec<String> {
    fn walk(v: &serde_norway::Value, out: &mut Vec<String>) {
        match v {
            serde_norway::Value::Mapping(m) => {
                if let Some(serde_norway::Value::Mapping(props)) = m.get("properties") {
                    for (name, schema) in props {
                        let personal = schema.get("x-personal").and_then(|p| p.as_bool())
                            == Some(true)
                            || schema.get("format").and_then(|f| f.as_str()) == Some("password");
                        if personal && let Some(name) = name.as_str() {
                            out.push(name.to_owned());
                        }
                    }
                }
                for value in m.values() {
                    walk(value, out);
                }
            }
            serde_norway::Value::Sequence(s) => s.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/iamport.yaml");
    let spec: serde_norway::Value =
        serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut out = Vec::new();
    walk(&spec, &mut out);
    out.sort();
    out.dedup();
    out
}

/// For each personal property, lookups whose answers carry it and fail to decode: a wrong type
/// after it, a body cut short after it, and a gateway's 502 carrying it. No error text shows
/// its value.
#[tokio::test]
async fn personal_and_password_properties_are_masked_in_error_text() {
    let names = personal_properties();
    assert!(names.len() >= 20, "{names:?}");
    for must in [
        "buyer_name",
        "buyer_tel",
        "card_number",
        "imp_secret",
        "access_token",
    ] {
        assert!(
            names.iter().any(|n| n == must),
            "{must} missing from {names:?}"
        );
    }
    let rec = recording("get_payment.card_paid");
    for name in &names {
        let value = format!("PERSONAL{}VALUE", name.to_uppercase().replace('_', ""));
        // Outside JSON only digit runs (and words with `@`) are masked, as documented in
        // `redact::excerpt`: a number stands for the value there.
        let digits = "9876543210123".to_owned();
        let bodies: [(u16, String); 4] = [
            (
                200,
                format!(
                    r#"{{"code":0,"message":null,"response":{{"{name}":"{value}","amount":"not a number"}}}}"#
                ),
            ),
            (
                200,
                format!(
                    r#"{{"code":0,"message":null,"response":{{"imp_uid":"{ID}","{name}":"{value}","#
                ),
            ),
            (
                200,
                format!(r#"{{"code":0,"message":null,"response":[{{"{name}" : "{value}"}}]}}"#),
            ),
            (
                502,
                format!(r#"<html>bad gateway {{"{name}":"{digits}"}}</html>"#),
            ),
        ];
        for (status, body) in bodies {
            let server = MockServer::start_async().await;
            let _token = token_mock(&server);
            let _api = serve_response(
                &server,
                &rec,
                Some(TOKEN),
                status,
                body.clone().into_bytes(),
            );
            let shown_value = if status == 502 { &digits } else { &value };
            let err = client_without_retries(&server)
                .payment(ID)
                .await
                .unwrap_err();
            for text in [err.to_string(), format!("{err:?}")] {
                assert!(
                    !text.contains(shown_value.as_str()),
                    "{name} shown for {body}:\n{text}"
                );
            }
        }
    }
}
