//! Property test of the response path: arbitrary status codes, headers (`Retry-After` values
//! up to u64::MAX included) and bytes, answered in memory to every operation's request, and
//! arbitrary token lifetimes, never make the client panic, and no error shows the access token.
//!
//! CI runs a short pass (`FUZZ_CASES`, default 5000). A long run:
//!
//! ```sh
//! FUZZ_CASES=100000 cargo test --release --test fuzz -- --nocapture
//! ```

mod common;

use iamport::testing::{CannedClient, Recording};
use proptest::{prelude::*, test_runner::TestRunner};

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000)
}

/// How to make a body from the recorded one.
#[derive(Debug, Clone)]
enum Body {
    /// Arbitrary bytes.
    Bytes(Vec<u8>),
    /// The recorded body cut short at this fraction of its length.
    Cut(f64),
    /// The recorded body with bytes replaced at this fraction of its length.
    Mutate(f64, Vec<u8>),
    /// A success envelope around arbitrary JSON.
    Payload(serde_json::Value),
    /// An envelope with an arbitrary code, message and payload.
    Envelope(i64, serde_json::Value),
    /// The recorded body itself.
    Recorded,
}

impl Body {
    fn make(&self, recorded: &[u8]) -> Vec<u8> {
        let at = |f: f64| ((recorded.len() as f64) * f) as usize;
        match self {
            Body::Bytes(b) => b.clone(),
            Body::Cut(f) => recorded[..at(*f)].to_vec(),
            Body::Mutate(f, bytes) => {
                let mut b = recorded.to_vec();
                let start = at(*f).min(b.len());
                let end = (start + bytes.len()).min(b.len());
                b.splice(start..end, bytes.iter().copied());
                b
            }
            Body::Payload(v) => {
                serde_json::to_vec(&serde_json::json!({"code": 0, "message": null, "response": v}))
                    .unwrap()
            }
            Body::Envelope(code, v) => {
                serde_json::to_vec(&serde_json::json!({"code": code, "message": v, "response": v}))
                    .unwrap()
            }
            Body::Recorded => recorded.to_vec(),
        }
    }
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..256).prop_map(Body::Bytes),
        1 => (0.0..1.0f64).prop_map(Body::Cut),
        1 => (0.0..1.0f64, proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(f, b)| Body::Mutate(f, b)),
        1 => json_value().prop_map(Body::Payload),
        1 => (any::<i64>(), json_value()).prop_map(|(c, v)| Body::Envelope(c, v)),
        3 => Just(Body::Recorded),
    ]
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        "[a-z_ -]{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            proptest::collection::btree_map("[a-z_]{1,10}", inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => Just(200u16),
        2 => prop::sample::select(vec![
            200u16, 201, 204, 207, 301, 400, 401, 404, 405, 429, 500, 501, 502, 503, 504
        ]),
        1 => 100u16..1000,
    ]
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        Just("content-type".to_owned()),
        Just("content-length".to_owned()),
        Just("retry-after".to_owned()),
        Just("content-encoding".to_owned()),
        Just("transfer-encoding".to_owned()),
        "[a-z-]{1,16}",
    ];
    let value = prop_oneof![
        Just("application/json".to_owned()),
        Just("0".to_owned()),
        Just("1".to_owned()),
        Just("gzip".to_owned()),
        Just("18446744073709551615".to_owned()),
        Just("-1".to_owned()),
        any::<u64>().prop_map(|n| n.to_string()),
        "[ -~]{0,24}",
    ];
    proptest::collection::vec((name, value), 0..4)
}

#[test]
fn arbitrary_responses_never_panic_or_leak_the_token() {
    let recordings: Vec<Recording> = common::all_recordings();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let canned = CannedClient::new();
    let bodies: Vec<Vec<u8>> = recordings
        .iter()
        .map(|r| serde_json::to_vec(&r.response.body).unwrap())
        .collect();
    let case = (0..recordings.len(), status(), headers(), body());
    let config = ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let started = std::time::Instant::now();
    let (ok, err) = (std::cell::Cell::new(0u32), std::cell::Cell::new(0u32));
    TestRunner::new(config)
        .run(&case, |(i, status, headers, plan)| {
            let body = plan.make(&bodies[i]);
            let result = runtime.block_on(canned.answer(&recordings[i], status, &headers, &body));
            match result {
                Ok(_) => ok.set(ok.get() + 1),
                Err(e) => {
                    err.set(err.get() + 1);
                    let shown = format!("{e} {e:?}");
                    prop_assert!(!shown.contains("canned0token"), "token in {shown}");
                }
            }
            Ok(())
        })
        .unwrap();
    let (ok, err) = (ok.get(), err.get());
    println!(
        "{} cases in {:.1?}: {ok} decoded, {err} typed errors",
        ok + err,
        started.elapsed()
    );
    assert!(ok > 0 && err > 0, "the cases reach both outcomes");
}

fn extreme_i64() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(i64::MIN),
        Just(i64::MAX),
        Just(0i64),
        Just(-1i64),
        any::<i64>(),
        1_600_000_000i64..1_900_000_000,
    ]
}

#[test]
fn arbitrary_token_lifetimes_and_headers_never_panic() {
    let rec = common::recording("get_token.ok");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let canned = CannedClient::new();
    let config = ProptestConfig {
        cases: cases() / 5,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let case = (extreme_i64(), extreme_i64(), status(), headers());
    TestRunner::new(config)
        .run(&case, |(now, expired_at, status, headers)| {
            let body = serde_json::to_vec(&serde_json::json!({
                "code": 0, "message": null,
                "response": {"access_token": "canned0token", "now": now, "expired_at": expired_at}
            }))
            .unwrap();
            let result = runtime.block_on(canned.answer(&rec, status, &headers, &body));
            if let Err(e) = result {
                let shown = format!("{e} {e:?}");
                prop_assert!(!shown.contains("canned0token"), "token in {shown}");
            }
            Ok(())
        })
        .unwrap();
}
